"""Browser end-to-end, the stakeholder demo with no setting touched: search a dress on Discover, redesign it in the
Creative Director, try the design on (worn as a dress, on a full-body figure, which the page says), then dress a
whole outfit around it from the Stylist. Screenshots go to /tmp/atelier-e2e-tryon/."""
import re
import shutil
from pathlib import Path

import pytest

from testkit.browser import browser_page, draw_polyline, page_errors, settle
from testkit.servers import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


def _clean(page, shots, name):
    settle(page, timeout=180_000)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page_errors(page) == [], name
    assert page.locator("text=Traceback").count() == 0, name


def test_search_redesign_try_on_and_outfit_with_no_setting_touched(offline_app_env):
    from playwright.sync_api import expect

    shots = Path("/tmp/atelier-e2e-tryon")
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    env = offline_app_env
    with streamlit_server(env) as url, browser_page(timeout_ms=180_000) as page:
        try:
            # 1. Search.
            page.goto(url + "/Discover", wait_until="domcontentloaded")
            box = page.get_by_label("Describe what you are looking for")
            box.wait_for(timeout=300_000)
            box.fill("floral dress")
            box.press("Enter")
            card = page.locator("[class*='st-key-discover-card-']").first  # the first result's compact card
            card.wait_for()
            settle(page, timeout=180_000)
            # 2. Redesign the first dress: from the card's menu ("...").
            card.locator("button", has_text="more_horiz").first.click()
            redesign = page.get_by_role("button", name=re.compile(r"(^|\s)Redesign$"))  # after its icon, if any
            redesign.first.wait_for()
            redesign.first.click()
            page.get_by_text("2. Paint over the part to change").wait_for()
            canvas = page.locator("canvas.upper-canvas").first
            canvas.wait_for()
            page.wait_for_timeout(1500)
            for y in range(150, 300, 20):
                draw_polyline(page, canvas, [(150, y), (300, y)])
            page.get_by_text("Mask preview").wait_for()
            prompt = page.get_by_label("Prompt", exact=True)
            prompt.fill("make it red")
            prompt.press("Enter")
            page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                                   "b => b.innerText.trim() === 'Generate' && !b.disabled)")
            page.get_by_role("button", name="Generate", exact=True).click()
            page.get_by_text("History (1 design this session)").wait_for()
            _clean(page, shots, "1-design")
            # 3. Try the design on: a dress, on a full-body figure, said on the page.
            page.get_by_role("button", name="Try on", exact=True).first.click()
            page.get_by_role("heading", name="Try-On", exact=True).first.wait_for()
            settle(page, timeout=180_000)
            expect(page.get_by_role("radio", name="Dress")).to_be_checked()
            expect(page.get_by_text(re.compile("A dress needs a full-body person")).first).to_be_visible()
            expect(page.get_by_role("combobox", name="Person")).to_have_value(re.compile("^Croquis"))
            page.get_by_role("button", name="Try it on").click()
            page.get_by_text(re.compile("After · design: make it red, worn as a dress, on Croquis")).first.wait_for()
            _clean(page, shots, "2-try-on")
            # 4. A whole outfit around a dress from the Stylist.
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_label("Client name").fill("Demo Client")
            sidebar.get_by_role("button", name="Create profile").click()
            sidebar.get_by_text("Created Demo Client").wait_for()
            page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Stylist", exact=True).click()
            page.get_by_role("heading", name="Stylist", exact=True).first.wait_for()
            page.get_by_role("tab", name="Outfit builder").click()
            q = page.get_by_label("Build around an item (search)")
            q.fill("floral dress")
            q.press("Enter")
            settle(page, timeout=180_000)
            page.get_by_role("button", name="Build outfits").click()
            page.get_by_text("Look 1").first.wait_for()
            settle(page, timeout=180_000)
            page.get_by_role("button", name="Try on the whole outfit").first.click()
            page.get_by_role("heading", name="Try-On", exact=True).first.wait_for()
            page.get_by_role("button", name="Dress the outfit").click()
            page.get_by_text(re.compile("After · the outfit on Croquis")).first.wait_for()
            _clean(page, shots, "3-outfit")
        except Exception:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            raise
