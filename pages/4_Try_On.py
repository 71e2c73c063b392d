"""Try-On: put a catalog garment (or a generated design, or an uploaded product shot) on a person photo."""
import io

import cv2
import numpy as np
import streamlit as st
from PIL import Image

from core.errors import AtelierError  # noqa: E402
from core.images import load_image  # noqa: E402
from core.tryon.people import sample_people, sample_person  # noqa: E402
from core.tryon.registry import BACKENDS, allowed_backends, backend_licence, backend_refusal  # noqa: E402
from core.vocabulary import tryon_kind  # noqa: E402
from core.ui import catalog_picker, model_banner, read_upload, show_error  # noqa: E402
from core.ui.page import page_context  # noqa: E402

studio, profiles, profile = page_context()
state = st.session_state
state.setdefault("tryon_garment", None)  # {"image", "label", "kind"}
state.setdefault("tryon_result", None)
state.setdefault("tryon_pieces", None)  # a whole outfit from the Stylist: [{"image", "label", "category"}]


@st.cache_resource(show_spinner="Loading the try-on model ...")
def get_backend(name: str, checkpoint: str | None, model: str, device: str, catvton: str, catvton_base: str):
    """The backend and why it is the one in use (the arguments are the settings it depends on: the cache key)."""
    from core.tryon.registry import load_tryon

    backend, choice = load_tryon(studio.settings, name)
    return backend, choice.reason


def use_item(item_id: str) -> None:
    hit = studio.index.item(item_id)
    state.tryon_garment = {"image": load_image(hit.path, studio.settings.max_image_pixels), "label": hit.metadata.get("name") or item_id,
                           "kind": tryon_kind(hit.metadata.get("category", "")) or "upper"}
    state.tryon_result = None


if "tryon_item" in state:  # arrived from a "Try on" button elsewhere
    try:
        use_item(state.pop("tryon_item"))
    except AtelierError as exc:
        st.error(str(exc))
if "tryon_outfit" in state:  # "Try on the whole outfit" on the Stylist page
    try:
        hits = [studio.index.item(i) for i in state.pop("tryon_outfit")]
        state.tryon_pieces = [{"image": load_image(h.path, studio.settings.max_image_pixels), "label": h.metadata.get("name") or h.id,
                               "category": h.metadata.get("category", "")} for h in hits]
        state.tryon_result = None
        # An outfit needs the whole body: start on a croquis figure.
        state.tryon_person_source = "Sample person"
        state.tryon_sample = next(p for p in sample_people() if p.startswith("Croquis"))
    except AtelierError as exc:
        st.error(str(exc))
if "tryon_design" in state:
    design = state.pop("tryon_design")
    state.tryon_garment = {"image": design["image"], "label": f"design: {design['prompt']}", "kind": "upper"}

st.title("Try-On")
model_banner(studio)
left, right = st.columns(2)
with left:
    st.subheader("Person")
    people = sample_people()
    source = st.radio("Photo", ["Sample person", "Upload"], horizontal=True, key="tryon_person_source")
    person_img, person = None, None  # person: a croquis figure's exact analysis (photos are analysed on the run)
    if source == "Sample person" and people:
        name = st.selectbox("Sample", people, key="tryon_sample",
                            help="Photos are analysed by MediaPipe; the croquis figures are full-body, for trousers, "
                                 "skirts, dresses and whole outfits.")
        person_img, person = sample_person(name)
    else:
        up = st.file_uploader("Person photo (one person, facing the camera)", type=["jpg", "jpeg", "png", "webp"],
                              key="tryon_person_upload")
        person_img = read_upload(up, studio.settings.max_image_pixels)
    if person_img is not None:
        st.image(person_img, width=260)
with right:
    st.subheader("Garment")
    tab_cat, tab_up = st.tabs(["From the catalog", "Upload a product photo"])
    with tab_cat:
        catalog_picker(studio, "tryon_search", use_item, label="Search", n=6)
    with tab_up:
        gup = st.file_uploader("Product shot on a plain background", type=["jpg", "jpeg", "png", "webp"],
                               key="tryon_garment_upload")
        gimg = read_upload(gup, studio.settings.max_image_pixels)
        if gimg is not None and st.button("Use this garment", key="tryon_use_upload"):
            state.tryon_garment = {"image": gimg, "label": gup.name, "kind": "upper"}
    garment = state.tryon_garment
    if garment is not None:
        st.image(garment["image"], caption=garment["label"], width=200)

garment = state.tryon_garment
c1, c2, c3 = st.columns(3)
kinds = ["upper", "lower", "dress"]
kind = c1.radio("Garment kind", kinds, index=kinds.index(garment["kind"]) if garment else 0, horizontal=True,
                key="tryon_kind")
offered = allowed_backends(studio.settings)  # commercial-safe mode hides backends whose licence forbids it
backend_name = c2.selectbox("Backend", list(offered), key="tryon_backend",
                            help="; ".join(f"{k}: {v}" for k, v in offered.items()))
c2.caption(f"Licence: {backend_licence(backend_name, studio.settings)}")
for hidden in (k for k in BACKENDS if k not in offered):
    c2.caption(f"{hidden} hidden: {backend_refusal(hidden, studio.settings)}")
show_steps = c3.toggle("Show the steps", key="tryon_steps")

backend_key = (backend_name, studio.settings.gmm_checkpoint, studio.settings.inpaint_model, studio.settings.device,
               studio.settings.catvton_attention, studio.settings.catvton_base)
pieces = state.tryon_pieces
if pieces:
    with st.container(border=True):
        st.markdown("**Outfit from the Stylist**: dressed in layer order (bottom, top or dress, outerwear, shoes, bag)")
        cols = st.columns(len(pieces) + 1)
        for c, p in zip(cols, pieces):
            c.image(p["image"], caption=p["label"], width="stretch")
        go_outfit = cols[-1].button("Dress the outfit", type="primary", key="tryon_outfit_go",
                                    disabled=person_img is None)
        if cols[-1].button("Clear the outfit", key="tryon_outfit_clear"):
            state.tryon_pieces = None
            st.rerun()
    if go_outfit:
        from core.tryon.outfit import Piece, dress_outfit

        try:
            backend, state.tryon_why = get_backend(*backend_key)
            with st.spinner("Dressing the outfit ..."):
                state.tryon_result = dress_outfit(backend, person_img, [Piece(p["image"], p["category"], p["label"])
                                                                        for p in pieces], person=person)
        except Exception as exc:
            state.tryon_result = None
            show_error(exc)

if st.button("Try it on", type="primary", key="tryon_go", disabled=person_img is None or garment is None):
    try:
        backend, state.tryon_why = get_backend(*backend_key)
        with st.spinner("Dressing ..."):
            state.tryon_result = backend.run(person_img, garment["image"], kind, person=person)
    except Exception as exc:
        state.tryon_result = None
        show_error(exc)

result = state.tryon_result
if result is not None:
    a, b = st.columns(2)
    a.image(result.person.image, caption="Before", width="stretch")
    b.image(result.image, caption=f"After · {result.backend}", width="stretch")
    # The quality check (core.tryon.quality): what a client would notice, and what to try instead.
    q = result.quality
    {"good": st.success, "unknown": st.info}.get(q.verdict, st.warning)(f"Quality {q.score}/100 · {q.headline}")
    with st.expander("Why this score", expanded=q.verdict == "poor"):
        st.markdown(q.markdown())
    if state.get("tryon_why"):
        st.caption(f"Backend: {state.tryon_why}")
    st.caption(" · ".join(f"{k.replace('_', ' ')} {v:.2f}s" for k, v in result.timings.items())
               + "".join(f" · {n}" for n in result.notes) + (" · layers: " + ", ".join(result.layers)
                                                            if result.layers else ""))
    buf = io.BytesIO()
    result.image.save(buf, "PNG")
    d1, d2 = st.columns(2)
    d1.download_button("Download PNG", buf.getvalue(), file_name="atelier-tryon.png", mime="image/png",
                       key="tryon_dl")
    if profile is not None and d2.button(f"Save to {profile.name}", key="tryon_save"):
        profiles.save_artefact(profile.id, "tryon", buf.getvalue(), {"garment": garment["label"] if garment else "",
                                                                     "backend": result.backend, "kind": result.kind})
        st.toast(f"Saved to {profile.name}'s try-ons")
    if show_steps:
        vis = np.asarray(result.person.image).copy()
        for x, y, c in result.person.openpose18():
            if c > 0:
                cv2.circle(vis, (int(x), int(y)), 6, (255, 40, 40), -1)
        s1, s2, s3, s4 = st.columns(4)
        s1.image(vis, caption="Pose keypoints (OpenPose-18)", width="stretch")
        s2.image((result.person.mask * 255).astype(np.uint8), caption="Person mask", width="stretch")
        s3.image((result.region * 255).astype(np.uint8), caption="Region to replace", width="stretch")
        s4.image(result.warped, caption="Warped garment", width="stretch")
