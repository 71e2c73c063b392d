"""Browser end-to-end: draw a dress outline with the mouse on the real canvas and see dresses ranked first."""
import shutil

from browser import browser_page, draw_polyline, require_browser, streamlit_server

DRESS = [(165, 50), (150, 90), (155, 175), (85, 360), (315, 360), (245, 175), (250, 90), (235, 50), (200, 85),
         (165, 50)]


def test_drawing_a_dress_on_the_canvas_finds_dresses(sample_studio, tmp_path):
    require_browser()
    env = {"ATELIER_DB_DIR": str(sample_studio.settings.index_dir), "ATELIER_ENCODER": "lite",
           "ATELIER_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    with streamlit_server(env) as url, browser_page() as page:
        page.goto(url + "/Sketch_to_Cloth", wait_until="domcontentloaded")
        page.get_by_text("Find matching garments").wait_for(timeout=120_000)
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=60_000)
        draw_polyline(page, canvas, DRESS)
        draw_polyline(page, canvas, [(155, 175), (245, 175)])
        button = page.get_by_role("button", name="Find matching garments")
        page.wait_for_function("() => [...document.querySelectorAll('button')].some("
                               "b => b.innerText.includes('Find matching garments') && !b.disabled)", timeout=60_000)
        button.click()
        page.get_by_text("Matching garments").wait_for(timeout=120_000)
        page.get_by_text("What Atelier matched").wait_for(timeout=30_000)
        page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stCaptionContainer\"]')]"
                               ".filter(e => e.innerText.includes('$') && e.innerText.includes(' · ')).length >= 12", timeout=60_000)
        captions = page.locator("[data-testid='stCaptionContainer']").all_inner_texts()
        cats = [c.split(" · ")[0].strip() for c in captions if "$" in c and " · " in c]  # item cards
        page.screenshot(path=str(tmp_path / "sketch.png"), full_page=True)
        shutil.copy(tmp_path / "sketch.png", "/tmp/atelier-e2e-sketch.png")
        assert len(cats) >= 6, captions
        assert cats[0] == "dress" and cats[:10].count("dress") >= 5, cats
