"""What a search is asked and what it answers: the query, its filters, a hit and a page of hits, with their
validation and their JSON form (a `search --batch` line). Numbers are checked by `core.validate`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from core.errors import AtelierError
from core.validate import MAX_PAGE, MAX_PAGE_SIZE, MAX_TEXT, check_query, price, show, weight, whole
from core.vocabulary import ParsedQuery

if TYPE_CHECKING:
    from core.store import Snapshot

FILTER_KEYS = ("category", "colour", "pattern")
# The keys one search object (a `search --batch` line) may have.
QUERY_KEYS = ("text", "image", "sketch", "like", "k", "page_size", "page", "image_weight", "shape_weight",
              "lexical_weight", "filters")


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


def active_filters(filters: Filters) -> list[str]:
    """The filters in force, in words: "category: dress, skirt", "price: up to $80"."""
    out = [f"{k}: {', '.join(getattr(filters, k))}" for k in FILTER_KEYS if getattr(filters, k)]
    lo, hi = filters.price_min, filters.price_max
    if lo is not None or hi is not None:
        out.append("price: " + (f"${lo:g}-${hi:g}" if lo is not None and hi is not None else
                                f"up to ${hi:g}" if hi is not None else f"from ${lo:g}"))
    return out



@dataclass
class Asked:
    """A query read once (`core.search.prepare`): its words, the photo (or item) as vectors, the bias, the items
    it leaves out and how the photo weighs against the words; what every ranking starts from."""

    query: SearchQuery
    text: str
    snap: Snapshot | None  # what the index holds in memory to rank with (None: a large catalog still loading)
    visual: np.ndarray | None  # the photo (or the "more like this" item) in the image-to-image space
    visual_stored: np.ndarray | None  # ... as stored in the index (what HNSW is asked with above the threshold)
    bias: np.ndarray | None  # e.g. a client's taste direction, None when it does not count
    strength: float  # the bias's share, 0..1
    w_img: float  # the photo against the words: 0 = words only, 1 = photo only
    excluded: set[str]
    t0: float  # when the search started (perf_counter)
    photo_tags: dict | None = None  # an uploaded photo's tags (category, colour, pattern, confidences), read once

    @property
    def need(self) -> int:
        """Items ranked to fill the pages up to and including the one asked for."""
        return (self.query.page + 1) * self.query.page_size


def _text(obj: dict, key: str) -> str | None:
    val = obj.get(key)
    if val is None:
        return None
    if not isinstance(val, str):
        raise AtelierError(f"{key} must be text, not {show(val)}.")
    if len(val) > MAX_TEXT:
        raise AtelierError(f"{key} is {len(val)} characters long; the limit is {MAX_TEXT}.")
    if any("\ud800" <= ch <= "\udfff" for ch in val):  # JSON's "\ud800" escapes: not text a tokenizer can take
        raise AtelierError(f"{key} holds a lone surrogate (half of an emoji or other character, such as \\ud83d); "
                           "send whole characters.")
    return val


def query_from_json(obj: Any, base: Path | None = None, default_k: int = 10, max_pixels: int | None = None):
    """A SearchQuery from one JSON object (a batch line or the CLI's flags), every field type- and range-checked."""
    from core.images import DEFAULT_MAX_PIXELS, load_image

    if not isinstance(obj, dict):
        raise AtelierError(f"each line must be a JSON object such as {{\"text\": \"red dress\"}}, not {show(obj)}.")
    unknown = [k for k in obj if k not in QUERY_KEYS]
    if unknown:
        raise AtelierError(f"unknown key(s) {', '.join(map(repr, unknown))}; use {', '.join(QUERY_KEYS)}.")

    def image(key):
        val = _text(obj, key)
        if not val:
            return None
        p = Path(val)
        if base is not None and not p.is_absolute():
            p = base / p
        return load_image(p, max_pixels or DEFAULT_MAX_PIXELS)

    text = _text(obj, "text") or ""
    like = _text(obj, "like")
    filters = obj.get("filters")
    if filters is not None and not isinstance(filters, dict):
        raise AtelierError(f"filters must be an object such as {{\"category\": \"dress\"}}, not {show(filters)}.")
    k = obj.get("k", obj.get("page_size", default_k))
    query = SearchQuery(
        text=text, image=image("image"), sketch=image("sketch"),
        image_weight=weight(obj.get("image_weight", 0.5 if text else 1.0), "image_weight"),
        shape_weight=weight(obj.get("shape_weight", 0.7), "shape_weight"),
        filters=Filters.from_dict(filters), like_id=like or None,
        page=whole(obj.get("page", 0), "page", 0, MAX_PAGE), page_size=whole(k, "k", 1, MAX_PAGE_SIZE),
        lexical_weight=None if obj.get("lexical_weight") is None else weight(obj["lexical_weight"], "lexical_weight"))
    check_query(query)
    return query
