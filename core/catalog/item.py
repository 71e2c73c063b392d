"""A catalog item, a reader's listing, and the one unknown-price rule (price_of / stored_price)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

# Chroma metadata holds no None: a stored price of UNKNOWN_PRICE means "no price". Read prices with price_of().
UNKNOWN_PRICE = -1.0


def price_of(metadata) -> float | None:
    """The price in a stored metadata row (or a bare stored value), or None when it is unknown."""
    value = metadata.get("price") if isinstance(metadata, dict) else metadata
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        return None
    return float(value)


def stored_price(price: float | None) -> float:
    """What a price is stored as: the price, or UNKNOWN_PRICE."""
    return UNKNOWN_PRICE if price is None else float(price)


@dataclass
class Item:
    id: str
    path: Path
    name: str = ""
    category: str = ""
    colour: str = ""
    pattern: str = ""
    price: float | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)

    def metadata(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k not in ("path", "extra", "id")}
        d["price"] = stored_price(self.price)
        d.update({k: v for k, v in self.extra.items() if isinstance(v, (str, int, float, bool))})
        return d


@dataclass
class CatalogListing:
    root: Path
    layout: str  # folder | viton-hd | kaggle
    items: list[Item]
    problems: list[str] = field(default_factory=list)  # metadata rows, keys, values and files that could not be used
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}: files that cannot become items


class MetadataRow(dict):
    """One metadata row (keys normalised) that remembers where it came from, for problem lines."""

    def __init__(self, *args, where: str = "", **kw) -> None:
        super().__init__(*args, **kw)
        self.where = where
