"""Stylist: taste from likes/dislikes, the For-you feed, complete outfits, the lookbook; client profiles (SQL).

Everything is written against the encoder space: a taste is a direction in it, an outfit's style coherence
is the similarity of its pieces there, so any encoder (CLIP or lite) works the same way.

    taste.py      a client's taste, the personal feed, cold-start picks
    rules.py      what a look must keep and how it is described (colours, occasions, statement pieces, prices)
    outfits.py    complete looks around anchor pieces
    anchors.py    pieces to build a look around, from typed words
    lookbook.py   the client's lookbook PDF and print-ready design files
    profiles.py   the client book (profile_names.py: names; profile_tables.py: tables and migrations)

This file only re-exports, lazily (a name -> module table, read on first use): `from core.stylist import
build_outfits` works as before, and importing the profile store alone does not load the search stack.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "taste": ("DIVERSE_POOL", "Taste", "category_mix_distance", "diverse_picks", "explain", "for_you", "taste_of"),
    "rules": ("ALIAS", "DARK_COLOURS", "MAX_STATEMENT_PATTERNS", "NEUTRALS", "NUMBER_WORDS", "OCCASIONS", "SLOTS",
              "WHEEL", "Occasion", "Outfit", "Outfits", "cart_total", "colour_harmony", "colour_story",
              "garment_kind", "is_statement", "note_problems", "occasion_of", "piece_name", "price_or_zero"),
    "outfits": ("SLOT_POOL", "build_outfits"),
    "anchors": ("Anchors", "anchor_candidates"),
    "lookbook": ("ACCENT", "INK", "MUTED", "PAPER", "lookbook_pdf", "print_ready"),
    "profiles": ("MARK_KINDS", "Profile", "ProfileStore"),
}
_VOCABULARY = ("group_of",)  # read from core.vocabulary, as the stylist always did
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted([*_WHERE, *_VOCABULARY])


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    elif name in _VOCABULARY:
        value = getattr(importlib.import_module("core.vocabulary"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once read, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
