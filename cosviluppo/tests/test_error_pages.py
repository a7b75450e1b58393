"""Our own 400, 403, CSRF, 404 and 500 pages, as production serves them: DEBUG=false, the manifest
storage over collected static files (where a page naming a file the manifest lacks answers 500),
in Italian and in English. The 500 page renders even with the database down, running no query.

This module is also the URLconf of its tests: the portal's URLs plus views that fail on purpose."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles.finders import get_finders
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.management import call_command
from django.db import OperationalError, connection
from django.template import loader
from django.test import Client, override_settings
from django.urls import include, path, reverse

from accounts.models import User
from cosviluppo import urls as portal_urls

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def view_that_fails(request):
    raise RuntimeError("a bug")


def view_that_queries(request):
    return list(User.objects.all()[:1])


def view_that_refuses(request):
    raise PermissionDenied


def view_that_is_suspicious(request):
    raise SuspiciousOperation("a tampered request")


urlpatterns = [
    path("errors/fails/", view_that_fails),
    path("errors/queries/", view_that_queries),
    path("errors/refuses/", view_that_refuses),
    path("errors/suspicious/", view_that_is_suspicious),
    path("", include(portal_urls)),
]
handler400 = portal_urls.handler400
handler500 = portal_urls.handler500

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

# (status, Italian heading, English heading) of each page.
PAGES = {
    "400": (400, "Richiesta non valida", "Bad request"),
    "403": (403, "Accesso negato", "Access denied"),
    "403_csrf": (403, "Il modulo è scaduto", "The form has expired"),
    "404": (404, "Pagina non trovata", "Page not found"),
    "500": (500, "Si è verificato un errore", "Something went wrong"),
}
LINKS = {"it": ("Pagina iniziale", "La tua area personale"), "en": ("Home page", "Your dashboard")}
# Bootstrap Italia's own error pages show its placeholder site.
PLACEHOLDERS = ("Lorem Ipsum", "Nome Ente", "Nome della Regione", "owl.carousel")
HASHED_ASSET = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg)$")


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """collectstatic once, into a folder of the test session, as a release does. Without the gzip
    and brotli copies: whitenoise's brotli at full quality takes a minute and a half over Bootstrap
    Italia, and the pages only read the manifest, which is the same."""
    root = tmp_path_factory.mktemp("staticfiles")
    storages = {**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    extensions = sorted({Path(name).suffix[1:] for finder in get_finders() for name, _ in finder.list([])} - {""})
    with override_settings(STATIC_ROOT=root, STORAGES=storages, WHITENOISE_SKIP_COMPRESS_EXTENSIONS=extensions):
        call_command("collectstatic", "--no-input", verbosity=0)
    return root


@pytest.fixture(autouse=True)
def production(settings, collected_static):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.LANGUAGE_CODE = "it"  # the portal's default, which the test settings change to English


def client_in(language: str, **options) -> Client:
    """A visitor reading in `language`: Italian by default, English chosen with the language cookie."""
    client = Client(**options)
    if language == "en":
        client.cookies["django_language"] = "en"
    return client


def assert_our_page(response, page: str, language: str, *, anonymous: bool = True) -> str:
    status, italian, english = PAGES[page]
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    assert f'<html lang="{language}">' in html
    assert f"<h1>{italian if language == 'it' else english}</h1>" in html
    home, dashboard = LINKS[language]
    assert f'href="{reverse("home")}">{home}</a>' in html
    assert f'href="{reverse("dashboard")}">{dashboard}</a>' in html
    assert (f'href="{reverse("account_login")}">' in html) is anonymous
    for placeholder in PLACEHOLDERS:
        assert placeholder not in html
    # The real header and footer of the portal, with stylesheets and scripts under hashed names.
    assert 'id="page-footer"' in html and "it-header-wrapper" in html
    assets = re.findall(r'<(?:link rel="stylesheet"|script) (?:href|src)="([^"]+)"', html)
    assert len(assets) >= 4
    for asset in assets:
        assert asset.startswith("/static/")
        assert HASHED_ASSET.search(asset), asset
    return html


LANGUAGES = pytest.mark.parametrize("language", ["it", "en"])


def test_our_templates_shadow_bootstrap_italias():
    """The package ships a 404.html and a 500.html of its own; templates/ must come first."""
    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        origin = loader.get_template(name).origin.name
        assert origin == str(django_settings.BASE_DIR / "templates" / name)


@LANGUAGES
def test_page_not_found(language):
    response = client_in(language).get("/indirizzo-che-non-esiste/")

    html = assert_our_page(response, "404", language)
    assert "Errore 404" in html if language == "it" else "Error 404" in html


@LANGUAGES
def test_permission_denied(language):
    response = client_in(language).get("/errors/refuses/")

    assert_our_page(response, "403", language)


@LANGUAGES
def test_an_applicant_on_an_officers_page(language, applicant):
    client = client_in(language)
    client.force_login(applicant)

    response = client.get(reverse("calls:manage"))

    html = assert_our_page(response, "403", language, anonymous=False)
    assert applicant.get_full_name() in html


@LANGUAGES
def test_suspicious_request(language):
    response = client_in(language).get("/errors/suspicious/")

    assert_our_page(response, "400", language)


@LANGUAGES
def test_host_the_site_does_not_serve(language):
    response = client_in(language).get("/", headers={"host": "attacker.example"})

    assert_our_page(response, "400", language)


@LANGUAGES
def test_form_sent_without_its_csrf_token(language):
    client = client_in(language, enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": "x"})

    html = assert_our_page(response, "403_csrf", language)
    assert "cookie" in html
    # A fresh token comes with the page, so reloading and sending again works.
    assert django_settings.CSRF_COOKIE_NAME in response.cookies


@LANGUAGES
def test_server_error(language):
    response = client_in(language, raise_request_exception=False).get("/errors/fails/")

    assert_our_page(response, "500", language)


@LANGUAGES
def test_server_error_names_the_programme_owner(language, settings):
    settings.PROGRAMME_OWNER_NAME = "Comune di Esempio"

    response = client_in(language, raise_request_exception=False).get("/errors/fails/")

    assert "Comune di Esempio" in response.content.decode()


@LANGUAGES
def test_server_error_with_the_database_down(language):
    """Every query fails, as when PostgreSQL is gone: the page still renders, and asks nothing of it."""
    attempted = []

    def database_down(execute, sql, params, many, context):
        attempted.append(sql)
        raise OperationalError("server closed the connection unexpectedly")

    client = client_in(language, raise_request_exception=False)
    with connection.execute_wrapper(database_down):
        response = client.get("/errors/queries/")

    assert_our_page(response, "500", language)
    assert len(attempted) == 1, attempted  # the view's own query, none from the error page


@LANGUAGES
def test_server_error_of_a_signed_in_person_with_the_database_down(language, applicant):
    """Here the first query to fail is the session's, in a middleware before any view: the page
    still renders, without the user's name (no user could be read) and without trying again."""
    attempted = []

    def database_down(execute, sql, params, many, context):
        attempted.append(sql)
        raise OperationalError("server closed the connection unexpectedly")

    client = client_in(language, raise_request_exception=False)
    client.force_login(applicant)
    with connection.execute_wrapper(database_down):
        response = client.get("/errors/fails/")

    html = assert_our_page(response, "500", language)
    assert applicant.get_full_name() not in html
    assert len(attempted) == 1, attempted


@LANGUAGES
def test_server_error_page_that_cannot_render_falls_back_to_a_bare_page(language, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(loader, "render_to_string", broken)

    response = client_in(language, raise_request_exception=False).get("/errors/fails/")

    assert response.status_code == 500
    assert f"<h1>{PAGES['500'][1 if language == 'it' else 2]}</h1>" in response.content.decode()
