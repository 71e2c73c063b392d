"""Browser end-to-end: a stylist's day at 1366x768 and 1920x1080.

Create a client, search, like three items, For you, build an outfit around "floral dress", download the
lookbook, try a piece of the look on. On every page: no button label cut off (scrollWidth <= clientWidth),
no error box, no traceback. Screenshots go to /tmp/atelier-e2e-day-<width>/ (the README gallery comes from them).
"""
import re
import shutil
from pathlib import Path

import pytest

from testkit.browser import browser_page, page_errors, settle
from testkit.servers import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

CLIPPED_JS = """() => [...document.querySelectorAll('button')].filter(b => b.offsetParent !== null).flatMap(b =>
    [b, ...b.querySelectorAll('div, p, span')].filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
    .map(() => b.innerText.trim())).filter((t, i, all) => t && all.indexOf(t) === i)"""  # 1 px: a screen reader's label


def _check(page, name, shots, focus=None):
    """No clipped label, no error text; a screenshot (of the part `focus` scrolls into view)."""
    settle(page)
    if focus is not None:
        focus.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    clipped = page.evaluate(CLIPPED_JS)
    errors = page_errors(page)
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert clipped == [], f"{name}: clipped button labels {clipped}"
    assert errors == [], f"{name}: error text {errors}"
    assert page.locator("text=Traceback").count() == 0, name


def _nav(page, title):
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=120_000)


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080)])
def test_a_stylists_day(sample_app_env, tmp_path, width, height):
    from playwright.sync_api import expect

    shots = Path(f"/tmp/atelier-e2e-day-{width}")
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    env = sample_app_env
    with streamlit_server(env) as url, browser_page(width, height, timeout_ms=120_000, accept_downloads=True) as page:
        try:
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_text("What you can do").wait_for(timeout=180_000)
            chart = page.frame_locator('iframe[title="st.iframe"]').first.locator('svg[aria-label^="Map of the catalog"]')
            chart.wait_for()
            assert chart.locator("circle").count() == 420  # a dot per piece
            _check(page, "1-home", shots)

            # A new client: active at once.
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_label("Client name").fill("Ada Lovelace")
            sidebar.get_by_role("button", name="Create profile").click()
            sidebar.get_by_text("Created Ada Lovelace").wait_for()
            expect(sidebar.get_by_role("combobox", name="Active client")).to_have_value("Ada Lovelace")  # at once

            # Search and like three pieces.
            _nav(page, "Discover")
            box = page.get_by_label("Describe what you are looking for")
            box.fill("dress")
            box.press("Enter")
            page.get_by_role("button", name="Like", exact=True).first.wait_for()
            for n in range(1, 4):
                page.get_by_role("button", name="Like", exact=True).first.click()
                page.wait_for_function(f"() => [...document.querySelectorAll('button')]"
                                       f".filter(b => b.innerText.trim() === 'Liked').length >= {n}")
                settle(page)
            expect(sidebar.get_by_role("combobox", name="Active client")).to_have_value("Ada Lovelace")  # still
            _check(page, "2-discover", shots)

            # For you, from the three likes.
            _nav(page, "Stylist")
            page.get_by_role("tab", name="For you").click()
            page.get_by_text("which the client liked").first.wait_for()
            _check(page, "3-for-you", shots)

            # An outfit around a floral dress: the anchor follows the search.
            page.get_by_role("tab", name="Outfit builder").click()
            q = page.get_by_label("Build around an item (search)")
            q.fill("floral dress")
            q.press("Enter")
            settle(page)
            expect(page.get_by_role("combobox", name="Anchor piece")).to_have_value(re.compile("floral dress", re.I))
            page.get_by_role("button", name="Build outfits").click()
            page.get_by_text("Look 1").first.wait_for()
            settle(page)
            assert page.get_by_text("Look 3").count() >= 1 or page.get_by_text("looks keep the rules").count() >= 1
            _check(page, "4-outfits-dress", shots)
            # The sample people are portraits: a look around a shirt is the one to try on.
            q.fill("striped shirt")
            q.press("Enter")
            settle(page)
            expect(page.get_by_role("combobox", name="Anchor piece")).to_have_value(re.compile("striped shirt", re.I))
            page.get_by_role("button", name="Build outfits").click()
            settle(page)
            expect(page.get_by_text("Look 1").first).to_be_visible()
            _check(page, "4-outfits", shots, focus=page.get_by_text("Look 1").first)

            # The lookbook.
            page.get_by_role("tab", name="Lookbook & export").click()
            page.get_by_role("button", name="Make lookbook PDF").click()
            with page.expect_download() as dl:
                page.get_by_role("button", name="Download lookbook (PDF)").click()
            pdf = tmp_path / "lookbook.pdf"
            dl.value.save_as(pdf)
            assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
            shutil.copy(pdf, shots / "lookbook.pdf")
            _check(page, "5-lookbook", shots)

            # Try a piece of the look on.
            page.get_by_role("tab", name="Outfit builder").click()
            page.get_by_role("button", name="Try on", exact=True).first.click()
            page.get_by_role("heading", name="Try-On", exact=True).first.wait_for()
            go = page.get_by_role("button", name="Try it on")
            page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                                   "b => b.innerText.trim() === 'Try it on' && !b.disabled)")
            go.click()
            page.get_by_text("After ·").first.wait_for(timeout=240_000)
            _check(page, "6-try-on", shots, focus=page.get_by_text("After ·").first)
        except Exception:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            (shots / "failure.html").write_text(page.content())
            raise
