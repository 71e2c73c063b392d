"""Shared Streamlit widgets: the only part of core that imports Streamlit."""
from __future__ import annotations

import io
import re
import logging
import os
from pathlib import Path

import streamlit as st

from core.attributes import tag_text
from core.errors import AtelierError
from core.images import load_image
from core.ui import state as keys

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def get_studio():
    """Models and the Chroma client, loaded once per process and shared by every session (studio_or_stop shows
    the first start's progress around it)."""
    from core.studio import open_studio

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return open_studio()


_started = False  # this process has loaded the studio once (get_studio's cache holds it)


@st.cache_resource(show_spinner="Loading the design model ...")
def get_design_backend(model: str, device: str, commercial_safe_only: bool = False, cpu_budget_s: float = 120.0):
    """The inpainting pipeline (or the offline editor), loaded once per process: diffusion only when its weights
    are on disk and this machine runs it in time and memory (core.design.loader); never a download."""
    from core.config import load_settings
    from core.design import load_design_backend

    settings = load_settings(commercial_safe_only=commercial_safe_only, design_cpu_budget_s=cpu_budget_s)
    return load_design_backend(model, device, settings=settings)


@st.cache_resource(show_spinner=False)
def get_profile_store(url: str):
    from core.profiles import ProfileStore

    return ProfileStore(url)


NO_CLIENT = "No client"
_MARKDOWN_SPECIAL = set("\\`*_[]<>$~|#")


def md(text) -> str:
    """User text (names, prompts, prices) made literal for st.markdown/caption/labels: a "$" is never math."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))



def _select_profile() -> None:
    choice = st.session_state.get(keys.PROFILE_SELECT)
    st.session_state[keys.PROFILE_NAME] = None if choice in (None, NO_CLIENT) else choice


def _create_profile(store) -> None:
    """Create the profile and make it the active one at once (a callback: it runs before the picker is drawn)."""
    state = st.session_state
    try:
        profile = store.create(state.get(keys.PROFILE_NEW_NAME, ""))
    except AtelierError as exc:
        state[keys.PROFILE_MESSAGE] = ("error", md(exc))
        return
    state[keys.PROFILE_NAME] = profile.name
    state[keys.PROFILE_SELECT] = profile.name
    state[keys.PROFILE_NEW_NAME] = ""
    state[keys.PROFILE_MESSAGE] = ("success", f"Created {md(profile.name)}: likes and the cart now save to this client.")


def profile_picker(studio, stylist=None, store=None):
    """Sidebar: pick or create the active client profile; returns (store acting as `stylist`, profile or None)."""
    from core.auth import LOCAL
    from core.profiles import database_url

    if store is None:
        try:
            store = get_profile_store(database_url(studio.settings))
        except AtelierError as exc:
            st.sidebar.error(str(exc))
            return None, None
    store = store.acting_as(stylist or LOCAL)  # every call from the pages is checked against this stylist
    state = st.session_state
    names = [p.name for p in store.list()]
    current = state.get(keys.PROFILE_NAME)
    if current not in names:
        current = state[keys.PROFILE_NAME] = None
    if state.get(keys.PROFILE_SELECT) != (current or NO_CLIENT):  # set from elsewhere (another page, a test)
        state[keys.PROFILE_SELECT] = current or NO_CLIENT
    with st.sidebar:
        st.header("Client")
        st.selectbox("Active client", [NO_CLIENT] + names, key=keys.PROFILE_SELECT, on_change=_select_profile)
        message = state.pop(keys.PROFILE_MESSAGE, None)
        if message:
            (st.error if message[0] == "error" else st.success)(message[1])
        with st.expander("New client profile", expanded=not names):
            st.text_input("Client name", key=keys.PROFILE_NEW_NAME, max_chars=60)
            st.button("Create profile", key="profile_create", on_click=_create_profile, args=(store,))
    if current is None:
        return store, None
    try:
        return store, store.get(current)
    except AtelierError:
        state[keys.PROFILE_NAME] = None
        return store, None


# ---- moving between pages ---------------------------------------------------------------------------
# A button callback cannot switch pages itself: it leaves what the next page needs in the session and names
# that page; follow_link() (run by the entry before every page) does the switch.
PAGES = {"discover": "pages/1_Discover.py", "design": "pages/2_Creative_Director.py", "tryon": "pages/4_Try_On.py",
         "stylist": "pages/5_Stylist.py"}


def follow_link() -> None:
    target = st.session_state.pop(keys.GOTO, None)
    if target:
        st.switch_page(PAGES[target])


def more_like(item_id: str, go: bool = True) -> None:
    """Discover, showing items like this one (go=False: already on Discover)."""
    st.session_state.update({keys.DISCOVER_LIKE: item_id, keys.DISCOVER_PAGE: 0})
    if go:
        st.session_state[keys.GOTO] = "discover"


def edit_in_design(item_id: str) -> None:
    """The Creative Director, with this catalog item as the base."""
    st.session_state.update({keys.DESIGN_BASE_ID: item_id, keys.GOTO: "design"})


def try_on(item_id: str | None = None, design: dict | None = None, outfit: list[str] | None = None) -> None:
    """Try-On, with a catalog item, a generated design ({"image", "prompt"}) or a whole outfit (item ids)."""
    if outfit is not None:
        st.session_state[keys.TRYON_OUTFIT] = list(outfit)
    elif design is not None:
        st.session_state[keys.TRYON_DESIGN] = design
    else:
        st.session_state[keys.TRYON_ITEM] = item_id
    st.session_state[keys.GOTO] = "tryon"


_SERVER_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/'\"():,;]+/)+([^\s/'\"():,;]*)")


def without_server_paths(text: str) -> str:
    """A message fit for the browser: absolute server paths shortened to their last part (".../index"); the log
    keeps the whole message for the operator."""
    return _SERVER_PATH.sub(lambda m: ".../" + m.group(1), str(text))


def studio_or_stop():
    """The studio with its catalog index built; shows a progress bar on first start, a clear error if it fails."""
    global _started
    # The bar comes first, before any heavy import: a first start shows where it is from its first second.
    # (Stages are shown here, outside the cached loader: Streamlit cannot replay elements a cached call updates.)
    bar = None if _started else st.progress(0.0, text="Starting Atelier: loading the libraries")
    try:
        import core.studio  # noqa: F401  (torch, transformers, chromadb: most of a cold start)

        if bar is not None:
            bar.progress(0.4, text="Starting Atelier: loading the search model and opening the catalog index")
        studio = get_studio()
    except AtelierError as exc:
        log.error("startup: %s", exc)
        st.error(without_server_paths(exc))
        st.stop()
    except Exception as exc:  # never a traceback in the UI
        log.exception("startup failed")
        st.error(without_server_paths(f"Atelier could not start: {type(exc).__name__}: {exc}"))
        st.stop()
    _started = True
    from core.studio import ensure_catalog_index

    if studio.index.count() == 0 or studio.sketch_index.count() == 0:
        from core.progress import TimeLeft

        bar = bar or st.progress(0.0)
        bar.progress(0.0, text="Building the catalog index (first start only): estimating the time left")
        left = TimeLeft()

        def progress(done: int, total: int, msg: str) -> None:
            bar.progress(min(1.0, done / total) if total else 0.0,
                         text=f"Building the catalog index (first start only): {msg} · {left.text(done, total)}")

        try:
            report = ensure_catalog_index(studio, progress)
        except AtelierError as exc:
            bar.empty()
            log.error("first-start index build: %s", exc)
            st.error(without_server_paths(exc))
            st.stop()
        except (MemoryError, RuntimeError) as exc:  # e.g. torch "can't allocate memory" on a small Cloud box
            log.exception("index build failed")
            bar.empty()
            memory = isinstance(exc, MemoryError) or "allocate" in str(exc)
            st.error("Building the catalog index stopped: " + (
                "this server ran out of memory. Build the index on a larger machine (`python -m core ingest`) "
                "and ship it, or give the app more memory; items indexed so far are kept." if memory else
                f"{type(exc).__name__}. Reload the page to resume; items indexed so far are kept."))
            st.stop()
        bar.empty()
        if report is not None:
            st.toast(f"Indexed {report.added} items in {report.seconds:.0f}s")
            ingest_problems(report)
    elif bar is not None:
        bar.empty()
    return studio


def ingest_problems(report) -> None:
    """What an ingest skipped or could not read, each file or row named (the full list is in the JSON report)."""
    root = report.catalog_root.rstrip("/") + "/"  # paths inside the catalog, not the server's folders
    lines = [f"{s['path'].removeprefix(root)}: {s['reason']}" for s in report.skipped] + list(report.metadata_problems)
    if not lines:
        return
    with st.expander(f"{len(report.skipped)} files skipped, {len(report.metadata_problems)} metadata problems "
                     "while indexing the catalog", icon="⚠️"):
        st.text("\n".join(lines[:50]) + (f"\n... and {len(lines) - 50} more" if len(lines) > 50 else ""))
        if report.report_path:
            st.caption(f"Full report: {Path(report.report_path).name} in the index's reports folder")


def model_banner(studio) -> None:
    """One line on the search model, for pages where it changes what results mean."""
    info = studio.encoder.info
    if info.full_model:
        from core.weights import licence_line

        st.caption(f"Search model: {info.name} · licence: {licence_line(getattr(studio.encoder, 'model_id', None))}")
    else:
        st.caption("Search model: the built-in offline model (good on colours and shapes; a full model, set up "
                   "under About this installation on Home, understands richer descriptions) · licence: "
                   "EfficientNet-Lite0 and all-MiniLM-L6-v2, both Apache-2.0 (commercial use allowed).")


def installation_facts(studio) -> None:
    """Model, device and index facts and how to get the full models: for whoever runs the installation."""
    status = studio.status()
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Catalog items", f"{status['items']:,}")
    c2.metric("Encoder", "lite (offline)" if not status["full_model"] else "CLIP family")
    c3.metric("Device", status["device"])
    c4.metric("Vector size", status["dim"])
    st.markdown(
        f"- **Search encoder**: {status['encoder']}: {status['encoder_detail']}\n"
        f"- **Why this one**: {status['why']}\n"
        f"- **Index**: {status['store']} · collection `{status['collection']}`\n"
        f"- **Full search model**: `{studio.settings.clip_model}` (FashionCLIP by "
        "default; `ATELIER_CLIP_MODEL=openai/clip-vit-base-patch32` or `google/siglip-base-patch16-224` for the "
        "general ones) is used once its weights are on disk: download it below, then restart. A GPU is optional "
        "(fp16 is used when present). Each encoder keeps its own collection.")


def show_error(exc: Exception) -> None:
    if isinstance(exc, AtelierError):
        st.error(str(exc))
    else:
        log.exception("unexpected error")
        st.error(f"Something went wrong ({type(exc).__name__}). Nothing was lost; please try again.")


def read_upload(uploaded, max_pixels: int, as_mask: bool = False):
    """An uploaded file as an RGB image (as_mask: an "L" mask, alpha where it has one), or None after showing why
    it cannot be used."""
    if uploaded is None:
        return None
    data = io.BytesIO(uploaded.getvalue())
    data.name = uploaded.name  # the message names the file ("shoe.jpg is not an image ..."), once
    try:
        return load_image(data, max_pixels=max_pixels, as_mask=as_mask)
    except AtelierError as exc:
        st.error(md(exc))
        return None


# A result card: picture, name, price and states, one row of labelled actions, the rest in a menu. Kept compact so
# that two rows of four fit a 1366x768 screen with a client active (tests/ui_walk.py measures it).
CARD_CSS = """<style>
div[class*="st-key-{key}-card-"] {{ gap: 0.35rem; padding: 0.6rem; }}
div[class*="st-key-{key}-card-"] [data-testid="stImage"] img {{ height: 150px; object-fit: contain; }}
div[class*="st-key-{key}-card-"] [data-testid="stMarkdownContainer"] p {{ overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; margin-bottom: 0; }}
div[class*="st-key-{key}-card-"] button {{ padding: 0.1rem 0.3rem; min-height: 2rem; }}
div[class*="st-key-{key}-card-"] [data-testid="stHorizontalBlock"] {{ gap: 0.3rem; }}
div[class*="st-key-{key}-card-"] [data-testid="stPopover"] {{ display: flex; justify-content: flex-end; }}
div[class*="st-key-{key}-card-"] [data-testid="stPopoverButton"] {{ min-width: 3.4rem; min-height: 1.6rem;
  height: 1.6rem; padding: 0 0.5rem; }}
{states}
</style>"""
STATE_STYLE = {"like": ("#2e7d32", "Liked", "green"), "cart": ("#1565c0", "In cart", "blue"),
               "favourite": ("#ef6c00", "Saved", "orange"), "dislike": ("#9e9e9e", "Passed", "gray")}


def card_states(hit_id: str, marks: dict | None, favourites: set | None) -> list[str]:
    """The states a card shows at a glance (badges and its border colour), strongest first."""
    out = [k for k in ("cart", "like") if marks and hit_id in marks.get(k, set())]
    if favourites and hit_id in favourites:
        out.append("favourite")
    if marks and hit_id in marks.get("dislike", set()):
        out.append("dislike")
    return out


def item_grid(hits, key: str, columns: int = 4, on_like=None, favourites: set | None = None, on_fav=None,
              on_edit=None, marks: dict | None = None, on_mark=None, why: dict | None = None, on_tryon=None) -> None:
    """Result cards: picture, name, price and state badges, the client's actions in one row, the rest in a menu
    (what the item is, why it was found, relevance, save, more like this, try on, redesign)."""
    if not hits:
        st.write("No items match. Loosen the filters or change the query.")
        return
    states = {h.id: card_states(h.id, marks, favourites) for h in hits}
    rules = "\n".join(f'div.st-key-{key}-card-{h.id} {{ border: 2px solid {STATE_STYLE[s[0]][0]} !important; }}'
                      + (" div.st-key-{0}-card-{1} img {{ opacity: 0.55; }}".format(key, h.id) if s[0] == "dislike" else "")
                      for h in hits if (s := states[h.id]))
    st.html(CARD_CSS.format(key=key, states=rules))
    cols = st.columns(columns)
    for n, hit in enumerate(hits):
        m = hit.metadata
        with cols[n % columns]:
            with st.container(border=True, key=f"{key}-card-{hit.id}"):
                try:
                    st.image(hit.path, width="stretch")
                except Exception:
                    st.write("(image file missing)")
                st.markdown(f"**{md(m.get('name') or hit.id)}**", help=None)
                price = m.get("price", -1)
                badges = " ".join(f":{STATE_STYLE[s][2]}-badge[{STATE_STYLE[s][1]}]" for s in states[hit.id])
                line, menu_col = st.columns([3, 2], vertical_alignment="bottom")
                line.markdown((md(f"${price:,.2f}") if isinstance(price, (int, float)) and price >= 0 else "")
                              + (" " + badges if badges else "") or " ")
                menu = menu_col.popover("", icon=":material/more_horiz:", help="More: details, save, try on ...")
                with menu:
                    st.caption(md(" · ".join(x for x in (tag_text(m),  # guesses read from pixels say "looks like"
                                                         f"${price:.2f}" if isinstance(price, (int, float)) and price >= 0
                                                         else "") if x)))
                    relevance = getattr(hit, "relevance", None)
                    if relevance is not None:  # a bar, not a raw score: raw scores mean nothing to a stylist
                        st.progress(float(min(1.0, max(0.0, relevance))), text=f"Relevance {relevance:.0%}")
                    if getattr(hit, "why", None):
                        st.caption(md("Found for " + "; ".join(hit.why)))
                    if on_fav is not None and on_mark is not None:
                        _fav_button(hit.id, key, favourites, on_fav)
                    if on_like is not None:
                        st.button("More like this", key=f"{key}-like-{hit.id}", on_click=on_like, args=(hit.id,),
                                  width="stretch", icon=":material/apps:")
                    if on_tryon is not None:
                        st.button("Try on", key=f"{key}-tryon-{hit.id}", on_click=on_tryon, args=(hit.id,),
                                  width="stretch", icon=":material/accessibility_new:")
                    if on_edit is not None:
                        st.button("Redesign", key=f"{key}-edit-{hit.id}", on_click=on_edit, args=(hit.id,),
                                  width="stretch", help="Open it in the Creative Director", icon=":material/palette:")
                if why and why.get(hit.id):  # For-you's reason stays in sight: it is what the feed is about
                    st.caption(md(why[hit.id]))
                # Short labelled actions (no emoji: some kiosks have no emoji font); the active state is filled.
                if on_mark is not None:
                    active = {k: marks is not None and hit.id in marks.get(k, set()) for k in ("like", "dislike", "cart")}
                    m1, m2, m3 = st.columns(3)
                    m1.button("Liked" if active["like"] else "Like", key=f"{key}-mark-like-{hit.id}", on_click=on_mark,
                              args=("like", hit.id), width="stretch", help="Like, for the active client",
                              type="primary" if active["like"] else "secondary")
                    m2.button("Passed" if active["dislike"] else "Pass", key=f"{key}-mark-dislike-{hit.id}",
                              on_click=on_mark, args=("dislike", hit.id), width="stretch",
                              help="Not for this client: shown less")
                    m3.button("In cart" if active["cart"] else "Cart", key=f"{key}-mark-cart-{hit.id}",
                              on_click=on_mark, args=("cart", hit.id), width="stretch", help="The active client's cart",
                              type="primary" if active["cart"] else "secondary")
                elif on_fav is not None:
                    m1, m2 = st.columns(2)
                    with m1:
                        _fav_button(hit.id, key, favourites, on_fav)
                    if on_like is not None:
                        m2.button("Similar", key=f"{key}-similar-{hit.id}", on_click=on_like, args=(hit.id,),
                                  width="stretch", help="More like this")
                elif on_like is not None:
                    st.button("More like this", key=f"{key}-similar-{hit.id}", on_click=on_like, args=(hit.id,),
                              width="stretch")


def _fav_button(item_id: str, key: str, favourites: set | None, on_fav) -> None:
    faved = favourites is not None and item_id in favourites
    st.button("Saved" if faved else "Save", key=f"{key}-fav-{item_id}", on_click=on_fav, args=(item_id,),
              width="stretch", icon=":material/star:" if faved else ":material/star_border:",
              help="Keep it in the saved items")


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
