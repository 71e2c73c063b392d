"""Pieces to build a look around, for what a stylist typed ("floral dress", "black blazer")."""
from __future__ import annotations

import re

from core.search import CatalogIndex, Filters, SearchHit, SearchQuery, search_catalog
from core.stylist.rules import is_statement
from core.vocabulary import PHRASES, normalise_text, parse_query


class Anchors(list):
    """Pieces to build a look around, best first; `note` says when the catalog has no piece of the kind asked."""

    def __init__(self, hits=(), note: str = "") -> None:
        super().__init__(hits)
        self.note = note


def _kind_words(text: str) -> list[str]:
    """The garment words as typed when they name a kind finer than its category ("blazer" is filed under jacket)."""
    out = []
    for w in normalise_text(text).split():
        hit = PHRASES.get(w) or (PHRASES.get(w[:-1]) if w.endswith("s") else None)
        if hit and hit[0] == "category" and w.rstrip("s") != hit[1].rstrip("s"):
            out.append(w[:-1] if w.endswith("s") and PHRASES.get(w[:-1]) else w)
    return out


def anchor_candidates(index: CatalogIndex, encoder, text: str, n: int = 8) -> Anchors:
    """Pieces to build a look around, for what a stylist typed ("floral dress", "black blazer").

    The garment, pattern and colour words are kept as filters (relaxed one by one when nothing matches), the rest
    ranks within them. A kind finer than its category ("blazer", filed under jacket) comes first when some piece
    is named so; when none is, `note` says so and the nearest pieces are offered. With no pattern asked, solid
    pieces come before patterned ones (a "black blazer" is not a black floral jacket)."""
    parsed = parse_query(text)
    tries = [Filters(category=parsed.categories, pattern=parsed.patterns, colour=parsed.colours),
             Filters(category=parsed.categories, pattern=parsed.patterns),
             Filters(category=parsed.categories), Filters()]
    hits: list[SearchHit] = []
    for filters in tries:
        hits = search_catalog(index, encoder, SearchQuery(text=text, filters=filters, page_size=max(n, 40))).hits
        if hits:
            break
    if not hits:
        return Anchors()
    words = _kind_words(text)
    note = ""

    def named(h: SearchHit) -> bool:
        blob = f"{h.metadata.get('name', '')} {h.metadata.get('description', '')}".lower()
        return any(re.search(rf"\b{re.escape(w)}s?\b", blob) for w in words)

    if words:
        if not any(named(h) for h in hits):
            kinds = sorted({str(h.metadata.get("category") or "piece") for h in hits[:n]})
            note = (f"No {words[0]} in the catalog; the nearest are shown ({', '.join(kinds)}). "
                    "Pick one, or search for another piece.")
    order = sorted(range(len(hits)), key=lambda r: (not named(hits[r]) if words else False,
                                                    is_statement(hits[r]) if not parsed.patterns else False, r))
    return Anchors([hits[r] for r in order[:n]], note)
