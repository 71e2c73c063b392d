"""What every verb shares: the common flags, flags -> settings, output and input checks, progress, JSON lines."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from core.errors import AtelierError

IMAGE_OUT_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MAX_SEED = 2**32 - 1


def add_common(sp) -> None:
    """The flags every catalog-reading verb takes."""
    sp.add_argument("--db", help="index folder (default: data/index or ATELIER_DB_DIR)")
    sp.add_argument("--collection", help="catalog name; the collection is <name>--<encoder>")
    sp.add_argument("--encoder", help="auto | lite | clip | a CLIP-family Hugging Face id or folder")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
    sp.add_argument("-v", "--verbose", action="store_true")


def to_json(obj, indent: int | None = None) -> str:
    from core.validate import json_line

    return json_line(obj, indent)


def settings_from(args, **more):
    """The settings with the command line's --db, --collection and --encoder (and `more`) over them."""
    from core.config import load_settings

    over = {}
    if getattr(args, "db", None):
        over["db_dir"] = Path(args.db)
    if getattr(args, "collection", None):
        over["catalog_name"] = args.collection
    if getattr(args, "encoder", None):
        over["encoder"] = args.encoder
    return load_settings(**over, **more)


def out_image(path: str, flag: str = "--out") -> Path:
    """An output image path checked before any work: an image extension, not a folder, a folder (or none) above."""
    from core.catalog import display_name

    out = Path(path).expanduser()
    if out.is_dir() or path.endswith(("/", os.sep)):
        raise AtelierError(f"{flag} {display_name(path)} is a folder; give a file name such as {Path(path) / 'design.png'}.")
    if out.suffix.lower() not in IMAGE_OUT_SUFFIXES:
        raise AtelierError(f"{flag} {display_name(path)} needs an image extension: {', '.join(IMAGE_OUT_SUFFIXES)}.")
    parent = next((p for p in out.absolute().parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise AtelierError(f"{flag} {display_name(path)}: {display_name(parent)} is a file, not a folder.")
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        raise AtelierError(f"{flag} {display_name(path)}: the folder {display_name(parent)} is not writable.")
    if out.exists() and not os.access(out, os.W_OK):
        raise AtelierError(f"{flag} {display_name(path)} exists and cannot be overwritten (read-only).")
    return out


def in_file(path: str | None, flag: str) -> None:
    from core.catalog import check_regular_file

    if path:
        check_regular_file(path, f"{flag} file")


def mkdir_for(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AtelierError(f"Cannot create the folder for {out}: {exc.strerror or exc}.") from exc


class Bar:
    """A plain-text progress bar on stderr (no extra dependency)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty() and os.environ.get("ATELIER_PROGRESS") != "1"
        self.last = -1

    def __call__(self, done: int, total: int, msg: str) -> None:
        if self.quiet or total <= 0:
            return
        pct = int(100 * done / total)
        if pct != self.last:
            self.last = pct
            bar = "#" * (pct // 4)
            print(f"\r[{bar:<25}] {pct:3d}% {msg[:50]:<50}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)
