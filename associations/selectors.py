"""Reads about organisations: the public directory and pages, members' areas, the verification queue."""

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Count, Func, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from cosviluppo.lib.permissions import is_member, is_staff_officer, membership_summary
from cosviluppo.lib.types import AnyUser
from projects.models import Proposal

from .models import Invitation, Membership, Organisation, OrganisationStatusChange

DASHBOARD_QUEUE_SIZE = 5


def _funded_proposals() -> QuerySet[Proposal]:
    """Funded projects the public may know of: only those of calls whose results are published
    (the decision moves proposals to funded before the funders sign it off)."""
    from projects.models import Proposal

    return Proposal.objects.funded().results_published()


def _project_count_subquery() -> tuple[Func, Func]:
    """Number of funded projects an organisation took part in, as lead or as partner (one query)."""
    from projects.models import ProposalPartner

    led = _funded_proposals().filter(lead=OuterRef("pk")).order_by().values("lead").annotate(n=Count("pk")).values("n")
    partnered = (
        ProposalPartner.objects.filter(organisation=OuterRef("pk"), proposal__in=_funded_proposals())
        .exclude(response=ProposalPartner.Response.DECLINED)
        .order_by()
        .values("organisation")
        .annotate(n=Count("proposal", distinct=True))
        .values("n")
    )
    return (
        Coalesce(Subquery(led, output_field=IntegerField()), Value(0)),
        Coalesce(Subquery(partnered, output_field=IntegerField()), Value(0)),
    )


def organisation_directory() -> QuerySet[Organisation]:
    """Verified organisations listed in the public directory, with their funded projects counted."""
    led, partnered = _project_count_subquery()
    return (
        Organisation.objects.verified()
        .filter(kind__in=Organisation.DIRECTORY_KINDS)
        .annotate(projects_led=led, projects_partnered=partnered)
        .prefetch_related(
            Prefetch("federations", queryset=Organisation.objects.verified().only("pk", "legal_name", "acronym"))
        )
        .order_by("legal_name", "pk")
    )


def organisation_directory_choices() -> dict[str, list]:
    """The cities and countries of origin present in the directory, for its filters (two queries)."""
    directory = Organisation.objects.verified().filter(kind__in=Organisation.DIRECTORY_KINDS)
    cities = sorted({city.strip() for city in directory.values_list("seat_city", flat=True) if city.strip()})
    codes: set[str] = set()
    # values_list gives the stored text: codes separated by commas.
    for value in directory.exclude(countries_of_origin="").values_list("countries_of_origin", flat=True):
        codes.update(code for code in str(value).split(",") if code)
    return {"cities": cities, "countries": sorted(codes)}


def organisation_public_get(*, pk: int) -> Organisation:
    """An organisation's public page: verified and of a directory kind, 404 otherwise."""
    return get_object_or_404(
        Organisation.objects.verified()
        .filter(kind__in=Organisation.DIRECTORY_KINDS)
        .prefetch_related(
            Prefetch("federations", queryset=Organisation.objects.verified().only("pk", "legal_name", "acronym"))
        ),
        pk=pk,
    )


def organisation_projects(*, organisation: Organisation) -> list:
    """Funded projects the organisation led or joined, across editions, newest edition first.

    Each proposal carries `role_here` ("lead" or "partner") and its award; one query.
    """
    from projects.models import ProposalPartner

    proposals = list(
        _funded_proposals()
        .filter(
            Q(lead=organisation)
            | Q(
                pk__in=ProposalPartner.objects.filter(organisation=organisation)
                .exclude(response=ProposalPartner.Response.DECLINED)
                .values("proposal")
            )
        )
        .select_related("call", "lead", "award")
        .order_by("-call__year", "call__code", "title")
    )
    for proposal in proposals:
        proposal.role_here = "lead" if proposal.lead_id == organisation.pk else "partner"  # type: ignore[attr-defined]
        proposal.is_lead_here = proposal.lead_id == organisation.pk  # type: ignore[attr-defined]
    return proposals


def organisation_partners(*, organisation: Organisation, projects: list) -> list[tuple[Organisation, int]]:
    """Who worked with whom: the other organisations of these projects, with how many they shared.

    Counts each project once per partner organisation; two queries whatever the size.
    """
    from projects.models import ProposalPartner

    shared: Counter = Counter()
    project_ids = [proposal.pk for proposal in projects]
    for proposal in projects:
        if proposal.lead_id != organisation.pk:
            shared[proposal.lead_id] += 1
    partner_rows = (
        ProposalPartner.objects.filter(proposal_id__in=project_ids)
        .exclude(response=ProposalPartner.Response.DECLINED)
        .exclude(organisation=organisation)
        .values_list("proposal_id", "organisation_id")
        .distinct()
    )
    leads = {proposal.pk: proposal.lead_id for proposal in projects}
    for proposal_id, organisation_id in partner_rows:
        if organisation_id != leads[proposal_id]:
            shared[organisation_id] += 1
    others = Organisation.objects.in_bulk(list(shared))
    return sorted(
        ((others[pk], count) for pk, count in shared.items() if pk in others),
        key=lambda pair: (-pair[1], pair[0].legal_name),
    )


# --- Members' area ---------------------------------------------------------------------------


def organisation_get_for_member(*, user: AnyUser, pk: int) -> Organisation:
    """An organisation the user is a member of (asked of the per-request role lookup); 404 for anyone else."""
    if not user.is_authenticated or not is_member(user, pk):
        raise Http404
    return Organisation.objects.prefetch_related("federations").get(pk=pk)


def organisation_get_for_statute(*, user: AnyUser, pk: int) -> Organisation:
    """An organisation whose statute the user may download (a member, or an officer); 404 otherwise."""
    if is_staff_officer(user):
        organisation = get_object_or_404(Organisation, pk=pk)
    else:
        organisation = organisation_get_for_member(user=user, pk=pk)
    if not organisation.statute:
        raise Http404
    return organisation


def organisation_members(*, organisation: Organisation) -> list[Membership]:
    return list(organisation.memberships.select_related("user").order_by("role", "user__full_name", "user__email"))


def organisation_open_invitations(*, organisation: Organisation, now: datetime | None = None) -> list[Invitation]:
    """Invitations not accepted yet, the expired ones included (the page says so)."""
    now = now or timezone.now()
    invitations = list(
        organisation.invitations.filter(accepted_at__isnull=True).select_related("invited_by").order_by("-created_at")
    )
    for invitation in invitations:
        invitation.expired = invitation.is_expired(now)  # type: ignore[attr-defined]  # for the template
    return invitations


def membership_get(*, organisation: Organisation, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"), organisation=organisation, pk=pk
    )


def invitation_get_for_organisation(*, organisation: Organisation, pk: int) -> Invitation:
    return get_object_or_404(Invitation, organisation=organisation, pk=pk)


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation behind a link; 404 for an unknown (or revoked) token."""
    return get_object_or_404(Invitation.objects.select_related("organisation", "invited_by"), token=token)


def organisations_that_can_apply(*, user: AnyUser) -> QuerySet[Organisation]:
    """Organisations the user may submit proposals for (verified, applicant kind, editor or above)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user,
        memberships__role__in=Membership.EDITING_ROLES,
        verification_status=Organisation.VerificationStatus.VERIFIED,
        kind__in=Organisation.APPLICANT_KINDS,
    ).distinct()


# --- Officers -------------------------------------------------------------------------------


def verification_queue() -> QuerySet[Organisation]:
    """Organisations waiting for verification, the longest-waiting first."""
    return (
        # Partners in the country of origin have no account and nothing to verify here.
        Organisation.objects.filter(verification_status=Organisation.VerificationStatus.PENDING)
        .exclude(kind=Organisation.Kind.ORIGIN_PARTNER)
        .annotate(member_count=Count("memberships"))
        .order_by("created_at", "pk")
    )


def organisation_get_for_review(*, pk: int) -> Organisation:
    """Any organisation, with what the review page shows (members, federations, history)."""
    return get_object_or_404(
        Organisation.objects.prefetch_related(
            "federations",
            Prefetch("memberships", queryset=Membership.objects.select_related("user")),
            Prefetch("status_changes", queryset=OrganisationStatusChange.objects.select_related("changed_by")),
        ),
        pk=pk,
    )


# --- Dashboard -------------------------------------------------------------------------------


def dashboard_sections(user: User) -> list[tuple[str, dict[str, Any]]]:
    """Members see their organisations (or an invitation to register one); officers the queue."""
    sections: list[tuple[str, dict[str, Any]]] = []
    memberships = (
        list(Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__legal_name"))
        if membership_summary(user)
        else []
    )
    if memberships:
        sections.append(("associations/partials/dashboard_my_organisations.html", {"memberships": memberships}))
    elif not user.municipal_role and not user.is_superuser:
        sections.append(("associations/partials/dashboard_register.html", {}))
    if is_staff_officer(user):
        # One query: the first rows carry the queue's length (a window over the whole result).
        first = list(verification_queue().annotate(queue_length=Window(Count("pk")))[:DASHBOARD_QUEUE_SIZE])
        sections.append(
            (
                "associations/partials/dashboard_verification.html",
                {"count": first[0].queue_length if first else 0, "first": first},
            )
        )
    return sections


def organisation_status_history(organisation: Organisation) -> list[OrganisationStatusChange]:
    """The organisation's verification history, in the model's order."""
    return list(organisation.status_changes.all())
