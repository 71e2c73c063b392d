"""Browser end-to-end: draw a dress outline with the mouse on the real canvas and see dresses ranked first."""
import shutil

import pytest

from testkit.browser import browser_page, draw_polyline
from testkit.servers import streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

DRESS = [(165, 50), (150, 90), (155, 175), (85, 360), (315, 360), (245, 175), (250, 90), (235, 50), (200, 85),
         (165, 50)]


def test_drawing_a_dress_on_the_canvas_finds_dresses(sample_studio, sample_app_env, tmp_path):
    env = sample_app_env
    with streamlit_server(env) as url, browser_page() as page:
        page.goto(url + "/Sketch_to_Cloth", wait_until="domcontentloaded")
        page.get_by_text("Find matching garments").wait_for(timeout=120_000)
        canvas = page.locator("canvas.upper-canvas").first
        canvas.wait_for(timeout=60_000)
        draw_polyline(page, canvas, DRESS)
        draw_polyline(page, canvas, [(155, 175), (245, 175)])
        # While the drawing's rerun runs, the previous (disabled) button may still stand beside the new one: wait
        # for the run to settle on one enabled button.
        page.wait_for_function("() => { const b = [...document.querySelectorAll('button')].filter("
                               "b => b.innerText.includes('Find matching garments'));"
                               " return b.length === 1 && !b[0].disabled; }", timeout=60_000)
        page.get_by_role("button", name="Find matching garments").click()
        page.get_by_text("Matching garments").wait_for(timeout=120_000)
        page.get_by_text("What Atelier matched").wait_for(timeout=30_000)
        # Each result card is a container keyed by the item's id (st-key-sketch-card-<id>), in rank order.
        page.wait_for_function("() => document.querySelectorAll('[class*=\"st-key-sketch-card-\"]').length >= 12",
                               timeout=60_000)
        keys = page.eval_on_selector_all("[class*='st-key-sketch-card-']", "els => els.map(e => [...e.classList]"
                                         ".find(c => c.startsWith('st-key-sketch-card-')))")
        ids = [k.removeprefix("st-key-sketch-card-") for k in keys]
        category = {item.id: item.metadata["category"] for item in (sample_studio.index.item(i) for i in ids)}
        cats = [category[i] for i in ids]
        captions = ids
        page.screenshot(path=str(tmp_path / "sketch.png"), full_page=True)
        shutil.copy(tmp_path / "sketch.png", "/tmp/atelier-e2e-sketch.png")
        assert len(cats) >= 6, captions
        assert cats[0] == "dress" and cats[:10].count("dress") >= 5, cats
