"""Chroma clients: one persistent client per folder and one HTTP client per server in this process, a timeout on
every server call, and the storage and server faults a user can fix as clear messages."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Iterator

from core.config import Settings
from core.errors import AtelierError, IndexUnavailableError

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


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def persistent_client(path: Path):
    import chromadb

    key = str(path.resolve())
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = chromadb.PersistentClient(path=key, settings=_chroma_settings())
        return _CLIENTS[key]


def cached_http_client(settings: Settings, fresh: bool = False):
    """One HTTP client per server and process (a new one costs a heartbeat round trip)."""
    key = f"http://{settings.chroma_host}:{settings.chroma_port}"
    with _CLIENTS_LOCK:
        client = None if fresh else _CLIENTS.get(key)
    if client is None:
        client = http_client(settings.chroma_host, settings.chroma_port, settings.chroma_token)
        with _CLIENTS_LOCK:
            _CLIENTS[key] = client
    return client


def forget_client(path: Path) -> None:
    """Drops the cached persistent client of a folder about to be deleted (Chroma caches clients by path)."""
    with _CLIENTS_LOCK:
        _CLIENTS.pop(str(path.resolve()), None)


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


def http_client(host: str, port: int, token: str | None = None):
    """A client of `chroma run`; with a token, every request carries `Authorization: Bearer <token>` (the
    server's gate, core/chroma_gate.py, refuses requests without it)."""
    import chromadb

    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        _timed_api()
        client = chromadb.HttpClient(host=host, port=int(port), settings=_chroma_settings(), headers=headers)
        client.heartbeat()
        return client
    except AtelierError:
        raise
    except Exception as exc:  # connection refused, DNS, TLS, no answer ...
        if "401" in str(exc) or "Unauthorized" in str(exc):
            raise IndexUnavailableError(
                f"The Chroma server at {host}:{port} refused this app's credential: set CHROMA_TOKEN to the "
                "server's token.") from exc
        raise server_error(exc, host, port) from exc


def get_or_create(client, name: str, metadata: dict):
    return client.get_or_create_collection(
        name, metadata=metadata, embedding_function=None,
        configuration={"hnsw": {"space": "cosine", "ef_construction": 200, "ef_search": 200}},
    )


def fetch_rows(col, include: list[str], batch: int = 5000, ids: list[str] | None = None) -> Iterator[dict]:
    """The collection's rows in batches, without offset paging (Chroma's cost grows with the offset):
    every id in one ids-only `get`, then `get(ids=...)` batch by batch."""
    if ids is None:
        ids = col.get(include=[])["ids"]
    for start in range(0, len(ids), batch):
        yield col.get(ids=list(ids[start : start + batch]), include=include)
