"""/dashboard/: where every signed-in person lands, with one section per thing they follow.

Each app contributes its sections through `<app>.selectors.dashboard_sections(user)`, which
returns a list of (template name, context) pairs for that user (empty when it has nothing to
show them). The page runs a bounded number of queries: each app's function must keep its own
count independent of the data size.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.module_loading import import_string
from django.views.generic import TemplateView

from cosviluppo.lib.permissions import membership_kinds

SECTION_PROVIDERS = [
    "associations.selectors.dashboard_sections",
    "calls.selectors.dashboard_sections",
    "projects.dashboard.dashboard_sections",
    "evaluation.selectors.dashboard_sections",
    "funding.selectors.dashboard_sections",
    "reports.selectors.dashboard_sections",
]


def dashboard_sections(user) -> list[tuple[str, dict]]:
    sections: list[tuple[str, dict]] = []
    for path in SECTION_PROVIDERS:
        try:
            provider = import_string(path)
        except ImportError:
            continue
        sections.extend(provider(user))
    return sections


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = dashboard_sections(self.request.user)
        context["roles"] = user_roles(self.request.user)
        return context


def user_roles(user) -> list[str]:
    """The portal roles of a user, for the dashboard's heading and the tests."""
    from associations.models import Organisation

    roles = []
    if user.is_superuser:
        roles.append("administrator")
    if user.municipal_role == user.MunicipalRole.OFFICER:
        roles.append("officer")
    if user.municipal_role == user.MunicipalRole.EVALUATOR:
        roles.append("evaluator")
    kinds = membership_kinds(user)
    if Organisation.Kind.MIGRANT_ASSOCIATION in kinds:
        roles.append("applicant")
    if Organisation.Kind.NGO in kinds:
        roles.append("ngo_partner")
    if kinds & set(Organisation.FUNDER_KINDS):
        roles.append("funder_viewer")
    return roles
