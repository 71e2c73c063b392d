"""One boundary for numbers from users: CLI flags, `search --batch` lines and pages (a leaf: the query types and
their JSON form are `core.search.query`, which checks its numbers here).

Every number is checked here (a real number, finite, in range) with a message that names the field, so
NaN and infinity never reach ranking and every JSON Atelier prints is valid JSON.
"""
from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

from core.errors import AtelierError

MAX_PAGE_SIZE = 500
MAX_PAGE = 100_000
MAX_PRICE = 1e9
MAX_TEXT = 2000


def number(value: Any, name: str, lo: float | None = None, hi: float | None = None) -> float:
    """A finite float in [lo, hi] from a number or numeric text; AtelierError naming `name` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AtelierError(f"{name} must be a number, not {show(value)}.")
    try:
        x = float(value)
    except (ValueError, OverflowError):
        raise AtelierError(f"{name} must be a number, not {show(value)}.") from None
    if not math.isfinite(x):
        raise AtelierError(f"{name} must be a finite number, not {show(value)}.")
    if (lo is not None and x < lo) or (hi is not None and x > hi):
        raise AtelierError(f"{name} must be between {_fmt(lo)} and {_fmt(hi)}, not {show(value)}.")
    return x


def whole(value: Any, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """A whole number in [lo, hi] (2.0 and "3" are fine; 2.5, true and "1e400" are not)."""
    x = number(value, name, lo, hi)
    if x != int(x):
        raise AtelierError(f"{name} must be a whole number, not {show(value)}.")
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


def show(value: Any) -> str:
    """A user's value as a message quotes it (JSON, cut at 60 characters; floats as Python writes them)."""
    text = json.dumps(value, default=repr)[:60] if not isinstance(value, float) else repr(value)
    return text
