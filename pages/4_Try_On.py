"""Try-On: put a catalog garment (or a generated design, or an uploaded product shot) on a person photo."""
import io

import cv2
import numpy as np
import streamlit as st
from PIL import Image

from core.errors import AtelierError  # noqa: E402
from core.images import load_image  # noqa: E402
from core.tryon.people import (fits_kind, full_body_label, is_croquis, provenance, sample_people,  # noqa: E402
                               sample_person)
from core.tryon.registry import allowed_backends, backends, backend_licence, backend_refusal  # noqa: E402
from core.vocabulary import tryon_kind  # noqa: E402
from core.ui import catalog_picker, md, model_banner, read_upload, show_error  # noqa: E402
from core.ui.resources import get_person_analysis, get_tryon_backend  # noqa: E402
from core.ui.page import page_context  # noqa: E402

studio, profiles, profile = page_context()
state = st.session_state
state.setdefault("tryon_garment", None)  # {"image", "label", "kind"}
state.setdefault("tryon_result", None)
state.setdefault("tryon_pieces", None)  # a whole outfit from the Stylist: [{"image", "label", "category"}]


KIND_WORDS = {"upper": "Top", "lower": "Trousers or skirt", "dress": "Dress"}


def current_person():
    """(plain name, image, analysis or None) of the person chosen now, read from the widgets' state."""
    source = state.get("tryon_person_source", "Sample person")
    if source == "Sample person":
        name = state.get("tryon_sample") or (sample_people() or [None])[0]
        if name is None:
            return None
        img, person = sample_person(name)
        return name, img, person or get_person_analysis(name, img)
    up = state.get("tryon_person_upload")
    if up is None:
        return None
    import hashlib

    data = up.getvalue()
    try:
        img = Image.open(io.BytesIO(data)).convert("RGB")
    except Exception:
        return None
    return "your photo", img, get_person_analysis(hashlib.sha1(data).hexdigest(), img)


def pick_garment(garment: dict) -> None:
    """A new garment: its kind follows it, and a bottom or a dress moves a portrait cut at the chest to a full-body
    figure (saying so)."""
    state.tryon_garment = garment
    state.tryon_result = None
    state.tryon_kind = garment["kind"]
    state.tryon_switched = None
    if garment["kind"] not in ("lower", "dress"):
        return
    now = current_person()
    if now is not None and (now[0] != "your photo" and is_croquis(now[0])):
        return
    why = "no person photo is chosen" if now is None else (
        fits_kind(now[2], garment["kind"]) if now[2] is not None else None)
    if now is not None and now[2] is None:
        return  # the photo could not be analysed: "Try it on" says why
    if why is None:
        return
    figure = full_body_label()
    state.tryon_person_source = "Sample person"
    state.tryon_sample = figure
    who = "no person photo was chosen" if now is None else f"{now[0]} ends above the knees"
    needs = {"lower": "Trousers or a skirt need", "dress": "A dress needs"}[garment["kind"]]
    state.tryon_switched = (f"{needs} a full-body person and {who}, so Try-On switched "
                            f"to **{figure}**. Upload a full-body photo to see it on a real person.")


def use_item(item_id: str) -> None:
    hit = studio.index.item(item_id)
    pick_garment({"image": load_image(hit.path, studio.settings.max_image_pixels),
                  "label": hit.metadata.get("name") or item_id,
                  "kind": tryon_kind(hit.metadata.get("category", "")) or "upper"})


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
    # A design is worn as its source item was: a redesigned dress is tried on as a dress.
    pick_garment({"image": design["image"], "label": f"design: {design['prompt']}",
                  "kind": tryon_kind(design.get("category", "")) or "upper"})

st.title("Try-On")
model_banner(studio)
if state.get("tryon_switched"):
    st.info(state.tryon_switched, icon="🧍")
left, right = st.columns(2)
with left:
    st.subheader("Person")
    people = sample_people()
    source = st.radio("Photo", ["Sample person", "Upload"], horizontal=True, key="tryon_person_source")
    person_img, person = None, None  # person: a croquis figure's exact analysis (photos are analysed on the run)
    name = None
    if source == "Sample person" and people:
        name = st.selectbox("Person", people, key="tryon_sample",
                            help="The croquis figures are full-body: for trousers, skirts, dresses and whole outfits. "
                                 "The portraits end at the chest: for tops.")
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
        if gimg is not None:
            st.button("Use this garment", key="tryon_use_upload", on_click=pick_garment,
                      args=({"image": gimg, "label": gup.name, "kind": "upper"},),
                      help="An uploaded shot is tried on as a top: set the garment kind below if it is not one.")
    garment = state.tryon_garment
    if garment is not None:
        st.image(garment["image"], caption=garment["label"], width=200)

garment = state.tryon_garment
kinds = ["upper", "lower", "dress"]
if "tryon_kind" not in state or state.tryon_kind not in kinds:  # the kind follows the garment
    state.tryon_kind = garment["kind"] if garment else "upper"
kind = st.radio("Garment kind", kinds, format_func=KIND_WORDS.get, horizontal=True, key="tryon_kind",
                help="Set from the garment's category when you pick it; change it only if that is wrong.")
with st.expander("Advanced"):
    offered = allowed_backends(studio.settings)  # commercial-safe mode hides backends whose licence forbids it
    backend_name = st.selectbox("Backend", list(offered), key="tryon_backend",
                                help="; ".join(f"{k}: {v}" for k, v in offered.items()))
    st.caption(f"Licence: {backend_licence(backend_name, studio.settings)}")
    for hidden in (k for k in backends() if k not in offered):
        st.caption(f"{hidden} hidden: {backend_refusal(hidden, studio.settings)}")
    show_steps = st.toggle("Show the steps", key="tryon_steps")
    if name is not None:
        st.caption(f"About {name}: {provenance(name)}.")

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
            backend, choice = get_tryon_backend(studio.settings, backend_name)
            state.tryon_why = choice.reason
            with st.spinner("Dressing the outfit ..."):
                state.tryon_result = dress_outfit(backend, person_img, [Piece(p["image"], p["category"], p["label"])
                                                                        for p in pieces], person=person)
            state.tryon_said = f"the outfit on {name or 'your photo'}"
        except Exception as exc:
            state.tryon_result = None
            show_error(exc)

if st.button("Try it on", type="primary", key="tryon_go", disabled=person_img is None or garment is None):
    try:
        backend, choice = get_tryon_backend(studio.settings, backend_name)
        state.tryon_why = choice.reason
        with st.spinner("Dressing ..."):
            state.tryon_result = backend.run(person_img, garment["image"], kind, person=person)
        state.tryon_said = f"{garment['label']}, worn as a {KIND_WORDS[kind].lower()}, on {name or 'your photo'}"
    except Exception as exc:
        state.tryon_result = None
        show_error(exc)

result = state.tryon_result
if result is not None:
    # Side by side at a size that leaves the quality verdict on the screen (a full-body figure is twice as tall).
    a, b = st.columns(2)
    shown = 380 if result.image.height > 1.3 * result.image.width else 460
    a.image(result.person.image, caption="Before", width=shown)
    b.image(result.image, caption=f"After · {state.get('tryon_said') or result.kind}", width=shown)
    # The quality check (core.tryon.quality): what a client would notice, and what to try instead.
    q = result.quality
    {"good": st.success, "unknown": st.info}.get(q.verdict, st.warning)(f"Quality {q.score}/100 · {q.headline}")
    with st.expander("Why this score", expanded=q.verdict == "poor"):
        st.markdown(q.markdown())
    if result.layers:
        st.caption("Dressed in this order: " + md("; ".join(result.layers)))
    for note in result.notes:
        st.caption(f"Note: {note}")
    with st.expander("Advanced: model and timings"):
        if state.get("tryon_why"):
            st.caption(f"Backend {result.backend}: {state.tryon_why}")
        st.caption(" · ".join(f"{k.replace('_', ' ')} {v:.2f}s" for k, v in result.timings.items()))
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
