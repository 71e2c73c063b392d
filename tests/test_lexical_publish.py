"""The lexical side follows what the ingest publishes: a local generation swap and a Chroma server alike."""
import pytest

from core.config import load_settings
from core.ingest import ingest_catalog
from core.search import CatalogIndex, SearchQuery, search_catalog
from core.store import IndexStore, collection_name
from testkit.servers import free_port, start_chroma


def _trainers(index, encoder):
    return search_catalog(index, encoder, SearchQuery(text="trainers", page_size=3))


def _check_republish(small_catalog, store, settings, tiny_clip):
    ingest_catalog(small_catalog, store, tiny_clip, settings)
    index = CatalogIndex(store, collection_name("sample", tiny_clip.info.slug))
    page = _trainers(index, tiny_clip)  # the tiny CLIP is random: only the words can find the sneakers
    assert page.matched == 1 and page.hits[0].id == "sneakers-025" and "words: trainers" in page.hits[0].why
    (small_catalog / "images" / "sneakers-025.jpg").unlink()
    ingest_catalog(small_catalog, store, tiny_clip, settings)
    page = _trainers(index, tiny_clip)
    assert page.matched == 0 and "sneakers-025" not in [h.id for h in page.hits]


def test_lexical_index_follows_a_local_generation_swap(tmp_path, small_catalog, tiny_clip):
    settings = load_settings(db_dir=tmp_path / "index")
    _check_republish(small_catalog, IndexStore(settings), settings, tiny_clip)


@pytest.mark.server
def test_lexical_index_follows_a_chroma_server(tmp_path, small_catalog, tiny_clip):
    port = free_port()
    server = start_chroma(tmp_path / "server-data", port)
    try:
        settings = load_settings(chroma_host="127.0.0.1", chroma_port=port)
        _check_republish(small_catalog, IndexStore(settings), settings, tiny_clip)
    finally:
        server.kill()
        server.wait()
