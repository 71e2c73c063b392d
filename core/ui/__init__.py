"""Shared Streamlit widgets: the only part of core that imports Streamlit."""
from __future__ import annotations

import logging
import os

import streamlit as st

from core.errors import AtelierError
from core.images import load_image

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner="Loading models and the catalog index ...")
def get_studio():
    """Models and the Chroma client, loaded once per process and shared by every session."""
    from core.studio import open_studio

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return open_studio()


@st.cache_resource(show_spinner="Loading the design model ...")
def get_design_backend(model: str, device: str):
    """The inpainting pipeline (or the offline editor), loaded once per process."""
    from core.design import load_design_backend

    return load_design_backend(model, device)


@st.cache_resource(show_spinner=False)
def get_profile_store(url: str):
    from core.profiles import ProfileStore

    return ProfileStore(url)


def profile_picker(studio):
    """Sidebar: pick or create the active client profile; returns (store, profile or None)."""
    from core.profiles import database_url

    try:
        store = get_profile_store(database_url(studio.settings))
    except AtelierError as exc:
        st.sidebar.error(str(exc))
        return None, None
    state = st.session_state
    with st.sidebar:
        st.header("Client")
        names = [p.name for p in store.list()]
        current = state.get("profile_name")
        choice = st.selectbox("Active profile", ["(none)"] + names,
                              index=(names.index(current) + 1) if current in names else 0, key="profile_select")
        state.profile_name = None if choice == "(none)" else choice
        with st.popover("New profile"):
            new = st.text_input("Client name", key="profile_new_name")
            if st.button("Create", key="profile_create") and new.strip():
                try:
                    store.create(new)
                    state.profile_name = " ".join(new.split())
                    state.pop("profile_select", None)
                    st.rerun()
                except AtelierError as exc:
                    st.error(str(exc))
    if state.profile_name is None:
        return store, None
    try:
        return store, store.get(state.profile_name)
    except AtelierError:
        state.profile_name = None
        return store, None


# ---- moving between pages ---------------------------------------------------------------------------
# A button callback cannot switch pages itself: it leaves what the next page needs in the session and names
# that page; follow_link() at the top of every page that has such buttons does the switch.
PAGES = {"discover": "pages/1_Discover.py", "design": "pages/2_Creative_Director.py", "tryon": "pages/4_Try_On.py"}


def follow_link() -> None:
    target = st.session_state.pop("goto", None)
    if target:
        st.switch_page(PAGES[target])


def more_like(item_id: str, go: bool = True) -> None:
    """Discover, showing items like this one (go=False: already on Discover)."""
    st.session_state.update(discover_like=item_id, discover_page=0)
    if go:
        st.session_state.goto = "discover"


def edit_in_design(item_id: str) -> None:
    """The Creative Director, with this catalog item as the base."""
    st.session_state.update(design_base_id=item_id, goto="design")


def try_on(item_id: str | None = None, design: dict | None = None) -> None:
    """Try-On, with a catalog item or a generated design ({"image", "prompt"}) as the garment."""
    if design is not None:
        st.session_state.tryon_design = design
    else:
        st.session_state.tryon_item = item_id
    st.session_state.goto = "tryon"


def studio_or_stop():
    """The studio with its catalog index built; shows a progress bar on first start, a clear error if it fails."""
    from core.studio import ensure_catalog_index

    try:
        studio = get_studio()
    except AtelierError as exc:
        st.error(str(exc))
        st.stop()
    except Exception as exc:  # never a traceback in the UI
        log.exception("startup failed")
        st.error(f"Atelier could not start: {type(exc).__name__}: {exc}")
        st.stop()
    if studio.index.count() == 0 or studio.sketch_index.count() == 0:
        bar = st.progress(0.0, text="Building the catalog index (first start only) ...")

        def progress(done: int, total: int, msg: str) -> None:
            bar.progress(min(1.0, done / total) if total else 0.0, text=f"Building the catalog index: {msg}")

        try:
            report = ensure_catalog_index(studio, progress)
        except AtelierError as exc:
            bar.empty()
            st.error(str(exc))
            st.stop()
        bar.empty()
        if report is not None:
            st.toast(f"Indexed {report.added} items in {report.seconds:.0f}s")
    return studio


def model_banner(studio) -> None:
    info = studio.encoder.info
    if info.full_model:
        st.caption(f"Encoder: **{info.name}** on **{info.device}** · {info.detail}")
    else:
        st.info(
            f"Encoder: **{info.name}** (offline stand-in) on **{info.device}**: {info.detail}. "
            f"{studio.choice.reason}", icon="ℹ️")


def show_error(exc: Exception) -> None:
    if isinstance(exc, AtelierError):
        st.error(str(exc))
    else:
        log.exception("unexpected error")
        st.error(f"Something went wrong ({type(exc).__name__}). Nothing was lost; please try again.")


def read_upload(uploaded, max_pixels: int):
    """An uploaded file as an RGB image, or None after showing why it cannot be used."""
    if uploaded is None:
        return None
    try:
        return load_image(uploaded.getvalue(), max_pixels=max_pixels)
    except AtelierError as exc:
        st.error(f"{uploaded.name}: {exc}")
        return None


def item_grid(hits, key: str, columns: int = 4, on_like=None, favourites: set | None = None, on_fav=None,
              on_edit=None, marks: dict | None = None, on_mark=None, why: dict | None = None, on_tryon=None) -> None:
    """Result cards: image, name, attributes, score, and per-item actions."""
    if not hits:
        st.write("No items match. Loosen the filters or change the query.")
        return
    cols = st.columns(columns)
    for n, hit in enumerate(hits):
        m = hit.metadata
        with cols[n % columns]:
            with st.container(border=True):
                try:
                    st.image(hit.path, width="stretch")
                except Exception:
                    st.write("(image file missing)")
                st.markdown(f"**{m.get('name') or hit.id}**")
                price = m.get("price", -1)
                st.caption(" · ".join(x for x in (m.get("category", ""), m.get("colour", ""), m.get("pattern", ""),
                                                  f"${price:.2f}" if isinstance(price, (int, float)) and price >= 0 else "")
                                      if x) + f"  \nscore {hit.score:.3f}")
                a, b = st.columns(2)
                if on_like is not None:
                    a.button("More like this", key=f"{key}-like-{hit.id}", on_click=on_like, args=(hit.id,),
                             width="stretch")
                if on_fav is not None:
                    faved = favourites is not None and hit.id in favourites
                    b.button("★ Saved" if faved else "☆ Save", key=f"{key}-fav-{hit.id}", on_click=on_fav,
                             args=(hit.id,), width="stretch")
                if why and why.get(hit.id):
                    st.caption(f"💡 {why[hit.id]}")
                if on_mark is not None:
                    m1, m2, m3 = st.columns(3)
                    # Words beside the emoji: some browsers and kiosks have no emoji font.
                    for col, kind, on_label, off_label in ((m1, "like", "👍 Liked", "👍 Like"),
                                                           (m2, "dislike", "👎 Passed", "👎 Pass"),
                                                           (m3, "cart", "🛒 In cart", "🛒 Add")):
                        active = marks is not None and hit.id in marks.get(kind, set())
                        col.button(on_label if active else off_label, key=f"{key}-mark-{kind}-{hit.id}", on_click=on_mark,
                                   args=(kind, hit.id), width="stretch", help=f"{kind} for the active client")
                if on_tryon is not None:
                    st.button("Try on", key=f"{key}-tryon-{hit.id}", on_click=on_tryon, args=(hit.id,), width="stretch")
                if on_edit is not None:
                    st.button("Edit in Creative Director", key=f"{key}-edit-{hit.id}", on_click=on_edit, args=(hit.id,),
                              width="stretch")


def catalog_picker(studio, key: str, on_use, label: str = "Search the catalog", n: int = 8) -> None:
    """A search box and a row of results, each with a "Use" button that calls on_use(item_id)."""
    from core.search import SearchQuery, search_catalog

    q = st.text_input(label, key=key, placeholder="striped shirt")
    if not q.strip():
        return
    try:
        hits = search_catalog(studio.index, studio.encoder, SearchQuery(text=q, page_size=n)).hits
    except Exception as exc:
        show_error(exc)
        return
    for col, hit in zip(st.columns(n), hits):
        col.image(hit.path, caption=hit.metadata.get("name") or hit.id, width="stretch")
        col.button("Use", key=f"{key}-use-{hit.id}", on_click=on_use, args=(hit.id,), width="stretch")


@st.cache_data(show_spinner=False, max_entries=8)
def catalog_map(_studio, collection: str, version: str | None) -> dict:
    """The Home page's 2-D map, computed once per published index version (not on every rerun)."""
    from core.studio import embedding_map

    return embedding_map(_studio)
