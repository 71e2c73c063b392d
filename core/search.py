"""Queries (text / image / both / sketch / more-like-this, with filters) -> ranked catalog items.

Exact search over an in-memory snapshot whenever the candidate set is at most
`settings.exact_search_threshold` items (always exact recall, and fast at that size); Chroma's HNSW
index beyond that. Filtered HNSW loses recall, so filters are applied to the snapshot first.
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
from core.validate import check_query, price

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
                setattr(out, key, price(d.pop(key), key))
            else:
                d.pop(key, None)
        if "price" in d:  # "price=20-80"
            lo, _, hi = str(d.pop("price")).partition("-")
            out.price_min = price(lo, "price (low end)") if lo.strip() else None
            out.price_max = price(hi, "price (high end)") if hi.strip() else None
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
    method: str  # exact | hnsw
    elapsed_ms: float
    normalised_sketch: Image.Image | None = None  # what a sketch query was matched as

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class CatalogIndex:
    """One searchable collection; keeps its snapshot in step with the published index."""

    def __init__(self, store: IndexStore, name: str, exact_threshold: int = 50_000) -> None:
        self.store = store
        self.name = name
        self.exact_threshold = exact_threshold
        self._snap: Snapshot | None = None
        self._lock = threading.Lock()

    def snapshot(self) -> Snapshot:
        version = self.store.version(self.name)
        snap = self._snap
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            if self._snap is None or self._snap.version != version:
                loaded = self.store.load_snapshot(self.name)
                if loaded is None:
                    raise IndexUnavailableError(
                        f"The catalog index '{self.name}' has not been built yet. "
                        "Run `python -m core ingest PATH` (the app builds the sample catalog on first start).")
                self._snap = loaded
            return self._snap

    def item(self, item_id: str) -> SearchHit:
        snap = self.snapshot()
        if item_id not in snap.index_of:
            raise AtelierError(f"No item with id {item_id!r} in this catalog.")
        n = snap.index_of[item_id]
        return self._hit(snap, n, 1.0)

    def _hit(self, snap: Snapshot, n: int, score: float) -> SearchHit:
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

    def count(self) -> int:
        """Items in the published collection; asks Chroma rather than loading a snapshot just to count."""
        try:
            snap = self._snap
            if snap is not None and snap.version == self.store.version(self.name):
                return len(snap.ids)
            col = self.store.reader_collection(self.name)
            return 0 if col is None else int(col.count())
        except IndexUnavailableError:
            return 0


def query_vector(encoder: Encoder, query: SearchQuery, index: CatalogIndex | None = None) -> np.ndarray:
    text = (query.text or "").strip()
    visual = None
    if query.like_id:
        if index is None:
            raise AtelierError("'More like this' needs the catalog index.")
        snap = index.snapshot()
        if query.like_id not in snap.index_of:
            raise AtelierError(f"No item with id {query.like_id!r} in this catalog.")
        visual = snap.embeddings[snap.index_of[query.like_id]][None]
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


def search_catalog(index: CatalogIndex, encoder: Encoder, query: SearchQuery,
                   sketch_index: CatalogIndex | None = None) -> SearchPage:
    t0 = time.perf_counter()
    check_query(query)  # the one boundary for numbers: NaN and infinity never reach ranking
    snap = index.snapshot()
    if snap.embeddings.shape[1] != encoder.info.dim and len(snap.ids):
        raise IndexUnavailableError(
            f"The index '{index.name}' was built with vectors of size {snap.embeddings.shape[1]}, but the active "
            f"encoder makes {encoder.info.dim}. Re-run ingest with this encoder.")
    if query.sketch is not None:
        if sketch_index is None:
            raise AtelierError("Sketch search needs the catalog's sketch index.")
        return _sketch_search(index, sketch_index, encoder, query, snap, t0)
    q = query_vector(encoder, query, index)
    if query.bias is not None and query.bias_strength > 0:
        # Ranking by (1 - s) q + s b equals blending the two cosine scores item by item.
        s = float(np.clip(query.bias_strength, 0.0, 1.0))
        q = l2_normalize((1 - s) * q + s * np.asarray(query.bias, np.float32))
    mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
    excluded = set(query.exclude_ids) | ({query.like_id} if query.like_id else set())
    for item_id in excluded:
        if item_id in snap.index_of:
            mask[snap.index_of[item_id]] = False
    candidates = np.flatnonzero(mask)
    need = (query.page + 1) * query.page_size
    if len(candidates) <= index.exact_threshold:
        method = "exact"
        # Unfiltered: score the matrix in place (a fancy-indexed copy of 100k rows costs ~80 ms).
        scores = snap.embeddings @ q if len(candidates) == len(snap.ids) else snap.embeddings[candidates] @ q
        k = min(need, len(candidates))
        top = np.argpartition(-scores, k - 1)[:k] if 0 < k < len(candidates) else np.arange(len(candidates))
        top = top[np.argsort(-scores[top], kind="stable")]
        ranked = [(int(candidates[t]), float(scores[t])) for t in top]
    else:
        method = "hnsw"
        ranked = _hnsw(index, snap, q, need + len(excluded), query.filters, excluded)
    hits = [index._hit(snap, n, s) for n, s in ranked[query.page * query.page_size : need]]
    return SearchPage(hits, int(len(candidates)), query.page, query.page_size, method,
                      (time.perf_counter() - t0) * 1000)


def _hnsw(index: CatalogIndex, snap: Snapshot, q: np.ndarray, n: int, filters: Filters, excluded: set) -> list:
    col = index.store.reader_collection(index.name)
    if col is None:
        raise IndexUnavailableError(f"The index '{index.name}' disappeared; reload the page.")
    res = col.query(query_embeddings=[q.tolist()], n_results=max(1, n), where=filters.where(), include=["distances"])
    out = []
    for item_id, dist in zip(res["ids"][0], res["distances"][0]):
        if item_id in excluded or item_id not in snap.index_of:
            continue
        out.append((snap.index_of[item_id], 1.0 - float(dist)))
    return out


def _sketch_search(index: CatalogIndex, sketch_index: CatalogIndex, encoder: Encoder, query: SearchQuery,
                   snap: Snapshot, t0: float) -> SearchPage:
    """score = w * (a * outline-shape + (1 - a) * encoder(sketch)) + (1 - w) * encoder(text hint). Exact."""
    from core.sketch import normalise_sketch, shape_descriptor

    norm = normalise_sketch(query.sketch)
    sk = sketch_index.snapshot()
    rows = sketch_index.aligned_rows(snap, sk)
    mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
    mask &= rows >= 0
    cand = np.flatnonzero(mask)
    shape = sk.embeddings[rows[cand]] @ shape_descriptor(norm)
    enc_view = snap.embeddings[cand] @ encoder.encode_sketches([norm.image])[0]
    a = float(np.clip(query.shape_weight, 0.0, 1.0))
    scores = a * shape + (1 - a) * enc_view
    text = (query.text or "").strip()
    if text:
        w = float(np.clip(query.image_weight, 0.0, 1.0))
        scores = w * scores + (1 - w) * (snap.embeddings[cand] @ encoder.encode_texts([text])[0])
    order = np.argsort(-scores, kind="stable")[query.page * query.page_size : (query.page + 1) * query.page_size]
    hits = [index._hit(snap, int(cand[o]), float(scores[o])) for o in order]
    page = SearchPage(hits, int(len(cand)), query.page, query.page_size, "exact", (time.perf_counter() - t0) * 1000)
    page.normalised_sketch = norm.image
    return page
