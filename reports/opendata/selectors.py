"""The reads behind the open data: who publishes, which grants, as of when."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import Organisation
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import ZERO
from projects.models import BudgetLine, FunderShare, Installment, Proposal, ProposalPartner

from .identifiers import registry_org_id


class PublisherMissing(DomainError):
    """The programme owner is not registered with its codice fiscale: no identifier to publish under."""


@dataclass(frozen=True)
class Publisher:
    """The body that runs the programme and publishes its grants (the Comune)."""

    organisation: Organisation

    @property
    def name(self) -> str:
        return self.organisation.legal_name

    @property
    def identifier(self) -> str:
        return registry_org_id(self.organisation)


def opendata_publisher() -> Publisher:
    """The programme owner (settings.PROGRAMME_OWNER_NAME), registered as a public body.

    Its org-id prefixes every IATI activity identifier, which must never change once published,
    so there is no stand-in: without it the machine-readable exports are refused.
    """
    owner = (
        Organisation.objects.filter(kind=Organisation.Kind.PUBLIC_BODY, legal_name=settings.PROGRAMME_OWNER_NAME)
        .order_by("pk")
        .first()
    )
    if owner is None or registry_org_id(owner) is None:
        raise PublisherMissing(
            _(
                "The open data cannot be published yet: %(name)s must be registered as a public body "
                "with its codice fiscale."
            )
            % {"name": settings.PROGRAMME_OWNER_NAME}
        )
    return Publisher(owner)


# Long texts no export uses: left in the database.
DEFERRED_FIELDS = [
    "origin_context",
    "residence_context",
    "expected_results",
    "beneficiaries_origin_description",
    "beneficiaries_residence_description",
    "sustainability",
    "call__description_it",
    "call__description_en",
    "lead__description",
    "lead__statute",
]


def published_grants() -> QuerySet:
    """The awarded projects the public may know of: every export and public list starts here.
    Only calls whose results are published count (before that the decision may still change and
    the funders may not have signed it off)."""
    return Proposal.objects.funded().results_published().filter(award__isnull=False)


def opendata_grants(*, partners: bool = False) -> QuerySet:
    """Every published grant (published_grants) with its award, in a stable order, ready to stream.

    Each proposal comes with its call, lead and award, `amount_requested` (sum of its budget
    lines), `award.funder_shares` (with each commitment's funder), `award.paid_installments`
    and, with `partners=True`, `confirmed_partners` (with their organisations). Iterate it with
    `.iterator(chunk_size=CHUNK_SIZE)`: the prefetches then run once per chunk.
    """
    requested = (
        BudgetLine.objects.filter(proposal=OuterRef("pk"))
        .order_by()
        .values("proposal")
        .annotate(total=Sum("amount_requested"))
        .values("total")
    )
    prefetches = [
        Prefetch(
            "award__shares",
            queryset=FunderShare.objects.select_related("commitment__funder").order_by("-amount", "commitment_id"),
            to_attr="funder_shares",
        ),
        Prefetch(
            "award__installments",
            queryset=Installment.objects.filter(status=Installment.Status.PAID).order_by("sequence"),
            to_attr="paid_installments",
        ),
    ]
    if partners:
        prefetches.append(
            Prefetch(
                "partners",
                queryset=ProposalPartner.objects.filter(response=ProposalPartner.Response.CONFIRMED)
                .select_related("organisation")
                .defer("organisation__description", "organisation__statute")
                .order_by("role", "pk"),
                to_attr="confirmed_partners",
            )
        )
    return (
        published_grants()
        .select_related("call", "lead", "award")
        .defer(*DEFERRED_FIELDS)
        .annotate(amount_requested=Subquery(requested))
        .prefetch_related(*prefetches)
        .order_by("call__year", "call__code", "protocol_sequence", "pk")
    )


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def grant_last_modified(proposal: Proposal) -> datetime:
    """When the published facts of a grant last changed: the project, its recipient, the award
    decision or a payment (a payment counts from the start of the day it was made)."""
    moments = [proposal.updated_at, proposal.lead.updated_at, proposal.award.decided_at]
    moments += [_start_of_day(installment.paid_on) for installment in proposal.award.paid_installments]
    return max(moments)


def opendata_last_modified() -> datetime | None:
    """The latest grant_last_modified() of all published grants (None when there are none)."""
    found = published_grants().aggregate(
        updated=Max("updated_at"),
        lead_updated=Max("lead__updated_at"),
        decided=Max("award__decided_at"),
        paid=Max("award__installments__paid_on", filter=Q(award__installments__status=Installment.Status.PAID)),
    )
    if found["paid"] is not None:
        found["paid"] = _start_of_day(found["paid"])
    moments = [moment for moment in found.values() if moment is not None]
    return max(moments) if moments else None


# --- The public open-data page -------------------------------------------------------------------


def stored_open_data_files() -> dict:
    """The stored downloads by the name of their kind ("giving360", "iati", "transparency": names a
    template can look up), for the page to say when each was generated and how big it is; a kind
    never generated is missing."""
    from ..models import OpenDataFile

    rows = OpenDataFile.objects.exclude(file="").exclude(generated_at=None)
    return {OpenDataFile.Kind(row.kind).name.lower(): row for row in rows}


def public_funded_projects() -> QuerySet:
    """Funded projects of the calls whose results are published, with their call, lead and award,
    newest edition first: the open-data page's list (filtered by reports.filters)."""
    return (
        published_grants()
        .select_related("call", "lead", "award")
        .only(
            "pk",
            "title",
            "origin_country",
            "protocol_sequence",
            "call__code",
            "call__year",
            "call__status",
            "lead__legal_name",
            "lead__acronym",
            "award__amount_granted",
        )
        .order_by("-call__year", "call__code", "protocol_sequence", "pk")
    )


def public_calls_with_results() -> QuerySet:
    from calls.models import Call

    return Call.objects.results_published().order_by("-year", "code")


@dataclass(frozen=True)
class ContinentTotals:
    continent: str
    label: str
    projects: int
    granted: Decimal


def funded_by_continent(by_country: list[dict]) -> list[ContinentTotals]:
    """projects.selectors.funded_projects_by_country() added up per continent (UN M49 regions),
    in the order of the Continent choices; continents without projects are left out."""
    from cosviluppo.lib.geography import Continent, continent_of

    totals: dict[str, list] = {key: [0, ZERO] for key in Continent.values}
    for row in by_country:
        continent = continent_of(row["origin_country"])
        if continent:
            totals[continent][0] += row["projects"]
            totals[continent][1] += row["granted"]
    return [ContinentTotals(key, str(label), *totals[key]) for key, label in Continent.choices if totals[key][0]]
