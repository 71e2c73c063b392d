"""One boundary for numbers and query objects from users: CLI flags, `search --batch` lines and pages.

Every number is checked here (a real number, finite, in range) with a message that names the field, so
NaN and infinity never reach ranking and every JSON Atelier prints is valid JSON.
"""
from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from core.errors import AtelierError

MAX_PAGE_SIZE = 500
MAX_PAGE = 100_000
MAX_PRICE = 1e9
MAX_TEXT = 2000
# The keys one search object (a `search --batch` line) may have.
QUERY_KEYS = ("text", "image", "sketch", "like", "k", "page_size", "page", "image_weight", "shape_weight",
              "lexical_weight", "filters")


def number(value: Any, name: str, lo: float | None = None, hi: float | None = None) -> float:
    """A finite float in [lo, hi] from a number or numeric text; AtelierError naming `name` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AtelierError(f"{name} must be a number, not {_show(value)}.")
    try:
        x = float(value)
    except (ValueError, OverflowError):
        raise AtelierError(f"{name} must be a number, not {_show(value)}.") from None
    if not math.isfinite(x):
        raise AtelierError(f"{name} must be a finite number, not {_show(value)}.")
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        raise AtelierError(f"{name} must be between {_fmt(lo)} and {_fmt(hi)}, not {_show(value)}.")
    return x


def whole(value: Any, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """A whole number in [lo, hi] (2.0 and "3" are fine; 2.5, true and "1e400" are not)."""
    x = number(value, name, lo, hi)
    if x != int(x):
        raise AtelierError(f"{name} must be a whole number, not {_show(value)}.")
    return int(x)


def weight(value: Any, name: str) -> float:
    return number(value, name, 0.0, 1.0)


def price(value: Any, name: str) -> float:
    return number(value, name, 0.0, MAX_PRICE)


def check_query(query) -> None:
    """Every number of a SearchQuery (and its filters) finite and in range; called by search_catalog for all callers.

    Any float field named *_weight or *_strength is a mixing weight in [0, 1], so a new weight is covered too.
    """
    whole(query.page, "page", 0, MAX_PAGE)
    whole(query.page_size, "k (results per page)", 1, MAX_PAGE_SIZE)
    for f in dataclasses.fields(query):
        if f.name.endswith(("_weight", "_strength")) and getattr(query, f.name) is not None:  # None: the setting
            weight(getattr(query, f.name), f.name)
    filters = query.filters
    for key in ("price_min", "price_max"):
        if getattr(filters, key, None) is not None:
            price(getattr(filters, key), key)
    if filters.price_min is not None and filters.price_max is not None and filters.price_min > filters.price_max:
        raise AtelierError(f"price_min ({_fmt(filters.price_min)}) is above price_max ({_fmt(filters.price_max)}).")


def _text(obj: dict, key: str) -> str | None:
    val = obj.get(key)
    if val is None:
        return None
    if not isinstance(val, str):
        raise AtelierError(f"{key} must be text, not {_show(val)}.")
    if len(val) > MAX_TEXT:
        raise AtelierError(f"{key} is {len(val)} characters long; the limit is {MAX_TEXT}.")
    if any("\ud800" <= ch <= "\udfff" for ch in val):  # JSON's "\ud800" escapes: not text a tokenizer can take
        raise AtelierError(f"{key} holds a lone surrogate (half of an emoji or other character, such as \\ud83d); "
                           "send whole characters.")
    return val


def query_from_json(obj: Any, base: Path | None = None, default_k: int = 10, max_pixels: int | None = None):
    """A SearchQuery from one JSON object (a batch line or the CLI's flags), every field type- and range-checked."""
    from core.images import DEFAULT_MAX_PIXELS, load_image
    from core.search import Filters, SearchQuery

    if not isinstance(obj, dict):
        raise AtelierError(f"each line must be a JSON object such as {{\"text\": \"red dress\"}}, not {_show(obj)}.")
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
        raise AtelierError(f"filters must be an object such as {{\"category\": \"dress\"}}, not {_show(filters)}.")
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


def json_line(obj: Any, indent: int | None = None) -> str:
    """JSON text that is always valid JSON: a stray NaN or infinity becomes null instead of a bare NaN token."""
    try:
        return json.dumps(obj, allow_nan=False, indent=indent, default=str)
    except ValueError:
        return json.dumps(_finite(obj), allow_nan=False, indent=indent, default=str)


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _fmt(x: float | None) -> str:
    return "any" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))


def _show(value: Any) -> str:
    text = json.dumps(value, default=repr)[:60] if not isinstance(value, float) else repr(value)
    return text
