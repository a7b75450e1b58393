"""What the evaluation of a proposal adds to it: the admissibility checklist, requests for
clarification ("soccorso istruttorio"), the message thread with the applicant, and the
audit trail of every evaluation decision.

Reviews, scores and consensus scores live in `projects` (Review, ReviewScore,
ConsensusScore); the proposal's status moves are recorded there too (ProposalStatusChange).
Nothing here is ever deleted: rows change status and leave an EvaluationEvent behind.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cosviluppo.lib.audit import StatusChange
from cosviluppo.lib.idempotency import form_token_field


class AdmissibilityCheck(models.Model):
    """The programme officer's checklist for one submitted proposal.

    `items` is a list of {"key", "label", "automatic", "passed", "note"}: automatic items
    come from the call's eligibility rules (recomputed at every save), manual ones are
    ticked by the officer (passed True/False, or None while not checked yet).
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("not decided yet")
        ADMISSIBLE = "admissible", _("admissible")
        INADMISSIBLE = "inadmissible", _("inadmissible")

    proposal = models.OneToOneField(
        "projects.Proposal",
        on_delete=models.PROTECT,
        related_name="admissibility_check",
        verbose_name=_("proposal"),
    )
    items = models.JSONField(_("checklist items"), default=list)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    reasons = models.TextField(_("reasons"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last checked by"),
    )
    checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("admissibility check")
        verbose_name_plural = _("admissibility checks")
        ordering = ["proposal"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["pending", "admissible", "inadmissible"]),
                name="admissibility_outcome_valid",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="inadmissible") | ~Q(reasons=""),
                name="admissibility_inadmissible_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} – {self.get_outcome_display()}"

    @property
    def is_decided(self) -> bool:
        return self.outcome != self.Outcome.PENDING

    @property
    def all_passed(self) -> bool:
        return bool(self.items) and all(item.get("passed") is True for item in self.items)


class ClarificationRequest(models.Model):
    """A request to fix formal defects ("soccorso istruttorio", L. 241/1990 art. 6).

    Only the named sections (projects.steps keys) of the submitted proposal reopen, until
    the applicant marks the request answered or the deadline passes; `changes` keeps the
    snapshot of those sections taken when the request was made ("before") and when it
    closed ("after"), with the list of what differs ("changed").
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        EXPIRED = "expired", _("expired")

    proposal = models.ForeignKey(
        "projects.Proposal",
        on_delete=models.PROTECT,
        related_name="clarification_requests",
        verbose_name=_("proposal"),
    )
    sections = models.JSONField(_("sections reopened"), default=list)
    message = models.TextField(_("message to the applicant"))
    deadline = models.DateTimeField(_("deadline"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request for clarification")
        verbose_name_plural = _("requests for clarification")
        ordering = ["proposal", "requested_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "expired"]), name="clarification_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(answered_at__isnull=False),
                name="clarification_answered_has_time",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("requested_at")), name="clarification_deadline_after_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} – {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        """Not answered or closed yet (its deadline may have passed: see is_open_at)."""
        return self.status == self.Status.OPEN

    def is_open_at(self, when) -> bool:
        """Open and before its deadline: the sections may be edited and the request answered."""
        return self.status == self.Status.OPEN and when < self.deadline


class ProposalMessage(models.Model):
    """One message of the thread between the programme office and the lead's members."""

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.PROTECT, related_name="messages", verbose_name=_("proposal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    from_staff = models.BooleanField(_("from the programme office"))
    body = models.TextField(_("message"))
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    # The token of the form that sent it: the same form posted twice stores one message.
    form_token = form_token_field()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["proposal", "sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal} – {self.author} ({self.sent_at:%Y-%m-%d %H:%M})"


class EvaluationEvent(StatusChange):
    """Audit row of an evaluation decision: who, when, from, to, why, and its details.

    Proposal status moves are ProposalStatusChange rows (written by proposal_transition);
    these record everything else: checklists, requests for clarification, assignments,
    declarations of interest, scores, consensus and rank.
    """

    class Kind(models.TextChoices):
        CHECKLIST_SAVED = "checklist.saved", _("admissibility checklist saved")
        ADMISSIBILITY_DECIDED = "admissibility.decided", _("admissibility decided")
        CLARIFICATION_REQUESTED = "clarification.requested", _("clarification requested")
        CLARIFICATION_ANSWERED = "clarification.answered", _("clarification answered")
        CLARIFICATION_EXPIRED = "clarification.expired", _("clarification expired")
        REVIEW_ASSIGNED = "review.assigned", _("evaluator assigned")
        REVIEW_NO_CONFLICT = "review.no_conflict", _("no conflict of interest declared")
        REVIEW_CONFLICT = "review.conflict", _("conflict of interest declared")
        REVIEW_SUBMITTED = "review.submitted", _("review submitted")
        CONSENSUS_RECORDED = "consensus.recorded", _("consensus score recorded")
        RANK_COMPUTED = "rank.computed", _("rank computed")

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.PROTECT, related_name="evaluation_events", verbose_name=_("proposal")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta(StatusChange.Meta):
        verbose_name = _("evaluation event")
        verbose_name_plural = _("evaluation events")
