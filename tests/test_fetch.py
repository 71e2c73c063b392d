"""fetch-catalog: a parquet dataset of product photos -> folder + catalog.csv -> index, through the CLI.

The fixture is a 1,000-row parquet file in the layout of the Hub's Fashion Product Images sets (the datasets
library's {"bytes", "path"} image struct, Kaggle's product columns), written here from the bundled catalog's
product shots, with bad rows mixed in. The Hub download is the only step swapped out (a local path instead).
"""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from PIL import Image

from core.__main__ import main
from core.fetch import FetchError, fetch_catalog, import_rows, resolve_source

SAMPLE = Path(__file__).resolve().parent.parent / "assets" / "sample_catalog"
# The bundled categories under the labels the real dataset uses (articleType).
KAGGLE_LABEL = {"t-shirt": "Tshirts", "shirt": "Shirts", "blouse": "Tops", "dress": "Dresses", "jeans": "Jeans",
                "trousers": "Trousers", "shorts": "Shorts", "skirt": "Skirts", "jacket": "Jackets", "coat": "Coats",
                "sweater": "Sweaters", "hoodie": "Sweatshirts", "sneakers": "Sports Shoes", "bag": "Handbags"}
BAD = {  # row index -> what is wrong with it
    3: "no image", 50: "broken image", 51: "broken image", 120: "no image", 400: "broken image",
    777: "duplicate id", 900: "no usable id",
}


def _rows(n: int = 1000) -> list[dict]:
    sample = list(csv.DictReader((SAMPLE / "catalog.csv").open()))
    thumbs = {}
    rows = []
    for k in range(n):
        src = sample[k % len(sample)]
        if src["id"] not in thumbs:  # small JPEGs keep the fixture quick to index
            buf = io.BytesIO()
            Image.open(SAMPLE / src["file"]).convert("RGB").resize((96, 96)).save(buf, "JPEG", quality=85)
            thumbs[src["id"]] = buf.getvalue()
        rows.append({"id": 10000 + k, "gender": "Women", "masterCategory": "Apparel",
                     "subCategory": "Topwear", "articleType": KAGGLE_LABEL[src["category"]],
                     "baseColour": src["colour"].title(), "season": "Summer", "year": 2012.0, "usage": "Casual",
                     "productDisplayName": src["name"], "image": {"bytes": thumbs[src["id"]], "path": f"{k}.jpg"}})
    rows[3]["image"] = None
    rows[120]["image"] = {"bytes": None, "path": "lost.jpg"}
    rows[50]["image"] = {"bytes": b"this is not a jpeg", "path": "x.jpg"}
    rows[51]["image"] = {"bytes": rows[52]["image"]["bytes"][:300], "path": "truncated.jpg"}
    rows[400]["image"] = {"bytes": b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "path": "bad.png"}
    rows[777]["id"] = rows[776]["id"]
    rows[900]["id"] = None
    # Odd metadata that must be cleaned, not fatal.
    rows[10]["productDisplayName"] = "Line\x00one\nline\ttwo " + "very " * 300
    rows[11]["baseColour"] = None
    rows[12]["year"] = math.nan
    rows[13]["articleType"] = "Watches"  # outside the fashion vocabulary
    return rows


def _write_parquet(path: Path, rows: list[dict]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=100)
    return path


@pytest.fixture(scope="module")
def fixture_parquet(tmp_path_factory) -> Path:
    return _write_parquet(tmp_path_factory.mktemp("hub") / "train-00000-of-00001.parquet", _rows())


def test_fetch_catalog_imports_indexes_and_searches_1000_rows(tmp_path, fixture_parquet, tiny_clip_dir, capsys):
    out, db = tmp_path / "catalog", str(tmp_path / "db")
    code = main(["fetch-catalog", str(fixture_parquet), "--out", str(out), "--db", db, "--encoder", str(tiny_clip_dir),
                 "--collection", "hubshop", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    ingest = json.loads(captured.out)
    assert ingest["added"] == 1000 - len(BAD)
    rows = list(csv.DictReader((out / "catalog.csv").open()))
    assert len(rows) == 1000 - len(BAD) and len(list((out / "images").iterdir())) == len(rows)
    by_id = {r["id"]: r for r in rows}
    # Labels mapped through the vocabulary; names, colours and the source columns kept.
    assert by_id["10000"]["category"] == "t-shirt" and by_id["10000"]["colour"] == "black"
    # Tops -> the vocabulary's general "top" (not every top is a t-shirt)
    assert {r["category"] for r in rows} == set(KAGGLE_LABEL) - {"hoodie", "blouse"} | {"", "top"}
    assert by_id["10013"]["category"] == "" and by_id["10013"]["source_category"] == "Watches"
    assert by_id["10000"]["source_gender"] == "Women" and by_id["10000"]["source_season"] == "Summer"
    # Odd metadata cleaned: no control characters, capped length; a path-like id cannot escape the folder.
    assert "\x00" not in by_id["10010"]["name"] and "\n" not in by_id["10010"]["name"]
    assert len(by_id["10010"]["name"]) <= 500
    assert by_id["10012"]["source_year"] == "" and by_id["10000"]["source_year"] == "2012"
    assert by_id["10011"]["colour"] == ""
    assert all((out / r["file"]).resolve().is_relative_to(out.resolve()) for r in rows)
    # Every skipped row is reported with its reason.
    for n, why in BAD.items():
        assert f"skipped row {n} " in captured.err and why in captured.err
    assert "no image" in captured.err and "broken image" in captured.err and "duplicate id" in captured.err

    # Searchable: filtered by the mapped category, and an item's photo finds the rows with the same photo first.
    code = main(["search", "--text", "dress", "--filter", "category=dress", "--k", "10", "--db", db,
                 "--collection", "hubshop", "--encoder", str(tiny_clip_dir), "--json"])
    hits = json.loads(capsys.readouterr().out)
    assert code == 0 and len(hits) == 10 and all(h["metadata"]["category"] == "dress" for h in hits)
    code = main(["search", "--like", "10123", "--k", "2", "--db", db, "--collection", "hubshop",
                 "--encoder", str(tiny_clip_dir), "--json"])
    same_photo = {"10123", "10543", "10963"}  # the fixture reuses each of the 420 photos every 420 rows
    assert code == 0 and {h["id"] for h in json.loads(capsys.readouterr().out)} <= same_photo


def test_import_reports_and_skips_each_bad_row(tmp_path, fixture_parquet):
    report = import_rows([fixture_parquet], tmp_path / "c")
    reasons = {s["row"]: s["reason"] for s in report.skipped}
    assert set(reasons) == set(BAD)
    for row, why in BAD.items():
        assert reasons[row].startswith(why), (row, reasons[row])
    assert report.rows_seen == 1000 and report.imported == 1000 - len(BAD)
    assert report.unmapped_categories == {"Watches": 1}


def test_import_resumes_after_a_kill(tmp_path, fixture_parquet):
    folder = tmp_path / "c"
    first = import_rows([fixture_parquet], folder, limit=300)
    assert first.imported == first.written == 300
    # A kill mid-write leaves a .part file and no catalog.csv change; the re-run keeps what is done.
    (folder / "images" / "10999.jpg.part").write_bytes(b"half")
    stamp = {p.name: p.stat().st_mtime_ns for p in (folder / "images").iterdir()}
    second = import_rows([fixture_parquet], folder)
    assert second.kept == 300 and second.written == 1000 - len(BAD) - 300
    assert all((folder / "images" / name).stat().st_mtime_ns == t for name, t in stamp.items() if name.endswith(".jpg"))
    assert len(list(csv.DictReader((folder / "catalog.csv").open()))) == 1000 - len(BAD)


def test_limit_takes_the_first_good_rows(tmp_path, fixture_parquet):
    report = import_rows([fixture_parquet], tmp_path / "c", limit=5)
    ids = [r["id"] for r in csv.DictReader((tmp_path / "c" / "catalog.csv").open())]
    assert ids == ["10000", "10001", "10002", "10004", "10005"]  # row 3 has no image
    assert report.imported == 5


def test_offline_says_so_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code = main(["fetch-catalog", "ashraq/fashion-product-images-small", "--out", str(tmp_path / "c"),
                 "--db", str(tmp_path / "db")])
    err = capsys.readouterr().err
    assert code == 1 and "Hub cannot be reached" in err and "Traceback" not in err
    assert not (tmp_path / "c").exists()


def test_short_names_and_bad_sources(tmp_path):
    assert resolve_source("fashion-product-images-small") == ("ashraq/fashion-product-images-small", None)
    assert resolve_source("someone/some-set") == ("someone/some-set", None)
    for bad in ("", "not a dataset id!", str(tmp_path / "missing.parquet")):
        with pytest.raises(FetchError):
            resolve_source(bad)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FetchError, match="No .parquet"):
        fetch_catalog(str(tmp_path / "empty"), tmp_path / "c")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"not parquet at all")
    with pytest.raises(FetchError, match="not a readable parquet"):
        fetch_catalog(str(junk), tmp_path / "c")
    no_image = _write_parquet(tmp_path / "noimg.parquet", [{"id": 1, "name": "x"}])
    with pytest.raises(FetchError, match="no image column"):
        fetch_catalog(str(no_image), tmp_path / "c")
