"""How Discover presents an answer: pages that end where the matches end, the close-in-meaning section after them,
and the saved items with their pictures."""
from __future__ import annotations

import streamlit as st

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
