"""Text queries (and text with a photo): hybrid ranking. The encoder's dense ranking and a BM25 ranking of the
items' own words (`core.lexical`) are fused by weighted reciprocal rank fusion, which needs only ranks, so it works
the same whether the dense ranking came from the exact snapshot or from HNSW. Fashion terms parsed from the query
(`core.vocabulary.parse_query`) add a soft boost, never a filter; a price phrase ("under $40") filters."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from core.attributes import tag_weight, trusted
from core.encoders import Encoder, l2_normalize
from core.lexical import query_terms
from core.search.dense import MAX_OVERFETCH, OVERFETCH
from core.search.fusion import (ATTRIBUTE_BOOST, ATTRIBUTE_WEIGHTS, DENSE_POOL, FILTERED_DENSE_POOL, RRF_K, WHY_DEPTH,
                                attribute_match_all, attribute_scores, pool_ranks, rows_of, rrf, strongest,
                                tied_ranks)
from core.search.query import Asked, Filters, SearchPage, SearchQuery
from core.snapshot import Snapshot
from core.vocabulary import ParsedQuery, canonical_category, canonical_colour, canonical_pattern, parse_query

if TYPE_CHECKING:
    from core.search.index import CatalogIndex


@dataclass
class _Lists:
    """The dense rankings of one text query, as snapshot rows best first."""

    dense_raw: np.ndarray  # per row, the blended cosine (-inf outside the candidates): the tie-breaker
    dense_rows: np.ndarray
    img_order: np.ndarray | None  # the photo's ranking when the query has one
    method: str


def text_search(index: CatalogIndex, encoder: Encoder, asked: Asked, outlines: CatalogIndex | None) -> SearchPage:
    """Words and meaning, fused; with a photo, the text's fused ranking and the photo's weighed by `w_img`."""
    snap = asked.snap
    # 1. what the words say: typos against the catalog's own words, other languages, a price phrase
    parsed = parse_query(asked.text, index.known_words(snap))
    filters, price_note = price_filters(asked.query.filters, parsed, snap)
    query = with_filters(asked.query, filters)
    text = parsed.text or asked.text
    mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
    for item_id in asked.excluded:
        if item_id in snap.index_of:
            mask[snap.index_of[item_id]] = False
    candidates = np.flatnonzero(mask)
    # 2. the text as a vector (a client's taste blended in) and its words; how much each list counts
    q = encoder.encode_texts([text])[0]
    if asked.bias is not None:
        q = l2_normalize((1 - asked.strength) * q + asked.strength * asked.bias)
    depth = max(DENSE_POOL, 2 * asked.need)
    terms = query_terms(text)
    w_lex = index.store.settings.lexical_weight if query.lexical_weight is None else query.lexical_weight
    w_lex = float(np.clip(w_lex, 0.0, 1.0))
    boost = ATTRIBUTE_BOOST if query.attribute_boost is None else max(0.0, float(query.attribute_boost))
    # 3. the items whose words match, and each item's share of the parsed attributes
    lex_rows, lex_ranks, n_words = _word_matches(index, snap, terms, mask, candidates, depth)
    attrs = attribute_scores(snap, parsed)
    # 4. the dense rankings: exact in memory, HNSW's neighbourhoods above the threshold
    lists = _dense_lists(index, encoder, asked, query, q, candidates, depth, bool(len(lex_rows)) or attrs is not None,
                         outlines)
    # 5. fused over the pool: every candidate when exact, else HNSW's pool, every word match and the strongest
    # attribute matches (a large catalog's pool is a few hundred rows, not every item)
    if lists.method == "exact":
        pool = candidates
    else:
        extra = strongest(np.where(mask, attrs, 0), depth) if attrs is not None else np.zeros(0, np.int64)
        pool = np.unique(np.concatenate([lists.dense_rows, lex_rows, extra]))
    fused, best, dense_rank, img_rank = _fuse(pool, lists, (lex_rows, lex_ranks), attrs, w_lex, boost, bool(terms),
                                              asked.w_img)
    # 6. the page, each hit with its relevance and why it was found
    order = np.lexsort((-lists.dense_raw[pool], -fused))[query.page * query.page_size : asked.need]
    page_rows = pool[order]
    hits = index.rows_hits(snap, [int(r) for r in page_rows], [float(fused[o]) for o in order])
    # No word matched any item under the filters: no row can hold one (and the FTS lookup is skipped).
    why = why_text(index, snap, page_rows, [h.metadata for h in hits], terms if len(lex_rows) else [], parsed,
                   dense_rank[order], img_rank[order] if img_rank is not None else None)
    for o, hit, reasons in zip(order, hits, why):
        hit.relevance = float(fused[o] / best) if best > 0 else None
        hit.why = reasons
    return SearchPage(hits, int(len(candidates)), query.page, query.page_size, lists.method,
                      (time.perf_counter() - asked.t0) * 1000, matched=int(n_words),
                      matched_all=int((attribute_match_all(snap, parsed) & mask).sum()) if attrs is not None else None,
                      parsed=parsed, space="text" if asked.visual is None else "text+image", note=price_note,
                      price=(query.filters.price_min, query.filters.price_max) if parsed.price_chip() else None)


def _word_matches(index: CatalogIndex, snap: Snapshot, terms: list[str], mask: np.ndarray, candidates: np.ndarray,
                  depth: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The rows whose words match (best first, under the filters), their ranks (equal scores, equal ranks) and
    how many items match in all."""
    if not terms:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), 0
    # The best few hundred word matches are all RRF can tell apart; fetch them all only under filters
    # (up to the threshold; a large catalog's filtered word matches come from a deeper list).
    n, lean = len(snap.ids), snap.lean
    lexical = index.lexical(snap)
    filtered = len(candidates) < n
    limit = (n if not lean else max(20 * depth, depth * n // max(1, len(candidates)))) if filtered else depth
    lex_rows, lex_scores = lexical.search(terms, limit=limit)
    keep = lex_rows < n
    keep[keep] = mask[lex_rows[keep]]
    lex_rows, lex_scores = lex_rows[keep], lex_scores[keep]
    n_words = len(lex_rows) if (filtered and not lean) or len(lex_rows) < depth else lexical.count(terms)
    return lex_rows, tied_ranks(lex_scores), n_words


def _dense_lists(index: CatalogIndex, encoder: Encoder, asked: Asked, query: SearchQuery, q: np.ndarray,
                 candidates: np.ndarray, depth: int, more_than_dense: bool, outlines: CatalogIndex | None) -> _Lists:
    """The text's dense ranking (and the photo's): scored in place in memory, else asked of HNSW."""
    snap, visual = asked.snap, asked.visual
    n = len(snap.ids)
    dense_raw = np.full(n, -np.inf, np.float32)
    if not snap.lean and (len(candidates) <= index.exact_threshold or visual is not None):
        # Unfiltered: score the matrix in place (a fancy-indexed copy of 100k rows costs ~80 ms).
        sc = snap.embeddings @ q if len(candidates) == n else snap.embeddings[candidates] @ q
        dense_raw[candidates] = sc
        dense_rows, img_order = candidates[np.argsort(-sc, kind="stable")], None
        if visual is not None:  # the photo's own ranking in the image-to-image space, fused below
            img = index.image_matrix(encoder, snap, outlines)
            isc = img @ visual if len(candidates) == n else img[candidates] @ visual
            img_order = candidates[np.argsort(-isc, kind="stable")]
            dense_raw[candidates] = (1 - asked.w_img) * sc + asked.w_img * isc
        return _Lists(dense_raw, dense_rows, img_order, "exact")
    # Under a filter HNSW must over-fetch by 1 / share, so a large catalog fuses a shallower dense list there
    # (word matches and attribute matches still join the pool whatever their dense rank).
    # A rare filter fuses a shallower list still, so that HNSW's over-fetch stays within MAX_OVERFETCH.
    share = len(candidates) / max(1, n)
    dense_depth = (max(2 * asked.need, min(FILTERED_DENSE_POOL, int(MAX_OVERFETCH * share / OVERFETCH) - 10))
                   if snap.lean and query.filters.active() else depth)
    if not more_than_dense and visual is None:
        # No word matched and nothing was parsed: the fused order is the dense order, so the page is all
        # HNSW needs to return (100k, a query vector alone: p50 4.4 -> 1.7 ms). Under a filter, twice the
        # page: the over-fetch then keeps a rare filter's recall (0.47%: 0.98 with the page alone, 1.0).
        dense_depth = 2 * asked.need if query.filters.active() else asked.need
    dense = index.dense_search(q, dense_depth + len(asked.excluded), query.filters, asked.excluded)
    dense_rows, dense_sc = rows_of(snap, dense.ranked)
    dense_raw[dense_rows] = dense_sc
    if visual is None:
        return _Lists(dense_raw, dense_rows, None, dense.method)
    # lean: text and photo scored exactly on the union of both neighbourhoods
    near = index.dense_search(asked.visual_stored, depth + len(asked.excluded), query.filters, asked.excluded)
    img_rows, _ = rows_of(snap, near.ranked)
    pool = np.unique(np.concatenate([dense_rows, img_rows]))
    ids = [snap.ids[int(r)] for r in pool]
    sc = index.vectors(ids, missing_ok=True) @ q
    isc = index.image_rows(encoder, ids, outlines) @ visual
    dense_raw[pool] = (1 - asked.w_img) * sc + asked.w_img * isc
    return _Lists(dense_raw, pool[np.argsort(-sc, kind="stable")], pool[np.argsort(-isc, kind="stable")],
                  dense.method + "+image")


def _fuse(pool: np.ndarray, lists: _Lists, lex: tuple[np.ndarray, np.ndarray], attrs: np.ndarray | None,
          w_lex: float, boost: float, any_terms: bool,
          w_img: float) -> tuple[np.ndarray, float, np.ndarray, np.ndarray | None]:
    """Per pool row the fused score; the best score a result could reach; the dense and photo ranks per row."""
    dense_rank, lex_rank = pool_ranks(pool, lists.dense_rows), pool_ranks(pool, *lex)
    img_rank = pool_ranks(pool, lists.img_order) if lists.img_order is not None else None
    fused = (1 - w_lex) * rrf(dense_rank) + w_lex * rrf(lex_rank)
    # The best a result could score for what was typed: with no word matching, the closest in meaning is not 100%.
    best = (1 - w_lex) / (RRF_K + 1) + (w_lex / (RRF_K + 1) if any_terms else 0.0)
    if attrs is not None:
        fused += boost * attrs[pool] / (RRF_K + 1)
        best += boost / (RRF_K + 1)
    if img_rank is not None:  # text and photo: the text's fused ranking and the photo's, weighed
        fused = (1 - w_img) * fused + w_img * (1 + boost) * rrf(img_rank)
        best = (1 - w_img) * best + w_img * (1 + boost) / (RRF_K + 1)
    return fused, best, dense_rank, img_rank


CHEAP_QUANTILE = 0.25  # "cheap": the catalog's cheapest quarter; "expensive": its dearest quarter


def price_filters(given: Filters, parsed: ParsedQuery, snap: Snapshot) -> tuple[Filters, str | None]:
    """The filters with the price the words asked for ("under $40", "cheap") added (narrowing a price already
    set, never widening it), and a note when the catalog has no prices to filter on."""
    lo, hi = parsed.price_min, parsed.price_max
    prices = snap.columns["price"]
    known = prices[prices >= 0]
    if parsed.price_level and len(known):
        if parsed.price_level == "cheap":
            hi = float(np.quantile(known, CHEAP_QUANTILE))
        else:
            lo = float(np.quantile(known, 1 - CHEAP_QUANTILE))
        parsed.price_min, parsed.price_max = lo, hi
    if lo is None and hi is None:
        if parsed.price_level and not len(known):
            return given, f"This catalog has no prices, so '{parsed.price_level}' was not applied."
        return given, None
    if not len(known):
        return given, f"This catalog has no prices, so '{parsed.price_chip()}' was not applied."
    out = Filters(list(given.category), list(given.colour), list(given.pattern), given.price_min, given.price_max)
    if lo is not None:
        out.price_min = lo if out.price_min is None else max(out.price_min, lo)
    if hi is not None:
        out.price_max = hi if out.price_max is None else min(out.price_max, hi)
    return out, None


def with_filters(query: SearchQuery, filters: Filters) -> SearchQuery:
    if filters is query.filters:
        return query
    return replace(query, filters=filters)


def why_text(index: CatalogIndex, snap: Snapshot, rows: np.ndarray, metas: list[dict], terms: list[str],
             parsed: ParsedQuery, dense_rank: np.ndarray, img_rank: np.ndarray | None) -> list[list[str]]:
    """Why each row was found (ranks given per row): the query words its text holds, the parsed attributes
    it has, closeness."""
    words = index.lexical(snap).matched_terms([int(r) for r in rows], terms) if terms else {}
    out: list[list[str]] = []
    for n, (r, meta) in enumerate(zip(rows, metas)):
        r = int(r)
        reasons = []
        if words.get(r):
            reasons.append("words: " + ", ".join(words[r]))
        has = [str(meta.get(k)) for k, wanted, canon in (
            ("category", parsed.categories, canonical_category), ("colour", parsed.colours, canonical_colour),
            ("pattern", parsed.patterns, canonical_pattern))
               if wanted and canon(str(meta.get(k) or "")) in wanted and trusted(meta, k)]
        if has:
            reasons.append("is " + " · ".join(has))
        if 0 < dense_rank[n] <= WHY_DEPTH:
            reasons.append("close in meaning")
        if img_rank is not None and 0 < img_rank[n] <= WHY_DEPTH:
            reasons.append("looks alike")
        out.append(reasons)
    return out


def dense_only(index: CatalogIndex, encoder: Encoder, asked: Asked) -> SearchPage:
    """A large catalog's first answers, before its columns and word index are loaded: Chroma's HNSW alone
    (filters applied by Chroma), said plainly on the page."""
    query, text, visual_stored, excluded = asked.query, asked.text, asked.visual_stored, asked.excluded
    bias, s, w_img, t0 = asked.bias, asked.strength, asked.w_img, asked.t0
    if text:
        q = encoder.encode_texts([text])[0]
        if bias is not None:
            q = l2_normalize((1 - s) * q + s * bias)
        if visual_stored is not None:
            q = l2_normalize((1 - w_img) * q + w_img * visual_stored)
    else:
        q = visual_stored
    need = (query.page + 1) * query.page_size
    parsed = parse_query(text)
    wanted = (("category", parsed.categories, canonical_category), ("colour", parsed.colours, canonical_colour),
              ("pattern", parsed.patterns, canonical_pattern))
    total_weight = sum(ATTRIBUTE_WEIGHTS[k] for k, w, _ in wanted if w)
    dense = index.dense_search(q, max(DENSE_POOL, 2 * need) if total_weight else need, query.filters, excluded)
    pool = index.hits(dense.ranked)  # the pool's metadata, fetched in one call
    boost = ATTRIBUTE_BOOST if query.attribute_boost is None else max(0.0, float(query.attribute_boost))
    fused = []
    for rank, hit in enumerate(pool, 1):  # the parsed attributes still boost, within HNSW's pool
        share = sum(ATTRIBUTE_WEIGHTS[k] * tag_weight(hit.metadata, k) for k, w, canon in wanted  # guesses: 0
                    if w and canon(str(hit.metadata.get(k) or "")) in w)
        fused.append(1.0 / (RRF_K + rank) + (boost * share / total_weight / (RRF_K + 1) if total_weight else 0.0))
    best = (1.0 + (boost if total_weight else 0.0)) / (RRF_K + 1)
    order = sorted(range(len(pool)), key=lambda n: -fused[n])[query.page * query.page_size : need]
    hits = [pool[n] for n in order]
    for n, hit in zip(order, hits):
        hit.score = float(fused[n])
        hit.relevance = float(fused[n] / best)
        has = [str(hit.metadata.get(k)) for k, w, canon in wanted
               if w and canon(str(hit.metadata.get(k) or "")) in w and trusted(hit.metadata, k)]
        hit.why = (["is " + " · ".join(has)] if has else []) + ["close in meaning"]
    loading = (f"could not be loaded ({index.load_error})" if index.load_error
               else "still loading in the background")
    note = (f"This catalog's word index and filter columns are {loading}: for now these results rank by the "
            "encoder's meaning and the garment, colour and pattern read from your words"
            + (" (item counts under filters are estimates)." if dense.total_is_estimate else "."))
    return SearchPage(hits, int(dense.total), query.page, query.page_size, dense.method,
                      (time.perf_counter() - t0) * 1000, parsed=parsed,
                      space="text" if visual_stored is None else "text+image", note=note)

