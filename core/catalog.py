"""Catalog items and readers: a folder of images with optional CSV/JSONL metadata, VITON-HD, Kaggle.

Readers never abort on one bad row, key, value or file name: each becomes a problem line naming the file and
row, and the rest is read. Text is decoded with detection (BOM, UTF-16, UTF-8, then Windows-1252/Latin-1).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import logging
import math
import os
import re
import stat
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.errors import AtelierError

log = logging.getLogger(__name__)

INGEST_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
# Picture files ingest leaves out, named in its report (so a folder of HEIC phone photos is not "0 added" unsaid).
OTHER_IMAGE_SUFFIXES = {".heic", ".heif", ".gif", ".tif", ".tiff", ".bmp", ".avif", ".jfif", ".jxl", ".svg"}
META_FIELDS = ("name", "category", "colour", "pattern", "price", "description")
_FILE_KEYS = ("file", "filename", "file_name", "image", "image_path", "path")
_ALIASES = {"color": "colour", "basecolour": "colour", "basecolor": "colour", "title": "name",
            "productdisplayname": "name", "articletype": "category", "type": "category"}
# Keys ingest writes itself: a metadata column of the same name would be overwritten, so it is renamed.
RESERVED_KEYS = ("path", "fingerprint", "tagged_from_pixels", "width", "height")
MAX_TEXT = 500  # characters kept per metadata value (longer values are truncated and reported)
MAX_KEY = 64
MAX_ID = 200
MAX_PRICE = 1e9
MAX_METADATA_BYTES = 512 * 1024 * 1024
_FIELD_LIMIT = 64 * 1024 * 1024  # csv's own limit (128 KiB) ended the file at the first long cell
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")  # thousands separators: spaces, NBSP, thin space, '


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


def display_name(value) -> str:
    """Any text or path made safe to print and store: undecodable bytes shown as \\xNN, never an exception."""
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    s = str(value)
    if _SURROGATES.search(s):
        s = os.fsencode(s).decode("utf-8", "backslashreplace") if _is_escape_only(s) else _SURROGATES.sub("\ufffd", s)
    return s


def _is_escape_only(s: str) -> bool:
    try:
        os.fsencode(s)
        return True
    except UnicodeError:
        return False


def clean_text(value, limit: int = MAX_TEXT) -> tuple[str, bool]:
    """(text fit for an index: no lone surrogates, no control characters, at most `limit` characters, was_cut)."""
    if value is None:
        return "", False
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, default=str)[: limit + 1]
    s = _CONTROL.sub("", _SURROGATES.sub("\ufffd", str(value))).strip()
    return s[:limit], len(s) > limit


def _clean(value) -> str:
    return clean_text(value)[0]


def parse_price(value) -> tuple[float | None, str | None]:
    """(price, problem). Thousands separators in any common style: '1,299', '1.299,00', '1 299', '$1,299.50'.

    One comma followed by exactly three digits is a thousands separator (prices do not have three decimals);
    one or two digits after the last separator make it the decimal mark. Anything else is reported, never
    guessed: an empty price is None without a problem.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):  # JSON true/false: not a price, and never silently nothing
        return None, f"price {value!r} is a yes/no value, not a number"
    if isinstance(value, (int, float)):
        p = float(value)
        if math.isnan(p):
            return None, f"price {value!r} is not a number"
        if p < 0:
            return None, f"price {value!r} is negative"
        return (p, None) if math.isfinite(p) and p < MAX_PRICE else (None, f"price {value!r} is out of range")
    raw = _clean(value)
    s = _SPACES.sub("", raw.strip().strip("$€£¥₹").strip().removeprefix("USD").removeprefix("EUR").removeprefix("GBP"))
    s = s.removesuffix("USD").removesuffix("EUR").removesuffix("GBP").strip("$€£¥₹")
    if not s:
        return None, None
    if re.fullmatch(r"-\d[\d.,]*", s):
        return None, f"price {raw!r} is negative"
    if not re.fullmatch(r"\d[\d.,]*", s):
        return None, f"price {raw!r} is not a number"
    note = None
    commas, dots = s.count(","), s.count(".")
    if commas and dots:  # the later one is the decimal mark: 1,299.50 / 1.299,50
        dec, thou = (".", ",") if s.rfind(".") > s.rfind(",") else (",", ".")
        whole, _, frac = s.rpartition(dec)
        if thou in frac or s.count(dec) > 1 or not re.fullmatch(r"\d{1,3}(\%s\d{3})*" % thou, whole):
            return None, f"price {raw!r} mixes separators in a way that is not a number"
        s = whole.replace(thou, "") + "." + frac
    elif commas or dots:
        sep = "," if commas else "."
        parts = s.split(sep)
        if re.fullmatch(r"0+[.,]\d{3}", s):  # '0,999': no one writes 999 so; three decimals are no price either
            return None, (f"price {raw!r} is ambiguous ({s[-3:]} with a thousands separator, or 0.{s[-3:]} with "
                          f"three decimals?); write {s[-3:]} or 0.{s[-3:-1]}")
        if len(parts) > 2 or (sep == "," and len(parts[-1]) == 3):
            if not re.fullmatch(r"\d{1,3}(\%s\d{3})+" % sep, s):
                return None, f"price {raw!r} has thousands separators in the wrong places"
            s = s.replace(sep, "")
        else:
            if sep == "." and len(parts[-1]) == 3:
                note = f"price {raw!r} read as {s} (write {s.replace('.', '')} if the dot separates thousands)"
            s = s.replace(",", ".")
    try:
        p = float(s)
    except ValueError:
        return None, f"price {raw!r} is not a number"
    if not (math.isfinite(p) and 0 <= p < MAX_PRICE):
        return None, f"price {raw!r} is out of range"
    return p, note


def _price(value) -> float | None:
    return parse_price(value)[0]


def metadata_key(raw) -> str:
    """A metadata key Chroma accepts and filters can name: word characters only, no leading '#'/'$'."""
    key = unicodedata.normalize("NFKC", _SURROGATES.sub("", str(raw))).strip().lower()
    key = re.sub(r"\W+", "_", key).strip("_")[:MAX_KEY]
    return _ALIASES.get(key.replace("_", ""), key)


def decode_text(data: bytes, name: str) -> tuple[str, str | None]:
    """(text, problem): BOMs first, then UTF-16 by its zero bytes, then strict UTF-8, then Windows-1252/Latin-1."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), None
            except UnicodeDecodeError as exc:
                if enc != "utf-8-sig":
                    return data.decode(enc, errors="replace"), (f"{name}: not valid {enc.upper()} after its byte-order "
                                                                "mark; undecodable bytes shown as U+FFFD")
                # a UTF-8 BOM on a Windows-1252/Latin-1 file (a sheet saved twice by two programs)
                body = data[len(bom):]
                line = body[: exc.start].count(b"\n") + 1
                try:
                    text, legacy = body.decode("cp1252"), "Windows-1252"
                except UnicodeDecodeError:
                    text, legacy = body.decode("latin-1"), "Latin-1"
                return text, (f"{name}: starts with a UTF-8 byte-order mark but is not UTF-8 (first odd byte on line "
                              f"{line}); read as {legacy} (guessed), check accented letters")
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        enc = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        return data.decode(enc, errors="replace"), f"{name}: no byte-order mark; read as {enc.upper()} (guessed)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    try:
        text = data.decode("cp1252")
        enc = "Windows-1252"
    except UnicodeDecodeError:
        text, enc = data.decode("latin-1"), "Latin-1"
    line = data[:bad_at].count(b"\n") + 1
    return text, f"{name}: not UTF-8 (first odd byte on line {line}); read as {enc} (guessed), check accented letters"


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing folders, FIFOs and devices (which would hang or never end) with a message."""
    path = check_regular_file(path, "metadata file")
    try:
        st_ = os.stat(path)
    except OSError as exc:
        raise AtelierError(f"Cannot read metadata file {display_name(path)}: {exc.strerror or exc}.") from exc
    if st_.st_size > MAX_METADATA_BYTES:
        raise AtelierError(f"{display_name(path)} is {st_.st_size / 2**20:.0f} MB; metadata files are limited to "
                           f"{MAX_METADATA_BYTES // 2**20} MB.")
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise AtelierError(f"Cannot read metadata file {display_name(path)}: {exc.strerror or exc}.") from exc


def read_metadata(path: Path) -> tuple[list[dict], list[str]]:
    """Rows from a CSV or JSONL file (keys normalised); malformed rows, keys and encodings are reported, never fatal."""
    path = Path(path)
    rows: list[MetadataRow] = []
    problems: list[str] = []
    name = display_name(path.name)
    text, guessed = decode_text(_read_bytes(path), name)
    if guessed:
        problems.append(guessed)
    if "\x00" in text:  # NUL ends C strings downstream: removed, and said so
        problems.append(f"{name}: {text.count(chr(0))} NUL character(s) removed from cells")
        text = text.replace("\x00", "")
    raw_rows: list[tuple[str, dict]] = []
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        # Split on newlines only: U+2028 and friends are legal inside JSON strings.
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                problems.append(f"{name}:{n}: not valid JSON")
                continue
            if isinstance(row, dict):
                raw_rows.append((f"{name}:{n}", row))
            else:
                problems.append(f"{name}:{n}: not a JSON object")
    else:
        old = csv.field_size_limit()
        csv.field_size_limit(_FIELD_LIMIT)
        try:
            # newline="" keeps U+2028 and lone CRs inside a quoted cell from splitting the row.
            # csv.reader, not DictReader: a repeated header (name,name) kept the *last* cell with no word said.
            reader = csv.reader(io.StringIO(text, newline=""))
            header = next(reader, None) or []
            last_line = reader.line_num
            spans: list[tuple[int, int]] = []
            for cells in reader:
                start, last_line = last_line + 1, reader.line_num
                if not cells:
                    continue
                where = f"{name}:{start}"
                if last_line > start and any("\n" in c or "\r" in c for c in cells):
                    spans.append((start, last_line))
                if len(cells) > len(header):  # more cells than headers
                    problems.append(f"{where}: {len(cells) - len(header)} extra cells ignored")
                pairs = list(zip(header, cells)) + [(h, None) for h in header[len(cells):]]
                raw_rows.append((where, pairs))
            for start, end in spans[:20]:
                tail = (" to the end of the file: a quote is probably left open, and the rows after it were read "
                        "as the text of one cell" if end == last_line and (start, end) == spans[-1] else "")
                problems.append(f"{name}:{start}: one quoted cell runs over lines {start}-{end}{tail}")
        except csv.Error as exc:
            problems.append(f"{name}: CSV error {exc}; rows after line {reader.line_num} not read")
        finally:
            csv.field_size_limit(old)
    renamed: dict[str, str] = {}
    doubled: dict[str, set[str]] = {}
    dropped: set[str] = set()
    truncated: dict[str, list[str]] = {}
    repaired: dict[str, list[str]] = {}
    for where, row in raw_rows:
        out = MetadataRow(where=where)
        for k, v in (row.items() if isinstance(row, dict) else row):
            if k is None:
                continue
            key = metadata_key(k)
            plain = str(k).strip().lower().replace(" ", "_")
            if not key:
                dropped.add(display_name(k))
                continue
            if key in RESERVED_KEYS:
                key = f"meta_{key}"
            if key != _ALIASES.get(plain.replace("_", ""), plain):
                renamed[display_name(k)] = key
            if key in out:  # two columns that normalise to one key: the first wins, and that is said
                doubled.setdefault(key, set()).add(display_name(k))
                continue
            if isinstance(v, str) and len(v) > MAX_TEXT and key not in _FILE_KEYS and key != "id":
                truncated.setdefault(key, []).append(where.rsplit(":", 1)[-1])
            if isinstance(v, str) and (_SURROGATES.search(v) or _CONTROL.search(v)):
                repaired.setdefault(key, []).append(where.rsplit(":", 1)[-1])
            out[key] = v
        rows.append(out)
    if raw_rows:
        for key in sorted(doubled):
            problems.append(f"{name}: more than one column means {key!r} ({', '.join(sorted(map(repr, doubled[key])))}"
                            " repeated it); the first one is used and the others are ignored")
    elif not problems:
        problems.append(f"{name}: the file is empty (no rows); the catalog is read without metadata")
    for k in sorted(dropped):
        problems.append(f"{name}: column {k!r} has no usable name; dropped")
    for k, new in sorted(renamed.items()):
        problems.append(f"{name}: column {k!r} renamed to {new!r} (keys are letters, digits and _)")
    for k, where in sorted(truncated.items()):
        more = f" and {len(where) - 5} more" if len(where) > 5 else ""
        problems.append(f"{name}: {k} longer than {MAX_TEXT} characters, truncated on line(s) "
                        f"{', '.join(where[:5])}{more}")
    for k, where in sorted(repaired.items()):
        more = f" and {len(where) - 5} more" if len(where) > 5 else ""
        problems.append(f"{name}: {k} had invalid or control characters (removed, or shown as U+FFFD) on line(s) "
                        f"{', '.join(where[:5])}{more}")
    return rows, problems


def _item_from_row(item_id: str, path: Path, row: dict, problems: list[str] | None = None) -> Item:
    extra = {k: _clean(v) for k, v in row.items()
             if k not in META_FIELDS and k not in _FILE_KEYS and k != "id" and v not in (None, "")}
    price, why = parse_price(row.get("price"))
    if why and problems is not None:
        where = getattr(row, "where", "") or display_name(path.name)
        problems.append(f"{where}: {why}" + ("; left empty" if price is None else ""))
    return Item(
        id=item_id, path=path, name=_clean(row.get("name")), category=_clean(row.get("category")).lower(),
        colour=_clean(row.get("colour")).lower(), pattern=_clean(row.get("pattern")).lower(),
        price=price, description=_clean(row.get("description")), extra=extra,
    )


def safe_id(raw: str) -> str:
    """An id usable everywhere: no path tricks, no control or invisible characters, valid UTF-8."""
    s = unicodedata.normalize("NFC", _INVISIBLE.sub("", _SURROGATES.sub("", str(raw))))
    s = "".join(ch for ch in s if ch.isprintable()).strip().replace("\\", "/")
    parts = [p.strip() for p in s.split("/")]
    return "/".join(p for p in parts if p not in ("", ".", ".."))[:MAX_ID]


def fallback_id(rel: str) -> str:
    """A stable id for a file whose name cleans to nothing (' .jpg', a zero-width space): from its path bytes."""
    return "item-" + hashlib.sha1(os.fsencode(rel)).hexdigest()[:12]


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
        if not _is_valid_text(str(p.relative_to(root))):
            if skipped is not None:
                skipped.append({"path": display_name(p), "reason": "its name is not valid UTF-8 text; rename the file"})
            continue
        out.append(p)
    return out


def _is_valid_text(s: str) -> bool:
    return not _SURROGATES.search(s)


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
            key = next((_clean(row[k]) for k in _FILE_KEYS if row.get(k)), "") or _clean(row.get("id"))
            if key:
                by_key.setdefault(key.replace("\\", "/"), row)
    items = []
    used: set[int] = set()
    for p in _images_under(root, skipped):
        rel = p.relative_to(root).as_posix()
        stem_rel = rel.rsplit(".", 1)[0]
        row = by_key.get(rel) or by_key.get(p.name) or by_key.get(stem_rel) or by_key.get(p.stem) or {}
        if row:
            used.add(id(row))
        item_id = safe_id(_clean(row.get("id")) or stem_rel) or safe_id(stem_rel)
        if not item_id:
            item_id = fallback_id(rel)
            problems.append(f"{display_name(rel)}: its name has no usable characters; indexed as id {item_id!r}")
        items.append(_item_from_row(item_id, p, row, problems))
    unmatched = [r for r in rows if id(r) not in used]
    for r in unmatched[:50]:
        key = next((_clean(r[k]) for k in _FILE_KEYS if r.get(k)), "") or _clean(r.get("id"))
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
    by_id = {_clean(r.get("id")): r for r in rows if r.get("id")}
    items, skipped = [], []
    for p in _images_under(root / "images", skipped):
        row = by_id.get(p.stem, {})
        item = _item_from_row(safe_id(p.stem) or fallback_id(p.name), p, row, problems)
        if not item.description and row:
            item.description = " ".join(_clean(row.get(k)) for k in ("gender", "usage", "season") if row.get(k))
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


def check_regular_file(path: str | Path, what: str = "file") -> Path:
    """The path if it names a readable regular file; else an AtelierError (a FIFO would hang the reader)."""
    p = Path(path).expanduser()
    try:
        st_ = os.stat(p)
    except FileNotFoundError:
        raise AtelierError(f"The {what} {display_name(p)} does not exist.") from None
    except OSError as exc:
        raise AtelierError(f"Cannot read the {what} {display_name(p)}: {exc.strerror or exc}.") from None
    if stat.S_ISDIR(st_.st_mode):
        raise AtelierError(f"The {what} {display_name(p)} is a folder; give a file.")
    if not stat.S_ISREG(st_.st_mode):
        raise AtelierError(f"The {what} {display_name(p)} is not a regular file (a pipe or a device); give a file.")
    if not os.access(p, os.R_OK):
        raise AtelierError(f"The {what} {display_name(p)} cannot be read (permission denied).")
    return p
