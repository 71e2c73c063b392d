"""The HTTP path: a real `chroma run` on loopback; ingest and search through it; outage and recovery."""
import pytest

from core.config import load_settings
from core.errors import IndexUnavailableError
from core.ingest import ingest_catalog
from core.search import CatalogIndex, SearchQuery, search_catalog
from core.store import IndexStore, collection_name
from testkit.servers import free_port, start_chroma

pytestmark = pytest.mark.server


def test_ingest_and_search_through_a_chroma_server(tmp_path, small_catalog, tiny_clip):
    port = free_port()
    server = start_chroma(tmp_path / "server-data", port)
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
        server = start_chroma(tmp_path / "server-data", port)
        assert search_catalog(index, tiny_clip, SearchQuery(text="red")).total == 11  # recovered, data kept
    finally:
        server.kill()
        server.wait()
