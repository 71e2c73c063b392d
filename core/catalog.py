"""Catalog items and readers: a folder of images with optional CSV/JSONL metadata, VITON-HD, Kaggle."""
from __future__ import annotations

import csv
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.errors import AtelierError

log = logging.getLogger(__name__)

INGEST_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
META_FIELDS = ("name", "category", "colour", "pattern", "price", "description")
_FILE_KEYS = ("file", "filename", "file_name", "image", "image_path", "path")
_ALIASES = {"color": "colour", "basecolour": "colour", "basecolor": "colour", "title": "name",
            "productdisplayname": "name", "articletype": "category", "type": "category"}
MAX_TEXT = 500


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
        d["price"] = -1.0 if self.price is None else float(self.price)
        d.update({k: v for k, v in self.extra.items() if isinstance(v, (str, int, float, bool))})
        return d


@dataclass
class CatalogListing:
    root: Path
    layout: str  # folder | viton-hd | kaggle
    items: list[Item]
    problems: list[str] = field(default_factory=list)  # metadata rows that could not be used


def _clean(value) -> str:
    return "" if value is None else str(value).strip()[:MAX_TEXT]


def _price(value) -> float | None:
    try:
        p = float(str(value).replace(",", ".").strip().lstrip("$€£"))
    except (TypeError, ValueError):
        return None
    return p if 0 <= p < 1e9 else None


def read_metadata(path: Path) -> tuple[list[dict], list[str]]:
    """Rows from a CSV or JSONL file; malformed rows are reported, never fatal."""
    rows, problems = [], []
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise AtelierError(f"Cannot read metadata file {path}: {exc.strerror or exc}") from exc
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                problems.append(f"{path.name}:{n}: not valid JSON")
                continue
            if isinstance(row, dict):
                rows.append(row)
            else:
                problems.append(f"{path.name}:{n}: not a JSON object")
    else:
        try:
            reader = csv.DictReader(text.splitlines())
            for n, row in enumerate(reader, 2):
                if None in row:  # more cells than headers
                    problems.append(f"{path.name}:{n}: {len(row[None])} extra cells ignored")
                    row.pop(None)
                rows.append(row)
        except csv.Error as exc:
            problems.append(f"{path.name}: CSV error {exc}")
    norm = []
    for row in rows:
        out = {}
        for k, v in row.items():
            if k is None:
                continue
            key = str(k).strip().lower().replace(" ", "_")
            out[_ALIASES.get(key.replace("_", ""), key)] = v
        norm.append(out)
    return norm, problems


def _item_from_row(item_id: str, path: Path, row: dict) -> Item:
    extra = {k: _clean(v) for k, v in row.items()
             if k not in META_FIELDS and k not in _FILE_KEYS and k != "id" and v not in (None, "")}
    return Item(
        id=item_id, path=path, name=_clean(row.get("name")), category=_clean(row.get("category")).lower(),
        colour=_clean(row.get("colour")).lower(), pattern=_clean(row.get("pattern")).lower(),
        price=_price(row.get("price")), description=_clean(row.get("description")), extra=extra,
    )


def safe_id(raw: str) -> str:
    """An id usable everywhere: no path tricks, no control characters."""
    s = "".join(ch for ch in str(raw) if ch.isprintable()).strip().replace("\\", "/")
    parts = [p for p in s.split("/") if p not in ("", ".", "..")]
    return "/".join(parts)[:200]


def _images_under(root: Path) -> list[Path]:
    """Image files under root; hidden files and links that lead outside the catalog are left out."""
    out = []
    real_root = root.resolve()
    for p in sorted(root.rglob("*")):
        if p.suffix.lower() not in INGEST_SUFFIXES or not p.is_file():
            continue
        if any(part.startswith(".") for part in p.relative_to(root).parts):
            continue
        if not p.resolve().is_relative_to(real_root):
            log.warning("skipping %s: it links outside the catalog folder", p)
            continue
        out.append(p)
    return out


def _read_folder(root: Path, metadata: Path | None) -> CatalogListing:
    if metadata is None:
        for name in ("catalog.csv", "metadata.csv", "catalog.jsonl", "metadata.jsonl"):
            if (root / name).is_file():
                metadata = root / name
                break
    by_key: dict[str, dict] = {}
    problems: list[str] = []
    if metadata is not None:
        rows, problems = read_metadata(Path(metadata))
        for row in rows:
            key = next((_clean(row[k]) for k in _FILE_KEYS if row.get(k)), "") or _clean(row.get("id"))
            if key:
                by_key[key.replace("\\", "/")] = row
    items = []
    for p in _images_under(root):
        rel = p.relative_to(root).as_posix()
        stem_rel = rel.rsplit(".", 1)[0]
        row = by_key.get(rel) or by_key.get(p.name) or by_key.get(stem_rel) or by_key.get(p.stem) or {}
        item_id = safe_id(_clean(row.get("id")) or stem_rel) or safe_id(stem_rel)
        items.append(_item_from_row(item_id, p, row))
    return CatalogListing(root, "folder", _dedupe(items, problems), problems)


def _read_viton(root: Path) -> CatalogListing:
    items = []
    for split_dir in [root] + [root / s for s in ("train", "test")]:
        cloth = split_dir / "cloth"
        if not cloth.is_dir():
            continue
        prefix = "" if split_dir == root else split_dir.name + "/"
        for p in _images_under(cloth):
            items.append(Item(id=safe_id(prefix + p.relative_to(cloth).as_posix().rsplit(".", 1)[0]), path=p,
                              extra={"garment_kind": "upper"}))
    return CatalogListing(root, "viton-hd", items)


def _read_kaggle(root: Path) -> CatalogListing:
    rows, problems = read_metadata(root / "styles.csv")
    by_id = {_clean(r.get("id")): r for r in rows if r.get("id")}
    items = []
    for p in _images_under(root / "images"):
        row = by_id.get(p.stem, {})
        item = _item_from_row(safe_id(p.stem), p, row)
        if not item.description and row:
            item.description = " ".join(_clean(row.get(k)) for k in ("gender", "usage", "season") if row.get(k))
        items.append(item)
    return CatalogListing(root, "kaggle", items, problems)


def _dedupe(items: list[Item], problems: list[str]) -> list[Item]:
    seen: dict[str, Item] = {}
    for it in items:
        if it.id in seen:
            problems.append(f"duplicate id {it.id!r}: {it.path.name} ignored (kept {seen[it.id].path.name})")
            continue
        seen[it.id] = it
    return list(seen.values())


def read_catalog(path: str | Path, metadata: str | Path | None = None) -> CatalogListing:
    root = Path(path).expanduser()
    if not root.exists():
        raise AtelierError(f"Catalog folder {root} does not exist.")
    if not root.is_dir():
        raise AtelierError(f"{root} is not a folder; point ingest at a folder of images.")
    if metadata is None and (root / "styles.csv").is_file() and (root / "images").is_dir():
        listing = _read_kaggle(root)
    elif metadata is None and any((d / "cloth").is_dir() for d in (root, root / "train", root / "test")):
        listing = _read_viton(root)
    else:
        listing = _read_folder(root, Path(metadata) if metadata else None)
    if not listing.items:
        raise AtelierError(f"No images (jpg, png, webp) found under {root}.")
    log.info("catalog %s: %d items (%s layout)", root, len(listing.items), listing.layout)
    return listing
