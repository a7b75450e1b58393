"""Reads about proposals and projects that pages and reports share."""

from django.db.models import Count, Sum

from associations.models import Organisation
from calls.models import Call, FunderCommitment
from cosviluppo.lib.money import quantize_eur

from .models import Award, Proposal


def programme_headline_numbers() -> dict:
    """The public home page's numbers, each one aggregate query over the database."""
    published_calls = Call.objects.published()
    funded = Proposal.objects.funded()
    return {
        "calls": published_calls.count(),
        "proposals_received": Proposal.objects.submitted().count(),
        "projects_funded": funded.count(),
        "countries": funded.exclude(origin_country="").values("origin_country").distinct().count(),
        "associations": Organisation.objects.verified().migrant_associations().count(),
        "funders": FunderCommitment.objects.filter(call__in=published_calls).values("funder").distinct().count(),
        "total_cofunding": quantize_eur(
            Award.objects.filter(proposal__in=funded).aggregate(total=Sum("amount_granted"))["total"]
        ),
    }


def funded_projects_by_country() -> list[dict]:
    return list(
        Proposal.objects.funded()
        .values("origin_country")
        .annotate(projects=Count("pk"), granted=Sum("award__amount_granted"))
        .order_by("origin_country")
    )


def proposals_visible_to(user):
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


def proposal_get_for_user(*, user, pk: int) -> Proposal:
    """A proposal the user may see, with its call and lead; 404 otherwise (never 403: the id leaks nothing)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(proposals_visible_to(user).select_related("call", "lead"), pk=pk)
