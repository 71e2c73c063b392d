"""Photo queries and "More like this": exact cosine in the encoder's image-to-image space (`Encoder.image_space`)
over every candidate up to the exact-search threshold; above it over HNSW's nearest few hundred, their vectors
fetched by id (this needs no filter columns, so it answers the same while a large catalog's columns load)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.attributes import tag_weight
from core.encoders import Encoder, l2_normalize
from core.errors import AtelierError
from core.search.fusion import DENSE_POOL
from core.search.query import Asked, SearchHit, SearchPage, SearchQuery
from core.snapshot import Snapshot
from core.vocabulary import category_weights

if TYPE_CHECKING:
    from core.search.index import CatalogIndex

# "More like this": the item's own kind first, then its colour and print (cosine bonuses), then the looks.
LIKE_SAME = {"category": 0.15, "colour": 0.05, "pattern": 0.05}
# An uploaded photo: its kind is read like a catalog item's (same pixels, same evidence), so it may say more; a
# kind counts only where each would answer for the other (a photo read as "top" is not every t-shirt).
PHOTO_SAME = {"category": 0.3, "colour": 0.05, "pattern": 0.05}
SAME_PICTURE = 0.995  # image-to-image cosine of the same picture (re-encoded, resized): always ranked first
# The garment photographed (a phone photo of a catalog item): its match stands apart from every other one, as in
# Lowe's ratio test for feature matches (distance to the best under this share of the distance to the second),
# and is ranked first whatever the tags read from the two pictures say.
PHOTOGRAPHED = 0.6


def visual_query(index: CatalogIndex, encoder: Encoder, query: SearchQuery, snap: Snapshot | None,
                 outlines: CatalogIndex | None) -> tuple[np.ndarray | None, np.ndarray | None, dict | None]:
    """The photo (or the "more like this" item) in the image-to-image space, as stored in the index (what HNSW is
    asked with above the threshold), and an uploaded photo's tags read as ingest reads a catalog photo's (the
    prepared picture, the encoder's evidence from the same pass); (None, None, None) for a text-only query."""
    if query.like_id:
        if snap is not None and not snap.lean:
            if query.like_id not in snap.index_of:
                raise AtelierError(f"No item with id {query.like_id!r} in this catalog.")
            row = snap.index_of[query.like_id]
            return index.image_matrix(encoder, snap, outlines)[row], snap.embeddings[row], None
        stored = index.vectors([query.like_id])  # fetched by id: no copy of every vector needed
        return index.image_rows(encoder, [query.like_id], outlines)[0], stored[0], None
    if query.image is None:
        return None, None, None
    from core.attributes import read_tags
    from core.photo_query import prepare_query_photo

    image = prepare_query_photo(query.image).image  # a phone photo made to look like a catalog shot
    stored, evidence = encoder.encode_images_with_evidence([image])
    tags = read_tags(image, evidence[0] if evidence else None).metadata()
    q = l2_normalize(encoder.image_space(stored))[0]
    if outlines is not None and encoder.outline_weight > 0:
        from core.sketch import SHAPE_DIM, SketchError, outline_of_product, shape_descriptor

        try:
            shape = l2_normalize(shape_descriptor(outline_of_product(image))[None])[0]
        except SketchError:  # no garment outline found: the image view alone, on the same scale
            shape = np.zeros(SHAPE_DIM, np.float32)
        q = l2_normalize(np.concatenate([q, encoder.outline_weight * shape]))
    return q, stored[0], tags


@dataclass
class _Scored:
    """The photo's candidates with their image-space scores and the labels that earn a bonus."""

    scores: np.ndarray
    rows: np.ndarray | None  # snapshot rows (in memory), or
    ids: list[str] | None  # ids (HNSW's pool above the threshold)
    metas: list[dict] | None
    labels: dict[str, np.ndarray]
    weights: dict[str, np.ndarray | None]
    source: dict | None  # the item asked with (more like this), or the photo read as one
    total: int
    method: str


def image_search(index: CatalogIndex, encoder: Encoder, asked: Asked, outlines: CatalogIndex | None) -> SearchPage:
    """Photo / "more like this": the candidates by cosine in the image-to-image space, the item's (or the photo's)
    own kind, colour and print first, the very picture asked with on top."""
    query = asked.query
    # 1. the candidates and their scores: every one in memory, else HNSW's nearest few hundred
    if asked.snap is not None and not asked.snap.lean:
        got = _scored_in_memory(index, encoder, asked, outlines)
    else:
        got = _scored_by_id(index, encoder, asked, outlines)
    # 2. an uploaded photo is read like a catalog photo (category, colour, pattern with their confidences), so
    # items of its kind come first: "a dress photo finds dresses" holds on photos-only catalogs too. A photo of a
    # catalog item (PHOTOGRAPHED) takes that item's own tags, read from its product shot, as "more like this" does.
    if got.source is None and query.image is not None:
        got.source = asked.photo_tags
        item = np.flatnonzero(photographed(got.scores))
        if len(item):
            t = int(item[0])
            got.source = got.metas[t] if got.metas is not None else asked.snap.metadatas[int(got.rows[t])]
    # 3. bonuses for what the candidates share with it; the very picture asked with above them all
    scores, shared, top_bonus = _shared_labels(got, query)
    # 4. the page, each hit saying what it shares
    k = min(asked.need, len(scores))
    top = np.argpartition(-scores, k - 1)[:k] if 0 < k < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")][query.page * query.page_size:]
    if got.ids is None:
        hits = index.rows_hits(asked.snap, [int(got.rows[t]) for t in top], [float(scores[t]) for t in top])
    else:
        root = index.catalog_root
        hits = [SearchHit.of(got.ids[t], scores[t], got.metas[t], root) for t in top]
    for t, hit in zip(top, hits):
        hit.relevance = float(np.clip(scores[t] / top_bonus, 0.0, 1.0))
        same = [str(hit.metadata.get(k)) for k in ("category", "colour", "pattern") if k in shared and shared[k][t]]
        hit.why = (["shares " + " · ".join(same)] if same else []) + ["looks alike"]
    return SearchPage(hits, int(got.total), query.page, query.page_size, got.method,
                      (time.perf_counter() - asked.t0) * 1000, space="image")


def _scored_in_memory(index: CatalogIndex, encoder: Encoder, asked: Asked, outlines: CatalogIndex | None) -> _Scored:
    snap, query = asked.snap, asked.query
    mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
    for item_id in asked.excluded:
        if item_id in snap.index_of:
            mask[snap.index_of[item_id]] = False
    cand = np.flatnonzero(mask)
    img = index.image_matrix(encoder, snap, outlines)
    scores = img @ asked.visual if len(cand) == len(snap.ids) else img[cand] @ asked.visual
    labels = {k: snap.columns[k][cand] for k in LIKE_SAME}
    weights = {k: (snap.columns[f"{k}_weight"][cand].astype(np.float32) if f"{k}_weight" in snap.columns
                   else None) for k in LIKE_SAME}
    source = snap.metadatas[snap.index_of[query.like_id]] if query.like_id in snap.index_of else None
    return _Scored(scores, cand, None, None, labels, weights, source, len(cand), "exact")


def _scored_by_id(index: CatalogIndex, encoder: Encoder, asked: Asked, outlines: CatalogIndex | None) -> _Scored:
    query = asked.query
    near = index.dense_search(asked.visual_stored, max(DENSE_POOL, 4 * asked.need) + len(asked.excluded),
                              query.filters, asked.excluded)
    ids = [i for i, _ in near.ranked]
    metas = index.metadatas(ids)
    scores = index.image_rows(encoder, ids, outlines) @ asked.visual if ids else np.zeros(0, np.float32)
    labels = {k: np.array([str(m.get(k, "") or "").lower() for m in metas], dtype=object) for k in LIKE_SAME}
    weights = {k: np.array([tag_weight(m, k) for m in metas], np.float32) for k in LIKE_SAME}
    source = index.metadatas([query.like_id])[0] if query.like_id else None
    return _Scored(scores, None, ids, metas, labels, weights, source, near.total, near.method)


def _shared_labels(got: _Scored, query: SearchQuery) -> tuple[np.ndarray, dict[str, np.ndarray], float]:
    """Scores with a cosine bonus per label shared with the source (weighed by both tags' confidence), which rows
    share each label, and the best score a result could reach."""
    scores, source = got.scores, got.source
    shared: dict[str, np.ndarray] = {}
    top_bonus = 1.0
    # The very picture asked with (re-encoded: cosine ~1, and above every other item): no label's say outranks it.
    same_picture = (scores >= SAME_PICTURE) & (scores >= scores.max() - 1e-4) if len(scores) else scores > 1
    if query.image is not None:
        same_picture |= photographed(scores)
    for key, bonus in (PHOTO_SAME if query.image is not None else LIKE_SAME).items():
        own = str((source or {}).get(key, "") or "").lower()
        w_src = tag_weight(source or {}, key)
        if own and w_src > 0:  # an empty label (or an untrusted tag) matches nothing
            if key == "category" and query.image is not None:  # a guess from the photo: close relatives count too
                match = np.array([kin_weight(own, str(v)) for v in got.labels[key]], np.float32)
            else:
                match = (got.labels[key] == own).astype(np.float32)
            w = match * (got.weights[key] if got.weights[key] is not None else 1.0)
            shared[key] = w > 0
            scores = scores + bonus * w_src * w
            top_bonus += bonus * w_src
    if query.image is not None and same_picture.any():
        scores = np.where(same_picture, scores + top_bonus, scores)  # relevance clips at 1
    return scores, shared, top_bonus


def photographed(scores: np.ndarray) -> np.ndarray:
    """The one candidate whose match stands apart from all others (PHOTOGRAPHED); none when two come close."""
    out = np.zeros(len(scores), bool)
    if len(scores) >= 2:
        best, second = np.partition(-scores, 1)[:2]
        d_best, d_second = np.sqrt(np.clip(2 + 2 * np.array([best, second]), 0.0, None))
        if d_best < PHOTOGRAPHED * d_second:
            out[int(np.argmax(scores))] = True
    return out


def kin_weight(a: str, b: str) -> float:
    """How well two categories read from photos answer for each other: 1 when the same, else the lesser of the two
    ways' relatedness (trousers and jeans 0.3; a t-shirt and a "top" 0.2, not every t-shirt for a "top")."""
    if a == b:
        return 1.0
    return min(category_weights([a]).get(b, 0.0), category_weights([b]).get(a, 0.0))
