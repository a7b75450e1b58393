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
