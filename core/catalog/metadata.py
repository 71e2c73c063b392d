"""Metadata files (CSV or JSONL) read into rows with normalised keys; every odd row, key or value is reported."""
from __future__ import annotations

import csv
import io
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from core.catalog.item import MetadataRow
from core.catalog.text import (CONTROL, FILE_KEYS, KEY_ALIASES, MAX_TEXT, RESERVED_KEYS, SURROGATES, decode_text,
                               display_name, metadata_key)
from core.errors import AtelierError

MAX_METADATA_BYTES = 512 * 1024 * 1024
_FIELD_LIMIT = 64 * 1024 * 1024  # csv's own limit (128 KiB) ended the file at the first long cell


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
    problems: list[str] = []
    name = display_name(path.name)
    # 1. the text, decoded with detection
    text = _decoded(path, name, problems)
    # 2. the rows as written: (where, dict or (header, cell) pairs)
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        raw_rows = _json_rows(text, name, problems)
    else:
        raw_rows = _csv_rows(text, name, problems)
    # 3. keys normalised, and what that changed noted
    keys = _KeyNotes()
    rows = [_normalised_row(where, row, keys) for where, row in raw_rows]
    # 4. what was changed, said once per key
    if raw_rows:
        for key in sorted(keys.doubled):
            problems.append(f"{name}: more than one column means {key!r} "
                            f"({', '.join(sorted(map(repr, keys.doubled[key])))} repeated it); the first one is used "
                            "and the others are ignored")
    elif not problems:
        problems.append(f"{name}: the file is empty (no rows); the catalog is read without metadata")
    problems += keys.problems(name)
    return rows, problems


def _decoded(path: Path, name: str, problems: list[str]) -> str:
    text, guessed = decode_text(_read_bytes(path), name)
    if guessed:
        problems.append(guessed)
    if "\x00" in text:  # NUL ends C strings downstream: removed, and said so
        problems.append(f"{name}: {text.count(chr(0))} NUL character(s) removed from cells")
        text = text.replace("\x00", "")
    return text


def _json_rows(text: str, name: str, problems: list[str]) -> list[tuple[str, dict]]:
    raw_rows = []
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
    return raw_rows


def _csv_rows(text: str, name: str, problems: list[str]) -> list[tuple[str, list]]:
    raw_rows = []
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
            raw_rows.append((where, list(zip(header, cells)) + [(h, None) for h in header[len(cells):]]))
        for start, end in spans[:20]:
            tail = (" to the end of the file: a quote is probably left open, and the rows after it were read "
                    "as the text of one cell" if end == last_line and (start, end) == spans[-1] else "")
            problems.append(f"{name}:{start}: one quoted cell runs over lines {start}-{end}{tail}")
    except csv.Error as exc:
        problems.append(f"{name}: CSV error {exc}; rows after line {reader.line_num} not read")
    finally:
        csv.field_size_limit(old)
    return raw_rows


@dataclass
class _KeyNotes:
    """What normalising the keys changed, gathered over every row and said once per key."""
    renamed: dict[str, str] = field(default_factory=dict)
    doubled: dict[str, set[str]] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)
    truncated: dict[str, list[str]] = field(default_factory=dict)
    repaired: dict[str, list[str]] = field(default_factory=dict)

    def problems(self, name: str) -> list[str]:
        out = [f"{name}: column {k!r} has no usable name; dropped" for k in sorted(self.dropped)]
        out += [f"{name}: column {k!r} renamed to {new!r} (keys are letters, digits and _)"
                for k, new in sorted(self.renamed.items())]
        for k, where in sorted(self.truncated.items()):
            out.append(f"{name}: {k} longer than {MAX_TEXT} characters, truncated on line(s) {_lines(where)}")
        for k, where in sorted(self.repaired.items()):
            out.append(f"{name}: {k} had invalid or control characters (removed, or shown as U+FFFD) on line(s) "
                       f"{_lines(where)}")
        return out


def _lines(where: list[str]) -> str:
    more = f" and {len(where) - 5} more" if len(where) > 5 else ""
    return f"{', '.join(where[:5])}{more}"


def _normalised_row(where: str, row, notes: _KeyNotes) -> MetadataRow:
    out = MetadataRow(where=where)
    line = where.rsplit(":", 1)[-1]
    for k, v in (row.items() if isinstance(row, dict) else row):
        if k is None:
            continue
        key = metadata_key(k)
        plain = str(k).strip().lower().replace(" ", "_")
        if not key:
            notes.dropped.add(display_name(k))
            continue
        if key in RESERVED_KEYS:
            key = f"meta_{key}"
        if key != KEY_ALIASES.get(plain.replace("_", ""), plain):
            notes.renamed[display_name(k)] = key
        if key in out:  # two columns that normalise to one key: the first wins, and that is said
            notes.doubled.setdefault(key, set()).add(display_name(k))
            continue
        if isinstance(v, str) and len(v) > MAX_TEXT and key not in FILE_KEYS and key != "id":
            notes.truncated.setdefault(key, []).append(line)
        if isinstance(v, str) and (SURROGATES.search(v) or CONTROL.search(v)):
            notes.repaired.setdefault(key, []).append(line)
        out[key] = v
    return out
