"""Creative Director: choose a garment, paint the part to change, describe it, generate, find real matches."""
import io
import threading

import streamlit as st
from PIL import Image

from core.design import DesignRequest, binary_mask, mask_from_drawing, mask_image, similar_query  # noqa: E402
from core.errors import AtelierError  # noqa: E402
from core.images import fit_to_pixels, load_image  # noqa: E402
from core.segmentation import whole_garment_mask  # noqa: E402
from core.ui import (catalog_picker, get_design_backend, item_grid, md, model_banner, more_like,  # noqa: E402
                     read_upload, show_error, try_on)
from core.ui.page import page_context  # noqa: E402
from core.ui import canvas as canvas_ui  # noqa: E402

CANVAS_W = 448
TOOLS = {"freedraw": "Brush", "rect": "Rectangle"}
studio, profiles, profile = page_context()
state = st.session_state
state.setdefault("design_base", None)  # {"image": PIL, "label": str, "item_id": str|None}
state.setdefault("design_history", [])  # newest last: {"image", "prompt", "seed", "backend", "model", "base"}
state.setdefault("design_canvas_n", 0)
state.setdefault("design_similar", None)


def set_base(image: Image.Image, label: str, item_id: str | None = None) -> None:
    state.design_canvas_n += 1  # also the base's token: the Result section shows this garment's designs only
    state.design_base = {"image": image, "label": label, "item_id": item_id, "token": state.design_canvas_n}
    state.design_similar = None


def use_item(item_id: str) -> None:
    hit = studio.index.item(item_id)
    set_base(load_image(hit.path, studio.settings.max_image_pixels), hit.metadata.get("name") or item_id, item_id)
    state.design_base["category"] = hit.metadata.get("category", "")


def use_history(n: int) -> None:
    entry = state.design_history[n]
    set_base(entry["image"], f"design {n + 1}: {entry['prompt'][:40]}")
    state.design_base["category"] = entry.get("category", "")  # a redesign stays the kind of garment it was


if "design_base_id" in state:  # arrived from Discover / Sketch ("Edit in Creative Director")
    try:
        use_item(state.pop("design_base_id"))
    except AtelierError as exc:
        st.error(str(exc))

backend, backend_choice = get_design_backend(studio.settings)
backend_why = backend_choice.reason
st.title("Creative Director")
model_banner(studio)
if not backend.generative:
    from core.ui.installation import design_model_offer

    st.info("Design model: **offline editor**: recolours, patterns, textures and removal inside the painted part "
            "(it does not draw new shapes; Atelier's own code, no model licence).", icon=":material/palette:")
    design_model_offer(studio.settings, backend_why)
else:
    from core.weights import licence_line

    st.caption("Design model: **generative inpainting**: draws what you describe inside the painted part · "
               f"licence: {licence_line(backend.model_id)}")
with st.expander("About the design model"):
    st.caption(md(f"{backend.info} · {backend_why}"))

# 1. Base ---------------------------------------------------------------------------------------------
st.subheader("1. Choose a garment")
pick_tab, upload_tab = st.tabs(["From the catalog", "Upload a photo"])
with pick_tab:
    catalog_picker(studio, "design_search", use_item)
with upload_tab:
    up = st.file_uploader("Garment photo", type=["jpg", "jpeg", "png", "webp"], key="design_upload")
    img = read_upload(up, studio.settings.max_image_pixels)
    if img is not None:  # the memory ceiling of one edit: work at most at max_edit_pixels
        img = fit_to_pixels(img, studio.settings.max_edit_pixels)
    if img is not None and st.button("Use this photo", key="design_use_upload"):
        set_base(img, up.name)
        st.rerun()

base = state.design_base
if base is None:
    st.caption("Pick an item above (or use 'Edit in Creative Director' on any search result) to start.")
    st.stop()

# 2. Paint --------------------------------------------------------------------------------------------
st.subheader(f"2. Paint over the part to change · {base['label']}")
image = base["image"]
scale = CANVAS_W / image.width
canvas_h = max(64, int(round(image.height * scale)))
left, right = st.columns([1, 1])
with left:
    c1, c2, c3 = st.columns([2, 2, 1])
    brush = c1.slider("Brush size", 4, 80, 30, key="design_brush")
    tool = c2.selectbox("Tool", ["freedraw", "rect"], key="design_tool", format_func=TOOLS.get,
                        help="Undo, redo and clear appear above the picture's right corner when you point at it.")
    if c3.button("Clear", key="design_clear"):
        state.design_canvas_n += 1
        st.rerun()
    st.html('<div style="height:2.9rem" aria-hidden="true"></div>')  # room for the canvas toolbar (drawn above it)
    drawn = canvas_ui.drawing_canvas(f"design-canvas-{state.design_canvas_n}", stroke_width=brush, mode=tool,
                                     height=canvas_h, width=CANVAS_W, background=image.resize((CANVAS_W, canvas_h)),
                                     stroke_color="rgba(255, 60, 60, 0.6)")
    with st.expander("…or upload a mask (white = change)"):
        mask_up = st.file_uploader("Mask image", type=["png", "jpg", "jpeg"], key="design_mask_upload")
    whole = st.checkbox("Mask: the whole garment", key="design_whole_garment",
                        help="The garment as the segmentation finds it, instead of what is painted: no straight cuts "
                             "at the collar and hem.")
# One mask, from one core function: what the preview shows is exactly what is sent.
uploaded = read_upload(mask_up, studio.settings.max_image_pixels, as_mask=True) if mask_up is not None else None
if whole:
    try:
        mask_arr = whole_garment_mask(image)
    except AtelierError as exc:
        st.warning(str(exc))
        mask_arr = None
elif uploaded is not None:  # sent at its own size: the backend rescales it, or says the proportions differ
    mask_arr = binary_mask(uploaded)
elif drawn is not None:
    mask_arr = mask_from_drawing(drawn, image.size, brush=brush // 2 if tool == "freedraw" else 0)
else:
    mask_arr = None
mask = mask_image(mask_arr) if mask_arr is not None else None
with right:
    if mask is not None:
        overlay = Image.composite(Image.new("RGB", image.size, (255, 40, 40)), image,
                                  mask.resize(image.size, Image.NEAREST).point(lambda v: 110 if v else 0))
        st.image(overlay, caption=f"Mask preview: {mask_arr.mean():.0%} of the picture", width=CANVAS_W)
    else:
        st.image(image, caption="Original", width=CANVAS_W)

# 3. Describe -----------------------------------------------------------------------------------------
st.subheader("3. Describe the change")
prompt = st.text_input("Prompt", key="design_prompt", placeholder="navy with white polka dots")
enhanced, negative = ("", "")
if prompt.strip():
    enhanced, negative = backend.prepare_prompt(prompt)
with st.expander("Enhanced prompt and advanced settings", expanded=False):
    enhanced = st.text_area("Prompt sent to the model (editable)", enhanced, key=f"design_enh_{hash(prompt)}")
    negative = st.text_area("Negative prompt", negative, key=f"design_neg_{hash(prompt)}")
    a1, a2, a3, a4, a5 = st.columns(5)
    steps = a1.number_input("Steps", 1, 150, 30, key="design_steps")
    guidance = a2.number_input("Guidance", 0.0, 30.0, 7.5, 0.5, key="design_guidance")
    seed = a3.number_input("Seed", 0, 2**31 - 1, 42, key="design_seed")
    strength = a4.slider("Strength", 0.1, 1.0, 1.0, 0.05, key="design_strength")
    variations = a5.number_input("Variations", 1, 4, 1, key="design_variations")

# 4. Generate -----------------------------------------------------------------------------------------
if st.button("Generate", type="primary", key="design_go", disabled=mask is None or not prompt.strip()):
    bar = st.progress(0.0, text="Generating ...")

    def on_step(done: int, total: int) -> None:
        bar.progress(min(1.0, done / max(1, total)), text=f"Step {done}/{total}")

    text = enhanced or prompt
    try:
        result = backend.generate(
            DesignRequest(image=image, mask=mask, prompt=text, negative_prompt=negative, steps=int(steps),
                          guidance=float(guidance), seed=int(seed), strength=float(strength), variations=int(variations)),
            progress=on_step, cancel=threading.Event())
        for n, out in enumerate(result.images):
            state.design_history.append({"image": out, "prompt": prompt, "seed": int(seed) + n, "backend": result.backend,
                                         "model": result.model, "base": base["label"], "notes": result.notes,
                                         "base_image": image, "category": base.get("category", ""),
                                         "source_item": base.get("item_id"), "base_token": base.get("token")})
        state.design_similar = None
        bar.progress(1.0, text="Done" + (f" · {result.notes[0]}" if result.notes else ""))
    except Exception as exc:
        bar.empty()
        show_error(exc)  # the history is untouched

# 5. Results, history, similar items ------------------------------------------------------------------
history = state.design_history
if history:
    # The Result belongs to the garment picked: a new garment shows none until it has a design of its own.
    latest = next((e for e in reversed(history) if e.get("base_token") == base.get("token")), None)
    if latest is not None:
        st.subheader("Result")
        c1, c2 = st.columns(2)
        c1.image(latest["base_image"], caption=f"Before · {latest['base']}", width="stretch")
        c2.image(latest["image"], caption=f"After · {latest['prompt']}", width="stretch")
    st.subheader(f"History ({len(history)} design{'s' if len(history) != 1 else ''} this session)")
    for n in range(len(history) - 1, -1, -1):
        entry = history[n]
        c_img, c_txt, c_act = st.columns([1, 3, 2])
        c_img.image(entry["image"], width=120)
        c_txt.markdown(f"**Design {n + 1}** · {md(entry['prompt'])}  \nfrom {md(entry['base'])}"
                       + (f" · {md(entry['notes'][0])}" if entry["notes"] else ""))
        buf = io.BytesIO()
        entry["image"].save(buf, "PNG")
        c_act.download_button("Download PNG", buf.getvalue(), file_name=f"atelier-design-{n + 1}.png",
                              mime="image/png", key=f"design-dl-{n}")
        c_act.button("Use as new base", key=f"design-rebase-{n}", on_click=use_history, args=(n,))
        c_act.button("Try on", key=f"design-tryon-{n}", on_click=lambda e=entry: try_on(
            design={"image": e["image"], "prompt": e["prompt"], "category": e.get("category", "")}))
        if profile is not None and c_act.button(f"Save to {md(profile.name)}", key=f"design-save-{n}"):
            profiles.save_artefact(profile.id, "design", buf.getvalue(), {
                k: entry[k] for k in ("prompt", "seed", "backend", "model", "base", "source_item")})
            st.toast(f"Saved to {md(profile.name)}'s designs")
        if c_act.button("Find similar real items", key=f"design-similar-{n}"):
            try:
                state.design_similar = (n, studio.search(similar_query(
                    entry["image"], entry["prompt"], entry.get("category", "")), outlines=False))
            except Exception as exc:
                show_error(exc)
    if state.design_similar is not None:
        n, page = state.design_similar
        st.subheader(f"Real catalog items like design {n + 1}")
        item_grid(page.hits, key="design-similar", on_like=more_like)
