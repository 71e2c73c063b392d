"""Browser end-to-end: choose an item, paint over it on the real canvas, generate, see the result and similar items."""
import shutil

from browser import browser_page, draw_polyline, require_browser, streamlit_server


def test_paint_generate_and_find_similar_in_a_real_browser(sample_studio, tmp_path):
    require_browser()
    env = {"ATELIER_DB_DIR": str(sample_studio.settings.index_dir), "ATELIER_ENCODER": "lite",
           "ATELIER_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1", "ATELIER_INPAINT_MODEL": "offline"}
    with streamlit_server(env) as url, browser_page() as page:
        page.goto(url + "/Creative_Director", wait_until="domcontentloaded")
        search = page.get_by_label("Search the catalog")
        search.wait_for(timeout=120_000)
        search.fill("shirt")
        search.press("Enter")
        page.get_by_role("button", name="Use", exact=True).first.click(timeout=60_000)
        page.get_by_text("2. Paint over the part to change").wait_for(timeout=60_000)
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=60_000)
        for y in range(150, 300, 20):  # brush strokes across the shirt's body
            draw_polyline(page, canvas, [(150, y), (300, y)])
        page.get_by_text("Mask preview").wait_for(timeout=60_000)
        prompt = page.get_by_label("Prompt", exact=True)
        prompt.fill("make it red")
        prompt.press("Enter")
        page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                               "b => b.innerText.trim() === 'Generate' && !b.disabled)", timeout=60_000)
        page.get_by_role("button", name="Generate", exact=True).click()
        page.get_by_text("History (1 designs this session)").wait_for(timeout=120_000)
        page.get_by_role("button", name="Find similar real items").first.click()
        page.get_by_text("Real catalog items like design 1").wait_for(timeout=120_000)
        page.wait_for_function("() => [...document.querySelectorAll('button')]"
                               ".filter(b => b.innerText.trim() === 'More like this').length >= 4", timeout=60_000)
        page.screenshot(path=str(tmp_path / "design.png"), full_page=True)
        shutil.copy(tmp_path / "design.png", "/tmp/atelier-e2e-design.png")
        assert page.get_by_role("button", name="More like this").count() >= 4
        assert page.locator("text=Traceback").count() == 0
