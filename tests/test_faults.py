"""Faults: full disk, read-only folders, SIGKILLed writers, missing models, a Chroma server that is down,
and concurrent sessions sharing one encoder and index."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.testing.v1 import AppTest

from core.config import REPO_ROOT
from core.errors import AtelierError
from core.ingest import ingest_catalog
from core.profiles import ProfileStore
from core.search import SearchQuery, search_catalog
from core.store import IndexStore
from testkit.filesystems import tmpfs
from testkit.settings import tiny_settings


def test_full_disk_during_ingest_is_a_clear_message_and_recoverable(tmp_path, small_catalog, tiny_clip):
    with tmpfs(tmp_path / "small", "300k") as mnt:
        settings = tiny_settings(tmp_path, db_dir=mnt / "index")
        with pytest.raises(AtelierError, match="is full"):
            ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings)
        subprocess.run(["mount", "-o", "remount,size=64m", str(mnt)], check=True)
        report = ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings)
        assert report.added == 12


def test_read_only_index_folder_is_a_clear_message(tmp_path):
    with tmpfs(tmp_path / "ro", "1m", readonly=True) as mnt:
        with pytest.raises(AtelierError, match="Read-only|read-only"):
            IndexStore(tiny_settings(tmp_path, db_dir=mnt / "index"))


def test_full_disk_for_profiles_is_a_clear_message_and_keeps_committed_data(tmp_path):
    with tmpfs(tmp_path / "p", "1m") as mnt:
        store = ProfileStore(f"sqlite:///{mnt / 'profiles.sqlite3'}")
        p = store.create("Dora")
        store.mark(p.id, "kept", "like")
        filler = mnt / "filler"
        with open(filler, "wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        with pytest.raises(AtelierError, match="full"):
            for i in range(2000):  # until SQLite needs a new page
                store.save_artefact(p.id, "design", os.urandom(4096), {"n": i})
        filler.unlink()
        assert store.items(p.id, "like") == ["kept"]


PROFILE_WRITER = """
import sys
from core.profiles import ProfileStore
s = ProfileStore(sys.argv[1])
p = s.get_or_create("K")
i = 0
while True:
    s.mark(p.id, f"item-{i}", "like")
    print(f"item-{i}", flush=True)  # acknowledged: the transaction has committed
    i += 1
"""


def test_sigkilled_writer_loses_no_committed_mark_and_leaves_a_sound_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.sqlite3'}"
    proc = subprocess.Popen([sys.executable, "-c", PROFILE_WRITER, url], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            text=True, env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"})
    acked = []
    deadline = time.time() + 60
    while len(acked) < 150 and time.time() < deadline:
        acked.append(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(tmp_path / "k.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    store = ProfileStore(url)
    have = set(store.items(store.get("K").id, "like"))
    assert set(a for a in acked if a) <= have


@pytest.fixture
def clean_studio_cache(monkeypatch, tmp_path):
    from core.ui import get_studio

    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    get_studio.clear()
    yield
    get_studio.clear()


def test_missing_model_folder_is_a_clear_message_in_the_ui(clean_studio_cache, monkeypatch, tmp_path):
    monkeypatch.setenv("ATELIER_ENCODER", str(tmp_path / "no-such-model"))
    at = AppTest.from_file(str(REPO_ROOT / "Home.py"), default_timeout=120).run()
    assert not at.exception
    assert any("Could not load the CLIP-family model" in e.value for e in at.error)


def test_chroma_server_down_is_a_clear_message_in_the_ui(clean_studio_cache, monkeypatch, tiny_clip_dir):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))
    monkeypatch.setenv("ATELIER_ENCODER", str(tiny_clip_dir))
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "1_Discover.py"), default_timeout=120).run()
    assert not at.exception
    assert any("is not reachable" in e.value for e in at.error)


def test_concurrent_sessions_share_one_encoder_and_index_safely(sample_studio):
    queries = [SearchQuery(text=t, page_size=10) for t in ("red dress", "navy coat", "striped shirt", "bag", "jeans",
                                                           "floral skirt", "black sneakers", "yellow hoodie")] * 3
    sequential = [[h.id for h in search_catalog(sample_studio.index, sample_studio.encoder, q).hits] for q in queries]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(lambda q: [h.id for h in search_catalog(sample_studio.index, sample_studio.encoder, q).hits],
                                 queries))
    assert parallel == sequential
