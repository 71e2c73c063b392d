"""Sketch queries: a drawing matched by its outline's shape (the sketch index) and by the encoder's view of it,
with an optional text hint."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from core.encoders import Encoder, l2_normalize
from core.search.query import SearchPage, SearchQuery

if TYPE_CHECKING:
    from core.search.index import CatalogIndex


def sketch_search(index: CatalogIndex, sketch_index: CatalogIndex, encoder: Encoder, query: SearchQuery,
                  t0: float) -> SearchPage:
    """score = w * (a * outline-shape + (1 - a) * encoder(sketch)) + (1 - w) * encoder(text hint).

    Exact below the threshold. Above it, the scores are computed exactly on a candidate pool: the HNSW
    neighbours of the shape descriptor (sketch collection) and of the encoder's view (catalog), with
    both vectors of each candidate fetched by id.
    """
    from core.sketch import normalise_sketch, shape_descriptor

    norm = normalise_sketch(query.sketch)
    shape_q = shape_descriptor(norm)
    view_q = encoder.encode_sketches([norm.image])[0]
    text = (query.text or "").strip()
    text_q = encoder.encode_texts([text])[0] if text else None
    a = float(np.clip(query.shape_weight, 0.0, 1.0))
    w = float(np.clip(query.image_weight, 0.0, 1.0))
    need = (query.page + 1) * query.page_size
    if not index.is_lean() and not sketch_index.is_lean():
        snap, sk = index.snapshot(), sketch_index.snapshot()
        rows = sketch_index.aligned_rows(snap, sk)
        mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
        mask &= rows >= 0
        cand = np.flatnonzero(mask)
        ids = [snap.ids[c] for c in cand]
        shape_vecs, emb = sk.embeddings[rows[cand]], snap.embeddings[cand]
        total, method = len(cand), "exact"
    else:
        pool = max(200, 10 * need)
        seen: dict[str, None] = {}
        for idx, vec in ((sketch_index, shape_q), (index, view_q if text_q is None else l2_normalize(view_q + text_q))):
            for i, _ in idx.dense_search(vec, pool, query.filters).ranked:
                seen.setdefault(i, None)
        got = sketch_index.fetch(list(seen), ["embeddings"])
        ids = [i for i in seen if i in got]
        shape_vecs = np.asarray([got[i][0] for i in ids], np.float32).reshape(len(ids), -1)
        emb = index.vectors(ids) if ids else np.zeros((0, encoder.info.dim), np.float32)
        total, method = len(ids), "hnsw-pool"
    scores = a * (shape_vecs @ shape_q) + (1 - a) * (emb @ view_q)
    if text_q is not None:
        scores = w * scores + (1 - w) * (emb @ text_q)
    order = np.argsort(-scores, kind="stable")[query.page * query.page_size : need]
    hits = index.hits([(ids[o], float(scores[o])) for o in order])
    page = SearchPage(hits, int(total), query.page, query.page_size, method, (time.perf_counter() - t0) * 1000)
    page.normalised_sketch = norm.image
    return page
