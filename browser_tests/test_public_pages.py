"""The public pages, filled with the demo programme, are accessible in Italian and in English."""

import pytest
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import expect

from browser_tests.helpers import assert_no_horizontal_scroll, assert_page_sound, check_page, switch_language, visit
from calls.models import Call
from cosviluppo.demo import demo_load
from cosviluppo.lib.geography import countries_in
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
            switch_language(page, "en")
        for name, path in pages.items():
            visit(page, path)
            assert page.locator("html").get_attribute("lang") == language, f"{name} is not in {language}"
            # The interface itself is translated, not only the lang attribute: the main menu as the
            # catalogue names it in this language.
            with translation.override(language):
                menu_name, calls_item = translation.gettext("Main menu"), translation.gettext("Calls")
            menu = page.get_by_role("navigation", name=menu_name, exact=True)
            assert menu.get_by_role("link", name=calls_item, exact=True).is_visible(), f"{name}: no {calls_item!r}"
            check_page(page, f"{name} ({language})")


def test_the_open_data_page_draws_its_map_and_chart_and_filters_accessibly(page, live_server):
    with override_settings(DEBUG=True):
        assert demo_load()
    published = Proposal.objects.funded().results_published()
    in_africa = published.filter(origin_country__in=countries_in("africa")).count()
    assert 0 < in_africa < published.count()

    for language in ("it", "en"):
        page.context.clear_cookies()
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        visit(page, "/opendata/")
        assert page.locator("html").get_attribute("lang") == language
        # The map is the server's SVG: no script, no tile server.
        world = page.locator("svg.cosv-world-map")
        assert world.is_visible() and world.locator("path").count() > 150
        # Chart.js drew the chart (its canvas is shown only once drawn) and folded its table away.
        canvas = page.locator("canvas[data-chart]")
        assert canvas.is_visible()
        assert page.evaluate("() => !!Chart.getChart(document.querySelector('canvas[data-chart]'))")
        assert page.locator("details[data-chart-table]").get_attribute("open") is None
        check_page(page, f"open data ({language})")

    # The filter form updates the list in place (htmx) and the address, so the view can be shared.
    page.locator("#id_continent").select_option("africa")
    page.get_by_role("button", name="Filter the projects").click()
    page.wait_for_url("**/opendata/?*continent=africa*")
    rows = page.locator("#funded-projects tbody tr")
    rows.first.wait_for()
    page.wait_for_function(f"document.querySelectorAll('#funded-projects tbody tr').length === {min(in_africa, 25)}")
    assert page.locator("#funded-projects-count").inner_text().startswith(f"{in_africa} ")
    assert_page_sound(page)
    check_page(page, "open data filtered by continent")


def test_the_open_data_list_filters_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    try:
        page = context.new_page()
        with override_settings(DEBUG=True):
            assert demo_load()
        in_africa = Proposal.objects.funded().results_published().filter(origin_country__in=countries_in("africa"))
        page.goto("/opendata/")
        # Without scripts the chart's table is open in place of the canvas.
        assert page.locator("details[data-chart-table] table").is_visible()
        page.locator("#id_continent").select_option("africa")
        page.locator(".cosv-filter button[type=submit]").click()
        page.wait_for_url("**/opendata/?*continent=africa*")
        assert page.locator("#funded-projects tbody tr").count() == min(in_africa.count(), 25)
    finally:
        context.close()


def test_on_a_phone_the_header_fits_and_the_main_menu_opens_from_its_button(page):
    page.set_viewport_size({"width": 320, "height": 700})
    visit(page, "/")
    switch_language(page, "en")
    # The account buttons are in the window, not beyond its right edge.
    for name in ("Log in", "Sign up"):
        box = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320, f"{name!r} is off screen: {box}"
    menu = page.get_by_role("navigation", name="Main menu", exact=True)
    calls = menu.get_by_role("link", name="Calls", exact=True)
    expect(calls).to_be_hidden()
    toggle = page.get_by_role("button", name="Open the main menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    close = page.get_by_role("button", name="Close the main menu")
    toggle.click()
    expect(calls).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # The panel is a dialog named in the page's language, and takes the focus once open.
    expect(page.get_by_role("dialog", name="Main menu")).to_be_visible()
    expect(close).to_be_focused()
    check_page(page, "main menu open on a phone")
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(calls).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    # So does its close button.
    toggle.click()
    expect(close).to_be_focused()
    close.click()
    expect(calls).to_be_hidden()
    toggle.click()
    expect(close).to_be_focused()
    calls.click()
    assert_page_sound(page)
    assert page.url.endswith("/calls/")


def test_without_javascript_a_phone_still_shows_the_menu_and_switches_language(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="it-IT", viewport={"width": 320, "height": 700}
    )
    try:
        page = context.new_page()
        page.problems = []
        page.goto("/")
        # The burger cannot open anything without scripts: the menu is a plain list instead.
        expect(page.get_by_role("button", name="Apri il menu principale")).to_be_hidden()
        menu = page.get_by_role("navigation", name="Menu principale", exact=True)
        expect(menu.get_by_role("link", name="Bandi", exact=True)).to_be_visible()
        assert_no_horizontal_scroll(page, "home without JavaScript at 320 px")
        # And the language buttons are in the slim bar.
        page.get_by_role("button", name="English", exact=True).click()
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "en"
        menu = page.get_by_role("navigation", name="Main menu", exact=True)
        expect(menu.get_by_role("link", name="Calls", exact=True)).to_be_visible()
    finally:
        context.close()
