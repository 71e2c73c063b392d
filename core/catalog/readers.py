"""Catalog readers: a folder of images with optional CSV/JSONL metadata, VITON-HD, Kaggle.

Readers never abort on one bad row, key, value or file name: each becomes a problem line naming the file and
row, and the rest is read. Text is decoded with detection (BOM, UTF-16, UTF-8, then Windows-1252/Latin-1).
"""
from __future__ import annotations

import logging
from pathlib import Path

from core.catalog.item import CatalogListing, Item, MetadataRow
from core.catalog.metadata import check_regular_file, read_metadata
from core.catalog.price import parse_price
from core.catalog.text import FILE_KEYS, META_FIELDS, clean, display_name, fallback_id, is_valid_text, safe_id
from core.errors import AtelierError

log = logging.getLogger(__name__)

INGEST_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# Picture files ingest leaves out, named in its report (so a folder of HEIC phone photos is not "0 added" unsaid).
OTHER_IMAGE_SUFFIXES = {".heic", ".heif", ".gif", ".tif", ".tiff", ".bmp", ".avif", ".jfif", ".jxl", ".svg"}


def _item_from_row(item_id: str, path: Path, row: dict, problems: list[str] | None = None) -> Item:
    extra = {k: clean(v) for k, v in row.items()
             if k not in META_FIELDS and k not in FILE_KEYS and k != "id" and v not in (None, "")}
    price, why = parse_price(row.get("price"))
    if why and problems is not None:
        where = getattr(row, "where", "") or display_name(path.name)
        problems.append(f"{where}: {why}" + ("; left empty" if price is None else ""))
    return Item(
        id=item_id, path=path, name=clean(row.get("name")), category=clean(row.get("category")).lower(),
        colour=clean(row.get("colour")).lower(), pattern=clean(row.get("pattern")).lower(),
        price=price, description=clean(row.get("description")), extra=extra,
    )


def _images_under(root: Path, skipped: list[dict] | None = None) -> list[Path]:
    """Image files under root; hidden files and links that lead outside the catalog are left out."""
    out = []
    real_root = root.resolve()

    def leave_out(p: Path, reason: str) -> None:  # said in the ingest report, not only in the log
        log.info("leaving out %s: %s", display_name(p), reason)
        if skipped is not None:
            skipped.append({"path": display_name(p), "reason": reason})

    for p in sorted(root.rglob("*")):
        suffix = p.suffix.lower()
        if suffix not in INGEST_SUFFIXES and suffix not in OTHER_IMAGE_SUFFIXES:
            continue
        if any(part.startswith(".") for part in p.relative_to(root).parts):
            leave_out(p, "hidden file (its name or a folder above starts with '.')")
            continue
        if suffix in OTHER_IMAGE_SUFFIXES:
            leave_out(p, f"{suffix} images are not read by ingest; convert it to JPEG, PNG or WebP")
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(real_root):
            leave_out(p, "a link that leads outside the catalog folder")
            continue
        if not p.is_file():
            if not p.is_dir():
                leave_out(p, "not a regular file (a pipe, a device or a broken link)")
            continue
        if not p.resolve().is_relative_to(real_root):
            leave_out(p, "a link that leads outside the catalog folder")
            continue
        if not is_valid_text(str(p.relative_to(root))):
            if skipped is not None:
                skipped.append({"path": display_name(p), "reason": "its name is not valid UTF-8 text; rename the file"})
            continue
        out.append(p)
    return out


def _row_key(row: dict) -> str:
    """The file name (or, without one, the id) a metadata row is matched to its image by."""
    return next((clean(row[k]) for k in FILE_KEYS if row.get(k)), "") or clean(row.get("id"))


def _read_folder(root: Path, metadata: Path | None) -> CatalogListing:
    if metadata is None:
        for name in ("catalog.csv", "metadata.csv", "catalog.jsonl", "metadata.jsonl"):
            if (root / name).is_file():
                metadata = root / name
                break
    by_key: dict[str, MetadataRow] = {}
    problems: list[str] = []
    skipped: list[dict] = []
    rows: list[MetadataRow] = []
    if metadata is not None:
        rows, problems = read_metadata(Path(metadata))
        for row in rows:
            if key := _row_key(row):
                by_key.setdefault(key.replace("\\", "/"), row)
    items = []
    used: set[int] = set()
    for p in _images_under(root, skipped):
        rel = p.relative_to(root).as_posix()
        stem_rel = rel.rsplit(".", 1)[0]
        row = by_key.get(rel) or by_key.get(p.name) or by_key.get(stem_rel) or by_key.get(p.stem) or {}
        if row:
            used.add(id(row))
        item_id = safe_id(clean(row.get("id")) or stem_rel) or safe_id(stem_rel)
        if not item_id:
            item_id = fallback_id(rel)
            problems.append(f"{display_name(rel)}: its name has no usable characters; indexed as id {item_id!r}")
        items.append(_item_from_row(item_id, p, row, problems))
    unmatched = [r for r in rows if id(r) not in used]
    for r in unmatched[:50]:
        key = _row_key(r)
        problems.append(f"{r.where}: no image file {key!r} in the catalog folder; row not used" if key
                        else f"{r.where}: no file name or id; row not used")
    if len(unmatched) > 50:
        problems.append(f"... and {len(unmatched) - 50} more metadata rows without an image")
    return CatalogListing(root, "folder", _dedupe(items, problems), problems, skipped)


def _read_viton(root: Path) -> CatalogListing:
    items, skipped, problems = [], [], []
    for split_dir in [root] + [root / s for s in ("train", "test")]:
        cloth = split_dir / "cloth"
        if not cloth.is_dir():
            continue
        prefix = "" if split_dir == root else split_dir.name + "/"
        for p in _images_under(cloth, skipped):
            rel = prefix + p.relative_to(cloth).as_posix()
            item_id = safe_id(rel.rsplit(".", 1)[0]) or fallback_id(rel)
            items.append(Item(id=item_id, path=p, extra={"garment_kind": "upper"}))
    return CatalogListing(root, "viton-hd", _dedupe(items, problems), problems, skipped)


def _read_kaggle(root: Path) -> CatalogListing:
    rows, problems = read_metadata(root / "styles.csv")
    by_id = {clean(r.get("id")): r for r in rows if r.get("id")}
    items, skipped = [], []
    for p in _images_under(root / "images", skipped):
        row = by_id.get(p.stem, {})
        item = _item_from_row(safe_id(p.stem) or fallback_id(p.name), p, row, problems)
        if not item.description and row:
            item.description = " ".join(clean(row.get(k)) for k in ("gender", "usage", "season") if row.get(k))
        items.append(item)
    return CatalogListing(root, "kaggle", _dedupe(items, problems), problems, skipped)


def _dedupe(items: list[Item], problems: list[str]) -> list[Item]:
    seen: dict[str, Item] = {}
    for it in items:
        if it.id in seen:
            problems.append(f"duplicate id {it.id!r}: {display_name(it.path.name)} ignored "
                            f"(kept {display_name(seen[it.id].path.name)})")
            continue
        seen[it.id] = it
    return list(seen.values())


def read_catalog(path: str | Path, metadata: str | Path | None = None) -> CatalogListing:
    root = Path(path).expanduser()
    if not root.exists():
        raise AtelierError(f"Catalog folder {display_name(root)} does not exist.")
    if not root.is_dir():
        raise AtelierError(f"{display_name(root)} is not a folder; point ingest at a folder of images.")
    if metadata is not None:
        check_regular_file(metadata, "metadata file")
    if metadata is None and (root / "styles.csv").is_file() and (root / "images").is_dir():
        listing = _read_kaggle(root)
    elif metadata is None and any((d / "cloth").is_dir() for d in (root, root / "train", root / "test")):
        listing = _read_viton(root)
    else:
        listing = _read_folder(root, Path(metadata) if metadata else None)
    if not listing.items:
        raise AtelierError(f"No images (jpg, png, webp) found under {display_name(root)}."
                           + (f" {len(listing.skipped)} file(s) could not be used: "
                              + "; ".join(f"{s['path']}: {s['reason']}" for s in listing.skipped[:3])
                              if listing.skipped else ""))
    log.info("catalog %s: %d items (%s layout)", display_name(root), len(listing.items), listing.layout)
    return listing
