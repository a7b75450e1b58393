"""What every browser test checks on the pages it visits."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

# axe-core's impact levels that fail a test; "moderate" and "minor" findings are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}


def visit(page, path: str):
    """Open `path` on the live server; the page must answer without error, with its styles
    applied and without JavaScript errors or Content Security Policy refusals."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else 'no response'}"
    assert_page_sound(page)
    return response


def assert_page_sound(page) -> None:
    """The page the browser shows now has its stylesheets and raised no error in the console."""
    page.wait_for_load_state("load")
    # Bootstrap Italia and site.css both loaded: the header takes the theme's colour, which an
    # unstyled page (a stylesheet refused by the CSP or missing) would not have.
    header_colour = page.locator(".it-header-slim-wrapper").evaluate("node => getComputedStyle(node).backgroundColor")
    assert header_colour not in {"rgba(0, 0, 0, 0)", "transparent"}, f"{page.url}: the stylesheets did not load"
    problems, page.problems[:] = list(page.problems), []
    assert not problems, f"{page.url}: errors in the browser console:\n" + "\n".join(problems)


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation of WCAG 2.x or best practice on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [rule for rule in results.response["violations"] if rule["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{name} ({page.url}): {len(blocking)} serious or critical accessibility violations"]
        for rule in blocking:
            lines.append(f"- {rule['id']} [{rule['impact']}]: {rule['help']} ({rule['helpUrl']})")
            for node in rule["nodes"][:8]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if len(rule["nodes"]) > 8:
                lines.append(f"    … and {len(rule['nodes']) - 8} more elements")
        raise AssertionError("\n".join(lines))


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own computation)."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))
