"""Views of an index's snapshot made once per published version: its word index, the catalog's own words, the
image-to-image space and the row alignment with the sketch index (a CatalogIndex mixin)."""
from __future__ import annotations

import logging
import time
import numpy as np

from core.encoders import Encoder, l2_normalize
from core.lexical import LexicalIndex
from core.snapshot import Snapshot

log = logging.getLogger(__name__)


class SnapshotViews:
    """The derived views of CatalogIndex (cached on the index, rebuilt when its snapshot changes)."""

    def aligned_rows(self, other: Snapshot, own: Snapshot) -> np.ndarray:
        """For each row of `other`, the row of the same id in this index's snapshot `own` (-1 if absent)."""
        key = (other.version, own.version, len(other.ids), len(own.ids))
        cached = getattr(self, "_aligned", None)
        if cached is None or cached[0] != key:
            rows = np.array([own.index_of.get(i, -1) for i in other.ids], dtype=np.int64)
            self._aligned = (key, rows)
        return self._aligned[1]

    def lexical(self, snap: Snapshot | None = None) -> LexicalIndex:
        """BM25 over the snapshot's items: in memory (rebuilt when the snapshot changes) up to the threshold,
        the catalog file's table above it."""
        snap = snap or self.snapshot()
        if snap.lean:
            return self._lean_lexical
        cached = getattr(self, "_lexical", None)
        if cached is None or cached[0] is not snap:
            with self._derived_lock:
                cached = getattr(self, "_lexical", None)
                if cached is None or cached[0] is not snap:
                    t0 = time.perf_counter()
                    self._lexical = cached = (snap, LexicalIndex(snap.metadatas, snap.version))
                    log.info("lexical index of %s: %d items in %.2f s", self.name, len(snap.ids),
                             time.perf_counter() - t0)
        return cached[1]

    def known_words(self, snap: Snapshot) -> frozenset[str]:
        """The catalog's own words (labels and names, up to 5,000 of the most frequent) that a typo may have
        meant; empty for a lean snapshot (its names are not in memory)."""
        if snap.lean:
            return frozenset()
        cached = getattr(self, "_known_words", None)
        if cached is None or cached[0] is not snap:
            from collections import Counter

            from core.vocabulary import normalise_text

            counts: Counter = Counter()
            for meta in snap.metadatas:
                for k in ("name", "category", "colour", "pattern", "material"):
                    counts.update(w for w in normalise_text(str(meta.get(k) or "")).split() if len(w) >= 4 and w.isalpha())
            self._known_words = cached = (snap, frozenset(w for w, _ in counts.most_common(5000)))
        return cached[1]

    def image_matrix(self, encoder: Encoder, snap: Snapshot | None = None,
                     outlines: "CatalogIndex | None" = None) -> np.ndarray:
        """The snapshot's rows in the image-to-image space: the encoder's image view, plus (when the encoder
        asks for it and the sketch index is given) each item's outline shape from that index. Full snapshots only."""
        snap = snap or self.snapshot()
        sk = outlines.snapshot() if outlines is not None and encoder.outline_weight > 0 else None
        key = (snap, encoder.info.slug, sk)
        cached = getattr(self, "_image_matrix", None)
        if cached is None or cached[0] != key:
            with self._derived_lock:
                base = encoder.image_space(snap.embeddings)
                if sk is not None:
                    rows = outlines.aligned_rows(snap, sk)
                    shape = np.zeros((len(snap.ids), sk.embeddings.shape[1]), np.float32)
                    shape[rows >= 0] = sk.embeddings[rows[rows >= 0]]
                    base = l2_normalize(np.concatenate([base, encoder.outline_weight * l2_normalize(shape)], axis=1))
                self._image_matrix = cached = (key, base)
        return cached[1]

    def image_rows(self, encoder: Encoder, ids: list[str], outlines: "CatalogIndex | None" = None) -> np.ndarray:
        """`image_matrix` rows for just these ids, from vectors fetched by id (lean catalogs)."""
        base = encoder.image_space(self.vectors(ids, missing_ok=True))
        if outlines is not None and encoder.outline_weight > 0:
            shape = outlines.vectors(ids, missing_ok=True)
            base = l2_normalize(np.concatenate([base, encoder.outline_weight * l2_normalize(shape)], axis=1))
        return base

