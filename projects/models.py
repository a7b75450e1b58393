"""A proposal, from draft to closed project, with everything attached to it:
partners, activities, budget, indicators, attachments, reviews, the award and
its split across funder commitments, and installments."""

from datetime import datetime
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from calls.models import MONEY, Call, CostCategory, Territory
from cosviluppo.lib.audit import StatusChange
from cosviluppo.lib.codicefiscale import validate_cup
from cosviluppo.lib.money import ZERO

PROPOSAL_STATUSES = [
    "draft",
    "submitted",
    "admissible",
    "inadmissible",
    "under_evaluation",
    "ranked",
    "funded",
    "reserve",
    "not_funded",
    "in_progress",
    "closed",
    "withdrawn",
]

# Kept for the querysets and tests that import it here; the list is Call's.
RESULTS_PUBLISHED_CALL_STATUSES = Call.RESULTS_PUBLISHED_STATUSES


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def submitted(self) -> Self:
        return self.exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN])

    def funded(self) -> Self:
        """Proposals that received an award and became (or are becoming) projects."""
        return self.filter(status__in=Proposal.FUNDED_STATUSES)

    def results_published(self) -> Self:
        """Proposals of calls whose results are published: public pages list only these (the
        decision may be taken, and the statuses moved, before the funders sign it off)."""
        return self.filter(call__status__in=Call.RESULTS_PUBLISHED_STATUSES)


class Proposal(models.Model):
    """One record from draft proposal to closed project."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ADMISSIBLE = "admissible", _("admissible")
        INADMISSIBLE = "inadmissible", _("inadmissible")
        UNDER_EVALUATION = "under_evaluation", _("under evaluation")
        RANKED = "ranked", _("ranked")
        FUNDED = "funded", _("funded")
        RESERVE = "reserve", _("reserve list")
        NOT_FUNDED = "not_funded", _("not funded")
        IN_PROGRESS = "in_progress", _("in progress")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    FUNDED_STATUSES = (Status.FUNDED, Status.IN_PROGRESS, Status.CLOSED)
    # Admitted and being evaluated: evaluators are assigned and score (evaluation).
    EVALUATION_STATUSES = (Status.ADMISSIBLE, Status.UNDER_EVALUATION)
    # The statuses that tell the outcome of the evaluation: applicants see them only once the
    # call's results are published (until then, "under evaluation").
    OUTCOME_STATUSES = (Status.RANKED, Status.FUNDED, Status.RESERVE, Status.NOT_FUNDED)

    # Allowed moves (from → to). Every move goes through projects.services.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.ADMISSIBLE, Status.INADMISSIBLE, Status.WITHDRAWN, Status.DRAFT},
        Status.ADMISSIBLE: {Status.UNDER_EVALUATION, Status.WITHDRAWN},
        Status.INADMISSIBLE: {Status.ADMISSIBLE},  # after a successful request for review
        Status.UNDER_EVALUATION: {Status.RANKED, Status.WITHDRAWN},
        Status.RANKED: {Status.FUNDED, Status.RESERVE, Status.NOT_FUNDED, Status.WITHDRAWN},
        Status.RESERVE: {Status.FUNDED, Status.NOT_FUNDED, Status.WITHDRAWN},
        Status.NOT_FUNDED: {Status.RANKED},  # after a successful request for review
        Status.FUNDED: {Status.IN_PROGRESS, Status.WITHDRAWN},
        Status.IN_PROGRESS: {Status.CLOSED, Status.WITHDRAWN},
        Status.CLOSED: set(),
        Status.WITHDRAWN: set(),
    }

    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("call"))
    lead = models.ForeignKey(
        "associations.Organisation",
        on_delete=models.PROTECT,
        related_name="led_proposals",
        verbose_name=_("lead migrant association"),
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    title = models.CharField(_("title"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    theme = models.CharField(_("theme"), max_length=120, blank=True)

    # The two territories
    origin_country = CountryField(_("country of origin"), blank=True, db_index=True)
    origin_region = models.CharField(_("region or province (origin)"), max_length=120, blank=True)
    origin_city = models.CharField(_("city or locality (origin)"), max_length=120, blank=True)
    origin_context = models.TextField(_("context in the country of origin"), blank=True)
    residence_municipality = models.CharField(_("municipality (Italy)"), max_length=120, blank=True)
    residence_region = models.CharField(_("region (Italy)"), max_length=60, blank=True, default="Lombardia")
    residence_context = models.TextField(_("context in Italy"), blank=True)

    objectives = models.TextField(_("objectives"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    beneficiaries_origin = models.PositiveIntegerField(_("direct beneficiaries (origin)"), default=0)
    beneficiaries_origin_description = models.TextField(_("beneficiaries in the country of origin"), blank=True)
    beneficiaries_residence = models.PositiveIntegerField(_("direct beneficiaries (Italy)"), default=0)
    beneficiaries_residence_description = models.TextField(_("beneficiaries in Italy"), blank=True)
    sustainability = models.TextField(_("sustainability"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"), null=True, blank=True)

    # Submission
    protocol_sequence = models.PositiveIntegerField(_("protocol sequence"), null=True, blank=True, editable=False)
    protocol_number = models.CharField(_("protocol number"), max_length=40, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Optimistic locking: every save of the draft increments it.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Who saved the draft last: named in the message a member sees when their save conflicts.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )

    # Evaluation outcome
    total_score = models.DecimalField(_("weighted total score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    # Project stage (after the grant agreement)
    cup = models.CharField(_("CUP"), max_length=15, blank=True, validators=[validate_cup])
    agreement_signed_on = models.DateField(_("grant agreement signed on"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["call", "protocol_sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "protocol_sequence"], name="proposal_protocol_unique_in_call"),
            models.UniqueConstraint(
                fields=["protocol_number"], condition=~Q(protocol_number=""), name="proposal_protocol_number_unique"
            ),
            # A CUP identifies one public investment project: two projects never share one.
            models.UniqueConstraint(fields=["cup"], condition=~Q(cup=""), name="proposal_cup_unique"),
            models.CheckConstraint(condition=Q(status__in=PROPOSAL_STATUSES), name="proposal_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(protocol_sequence__isnull=False, submitted_at__isnull=False)
                | Q(status="withdrawn"),
                name="proposal_submitted_has_protocol",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gte=1),
                name="proposal_duration_positive",
            ),
            models.CheckConstraint(
                condition=Q(total_score__isnull=True) | Q(total_score__gte=0), name="proposal_score_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol_number or _('draft')} – {self.title}"

    @property
    def is_project(self) -> bool:
        return self.status in self.FUNDED_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_being_evaluated(self) -> bool:
        return self.status in self.EVALUATION_STATUSES

    def is_received(self) -> bool:
        """Submitted at some point (it has a protocol number and a receipt), whatever happened next."""
        return self.status != self.Status.DRAFT and self.submitted_at is not None

    def reopened_sections(self, now: datetime | None = None) -> set[str]:
        """The steps of a submitted proposal its applicants may edit now: those named by a request
        for clarification ("soccorso istruttorio", evaluation.ClarificationRequest) still open and
        before its deadline (one query). Empty otherwise. Asked through the reverse relation, so
        projects does not import evaluation (which builds on projects)."""
        now = now or timezone.now()
        if self.status != self.Status.SUBMITTED:
            return set()
        requests = self.clarification_requests
        sections: set[str] = set()
        for listed in requests.filter(status=requests.model.Status.OPEN, deadline__gt=now).values_list(
            "sections", flat=True
        ):
            sections.update(listed)
        return sections

    @property
    def public_status(self) -> str:
        """The status applicants (and partners) are shown: the outcome only once the call's
        results are published; "under evaluation" until then. Reads self.call (select it)."""
        if self.status in self.OUTCOME_STATUSES and not self.call.results_are_published():
            return self.Status.UNDER_EVALUATION
        return self.Status(self.status)

    def get_public_status_display(self) -> str:
        return self.Status(self.public_status).label

    def budget_totals(self) -> dict[str, Decimal]:
        """Totals of the budget lines: cost, requested, co-financing."""
        totals = self.budget_lines.aggregate(
            total_cost=Sum("total_cost"),
            requested=Sum("amount_requested"),
            own=Sum("cofinancing_own"),
            other=Sum("cofinancing_other"),
        )
        return {key: value or ZERO for key, value in totals.items()}


class ProposalStatusChange(StatusChange):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("proposal")
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("proposal status change")
        verbose_name_plural = _("proposal status changes")


class ProposalPartner(models.Model):
    """An organisation taking part in a proposal besides the lead."""

    class Role(models.TextChoices):
        ITALIAN_NGO = "italian_ngo", _("Italian NGO partner")
        ORIGIN_PARTNER = "origin_partner", _("partner in the country of origin")
        OTHER = "other", _("other partner")

    class Response(models.TextChoices):
        INVITED = "invited", _("invited")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="partners", verbose_name=_("proposal")
    )
    organisation = models.ForeignKey(
        "associations.Organisation",
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    response = models.CharField(_("response"), max_length=16, choices=Response.choices, default=Response.INVITED)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responded by"),
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    contribution = models.TextField(_("role and contribution"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["proposal", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "organisation"], name="partner_once_per_proposal"),
            models.CheckConstraint(
                condition=Q(role__in=["italian_ngo", "origin_partner", "other"]), name="partner_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(response__in=["invited", "confirmed", "declined"]), name="partner_response_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def is_origin_partner(self) -> bool:
        """Added by the lead association; it does not answer an invitation on the portal."""
        return self.role == self.Role.ORIGIN_PARTNER

    @property
    def awaits_answer(self) -> bool:
        return self.response == self.Response.INVITED

    @property
    def is_confirmed(self) -> bool:
        return self.response == self.Response.CONFIRMED

    @property
    def is_declined(self) -> bool:
        return self.response == self.Response.DECLINED


# The most rows each list step of a proposal holds. Far above what a co-development proposal
# needs (the programme's have a handful of activities and indicators, and a budget line per cost
# category and territory), and low enough that a forged form cannot make the server build and
# render thousands of rows: the step's formset never builds more (projects.forms.row_formset),
# and proposal_save_step refuses more.
PROPOSAL_ROW_LIMITS = {"activities": 50, "budget": 100, "indicators": 50}


class Activity(models.Model):
    """An activity of the project, carried out in one of the two territories."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="activities", verbose_name=_("proposal")
    )
    territory = models.CharField(_("territory"), max_length=16, choices=Territory.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    start_month = models.PositiveSmallIntegerField(_("start month"), validators=[MinValueValidator(1)])
    end_month = models.PositiveSmallIntegerField(_("end month"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["proposal", "start_month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__gte=1, end_month__gte=F("start_month")), name="activity_months_ordered"
            ),
            models.CheckConstraint(condition=Q(territory__in=["origin", "residence"]), name="activity_territory_valid"),
        ]

    def __str__(self) -> str:
        return self.title


HALF_CENT = Value(Decimal("0.005"))


class BudgetLine(models.Model):
    """A line of the budget: a cost category in one territory.

    The total cost is always what is requested plus the applicant's co-financing
    (own resources and other sources); the database enforces it.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("proposal")
    )
    category = models.CharField(_("cost category"), max_length=1, choices=CostCategory.choices)
    territory = models.CharField(_("territory"), max_length=16, choices=Territory.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    total_cost = models.DecimalField(_("total cost (EUR)"), **MONEY)
    amount_requested = models.DecimalField(_("amount requested (EUR)"), **MONEY)
    cofinancing_own = models.DecimalField(_("co-financing: own resources (EUR)"), default=ZERO, **MONEY)
    cofinancing_other = models.DecimalField(_("co-financing: other sources (EUR)"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["proposal", "category", "territory", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    total_cost__gte=0, amount_requested__gte=0, cofinancing_own__gte=0, cofinancing_other__gte=0
                ),
                name="budget_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                # Within half a cent rather than equal: SQLite compares decimals as floats.
                # PostgreSQL's numeric is exact, so there it is equality in effect.
                condition=Q(
                    total_cost__gte=F("amount_requested") + F("cofinancing_own") + F("cofinancing_other") - HALF_CENT,
                    total_cost__lte=F("amount_requested") + F("cofinancing_own") + F("cofinancing_other") + HALF_CENT,
                ),
                name="budget_line_total_is_sum",
                violation_error_message=_("The total cost must equal the amount requested plus co-financing."),
            ),
            models.CheckConstraint(
                condition=Q(territory__in=["origin", "residence"]), name="budget_line_territory_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} – {self.get_territory_display()}: € {self.total_cost}"

    @property
    def cofinancing(self) -> Decimal:
        return self.cofinancing_own + self.cofinancing_other


class Indicator(models.Model):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("proposal")
    )
    name = models.CharField(_("indicator"), max_length=255)
    territory = models.CharField(_("territory"), max_length=16, choices=Territory.choices)
    baseline = models.CharField(_("baseline"), max_length=120, blank=True)
    target = models.CharField(_("target"), max_length=120)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return self.name


def attachment_upload_to(instance, filename: str) -> str:
    return f"private/proposals/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file attached to a proposal; private, served only to its organisations and staff."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("proposal")
    )
    required_attachment = models.ForeignKey(
        "calls.RequiredAttachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answers the required document"),
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["proposal", "pk"]
        constraints = [
            # One file per document the call requires: uploading again replaces it.
            models.UniqueConstraint(
                fields=["proposal", "required_attachment"],
                condition=Q(required_attachment__isnull=False),
                name="attachment_once_per_required_document",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """An evaluator's review of one proposal."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("assigned")
        NO_CONFLICT = "no_conflict", _("no conflict declared, in progress")
        CONFLICT = "conflict", _("conflict of interest declared")
        SUBMITTED = "submitted", _("submitted")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("proposal"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("evaluator")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    conflict_declared_at = models.DateTimeField(_("declaration made at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "evaluator"], name="review_once_per_evaluator"),
            models.CheckConstraint(
                condition=Q(status__in=["assigned", "no_conflict", "conflict", "submitted"]), name="review_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} → {self.proposal}"

    @property
    def awaits_declaration(self) -> bool:
        """Assigned: the evaluator has not declared (the absence of) a conflict of interest yet."""
        return self.status == self.Status.ASSIGNED

    @property
    def is_in_progress(self) -> bool:
        """No conflict declared, scores not submitted yet."""
        return self.status == self.Status.NO_CONFLICT

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review"))
    criterion = models.ForeignKey(
        "calls.EvaluationCriterion", on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="review_score_once_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0), name="review_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.score}"


class ConsensusScore(models.Model):
    """The committee's agreed score on one criterion of one proposal."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="consensus_scores", verbose_name=_("proposal")
    )
    criterion = models.ForeignKey(
        "calls.EvaluationCriterion", on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    justification = models.TextField(_("justification"))
    comment_for_applicant = models.TextField(_("comment for the applicant"), blank=True)
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
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        ordering = ["proposal", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="consensus_once_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0), name="consensus_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} {self.criterion.code}: {self.score}"


class Award(models.Model):
    """The grant decided for a proposal; split into funder shares."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="award", verbose_name=_("proposal")
    )
    amount_granted = models.DecimalField(_("amount granted (EUR)"), **MONEY)
    reduction_reason = models.TextField(_("reason for granting less than requested"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["proposal"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_granted__gt=0), name="award_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: € {self.amount_granted}"

    def shares_total(self) -> Decimal:
        return self.shares.aggregate(total=Sum("amount"))["total"] or ZERO


class FunderShare(models.Model):
    """The part of an award drawn on one funder commitment of the call."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="shares", verbose_name=_("award"))
    commitment = models.ForeignKey(
        "calls.FunderCommitment", on_delete=models.PROTECT, related_name="shares", verbose_name=_("funder commitment")
    )
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)

    class Meta:
        verbose_name = _("funder share")
        verbose_name_plural = _("funder shares")
        ordering = ["award", "commitment"]
        constraints = [
            models.UniqueConstraint(fields=["award", "commitment"], name="funder_share_once_per_commitment"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funder_share_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.funder}: € {self.amount}"


class AllocationRecord(models.Model):
    """Audit of an award's split across commitments: who, when, which shares, why."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("award"))
    shares = models.JSONField(_("shares"), help_text=_("Commitment id → amount, as decided."))
    manual = models.BooleanField(_("manual split"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("allocated by"),
    )
    allocated_at = models.DateTimeField(_("allocated at"))

    class Meta:
        verbose_name = _("allocation record")
        verbose_name_plural = _("allocation records")
        ordering = ["award", "allocated_at", "pk"]

    def __str__(self) -> str:
        return f"{self.award} @ {self.allocated_at:%Y-%m-%d %H:%M}"


class Installment(models.Model):
    """A planned payment of an award (advance, mid-term, balance), and when it was paid."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PAID = "paid", _("paid")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="installments", verbose_name=_("award"))
    sequence = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=120)
    percentage = models.DecimalField(
        _("share of the award (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["award", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["award", "sequence"], name="installment_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="installment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(percentage__gte=0, percentage__lte=100), name="installment_percentage_range"
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(status="paid", paid_on__isnull=False),
                name="installment_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: € {self.amount}"
