import django_filters
from django.utils.translation import gettext_lazy as _

from projects.models import Proposal


class CallProposalFilter(django_filters.FilterSet):
    """Filters of the officers' list of a call's proposals."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Proposal.Status if s != Proposal.Status.DRAFT],
        empty_label=_("All"),
    )

    class Meta:
        model = Proposal
        fields = ["status"]
