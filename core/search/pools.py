"""What callers outside search ask the index for: sample ids, vectors to choose among, the candidates of an outfit
slot. Each hides whether the catalog is held in memory or lean (a CatalogIndex mixin)."""
from __future__ import annotations

import numpy as np

from core.allocator import release_freed_memory
from core.search.query import Filters, SearchHit
from core.chroma_client import fetch_rows


class CallerPools:
    """Pools of items for the stylist and the Home page's map (CatalogIndex's front door, with search and by id)."""

    def sample_ids(self, limit: int, spread: bool = False) -> list[str]:
        """Up to `limit` item ids in stored order. In memory (up to the threshold): the first `limit`, or with
        spread=True `limit` evenly spaced over the whole catalog; above it the first `limit` Chroma returns
        (one call, no offset, so the cost does not grow with the catalog)."""
        if self.is_lean():
            return list(self._call(self._collection().get, limit=limit, include=[])["ids"])
        ids = self.snapshot().ids
        n = len(ids)
        if not spread:
            return list(ids[: max(0, int(limit))])
        take = np.linspace(0, n - 1, min(n, int(limit))).astype(int) if n else np.zeros(0, int)
        return [ids[i] for i in take]

    def candidate_vectors(self, prefer_ids: list[str], limit: int) -> tuple[list[str], np.ndarray]:
        """(ids, vectors) to choose among: every item when the catalog is held in memory; above the threshold
        the first `limit` of `prefer_ids` plus `limit` sampled ids, items no longer in the catalog left out."""
        if not self.is_lean():
            snap = self.snapshot()
            return list(snap.ids), snap.embeddings
        ids = list(dict.fromkeys(list(prefer_ids)[:limit] + self.sample_ids(limit)))
        emb = self.vectors(ids, missing_ok=True)
        keep = np.abs(emb).sum(1) > 0
        return [i for i, ok in zip(ids, keep) if ok], emb[keep]

    def items_with_vectors(self, ids: list[str], batch: int = 500) -> tuple[list[str], list[dict], np.ndarray]:
        """(ids, metadatas, float64 vectors) of these items, in order; above the threshold fetched `batch` at a
        time (3,000 vectors in one answer are 2 million Python floats at once: a replica peaked 100 MiB higher
        and kept part of it)."""
        if not self.is_lean():
            snap = self.snapshot()
            rows = [snap.index_of[i] for i in ids]
            return list(ids), [snap.metadatas[r] for r in rows], snap.embeddings[rows].astype(np.float64)
        got_ids, metas, blocks = [], [], []
        for got in fetch_rows(self._collection(), ["embeddings", "metadatas"], batch, list(ids)):
            got_ids += got["ids"]
            metas += [m or {} for m in got["metadatas"]]
            blocks.append(np.asarray(got["embeddings"], np.float32).reshape(len(got["ids"]), -1))
        x = np.concatenate(blocks).astype(np.float64) if blocks else np.zeros((0, 1))
        release_freed_memory()
        return got_ids, metas, x

    def candidates(self, q: np.ndarray, categories: list[str], limit: int, excluded: set[str] = frozenset(),
                   price_max: float | None = None) -> tuple[list[SearchHit], np.ndarray]:
        """(hits, row-aligned vectors) of the items of these categories, minus `excluded`. In memory: every one, in
        catalog order (q, limit and price_max unused: the caller ranks them all); above the threshold the `limit`
        nearest to q within price_max, fetched by id."""
        if not self.is_lean():
            snap = self.snapshot()
            wanted = snap.isin("category", categories)
            rows = [r for r in np.flatnonzero(wanted).tolist() if snap.ids[r] not in excluded]
            hits = self.rows_hits(snap, rows, [0.0] * len(rows))
            vecs = snap.embeddings[rows] if rows else np.zeros((0, snap.embeddings.shape[1]), np.float32)
            return hits, vecs
        ranked = self.dense_search(q, limit, Filters(category=categories, price_max=price_max), set(excluded)).ranked
        hits = self.hits([(i, 0.0) for i, _ in ranked])
        vecs = self.vectors([h.id for h in hits]) if hits else np.zeros((0, 1), np.float32)
        return hits, vecs
