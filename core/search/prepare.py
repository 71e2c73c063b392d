"""A query read once before it is ranked: the index's vectors the encoder's size, the photo (or item) as
vectors, a client's taste blended in, the items left out (`Asked`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.encoders import Encoder, l2_normalize
from core.errors import EmptyQueryError, IndexUnavailableError
from core.search.image import visual_query
from core.search.query import Asked, SearchQuery

if TYPE_CHECKING:
    from core.search.index import CatalogIndex


def check_vector_size(index: CatalogIndex, encoder: Encoder) -> None:
    """The published vectors and the active encoder's must have one size (another encoder built the index)."""
    dim = index.dim()
    if dim is not None and dim != encoder.info.dim:
        raise IndexUnavailableError(
            f"The index '{index.name}' was built with vectors of size {dim}, but the active "
            f"encoder makes {encoder.info.dim}. Re-run ingest with this encoder.")


def prepare(index: CatalogIndex, encoder: Encoder, query: SearchQuery, outlines: CatalogIndex | None,
            t0: float) -> Asked:
    """The words, the photo (or the "more like this" item) in both spaces, the bias and the photo's weight."""
    snap = index.ranking_snapshot()
    text = (query.text or "").strip()
    visual, visual_stored, photo_tags = visual_query(index, encoder, query, snap, outlines)
    if visual is None and not text:
        raise EmptyQueryError("Type a description, upload an image or draw a sketch to search.")
    s = float(np.clip(query.bias_strength, 0.0, 1.0)) if query.bias is not None else 0.0
    bias = np.asarray(query.bias, np.float32) if s > 0 else None
    excluded = set(query.exclude_ids) | ({query.like_id} if query.like_id else set())
    w_img = 1.0 if not text else (float(np.clip(query.image_weight, 0.0, 1.0)) if visual is not None else 0.0)
    if visual is not None and bias is not None:
        # Ranking by (1 - s) q + s b equals blending the two cosine scores item by item.
        b = encoder.image_space(bias[None])[0]
        visual = l2_normalize((1 - s) * visual + s * np.pad(b, (0, len(visual) - len(b))))
        visual_stored = l2_normalize((1 - s) * visual_stored + s * bias)
    return Asked(query, text, snap, visual, visual_stored, bias, s, w_img, excluded, t0, photo_tags)
