"""The public pages, filled with the demo programme, are accessible in Italian and in English."""

import pytest
from django.test import override_settings
from django.utils import translation

from browser_tests.helpers import assert_accessible, assert_page_sound, visit
from calls.models import Call
from cosviluppo.demo import demo_load
from projects.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_pages() -> dict[str, str]:
    open_call = Call.objects.get(status=Call.Status.OPEN)
    # A past edition: its page lists the funded projects too.
    past_call = Call.objects.filter(proposals__in=Proposal.objects.funded()).order_by("-year").first()
    # An association with funded projects: its page has the longest tables.
    association = Proposal.objects.funded().order_by("pk").first().lead
    return {
        "home": "/",
        "calls list": "/calls/",
        "open call": f"/calls/{open_call.code}/",
        "past call": f"/calls/{past_call.code}/",
        "directory": "/associations/",
        "organisation's public page": f"/associations/{association.pk}/",
        "login": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "accessibility statement": "/accessibilita/",
    }


def test_public_pages_with_the_demo_data_are_accessible_in_both_languages(page):
    # demo_load refuses to run with DEBUG off; only the loading needs it, not the live server.
    with override_settings(DEBUG=True):
        assert demo_load()
    pages = public_pages()

    for language in ("it", "en"):
        if language == "en":
            # The visitor switches with the header's form, from the page they are on.
            page.locator("#language-select").select_option("en")
            page.locator(".language-switcher button[type=submit]").click()
            assert_page_sound(page)
        for name, path in pages.items():
            visit(page, path)
            assert page.locator("html").get_attribute("lang") == language, f"{name} is not in {language}"
            # The interface itself is translated, not only the lang attribute: the main menu as the
            # catalogue names it in this language.
            with translation.override(language):
                menu_name, calls_item = translation.gettext("Main menu"), translation.gettext("Calls")
            menu = page.get_by_role("navigation", name=menu_name, exact=True)
            assert menu.get_by_role("link", name=calls_item, exact=True).is_visible(), f"{name}: no {calls_item!r}"
            assert_accessible(page, f"{name} ({language})")
