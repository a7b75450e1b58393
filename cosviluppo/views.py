"""Site-wide pages: the public home page, /dashboard/, the health check and the error pages."""

import logging

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from calls.selectors import calls_open_at
from cosviluppo.checks import PROCESS_LOCAL_CACHES
from cosviluppo.lib.permissions import membership_kinds
from projects.selectors import programme_headline_numbers

logger = logging.getLogger(__name__)

HEALTH_CHECK_CACHE_KEY = "cosviluppo:healthz"


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["numbers"] = programme_headline_numbers()
        context["open_calls"] = list(calls_open_at())
        return context


def admin_login(request, extra_context=None):
    """The admin's login page: the portal's own login (with two-factor authentication).

    A signed-in person without staff status gets 403 instead of a redirect loop.
    """
    if request.user.is_authenticated:
        raise PermissionDenied
    query = request.GET.urlencode()
    return redirect(reverse("account_login") + (f"?{query}" if query else ""))


class AccessibilityStatementView(TemplateView):
    template_name = "accessibility.html"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool | None:
    """None when no broker is configured (tasks run in-process)."""
    if not settings.CELERY_BROKER_URL:
        return None
    from cosviluppo.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def _cache_ok() -> bool | None:
    """None when the cache lives inside the process (nothing to reach); else a write read back."""
    if settings.CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
        return None
    # A value of this request's own, so that a stale one from an earlier probe cannot pass for it.
    probe = get_random_string(12)
    try:
        cache.set(HEALTH_CHECK_CACHE_KEY, probe, timeout=30)
        return cache.get(HEALTH_CHECK_CACHE_KEY) == probe
    except Exception:
        logger.exception("Health check: cache unreachable")
        return False


@never_cache
def healthz(request):
    """200 when the database (and the broker and the shared cache, if configured) answer, 503
    otherwise; the body names the part that failed."""
    database = _database_ok()
    broker = _broker_ok()
    shared_cache = _cache_ok()
    healthy = database and broker is not False and shared_cache is not False
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unreachable",
        "broker": "not configured" if broker is None else ("ok" if broker else "unreachable"),
        "cache": "local" if shared_cache is None else ("ok" if shared_cache else "unreachable"),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _error_page_without_queries(request, template_name: str, status: int, title: str) -> HttpResponse:
    """An error page that renders whatever is broken: no context processors (one of them reads
    memberships) and no user (the session lives in the database, which may be what failed), so
    it runs no query. The language is the request's: LocaleMiddleware has already chosen it."""
    context = {
        "request": request,
        "csrf_token": get_token(request),
        "PROGRAMME_OWNER_NAME": settings.PROGRAMME_OWNER_NAME,
    }
    try:
        body = loader.render_to_string(template_name, context)
    except Exception:
        # Last resort (a template or a static file missing from the manifest): a bare page.
        logger.exception("Error page %s could not be rendered", template_name)
        body = f"<!DOCTYPE html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
    return HttpResponse(body, status=status)


def server_error(request):
    """handler500: the page must appear even when the database is down."""
    return _error_page_without_queries(request, "500.html", 500, gettext("Something went wrong"))


def bad_request(request, exception):
    """handler400 (a malformed request, a Host the site does not serve): rendered as the 500 page,
    since such a request may not carry what the context processors expect."""
    return _error_page_without_queries(request, "400.html", 400, gettext("Bad request"))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent with a missing or stale token, explained in plain words.
    Rendered with the request, so the page carries a fresh token for the next try."""
    return render(request, "403_csrf.html", status=403)


# --- /dashboard/ ----------------------------------------------------------------------------------
# /dashboard/: where every signed-in person lands, with one section per thing they follow.
#
# Each app contributes its sections through `<app>.selectors.dashboard_sections(user)` (projects:
# `projects.dashboard_sections`, its sections being the largest), which
# returns a list of (template name, context) pairs for that user (empty when it has nothing to
# show them). The page runs a bounded number of queries: each app's function must keep its own
# count independent of the data size.

SECTION_PROVIDERS = [
    "associations.selectors.dashboard_sections",
    "calls.selectors.dashboard_sections",
    "projects.dashboard_sections.dashboard_sections",
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
