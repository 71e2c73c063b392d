"""Queries (text / image / both / sketch / more-like-this, with filters) -> ranked catalog items.

Exact search over an in-memory snapshot whenever the candidate set is at most
`settings.exact_search_threshold` items (always exact recall, and fast at that size); Chroma's HNSW
index beyond that. Filtered HNSW loses recall, so filters are applied to the snapshot first.

A text query is hybrid: the encoder's dense ranking and a BM25 ranking of the items' own words
(`core.lexical`) are fused by weighted reciprocal rank fusion, which needs only ranks, so it works the
same whether the dense ranking came from the exact snapshot or from HNSW. Fashion terms parsed from the
query (`core.vocabulary.parse_query`) add a soft boost, never a filter. Photo queries and "More like
this" rank in the encoder's image-to-image space (`Encoder.image_space`).
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from core.allocator import release_freed_memory
from core.attributes import tag_weight, trusted
from core.encoders import Encoder, l2_normalize
from core.errors import AtelierError, EmptyQueryError, IndexUnavailableError
from core.lexical import CATALOG_FILE_FORMAT, LexicalIndex, build_catalog_file, query_terms, read_catalog_file
from core.store import IndexStore, Snapshot, fetch_rows
from core.validate import check_query, price
from core.vocabulary import (ParsedQuery, canonical_category, canonical_colour, canonical_pattern, category_weights,
                             parse_query)

log = logging.getLogger(__name__)

FILTER_KEYS = ("category", "colour", "pattern")
RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009)
DENSE_POOL = 300  # dense ranks fused at least this deep (RRF at rank 300 adds < 1/360)
FILTERED_DENSE_POOL = 100  # the same above the threshold under a filter (see bench/bench_scale.py)
WHY_DEPTH = 50  # "close in meaning" / "looks alike": among the encoder's (or the photo's) 50 nearest
ATTRIBUTE_BOOST = 1.0  # a full match of the parsed attributes is worth as much as rank 1 of one list
# "More like this": the item's own kind first, then its colour and print (cosine bonuses), then the looks.
LIKE_SAME = {"category": 0.15, "colour": 0.05, "pattern": 0.05}
SAME_PICTURE = 0.995  # image-to-image cosine of the same picture (re-encoded, resized): always ranked first


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

    @classmethod
    def price_range(cls, selected: tuple[float, float] | None, available: list[float] | np.ndarray) -> tuple:
        """(price_min, price_max) from a slider over the catalog's known prices: an end left at the
        catalog's own bound is no bound (so items without a price are not dropped by an untouched slider)."""
        known = [float(p) for p in available if p is not None and float(p) >= 0]
        if not selected or not known:
            return None, None
        lo, hi = sorted(float(v) for v in selected)
        return (lo if lo > min(known) else None), (hi if hi < max(known) else None)

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
    lexical_weight: float | None = None  # text queries: 0 = dense only, 1 = words only; None = the setting
    attribute_boost: float | None = None  # soft boost for parsed category/colour/pattern; None = ATTRIBUTE_BOOST


@dataclass
class SearchHit:
    id: str
    score: float
    path: str
    metadata: dict
    relevance: float | None = None  # 0..1 against the best a result could score for this query
    why: list[str] = field(default_factory=list)  # "words: floral, dress", "colour: red", "looks alike"

    @classmethod
    def of(cls, item_id: str, score: float, meta: dict, root: str) -> "SearchHit":
        """A hit whose image path is the item's relative path under the catalog root (when the index has one)."""
        rel = meta.get("path", "")
        return cls(item_id, float(score), str(Path(root) / rel) if root else rel, meta)

    def to_json(self) -> dict:
        out = {"id": self.id, "score": round(float(self.score), 6), "path": self.path, "metadata": self.metadata}
        if self.relevance is not None:
            out["relevance"] = round(float(self.relevance), 4)
        if self.why:
            out["why"] = self.why
        return out


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int  # items ranked: those that pass the filters
    page: int
    page_size: int
    method: str  # exact | hnsw
    elapsed_ms: float
    normalised_sketch: Image.Image | None = None  # what a sketch query was matched as
    matched: int | None = None  # text queries: items whose words match (the parsed attributes are words too)
    matched_all: int | None = None  # ... and items matching every parsed attribute (category, colour, pattern)
    parsed: ParsedQuery | None = None  # fashion terms read from the text (the page's chips)
    space: str = "text"  # text | image (image-to-image) | sketch
    note: str | None = None  # a limit of this answer the page should say (e.g. a large catalog still loading)
    price: tuple[float | None, float | None] | None = None  # the price filter read from the words (min, max)

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
# neighbours without a `where`, keep those that pass the in-memory filter columns. Beyond MAX_OVERFETCH
# neighbours Chroma's own filtered search. bench/bench_scale.py at 1M items: HNSW costs about 9 us per
# neighbour asked for (x2 of a 0.47% filter, 4,248: p95 47 ms, recall 1.000; x4, 8,485: p95 82 ms), while a
# `where` costs 375-400 ms at any ef for a 0.47% filter and 4.4-4.6 s for a 9.3% one (100k: 221-274 ms).
OVERFETCH = 2.0
MAX_OVERFETCH = 12_000


class CatalogIndex:
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
                from core.store import server_error

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

    def cache_file(self, version: str | None) -> Path:
        where = self.store.settings.chroma_host or self.store.root
        digest = hashlib.sha1(f"{where}|{version}|{CATALOG_FILE_FORMAT}".encode()).hexdigest()
        return self.store.root / "cache" / f"{self.name}-{digest[:16]}.sqlite"

    def _load_lean(self, version: str | None) -> tuple[Snapshot, LexicalIndex]:
        """Ids + filter columns and the word index, from this host's catalog file for `version`: built
        once (under a file lock, so two app processes do not both build it) from the collection's
        metadata fetched by ids, then read by every process on the host."""
        path = self.cache_file(version)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not path.is_file():
                    t0 = time.perf_counter()
                    tmp = path.with_suffix(f".{os.getpid()}.tmp")
                    try:
                        n = self._build_catalog_file(tmp)
                        os.replace(tmp, path)
                    finally:
                        tmp.unlink(missing_ok=True)
                    log.info("catalog file of %s: %d items in %.1f s", self.name, n, time.perf_counter() - t0)
                    for old in path.parent.glob(f"{self.name}-*.sqlite"):  # earlier versions' files
                        if old != path:
                            old.unlink(missing_ok=True)
        snap = Snapshot.build_lean(version or "0", read_catalog_file(path), self._collection_metadata())
        release_freed_memory()  # the batches' dicts and strings are gone: give their pages back to the system
        return snap, LexicalIndex.open(path, version or "0")

    def _build_catalog_file(self, out: Path) -> int:
        """Writes the catalog file. With a Chroma server the build runs in a child process: fetching a million
        items' metadata leaves ~350 MiB of fragmented heap behind that a replica would otherwise carry for its
        whole life (bench_scale at 1M: 987 MiB resident after an in-process build, 645 MiB reading the file).
        The local persistent client is not process-safe, so a local index builds here."""
        settings = self.store.settings
        if not settings.chroma_host:
            col = self._collection()
            batches = ((got["ids"], got["metadatas"]) for got in fetch_rows(col, ["metadatas"]))
            return self._call(build_catalog_file, out, batches)
        import subprocess
        import sys

        cmd = [sys.executable, "-m", "core.lexical", "build-from-server", str(settings.chroma_host),
               str(settings.chroma_port), self.name, str(out)]
        root = Path(__file__).resolve().parent.parent
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
        if settings.chroma_token:  # the server's credential: in the environment, never on the command line
            env["CHROMA_TOKEN"] = settings.chroma_token
        done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise IndexUnavailableError(f"Building the local catalog file of '{self.name}' failed: {tail[0]}")
        return int(done.stdout.strip().splitlines()[-1])

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

    # ---- the front door for callers that need samples or vectors (no caller asks how items are stored) ----
    @property
    def catalog_root(self) -> str:
        """The folder the items' image paths are relative to ("" when the paths are absolute)."""
        return self._collection_metadata().get("catalog_root", "")

    def sample_ids(self, limit: int, spread: bool = False) -> list[str]:
        """Up to `limit` item ids in stored order. In memory (up to the threshold): the first `limit`, or with
        spread=True `limit` evenly spaced over the whole catalog; above it the first `limit` Chroma returns
        (one call, no offset, so the cost does not grow with the catalog)."""
        if self.is_lean():
            return list(self._call(self._collection().get, limit=max(1, int(limit)), include=[])["ids"])
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


def _visual_query(index: CatalogIndex, encoder: Encoder, query: SearchQuery, snap: Snapshot | None,
                  outlines: CatalogIndex | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The photo (or the "more like this" item) in the image-to-image space, and as stored in the index
    (what HNSW is asked with above the threshold); (None, None) for a text-only query."""
    if query.like_id:
        if snap is not None and not snap.lean:
            if query.like_id not in snap.index_of:
                raise AtelierError(f"No item with id {query.like_id!r} in this catalog.")
            row = snap.index_of[query.like_id]
            return index.image_matrix(encoder, snap, outlines)[row], snap.embeddings[row]
        stored = index.vectors([query.like_id])  # fetched by id: no copy of every vector needed
        return index.image_rows(encoder, [query.like_id], outlines)[0], stored[0]
    if query.image is None:
        return None, None
    from core.photo_query import prepare_query_photo

    image = prepare_query_photo(query.image).image  # a phone photo made to look like a catalog shot
    stored = encoder.encode_images([image])
    q = l2_normalize(encoder.image_space(stored))[0]
    if outlines is not None and encoder.outline_weight > 0:
        from core.sketch import SHAPE_DIM, SketchError, outline_of_product, shape_descriptor

        try:
            shape = l2_normalize(shape_descriptor(outline_of_product(image))[None])[0]
        except SketchError:  # no garment outline found: the image view alone, on the same scale
            shape = np.zeros(SHAPE_DIM, np.float32)
        q = l2_normalize(np.concatenate([q, encoder.outline_weight * shape]))
    return q, stored[0]


def _canonical_isin(snap: Snapshot, column: str, wanted: list[str]) -> np.ndarray:
    """Rows whose `column`, read as the vocabulary's canonical word, is one of `wanted` (catalog labels vary)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    vocab, _ = snap.codes[column]
    return snap.isin(column, [value for value in vocab if value and (value in wanted or canon(value) in wanted)])


def filter_values(facets: dict, column: str, canonical: str) -> list[str]:
    """The catalog's own values of `column` (from `CatalogIndex.facets()`) that read as the vocabulary word
    `canonical` (a chip -> a filter)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    return sorted(v for v in facets.get(column, []) if v and (v == canonical or canon(v) == canonical))


def chip_filter_values(facets: dict, key: str, value: str) -> list[str]:
    """The catalog's values a chip filters on: a group chip ("tops") is every category of the group."""
    if key == "group":
        from core.vocabulary import categories_of_group

        return sorted({v for cat in categories_of_group(value) for v in filter_values(facets, "category", cat)})
    return filter_values(facets, key, value)


def reading_notes(parsed: ParsedQuery) -> list[str]:
    """How the words were read, for the page: "'flroal' as floral", "'robe' as dress"."""
    return [f"“{typed}” as {read}" for typed, read in parsed.corrections + parsed.translations]


def active_filters(filters: Filters) -> list[str]:
    """The filters in force, in words: "category: dress, skirt", "price: up to $80"."""
    out = [f"{k}: {', '.join(getattr(filters, k))}" for k in FILTER_KEYS if getattr(filters, k)]
    lo, hi = filters.price_min, filters.price_max
    if lo is not None or hi is not None:
        out.append("price: " + (f"${lo:g}-${hi:g}" if lo is not None and hi is not None else
                                f"up to ${hi:g}" if hi is not None else f"from ${lo:g}"))
    return out


ATTRIBUTE_WEIGHTS = {"category": 3.0, "colour": 1.0, "pattern": 1.0}  # the garment counts most


def _canonical_weight(snap: Snapshot, column: str, weights: dict[str, float]) -> np.ndarray:
    """Per row, the weight of its `column` read as the vocabulary's canonical word (0 when not wanted)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    vocab, codes = snap.codes[column]
    table = np.zeros(len(vocab), np.float32)
    for value, code in vocab.items():
        if value:
            table[code] = weights.get(value, weights.get(canon(value) or "", 0.0))
    return table[codes]


def _wanted(parsed: ParsedQuery):
    for key, wanted in (("category", parsed.categories), ("colour", parsed.colours), ("pattern", parsed.patterns)):
        if not wanted:
            continue
        if key == "category":
            weights = category_weights(wanted)
        else:
            weights = {w: 1.0 for w in wanted}
        yield key, wanted, weights


def attribute_scores(snap: Snapshot, parsed: ParsedQuery) -> np.ndarray | None:
    """Per row, the weighted share of the query's parsed category/colour/pattern it matches (None: none parsed).

    A related category counts in part (jeans for "trousers", a generic top for "blouse"); a tag read from
    pixels counts by its confidence, and not at all below `core.attributes.TRUST`, so a wrong guess cannot lift
    an item above what its picture shows."""
    acc, total = np.zeros(len(snap.ids), np.float32), 0.0
    for key, _, weights in _wanted(parsed):
        total += ATTRIBUTE_WEIGHTS[key]
        match = _canonical_weight(snap, key, weights)
        conf = snap.columns.get(f"{key}_weight")
        if conf is not None:
            match = match * conf.astype(np.float32)
        acc += np.float32(ATTRIBUTE_WEIGHTS[key]) * match
    return acc / total if total else None


def attribute_match_all(snap: Snapshot, parsed: ParsedQuery) -> np.ndarray | None:
    """Rows that are everything the query asked for: each parsed attribute exactly, by a label or a trusted tag."""
    out = None
    for key, wanted, _ in _wanted(parsed):
        ok = _canonical_isin(snap, key, wanted)
        conf = snap.columns.get(f"{key}_weight")
        if conf is not None:
            ok &= conf > 0
        out = ok if out is None else out & ok
    return out


def _strongest(a: np.ndarray, k: int) -> np.ndarray:
    """Up to k rows with the highest positive values of `a`, level by level (an attribute score takes a few
    distinct values; ties in row order): a pass or two over the rows instead of a partition of all of them."""
    out, got = [], 0
    level = float(a.max()) if len(a) else 0.0
    while level > 0 and got < k:
        rows = np.flatnonzero(a == level)[: k - got]
        out.append(rows)
        got += len(rows)
        level = float(np.max(a, where=a < level, initial=0.0))
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def _pool_ranks(pool: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """1-based rank of each row of the (sorted) `pool` in the list `rows` (best first); 0 where absent."""
    out = np.zeros(len(pool), np.int64)
    if len(rows):
        out[np.searchsorted(pool, rows)] = np.arange(1, len(rows) + 1)
    return out


def _rrf(ranks: np.ndarray) -> np.ndarray:
    return np.where(ranks > 0, 1.0 / (RRF_K + np.maximum(ranks, 1)), 0.0)


def _rows_of(snap: Snapshot, ranked: list[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Snapshot rows and scores of (id, score) pairs; ids the snapshot does not hold (published since) dropped."""
    rows = snap.rows_of([i for i, _ in ranked])
    scores = np.fromiter((s for _, s in ranked), np.float32, len(ranked))
    held = rows >= 0
    return rows[held], scores[held]


def search_catalog(index: CatalogIndex, encoder: Encoder, query: SearchQuery,
                   sketch_index: CatalogIndex | None = None) -> SearchPage:
    t0 = time.perf_counter()
    check_query(query)  # the one boundary for numbers: NaN and infinity never reach ranking
    index.refresh()
    dim = index.dim()
    if dim is not None and dim != encoder.info.dim:
        raise IndexUnavailableError(
            f"The index '{index.name}' was built with vectors of size {dim}, but the active "
            f"encoder makes {encoder.info.dim}. Re-run ingest with this encoder.")
    if query.sketch is not None:
        if sketch_index is None:
            raise AtelierError("Sketch search needs the catalog's sketch index.")
        return _sketch_search(index, sketch_index, encoder, query, t0)
    lean = index.is_lean()
    snap = index.columns_if_ready() if lean else index.snapshot()
    text = (query.text or "").strip()
    visual, visual_stored = _visual_query(index, encoder, query, snap, sketch_index)
    if visual is None and not text:
        raise EmptyQueryError("Type a description, upload an image or draw a sketch to search.")
    s = float(np.clip(query.bias_strength, 0.0, 1.0)) if query.bias is not None else 0.0
    bias = np.asarray(query.bias, np.float32) if s > 0 else None
    excluded = set(query.exclude_ids) | ({query.like_id} if query.like_id else set())
    need = (query.page + 1) * query.page_size
    w_img = 1.0 if not text else (float(np.clip(query.image_weight, 0.0, 1.0)) if visual is not None else 0.0)
    if visual is not None and bias is not None:
        # Ranking by (1 - s) q + s b equals blending the two cosine scores item by item.
        b = encoder.image_space(bias[None])[0]
        visual = l2_normalize((1 - s) * visual + s * np.pad(b, (0, len(visual) - len(b))))
        visual_stored = l2_normalize((1 - s) * visual_stored + s * bias)
    if w_img >= 1.0:
        return _image_search(index, encoder, snap, visual, visual_stored, query, excluded, t0, sketch_index)
    if snap is None:  # a large catalog whose columns and word index are still loading in the background
        return _dense_only(index, encoder, query, text, visual_stored, w_img, bias, s, excluded, t0)
    # What the words say: typos against the catalog's own words, other languages, a price phrase.
    parsed = parse_query(text, index.known_words(snap))
    filters, price_note = price_filters(query.filters, parsed, snap)
    query = _with_filters(query, filters)
    text = parsed.text or text
    mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
    for item_id in excluded:
        if item_id in snap.index_of:
            mask[snap.index_of[item_id]] = False
    candidates = np.flatnonzero(mask)

    q = encoder.encode_texts([text])[0]
    if bias is not None:
        q = l2_normalize((1 - s) * q + s * bias)
    n = len(snap.ids)
    dense_raw = np.full(n, -np.inf, np.float32)
    img_order = None  # the photo's ranking (rows, best first) when the query has one
    method = "exact"
    depth = max(DENSE_POOL, 2 * need)
    terms = query_terms(text)
    w_lex = index.store.settings.lexical_weight if query.lexical_weight is None else query.lexical_weight
    w_lex = float(np.clip(w_lex, 0.0, 1.0))
    boost = ATTRIBUTE_BOOST if query.attribute_boost is None else max(0.0, float(query.attribute_boost))
    lex_rows, n_words = np.zeros(0, np.int64), 0
    if terms:
        # The best few hundred word matches are all RRF can tell apart; fetch them all only under filters
        # (up to the threshold; a large catalog's filtered word matches come from a deeper list).
        lexical = index.lexical(snap)
        filtered = len(candidates) < n
        limit = (n if not lean else max(20 * depth, depth * n // max(1, len(candidates)))) if filtered else depth
        lex_rows, _ = lexical.search(terms, limit=limit)
        lex_rows = lex_rows[lex_rows < n]
        lex_rows = lex_rows[mask[lex_rows]]
        n_words = len(lex_rows) if (filtered and not lean) or len(lex_rows) < depth else lexical.count(terms)
    attrs = attribute_scores(snap, parsed)
    if not lean and (len(candidates) <= index.exact_threshold or visual is not None):
        # Unfiltered: score the matrix in place (a fancy-indexed copy of 100k rows costs ~80 ms).
        sc = snap.embeddings @ q if len(candidates) == n else snap.embeddings[candidates] @ q
        dense_raw[candidates] = sc
        dense_rows = candidates[np.argsort(-sc, kind="stable")]
        if visual is not None:  # the photo's own ranking in the image-to-image space, fused below
            img = index.image_matrix(encoder, snap, sketch_index)
            isc = img @ visual if len(candidates) == n else img[candidates] @ visual
            img_order = candidates[np.argsort(-isc, kind="stable")]
            dense_raw[candidates] = (1 - w_img) * sc + w_img * isc
    else:
        # Under a filter HNSW must over-fetch by 1 / share, so a large catalog fuses a shallower dense list there
        # (word matches and attribute matches still join the pool whatever their dense rank).
        # A rare filter fuses a shallower list still, so that HNSW's over-fetch stays within MAX_OVERFETCH.
        share = len(candidates) / max(1, n)
        dense_depth = (max(2 * need, min(FILTERED_DENSE_POOL, int(MAX_OVERFETCH * share / OVERFETCH) - 10))
                       if lean and query.filters.active() else depth)
        if not len(lex_rows) and attrs is None and visual is None:
            # No word matched and nothing was parsed: the fused order is the dense order, so the page is all
            # HNSW needs to return (100k, a query vector alone: p50 4.4 -> 1.7 ms). Under a filter, twice the
            # page: the over-fetch then keeps a rare filter's recall (0.47%: 0.98 with the page alone, 1.0).
            dense_depth = 2 * need if query.filters.active() else need
        dense = index.dense_search(q, dense_depth + len(excluded), query.filters, excluded)
        method = dense.method
        dense_rows, dense_sc = _rows_of(snap, dense.ranked)
        dense_raw[dense_rows] = dense_sc
        if visual is not None:  # lean: text and photo scored exactly on the union of both neighbourhoods
            near = index.dense_search(visual_stored, depth + len(excluded), query.filters, excluded)
            img_rows, _ = _rows_of(snap, near.ranked)
            pool = np.unique(np.concatenate([dense_rows, img_rows]))
            ids = [snap.ids[int(r)] for r in pool]
            sc = index.vectors(ids, missing_ok=True) @ q
            isc = index.image_rows(encoder, ids, sketch_index) @ visual
            dense_rows = pool[np.argsort(-sc, kind="stable")]
            img_order = pool[np.argsort(-isc, kind="stable")]
            dense_raw[pool] = (1 - w_img) * sc + w_img * isc
            method += "+image"
    if method == "exact":
        pool = candidates
    else:  # HNSW's dense pool, every word match and the strongest attribute matches
        extra = np.zeros(0, np.int64)
        if attrs is not None:
            extra = _strongest(np.where(mask, attrs, 0), depth)
        pool = np.unique(np.concatenate([dense_rows, lex_rows, extra]))
    # Fused over the pool only (a large catalog's pool is a few hundred rows, not every item).
    dense_rank, lex_rank = _pool_ranks(pool, dense_rows), _pool_ranks(pool, lex_rows)
    img_rank = _pool_ranks(pool, img_order) if img_order is not None else None
    fused = (1 - w_lex) * _rrf(dense_rank) + w_lex * _rrf(lex_rank)
    # The best a result could score for what was typed: with no word matching, the closest in meaning is not 100%.
    best = (1 - w_lex) / (RRF_K + 1) + (w_lex / (RRF_K + 1) if terms else 0.0)
    if attrs is not None:
        fused += boost * attrs[pool] / (RRF_K + 1)
        best += boost / (RRF_K + 1)
    if img_rank is not None:  # text and photo: the text's fused ranking and the photo's, weighed
        fused = (1 - w_img) * fused + w_img * (1 + boost) * _rrf(img_rank)
        best = (1 - w_img) * best + w_img * (1 + boost) / (RRF_K + 1)
    order = np.lexsort((-dense_raw[pool], -fused))[query.page * query.page_size : need]
    page_rows = pool[order]
    hits = index.rows_hits(snap, [int(r) for r in page_rows], [float(fused[o]) for o in order])
    # No word matched any item under the filters: no row can hold one (and the FTS lookup is skipped).
    why = _why_text(index, snap, page_rows, [h.metadata for h in hits], terms if len(lex_rows) else [], parsed,
                    dense_rank[order], img_rank[order] if img_rank is not None else None)
    for o, hit, reasons in zip(order, hits, why):
        hit.relevance = float(fused[o] / best) if best > 0 else None
        hit.why = reasons
    return SearchPage(hits, int(len(candidates)), query.page, query.page_size, method,
                      (time.perf_counter() - t0) * 1000, matched=int(n_words),
                      matched_all=int((attribute_match_all(snap, parsed) & mask).sum()) if attrs is not None else None,
                      parsed=parsed, space="text" if visual is None else "text+image", note=price_note,
                      price=(query.filters.price_min, query.filters.price_max) if parsed.price_chip() else None)


CHEAP_QUANTILE = 0.25  # "cheap": the catalog's cheapest quarter; "expensive": its dearest quarter


def price_filters(given: Filters, parsed: ParsedQuery, snap: Snapshot) -> tuple[Filters, str | None]:
    """The filters with the price the words asked for ("under $40", "cheap") added (narrowing a price already
    set, never widening it), and a note when the catalog has no prices to filter on."""
    lo, hi = parsed.price_min, parsed.price_max
    prices = snap.columns["price"]
    known = prices[prices >= 0]
    if parsed.price_level and len(known):
        if parsed.price_level == "cheap":
            hi = float(np.quantile(known, CHEAP_QUANTILE))
        else:
            lo = float(np.quantile(known, 1 - CHEAP_QUANTILE))
        parsed.price_min, parsed.price_max = lo, hi
    if lo is None and hi is None:
        if parsed.price_level and not len(known):
            return given, f"This catalog has no prices, so '{parsed.price_level}' was not applied."
        return given, None
    if not len(known):
        return given, f"This catalog has no prices, so '{parsed.price_chip()}' was not applied."
    out = Filters(list(given.category), list(given.colour), list(given.pattern), given.price_min, given.price_max)
    if lo is not None:
        out.price_min = lo if out.price_min is None else max(out.price_min, lo)
    if hi is not None:
        out.price_max = hi if out.price_max is None else min(out.price_max, hi)
    return out, None


def _with_filters(query: SearchQuery, filters: Filters) -> SearchQuery:
    if filters is query.filters:
        return query
    from dataclasses import replace

    return replace(query, filters=filters)


def _why_text(index: CatalogIndex, snap: Snapshot, rows: np.ndarray, metas: list[dict], terms: list[str],
              parsed: ParsedQuery, dense_rank: np.ndarray, img_rank: np.ndarray | None) -> list[list[str]]:
    """Why each row was found (ranks given per row): the query words its text holds, the parsed attributes
    it has, closeness."""
    words = index.lexical(snap).matched_terms([int(r) for r in rows], terms) if terms else {}
    out: list[list[str]] = []
    for n, (r, meta) in enumerate(zip(rows, metas)):
        r = int(r)
        reasons = []
        if words.get(r):
            reasons.append("words: " + ", ".join(words[r]))
        has = [str(meta.get(k)) for k, wanted, canon in (
            ("category", parsed.categories, canonical_category), ("colour", parsed.colours, canonical_colour),
            ("pattern", parsed.patterns, canonical_pattern))
               if wanted and canon(str(meta.get(k) or "")) in wanted and trusted(meta, k)]
        if has:
            reasons.append("is " + " · ".join(has))
        if 0 < dense_rank[n] <= WHY_DEPTH:
            reasons.append("close in meaning")
        if img_rank is not None and 0 < img_rank[n] <= WHY_DEPTH:
            reasons.append("looks alike")
        out.append(reasons)
    return out


def _dense_only(index: CatalogIndex, encoder: Encoder, query: SearchQuery, text: str, visual_stored: np.ndarray | None,
                w_img: float, bias: np.ndarray | None, s: float, excluded: set[str], t0: float) -> SearchPage:
    """A large catalog's first answers, before its columns and word index are loaded: Chroma's HNSW alone
    (filters applied by Chroma), said plainly on the page."""
    if text:
        q = encoder.encode_texts([text])[0]
        if bias is not None:
            q = l2_normalize((1 - s) * q + s * bias)
        if visual_stored is not None:
            q = l2_normalize((1 - w_img) * q + w_img * visual_stored)
    else:
        q = visual_stored
    need = (query.page + 1) * query.page_size
    parsed = parse_query(text)
    wanted = (("category", parsed.categories, canonical_category), ("colour", parsed.colours, canonical_colour),
              ("pattern", parsed.patterns, canonical_pattern))
    total_weight = sum(ATTRIBUTE_WEIGHTS[k] for k, w, _ in wanted if w)
    dense = index.dense_search(q, max(DENSE_POOL, 2 * need) if total_weight else need, query.filters, excluded)
    pool = index.hits(dense.ranked)  # the pool's metadata, fetched in one call
    boost = ATTRIBUTE_BOOST if query.attribute_boost is None else max(0.0, float(query.attribute_boost))
    fused = []
    for rank, hit in enumerate(pool, 1):  # the parsed attributes still boost, within HNSW's pool
        share = sum(ATTRIBUTE_WEIGHTS[k] for k, w, canon in wanted if w and canon(str(hit.metadata.get(k) or "")) in w)
        fused.append(1.0 / (RRF_K + rank) + (boost * share / total_weight / (RRF_K + 1) if total_weight else 0.0))
    best = (1.0 + (boost if total_weight else 0.0)) / (RRF_K + 1)
    order = sorted(range(len(pool)), key=lambda n: -fused[n])[query.page * query.page_size : need]
    hits = [pool[n] for n in order]
    for n, hit in zip(order, hits):
        hit.score = float(fused[n])
        hit.relevance = float(fused[n] / best)
        has = [str(hit.metadata.get(k)) for k, w, canon in wanted if w and canon(str(hit.metadata.get(k) or "")) in w]
        hit.why = (["is " + " · ".join(has)] if has else []) + ["close in meaning"]
    loading = (f"could not be loaded ({index.load_error})" if index.load_error
               else "still loading in the background")
    note = (f"This catalog's word index and filter columns are {loading}: for now these results rank by the "
            "encoder's meaning and the garment, colour and pattern read from your words"
            + (" (item counts under filters are estimates)." if dense.total_is_estimate else "."))
    return SearchPage(hits, int(dense.total), query.page, query.page_size, dense.method,
                      (time.perf_counter() - t0) * 1000, parsed=parsed,
                      space="text" if visual_stored is None else "text+image", note=note)


def _image_search(index: CatalogIndex, encoder: Encoder, snap: Snapshot | None, visual: np.ndarray,
                  visual_stored: np.ndarray, query: SearchQuery, excluded: set[str], t0: float,
                  outlines: CatalogIndex | None) -> SearchPage:
    """Photo / "more like this": exact cosine in the encoder's image-to-image space, over every candidate up
    to the threshold; above it, over HNSW's nearest few hundred, their vectors fetched by id (this needs no
    filter columns, so it answers the same while a large catalog's columns are loading)."""
    need = (query.page + 1) * query.page_size
    if snap is not None and not snap.lean:
        mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
        for item_id in excluded:
            if item_id in snap.index_of:
                mask[snap.index_of[item_id]] = False
        cand = np.flatnonzero(mask)
        img = index.image_matrix(encoder, snap, outlines)
        scores = img @ visual if len(cand) == len(snap.ids) else img[cand] @ visual
        ids = None
        labels = {k: snap.columns[k][cand] for k in LIKE_SAME}
        weights = {k: (snap.columns[f"{k}_weight"][cand].astype(np.float32) if f"{k}_weight" in snap.columns
                       else None) for k in LIKE_SAME}
        source = snap.metadatas[snap.index_of[query.like_id]] if query.like_id in snap.index_of else None
        total, method = len(cand), "exact"
    else:
        near = index.dense_search(visual_stored, max(DENSE_POOL, 4 * need) + len(excluded), query.filters, excluded)
        ids = [i for i, _ in near.ranked]
        metas = index.metadatas(ids)
        scores = index.image_rows(encoder, ids, outlines) @ visual if ids else np.zeros(0, np.float32)
        labels = {k: np.array([str(m.get(k, "") or "").lower() for m in metas], dtype=object) for k in LIKE_SAME}
        weights = {k: np.array([tag_weight(m, k) for m in metas], np.float32) for k in LIKE_SAME}
        source = index.metadatas([query.like_id])[0] if query.like_id else None
        total, method = near.total, near.method
    if source is None and query.image is not None:
        # An uploaded photo is read like a catalog photo (category, colour, pattern with their confidences), so
        # items of its kind come first: "a dress photo finds dresses" holds on photos-only catalogs too.
        from core.attributes import read_tags

        source = read_tags(query.image).metadata()
    shared: dict[str, np.ndarray] = {}
    top_bonus = 1.0
    # The very picture asked with (re-encoded: cosine ~1, and above every other item): no label's say outranks it.
    same_picture = (scores >= SAME_PICTURE) & (scores >= scores.max() - 1e-4) if len(scores) else scores > 1
    for key, bonus in LIKE_SAME.items():
        own = str((source or {}).get(key, "") or "").lower()
        w_src = tag_weight(source or {}, key)
        if own and w_src > 0:  # an empty label (or an untrusted tag) matches nothing
            if key == "category" and query.image is not None:  # a guess from the photo: its relatives count too
                near = category_weights([own])
                match = np.array([near.get(str(v), 0.0) for v in labels[key]], np.float32)
            else:
                match = (labels[key] == own).astype(np.float32)
            w = match * (weights[key] if weights[key] is not None else 1.0)
            shared[key] = w > 0
            scores = scores + bonus * w_src * w
            top_bonus += bonus * w_src
    if query.image is not None and same_picture.any():
        scores = np.where(same_picture, scores + top_bonus, scores)  # relevance clips at 1
    k = min(need, len(scores))
    top = np.argpartition(-scores, k - 1)[:k] if 0 < k < len(scores) else np.arange(len(scores))
    top = top[np.argsort(-scores[top], kind="stable")][query.page * query.page_size:]
    if ids is None:
        hits = index.rows_hits(snap, [int(cand[t]) for t in top], [float(scores[t]) for t in top])
    else:
        root = index.catalog_root
        hits = [SearchHit.of(ids[t], scores[t], metas[t], root) for t in top]
    for t, hit in zip(top, hits):
        hit.relevance = float(np.clip(scores[t] / top_bonus, 0.0, 1.0))
        same = [str(hit.metadata.get(k)) for k in ("category", "colour", "pattern") if k in shared and shared[k][t]]
        hit.why = (["shares " + " · ".join(same)] if same else []) + ["looks alike"]
    return SearchPage(hits, int(total), query.page, query.page_size, method,
                      (time.perf_counter() - t0) * 1000, space="image")


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
