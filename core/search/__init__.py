"""Queries (text / image / both / sketch / more-like-this, with filters) -> ranked catalog items.

Exact search over an in-memory snapshot whenever the candidate set is at most
`settings.exact_search_threshold` items (always exact recall, and fast at that size); Chroma's HNSW
index beyond that. Filtered HNSW loses recall, so filters are applied to the snapshot first.

query.py: what is asked and answered (with validation and JSON form); index.py: CatalogIndex, the front door to
one collection (dense.py, views.py, catalog_file.py: how it searches, its cached views, a large catalog's local
file); prepare.py reads a query once; text.py, image.py, by_sketch.py rank (fusion.py: RRF and the attribute
boost); chips.py: the page's words about a query. `search_catalog` picks the ranking.
"""
from __future__ import annotations

import time

from core.encoders import Encoder
from core.errors import AtelierError
from core.search.by_sketch import sketch_search
from core.search.chips import chip_filter_values, filter_values, reading_notes
from core.search.dense import MAX_OVERFETCH, OVERFETCH, DenseResult
from core.search.fusion import (ATTRIBUTE_BOOST, ATTRIBUTE_WEIGHTS, DENSE_POOL, FILTERED_DENSE_POOL, RRF_K, WHY_DEPTH,
                                attribute_match_all, attribute_scores)
from core.search.image import LIKE_SAME, SAME_PICTURE, image_search
from core.search.index import CatalogIndex
from core.search.prepare import check_vector_size, prepare
from core.search.query import (FILTER_KEYS, QUERY_KEYS, Filters, SearchHit, SearchPage, SearchQuery, active_filters,
                               query_from_json)
from core.search.text import CHEAP_QUANTILE, dense_only, price_filters, text_search
from core.validate import check_query

__all__ = [
    "ATTRIBUTE_BOOST", "ATTRIBUTE_WEIGHTS", "CHEAP_QUANTILE", "DENSE_POOL", "FILTERED_DENSE_POOL", "FILTER_KEYS",
    "LIKE_SAME", "MAX_OVERFETCH", "OVERFETCH", "QUERY_KEYS", "RRF_K", "SAME_PICTURE", "WHY_DEPTH", "CatalogIndex",
    "DenseResult", "Filters", "SearchHit", "SearchPage", "SearchQuery", "active_filters", "attribute_match_all",
    "attribute_scores", "chip_filter_values", "filter_values", "price_filters", "query_from_json", "reading_notes",
    "search_catalog",
]


def search_catalog(index: CatalogIndex, encoder: Encoder, query: SearchQuery,
                   sketch_index: CatalogIndex | None = None) -> SearchPage:
    """One page of results for any query (`Studio.search(query)` passes the studio's index, encoder, sketch index)."""
    t0 = time.perf_counter()
    # 1. the one boundary for numbers (NaN and infinity never reach ranking); the index's vectors this encoder's
    check_query(query)
    index.refresh()
    check_vector_size(index, encoder)
    # 2. a drawing ranks by its outline and the encoder's view of it
    if query.sketch is not None:
        if sketch_index is None:
            raise AtelierError("Sketch search needs the catalog's sketch index.")
        return sketch_search(index, sketch_index, encoder, query, t0)
    # 3. the words, the photo (or the item) and a client's taste, read once
    asked = prepare(index, encoder, query, sketch_index, t0)
    # 4. a photo alone ranks in the image-to-image space; words (with a photo, weighed) by hybrid fusion, or by
    # HNSW alone while a large catalog's columns and word index still load in the background
    if asked.w_img >= 1.0:
        return image_search(index, encoder, asked, sketch_index)
    if asked.snap is None:
        return dense_only(index, encoder, asked)
    return text_search(index, encoder, asked, sketch_index)
