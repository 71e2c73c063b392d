"""CatalogIndex: one searchable collection and what this process holds of it, behind one front door (search,
items by id, vectors, sample ids, the catalog root): no caller needs to know how a large catalog is stored."""
from __future__ import annotations

import logging
import math
import threading
import time
from pathlib import Path

import numpy as np

from core.allocator import release_freed_memory
from core.chroma_client import server_error
from core.errors import AtelierError, IndexUnavailableError
from core.lexical import LexicalIndex, read_catalog_file
from core.search.catalog_file import catalog_file_path, ensure_catalog_file
from core.search.dense import DenseRetrieval
from core.search.pools import CallerPools
from core.search.query import FILTER_KEYS, SearchHit
from core.search.views import SnapshotViews
from core.snapshot import Snapshot
from core.store import IndexStore

log = logging.getLogger(__name__)


class CatalogIndex(DenseRetrieval, SnapshotViews, CallerPools):
    """One searchable collection; keeps what it holds in memory in step with the published index.

    Up to `exact_threshold` items: a full snapshot (vectors + metadata), exact search and an in-memory
    word index. Above it the process holds no vectors: a lean snapshot (ids + filter columns, ~50 bytes
    per item) and an on-disk word index, both read from one local catalog file per published version
    (`<index folder>/cache/`, built in a background thread from the collection's metadata when missing), dense
    retrieval by Chroma's HNSW, and vectors and metadata fetched by id. Until the columns are ready a
    query still answers (dense only, Chroma filtering) and says so.
    """

    STATE_TTL_S = 0.5

    def __init__(self, store: IndexStore, name: str, exact_threshold: int = 50_000, load_columns: bool = True) -> None:
        self.store = store
        self.name = name
        self.exact_threshold = exact_threshold
        self.load_columns = load_columns
        self._snap: Snapshot | None = None
        self._lean_lexical: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._start_lock = threading.Lock()  # starting the background load, never held while it runs
        self._derived_lock = threading.Lock()  # per-snapshot views: the lexical index, the image space
        self._loading: threading.Thread | None = None
        self._lean_version: tuple[str | None, int] | None = None  # (version, item count) of the published data
        self._state: tuple[float, object, str | None] | None = None  # (when, collection, version)
        self.load_error: str | None = None

    # ---- what is published -------------------------------------------------------------------------
    def _published(self) -> tuple[object, str | None]:
        """(collection, version), asked of the store at most once per STATE_TTL_S: a query makes several
        calls here, and on a server each one is a round trip."""
        now = time.monotonic()
        cached = self._state
        if cached is not None and now - cached[0] < self.STATE_TTL_S:
            return cached[1], cached[2]
        if cached is not None and not self.store.remote and cached[2] == self.store.current_generation():
            # A local generation is never written once published: its collection is still the one to read,
            # and the check is one small file read (asking Chroma again cost 0.8 ms per query at 100k items).
            self._state = (now, cached[1], cached[2])
            return cached[1], cached[2]
        col = self.store.reader_collection(self.name)
        if col is None:
            self._state = None
            raise IndexUnavailableError(
                f"The catalog index '{self.name}' has not been built yet. "
                "Run `python -m core ingest PATH` (the app builds the sample catalog on first start).")
        version = self.store.version(self.name) if not self.store.remote else \
            str((col.metadata or {}).get("atelier_version", "0"))
        self._state = (now, col, version)
        return col, version

    def refresh(self) -> None:
        """Ask the store again on the next call (each search starts here: one round trip per query on a
        server, one read of the generation pointer locally)."""
        if self._state is not None:
            self._state = (-math.inf, self._state[1], self._state[2])

    def _collection(self):
        return self._published()[0]

    def _call(self, fn, *args, **kw):
        """A Chroma call whose failure becomes one clear error (server down, index gone)."""
        try:
            return fn(*args, **kw)
        except AtelierError:
            raise
        except Exception as exc:
            self._state = None
            if self.store.remote and ("Timeout" in type(exc).__name__ or "timed out" in str(exc)):  # name the server
                raise server_error(exc, self.store.settings.chroma_host, self.store.settings.chroma_port) from exc
            self._published()  # raises the "not reachable" / "not built yet" message when that is the cause
            raise IndexUnavailableError(f"The index '{self.name}' could not be read ({type(exc).__name__}: {exc}).") from exc

    def _version(self) -> str | None:
        return self._published()[1]

    def is_lean(self) -> bool:
        """True when the published collection is above the exact-search threshold (decided once per version)."""
        return self._published_count() > self.exact_threshold

    def _published_count(self) -> int:
        col, version = self._published()
        known = self._lean_version
        if known is None or known[0] != version:
            known = (version, int(self._call(col.count)))
            self._lean_version = known
        return known[1]

    def dim(self) -> int | None:
        """The width of the published vectors (None for an empty collection)."""
        if not self.is_lean():
            snap = self.snapshot()
            return int(snap.embeddings.shape[1]) if len(snap.ids) else None
        dim = self._collection_metadata().get("dim")
        if dim is None:
            got = self._call(self._collection().get, limit=1, include=["embeddings"])
            return len(got["embeddings"][0]) if len(got["ids"]) else None
        return int(dim)

    def snapshot(self) -> Snapshot:
        """Full below the threshold, lean above it; waits for a load in progress."""
        version = self._version()
        snap = self._snap
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            if self._snap is None or self._snap.version != version:
                t0 = time.perf_counter()
                if self.is_lean():
                    loaded, self._lean_lexical = self._load_lean(version)
                else:
                    loaded = self.store.load_snapshot(self.name)
                    if loaded is None:
                        self._collection()  # raises the "not built yet" message
                log.info("loaded %s snapshot of %s (%d items) in %.1f s", "lean" if loaded.lean else "full",
                         self.name, len(loaded.ids), time.perf_counter() - t0)
                self._snap = loaded
            return self._snap

    def ranking_snapshot(self) -> Snapshot | None:
        """What a query ranks with: the full snapshot (loaded on first use) up to the threshold; above it the lean
        columns when loaded, None while they load in the background."""
        return self.columns_if_ready() if self.is_lean() else self.snapshot()

    def cache_file(self, version: str | None) -> Path:
        return catalog_file_path(self.store.settings, self.store.root, self.name, version)

    def _load_lean(self, version: str | None) -> tuple[Snapshot, LexicalIndex]:
        """Ids + filter columns and the word index, from this host's catalog file for `version` (built once from
        the collection's metadata fetched by ids, then read by every process on the host)."""
        col = None if self.store.remote else self._collection()  # a server's file is built by a child process
        path = ensure_catalog_file(self.cache_file(version), col, self.store.settings, self.name, self._call)
        snap = Snapshot.build_lean(version or "0", read_catalog_file(path), self._collection_metadata())
        release_freed_memory()  # the batches' dicts and strings are gone: give their pages back to the system
        return snap, LexicalIndex.open(path, version or "0")

    def columns_if_ready(self) -> Snapshot | None:
        """The current snapshot without waiting: starts a background load when it is missing or stale."""
        snap = self._snap
        if snap is not None and snap.version == self._version():
            return snap
        if not self.load_columns:
            return None
        with self._start_lock:  # not self._lock: the load holds that one for its whole length (a minute at 1M)
            if self._loading is None or not self._loading.is_alive():
                self._loading = threading.Thread(target=self._load_quietly, daemon=True, name=f"columns-{self.name}")
                self._loading.start()
        return None

    def _load_quietly(self) -> None:
        try:
            self.snapshot()
            self.load_error = None
        except Exception as exc:  # the next query reports it; a background thread has nobody to tell
            self.load_error = str(exc)
            log.warning("loading the filter columns of %s failed: %s", self.name, exc)

    def wait_for_columns(self, timeout: float | None = None) -> Snapshot | None:
        self.columns_if_ready()
        thread = self._loading
        if thread is not None:
            thread.join(timeout)
        return self.columns_if_ready()

    def count(self) -> int:
        """Items in the published collection; asks Chroma rather than loading a snapshot just to count."""
        try:
            snap = self._snap
            if snap is not None and snap.version == self._version():
                return len(snap.ids)
            col = self.store.reader_collection(self.name)
            return 0 if col is None else int(col.count())
        except IndexUnavailableError:
            return 0

    def facets(self) -> dict | None:
        """The filter choices: each column's distinct values and the known price range (None while a large
        catalog's columns are still loading)."""
        snap = self.snapshot() if not self.is_lean() else self.columns_if_ready()
        if snap is None:
            return None
        out: dict = {k: sorted(v for v in snap.codes[k][0] if v) for k in FILTER_KEYS}
        price = snap.columns["price"]
        known = price[price >= 0]
        out["price"] = (float(known.min()), float(known.max())) if len(known) else None
        return out

    # ---- by id -------------------------------------------------------------------------------------
    def fetch(self, ids: list[str], include: list[str]) -> dict[str, tuple]:
        """id -> the asked fields (e.g. ["embeddings"]) as Chroma holds them, one call; absent ids left out."""
        got = self._call(self._collection().get, ids=list(ids), include=include)
        cols = [got[k] for k in include]
        return {i: tuple(c[n] for c in cols) for n, i in enumerate(got["ids"])}

    def has(self, item_id: str) -> bool:
        if not self.is_lean():
            return item_id in self.snapshot().index_of
        snap = self._snap
        if snap is not None and snap.version == self._version():
            return item_id in snap.index_of
        return bool(self._call(self._collection().get, ids=[item_id], include=[])["ids"])

    def vectors(self, ids: list[str], missing_ok: bool = False) -> np.ndarray:
        """(len(ids), dim) float32 rows in the order asked; from memory below the threshold, else from Chroma.
        missing_ok: absent ids get zero rows instead of an error."""
        ids = list(ids)
        if not self.is_lean():
            snap = self.snapshot()
            rows = [snap.index_of.get(i, -1) for i in ids]
            missing = [i for i, r in zip(ids, rows) if r < 0]
            if not missing or missing_ok:
                dim = snap.embeddings.shape[1]
                out = np.zeros((len(ids), dim), np.float32)
                have = np.array([r >= 0 for r in rows], bool)
                if have.any():
                    out[have] = snap.embeddings[[r for r in rows if r >= 0]]
                return out
        else:
            got = self.fetch(ids, ["embeddings"]) if ids else {}
            missing = [i for i in ids if i not in got]
            if not missing or missing_ok:
                dim = len(next(iter(got.values()))[0]) if got else int(self.dim() or 1)
                return np.asarray([got[i][0] if i in got else np.zeros(dim) for i in ids],
                                  np.float32).reshape(len(ids), dim)
        raise AtelierError(f"No item with id {missing[0]!r} in this catalog.")

    def metadatas(self, ids: list[str]) -> list[dict]:
        if not self.is_lean():
            snap = self.snapshot()
            return [dict(snap.metadatas[snap.index_of[i]]) if i in snap.index_of else {} for i in ids]
        got = self.fetch(ids, ["metadatas"]) if ids else {}
        return [dict(got[i][0] or {}) if i in got else {} for i in ids]

    def hits(self, ranked: list[tuple[str, float]]) -> list[SearchHit]:
        """SearchHits for (id, score) pairs, metadata fetched in one call when lean."""
        metas = self.metadatas([i for i, _ in ranked])
        root = self._collection_metadata().get("catalog_root", "")
        return [SearchHit.of(i, s, m, root) for (i, s), m in zip(ranked, metas)]

    # ---- the front door: the catalog root here; sample ids, vectors and slot candidates in pools.py ----
    @property
    def catalog_root(self) -> str:
        """The folder the items' image paths are relative to ("" when the paths are absolute)."""
        return self._collection_metadata().get("catalog_root", "")

    def _collection_metadata(self) -> dict:
        snap = self._snap
        if snap is not None and snap.version == self._version():
            return snap.collection_metadata
        return dict(self._collection().metadata or {})

    def item(self, item_id: str) -> SearchHit:
        hit = self.hits([(item_id, 1.0)])[0]
        if not hit.metadata and not self.has(item_id):
            raise AtelierError(f"No item with id {item_id!r} in this catalog.")
        return hit

    def _hit(self, snap: Snapshot, n: int, score: float) -> SearchHit:
        if snap.lean:
            return self.hits([(snap.ids[n], score)])[0]
        return SearchHit.of(snap.ids[n], score, dict(snap.metadatas[n]), snap.collection_metadata.get("catalog_root", ""))

    def rows_hits(self, snap: Snapshot, rows: list[int], scores: list[float]) -> list[SearchHit]:
        """Hits for snapshot rows: from memory when full; when lean, from the catalog file of the same version
        (100k items: 1.0 ms a page from Chroma, ~0.1 ms from the file), else fetched from Chroma in one call."""
        if snap.lean:
            lexical = self._lean_lexical
            metas = lexical.metadatas(rows) if lexical is not None and lexical.version == snap.version else None
            if metas is None or len(metas) < len(set(int(r) for r in rows)):
                return self.hits([(snap.ids[int(r)], float(s)) for r, s in zip(rows, scores)])
            root = snap.collection_metadata.get("catalog_root", "")
            return [SearchHit.of(snap.ids[int(r)], s, metas[int(r)], root) for r, s in zip(rows, scores)]
        return [self._hit(snap, int(r), float(s)) for r, s in zip(rows, scores)]
