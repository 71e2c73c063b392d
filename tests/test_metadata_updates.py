"""Issue 27.2: edited metadata reaches the index. A re-ingest (or re-run fetch-catalog) notices changed rows with the
images unchanged, writes them without re-embedding, says "N updated", and a running app's index sees them."""
import io
import json

import pytest
from PIL import Image

from core.__main__ import main
from core.ingest import ingest_catalog
from core.search import CatalogIndex, Filters, SearchQuery, search_catalog
from core.store import IndexStore, collection_name
from testkit.settings import tiny_settings


def _folder(root, rows: str):
    root.mkdir(parents=True, exist_ok=True)
    for name, colour in (("a", "red"), ("b", "navy"), ("c", "green")):
        if not (root / f"{name}.png").exists():
            Image.new("RGB", (64, 64), colour).save(root / f"{name}.png")
    (root / "catalog.csv").write_text(rows)
    return root


SHEET = "file,name,price,category,season\na.png,Red top,10,top,summer\nb.png,Navy skirt,20,skirt,winter\nc.png,,30,,\n"


def _index(settings, enc):
    return CatalogIndex(IndexStore(settings), collection_name(settings.catalog_name, enc.info.slug))


def test_changed_rows_are_updated_without_reembedding(tmp_path, tiny_clip, monkeypatch):
    folder = _folder(tmp_path / "cat", SHEET)
    settings = tiny_settings(tmp_path)
    first = ingest_catalog(folder, IndexStore(settings), tiny_clip, settings)
    assert first.added == 3
    index = _index(settings, tiny_clip)  # the app's long-lived index object
    assert index.item("a").metadata["name"] == "Red top"
    generated = index.item("c").metadata["name"]  # no name in the sheet: made from the pixels
    again = ingest_catalog(folder, IndexStore(settings), tiny_clip, settings)
    assert (again.added, again.updated, again.metadata_updated, again.unchanged) == (0, 0, 0, 3)

    _folder(folder, "file,name,price,category\na.png,Crimson blouse,\"1,299\",top\nb.png,Navy skirt,20,skirt\n"
                    "c.png,,30,\n")  # a: name + price; b: column 'season' gone; c: unchanged
    calls = []
    real = tiny_clip.encode_images
    monkeypatch.setattr(tiny_clip, "encode_images", lambda ims: calls.append(len(ims)) or real(ims))
    report = ingest_catalog(folder, IndexStore(settings), tiny_clip, settings)
    assert calls == []  # nothing re-embedded
    assert (report.added, report.updated, report.metadata_updated, report.unchanged) == (0, 0, 2, 1)
    assert "2 updated" in report.summary()

    # the running app's index switches to the new generation on its next query
    hits = search_catalog(index, tiny_clip, SearchQuery(text="crimson blouse", page_size=3)).hits
    a = index.item("a").metadata
    assert a["name"] == "Crimson blouse" and a["price"] == 1299.0
    assert "season" not in index.item("b").metadata
    assert index.item("c").metadata["name"] == generated  # the pixel-made name stays while the row has none
    assert any(h.id == "a" and h.metadata["name"] == "Crimson blouse" for h in hits)
    cheap = search_catalog(index, tiny_clip, SearchQuery(text="top", filters=Filters(price_max=100), page_size=5)).hits
    assert "a" not in {h.id for h in cheap}  # the price filter follows the new price
    dear = search_catalog(index, tiny_clip, SearchQuery(text="top", filters=Filters(price_min=1000), page_size=5)).hits
    assert [h.id for h in dear] == ["a"]
    # the outline (Sketch to Cloth) index carries the new name and price too
    sketch = IndexStore(settings).reader_collection(collection_name(settings.catalog_name, "outline-shape"))
    if sketch is not None and sketch.count():
        got = sketch.get(ids=["a"], include=["metadatas"])["metadatas"]
        assert not got or got[0]["price"] == 1299.0
    third = ingest_catalog(folder, IndexStore(settings), tiny_clip, settings)
    assert (third.metadata_updated, third.unchanged) == (0, 3)  # stable: no update loop


def test_cli_says_how_many_were_updated(tmp_path, tiny_clip_dir, capsys):
    folder = _folder(tmp_path / "cat", SHEET)
    db = ["--db", str(tmp_path / "db"), "--encoder", str(tiny_clip_dir)]
    assert main(["ingest", str(folder), *db]) == 0
    capsys.readouterr()
    _folder(folder, SHEET.replace("Red top,10", "Red top,12"))
    assert main(["ingest", str(folder), *db]) == 0
    out = capsys.readouterr().out
    assert "1 updated" in out, out
    assert main(["search", "--text", "red top", "--json", *db]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert any(h["id"] == "a" and h["metadata"]["price"] == 12.0 for h in (hits if isinstance(hits, list) else hits["hits"]))


def test_refetch_with_edited_rows_updates_the_index(tmp_path, tiny_clip):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from core.fetch import fetch_catalog

    png = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(png, "PNG")
    img = {"bytes": png.getvalue(), "path": None}

    def write(name, price):
        pq.write_table(pa.table({"id": ["p1", "p2"], "productDisplayName": [name, "Blue jeans"],
                                 "price": [price, "40"], "image": [img, img]}), tmp_path / "d.parquet")

    write("Red shirt", "25")
    fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    settings = tiny_settings(tmp_path)
    ingest_catalog(tmp_path / "out", IndexStore(settings), tiny_clip, settings)
    write("Scarlet shirt", "1.299,00")
    again = fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    assert again.kept == 2 and again.written == 0
    report = ingest_catalog(tmp_path / "out", IndexStore(settings), tiny_clip, settings)
    assert report.metadata_updated == 1 and report.updated == 0
    meta = _index(settings, tiny_clip).item("p1").metadata
    assert meta["name"] == "Scarlet shirt" and meta["price"] == 1299.0
