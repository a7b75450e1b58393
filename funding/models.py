"""The funding decision of a call: its audit trail, the funders' sign-off and the requests for review.

The money itself lives in `projects` (Award, FunderShare, AllocationRecord, Installment) and is
changed only through `funding.services`, which write a DecisionRecord for every step.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calls.models import MONEY


class DecisionRecord(models.Model):
    """One step of a call's funding decision: who, when, what changed (from → to) and why.

    Written by the service that made the change, in the same transaction, and never edited:
    the staff decision page shows them as the call's audit trail.
    """

    class Action(models.TextChoices):
        EVALUATION_STARTED = "evaluation_started", _("evaluation started")
        FUNDED = "funded", _("funded")
        RESERVE = "reserve", _("put on the reserve list")
        NOT_FUNDED = "not_funded", _("not funded")
        AMOUNT_CHANGED = "amount_changed", _("amount granted changed")
        ALLOCATION_CHANGED = "allocation_changed", _("split across funders changed")
        WITHDRAWN = "withdrawn", _("project withdrawn, money released")
        SIGN_OFF = "sign_off", _("funder's sign-off")
        RESULTS_PUBLISHED = "results_published", _("results published")
        REVIEW_REQUESTED = "review_requested", _("request for review filed")
        REVIEW_ANSWERED = "review_answered", _("request for review answered")
        REOPENED = "reopened", _("decision re-opened")
        AGREEMENT_RECORDED = "agreement_recorded", _("grant agreement recorded")
        INSTALLMENT_PAID = "installment_paid", _("installment paid")

    call = models.ForeignKey(
        "calls.Call", on_delete=models.PROTECT, related_name="decision_records", verbose_name=_("call")
    )
    proposal = models.ForeignKey(
        "projects.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_records",
        verbose_name=_("proposal"),
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    from_value = models.CharField(_("from"), max_length=120, blank=True)
    to_value = models.CharField(_("to"), max_length=120, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), null=True, blank=True, **MONEY)
    details = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("decision record")
        verbose_name_plural = _("decision records")
        ordering = ["call", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.get_action_display()} {self.from_value or '—'} → {self.to_value or '—'}"


class FunderSignOff(models.Model):
    """A funder's answer to the proposed ranking and allocation of a call.

    A new answer adds a row (the history stays); the latest row of each funder counts, and an
    approval counts only for the decision it was given on: `decision_digest` fingerprints the
    statuses, amounts and shares the funder saw, so a later change asks for a new approval.
    """

    class Decision(models.TextChoices):
        APPROVED = "approved", _("approved")
        REMARKS = "remarks", _("remarks")

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="sign_offs", verbose_name=_("call"))
    funder = models.ForeignKey(
        "associations.Organisation", on_delete=models.PROTECT, related_name="sign_offs", verbose_name=_("funder")
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    remarks = models.TextField(_("remarks"), blank=True)
    decision_digest = models.CharField(_("fingerprint of the decision signed off"), max_length=64)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("funder's sign-off")
        verbose_name_plural = _("funders' sign-offs")
        ordering = ["call", "funder", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=["approved", "remarks"]), name="funder_sign_off_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision="approved") | ~Q(remarks=""), name="funder_sign_off_remarks_have_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} – {self.call_id}: {self.get_decision_display()}"


class ReviewRequest(models.Model):
    """An applicant's request for review ("riesame") of the published outcome of its proposal."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    proposal = models.ForeignKey(
        "projects.Proposal", on_delete=models.PROTECT, related_name="review_requests", verbose_name=_("proposal")
    )
    text = models.TextField(_("grounds of the request"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Set when an accepted request re-opened the decision, so it is used once only.
    decision_reopened_at = models.DateTimeField(_("decision re-opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request for review")
        verbose_name_plural = _("requests for review")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "rejected"]), name="review_request_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="review_request_answered_has_answer",
            ),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(status="open"), name="review_request_one_open_per_proposal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        """Not answered yet."""
        return self.status == self.Status.OPEN

    @property
    def is_reopenable(self) -> bool:
        """Accepted, and the decision it concerns not reopened yet."""
        return self.status == self.Status.ACCEPTED and self.decision_reopened_at is None
