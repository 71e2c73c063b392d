"""Chroma storage: one collection per (catalog, encoder); persistent on disk or a Chroma server over HTTP.

The persistent client is not process-safe, so on disk an index is a series of *generations*:
an ingest copies the published generation, writes only to its copy, and publishes it by atomically
replacing the CURRENT pointer. Readers (the app) only ever open a published generation and switch on
their next query; a killed ingest leaves the published data untouched and is resumed on the next run.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Iterator

import numpy as np

from core.chroma_client import (MIN_SQLITE, cached_http_client, check_sqlite, chroma_timeout_s, fetch_rows,
                                forget_client, get_or_create, http_client, persistent_client, server_error,
                                storage_error)
from core.config import Settings
from core.errors import AtelierError, IndexUnavailableError
from core.snapshot import IdTable, Snapshot

log = logging.getLogger(__name__)

KEEP_OLD_GENERATIONS = 2
# Re-exported: callers import these from core.store (clients in core.chroma_client, columns in core.snapshot).
__all__ = ["KEEP_OLD_GENERATIONS", "MIN_SQLITE", "IdTable", "IndexStore", "Snapshot", "Writer", "check_sqlite",
           "catalog_collections", "chroma_timeout_s", "collection_name", "copy_generation", "fetch_rows", "http_client", "server_error",
           "storage_error"]


def collection_name(catalog: str, encoder_slug: str) -> str:
    """Chroma names: 3-512 chars of [a-zA-Z0-9._-], alphanumeric at both ends."""
    raw = f"{catalog}--{encoder_slug}"
    name = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in raw).strip("-._")
    return (name or "catalog")[:200].ljust(3, "0")


def catalog_collections(catalog: str, encoder_slug: str) -> tuple[str, str]:
    """A catalog's two collections, named here once: its items' vectors (one collection per encoder) and their
    outline shapes (the sketch index, whatever the encoder)."""
    from core.sketch import SKETCH_SLUG

    return collection_name(catalog, encoder_slug), collection_name(catalog, SKETCH_SLUG)



def copy_generation(src: Path, dst: Path) -> None:
    """A private copy of a published generation: copy-on-write (reflink) where the filesystem has it
    (btrfs, XFS, bcachefs: constant time), a plain copy elsewhere. bench/bench_scale.py prints what a plain
    copy costs next to the ingest time; with a Chroma server there are no generations at all."""
    t0 = time.perf_counter()
    cp = shutil.which("cp")
    done = False
    if cp and os.uname().sysname == "Linux":
        done = subprocess.run([cp, "-a", "--reflink=auto", str(src), str(dst)], capture_output=True).returncode == 0
        if not done:
            shutil.rmtree(dst, ignore_errors=True)
    if not done:
        try:
            shutil.copytree(src, dst)
        except BaseException:
            shutil.rmtree(dst, ignore_errors=True)  # a full disk must not keep a half copy that keeps it full
            raise
    log.info("copied generation %s in %.2f s", src.name, time.perf_counter() - t0)


class IndexStore:
    """Where collections live. `reader_collection` for queries, `writer()` for ingest."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.remote = bool(settings.chroma_host)
        self.root = settings.index_dir
        if not self.remote:
            check_sqlite()
            try:
                (self.root / "gens").mkdir(parents=True, exist_ok=True)
            except PermissionError as exc:
                raise IndexUnavailableError(f"The index folder {self.root} is not writable: {exc.strerror}.") from exc
            except OSError as exc:
                raise IndexUnavailableError(f"Cannot create the index folder {self.root}: {exc.strerror}.") from exc

    # ---- where -----------------------------------------------------------------------------------
    def describe(self) -> str:
        if self.remote:
            return f"Chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
        return f"local index {self.root} (generation {self.current_generation() or 'none'})"

    def current_generation(self) -> str | None:
        if self.remote:
            return None
        try:
            gen = (self.root / "CURRENT").read_text().strip()
        except FileNotFoundError:
            return None
        return gen if gen and (self.root / "gens" / gen).is_dir() else None

    def _http(self, fresh: bool = False):
        return cached_http_client(self.settings, fresh)

    def _reader_client(self):
        if self.remote:
            return self._http()
        gen = self.current_generation()
        if gen is None:
            return None
        path = self.root / "gens" / gen
        if not os.access(path, os.W_OK) or not os.access(path / "chroma.sqlite3", os.W_OK):
            path = self._readable_copy(path)
        return persistent_client(path)

    def _readable_copy(self, path: Path) -> Path:
        """Chroma opens its database for writing even to read it: a published generation in a read-only folder
        (a mounted volume, a shared install) is served from a private copy under the temp folder, made once per
        generation and process."""
        import hashlib
        import tempfile

        key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
        copy = Path(tempfile.gettempdir()) / f"atelier-readonly-{os.getuid()}-{key}"
        if not (copy / ".complete").exists():
            shutil.rmtree(copy, ignore_errors=True)
            try:
                shutil.copytree(path, copy)
                for p in [copy, *copy.rglob("*")]:
                    p.chmod(p.stat().st_mode | 0o600 | (0o100 if p.is_dir() else 0))
                (copy / ".complete").touch()
            except OSError as exc:
                shutil.rmtree(copy, ignore_errors=True)
                raise IndexUnavailableError(
                    "The index folder is read-only and there is no room for a private copy to read it from "
                    f"({exc.strerror or exc}). Point ATELIER_DB_DIR at a writable folder.") from exc
            log.info("index generation %s is read-only: reading it from a private copy", path.name)
        return copy

    # ---- reading ---------------------------------------------------------------------------------
    def reader_collection(self, name: str):
        """The published collection, or None when it has not been built yet."""
        client = self._reader_client()
        if client is None:
            return None
        for attempt in range(2):
            try:
                return client.get_collection(name, embedding_function=None)
            except Exception as exc:
                if "does not exist" in str(exc) or "NotFound" in type(exc).__name__:
                    return None
                if self.remote and attempt:
                    raise server_error(exc, self.settings.chroma_host, self.settings.chroma_port) from exc
                if not self.remote:
                    raise IndexUnavailableError(f"The index could not be opened ({type(exc).__name__}: {exc}).") from exc
                client = self._http(fresh=True)  # the server went away and back, or is down: says which
        return None

    def version(self, name: str) -> str | None:
        """Changes whenever the published data of `name` changes; cheap enough to call per query."""
        if not self.remote:
            gen = self.current_generation()
            return None if gen is None else f"{gen}"
        col = self.reader_collection(name)
        return None if col is None else str((col.metadata or {}).get("atelier_version", "0"))

    def load_snapshot(self, name: str, batch: int = 5000, lean: bool = False) -> Snapshot | None:
        """The collection in memory. lean=True keeps ids and filter columns only (no vectors, no metadata dicts)."""
        col = self.reader_collection(name)
        if col is None:
            return None
        version = self.version(name) or "0"
        try:
            ids = col.get(include=[])["ids"]
            if lean:
                rows = ((got["ids"], got["metadatas"]) for got in fetch_rows(col, ["metadatas"], batch, ids))
                return Snapshot.build_lean(version, rows, col.metadata)
            got_ids, embs, metas = [], [], []
            for got in fetch_rows(col, ["embeddings", "metadatas"], batch, ids):
                got_ids += got["ids"]
                embs.append(np.asarray(got["embeddings"], np.float32))
                metas += got["metadatas"]
        except IndexUnavailableError:
            raise
        except Exception as exc:
            raise IndexUnavailableError(f"The index {name} could not be read ({type(exc).__name__}: {exc}). "
                                        "Re-run `python -m core ingest` to rebuild it.") from exc
        emb = np.concatenate(embs) if embs else np.zeros((0, 1), np.float32)
        return Snapshot.build(version, got_ids, emb, metas, col.metadata)

    def list_collections(self) -> list[str]:
        client = self._reader_client()
        if client is None:
            return []
        return [c if isinstance(c, str) else c.name for c in client.list_collections()]

    # ---- writing ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self, wait: bool = False) -> Iterator["Writer"]:
        """Exclusive write access. On disk: a private copy of the published generation, published on exit.
        wait=True queues behind a running ingest instead of refusing (the app's first-start build)."""
        if self.remote:
            host, port = self.settings.chroma_host, self.settings.chroma_port
            try:
                yield Writer(http_client(host, port, self.settings.chroma_token), remote=True)
            except AtelierError:
                raise
            except Exception as exc:
                import httpx

                if isinstance(exc, (httpx.HTTPError, ConnectionError, TimeoutError)):
                    # the server went away mid-ingest: what was written stays; the next run writes the rest
                    clear = server_error(exc, host, port)
                    raise IndexUnavailableError(f"{clear} Items written before it stopped are kept: run the ingest "
                                                "again when it is back and it resumes.") from exc
                raise
            return
        lock_path = self.root / ".ingest.lock"
        try:
            lock_file = open(lock_path, "a+")
        except OSError as exc:  # a read-only index folder: reads work (from a private copy), writes are refused
            raise (storage_error(exc, self.root) or exc) from exc
        with lock_file as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise AtelierError("Another ingest is writing to this index right now; try again when it ends.") from exc
            try:
                gen_dir = self._prepare_generation()
            except OSError as exc:
                self._abandon_building()
                raise (storage_error(exc, self.root) or exc) from exc
            writer = Writer(persistent_client(gen_dir), remote=False)
            try:
                yield writer
                if writer.changed or self.current_generation() is None:
                    self._publish(gen_dir.name)
                else:
                    self._abandon(gen_dir)
            except Exception as exc:
                clear = storage_error(exc, self.root)
                if clear is None:
                    raise  # BUILDING stays: the next run resumes this generation
                self._abandon(gen_dir)  # free the space the private copy took
                raise clear from exc

    def _prepare_generation(self) -> Path:
        gens = self.root / "gens"
        current = self.current_generation()
        building = self.root / "BUILDING"
        if building.exists():
            name, _, base = building.read_text().strip().partition(" ")
            if (gens / name).is_dir() and base == (current or "-"):
                log.info("resuming the interrupted ingest in generation %s", name)
                return gens / name
            shutil.rmtree(gens / name, ignore_errors=True)
        # Never reuse a name: Chroma caches clients by path, and a failed one must not come back.
        numbers = [int(p.name[1:]) for p in gens.glob("g*") if p.name[1:].isdigit()]
        name = f"g{max(time.time_ns(), max(numbers, default=0) + 1)}"
        target = gens / name
        if current:
            copy_generation(gens / current, target)
        else:
            target.mkdir()
        tmp = building.with_suffix(".tmp")
        tmp.write_text(f"{name} {current or '-'}")
        os.replace(tmp, building)
        return target

    def _publish(self, name: str) -> None:
        tmp = self.root / "CURRENT.tmp"
        with open(tmp, "w") as fh:
            fh.write(name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / "CURRENT")  # the atomic step readers see
        (self.root / "BUILDING").unlink(missing_ok=True)
        gens = sorted(p for p in (self.root / "gens").glob("g*") if p.name[1:].isdigit())
        for old in gens[: max(0, len(gens) - 1 - KEEP_OLD_GENERATIONS)]:
            if old.name != name:
                forget_client(old)
                shutil.rmtree(old, ignore_errors=True)
        log.info("published index generation %s", name)

    def _abandon_building(self) -> None:
        building = self.root / "BUILDING"
        if building.exists():
            name = building.read_text().strip().partition(" ")[0]
            if name:
                self._abandon(self.root / "gens" / name)
            building.unlink(missing_ok=True)

    def _abandon(self, gen_dir: Path) -> None:
        forget_client(gen_dir)
        (self.root / "BUILDING").unlink(missing_ok=True)
        shutil.rmtree(gen_dir, ignore_errors=True)


class Writer:
    def __init__(self, client, remote: bool) -> None:
        self.client = client
        self.remote = remote
        self.changed = False

    def collection(self, name: str, metadata: dict):
        col = get_or_create(self.client, name, metadata)
        stored = col.metadata or {}
        if stored.get("encoder_slug") and stored.get("encoder_slug") != metadata.get("encoder_slug"):
            raise AtelierError(f"Collection {name} holds vectors of {stored.get('encoder_slug')}; refusing to mix spaces.")
        return col

    def mark_changed(self, col) -> None:
        self.changed = True
        if self.remote:  # tells other app processes that their snapshot is stale
            meta = dict(col.metadata or {})
            meta["atelier_version"] = f"{time.time():.6f}"
            col.modify(metadata=meta)
