"""Issue 27.4: storage faults with clear messages and nothing left behind; a Chroma server that never answers;
batch lines that never print a traceback; masks read as the README says; outputs checked before the work."""
import io
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.__main__ import main
from core.errors import AtelierError
from core.images import load_image
from core.ingest import ingest_catalog
from core.search import CatalogIndex, SearchQuery, search_catalog
from core.store import IndexStore, collection_name
from testkit.filesystems import tmpfs
from testkit.settings import tiny_settings


def test_read_only_index_folder_serves_searches(tmp_path, small_catalog, tiny_clip):
    settings = tiny_settings(tmp_path)
    ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings)
    ro = tmp_path / "ro-index"
    ro.mkdir()
    res = subprocess.run(["mount", "--bind", str(settings.index_dir), str(ro)], capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {res.stderr.strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(ro)], check=True)
        ro_settings = tiny_settings(tmp_path, db_dir=ro)
        store = IndexStore(ro_settings)  # before: "attempt to write a readonly database" at the first search
        index = CatalogIndex(store, collection_name(ro_settings.catalog_name, tiny_clip.info.slug))
        hits = search_catalog(index, tiny_clip, SearchQuery(text="dress", page_size=3)).hits
        assert len(hits) == 3
        with pytest.raises(AtelierError, match="read-only|Read-only"):
            ingest_catalog(small_catalog, store, tiny_clip, ro_settings, catalog_name="other")
    finally:
        subprocess.run(["umount", "-l", str(ro)], check=False)


def test_failed_copy_on_a_full_disk_leaves_no_partial_copy(tmp_path, small_catalog, tiny_clip, monkeypatch):
    with tmpfs(tmp_path / "small", "48m") as mnt:
        settings = tiny_settings(tmp_path, db_dir=mnt / "index")
        ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings)
        gens = sorted(p.name for p in (mnt / "index" / "gens").iterdir())
        filler = mnt / "filler"
        with open(filler, "wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * 65536)
            except OSError:
                pass
        monkeypatch.setattr(shutil, "which", lambda name: None)  # the plain copy (no cp --reflink)
        (small_catalog / "catalog.csv").write_text((small_catalog / "catalog.csv").read_text().replace(",", ",", 1)
                                                   + "\n")
        Image.new("RGB", (64, 64), "purple").save(small_catalog / "new-item.png")
        with pytest.raises(AtelierError, match="full"):
            ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings)
        assert sorted(p.name for p in (mnt / "index" / "gens").iterdir()) == gens  # no half copy kept
        assert not (mnt / "index" / "BUILDING").exists()
        filler.unlink()
        assert ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings).added == 1


@pytest.fixture
def silent_server():
    """A loopback socket that accepts connections (the kernel's backlog) and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    yield srv.getsockname()[1]
    srv.close()


def test_chroma_server_that_never_answers_is_named_within_the_timeout(silent_server, tiny_clip_dir, monkeypatch,
                                                                     capsys, tmp_path):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(silent_server))
    monkeypatch.setenv("ATELIER_CHROMA_TIMEOUT_S", "2")
    t0 = time.perf_counter()
    code = main(["search", "--text", "red dress", "--encoder", str(tiny_clip_dir)])
    err = capsys.readouterr().err
    assert code == 1 and time.perf_counter() - t0 < 60
    assert f"127.0.0.1:{silent_server}" in err and "did not answer within 2 s" in err and "Traceback" not in err
    folder = tmp_path / "cat"
    folder.mkdir()
    Image.new("RGB", (64, 64), "red").save(folder / "a.png")
    code = main(["ingest", str(folder), "--encoder", str(tiny_clip_dir)])
    err = capsys.readouterr().err
    assert code == 1 and "did not answer" in err and "unexpected" not in err


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan"])
def test_chroma_timeout_setting_is_checked(value, monkeypatch):
    from core.store import chroma_timeout_s

    monkeypatch.setenv("ATELIER_CHROMA_TIMEOUT_S", value)
    with pytest.raises(AtelierError, match="ATELIER_CHROMA_TIMEOUT_S"):
        chroma_timeout_s()


def test_batch_line_with_lone_surrogate_answers_without_a_traceback(tmp_path, small_catalog, tiny_clip_dir, capfd):
    db = ["--db", str(tmp_path / "db"), "--encoder", str(tiny_clip_dir)]
    assert main(["ingest", str(small_catalog), *db]) == 0
    batch = tmp_path / "b.jsonl"
    batch.write_bytes(b'{"text": "red \\ud800 dress"}\n{"text": "\\udfff"}\n{"text": "coat", "k": 1}\n')
    capfd.readouterr()
    assert main(["search", "--batch", str(batch), *db]) == 0
    out, err = capfd.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3 and "surrogate" in lines[0] and "surrogate" in lines[1] and '"id"' in lines[2]
    assert "Traceback" not in err and "could not answer" not in out


def _strokes_mask(tmp_path) -> Path:
    m = Image.new("RGBA", (96, 96), (0, 0, 0, 0))
    ImageDraw.Draw(m).rectangle([20, 20, 60, 60], fill=(0, 0, 0, 255))  # opaque BLACK strokes on transparent
    m.save(tmp_path / "mask.png")
    return tmp_path / "mask.png"


def test_rgba_mask_with_opaque_black_strokes_reads_by_alpha(tmp_path):
    mask = np.asarray(load_image(_strokes_mask(tmp_path), as_mask=True)) > 127
    assert mask[40, 40] and not mask[5, 5] and mask.sum() == 41 * 41
    white = Image.new("L", (96, 96), 0)
    ImageDraw.Draw(white).rectangle([10, 10, 30, 30], fill=255)
    buf = io.BytesIO()
    white.save(buf, "PNG")
    plain = np.asarray(load_image(buf.getvalue(), as_mask=True)) > 127
    assert plain[20, 20] and not plain[50, 50]  # no alpha: white = change


def test_design_cli_changes_only_the_opaque_strokes(tmp_path, capsys):
    img = tmp_path / "g.png"
    Image.new("RGB", (96, 96), (200, 30, 30)).save(img)
    code = main(["design", "--image", str(img), "--mask", str(_strokes_mask(tmp_path)), "--prompt", "make it blue",
                 "--model", "offline", "--out", str(tmp_path / "o.png")])
    assert code == 0, capsys.readouterr().err
    out = np.asarray(Image.open(tmp_path / "o.png").convert("RGB"), np.int32)
    assert out[5, 5].tolist() == [200, 30, 30]  # outside the strokes: untouched (before: this was the edited part)


@pytest.mark.parametrize("out, says", [("look", "image extension"), ("{tmp}", "is a folder"),
                                       ("{ro}/look.png", "not writable")])
def test_tryon_outfit_out_is_checked_before_the_work(tmp_path, capsys, out, says):
    ro = tmp_path / "ro"
    ro.mkdir()
    with tmpfs(ro, "1m", readonly=True):
        t0 = time.perf_counter()
        code = main(["tryon-outfit", "--person", "sample:slim", "--piece", "top=/nonexistent.png",
                     "--out", out.format(tmp=tmp_path, ro=ro)])
        err = capsys.readouterr().err
    assert code == 1 and says in err and time.perf_counter() - t0 < 5


def test_tryon_outfit_missing_piece_is_said_before_the_work(tmp_path, capsys):
    code = main(["tryon-outfit", "--person", "sample:slim", "--piece", "top=/nonexistent.png",
                 "--out", str(tmp_path / "o.png")])
    assert code == 1 and "does not exist" in capsys.readouterr().err and not (tmp_path / "o.png").exists()
    assert os.environ.get("HF_HUB_OFFLINE") == "1"


def test_unusable_data_folder_never_shows_its_server_path(tmp_path, tiny_clip_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from core.config import REPO_ROOT
    from core.ui import get_profile_store, get_studio, without_server_paths

    assert without_server_paths("The index folder /srv/a/data/index is not writable.") == \
        "The index folder .../index is not writable."
    blocker = tmp_path / "secret-server-folder"
    blocker.write_text("a file where a folder should be")
    for var, value in (("ATELIER_DB_DIR", blocker / "index"), ("ATELIER_ENCODER", tiny_clip_dir),
                       ("ATELIER_DATA_DIR", blocker / "data")):
        monkeypatch.setenv(var, str(value))
    get_studio.clear()
    get_profile_store.clear()
    try:
        at = AppTest.from_file(str(REPO_ROOT / "Home.py"), default_timeout=180).run()
    finally:
        get_studio.clear()
        get_profile_store.clear()
    shown = " ".join(e.value for e in at.error) + " ".join(str(getattr(e, "value", "")) for e in at.exception)
    assert at.error and str(tmp_path) not in shown and "secret-server-folder/" not in shown
