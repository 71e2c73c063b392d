"""Queries (text / image / both / sketch / more-like-this, with filters) -> ranked catalog items.

Up to `settings.exact_search_threshold` items: exact search over an in-memory snapshot (recall 1.0).
Above it the process keeps no vectors: dense retrieval is Chroma's HNSW, filters run on in-memory
filter columns (over-fetch + post-filter, Chroma's `where` for rare filters), and vectors and metadata
are fetched by id (see `CatalogIndex`).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from core.encoders import Encoder, l2_normalize
from core.errors import AtelierError, EmptyQueryError, IndexUnavailableError
from core.store import IndexStore, Snapshot

log = logging.getLogger(__name__)

FILTER_KEYS = ("category", "colour", "pattern")


@dataclass
class Filters:
    category: list[str] = field(default_factory=list)
    colour: list[str] = field(default_factory=list)
    pattern: list[str] = field(default_factory=list)
    price_min: float | None = None
    price_max: float | None = None

    def active(self) -> bool:
        return bool(self.category or self.colour or self.pattern or self.price_min is not None or self.price_max is not None)

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filters":
        d = dict(d or {})
        out = cls()
        for key in FILTER_KEYS:
            val = d.pop(key, d.pop("color", None) if key == "colour" else None)
            if val:
                vals = val if isinstance(val, (list, tuple)) else str(val).split("|")
                setattr(out, key, [str(v).strip().lower() for v in vals if str(v).strip()])
        for key in ("price_min", "price_max"):
            if d.get(key) not in (None, ""):
                try:
                    setattr(out, key, float(d.pop(key)))
                except (TypeError, ValueError) as exc:
                    raise AtelierError(f"{key} must be a number, not {d.get(key)!r}.") from exc
        if "price" in d:  # "price=20-80"
            lo, _, hi = str(d.pop("price")).partition("-")
            out.price_min = float(lo) if lo.strip() else None
            out.price_max = float(hi) if hi.strip() else None
        if d:
            raise AtelierError(f"Unknown filter {', '.join(d)}; use category, colour, pattern, price_min, price_max.")
        return out

    @classmethod
    def from_pairs(cls, pairs: list[str]) -> "Filters":
        d: dict = {}
        for pair in pairs or []:
            key, sep, value = pair.partition("=")
            if not sep:
                raise AtelierError(f"Filters are KEY=VALUE (e.g. category=dress), not {pair!r}.")
            key = key.strip().lower()
            if key in FILTER_KEYS or key == "color":
                d.setdefault("colour" if key == "color" else key, []).append(value)
            else:
                d[key] = value
        return cls.from_dict(d)

    def mask(self, snap: Snapshot) -> np.ndarray:
        m = np.ones(len(snap.ids), bool)
        for key in FILTER_KEYS:
            wanted = getattr(self, key)
            if wanted:
                m &= snap.isin(key, wanted)
        price = snap.columns["price"]
        if self.price_min is not None:
            m &= price >= self.price_min
        if self.price_max is not None:
            m &= (price <= self.price_max) & (price >= 0)
        return m

    def where(self) -> dict | None:
        clauses = [{k: {"$in": getattr(self, k)}} for k in FILTER_KEYS if getattr(self, k)]
        if self.price_min is not None:
            clauses.append({"price": {"$gte": float(self.price_min)}})
        if self.price_max is not None:
            clauses += [{"price": {"$lte": float(self.price_max)}}, {"price": {"$gte": 0.0}}]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class SearchQuery:
    text: str = ""
    image: Image.Image | None = None
    sketch: Image.Image | None = None
    image_weight: float = 0.5  # 0 = text only, 1 = image (or sketch) only
    shape_weight: float = 0.7  # within a sketch query: outline shape vs the encoder's view of the drawing
    filters: Filters = field(default_factory=Filters)
    like_id: str | None = None
    page: int = 0
    page_size: int = 12
    exclude_ids: tuple[str, ...] = ()
    bias: np.ndarray | None = None  # e.g. a client's taste direction (core.stylist)
    bias_strength: float = 0.0  # 0 = plain query, 1 = the bias alone


@dataclass
class SearchHit:
    id: str
    score: float
    path: str
    metadata: dict

    def to_json(self) -> dict:
        return {"id": self.id, "score": round(float(self.score), 6), "path": self.path, "metadata": self.metadata}


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int  # items that pass the filters
    page: int
    page_size: int
    method: str  # exact | hnsw | hnsw+postfilter | hnsw-where | hnsw-pool
    elapsed_ms: float
    normalised_sketch: Image.Image | None = None  # what a sketch query was matched as

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass
class DenseResult:
    """Dense retrieval's answer: (id, cosine) best first, how many items pass the filters, and how."""

    ranked: list[tuple[str, float]]
    total: int
    method: str  # exact | hnsw | hnsw+postfilter | hnsw-where
    total_is_estimate: bool = False


# Over-fetch + post-filter (filtered queries above the threshold): ask HNSW for need / share * OVERFETCH
# neighbours without a `where`, keep those that pass the in-memory filter columns. Beyond
# MAX_OVERFETCH neighbours (a filter rarer than ~0.4%) Chroma's own filtered search; see bench/bench_scale.py
# (100k, 0.5% filter: over-fetch x2 p95 100 ms recall 0.981 vs `where` p95 221-274 ms).
OVERFETCH = 2.0
MAX_OVERFETCH = 5000


class CatalogIndex:
    """One searchable collection; keeps what it holds in memory in step with the published index.

    Up to `exact_threshold` items: a full snapshot (vectors + metadata) and exact search. Above it: a lean
    snapshot (ids + filter columns, ~50 bytes per item, loaded in a background thread unless
    `load_columns` is False), dense retrieval by Chroma's HNSW, vectors and metadata fetched by id.
    """

    STATE_TTL_S = 0.5

    def __init__(self, store: IndexStore, name: str, exact_threshold: int = 50_000, load_columns: bool = True) -> None:
        self.store = store
        self.name = name
        self.exact_threshold = exact_threshold
        self.load_columns = load_columns
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()
        self._loading: threading.Thread | None = None
        self._lean_version: tuple[str | None, int] | None = None  # (version, item count) of the published data
        self._state: tuple[float, object, str | None] | None = None  # (when, collection, version)

    # ---- what is published -------------------------------------------------------------------------
    def _published(self) -> tuple[object, str | None]:
        """(collection, version), asked of the store at most once per STATE_TTL_S: a query makes several
        calls here, and on a server each one is a round trip."""
        now = time.monotonic()
        cached = self._state
        if cached is not None and now - cached[0] < self.STATE_TTL_S:
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
        """Ask the store again on the next call (each search starts here: one round trip per query)."""
        self._state = None

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

    def snapshot(self) -> Snapshot:
        """Full below the threshold, lean above it; waits for a load in progress."""
        version = self._version()
        snap = self._snap
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            if self._snap is None or self._snap.version != version:
                lean = self.is_lean()
                t0 = time.perf_counter()
                loaded = self.store.load_snapshot(self.name, lean=lean)
                if loaded is None:
                    self._collection()  # raises the "not built yet" message
                log.info("loaded %s snapshot of %s (%d items) in %.1f s", "lean" if lean else "full", self.name,
                         len(loaded.ids), time.perf_counter() - t0)
                self._snap = loaded
            return self._snap

    def columns_if_ready(self) -> Snapshot | None:
        """The current snapshot without waiting: starts a background load when it is missing or stale."""
        snap = self._snap
        if snap is not None and snap.version == self._version():
            return snap
        if not self.load_columns:
            return None
        with self._lock:
            if self._loading is None or not self._loading.is_alive():
                self._loading = threading.Thread(target=self._load_quietly, daemon=True, name=f"columns-{self.name}")
                self._loading.start()
        return None

    def _load_quietly(self) -> None:
        try:
            self.snapshot()
        except Exception as exc:  # the next query reports it; a background thread has nobody to tell
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

    # ---- by id -------------------------------------------------------------------------------------
    def _get(self, ids: list[str], include: list[str]) -> dict[str, tuple]:
        got = self._call(self._collection().get, ids=list(ids), include=include)
        cols = [got[k] for k in include]
        return {i: tuple(c[n] for c in cols) for n, i in enumerate(got["ids"])}

    def has(self, item_id: str) -> bool:
        snap = self._snap
        if not self.is_lean():
            return item_id in self.snapshot().index_of
        if snap is not None and snap.version == self._version():
            return item_id in snap.index_of
        return bool(self._call(self._collection().get, ids=[item_id], include=[])["ids"])

    def vectors(self, ids: list[str]) -> np.ndarray:
        """(len(ids), dim) float32 rows in the order asked; from memory below the threshold, else from Chroma."""
        if not self.is_lean():
            snap = self.snapshot()
            missing = [i for i in ids if i not in snap.index_of]
            if not missing:
                return snap.embeddings[[snap.index_of[i] for i in ids]]
        else:
            got = self._get(ids, ["embeddings"])
            missing = [i for i in ids if i not in got]
            if not missing:
                return np.asarray([got[i][0] for i in ids], np.float32).reshape(len(ids), -1)
        raise AtelierError(f"No item with id {missing[0]!r} in this catalog.")

    def metadatas(self, ids: list[str]) -> list[dict]:
        if not self.is_lean():
            snap = self.snapshot()
            return [dict(snap.metadatas[snap.index_of[i]]) if i in snap.index_of else {} for i in ids]
        got = self._get(ids, ["metadatas"])
        return [dict(got[i][0] or {}) if i in got else {} for i in ids]

    def hits(self, ranked: list[tuple[str, float]]) -> list[SearchHit]:
        """SearchHits for (id, score) pairs, metadata fetched in one call when lean."""
        metas = self.metadatas([i for i, _ in ranked])
        root = self._collection_metadata().get("catalog_root", "")
        return [SearchHit(i, float(s), str(Path(root) / m.get("path", "")) if root else m.get("path", ""), m)
                for (i, s), m in zip(ranked, metas)]

    def _collection_metadata(self) -> dict:
        snap = self._snap
        if snap is not None:
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
        meta = dict(snap.metadatas[n])
        root = snap.collection_metadata.get("catalog_root", "")
        rel = meta.get("path", "")
        return SearchHit(snap.ids[n], float(score), str(Path(root) / rel) if root else rel, meta)

    def aligned_rows(self, other: Snapshot, own: Snapshot) -> np.ndarray:
        """For each row of `other`, the row of the same id in this index's snapshot `own` (-1 if absent)."""
        key = (other.version, own.version, len(other.ids), len(own.ids))
        cached = getattr(self, "_aligned", None)
        if cached is None or cached[0] != key:
            rows = np.array([own.index_of.get(i, -1) for i in other.ids], dtype=np.int64)
            self._aligned = (key, rows)
        return self._aligned[1]

    # ---- dense retrieval ---------------------------------------------------------------------------
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
            rows = [snap.index_of.get(i) for i, _ in got]
            kept = [pair for pair, r in zip(got, rows) if r is not None and mask[r]]
            if len(kept) >= min(need, total):
                return DenseResult(kept[:need], total, "hnsw+postfilter")
        ranked = self._query(col, q, need + len(excluded), filters.where(), excluded)
        return DenseResult(ranked[:need], total, "hnsw-where")

    def _query(self, col, q: np.ndarray, n: int, where: dict | None, excluded) -> list[tuple[str, float]]:
        res = self._call(col.query, query_embeddings=[np.asarray(q, np.float32).tolist()], n_results=max(1, n), where=where,
                        include=["distances"])
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


def query_vector(encoder: Encoder, query: SearchQuery, index: CatalogIndex | None = None) -> np.ndarray:
    text = (query.text or "").strip()
    visual = None
    if query.like_id:
        if index is None:
            raise AtelierError("'More like this' needs the catalog index.")
        visual = index.vectors([query.like_id])  # fetched by id: no copy of every vector needed
    elif query.image is not None:
        visual = encoder.encode_images([query.image])
    if visual is None and not text:
        raise EmptyQueryError("Type a description, upload an image or draw a sketch to search.")
    if visual is None:
        return encoder.encode_texts([text])[0]
    if not text:
        return l2_normalize(visual)[0]
    w = float(np.clip(query.image_weight, 0.0, 1.0))
    txt = encoder.encode_texts([text])
    return l2_normalize(w * visual + (1.0 - w) * txt)[0]


def _check_dim(index: CatalogIndex, encoder: Encoder) -> None:
    if index.is_lean():
        dim = index._collection_metadata().get("dim")
    else:
        snap = index.snapshot()
        dim = snap.embeddings.shape[1] if len(snap.ids) else None
    if dim is not None and int(dim) != encoder.info.dim:
        raise IndexUnavailableError(
            f"The index '{index.name}' was built with vectors of size {dim}, but the active "
            f"encoder makes {encoder.info.dim}. Re-run ingest with this encoder.")


def search_catalog(index: CatalogIndex, encoder: Encoder, query: SearchQuery,
                   sketch_index: CatalogIndex | None = None) -> SearchPage:
    t0 = time.perf_counter()
    if query.page < 0 or not 1 <= query.page_size <= 500:
        raise AtelierError("page must be >= 0 and page_size between 1 and 500.")
    index.refresh()
    _check_dim(index, encoder)
    if query.sketch is not None:
        if sketch_index is None:
            raise AtelierError("Sketch search needs the catalog's sketch index.")
        return _sketch_search(index, sketch_index, encoder, query, t0)
    q = query_vector(encoder, query, index)
    if query.bias is not None and query.bias_strength > 0:
        # Ranking by (1 - s) q + s b equals blending the two cosine scores item by item.
        s = float(np.clip(query.bias_strength, 0.0, 1.0))
        q = l2_normalize((1 - s) * q + s * np.asarray(query.bias, np.float32))
    excluded = set(query.exclude_ids) | ({query.like_id} if query.like_id else set())
    need = (query.page + 1) * query.page_size
    dense = index.dense_search(q, need, query.filters, excluded)
    hits = index.hits(dense.ranked[query.page * query.page_size : need])
    return SearchPage(hits, dense.total, query.page, query.page_size, dense.method,
                      (time.perf_counter() - t0) * 1000)


def _sketch_search(index: CatalogIndex, sketch_index: CatalogIndex, encoder: Encoder, query: SearchQuery,
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
        got = sketch_index._get(list(seen), ["embeddings"])
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
