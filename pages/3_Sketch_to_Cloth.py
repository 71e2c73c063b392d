"""Sketch to Cloth: draw a garment (or upload a paper sketch) and find the catalog items that match it."""
import streamlit as st

from core.search import SearchQuery  # noqa: E402
from core.ui import edit_in_design, item_grid, model_banner, more_like, read_upload, show_error  # noqa: E402
from core.ui.canvas import drawing_canvas  # noqa: E402
from core.ui.page import page_context  # noqa: E402

studio = page_context().studio
state = st.session_state
state.setdefault("sketch_canvas_n", 0)
state.setdefault("sketch_result", None)
state.setdefault("sketch_page", 0)


def clear_canvas() -> None:
    state.sketch_canvas_n += 1  # a new key gives a fresh, empty canvas
    state.sketch_result = None


st.title("Sketch to Cloth")
st.write("Draw a garment's outline (or upload a photo of a paper sketch); Atelier matches it against the "
         "outlines of every catalog item and shows the closest real garments.")
model_banner(studio)

left, right = st.columns([1, 1])
with left:
    draw_tab, upload_tab = st.tabs(["Draw", "Upload a paper sketch"])
    with draw_tab:
        c1, c2, c3 = st.columns([2, 2, 1])
        width = c1.slider("Stroke width", 1, 20, 6, key="sketch_width")
        mode = c2.selectbox("Tool", ["freedraw", "line", "rect"], key="sketch_mode",
                            help="Undo and redo are in the canvas toolbar below the drawing.")
        c3.button("Clear", on_click=clear_canvas, key="sketch_clear")
        drawn = drawing_canvas(f"sketch-canvas-{state.sketch_canvas_n}", stroke_width=width, mode=mode)
    with upload_tab:
        upload = st.file_uploader("Photo or scan of a sketch", type=["jpg", "jpeg", "png", "webp"], key="sketch_upload")
        uploaded = read_upload(upload, studio.settings.max_image_pixels)
    hint = st.text_input("Optional text hint", key="sketch_hint", placeholder="in red leather")
    weight = 1.0
    if hint.strip():
        weight = st.slider("Sketch ↔ text (1 = sketch only)", 0.0, 1.0, 0.6, 0.05, key="sketch_weight")
    sketch = uploaded if uploaded is not None else drawn
    go = st.button("Find matching garments", type="primary", key="sketch_go", disabled=sketch is None)
    if sketch is None:
        st.caption("Draw on the canvas or upload a sketch, then press the button.")

if go and sketch is not None:
    try:
        state.sketch_result = studio.search(SearchQuery(sketch=sketch, text=hint, image_weight=weight, page_size=12))
    except Exception as exc:
        state.sketch_result = None
        with left:
            show_error(exc)

result = state.sketch_result
if result is not None:
    with right:
        st.image(result.normalised_sketch, caption="What Atelier matched (normalised sketch)", width=200)
        st.caption(f"{result.total:,} catalog outlines compared in {result.elapsed_ms:.0f} ms")
    st.subheader("Matching garments")
    item_grid(result.hits, key="sketch", on_like=more_like, on_edit=edit_in_design)
