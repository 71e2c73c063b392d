"""Stylist: client profiles, a For-you feed, the outfit builder, lookbook and print-ready exports."""
import io
import json
import tempfile
from pathlib import Path

import streamlit as st
from PIL import Image

from core.errors import AtelierError  # noqa: E402
from core.stylist import (OCCASIONS, anchor_candidates, build_outfits, cart_total, for_you, lookbook_pdf,  # noqa: E402
                          print_ready, taste_of)
from core.ui import item_grid, md, show_error, try_on  # noqa: E402
from core.ui.page import page_context  # noqa: E402
from core.config import load_settings  # noqa: E402
from core.vocabulary import tryon_kind  # noqa: E402

studio, profiles, profile = page_context()
state = st.session_state
state.setdefault("stylist_outfits", None)

st.title("Stylist")
if profiles is None:
    st.stop()
if profile is None:
    kept = ("are kept per client for this visit (the demo resets them when it restarts)" if load_settings().is_demo
            else "are kept per client and survive restarts")
    st.info("Pick a client profile in the sidebar, or create one with **New profile**. Likes, favourites, the cart "
            f"and saved designs {kept}.")
    st.stop()


@st.cache_data(show_spinner=False, max_entries=64)
def print_files(design_id: int, png: bytes, spec_json: str) -> tuple[bytes, bytes]:
    """The 300 dpi PNG and JSON spec of a saved design, made once (tabs render on every rerun)."""
    with tempfile.TemporaryDirectory() as tmp:
        png_path, js_path = print_ready(Image.open(io.BytesIO(png)), json.loads(spec_json), Path(tmp), f"design-{design_id}")
        return png_path.read_bytes(), js_path.read_bytes()


def mark(kind: str, item_id: str) -> None:
    profiles.toggle(profile.id, item_id, kind)


def unmark(kind: str, item_id: str) -> None:
    profiles.mark(profile.id, item_id, kind, False)


def shop_the_look(ids: list[str]) -> None:
    for i in ids:
        profiles.mark(profile.id, i, "cart", True)
    st.toast(f"Added {len(ids)} pieces to {md(profile.name)}'s cart")


def hits_for(ids):
    out = []
    for i in ids:
        try:
            out.append(studio.index.item(i))
        except AtelierError:
            pass  # an item that left the catalog since it was marked
    return out


marks = {k: set(profiles.items(profile.id, k)) for k in ("like", "dislike", "cart")}
tab_profile, tab_feed, tab_outfit, tab_export = st.tabs(["Profile", "For you", "Outfit builder", "Lookbook & export"])

with tab_profile:
    st.subheader(md(profile.name))
    budget = st.number_input("Default outfit budget ($, 0 = none)", 0.0, 100_000.0, float(profile.budget or 0.0), 10.0,
                             key="stylist_budget")
    if (budget or None) != profile.budget:
        profiles.set_budget(profile.id, budget or None)
    for kind, title in (("favourite", "Favourites"), ("like", "Likes"), ("dislike", "Passed"), ("cart", "Cart")):
        ids = profiles.items(profile.id, kind)
        with st.expander(f"{title} ({len(ids)})", expanded=kind in ("favourite", "cart")):
            hits = hits_for(ids)
            if not hits:
                st.caption("Nothing yet.")
            cols = st.columns(6)
            for n, h in enumerate(hits):
                with cols[n % 6]:
                    st.image(h.path, caption=h.metadata.get("name", h.id), width="stretch")
                    st.button("Remove", key=f"rm-{kind}-{h.id}", on_click=unmark, args=(kind, h.id))
            if kind == "cart" and hits:
                st.metric("Cart total", md(f"${cart_total(hits):,.2f}"))
    designs = profiles.artefacts(profile.id, "design")
    with st.expander(f"Saved designs ({len(designs)})"):
        cols = st.columns(6)
        for n, d in enumerate(designs):
            cols[n % 6].image(d["png"], caption=d["spec"].get("prompt", ""), width="stretch")
    with st.expander("Search history"):
        st.write(", ".join(profiles.search_history(profile.id, 30)) or "No searches yet.")

with tab_feed:
    taste = taste_of(profiles, profile, studio.index)
    st.caption("Picked from this client's likes." if taste.vector is not None
               else "No likes yet: popular and diverse picks to start from. Like a few to personalise.")
    feed = for_you(profiles, profile, studio.index, k=12)
    item_grid([h for h, _ in feed], key="feed", marks=marks, on_mark=mark, why={h.id: w for h, w in feed})

with tab_outfit:
    cart = profiles.items(profile.id, "cart")
    left, right = st.columns([2, 1])
    with left:
        # A new search moves the anchor to its best match (the old choice must not stick).
        q = st.text_input("Build around an item (search)", key="outfit_search", placeholder="floral dress",
                          on_change=lambda: state.pop("outfit_anchor", None))
        options = {}  # item id -> what the stylist reads
        if q.strip():
            try:
                found = anchor_candidates(studio.index, studio.encoder, q)
                if found.note:  # no piece of the kind asked ("blazer"): said, with the nearest offered
                    st.info(md(found.note), icon=":material/info:")
                for h in found:
                    options[h.id] = h.metadata.get("name") or h.id
            except Exception as exc:
                show_error(exc)
        for h in hits_for(cart):
            options.setdefault(h.id, f"{h.metadata.get('name') or h.id} (in the cart)")
        if state.get("outfit_anchor") not in options:  # set before the widget: the browser keeps no stale choice
            state["outfit_anchor"] = next(iter(options), None)
        anchor = st.selectbox("Anchor piece", list(options), key="outfit_anchor", format_func=options.get,
                              placeholder="Search, or add pieces to the cart first")
    with right:
        obudget = st.number_input("Budget ($, 0 = none)", 0.0, 100_000.0, float(profile.budget or 0.0), 10.0, key="outfit_budget")
        k = st.slider("Suggestions", 1, 6, 3, key="outfit_k")
        occasion = st.segmented_control("Occasion", list(OCCASIONS), format_func=lambda o: OCCASIONS[o].label,
                                        key="outfit_occasion", help="Office: no hoodies, sneakers, shorts or t-shirts. "
                                        "Evening: dressier pieces and deeper colours. Weekend: relaxed pieces.")
    if st.button("Build outfits", type="primary", key="outfit_go", disabled=anchor is None):
        try:
            state.stylist_outfits = build_outfits(studio.index, [anchor], k=k, budget=obudget or None,
                                                  taste=taste_of(profiles, profile, studio.index), occasion=occasion)
        except Exception as exc:
            state.stylist_outfits = None
            show_error(exc)
    if getattr(state.stylist_outfits, "shortfall", ""):
        st.info(md(state.stylist_outfits.shortfall))
    for n, o in enumerate(state.stylist_outfits or []):
        with st.container(border=True):
            st.markdown(f"**Look {n + 1}** · " + md(f"${o.total_price:,.2f}"))
            cols = st.columns(len(o.items))
            for c, h in zip(cols, o.items):
                c.image(h.path, caption=h.metadata.get("name", h.id), width="stretch")
                if tryon_kind(h.metadata.get("category", "")):
                    c.button("Try on", key=f"tryon-{n}-{h.id}", on_click=try_on, args=(h.id,), width="stretch")
            st.caption(md(o.note))
            st.button("Try on the whole outfit", key=f"tryon-outfit-{n}", on_click=try_on,
                      kwargs={"outfit": [h.id for h in o.items]})
            st.button("Add the look to the cart", key=f"shop-{n}", on_click=shop_the_look, args=([h.id for h in o.items],))

with tab_export:
    favs = hits_for(profiles.items(profile.id, "favourite"))
    outfits = state.stylist_outfits or []
    st.write(f"The lookbook holds {len(favs)} favourites, {len(outfits)} outfits (from the builder) and "
             f"{len(designs)} saved designs.")
    if st.button("Make lookbook PDF", key="lookbook_go"):
        try:
            state.lookbook = lookbook_pdf(profile, favs, outfits, designs)
        except Exception as exc:
            show_error(exc)
    if state.get("lookbook"):
        st.download_button("Download lookbook (PDF)", state.lookbook, file_name=f"lookbook-{profile.name}.pdf",
                           mime="application/pdf", key="lookbook_dl")
    if designs:
        st.subheader("Print-ready designs (PNG at 300 dpi + JSON spec)")
        for d in designs:
            c1, c2, c3 = st.columns([1, 2, 2])
            c1.image(d["png"], width=100)
            c2.caption(d["spec"].get("prompt", ""))
            png, js = print_files(d["id"], d["png"], json.dumps(d["spec"], sort_keys=True))
            c3.download_button("PNG 300 dpi", png, file_name=f"design-{d['id']}.png", mime="image/png", key=f"p-{d['id']}")
            c3.download_button("JSON spec", js, file_name=f"design-{d['id']}.json", mime="application/json",
                               key=f"j-{d['id']}")
