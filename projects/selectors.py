"""Reads about proposals and projects that pages and reports share."""

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Count, QuerySet, Sum

from associations.models import Organisation
from calls.models import Call, FunderCommitment
from cosviluppo.lib.money import quantize_eur
from cosviluppo.lib.types import AnyUser

from .models import Award, Proposal, ProposalPartner

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

    from accounts.models import User

    from .models import ProposalAttachment

# A model of a proposal's row step (activities, budget lines, indicators).
RowModel = TypeVar("RowModel", bound=models.Model)


def programme_headline_numbers() -> dict:
    """The public figures of the programme (home page, open-data page), one aggregate query each.

    Outcomes are public only once a call's results are published (the decision is taken, and the
    statuses moved, before the funders sign it off): projects funded, countries, funders and the
    co-funding count the calls with results published only. `calls` counts the calls published
    (open or past), `calls_with_results` those whose results are out.
    """
    results_calls = Call.objects.results_published()
    funded = Proposal.objects.funded().results_published()
    return {
        "calls": Call.objects.published().count(),
        "calls_with_results": results_calls.count(),
        "proposals_received": Proposal.objects.submitted().count(),
        "projects_funded": funded.count(),
        "countries": funded.exclude(origin_country="").values("origin_country").distinct().count(),
        "associations": Organisation.objects.verified().migrant_associations().count(),
        "funders": FunderCommitment.objects.filter(call__in=results_calls).values("funder").distinct().count(),
        "total_cofunding": quantize_eur(
            Award.objects.filter(proposal__in=funded).aggregate(total=Sum("amount_granted"))["total"]
        ),
    }


def funded_projects_by_country() -> list[dict[str, Any]]:
    """Per country of origin (ISO alpha-2): projects funded and amounts granted, for the calls with
    results published; `granted` in euro and cents."""
    rows = (
        Proposal.objects.funded()
        .results_published()
        .exclude(origin_country="")
        .values("origin_country")
        .annotate(projects=Count("pk"), granted=Sum("award__amount_granted"))
        .order_by("origin_country")
    )
    return [{**row, "granted": quantize_eur(row["granted"])} for row in rows]


def proposals_visible_to(user: AnyUser) -> QuerySet[Proposal]:
    """Proposals a user may open: their organisations' (as lead or partner) and, for
    programme officers, every submitted one. Drafts stay private to the applicants."""
    from django.db.models import Q

    from cosviluppo.lib.permissions import is_staff_officer

    from .models import ProposalPartner

    if not user.is_authenticated:
        return Proposal.objects.none()
    organisations = user.memberships.values("organisation_id")
    mine = Q(lead__in=organisations) | Q(
        pk__in=ProposalPartner.objects.filter(
            organisation__in=organisations,
            response__in=[ProposalPartner.Response.INVITED, ProposalPartner.Response.CONFIRMED],
        ).values("proposal_id")
    )
    if is_staff_officer(user):
        mine |= ~Q(status=Proposal.Status.DRAFT)
    return Proposal.objects.filter(mine)


def proposal_get_for_user(*, user: AnyUser, pk: int) -> Proposal:
    """A proposal the user may see, with its call and lead; 404 otherwise (never 403: the id leaks nothing)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(proposals_visible_to(user).select_related("call", "lead"), pk=pk)


def proposal_get_for_documents(*, user: AnyUser, pk: int) -> Proposal:
    """A proposal whose attached documents the user may download: one the user may see
    (proposals_visible_to) or one assigned to the user for review, once they declared no conflict
    of interest (and after submitting the review). An evaluator who has not declared yet, or who
    declared a conflict, gets 404 like everybody else."""
    from django.shortcuts import get_object_or_404

    from .models import Review

    proposals = proposals_visible_to(user)
    if user.is_authenticated:
        reviewing = Review.objects.filter(
            evaluator=user, status__in=[Review.Status.NO_CONFLICT, Review.Status.SUBMITTED]
        ).values("proposal_id")
        proposals = Proposal.objects.filter(pk__in=proposals.values("pk")) | Proposal.objects.filter(
            pk__in=reviewing
        ).exclude(status=Proposal.Status.DRAFT)
    return get_object_or_404(proposals.select_related("call", "lead"), pk=pk)


# --- What applicants are told ------------------------------------------------------------------------


def proposal_public_status(proposal: Proposal) -> str:
    """The status to show applicants and partners (a Proposal.Status): the outcome of the
    evaluation (ranked, funded, reserve, not funded) only once the call's results are published —
    the decision is taken, and the statuses moved, before the funders sign it off — and "under
    evaluation" until then. Staff see the actual status."""
    return proposal.public_status


# --- Drafting: progress through the form, budget totals, the proposal document --------------------

# The fields a member types in each text step (the title and what the draft starts with, such as
# the municipality and the country of origin, do not make a step "filled in").
STEP_CONTENT_FIELDS = {
    "summary": ["summary", "acronym", "theme"],
    "territories": ["origin_region", "origin_city", "origin_context", "residence_context"],
    "objectives": ["objectives", "expected_results"],
    "beneficiaries": [
        "beneficiaries_origin",
        "beneficiaries_origin_description",
        "beneficiaries_residence",
        "beneficiaries_residence_description",
    ],
    "sustainability": ["sustainability"],
}


def proposal_step_progress(proposal: Proposal) -> dict[str, bool]:
    """Which steps of the form have content, for the progress indicator (one query)."""
    from django.db.models import Exists, OuterRef

    from .models import Activity, BudgetLine, Indicator, ProposalAttachment, ProposalPartner

    children = {
        "activities": Activity,
        "partners": ProposalPartner,
        "budget": BudgetLine,
        "indicators": Indicator,
        "attachments": ProposalAttachment,
    }
    found = (
        Proposal.objects.filter(pk=proposal.pk)
        .annotate(
            **{
                f"has_{step}": Exists(model._default_manager.filter(proposal=OuterRef("pk")))
                for step, model in children.items()
            }
        )
        .values(*(f"has_{step}" for step in children))
        .get()
    )
    progress = {step: any(getattr(proposal, name) for name in names) for step, names in STEP_CONTENT_FIELDS.items()}
    progress.update({step: found[f"has_{step}"] for step in children})
    return progress


class BudgetTotals:
    """What a set of budget lines adds up to; `share_pct` is set against the whole budget."""

    def __init__(self, key: str = "", label: "str | StrPromise" = "") -> None:
        from cosviluppo.lib.money import ZERO

        self.key, self.label = key, label
        self.requested = self.own = self.other = ZERO
        self.share_pct: Decimal | None = None
        self.lines = 0

    def add(self, requested: Decimal, own: Decimal, other: Decimal) -> None:
        self.requested += requested
        self.own += own
        self.other += other
        self.lines += 1

    @property
    def cofinancing(self) -> Decimal:
        return self.own + self.other

    @property
    def total_cost(self) -> Decimal:
        return self.requested + self.own + self.other

    @property
    def cofinancing_pct(self) -> Decimal | None:
        return _pct(self.cofinancing, self.total_cost)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part * 100 / whole).quantize(Decimal("0.01")) if whole else None


def budget_summary(lines: Iterable[Any]) -> dict[str, Any]:
    """Totals of budget lines per territory and overall, exact in Decimal.

    `lines` are BudgetLine objects or mappings with territory, amount_requested,
    cofinancing_own and cofinancing_other (the budget page previews what is being typed);
    a line without a territory counts only in the overall totals.
    """
    from calls.models import Territory
    from cosviluppo.lib.money import ZERO

    territories = {key: BudgetTotals(key, label) for key, label in Territory.choices}
    overall = BudgetTotals("overall")
    for line in lines:
        values = line if isinstance(line, dict) else vars(line)
        amounts = [values.get(name) or ZERO for name in ("amount_requested", "cofinancing_own", "cofinancing_other")]
        overall.add(*amounts)
        if values.get("territory") in territories:
            territories[values["territory"]].add(*amounts)
    for totals in territories.values():
        totals.share_pct = _pct(totals.total_cost, overall.total_cost)
    return {"territories": list(territories.values()), "overall": overall}


def proposal_document_context(proposal: Proposal) -> dict:
    """Everything projects/partials/proposal_document.html shows, in a fixed number of queries
    (seven, or five when `proposal` comes with its call and lead, as proposal_get_for_user gives it):
    the partners with their organisations, activities, budget lines, indicators, attachments and
    the call's required documents, each read once.

    The context: `proposal` (its related lists prefetched), `budget` (lines, totals per territory
    and overall), `required_documents` (each required document with the file answering it, or
    None) and `other_attachments`.
    """
    from django.db.models import Prefetch, prefetch_related_objects

    from .models import ProposalAttachment, ProposalPartner

    prefetch_related_objects(
        [proposal],
        Prefetch(
            "partners",
            queryset=ProposalPartner.objects.select_related("organisation").order_by("role", "pk"),
        ),
        "activities",
        "budget_lines",
        "indicators",
        Prefetch("attachments", queryset=ProposalAttachment.objects.order_by("pk")),
    )
    lines = list(proposal.budget_lines.all())
    attachments = list(proposal.attachments.all())
    answered = {item.required_attachment_id: item for item in attachments if item.required_attachment_id}
    required = list(proposal.call.required_attachments.all())
    budget = budget_summary(lines)
    budget["lines"] = lines
    budget["lines_by_territory"] = [
        (totals, [line for line in lines if line.territory == totals.key]) for totals in budget["territories"]
    ]
    return {
        "proposal": proposal,
        "budget": budget,
        "required_documents": [(document, answered.get(document.pk)) for document in required],
        "other_attachments": [item for item in attachments if not item.required_attachment_id],
    }


# --- Drafting: partners ----------------------------------------------------------------------------


def partner_get_for_member(*, user: AnyUser, pk: int) -> ProposalPartner:
    """A partnership of one of the user's organisations (with its proposal); 404 otherwise."""
    from django.shortcuts import get_object_or_404

    from .models import ProposalPartner

    if not user.is_authenticated:
        from django.http import Http404

        raise Http404
    return get_object_or_404(
        ProposalPartner.objects.select_related(
            "organisation", "proposal", "proposal__call", "proposal__lead", "invited_by"
        ).filter(organisation__memberships__user=user),
        pk=pk,
    )


def ngos_to_invite(proposal: Proposal) -> QuerySet[Organisation]:
    """Verified NGOs the lead may invite: all but those already invited or confirmed."""
    from .models import ProposalPartner

    taken = ProposalPartner.objects.filter(proposal=proposal).exclude(response=ProposalPartner.Response.DECLINED)
    ngos: QuerySet[Organisation] = (
        Organisation.objects.verified()
        .ngos()
        .exclude(pk__in=taken.values("organisation_id"))
        .order_by("legal_name", "pk")
        .only("pk", "legal_name", "acronym", "seat_city")
    )
    return ngos


# --- Drafting: the editing pages' reads -------------------------------------------------------------


def proposal_drafts_for_call(*, user: AnyUser, call: Call) -> QuerySet[Proposal]:
    """Drafts for the call led by an organisation the user may apply for, newest first."""
    from associations.selectors import organisations_that_can_apply

    return (
        Proposal.objects.filter(
            call=call,
            status=Proposal.Status.DRAFT,
            lead__in=organisations_that_can_apply(user=user),
        )
        .select_related("lead")
        .order_by("-updated_at")
    )


def proposal_get_fresh(*, pk: int) -> Proposal:
    """The proposal as stored now: after a service refused a change, the page shows the current state."""
    return Proposal.objects.get(pk=pk)


def proposal_step_rows(*, proposal: Proposal, model: type[RowModel]) -> list[RowModel]:
    """The saved rows (activities, budget lines, indicators) of one row step of the proposal."""
    return list(model._default_manager.filter(proposal=proposal))


def proposal_partner_get(*, proposal: Proposal, pk: int) -> ProposalPartner:
    """A partnership of this proposal, with its organisation; 404 for another proposal's."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        ProposalPartner.objects.select_related("organisation", "proposal"), proposal=proposal, pk=pk
    )


def proposal_partnership_of_user(*, proposal: Proposal, user: "User") -> ProposalPartner | None:
    """The partnership of one of the user's organisations in this proposal, if any."""
    return (
        ProposalPartner.objects.filter(proposal=proposal, organisation__memberships__user=user)
        .select_related("organisation")
        .first()
    )


def proposal_attachment_get(*, proposal: Proposal, pk: int) -> "ProposalAttachment":
    """An attachment of this proposal; 404 for another proposal's."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(proposal.attachments.select_related("proposal"), pk=pk)


def proposal_partner_list(proposal: Proposal) -> list[ProposalPartner]:
    """The proposal's partners, by role, with who invited them and who answered."""
    return list(proposal.partners.select_related("organisation", "invited_by", "responded_by").order_by("role", "pk"))
