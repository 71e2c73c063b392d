"""A real catalog in one command: a Hugging Face dataset of product photos -> folder + catalog.csv -> ingest.

`fetch_catalog` takes a dataset id (`ashraq/fashion-product-images-small`), a short name from DATASETS, or a local
parquet file / folder of parquet files (offline machines and the tests go through the same import code). Rows
become `<id>.<jpg|png|webp>` files plus one `catalog.csv` row each: name, canonical category
(`core.vocabulary.canonical_category`), colour, price, description and the dataset's other columns as metadata.
Rows without a usable image or id are reported and skipped; nothing stops the run. A killed run is resumed by
running it again: images already on disk are kept, the download resumes from the Hub cache, and ingest itself is
resumable.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.catalog import parse_price, safe_id
from core.errors import BadImageError
from core.fetch.parquet import MAX_IMAGE_BYTES, open_parquet, parquet_rows
from core.fetch.source import FetchError, Progress, download_parquet_files, local_parquet_files, resolve_source
from core.vocabulary import canonical_category, canonical_colour, canonical_pattern

log = logging.getLogger(__name__)

CSV_FIELDS = ["id", "file", "name", "category", "colour", "pattern", "price", "description"]
# Dataset columns -> our fields, first match wins (names compared lower-case without _ or spaces).
_ID_KEYS = ("id", "productid", "itemid", "sku", "articleid")
_IMAGE_KEYS = ("image", "img", "picture", "photo", "imagebytes")
_NAME_KEYS = ("productdisplayname", "name", "title", "productname")
_CATEGORY_KEYS = ("articletype", "category", "subcategory", "type", "productcategory", "label")
_COLOUR_KEYS = ("basecolour", "basecolor", "colour", "color")
_PATTERN_KEYS = ("pattern", "print")
_PRICE_KEYS = ("price", "priceusd", "cost")
_DESCRIPTION_KEYS = ("description", "text", "caption", "productdescription")
_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MAX_TEXT = 500
MAX_NAME_BYTES = 180  # file names: ext4/APFS allow 255 bytes; an id of 120 CJK characters is 360


@dataclass
class FetchReport:
    source: str
    folder: str
    rows_seen: int = 0
    written: int = 0
    kept: int = 0  # already on disk from an earlier (killed) run
    skipped: list[dict] = field(default_factory=list)  # {"row", "id", "reason"}
    problems: list[str] = field(default_factory=list)  # values changed, dropped or guessed: row and column named
    unmapped_categories: dict[str, int] = field(default_factory=dict)  # dataset label -> rows
    catalog_csv: str = ""

    @property
    def imported(self) -> int:
        return self.written + self.kept

    def summary(self) -> str:
        return (f"{self.imported} items in {self.folder} ({self.written} new, {self.kept} already there), "
                f"{len(self.skipped)} rows skipped of {self.rows_seen}, {len(self.problems)} values changed or left "
                "out (listed)")

    def to_dict(self) -> dict:
        return asdict(self) | {"imported": self.imported}



def _key(name: str) -> str:
    return re.sub(r"[\s_\-]", "", str(name).lower())


def _pick(columns: list[str], keys: tuple[str, ...]) -> str | None:
    by_key = {_key(c): c for c in columns}
    return next((by_key[k] for k in keys if k in by_key), None)


def _text(value: Any) -> str:
    """Any cell as clean one-line text: None/NaN -> "", control characters dropped, length capped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bytes, bytearray, dict, list)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # pandas-written years and ids come back as 2012.0
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return " ".join(text.split())[:MAX_TEXT]


def _price(value: Any) -> tuple[str, str | None]:
    """(catalog.csv price text, problem): the one price parser every reader uses (core.catalog.parse_price)."""
    if value is None:  # a null cell: no price, nothing to report
        return "", None
    price, why = parse_price(value)
    return ("" if price is None else f"{price:.2f}"), (None if why is None else why + ("; left empty" if price is None else ""))


def file_stem(item_id: str) -> str:
    """The id as a file name of at most MAX_NAME_BYTES bytes of UTF-8: cut on a character boundary, with a short
    hash of the whole id so two long ids that share a beginning never share a file."""
    if len(item_id.encode()) <= MAX_NAME_BYTES:
        return item_id
    import hashlib

    cut = item_id.encode()[: MAX_NAME_BYTES - 11].decode("utf-8", "ignore")
    return f"{cut}-{hashlib.sha1(item_id.encode()).hexdigest()[:10]}"


def _image_bytes(cell: Any) -> bytes | None:
    """The datasets library stores images as {"bytes": ..., "path": ...}; plain binary columns also occur."""
    if isinstance(cell, dict):
        cell = cell.get("bytes")
    if isinstance(cell, (bytes, bytearray)) and cell:
        return bytes(cell)
    return None



def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)



def import_rows(files: list[Path], folder: str | Path, limit: int | None = None, source: str = "",
                progress: Progress | None = None, max_pixels: int = 40_000_000) -> FetchReport:
    """Parquet rows -> `folder/images/<id>.<ext>` + `folder/catalog.csv`; bad rows reported and skipped."""
    folder = Path(folder)
    # 1. the images folder, and what an earlier (killed) run left in it
    images = _images_folder(folder)
    on_disk = {p.stem: p for p in images.iterdir() if p.suffix in _FORMATS.values()}
    report = FetchReport(source or ", ".join(str(f) for f in files), str(folder))
    progress = progress or (lambda done, total, msg: None)
    total = sum(open_parquet(f).metadata.num_rows for f in files)
    total = min(total, limit) if limit else total
    # 2. each row: its image file written (or kept) and its catalog.csv row
    out_rows: list[dict] = []
    seen: set[str] = set()
    cols: dict[str, str | None] = {}
    for n, (row, columns, too_big) in enumerate(parquet_rows(files)):
        if limit and len(out_rows) >= limit:
            break
        if row is None:
            report.rows_seen += 1
            report.skipped.append({"row": n, "id": "", "reason": too_big})
            continue
        cols = _columns(columns, cols)
        report.rows_seen += 1
        if n % 50 == 0:
            progress(len(out_rows), total, f"importing row {n}")
        item_id = _row_id(row, cols, n, seen, report)
        path = None if item_id is None else _image_file(row.get(cols["image"]), item_id, n, images, on_disk, report,
                                                        max_pixels)
        if path is None:
            continue
        seen.add(item_id)
        out_rows.append(_catalog_row(item_id, path.relative_to(folder).as_posix(), row, cols, report, n))
    # 3. catalog.csv, replaced whole
    progress(len(out_rows), total, "writing catalog.csv")
    report.catalog_csv = str(_write_catalog_csv(folder, out_rows))
    progress(len(out_rows), total, "imported")
    return report


def _images_folder(folder: Path) -> Path:
    images = folder / "images"
    try:
        images.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(f"Cannot create {images}: {exc.strerror or exc}") from exc
    return images


def _columns(columns: list[str], cols: dict) -> dict:
    """Which dataset column holds each of our fields (read again when a file's columns differ)."""
    if cols and cols.get("_columns") == columns:
        return cols
    cols = {"_columns": columns, "id": _pick(columns, _ID_KEYS), "image": _pick(columns, _IMAGE_KEYS),
            "name": _pick(columns, _NAME_KEYS), "category": _pick(columns, _CATEGORY_KEYS),
            "colour": _pick(columns, _COLOUR_KEYS), "pattern": _pick(columns, _PATTERN_KEYS),
            "price": _pick(columns, _PRICE_KEYS), "description": _pick(columns, _DESCRIPTION_KEYS)}
    if cols["image"] is None:
        raise FetchError(f"The dataset has no image column (columns: {', '.join(columns)}).")
    return cols


def _row_id(row: dict, cols: dict, n: int, seen: set[str], report: FetchReport) -> str | None:
    """The row's item id, or None (said in the report) when it has no usable one or repeats one."""
    raw_id = _text(row.get(cols["id"])) if cols["id"] else str(n)
    item_id = safe_id(raw_id).replace("/", "_")
    if not item_id:
        report.skipped.append({"row": n, "id": raw_id, "reason": "no usable id"})
        return None
    if item_id in seen:
        report.skipped.append({"row": n, "id": item_id, "reason": "duplicate id"})
        return None
    return item_id


def _image_file(cell: Any, item_id: str, n: int, images: Path, on_disk: dict[str, Path], report: FetchReport,
                max_pixels: int) -> Path | None:
    """The item's image file: kept from an earlier run, or written from the cell; None (said) when it has none."""
    from PIL import Image

    from core.images import load_image

    stem = file_stem(item_id)
    path = on_disk.get(stem)
    if path is not None and path.stat().st_size > 0:
        report.kept += 1
        return path
    data = _image_bytes(cell)
    if data is None:
        report.skipped.append({"row": n, "id": item_id, "reason": "no image"})
        return None
    if len(data) > MAX_IMAGE_BYTES:
        report.skipped.append({"row": n, "id": item_id, "reason": f"image over {MAX_IMAGE_BYTES >> 20} MB"})
        return None
    try:
        load_image(data, max_pixels=max_pixels)  # decodes fully: truncated or corrupt bytes fail here
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format or ""
    except (BadImageError, OSError, ValueError) as exc:
        report.skipped.append({"row": n, "id": item_id, "reason": f"broken image: {exc}"})
        return None
    if fmt in _FORMATS:
        payload, suffix = data, _FORMATS[fmt]
    else:  # GIF, TIFF, BMP ...: stored as PNG, which every reader takes
        buf = io.BytesIO()
        load_image(data, max_pixels=max_pixels).save(buf, "PNG")
        payload, suffix = buf.getvalue(), ".png"
    path = images / f"{stem}{suffix}"
    try:
        _write_atomic(path, payload)
    except OSError as exc:
        raise FetchError(f"Cannot write {path}: {exc.strerror or exc}. Free some space and run the command "
                         "again; it resumes.") from exc
    report.written += 1
    return path


def _write_catalog_csv(folder: Path, out_rows: list[dict]) -> Path:
    extra = sorted({k for r in out_rows for k in r} - set(CSV_FIELDS))
    csv_path = folder / "catalog.csv"
    tmp = csv_path.with_name("catalog.csv.part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_FIELDS + extra)
        writer.writeheader()
        writer.writerows(out_rows)
    os.replace(tmp, csv_path)
    return csv_path


def _catalog_row(item_id: str, file: str, row: dict, cols: dict, report: FetchReport, n: int = 0) -> dict:
    where = f"row {n} ({item_id})"

    def text(column: str) -> str:
        value = row.get(column)
        out = _text(value)
        if isinstance(value, (bytes, bytearray, dict, list)) and value:
            report.problems.append(f"{where}: column {column!r} holds {type(value).__name__} data, not text; left out")
        elif isinstance(value, str) and len(" ".join(value.split())) > MAX_TEXT:
            report.problems.append(f"{where}: column {column!r} longer than {MAX_TEXT} characters; truncated")
        return out

    get = lambda key: text(cols[key]) if cols.get(key) else ""  # noqa: E731
    label = get("category")
    category = canonical_category(label) if label else None
    if label and category is None:
        report.unmapped_categories[label] = report.unmapped_categories.get(label, 0) + 1
    colour_label, pattern_label = get("colour"), get("pattern")
    out = {"id": item_id, "file": file, "name": get("name") or label or item_id, "category": category or "",
           "colour": (canonical_colour(colour_label) or "") if colour_label else "",
           "pattern": (canonical_pattern(pattern_label) or "") if pattern_label else "",
           "price": "", "description": get("description")}
    if cols.get("price"):
        out["price"], why = _price(row.get(cols["price"]))
        if why:
            report.problems.append(f"{where}: {why}")
    used = {c for k, c in cols.items() if k != "_columns" and c}
    for column, value in row.items():
        if column in used or column == cols.get("image"):
            continue
        value_text = text(column)
        if value_text:
            out[f"source_{_key(column)[:40]}"] = value_text
    if label and not category:
        out["source_category"] = label
    return out



def fetch_catalog(name_or_id: str, folder: str | Path, limit: int | None = None, progress: Progress | None = None,
                  timeout_s: float = 3.0, max_pixels: int = 40_000_000) -> FetchReport:
    """Download (or read locally) and import; the caller ingests `folder` with its `catalog.csv`."""
    if limit is not None and limit < 1:
        raise FetchError("--limit must be a positive number of rows.")
    repo_id, local = resolve_source(name_or_id)
    files = local_parquet_files(local) if local else download_parquet_files(repo_id, limit, progress, timeout_s)
    return import_rows(files, folder, limit=limit, source=repo_id or str(local), progress=progress,
                       max_pixels=max_pixels)


def default_folder(name_or_id: str, data_dir: str | Path) -> Path:
    """data/catalogs/<dataset name>: one folder per dataset, so a re-run resumes into the same place."""
    stem = Path(name_or_id.rstrip("/")).stem if Path(name_or_id).exists() else name_or_id.split("/")[-1]
    return Path(data_dir) / "catalogs" / (re.sub(r"[^\w.-]", "-", stem).strip(".-") or "dataset")


def catalog_name_for(name_or_id: str) -> str:
    """A collection-friendly catalog name from the dataset name."""
    stem = Path(name_or_id.rstrip("/")).stem if Path(name_or_id).exists() else name_or_id.split("/")[-1]
    return re.sub(r"[^a-z0-9-]", "-", stem.lower()).strip("-")[:40] or "dataset"
