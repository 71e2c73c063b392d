"""Discover: text (words + meaning), photo (looks alike) or both, chips -> filters, pages, more like this."""
import streamlit as st

from core.search import Filters, SearchQuery, active_filters, chip_filter_values, reading_notes  # noqa: E402
from core.ui import edit_in_design, item_grid, md, model_banner, more_like, read_upload, show_error, try_on  # noqa: E402
from core.ui.results import match_pages, saved_list, split_matches  # noqa: E402
from core.ui.page import page_context  # noqa: E402

PAGE_SIZE = 12
MORE_SIZE = 8  # the "More, close in meaning" section after the last page of matches
studio, profiles, profile = page_context()
state = st.session_state
state.setdefault("discover_page", 0)
state.setdefault("discover_like", None)
state.setdefault("favourites", [])


def reset_page() -> None:
    state.discover_page = 0


def new_query() -> None:
    """New words or a new photo are the shopper's latest intent: "more like this" ends, not blends in."""
    state.update(discover_page=0, discover_like=None)


def add_filter(key: str, values: list[str]) -> None:
    """A chip clicked: its attribute becomes a sidebar filter."""
    current = list(state.get(f"f_{key}", []))
    state[f"f_{key}"] = current + [v for v in values if v not in current]
    state.discover_page = 0


def clear_filters() -> None:
    for key in ("f_category", "f_colour", "f_pattern", "f_price"):
        state.pop(key, None)
    state.discover_page = 0


def toggle_fav(item_id: str) -> None:
    if profile is not None:  # saved to the client's profile; the session list otherwise
        profiles.toggle(profile.id, item_id, "favourite")
        return
    favs = state.favourites
    favs.remove(item_id) if item_id in favs else favs.append(item_id)


def toggle_mark(kind: str, item_id: str) -> None:
    profiles.toggle(profile.id, item_id, kind)


st.title("Discover")
model_banner(studio)

try:
    facets = studio.index.facets()  # None while a large catalog's filter columns load in the background
except Exception as exc:
    show_error(exc)
    st.stop()

with st.sidebar:
    st.header("Filters")
    if facets is None:
        st.caption("Filters appear once this large catalog's columns have loaded (a minute at a million items); "
                   "search works meanwhile.")
    options = facets or {k: [] for k in ("category", "colour", "pattern")}
    cats = st.multiselect("Category", options["category"], key="f_category", on_change=reset_page)
    cols = st.multiselect("Colour", options["colour"], key="f_colour", on_change=reset_page)
    pats = st.multiselect("Pattern", options["pattern"], key="f_pattern", on_change=reset_page)
    prices = list((facets or {}).get("price") or [])
    price = None
    if prices:
        lo, hi = prices
        if hi > lo:
            price = st.slider("Price", lo, hi, (lo, hi), key="f_price", on_change=reset_page)
    price_min, price_max = Filters.price_range(price, prices)
    favourites = profiles.items(profile.id, "favourite") if profile is not None else list(state.favourites)
    if favourites:
        with st.expander(f"Saved items ({len(favourites)})", expanded=True):
            saved_list(studio, favourites, toggle_fav)
    taste, strength = None, 0.0
    if profile is not None:
        from core.stylist import taste_of

        taste = taste_of(profiles, profile, studio.index)
        if taste.vector is not None and st.toggle(f"Personalise for {md(profile.name)}", key="discover_personal"):
            strength = st.slider("Personal taste strength", 0.0, 1.0, 0.3, 0.05, key="discover_strength",
                                 on_change=reset_page)
        elif taste.vector is None:
            st.caption(f"Like a few items to personalise results for {md(profile.name)}.")

text = st.text_input("Describe what you are looking for", key="q_text", on_change=new_query,
                     placeholder="an elegant black gown")
upload = st.file_uploader("…or search with a photo", type=["jpg", "jpeg", "png", "webp"], key="q_image",
                          on_change=new_query)
image = read_upload(upload, studio.settings.max_image_pixels)
weight = 0.5
if image is not None and text.strip():
    weight = st.slider("Image ↔ text weight (0 = text only, 1 = image only)", 0.0, 1.0, 0.5, 0.05, key="q_weight",
                       on_change=reset_page)
if image is not None:
    st.image(image, caption="Your photo", width=160)

like = state.discover_like if state.discover_like and studio.index.has(state.discover_like) else None
like_text = ""
if like:
    source = studio.index.item(like)
    c0, c1, c2 = st.columns([1, 6, 1])
    c0.image(source.path, width=72)
    c1.info(f"Showing items like **{source.metadata.get('name') or like}** "
            f"({' · '.join(str(source.metadata.get(k)) for k in ('category', 'colour', 'pattern') if source.metadata.get(k))}), "
            "ranked by how they look")
    c2.button("Clear", on_click=lambda: state.update(discover_like=None, discover_page=0))
    if text.strip() and st.checkbox(f"Also match my words: “{text.strip()}”", key="like_with_text", on_change=reset_page):
        like_text = text
        weight = st.slider("Looks ↔ words weight (1 = looks only)", 0.0, 1.0, 0.5, 0.05, key="like_weight",
                           on_change=reset_page)

filters = Filters(category=cats, colour=cols, pattern=pats, price_min=price_min, price_max=price_max)
if not (text.strip() or image is not None or like):
    st.caption("Type a description or upload a photo to search. Tip: combine both and weigh them with the slider.")
    st.stop()

try:
    words = like_text if like else text
    result = studio.search(SearchQuery(
        text=words, image=None if like else image, image_weight=weight if words.strip() else 1.0, filters=filters,
        like_id=like,
        page=state.discover_page, page_size=PAGE_SIZE, bias=taste.vector if strength else None,
        bias_strength=strength))
    if profile is not None and text.strip() and state.get("discover_logged") != (profile.id, text.strip()):
        profiles.log_search(profile.id, text)
        state.discover_logged = (profile.id, text.strip())
except Exception as exc:
    show_error(exc)
    st.stop()

chips = result.parsed.chips() if result.parsed is not None else []
read = reading_notes(result.parsed) if result.parsed is not None else []
if read:  # typos and other languages: what the words were read as, never a silent rewrite
    st.caption(md("Read " + " · ".join(read)))
if chips:  # what the query was read as: soft boosts, each one click from a hard filter
    st.caption("Read as (click to filter):")
    for col, (key, value) in zip(st.columns(min(len(chips), 8) or 1), chips[:8]):
        fkey = "category" if key == "group" else key
        values = chip_filter_values(facets or {}, key, value)
        label = f"+ {value}s (every {value})" if key == "group" else f"+ {value}"
        col.button(label, key=f"chip-{key}-{value}", on_click=add_filter, args=(fkey, values),
                   disabled=not values or all(v in state.get(f"f_{fkey}", []) for v in values),
                   help=f"Show only {fkey} {value}" if values else
                   "Filters appear once the catalog's columns have loaded" if facets is None else
                   f"No item in this catalog has {fkey} {value}")
price_chip = result.parsed.price_chip() if result.parsed is not None and result.price else None
if price_chip:  # a price from the words is a filter, shown as one (the counts below respect it)
    lo, hi = result.price
    st.caption(md(f"Price from your words: **{price_chip}** (applied: "
                  + (f"${lo:g}-${hi:g}" if lo is not None and hi is not None else
                     f"up to ${hi:g}" if hi is not None else f"from ${lo:g}") + ")"))
active = active_filters(filters)
if active:  # filters left in the sidebar (e.g. from an earlier query's chip) are said beside the results
    f1, f2 = st.columns([6, 1])
    f1.warning(md("Filtered: " + " · ".join(active) + " (set in the sidebar; they apply to every query)"))
    f2.button("Clear filters", key="clear_filters", on_click=clear_filters)
pages = match_pages(result, PAGE_SIZE)
if result.page >= pages:  # the matches shrank (a filter, a removed item): back to their last page
    state.discover_page = pages - 1
    st.rerun()
where = f"page {result.page + 1} of {pages}" if pages > 1 else ""
if result.note:
    st.info(result.note)
if result.note and result.space != "image":
    st.caption(" · ".join(x for x in (f"{result.total:,} items ranked by meaning", where) if x))
elif result.space == "image":
    st.caption(" · ".join(x for x in (f"The {min(result.total, pages * PAGE_SIZE):,} closest pieces, ranked by how "
                                      "alike they look", where) if x))
elif result.matched:
    asked = [v for _, v in chips] + ([price_chip] if price_chip else [])
    every = (f" · {result.matched_all:,} have everything you asked for ({' · '.join(asked)})"
             if result.matched_all is not None else "")
    st.caption(" · ".join(x for x in (f"{result.matched:,} items match your words{every}", where) if x))
else:
    st.caption(" · ".join(x for x in (f"No item matches these words; the {min(result.total, pages * PAGE_SIZE):,} "
                                      "closest in meaning", where) if x))
why = None
if strength:
    from core.stylist import explain

    why = {h.id: explain(h, taste, studio.index) for h in result.hits}
marks = {k: set(profiles.items(profile.id, k)) for k in ("like", "dislike", "cart")} if profile is not None else None
last = result.page + 1 >= pages
shown, more = split_matches(result, PAGE_SIZE) if last else (result.hits, [])
if last and result.matched and result.space == "text" and result.page + 1 < result.pages:
    try:  # after the last page of matches: one section of pieces close in meaning, then the list ends
        nxt = studio.search(SearchQuery(
            text=words, image=None if like else image, image_weight=weight if words.strip() else 1.0, filters=filters,
            like_id=like, page=result.page + 1, page_size=PAGE_SIZE, bias=taste.vector if strength else None,
            bias_strength=strength))
        seen = {h.id for h in shown} | {h.id for h in more}
        more = (more + [h for h in nxt.hits if h.id not in seen])[:MORE_SIZE]
    except Exception as exc:
        show_error(exc)
grid = dict(on_like=lambda i: more_like(i, go=False), on_edit=edit_in_design, favourites=set(favourites),
            on_fav=toggle_fav, marks=marks, on_mark=toggle_mark if profile is not None else None, why=why,
            on_tryon=try_on)
item_grid(shown, key="discover", **grid)
if pages > 1:
    p1, p2, p3 = st.columns([1, 3, 1])
    p1.button("← Previous", disabled=result.page == 0,
              on_click=lambda: state.update(discover_page=state.discover_page - 1))
    p3.button("Next →", disabled=last, on_click=lambda: state.update(discover_page=state.discover_page + 1))
if more:
    st.subheader("More, close in meaning")
    st.caption("These do not match your words but are near them in meaning.")
    item_grid(more, key="discover-more", **grid)
with st.expander("Advanced: how this search ran"):
    st.caption(f"{result.method} search over {result.total:,} items in {result.elapsed_ms:.0f} ms"
               + (f" · {result.matched:,} word matches" if result.matched else ""))
