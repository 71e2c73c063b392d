"""Text that is safe to print, store and index: names, cleaned values, metadata keys, ids, decoded files."""
from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import unicodedata
from pathlib import Path

META_FIELDS = ("name", "category", "colour", "pattern", "price", "description")
FILE_KEYS = ("file", "filename", "file_name", "image", "image_path", "path")
KEY_ALIASES = {"color": "colour", "basecolour": "colour", "basecolor": "colour", "title": "name",
               "productdisplayname": "name", "articletype": "category", "type": "category"}
# Keys ingest writes itself: a metadata column of the same name would be overwritten, so it is renamed.
RESERVED_KEYS = ("path", "fingerprint", "tagged_from_pixels", "width", "height")
MAX_TEXT = 500  # characters kept per metadata value (longer values are truncated and reported)
MAX_KEY = 64
MAX_ID = 200
SURROGATES = re.compile("[\ud800-\udfff]")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def display_name(value) -> str:
    """Any text or path made safe to print and store: undecodable bytes shown as \\xNN, never an exception."""
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    s = str(value)
    if SURROGATES.search(s):
        s = os.fsencode(s).decode("utf-8", "backslashreplace") if _is_escape_only(s) else SURROGATES.sub("\ufffd", s)
    return s


def _is_escape_only(s: str) -> bool:
    try:
        os.fsencode(s)
        return True
    except UnicodeError:
        return False


def is_valid_text(s: str) -> bool:
    return not SURROGATES.search(s)


def clean_text(value, limit: int = MAX_TEXT) -> tuple[str, bool]:
    """(text fit for an index: no lone surrogates, no control characters, at most `limit` characters, was_cut)."""
    if value is None:
        return "", False
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, default=str)[: limit + 1]
    s = CONTROL.sub("", SURROGATES.sub("\ufffd", str(value))).strip()
    return s[:limit], len(s) > limit


def clean(value) -> str:
    """The value as clean text (see clean_text), cut to MAX_TEXT characters."""
    return clean_text(value)[0]


def metadata_key(raw) -> str:
    """A metadata key Chroma accepts and filters can name: word characters only, no leading '#'/'$'."""
    key = unicodedata.normalize("NFKC", SURROGATES.sub("", str(raw))).strip().lower()
    key = re.sub(r"\W+", "_", key).strip("_")[:MAX_KEY]
    return KEY_ALIASES.get(key.replace("_", ""), key)


def safe_id(raw: str) -> str:
    """An id usable everywhere: no path tricks, no control or invisible characters, valid UTF-8."""
    s = unicodedata.normalize("NFC", _INVISIBLE.sub("", SURROGATES.sub("", str(raw))))
    s = "".join(ch for ch in s if ch.isprintable()).strip().replace("\\", "/")
    parts = [p.strip() for p in s.split("/")]
    return "/".join(p for p in parts if p not in ("", ".", ".."))[:MAX_ID]


def fallback_id(rel: str) -> str:
    """A stable id for a file whose name cleans to nothing (' .jpg', a zero-width space): from its path bytes."""
    return "item-" + hashlib.sha1(os.fsencode(rel)).hexdigest()[:12]


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
                text, legacy = _legacy_decode(body)
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
    text, enc = _legacy_decode(data)
    line = data[:bad_at].count(b"\n") + 1
    return text, f"{name}: not UTF-8 (first odd byte on line {line}); read as {enc} (guessed), check accented letters"


def _legacy_decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): Windows-1252, or Latin-1 where a byte is undefined in Windows-1252."""
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"
