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
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import Iterator

import numpy as np

from core.config import Settings
from core.errors import AtelierError, IndexUnavailableError

log = logging.getLogger(__name__)

KEEP_OLD_GENERATIONS = 2
MIN_SQLITE = (3, 35, 0)  # Chroma's floor


def storage_error(exc: BaseException, where: Path | str) -> AtelierError | None:
    """A clear message for the storage faults a user can fix (disk full, read-only), else None."""
    import errno

    text = f"{exc} {getattr(exc, '__cause__', '') or ''}".lower()
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC or "no space left" in text or "disk is full" in text or "database or disk is full" in text:
        return AtelierError(f"The disk holding {where} is full. Free some space and run it again; "
                            "the published data was not changed.")
    # Chroma's Rust core reports a full disk only as a failed write ("Failed to apply logs ..."): ask the disk.
    try:
        folder = Path(str(where).replace("sqlite:///", "")).resolve()
        while not folder.exists():
            folder = folder.parent
        if shutil.disk_usage(folder).free < 4 * 2**20:
            return AtelierError(f"The disk holding {where} is full. Free some space and run it again; "
                                "the published data was not changed.")
    except OSError:
        pass
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "read-only" in text or "readonly" in text:
        return AtelierError(f"{where} is read-only. Point ATELIER_DATA_DIR / ATELIER_DB_DIR at a writable folder.")
    return None


def check_sqlite() -> None:
    import sqlite3

    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise IndexUnavailableError(
            f"Chroma needs SQLite >= {'.'.join(map(str, MIN_SQLITE))}, this Python has {sqlite3.sqlite_version}. "
            "Use Python 3.11 on a current OS image (Streamlit Community Cloud's has 3.40+).")
_CLIENTS: dict[str, object] = {}
_CLIENTS_LOCK = threading.Lock()


def collection_name(catalog: str, encoder_slug: str) -> str:
    """Chroma names: 3-512 chars of [a-zA-Z0-9._-], alphanumeric at both ends."""
    raw = f"{catalog}--{encoder_slug}"
    name = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in raw).strip("-._")
    return (name or "catalog")[:200].ljust(3, "0")


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _persistent_client(path: Path):
    import chromadb

    key = str(path.resolve())
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = chromadb.PersistentClient(path=key, settings=_chroma_settings())
        return _CLIENTS[key]


def chroma_timeout_s() -> float:
    """Seconds a Chroma server may take to answer one call (ATELIER_CHROMA_TIMEOUT_S, default 30): a server that
    accepts and never answers ends in a clear message instead of hanging every command."""
    raw = os.environ.get("ATELIER_CHROMA_TIMEOUT_S", "30")
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (value == value and 0 < value <= 3600):
        raise AtelierError(f"ATELIER_CHROMA_TIMEOUT_S={raw!r}: give seconds between 0 and 3600, such as 30.")
    return value


def _timed_api() -> None:
    """chromadb's HTTP client with a timeout on every request: its FastAPI client builds `httpx.Client(timeout=None)`,
    so a server that accepts and never answers hung every command. Its module's `httpx` name is pointed at a shim
    whose Client has a timeout (nothing else in the process changes); done once."""
    import types

    import chromadb.api.fastapi as fastapi
    import httpx

    if getattr(fastapi.httpx, "_atelier_timed", False):
        return

    class TimedClient(httpx.Client):
        def __init__(self, *args, timeout=None, **kw) -> None:
            t = chroma_timeout_s()
            super().__init__(*args, timeout=httpx.Timeout(t, connect=min(t, 5.0)), **kw)

    class Shim(types.ModuleType):
        def __getattr__(self, name):
            return getattr(httpx, name)

    shim = Shim("httpx")
    shim.Client = TimedClient
    shim._atelier_timed = True
    fastapi.httpx = shim


def server_error(exc: BaseException, host: str, port) -> IndexUnavailableError:
    """A failed call to a Chroma server as a message that names the server and what to do."""
    kind = type(exc).__name__
    chain, seen = exc, 0
    while chain is not None and seen < 8:  # chromadb re-raises httpx's ReadTimeout as ValueError("timed out")
        if "Timeout" in type(chain).__name__ or "timed out" in str(chain):
            kind = type(chain).__name__
            break
        chain, seen = chain.__cause__ or chain.__context__, seen + 1
    if "Timeout" in kind or "timed out" in str(exc):
        return IndexUnavailableError(
            f"The Chroma server at {host}:{port} did not answer within {chroma_timeout_s():g} s ({kind}). Check the "
            "server (`chroma run`), raise ATELIER_CHROMA_TIMEOUT_S, or unset CHROMA_HOST to use the local index.")
    return IndexUnavailableError(
        f"The Chroma server at {host}:{port} is not reachable ({kind}). "
        "Check that `chroma run` is up, or unset CHROMA_HOST to use the local index.")


def http_client(host: str, port: int):
    import chromadb

    try:
        _timed_api()
        client = chromadb.HttpClient(host=host, port=int(port), settings=_chroma_settings())
        client.heartbeat()
        return client
    except AtelierError:
        raise
    except Exception as exc:  # connection refused, DNS, TLS, no answer ...
        raise server_error(exc, host, port) from exc


def _get_or_create(client, name: str, metadata: dict):
    return client.get_or_create_collection(
        name, metadata=metadata, embedding_function=None,
        configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 200}},
    )


class IdTable(Sequence):
    """A million ids in ~30 bytes each: one utf-8 blob + offsets, found by (process-local) hash.

    A list of str plus a dict id -> row costs ~150 bytes per item; this is what lean snapshots keep.
    Reads like `list[str]` (`ids[n]`), and `positions` reads like `dict[str, int]`.
    """

    def __init__(self, ids: list[str]) -> None:
        self._build([self.encode_batch(ids)])

    @staticmethod
    def encode_batch(ids: list[str]) -> tuple[bytes, np.ndarray, np.ndarray]:
        """One batch of ids as (utf-8 blob, lengths, hashes): what the table keeps of them."""
        encoded = [i.encode() for i in ids]
        return (b"".join(encoded), np.fromiter(map(len, encoded), np.int64, len(encoded)),
                np.fromiter(map(hash, ids), np.int64, len(ids)))

    @classmethod
    def from_parts(cls, parts: list[tuple[bytes, np.ndarray, np.ndarray]]) -> "IdTable":
        """From `encode_batch` results in row order: a million ids never exist as a million str objects at once
        (a load that did that peaked 250 MiB above its result and left a replica's heap fragmented)."""
        table = cls.__new__(cls)
        table._build(parts)
        return table

    def _build(self, parts: list[tuple[bytes, np.ndarray, np.ndarray]]) -> None:
        lengths = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        hashes = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
        small = int(lengths.sum()) < 2**31
        self._offsets = np.zeros(len(lengths) + 1, np.int32 if small else np.int64)
        np.cumsum(lengths, out=self._offsets[1:])
        self._blob = b"".join(p[0] for p in parts)
        self._order = np.argsort(hashes, kind="stable").astype(np.int32 if len(hashes) < 2**31 else np.int64)
        self._sorted = hashes[self._order]
        self.positions = _Positions(self)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, n):
        if isinstance(n, slice):
            return [self[k] for k in range(*n.indices(len(self)))]
        n = int(n)
        if n < 0:
            n += len(self)
        return self._blob[self._offsets[n] : self._offsets[n + 1]].decode()

    def position(self, item_id: str) -> int | None:
        h = hash(item_id)
        k = int(np.searchsorted(self._sorted, h))
        while k < len(self._sorted) and self._sorted[k] == h:
            row = int(self._order[k])
            if self[row] == item_id:
                return row
            k += 1
        return None

    def rows_of(self, ids: list[str]) -> np.ndarray:
        """The row of each id (-1 where absent), one vectorised search for the lot (an over-fetched HNSW
        answer is thousands of ids)."""
        if not ids:
            return np.zeros(0, np.int64)
        hashes = np.fromiter((hash(i) for i in ids), np.int64, len(ids))
        k = np.searchsorted(self._sorted, hashes)
        k_safe = np.minimum(k, len(self._sorted) - 1)
        rows = np.where(self._sorted[k_safe] == hashes, self._order[k_safe], -1).astype(np.int64)
        for n in np.flatnonzero(rows >= 0):  # confirm the text (hash collisions walk on)
            if self[int(rows[n])] != ids[n]:
                rows[n] = -1 if (row := self.position(ids[n])) is None else row
        return rows

    @property
    def nbytes(self) -> int:
        return len(self._blob) + self._offsets.nbytes + self._order.nbytes + self._sorted.nbytes


class _Positions(Mapping):
    def __init__(self, table: IdTable) -> None:
        self._table = table

    def __getitem__(self, item_id: str) -> int:
        row = self._table.position(item_id) if isinstance(item_id, str) else None
        if row is None:
            raise KeyError(item_id)
        return row

    def __contains__(self, item_id) -> bool:
        return isinstance(item_id, str) and self._table.position(item_id) is not None

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


@dataclass
class Snapshot:
    """An in-memory copy of a collection for exact search and metadata filters.

    A *lean* snapshot (collections above the exact-search threshold) keeps only the ids and the filter
    columns (~50 bytes per item): `embeddings` and `metadatas` are None, and both are fetched by id.
    """

    version: str
    ids: Sequence[str]
    index_of: Mapping[str, int]
    embeddings: np.ndarray | None  # (n, dim) float32, L2-normalised; None when lean
    metadatas: list[dict] | None  # None when lean
    columns: dict[str, np.ndarray]  # category/colour/pattern (lower-case str) and price (float) as arrays
    collection_metadata: dict
    codes: dict[str, tuple[dict[str, int], np.ndarray]]  # categorical column -> (value -> code, int32 codes)

    @property
    def lean(self) -> bool:
        return self.embeddings is None

    def isin(self, column: str, values: list[str]) -> np.ndarray:
        """Rows whose `column` is one of `values`, on integer codes (string compares cost ~30 ms at 100k)."""
        vocab, codes = self.codes[column]
        table = np.zeros(len(vocab), bool)  # code -> wanted: one gather per row (np.isin sorts them)
        table[[vocab[v] for v in values if v in vocab]] = True
        return table[codes]

    def rows_of(self, ids: list[str]) -> np.ndarray:
        """The row of each id, -1 where this snapshot does not hold it (published since)."""
        if isinstance(self.ids, IdTable):
            return self.ids.rows_of(ids)
        get = self.index_of.get
        return np.fromiter((get(i, -1) for i in ids), np.int64, len(ids))

    def label(self, column: str, row: int) -> str:
        """The (lower-case) category/colour/pattern of one row, read from its code (lean snapshots keep no strings)."""
        vocab, codes = self.codes[column]
        names = getattr(self, "_names", None) or {}
        if column not in names:
            names[column] = list(vocab)
            self._names = names
        return names[column][int(codes[row])]

    def column_bytes(self) -> int:
        """Memory held for ids and filter columns (the string columns share one object per distinct value)."""
        ids = self.ids.nbytes if isinstance(self.ids, IdTable) else 0
        return ids + sum(c.nbytes for _, c in self.codes.values()) + sum(c.nbytes for c in self.columns.values())

    @classmethod
    def build(cls, version: str, ids, embeddings, metadatas, collection_metadata) -> "Snapshot":
        emb = np.asarray(embeddings, np.float32).reshape(len(ids), -1) if len(ids) else np.zeros((0, 1), np.float32)
        columns, codes = _columns([metadatas])
        return cls(version, list(ids), {i: n for n, i in enumerate(ids)}, emb, list(metadatas), columns,
                   dict(collection_metadata or {}), codes)

    @classmethod
    def build_lean(cls, version: str, batches, collection_metadata) -> "Snapshot":
        """From (ids, metadatas) fetched in batches, kept only as integer codes and a price array."""
        parts: list[tuple[bytes, np.ndarray, np.ndarray]] = []  # ids batch by batch, compact

        def metadatas():
            for batch_ids, metas in batches:
                parts.append(IdTable.encode_batch(batch_ids))
                yield metas

        columns, codes = _columns(metadatas(), strings=False)
        table = IdTable.from_parts(parts)
        del parts
        return cls(version, table, table.positions, None, None, columns, dict(collection_metadata or {}), codes)


def _columns(metadata_batches, strings: bool = True) -> tuple[dict[str, np.ndarray], dict]:
    """category/colour/pattern as int32 codes (+, when `strings`, an object array sharing one str per value:
    8 bytes a row that lean snapshots do without) and price."""
    vocabs: dict[str, dict[str, int]] = {k: {} for k in ("category", "colour", "pattern")}
    parts: dict[str, list[np.ndarray]] = {k: [] for k in (*vocabs, "price")}
    for metas in metadata_batches:
        for k, vocab in vocabs.items():
            parts[k].append(np.array([vocab.setdefault(str((m or {}).get(k, "") or "").lower(), len(vocab))
                                      for m in metas], np.int32))
        parts["price"].append(np.array([float((m or {}).get("price", -1.0) or -1.0) for m in metas], np.float64))
    columns: dict[str, np.ndarray] = {}
    codes = {}
    for k, vocab in vocabs.items():
        c = np.concatenate(parts[k]) if parts[k] else np.zeros(0, np.int32)
        codes[k] = (vocab, c)
        if strings:
            values = np.empty(len(vocab), dtype=object)
            values[:] = list(vocab)  # one str object per distinct value, shared by every row
            columns[k] = values[c] if len(vocab) else np.zeros(0, dtype=object)
    columns["price"] = np.concatenate(parts["price"]) if parts["price"] else np.zeros(0, np.float64)
    return columns, codes


def fetch_rows(col, include: list[str], batch: int = 5000, ids: list[str] | None = None) -> Iterator[dict]:
    """The collection's rows in batches, without offset paging (Chroma's cost grows with the offset):
    every id in one ids-only `get`, then `get(ids=...)` batch by batch."""
    if ids is None:
        ids = col.get(include=[])["ids"]
    for start in range(0, len(ids), batch):
        yield col.get(ids=list(ids[start : start + batch]), include=include)


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
        """One HTTP client per server and process (a new one costs a heartbeat round trip)."""
        key = f"http://{self.settings.chroma_host}:{self.settings.chroma_port}"
        with _CLIENTS_LOCK:
            client = None if fresh else _CLIENTS.get(key)
        if client is None:
            client = http_client(self.settings.chroma_host, self.settings.chroma_port)
            with _CLIENTS_LOCK:
                _CLIENTS[key] = client
        return client

    def _reader_client(self):
        if self.remote:
            return self._http()
        gen = self.current_generation()
        if gen is None:
            return None
        path = self.root / "gens" / gen
        if not os.access(path, os.W_OK) or not os.access(path / "chroma.sqlite3", os.W_OK):
            path = self._readable_copy(path)
        return _persistent_client(path)

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
                yield Writer(http_client(host, port), remote=True)
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
            writer = Writer(_persistent_client(gen_dir), remote=False)
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
                with _CLIENTS_LOCK:
                    _CLIENTS.pop(str(old.resolve()), None)
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
        with _CLIENTS_LOCK:
            _CLIENTS.pop(str(gen_dir.resolve()), None)
        (self.root / "BUILDING").unlink(missing_ok=True)
        shutil.rmtree(gen_dir, ignore_errors=True)


class Writer:
    def __init__(self, client, remote: bool) -> None:
        self.client = client
        self.remote = remote
        self.changed = False

    def collection(self, name: str, metadata: dict):
        col = _get_or_create(self.client, name, metadata)
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
