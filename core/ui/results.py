"""How results are shown: the item cards (picture, price, states, actions), and for Discover pages that end where
the matches end, the close-in-meaning section after them, and the saved items with their pictures."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from core.attributes import tag_text
from core.catalog import price_of
from core.ui.widgets import md

CLOSE_PAGES = 3  # an answer ranked only by meaning or looks: the closest pages, not every item in the catalog


def match_pages(result, page_size: int) -> int:
    """How many pages to offer: as many as the word matches fill; a few when nothing matches by words (every item
    is ranked then, and the last of them are unrelated)."""
    if result.space.startswith("text") and result.matched:
        return max(1, min(result.pages, -(-result.matched // page_size)))
    return max(1, min(result.pages, CLOSE_PAGES))


def is_match(hit) -> bool:
    """Found by the words asked (or the attributes they name), not only by closeness in meaning."""
    return any(r.startswith("words:") or r.startswith("is ") for r in getattr(hit, "why", None) or [])


def split_matches(result, page_size: int) -> tuple[list, list]:
    """The last page of matches: (the matches, the rest) -- the rest go to "More, close in meaning"."""
    hits = list(result.hits)
    if not (result.space.startswith("text") and result.matched):
        return hits, []
    left = max(0, result.matched - result.page * page_size)
    if any(getattr(h, "why", None) for h in hits):
        shown = [h for h in hits if is_match(h)][:left] or hits[:left]
    else:
        shown = hits[:left]
    ids = {h.id for h in shown}
    return shown, [h for h in hits if h.id not in ids]


def saved_list(studio, ids: list[str], on_remove) -> None:
    """Saved items in the sidebar: a thumbnail, the name and a remove button each."""
    hits = {h.id: h for h in studio.index.hits([(i, 0.0) for i in ids])}
    for item_id in ids:
        hit = hits.get(item_id)
        name = (hit.metadata.get("name") if hit is not None else None) or item_id
        c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="center")
        try:
            c1.image(hit.path, width=44)
        except Exception:
            c1.caption("(no picture)")
        c2.caption(name.replace("$", "\\$"))
        c3.button("", key=f"unfav-{item_id}", on_click=on_remove, args=(item_id,), icon=":material/close:",
                  help=f"Remove {name} from the saved items")


# A result card: picture, name, price and states, one row of labelled actions, the rest in a menu. Kept compact so
# that two rows of four fit a 1366x768 screen with a client active (testkit/ui_walk.py measures it). Streamlit pulls
# each markdown block 1rem into the next one: in a card that hid the price line behind the buttons, so it is undone.
CARD_CSS = """<style>
div[class*="st-key-{key}-card-"] {{ gap: 0.35rem; padding: 0.6rem; }}
div[class*="st-key-{key}-card-"] [data-testid="stImage"] img {{ height: 126px; object-fit: contain; }}
div[class*="st-key-{key}-card-"] [data-testid="stMarkdownContainer"] {{ margin-bottom: 0; }}
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
    # 1. each card's states, and the border colours they give
    states = {h.id: card_states(h.id, marks, favourites) for h in hits}
    rules = "\n".join(f'div.st-key-{key}-card-{h.id} {{ border: 2px solid {STATE_STYLE[s[0]][0]} !important; }}'
                      + (" div.st-key-{0}-card-{1} img {{ opacity: 0.55; }}".format(key, h.id) if s[0] == "dislike" else "")
                      for h in hits if (s := states[h.id]))
    st.html(CARD_CSS.format(key=key, states=rules))
    # 2. the cards, row by row
    actions = CardActions(on_like, on_fav, on_edit, on_mark, on_tryon)
    cols = st.columns(columns)
    for n, hit in enumerate(hits):
        with cols[n % columns]:
            with st.container(border=True, key=f"{key}-card-{hit.id}"):
                _card(hit, key, states[hit.id], actions, marks, favourites, why)


@dataclass(frozen=True)
class CardActions:
    """The callbacks a card's buttons call with the item id (None: the button is not shown)."""
    on_like: Callable | None = None
    on_fav: Callable | None = None
    on_edit: Callable | None = None
    on_mark: Callable | None = None
    on_tryon: Callable | None = None


def _card(hit, key: str, states: list[str], actions: CardActions, marks, favourites, why) -> None:
    m = hit.metadata
    try:
        st.image(hit.path, width="stretch")
    except Exception:
        st.write("(image file missing)")
    st.markdown(f"**{md(m.get('name') or hit.id)}**", help=None)
    price = price_of(m)
    badges = " ".join(f":{STATE_STYLE[s][2]}-badge[{STATE_STYLE[s][1]}]" for s in states)
    line, menu_col = st.columns([3, 2], vertical_alignment="bottom")
    line.markdown((md(f"${price:,.2f}") if price is not None else "") + (" " + badges if badges else "") or " ")
    with menu_col.popover("", icon=":material/more_horiz:", help="More: details, save, try on ..."):
        _card_menu(hit, key, price, actions, favourites)
    if why and why.get(hit.id):  # For-you's reason stays in sight: it is what the feed is about
        st.caption(md(why[hit.id]))
    _card_buttons(hit, key, actions, marks, favourites)


def _card_menu(hit, key: str, price: float | None, actions: CardActions, favourites) -> None:
    st.caption(md(" · ".join(x for x in (tag_text(hit.metadata),  # guesses read from pixels say "looks like"
                                         f"${price:.2f}" if price is not None else "") if x)))
    relevance = getattr(hit, "relevance", None)
    if relevance is not None:  # a bar, not a raw score: raw scores mean nothing to a stylist
        st.progress(float(min(1.0, max(0.0, relevance))), text=f"Relevance {relevance:.0%}")
    if getattr(hit, "why", None):
        st.caption(md("Found for " + "; ".join(hit.why)))
    if actions.on_fav is not None and actions.on_mark is not None:
        _fav_button(hit.id, key, favourites, actions.on_fav)
    if actions.on_like is not None:
        st.button("More like this", key=f"{key}-like-{hit.id}", on_click=actions.on_like, args=(hit.id,),
                  width="stretch", icon=":material/apps:")
    if actions.on_tryon is not None:
        st.button("Try on", key=f"{key}-tryon-{hit.id}", on_click=actions.on_tryon, args=(hit.id,),
                  width="stretch", icon=":material/accessibility_new:")
    if actions.on_edit is not None:
        st.button("Redesign", key=f"{key}-edit-{hit.id}", on_click=actions.on_edit, args=(hit.id,),
                  width="stretch", help="Open it in the Creative Director", icon=":material/palette:")


def _card_buttons(hit, key: str, actions: CardActions, marks, favourites) -> None:
    """Short labelled actions (no emoji: some kiosks have no emoji font); the active state is filled."""
    on_mark, on_fav, on_like = actions.on_mark, actions.on_fav, actions.on_like
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
