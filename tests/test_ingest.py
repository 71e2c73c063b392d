"""Ingest: idempotent, re-embeds changed files, skips bad ones with a report, tags from pixels, resumes."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from core.ingest import ingest_catalog
from core.store import IndexStore, collection_name
from testkit.settings import tiny_settings

REPO = Path(__file__).resolve().parent.parent


def _count(store, settings, enc):
    col = store.reader_collection(collection_name(settings.catalog_name, enc.info.slug))
    return 0 if col is None else col.count()


def test_second_run_adds_nothing_and_changed_file_is_reembedded(tmp_path, small_catalog, tiny_clip):
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    first = ingest_catalog(small_catalog, store, tiny_clip, settings)
    assert first.added == 12 and first.skipped == []
    again = ingest_catalog(small_catalog, store, tiny_clip, settings)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 12)
    victim = sorted((small_catalog / "images").iterdir())[0]
    Image.new("RGB", (300, 300), (0, 200, 0)).save(victim)
    third = ingest_catalog(small_catalog, store, tiny_clip, settings)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 11)
    assert _count(store, settings, tiny_clip) == 12


def test_bad_files_are_skipped_and_listed_without_losing_the_rest(tmp_path, small_catalog, tiny_clip):
    (small_catalog / "images" / "zero.jpg").write_bytes(b"")
    (small_catalog / "images" / "junk.png").write_bytes(b"\x89PNG not really")
    settings = tiny_settings(tmp_path)
    report = ingest_catalog(small_catalog, IndexStore(settings), tiny_clip, settings)
    assert report.added == 12
    assert sorted(Path(s["path"]).name for s in report.skipped) == ["junk.png", "zero.jpg"]
    assert Path(report.report_path).is_file()


def test_removed_files_leave_the_index(tmp_path, small_catalog, tiny_clip):
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    ingest_catalog(small_catalog, store, tiny_clip, settings)
    sorted((small_catalog / "images").iterdir())[-1].unlink()
    report = ingest_catalog(small_catalog, store, tiny_clip, settings)
    assert report.removed == 1 and _count(store, settings, tiny_clip) == 11


def test_catalog_without_metadata_is_tagged_from_pixels(tmp_path, small_catalog, tiny_clip):
    (small_catalog / "catalog.csv").unlink()
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    ingest_catalog(small_catalog, store, tiny_clip, settings)
    col = store.reader_collection(collection_name(settings.catalog_name, tiny_clip.info.slug))
    got = col.get(include=["metadatas"])
    assert all(i.startswith("images/") for i in got["ids"])
    for m in got["metadatas"]:
        assert m["colour"] and m["category"] and m["pattern"]
        assert set(m["tagged_from_pixels"].split(",")) == {"colour", "pattern", "category", "name"}  # name made from them


def test_killed_ingest_keeps_published_data_and_resumes(tmp_path, sample_studio):
    """SIGKILL a real ingest mid-run: the published index is intact; a re-run completes without duplicates."""
    import csv
    import shutil

    src = sample_studio.settings.catalog_dir
    cat = tmp_path / "cat"
    (cat / "images").mkdir(parents=True)
    rows = list(csv.DictReader(open(src / "catalog.csv")))[:200]
    for r in rows:
        shutil.copy(src / r["file"], cat / r["file"])
    db = tmp_path / "index"
    env = dict(os.environ, ATELIER_DB_DIR=str(db), ATELIER_ENCODER="lite", PYTHONPATH=str(REPO))
    subprocess.run([sys.executable, "-m", "core", "ingest", str(cat), "--json"], env=env, check=True,
                   capture_output=True, cwd=REPO, timeout=300)
    settings = tiny_settings(tmp_path, encoder="lite")
    store = IndexStore(settings)
    name = collection_name(settings.catalog_name, sample_studio.encoder.info.slug)
    published = store.reader_collection(name).count()
    for r in list(csv.DictReader(open(src / "catalog.csv")))[200:]:
        shutil.copy(src / r["file"], cat / "images" / ("new-" + Path(r["file"]).name))
    proc = subprocess.Popen([sys.executable, "-m", "core", "ingest", str(cat), "--json"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not (db / "BUILDING").exists():
        time.sleep(0.2)
    time.sleep(6)  # well into embedding the 220 new images
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (db / "BUILDING").exists(), "the kill should have landed mid-ingest"
    assert store.reader_collection(name).count() == published  # readers still see the published data
    out = subprocess.run([sys.executable, "-m", "core", "ingest", str(cat), "--json"], env=env, check=True,
                         capture_output=True, cwd=REPO, timeout=300, text=True)
    import json

    report = json.loads(out.stdout)
    # items the killed run finished are unchanged; a batch cut between its two upserts is re-embedded (updated)
    assert report["added"] + report["updated"] + report["unchanged"] == 420 and report["skipped"] == []
    assert report["unchanged"] >= 200  # the published 200 at least were not redone
    col = store.reader_collection(name)
    assert col.count() == 420 and len(set(col.get()["ids"])) == 420
    assert not (db / "BUILDING").exists()
