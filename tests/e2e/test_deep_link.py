"""A page opened by its own address on a freshly started server (a bookmark, a link in a message) shows the
app's navigation, not Streamlit's pages/-folder menu (which lists "Overview", "Try On" and two homes)."""
import pytest

from testkit.browser import browser_page
from testkit.servers import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

TITLES = ["Home", "Discover", "Creative Director", "Sketch to Cloth", "Try-On", "Stylist"]


def _menu(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [t.split("\n")[-1].strip() for t in links.all_inner_texts()]


def test_a_bookmarked_page_on_a_fresh_server_has_the_apps_navigation(sample_app_env, tmp_path):
    env = sample_app_env
    with streamlit_server(env) as url, browser_page(1366, 900, timeout_ms=180_000) as page:
        page.goto(url + "/Discover", wait_until="domcontentloaded")  # the server's very first session
        box = page.get_by_label("Describe what you are looking for")
        box.wait_for()
        box.fill("red dress")
        box.press("Enter")
        page.get_by_text("items match your words").first.wait_for()
        assert _menu(page) == TITLES
        assert page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]').inner_text().endswith("Discover")
        page.screenshot(path=str(tmp_path / "deep-link-discover.png"))
        page.goto(url + "/Stylist", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Stylist").first.wait_for()
        assert _menu(page) == TITLES
        assert page.locator("[data-testid='stException']").count() == 0
