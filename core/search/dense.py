"""Dense retrieval: the `need` nearest items to a unit vector among those passing the filters. Exact over the
in-memory snapshot up to the exact-search threshold; above it Chroma's HNSW, filtered HNSW losing recall, so
a filter is applied to the in-memory columns after an over-fetch when they are loaded."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.snapshot import Snapshot

if TYPE_CHECKING:
    from core.search.query import Filters


@dataclass
class DenseResult:
    """Dense retrieval's answer: (id, cosine) best first, how many items pass the filters, and how."""

    ranked: list[tuple[str, float]]
    total: int
    method: str  # exact | hnsw | hnsw+postfilter | hnsw-where
    total_is_estimate: bool = False


# Over-fetch + post-filter (filtered queries above the threshold): ask HNSW for need / share * OVERFETCH
# neighbours without a `where`, keep those that pass the in-memory filter columns. Beyond MAX_OVERFETCH
# neighbours Chroma's own filtered search. bench/bench_scale.py at 1M items: HNSW costs about 9 us per
# neighbour asked for (x2 of a 0.47% filter, 4,248: p95 47 ms, recall 1.000; x4, 8,485: p95 82 ms), while a
# `where` costs 375-400 ms at any ef for a 0.47% filter and 4.4-4.6 s for a 9.3% one (100k: 221-274 ms).
OVERFETCH = 2.0
MAX_OVERFETCH = 12_000


class DenseRetrieval:
    """CatalogIndex's dense search (a mixin: it reads the index's published collection and snapshot)."""

    def dense_search(self, q: np.ndarray, need: int, filters: "Filters", excluded: set[str] = frozenset()) -> DenseResult:
        """The `need` best items for the unit vector q among those passing `filters`, minus `excluded`."""
        if not self.is_lean():
            return self._exact(self.snapshot(), q, need, filters, excluded)
        col = self._collection()
        if not filters.active():
            ranked = self._query(col, q, need + len(excluded), None, excluded)
            return DenseResult(ranked[:need], max(0, self._published_count() - len(excluded)), "hnsw")
        snap = self.columns_if_ready()
        if snap is None:  # columns still loading (or never, in the CLI): Chroma filters
            ranked = self._query(col, q, need + len(excluded), filters.where(), excluded)
            return DenseResult(ranked[:need], len(ranked), "hnsw-where", total_is_estimate=True)
        mask = filters.mask(snap)
        total = int(mask.sum()) - sum(1 for i in excluded if i in snap.index_of and mask[snap.index_of[i]])
        if total <= 0:
            return DenseResult([], 0, "hnsw")
        share = total / max(1, len(snap.ids))
        fetch = int(np.ceil((need + len(excluded)) / share * OVERFETCH)) + 10
        if fetch <= MAX_OVERFETCH:
            got = self._query(col, q, min(fetch, len(snap.ids)), None, excluded)
            rows = snap.rows_of([i for i, _ in got])
            passes = rows >= 0
            passes[passes] = mask[rows[passes]]
            kept = [pair for pair, ok in zip(got, passes) if ok]
            if len(kept) >= min(need, total):
                return DenseResult(kept[:need], total, "hnsw+postfilter")
        ranked = self._query(col, q, need + len(excluded), filters.where(), excluded)
        return DenseResult(ranked[:need], total, "hnsw-where")

    def _query(self, col, q: np.ndarray, n: int, where: dict | None, excluded) -> list[tuple[str, float]]:
        res = self._call(col.query, query_embeddings=[np.asarray(q, np.float32).tolist()], n_results=max(1, n),
                         where=where, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0]) if i not in excluded]

    @staticmethod
    def _exact(snap: Snapshot, q: np.ndarray, need: int, filters: "Filters", excluded) -> DenseResult:
        mask = filters.mask(snap) if filters.active() else np.ones(len(snap.ids), bool)
        for item_id in excluded:
            if item_id in snap.index_of:
                mask[snap.index_of[item_id]] = False
        candidates = np.flatnonzero(mask)
        # Unfiltered: score the matrix in place (a fancy-indexed copy of 100k rows costs ~80 ms).
        scores = snap.embeddings @ q if len(candidates) == len(snap.ids) else snap.embeddings[candidates] @ q
        k = min(need, len(candidates))
        top = np.argpartition(-scores, k - 1)[:k] if 0 < k < len(candidates) else np.arange(len(candidates))
        top = top[np.argsort(-scores[top], kind="stable")]
        return DenseResult([(snap.ids[int(candidates[t])], float(scores[t])) for t in top], int(len(candidates)), "exact")

