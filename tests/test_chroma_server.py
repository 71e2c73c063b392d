"""The HTTP path: a real `chroma run` on loopback; ingest and search through it; outage and recovery."""
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import load_settings
from core.errors import IndexUnavailableError
from core.ingest import ingest_catalog
from core.search import CatalogIndex, SearchQuery, search_catalog
from core.store import IndexStore, collection_name


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(path: Path, port: int) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("chroma run did not start")


def test_ingest_and_search_through_a_chroma_server(tmp_path, small_catalog, tiny_clip):
    port = _free_port()
    server = _start(tmp_path / "server-data", port)
    try:
        settings = load_settings(chroma_host="127.0.0.1", chroma_port=port)
        store = IndexStore(settings)
        report = ingest_catalog(small_catalog, store, tiny_clip, settings)
        assert report.added == 12
        index = CatalogIndex(store, collection_name("sample", tiny_clip.info.slug))
        page = search_catalog(index, tiny_clip, SearchQuery(text="red", page_size=5))
        assert len(page.hits) == 5 and page.total == 12
        v1 = store.version(index.name)
        (small_catalog / "images" / sorted(p.name for p in (small_catalog / "images").iterdir())[0]).unlink()
        ingest_catalog(small_catalog, store, tiny_clip, settings)
        assert store.version(index.name) != v1
        assert search_catalog(index, tiny_clip, SearchQuery(text="red")).total == 11  # snapshot refreshed

        server.kill()
        server.wait()
        with pytest.raises(IndexUnavailableError, match="not reachable"):
            search_catalog(index, tiny_clip, SearchQuery(text="red"))
        server = _start(tmp_path / "server-data", port)
        assert search_catalog(index, tiny_clip, SearchQuery(text="red")).total == 11  # recovered, data kept
    finally:
        server.kill()
        server.wait()
