"""How a text query's lists are fused: weighted reciprocal rank fusion over a pool of snapshot rows, and the soft
boost of the fashion terms parsed from the words (category, colour, pattern; a related category in part)."""
from __future__ import annotations

import numpy as np

from core.attributes import lightness_fit
from core.category_tag import NARROWER
from core.snapshot import Snapshot
from core.vocabulary import ParsedQuery, canonical_category, canonical_colour, canonical_pattern, category_weights

RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009)
DENSE_POOL = 300  # dense ranks fused at least this deep (RRF at rank 300 adds < 1/360)
FILTERED_DENSE_POOL = 100  # the same above the threshold under a filter (see bench/bench_scale.py)
WHY_DEPTH = 50  # "close in meaning" / "looks alike": among the encoder's (or the photo's) 50 nearest
ATTRIBUTE_BOOST = 1.0  # a full match of the parsed attributes is worth as much as rank 1 of one list


def canonical_isin(snap: Snapshot, column: str, wanted: list[str]) -> np.ndarray:
    """Rows whose `column`, read as the vocabulary's canonical word, is one of `wanted` (catalog labels vary)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    vocab, _ = snap.codes[column]
    return snap.isin(column, [value for value in vocab if value and (value in wanted or canon(value) in wanted)])



ATTRIBUTE_WEIGHTS = {"category": 3.0, "colour": 1.0, "pattern": 1.0}  # the garment counts most


def _canonical_weight(snap: Snapshot, column: str, weights: dict[str, float]) -> np.ndarray:
    """Per row, the weight of its `column` read as the vocabulary's canonical word (0 when not wanted)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    vocab, codes = snap.codes[column]
    table = np.zeros(len(vocab), np.float32)
    for value, code in vocab.items():
        if value:
            table[code] = weights.get(value, weights.get(canon(value) or "", 0.0))
    return table[codes]


def _wanted(parsed: ParsedQuery):
    for key, wanted in (("category", parsed.categories), ("colour", parsed.colours), ("pattern", parsed.patterns)):
        if not wanted:
            continue
        if key == "category":
            weights = category_weights(wanted)
        else:
            weights = {w: 1.0 for w in wanted}
        yield key, wanted, weights


def attribute_scores(snap: Snapshot, parsed: ParsedQuery) -> np.ndarray | None:
    """Per row, the weighted share of the query's parsed category/colour/pattern it matches (None: none parsed).

    A related category counts in part (jeans for "trousers", a generic top for "blouse"); a tag read from
    pixels counts by its confidence, and not at all below `core.attributes.TRUST`, so a wrong guess cannot lift
    an item above what its picture shows. A greyscale photo's colour is no tag at all: its lightness fitting the
    colour asked for counts LIGHTNESS_SHARE ("white t-shirt": the light t-shirts, not the black ones)."""
    acc, total = np.zeros(len(snap.ids), np.float32), 0.0
    for key, wanted, weights in _wanted(parsed):
        total += ATTRIBUTE_WEIGHTS[key]
        match = _canonical_weight(snap, key, weights)
        conf = snap.columns.get(f"{key}_weight")
        if conf is not None:
            match = match * conf.astype(np.float32)
        if key == "category" and "narrower_share" in snap.columns:
            match = _with_narrower(snap, match, wanted, weights)
        if key == "colour" and "lightness" in snap.columns:
            match = _with_lightness(match, snap.columns["lightness"], wanted)
        acc += np.float32(ATTRIBUTE_WEIGHTS[key]) * match
    return acc / total if total else None


def _with_narrower(snap: Snapshot, match: np.ndarray, wanted: list[str], weights: dict[str, float]) -> np.ndarray:
    """Category matches, a row tagged the wider kind of a category asked for (trousers, for "jeans") lifted from
    its related weight towards a full match by the encoder's evidence for the narrower kind: among trousers whose
    tag could not tell (no blue in a greyscale photo), those that look most like jeans come first."""
    share = snap.columns["narrower_share"].astype(np.float32)
    out = match.copy()
    for wider, narrower in NARROWER.items():
        if narrower not in wanted:
            continue
        rows = canonical_isin(snap, "category", [wider]) & ~np.isnan(share)
        w = weights.get(wider, 0.0)
        conf = snap.columns.get("category_weight")
        trust = conf[rows].astype(np.float32) if conf is not None else np.float32(1.0)
        out[rows] = np.maximum(out[rows], trust * (w + (1 - w) * share[rows]))
    return out


LIGHTNESS_SHARE = 0.5  # a lightness that fits the colour asked for counts half what a trusted colour tag does


def _with_lightness(match: np.ndarray, lightness: np.ndarray, colours: list[str]) -> np.ndarray:
    """Colour matches, greyscale rows (a lightness, no colour) scored by how well it fits the best wanted colour."""
    grey = np.flatnonzero(~np.isnan(lightness))
    if not len(grey):
        return match
    fit = np.max([lightness_fit(lightness[grey].astype(np.float32), c) for c in colours], axis=0)
    out = match.copy()
    out[grey] = np.maximum(out[grey], LIGHTNESS_SHARE * fit)
    return out


def attribute_match_all(snap: Snapshot, parsed: ParsedQuery) -> np.ndarray | None:
    """Rows that are everything the query asked for: each parsed attribute exactly, by a label or a trusted tag."""
    out = None
    for key, wanted, _ in _wanted(parsed):
        ok = canonical_isin(snap, key, wanted)
        conf = snap.columns.get(f"{key}_weight")
        if conf is not None:
            ok &= conf > 0
        out = ok if out is None else out & ok
    return out


def strongest(a: np.ndarray, k: int) -> np.ndarray:
    """Up to k rows with the highest positive values of `a`, level by level (an attribute score takes a few
    distinct values; ties in row order): a pass or two over the rows instead of a partition of all of them."""
    out, got = [], 0
    level = float(a.max()) if len(a) else 0.0
    while level > 0 and got < k:
        rows = np.flatnonzero(a == level)[: k - got]
        out.append(rows)
        got += len(rows)
        level = float(np.max(a, where=a < level, initial=0.0))
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def pool_ranks(pool: np.ndarray, rows: np.ndarray, ranks: np.ndarray | None = None) -> np.ndarray:
    """1-based rank of each row of the (sorted) `pool` in the list `rows` (best first; `ranks` when given, e.g.
    `tied_ranks`); 0 where absent."""
    out = np.zeros(len(pool), np.int64)
    if len(rows):
        out[np.searchsorted(pool, rows)] = np.arange(1, len(rows) + 1) if ranks is None else ranks
    return out


def tied_ranks(scores: np.ndarray, rel: float = 1e-5) -> np.ndarray:
    """1-based ranks of a list best first, equal neighbours sharing the first one's rank. BM25 gives every
    document with the same words the same score (a photos-only catalog's "t-shirt" items all read "t-shirt"):
    their order is arbitrary, and fused by position it would outvote what the encoder sees among them."""
    s = np.asarray(scores, np.float64)
    if not len(s):
        return np.zeros(0, np.int64)
    new = np.ones(len(s), bool)
    new[1:] = np.abs(np.diff(s)) > rel * np.maximum(np.abs(s[1:]), 1e-12)
    pos = np.arange(1, len(s) + 1)
    return np.maximum.accumulate(np.where(new, pos, 0))


def rrf(ranks: np.ndarray) -> np.ndarray:
    return np.where(ranks > 0, 1.0 / (RRF_K + np.maximum(ranks, 1)), 0.0)


def rows_of(snap: Snapshot, ranked: list[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot rows and scores of (id, score) pairs; ids the snapshot does not hold (published since) dropped."""
    rows = snap.rows_of([i for i, _ in ranked])
    scores = np.fromiter((s for _, s in ranked), np.float32, len(ranked))
    held = rows >= 0
    return rows[held], scores[held]

