"""Store: one collection per encoder, and ingest in another process while this one keeps searching."""
import os
import subprocess
import sys
import time
from pathlib import Path

from core.ingest import ingest_catalog
from core.search import CatalogIndex, SearchQuery, search_catalog
from core.store import IndexStore, collection_name
from testkit.settings import tiny_settings

REPO = Path(__file__).resolve().parent.parent


def test_each_encoder_gets_its_own_collection(tmp_path, small_catalog, tiny_clip, tiny_siglip_dir):
    from core.encoders.clip import ClipEncoder

    siglip = ClipEncoder(tiny_siglip_dir)
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    ingest_catalog(small_catalog, store, tiny_clip, settings)
    ingest_catalog(small_catalog, store, siglip, settings)
    names = store.list_collections()
    assert collection_name("sample", tiny_clip.info.slug) in names
    assert collection_name("sample", siglip.info.slug) in names
    for enc in (tiny_clip, siglip):
        col = store.reader_collection(collection_name("sample", enc.info.slug))
        assert col.count() == 12 and col.metadata["dim"] == enc.info.dim


def test_ingest_in_another_process_never_hides_or_corrupts_data(tmp_path, small_catalog, tiny_clip_dir, tiny_clip):
    """A reader searching in a loop sees the old catalog, then the new one; never an error or a partial state."""
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    ingest_catalog(small_catalog, store, tiny_clip, settings)
    index = CatalogIndex(store, collection_name("sample", tiny_clip.info.slug))
    more = Path(__file__).resolve().parent.parent / "assets" / "sample_catalog" / "images"
    for n, p in enumerate(sorted(more.iterdir())[:60]):
        (small_catalog / "images" / f"extra-{n}.jpg").write_bytes(p.read_bytes())
    env = dict(os.environ, ATELIER_DB_DIR=str(settings.index_dir), ATELIER_ENCODER=str(tiny_clip_dir),
               PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "core", "ingest", str(small_catalog)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = set()
    deadline = time.time() + 180
    while time.time() < deadline:
        page = search_catalog(index, tiny_clip, SearchQuery(text="red dress", page_size=100))
        seen.add(page.total)
        if proc.poll() is not None and page.total == 72:
            break
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]
    assert seen <= {12, 72} and 72 in seen  # old or new, nothing in between


def test_second_writer_is_refused_with_a_clear_message(tmp_path):
    import pytest

    from core.errors import AtelierError

    store = IndexStore(tiny_settings(tmp_path))
    with store.writer():
        with pytest.raises(AtelierError, match="Another ingest"):
            with store.writer():
                pass


def test_unwritable_index_folder_is_a_clear_error(tmp_path):
    import pytest

    from core.errors import IndexUnavailableError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(IndexUnavailableError, match="index folder"):
        IndexStore(tiny_settings(tmp_path).__class__(db_dir=blocker / "index"))


def test_first_start_builds_wait_for_each_other_instead_of_failing(tmp_path, small_catalog, tiny_clip):
    import threading

    from core.studio import ensure_catalog_index, open_studio

    settings = tiny_settings(tmp_path, catalog_dir=small_catalog)
    results, errors = [], []

    def visitor():
        try:
            results.append(ensure_catalog_index(open_studio(settings, encoder=tiny_clip)))
        except Exception as exc:  # noqa: BLE001 - the point is that none happens
            errors.append(exc)

    threads = [threading.Thread(target=visitor) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert sum(r.added for r in results if r is not None) == 12  # built once, not three times


def test_first_start_builds_the_index_in_small_batches(monkeypatch):
    """The app's first start encodes 8 images at a time: 677 MiB peak resident for the sample index instead of
    1014 MiB with 32, so a 1 GB Community Cloud box can build it (bench/bench_cloud.py, README: Deployment)."""
    import core.studio as studio_mod

    seen = {}

    def fake_ingest(*args, **kwargs):
        seen.update(kwargs)
        return "report"

    class Empty:
        def count(self):
            return 0

    class FakeStudio:
        index = sketch_index = Empty()
        settings = type("S", (), {"catalog_dir": "x", "catalog_name": "sample"})()
        store = encoder = None

    monkeypatch.setattr(studio_mod, "ingest_catalog", fake_ingest)
    assert studio_mod.ensure_catalog_index(FakeStudio()) == "report"
    assert seen["batch_size"] == studio_mod.FIRST_START_BATCH <= 8
    assert seen["wait_for_lock"] is True
