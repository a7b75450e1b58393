"""What every browser test checks on the pages it visits."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

# axe-core's impact levels that fail a test; "moderate" and "minor" findings are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}
# A common phone, and the width WCAG 2.1's Reflow criterion (1.4.10) names: 320 CSS pixels.
PHONE_WIDTH, NARROWEST_WIDTH = 390, 320


def visit(page, path: str):
    """Open `path` on the live server; the page must answer without error, with its styles
    applied and without JavaScript errors or Content Security Policy refusals."""
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response.status if response else 'no response'}"
    assert_page_sound(page)
    return response


def assert_page_sound(page) -> None:
    """The page the browser shows now has its stylesheets, and no request failed and no error
    (JavaScript, Content Security Policy) reached the console since the last check."""
    page.wait_for_load_state("load")
    # Every stylesheet arrived with rules in it: a file missing, refused by the Content Security
    # Policy or served with the wrong type leaves its <link> without a usable sheet.
    unstyled = page.evaluate(
        """() => [...document.querySelectorAll('link[rel=stylesheet]')]
            .filter(link => !link.sheet || link.sheet.cssRules.length === 0)
            .map(link => link.href)"""
    )
    problems, page.problems[:] = list(page.problems), []
    assert not unstyled, f"{page.url}: stylesheets not applied: {unstyled}"
    assert not problems, f"{page.url}: failed requests or errors in the browser console:\n" + "\n".join(problems)


def assert_accessible(page, name: str) -> None:
    """axe-core finds no serious or critical violation of WCAG 2.x or best practice on the page,
    and no text coloured like its own background."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations", "incomplete"]})
    blocking = [rule for rule in results.response["violations"] if rule["impact"] in BLOCKING_IMPACTS]
    # axe only asks a person to review text with a 1:1 contrast (it might be hidden on purpose);
    # on these pages visible text never is, so it is invisible by mistake: a failure.
    for rule in results.response["incomplete"]:
        invisible = [node for node in rule["nodes"] if _has_equal_colours(node)]
        if invisible:
            blocking.append(rule | {"help": "Text has the colour of its background (1:1 contrast)", "nodes": invisible})
    if blocking:
        lines = [f"{name} ({page.url}): {len(blocking)} serious or critical accessibility violations"]
        for rule in blocking:
            lines.append(f"- {rule['id']} [{rule['impact']}]: {rule['help']} ({rule['helpUrl']})")
            for node in rule["nodes"][:8]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if len(rule["nodes"]) > 8:
                lines.append(f"    … and {len(rule['nodes']) - 8} more elements")
        raise AssertionError("\n".join(lines))


def check_page(page, name: str) -> None:
    """The page the browser shows now, at the context's desktop width and on phones: axe-core finds
    nothing serious (assert_accessible) at the desktop width and at 390 px; the page never scrolls
    sideways at either width nor at 320 px. The window then gets its width back."""
    assert_accessible(page, name)
    assert_no_horizontal_scroll(page, name)
    desktop = page.viewport_size
    try:
        for width in (PHONE_WIDTH, NARROWEST_WIDTH):
            page.set_viewport_size({"width": width, "height": desktop["height"]})
            assert_no_horizontal_scroll(page, f"{name} at {width} px")
            if width == PHONE_WIDTH:
                assert_accessible(page, f"{name} at {width} px")
    finally:
        page.set_viewport_size(desktop)


def assert_no_horizontal_scroll(page, name: str = "") -> None:
    """The page is no wider than the window: nothing makes it scroll sideways (WCAG 2.1 1.4.10,
    Reflow). A wide table may scroll inside its own focusable wrapper; the page itself may not.
    On failure, lists the outermost elements that stick out on the right."""
    fits = "document.documentElement.scrollWidth <= window.innerWidth"
    try:
        # Charts follow the new width on the next animation frames (a ResizeObserver).
        page.wait_for_function(fits, timeout=1_000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: the message below says what sticks out
        widths, culprits = page.evaluate(
            """() => {
                const width = window.innerWidth;
                const outside = element => element.getBoundingClientRect().right > width + 1;
                // Inside a box that scrolls (or clips) and itself fits: not what widens the page.
                const scrolls = element => {
                    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
                        if (getComputedStyle(box).overflowX !== 'visible' && !outside(box)) return true;
                    }
                    return false;
                };
                const all = [...document.body.querySelectorAll('*')].filter(outside);
                const outermost = all.filter(element => !outside(element.parentElement) && !scrolls(element));
                const culprits = (outermost.length ? outermost : all).slice(0, 8).map(element => {
                    const right = Math.round(element.getBoundingClientRect().right);
                    return `${element.outerHTML.slice(0, 160)} (right edge at ${right} px)`;
                });
                return [[document.documentElement.scrollWidth, width], culprits];
            }"""
        )
        raise AssertionError(
            f"{name} ({page.url}): the page is {widths[0]} px wide in a window of {widths[1]} px; it sticks out at:\n"
            + "\n".join(f"    {culprit}" for culprit in culprits)
        ) from None


def switch_language(page, code: str) -> None:
    """Choose a language in the header's language menu, from the page the visitor is on."""
    page.locator("#language-menu-button").click()
    page.locator(f"#language-menu button[name=language][value={code}]").click()
    assert_page_sound(page)
    assert page.locator("html").get_attribute("lang") == code


def _has_equal_colours(node: dict) -> bool:
    return any(
        check["id"] == "color-contrast" and (check.get("data") or {}).get("messageKey") == "equalRatio"
        for check in node["any"]
    )


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (allauth's own computation). Close to
    the end of a period it waits for the next one, so the code is still valid when the form arrives."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
