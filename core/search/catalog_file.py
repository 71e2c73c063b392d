"""A large catalog's local catalog file: ids, filter columns and the word index of one published version, one
SQLite file per host (`<index folder>/cache/`), built once from a collection's metadata and read by every
process on the host (core.lexical reads and writes its tables)."""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from pathlib import Path

from core.chroma_client import fetch_rows
from core.config import Settings
from core.errors import IndexUnavailableError
from core.lexical import CATALOG_FILE_FORMAT, build_catalog_file

log = logging.getLogger(__name__)


def catalog_file_path(settings: Settings, index_root: Path, name: str, version: str | None) -> Path:
    """Where this host keeps the catalog file of collection `name` at `version` (per server or local folder)."""
    where = settings.chroma_host or index_root
    digest = hashlib.sha1(f"{where}|{version}|{CATALOG_FILE_FORMAT}".encode()).hexdigest()
    return index_root / "cache" / f"{name}-{digest[:16]}.sqlite"


def ensure_catalog_file(path: Path, collection, settings: Settings, name: str, guard=None) -> Path:
    """The catalog file at `path`, built from `collection` when missing: once, under a file lock, so two app
    processes do not both build it; earlier versions' files are removed. `guard(fn, *args)` runs the local
    build (the index turns a failed Chroma read into one clear error)."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.is_file():
            t0 = time.perf_counter()
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            try:
                n = write_catalog_file(tmp, collection, settings, name, guard)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
            log.info("catalog file of %s: %d items in %.1f s", name, n, time.perf_counter() - t0)
            for old in path.parent.glob(f"{name}-*.sqlite"):  # earlier versions' files
                if old != path:
                    old.unlink(missing_ok=True)
    return path


def write_catalog_file(out: Path, collection, settings: Settings, name: str, guard=None) -> int:
    """Writes the catalog file; the number of items. With a Chroma server the build runs in a child process:
    fetching a million items' metadata leaves ~350 MiB of fragmented heap behind that a replica would otherwise
    carry for its whole life (bench_scale at 1M: 987 MiB resident after an in-process build, 645 MiB reading the
    file). The local persistent client is not process-safe, so a local index builds here."""
    if not settings.chroma_host:
        batches = ((got["ids"], got["metadatas"]) for got in fetch_rows(collection, ["metadatas"]))
        return guard(build_catalog_file, out, batches) if guard else build_catalog_file(out, batches)
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "core.lexical", "build-from-server", str(settings.chroma_host),
           str(settings.chroma_port), name, str(out)]
    root = Path(__file__).resolve().parent.parent.parent  # the repository (core/search/ is two below it)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    if settings.chroma_token:  # the server's credential: in the environment, never on the command line
        env["CHROMA_TOKEN"] = settings.chroma_token
    done = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise IndexUnavailableError(f"Building the local catalog file of '{name}' failed: {tail[0]}")
    return int(done.stdout.strip().splitlines()[-1])
