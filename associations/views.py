from django.views.generic import ListView

from .models import Organisation


class OrganisationDirectoryView(ListView):
    """Public directory of verified organisations (filters come with the onboarding issue)."""

    template_name = "associations/organisation_directory.html"
    context_object_name = "organisations"
    paginate_by = 25

    def get_queryset(self):
        return Organisation.objects.verified().exclude(kind=Organisation.Kind.ORIGIN_PARTNER).order_by("legal_name")
