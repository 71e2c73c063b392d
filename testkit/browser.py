"""Playwright driving Debian's chromium (no browser downloads): the launch, the page, the stylist's hand, and the
two checks every browser test and bench makes (Streamlit's run is over; no error box on the page)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
ERRORS_JS = """() => [...document.querySelectorAll('[data-testid="stAlertContentError"], [data-testid="stException"]')]
    .map(e => e.innerText.trim())"""
RUN_OVER_JS = """() => { const w = document.querySelector('[data-testid="stStatusWidget"]');
                         return !w || !/Running|Stop/.test(w.innerText); }"""


def browser_missing() -> str:
    """What a browser test lacks here, in words ("" when chromium and Playwright are both present)."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append("Debian chromium (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements-dev.txt)")
    return "browser tests need " + ", ".join(missing) if missing else ""


def require_browser():
    """Skip (or, with ATELIER_REQUIRE_BROWSER=1 as in CI, fail) when the browser is missing."""
    reason = browser_missing()
    if reason:
        if os.environ.get("ATELIER_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def settle(page, timeout=120_000):
    """Wait until Streamlit has finished the current run (no 'running' indicator)."""
    page.wait_for_timeout(500)
    page.wait_for_function(RUN_OVER_JS, timeout=timeout)
    page.wait_for_timeout(500)


def page_errors(page) -> list[str]:
    """The text of every error box and exception shown on the page."""
    return page.evaluate(ERRORS_JS)


@contextmanager
def browser_page(width: int = 1400, height: int = 1300, timeout_ms: int | None = None, **page_options):
    """A chromium page of `width` x `height` px (every wait `timeout_ms` long unless told otherwise; Playwright's
    other page options such as accept_downloads=True), closed after."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": height}, **page_options)
        if timeout_ms is not None:
            page.set_default_timeout(timeout_ms)
        try:
            yield page
        finally:
            browser.close()


def draw_polyline(page, canvas, points, scale=1.0):
    """Mouse down, move through the points, mouse up: what a stylist's hand does on the canvas."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x0, y0 = box["x"], box["y"]
    page.mouse.move(x0 + points[0][0] * scale, y0 + points[0][1] * scale)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x0 + x * scale, y0 + y * scale, steps=8)
    page.mouse.up()


def paint_red_and_generate(page, stroke_gap: int = 12, timeout: int = 60_000) -> None:
    """Creative Director, an item already picked: paint horizontal strokes `stroke_gap` px apart across its body,
    ask for "make it red" and press Generate once the button is enabled."""
    page.get_by_text("2. Paint over the part to change").wait_for(timeout=timeout)
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for(timeout=timeout)
    page.wait_for_timeout(1500)
    for y in range(150, 300, stroke_gap):
        draw_polyline(page, canvas, [(150, y), (300, y)])
    page.get_by_text("Mask preview").wait_for(timeout=timeout)
    prompt = page.get_by_label("Prompt", exact=True)
    prompt.fill("make it red")
    prompt.press("Enter")
    page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                           "b => b.innerText.trim() === 'Generate' && !b.disabled)", timeout=timeout)
    page.get_by_role("button", name="Generate", exact=True).click()
