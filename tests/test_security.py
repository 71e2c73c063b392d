"""Security: names never choose where files go, no unpickling, upload limits and XSRF, isolated profiles."""
import re
import tomllib
from pathlib import Path

from PIL import Image

from core.catalog import read_catalog
from core.config import REPO_ROOT
from core.ingest import ingest_catalog
from core.store import IndexStore
from testkit.settings import tiny_settings


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_hostile_names_and_metadata_write_nothing_outside_the_index(tmp_path, tiny_clip):
    cat = tmp_path / "cat"
    (cat / "sub").mkdir(parents=True)
    Image.new("RGB", (64, 64), "red").save(cat / "sub" / "a..b.jpg")
    Image.new("RGB", (64, 64), "blue").save(cat / "ok.jpg")
    outside = tmp_path / "outside.jpg"
    Image.new("RGB", (64, 64), "green").save(outside)
    (cat / "link.jpg").symlink_to(outside)  # a link out of the catalog
    (cat / "catalog.csv").write_text(
        "file,id,name\nok.jpg,../../../../tmp/pwned,<script>alert(1)</script>\n../outside.jpg,x,y\n/etc/passwd,z,w\n")
    before = _tree(tmp_path)
    settings = tiny_settings(tmp_path, db_dir=tmp_path / "index")
    report = ingest_catalog(cat, IndexStore(settings), tiny_clip, settings)
    created = _tree(tmp_path) - before
    assert all(c.startswith("index") for c in created), created
    ids = {it.id for it in read_catalog(cat).items}
    assert ids == {"tmp/pwned", "sub/a..b"}  # sanitised id; the link and the outside rows are not items
    assert report.added == 2
    assert not Path("/tmp/pwned").exists()


def test_print_export_names_cannot_escape_the_folder(tmp_path):
    from core.stylist import print_ready

    png, js = print_ready(Image.new("RGB", (10, 10)), {}, tmp_path / "out", "../../../etc/evil")
    assert png.parent == js.parent == tmp_path / "out"


def test_no_pickle_and_weights_only_torch_loads():
    offenders = []
    for path in (REPO_ROOT / "core").rglob("*.py"):
        text = path.read_text()
        if re.search(r"^\s*import pickle|^\s*from pickle|cloudpickle|joblib\.load", text, re.M):
            offenders.append(f"{path}: pickle")
        for m in re.finditer(r"torch\.load\(", text):
            call = text[m.start(): text.find("\n", m.start())]  # the call's line, closing parenthesis included
            if "weights_only=True" not in call:
                offenders.append(f"{path}: {call}")
    assert not offenders, offenders


def test_streamlit_config_limits_uploads_and_keeps_xsrf_on():
    cfg = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert cfg["server"]["enableXsrfProtection"] is True
    assert 1 <= cfg["server"]["maxUploadSize"] <= 50


def test_profile_names_are_data_not_sql(tmp_path):
    from core.profiles import ProfileStore

    store = ProfileStore(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    evil = store.create("x'); DROP TABLE profiles; --")
    other = store.create("Other")
    store.mark(evil.id, "item-1", "like")
    assert [p.name for p in store.list()] == ["Other", "x'); DROP TABLE profiles; --"]
    assert store.items(other.id, "like") == []
