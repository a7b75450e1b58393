"""Call editions ("bandi"), their rules, criteria, documents and funder commitments."""

from datetime import datetime
from decimal import Decimal
from typing import Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cosviluppo.lib.audit import StatusChange
from cosviluppo.lib.i18n import localised
from cosviluppo.lib.idempotency import form_token_field
from cosviluppo.lib.money import quantize_eur

MONEY = {"max_digits": 14, "decimal_places": 2}
PERCENT = {"max_digits": 5, "decimal_places": 2, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class CostCategory(models.TextChoices):
    """Budget categories of a co-development proposal."""

    HUMAN_RESOURCES = "A", _("A. Human resources")
    TRAVEL = "B", _("B. Travel and subsistence")
    EQUIPMENT = "C", _("C. Equipment and supplies")
    SERVICES = "D", _("D. External services and consultancy")
    TRAINING = "E", _("E. Training")
    COMMUNICATION = "F", _("F. Communication and events")
    MONITORING = "G", _("G. Monitoring, evaluation and audit")
    OVERHEADS = "H", _("H. Overheads")


class Territory(models.TextChoices):
    """The two territories of a co-development project."""

    ORIGIN = "origin", _("country of origin")
    RESIDENCE = "residence", _("Italy (place of residence)")


CALL_STATUSES = ["draft", "open", "closed", "evaluation", "results_published", "archived"]


class CallQuerySet(models.QuerySet["Call"]):
    def published(self) -> Self:
        return self.exclude(status=Call.Status.DRAFT)

    def results_published(self) -> Self:
        """Calls whose ranking and decisions are public (as Call.results_are_published)."""
        return self.filter(status__in=Call.RESULTS_PUBLISHED_STATUSES)

    def open_at(self, when: datetime) -> Self:
        """Calls accepting proposals at `when`, by the clock (not the stored status)."""
        return self.filter(status=Call.Status.OPEN, opens_at__lte=when, closes_at__gt=when)

    def with_budget(self) -> Self:
        return self.annotate(budget_total=Sum("commitments__amount"))


class Call(models.Model):
    """One call edition: its texts, dates, rules and lifecycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        EVALUATION = "evaluation", _("under evaluation")
        RESULTS_PUBLISHED = "results_published", _("results published")
        ARCHIVED = "archived", _("archived")

    # Allowed moves of the stored status; each has its own service.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED, Status.DRAFT},
        Status.CLOSED: {Status.EVALUATION},
        Status.EVALUATION: {Status.RESULTS_PUBLISHED},
        Status.RESULTS_PUBLISHED: {Status.ARCHIVED},
        Status.ARCHIVED: set(),
    }
    # The ranking and the decisions are public in these statuses; ask results_are_published()
    # of a call, Call.objects.results_published() of a queryset.
    RESULTS_PUBLISHED_STATUSES = (Status.RESULTS_PUBLISHED, Status.ARCHIVED)

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_("Short public code, e.g. COSV-2012."))
    year = models.PositiveSmallIntegerField(_("year"))
    title_it = models.CharField(_("title (Italian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    themes = models.CharField(_("themes"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at (deadline)"))
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)

    # Rules
    # The total announced in the call text; publication requires the funders' commitments
    # to add up to it exactly (the pooled budget is always their sum, see budget()).
    announced_budget = models.DecimalField(
        _("total budget of the call (EUR)"),
        null=True,
        blank=True,
        help_text=_("The funders' commitments must add up to this amount before the call can be published."),
        **MONEY,
    )
    max_grant = models.DecimalField(_("maximum grant per project (EUR)"), **MONEY)
    min_cofinancing_pct = models.DecimalField(_("minimum co-financing by the applicant (%)"), **PERCENT)
    max_duration_months = models.PositiveSmallIntegerField(_("maximum duration (months)"))
    eligible_countries = CountryField(_("eligible countries of origin"), multiple=True, blank=True)
    ngo_partner_required = models.BooleanField(_("an Italian NGO partner is required"), default=True)
    min_origin_share_pct = models.DecimalField(_("minimum share in the country of origin (%)"), default=0, **PERCENT)
    max_origin_share_pct = models.DecimalField(_("maximum share in the country of origin (%)"), default=100, **PERCENT)
    min_residence_share_pct = models.DecimalField(_("minimum share in Italy (%)"), default=0, **PERCENT)
    max_residence_share_pct = models.DecimalField(_("maximum share in Italy (%)"), default=100, **PERCENT)
    overall_threshold = models.DecimalField(
        _("minimum total score to be fundable"), max_digits=6, decimal_places=2, default=Decimal("60")
    )
    review_request_days = models.PositiveSmallIntegerField(_("days to request a review of the results"), default=30)

    # Transparency (D.Lgs. 33/2013 art. 27): legal basis and responsible office.
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    responsible_office = models.CharField(_("responsible office"), max_length=255, blank=True)
    responsible_official = models.CharField(_("responsible official"), max_length=150, blank=True)

    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"),
            models.CheckConstraint(condition=Q(max_grant__gte=0), name="call_max_grant_not_negative"),
            models.CheckConstraint(
                condition=Q(announced_budget__isnull=True) | Q(announced_budget__gte=0),
                name="call_announced_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(min_cofinancing_pct__gte=0, min_cofinancing_pct__lte=100),
                name="call_min_cofinancing_pct_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    min_origin_share_pct__gte=0,
                    max_origin_share_pct__lte=100,
                    min_origin_share_pct__lte=F("max_origin_share_pct"),
                ),
                name="call_origin_share_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    min_residence_share_pct__gte=0,
                    max_residence_share_pct__lte=100,
                    min_residence_share_pct__lte=F("max_residence_share_pct"),
                ),
                name="call_residence_share_range",
            ),
            models.CheckConstraint(condition=Q(max_duration_months__gte=1), name="call_duration_positive"),
            models.CheckConstraint(condition=Q(status__in=CALL_STATUSES), name="call_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("calls:detail", kwargs={"code": self.code})

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def description(self) -> str:
        return localised(self, "description")

    def results_are_published(self) -> bool:
        """The ranking and the decisions are public (funding publishes them; archiving keeps them)."""
        return self.status in self.RESULTS_PUBLISHED_STATUSES

    @property
    def is_published_open(self) -> bool:
        """Published and not yet closed by the office (the clock may have passed its deadline)."""
        return self.status == self.Status.OPEN

    @property
    def is_in_evaluation(self) -> bool:
        """Closed and being evaluated: the decision is proposed to the funders, not yet published."""
        return self.status == self.Status.EVALUATION

    def accepts_questions_at(self, when: datetime | None = None) -> bool:
        """Questions are asked about a published call until its deadline (also before it opens)."""
        return self.status == self.Status.OPEN and self.effective_status(when) == self.Status.OPEN

    def is_open_at(self, when: datetime | None = None) -> bool:
        """True while the call accepts proposals: published and between its dates."""
        when = when or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= when < self.closes_at

    def effective_status(self, when: datetime | None = None) -> str:
        """The status as the clock says, even before the beat task has recorded it."""
        when = when or timezone.now()
        if self.status == self.Status.OPEN and when >= self.closes_at:
            return self.Status.CLOSED
        return self.status

    def is_forthcoming_at(self, when: datetime | None = None) -> bool:
        """Published but not open yet: its opening date is still ahead."""
        when = when or timezone.now()
        return self.status == self.Status.OPEN and when < self.opens_at

    def effective_status_label(self, when: datetime | None = None) -> str:
        when = when or timezone.now()
        if self.is_forthcoming_at(when):
            return str(_("published, opens soon"))
        return self.Status(self.effective_status(when)).label

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def budget(self) -> Decimal:
        """The pooled budget: the sum of the funder commitments."""
        annotated = getattr(self, "budget_total", None)
        if annotated is None:
            annotated = self.commitments.aggregate(total=Sum("amount"))["total"]
        return quantize_eur(annotated)


# The most entries each part of a call holds, on its edit page and (for the FAQ) when staff
# publish answers. Far above what a call of the programme has (a few criteria, funders and
# documents; a few dozen questions), and low enough that a forged form cannot make the server
# build and render thousands of forms (calls.forms.call_edition_forms): max_num = absolute_max.
CALL_PART_LIMITS = {
    "criteria": 20,
    "commitments": 20,
    "cost_categories": len(CostCategory.choices),
    "attachments": 20,
    "documents": 30,
    "faq": 200,
}


class EligibleCostCategory(models.Model):
    """A cost category the call accepts, with an optional cap as % of the total cost."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="cost_categories", verbose_name=_("call"))
    category = models.CharField(_("category"), max_length=1, choices=CostCategory.choices)
    cap_pct = models.DecimalField(_("cap (% of total cost)"), null=True, blank=True, **PERCENT)

    class Meta:
        verbose_name = _("eligible cost category")
        verbose_name_plural = _("eligible cost categories")
        ordering = ["call", "category"]
        constraints = [
            models.UniqueConstraint(fields=["call", "category"], name="eligible_cost_category_unique"),
            models.CheckConstraint(
                condition=Q(cap_pct__isnull=True) | Q(cap_pct__gte=0, cap_pct__lte=100),
                name="eligible_cost_category_cap_range",
            ),
        ]

    def __str__(self) -> str:
        cap = f" (≤ {self.cap_pct}%)" if self.cap_pct is not None else ""
        return f"{self.get_category_display()}{cap}"


def call_document_upload_to(instance, filename: str) -> str:
    # Under private/ like every upload: the documents of published calls are streamed by
    # calls:document, which refuses those of drafts.
    return f"private/calls/{instance.call.code}/{filename}"


class CallDocument(models.Model):
    """A public document of the call (the call text, forms, annexes)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents", verbose_name=_("call"))
    title_it = models.CharField(_("title (Italian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to=call_document_upload_to)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localised(self, "title")


class RequiredAttachment(models.Model):
    """A document every proposal to the call must attach (e.g. the partnership letter)."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="required_attachments", verbose_name=_("call")
    )
    name_it = models.CharField(_("name (Italian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    accepts_office_documents = models.BooleanField(
        _("also accepts ODT and DOCX"), default=False, help_text=_("Otherwise PDF only.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("required attachment")
        verbose_name_plural = _("required attachments")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")


class EvaluationCriterion(models.Model):
    """A criterion of the evaluation grid: each reviewer scores it from 0 to max_score."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    code = models.CharField(_("code"), max_length=8)
    name_it = models.CharField(_("name (Italian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=6, decimal_places=2)
    weight = models.DecimalField(_("weight (%)"), **PERCENT)
    min_threshold = models.DecimalField(
        _("minimum score to be fundable"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["call", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="criterion_code_unique_in_call"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_score_positive"),
            models.CheckConstraint(condition=Q(weight__gte=0, weight__lte=100), name="criterion_weight_range"),
            models.CheckConstraint(
                condition=Q(min_threshold__isnull=True) | Q(min_threshold__gte=0, min_threshold__lte=F("max_score")),
                name="criterion_threshold_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def description(self) -> str:
        return localised(self, "description")


class FunderCommitment(models.Model):
    """What one funder puts into a call's pool. The call's budget is their sum."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("call"))
    funder = models.ForeignKey(
        "associations.Organisation",
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("funder"),
    )
    amount = models.DecimalField(_("amount committed (EUR)"), **MONEY)
    note = models.CharField(
        _("note"),
        max_length=255,
        blank=True,
        help_text=_("E.g. “also on behalf of the partnership of banking institutions”."),
    )

    class Meta:
        verbose_name = _("funder commitment")
        verbose_name_plural = _("funder commitments")
        ordering = ["call", "-amount", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "funder"], name="commitment_one_per_funder_and_call"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="commitment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.funder} → {self.call.code}: € {self.amount}"


class CallQuestion(models.Model):
    """A question about the call asked by an applicant; published with staff's answer."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions", verbose_name=_("call"))
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_questions",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # The token of the form that asked it: the same form posted twice stores one question.
    form_token = form_token_field()

    class Meta:
        verbose_name = _("question about a call")
        verbose_name_plural = _("questions about calls")
        ordering = ["call", "asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | ~Q(answer=""), name="call_question_published_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]


class CallStatusChange(StatusChange):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("call"))

    class Meta(StatusChange.Meta):
        verbose_name = _("call status change")
        verbose_name_plural = _("call status changes")
