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

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from core.encoders import Encoder, l2_normalize
from core.errors import AtelierError, EmptyQueryError, IndexUnavailableError
from core.lexical import LexicalIndex, query_terms
from core.store import IndexStore, Snapshot
from core.validate import check_query, price
from core.vocabulary import ParsedQuery, canonical_category, canonical_colour, canonical_pattern, parse_query

log = logging.getLogger(__name__)

FILTER_KEYS = ("category", "colour", "pattern")
RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009)
DENSE_POOL = 300  # dense ranks fused at least this deep (RRF at rank 300 adds < 1/360)
WHY_DEPTH = 50  # "close in meaning" / "looks alike": among the encoder's (or the photo's) 50 nearest
ATTRIBUTE_BOOST = 1.0  # a full match of the parsed attributes is worth as much as rank 1 of one list
# "More like this": the item's own kind first, then its colour and print (cosine bonuses), then the looks.
LIKE_SAME = {"category": 0.15, "colour": 0.05, "pattern": 0.05}


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
        self._derived_lock = threading.Lock()  # per-snapshot views: the lexical index, the image space

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

    def lexical(self, snap: Snapshot | None = None) -> LexicalIndex:
        """BM25 over the snapshot's items (built from its metadata), rebuilt in this process when it changes."""
        snap = snap or self.snapshot()
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

    def image_matrix(self, encoder: Encoder, snap: Snapshot | None = None,
                     outlines: "CatalogIndex | None" = None) -> np.ndarray:
        """The snapshot's rows in the image-to-image space: the encoder's image view, plus (when the encoder
        asks for it and the sketch index is given) each item's outline shape from that index."""
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


def _visual_query(index: CatalogIndex, encoder: Encoder, query: SearchQuery, snap: Snapshot,
                  outlines: CatalogIndex | None) -> np.ndarray | None:
    """The photo (or the "more like this" item) in the image-to-image space, or None for a text-only query."""
    if query.like_id:
        if query.like_id not in snap.index_of:
            raise AtelierError(f"No item with id {query.like_id!r} in this catalog.")
        return index.image_matrix(encoder, snap, outlines)[snap.index_of[query.like_id]]
    if query.image is None:
        return None
    q = l2_normalize(encoder.image_space(encoder.encode_images([query.image])))[0]
    if outlines is not None and encoder.outline_weight > 0:
        from core.sketch import SketchError, outline_of_product, shape_descriptor

        try:
            shape = l2_normalize(shape_descriptor(outline_of_product(query.image))[None])[0]
        except SketchError:  # no garment outline found: the image view alone, on the same scale
            shape = np.zeros(outlines.snapshot().embeddings.shape[1], np.float32)
        q = l2_normalize(np.concatenate([q, encoder.outline_weight * shape]))
    return q


def _canonical_isin(snap: Snapshot, column: str, wanted: list[str]) -> np.ndarray:
    """Rows whose `column`, read as the vocabulary's canonical word, is one of `wanted` (catalog labels vary)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    vocab, codes = snap.codes[column]
    hit = [code for value, code in vocab.items() if value and (value in wanted or canon(value) in wanted)]
    return np.isin(codes, np.array(hit, np.int32)) if hit else np.zeros(len(codes), bool)


def filter_values(snap: Snapshot, column: str, canonical: str) -> list[str]:
    """The catalog's own values of `column` that read as the vocabulary word `canonical` (a chip -> a filter)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    return sorted(v for v in snap.codes[column][0] if v and (v == canonical or canon(v) == canonical))


ATTRIBUTE_WEIGHTS = {"category": 3.0, "colour": 1.0, "pattern": 1.0}  # the garment counts most


def attribute_scores(snap: Snapshot, parsed: ParsedQuery) -> np.ndarray | None:
    """Per row, the weighted share of the query's parsed category/colour/pattern it matches (None: none parsed)."""
    acc, total = np.zeros(len(snap.ids), np.float32), 0.0
    for key, wanted in (("category", parsed.categories), ("colour", parsed.colours), ("pattern", parsed.patterns)):
        if wanted:
            total += ATTRIBUTE_WEIGHTS[key]
            acc += ATTRIBUTE_WEIGHTS[key] * _canonical_isin(snap, key, wanted)
    return acc / total if total else None


def _ranks(rows: np.ndarray, n: int) -> np.ndarray:
    """1-based rank of each row in `rows` (in order) as an n-vector; 0 where absent."""
    out = np.zeros(n, np.int64)
    out[rows] = np.arange(1, len(rows) + 1)
    return out


def _rrf(ranks: np.ndarray) -> np.ndarray:
    return np.where(ranks > 0, 1.0 / (RRF_K + np.maximum(ranks, 1)), 0.0)


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
    text = (query.text or "").strip()
    visual = _visual_query(index, encoder, query, snap, sketch_index)
    if visual is None and not text:
        raise EmptyQueryError("Type a description, upload an image or draw a sketch to search.")
    s = float(np.clip(query.bias_strength, 0.0, 1.0)) if query.bias is not None else 0.0
    bias = np.asarray(query.bias, np.float32) if s > 0 else None
    mask = query.filters.mask(snap) if query.filters.active() else np.ones(len(snap.ids), bool)
    excluded = set(query.exclude_ids) | ({query.like_id} if query.like_id else set())
    for item_id in excluded:
        if item_id in snap.index_of:
            mask[snap.index_of[item_id]] = False
    candidates = np.flatnonzero(mask)
    need = (query.page + 1) * query.page_size
    w_img = 1.0 if not text else (float(np.clip(query.image_weight, 0.0, 1.0)) if visual is not None else 0.0)
    if visual is not None and bias is not None:
        # Ranking by (1 - s) q + s b equals blending the two cosine scores item by item.
        b = encoder.image_space(bias[None])[0]
        visual = l2_normalize((1 - s) * visual + s * np.pad(b, (0, len(visual) - len(b))))
    if w_img >= 1.0:
        return _image_search(index, encoder, snap, visual, candidates, query, t0, sketch_index)

    q = encoder.encode_texts([text])[0]
    if bias is not None:
        q = l2_normalize((1 - s) * q + s * bias)
    n = len(snap.ids)
    dense_raw = np.full(n, -np.inf, np.float32)
    img_rank = None
    method = "exact"
    if len(candidates) <= index.exact_threshold or visual is not None:
        # Unfiltered: score the matrix in place (a fancy-indexed copy of 100k rows costs ~80 ms).
        sc = snap.embeddings @ q if len(candidates) == n else snap.embeddings[candidates] @ q
        dense_raw[candidates] = sc
        dense_rows = candidates[np.argsort(-sc, kind="stable")]
        if visual is not None:  # the photo's own ranking in the image-to-image space, fused below
            img = index.image_matrix(encoder, snap, sketch_index)
            isc = img @ visual if len(candidates) == n else img[candidates] @ visual
            img_rank = _ranks(candidates[np.argsort(-isc, kind="stable")], n)
            dense_raw[candidates] = (1 - w_img) * sc + w_img * isc
    else:
        method = "hnsw"
        ranked = _hnsw(index, snap, q, max(DENSE_POOL, 2 * need) + len(excluded), query.filters, excluded)
        dense_rows = np.array([r for r, _ in ranked], np.int64)
        dense_raw[dense_rows] = [sc for _, sc in ranked]
    dense_rank = _ranks(dense_rows, n)

    parsed = parse_query(text)
    terms = query_terms(text)
    w_lex = index.store.settings.lexical_weight if query.lexical_weight is None else query.lexical_weight
    w_lex = float(np.clip(w_lex, 0.0, 1.0))
    boost = ATTRIBUTE_BOOST if query.attribute_boost is None else max(0.0, float(query.attribute_boost))
    lex_rows, n_words = np.zeros(0, np.int64), 0
    if terms:
        # The best few hundred word matches are all RRF can tell apart; fetch them all only under filters.
        lexical = index.lexical(snap)
        depth = max(DENSE_POOL, 2 * need)
        lex_rows, _ = lexical.search(terms, limit=n if len(candidates) < n else depth)
        lex_rows = lex_rows[mask[lex_rows]]
        n_words = len(lex_rows) if len(candidates) < n or len(lex_rows) < depth else lexical.count(terms)
    attrs = attribute_scores(snap, parsed)
    fused = (1 - w_lex) * _rrf(dense_rank) + w_lex * _rrf(_ranks(lex_rows, n))
    # The best a result could score for what was typed: with no word matching, the closest in meaning is not 100%.
    best = (1 - w_lex) / (RRF_K + 1) + (w_lex / (RRF_K + 1) if terms else 0.0)
    if attrs is not None:
        fused += boost * attrs / (RRF_K + 1)
        best += boost / (RRF_K + 1)
    if img_rank is not None:  # text and photo: the text's fused ranking and the photo's, weighed
        fused = (1 - w_img) * fused + w_img * (1 + boost) * _rrf(img_rank)
        best = (1 - w_img) * best + w_img * (1 + boost) / (RRF_K + 1)
    if method == "exact":
        pool = candidates
    else:  # HNSW's dense pool, every word match and the strongest attribute matches
        extra = np.zeros(0, np.int64)
        if attrs is not None:
            a = np.where(mask, attrs, 0)
            k = min(len(a) - 1, max(DENSE_POOL, 2 * need))
            extra = np.argpartition(-a, k)[:k] if 0 < k < len(a) else np.flatnonzero(a > 0)
            extra = extra[a[extra] > 0]
        pool = np.unique(np.concatenate([dense_rows, lex_rows, extra]))
    order = pool[np.lexsort((-dense_raw[pool], -fused[pool]))]
    page_rows = order[query.page * query.page_size : need]
    why = _why_text(index, snap, page_rows, terms, parsed, dense_rank, img_rank)
    hits = []
    for r in page_rows:
        hit = index._hit(snap, int(r), float(fused[r]))
        hit.relevance = float(fused[r] / best) if best > 0 else None
        hit.why = why[int(r)]
        hits.append(hit)
    return SearchPage(hits, int(len(candidates)), query.page, query.page_size, method,
                      (time.perf_counter() - t0) * 1000, matched=int(n_words),
                      matched_all=int(((attrs >= 1.0) & mask).sum()) if attrs is not None else None,
                      parsed=parsed, space="text" if visual is None else "text+image")


def _why_text(index: CatalogIndex, snap: Snapshot, rows: np.ndarray, terms: list[str], parsed: ParsedQuery,
              dense_rank: np.ndarray, img_rank: np.ndarray | None) -> dict[int, list[str]]:
    """Why each row was found: the query words its text holds, the parsed attributes it has, closeness."""
    words = index.lexical(snap).matched_terms([int(r) for r in rows], terms) if terms else {}
    out: dict[int, list[str]] = {}
    for r in rows:
        r = int(r)
        reasons = []
        if words.get(r):
            reasons.append("words: " + ", ".join(words[r]))
        meta = snap.metadatas[r]
        has = [str(meta.get(k)) for k, wanted, canon in (
            ("category", parsed.categories, canonical_category), ("colour", parsed.colours, canonical_colour),
            ("pattern", parsed.patterns, canonical_pattern)) if wanted and canon(str(meta.get(k) or "")) in wanted]
        if has:
            reasons.append("is " + " · ".join(has))
        if 0 < dense_rank[r] <= WHY_DEPTH:
            reasons.append("close in meaning")
        if img_rank is not None and 0 < img_rank[r] <= WHY_DEPTH:
            reasons.append("looks alike")
        out[r] = reasons
    return out


def _image_search(index: CatalogIndex, encoder: Encoder, snap: Snapshot, visual: np.ndarray,
                  candidates: np.ndarray, query: SearchQuery, t0: float,
                  outlines: CatalogIndex | None) -> SearchPage:
    """Photo / "more like this": exact cosine in the encoder's image-to-image space."""
    img = index.image_matrix(encoder, snap, outlines)
    scores = img @ visual if len(candidates) == len(snap.ids) else img[candidates] @ visual
    shared: dict[str, np.ndarray] = {}
    if query.like_id:
        src = snap.index_of[query.like_id]
        for key, bonus in LIKE_SAME.items():
            codes = snap.codes[key][1]
            if snap.columns[key][src]:  # an empty label matches nothing
                shared[key] = codes[candidates] == codes[src]
                scores = scores + bonus * shared[key]
    top_bonus = 1 + sum(LIKE_SAME[k] for k in shared)
    need = (query.page + 1) * query.page_size
    k = min(need, len(candidates))
    top = np.argpartition(-scores, k - 1)[:k] if 0 < k < len(candidates) else np.arange(len(candidates))
    top = top[np.argsort(-scores[top], kind="stable")][query.page * query.page_size:]
    hits = []
    for t in top:
        hit = index._hit(snap, int(candidates[t]), float(scores[t]))
        hit.relevance = float(np.clip(scores[t] / top_bonus, 0.0, 1.0))
        same = [str(hit.metadata.get(k)) for k in ("category", "colour", "pattern") if k in shared and shared[k][t]]
        hit.why = (["shares " + " · ".join(same)] if same else []) + ["looks alike"]
        hits.append(hit)
    return SearchPage(hits, int(len(candidates)), query.page, query.page_size, "exact",
                      (time.perf_counter() - t0) * 1000, space="image")


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
