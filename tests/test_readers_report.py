"""Issue 27.3 and 27.5: one price parser for every reader, every change reported row by row, parquet read with the
size check before a row becomes Python objects, file names capped in bytes, and the sheet oddities that used to
change values silently."""
import io
import resource

import pytest
from PIL import Image

from core.catalog import parse_price, read_catalog, read_metadata

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from core.fetch import MAX_NAME_BYTES, fetch_catalog  # noqa: E402


def _png(colour="red") -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buf, "PNG")
    return {"bytes": buf.getvalue(), "path": None}


@pytest.mark.parametrize("text, value", [("1,299", 1299.0), ("1.299,00", 1299.0), ("12,50", 12.5), ("0,99", 0.99)])
def test_one_parser_for_fetch_and_sheets(tmp_path, text, value):
    pq.write_table(pa.table({"id": ["a"], "price": [text], "image": [_png()]}), tmp_path / "d.parquet")
    report = fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    listing = read_catalog(tmp_path / "out")
    assert listing.items[0].price == value == parse_price(text)[0]
    assert report.problems == []


@pytest.mark.parametrize("cell, says", [("-5", "negative"), ("nan", "not a number"), ("0,999", "ambiguous"),
                                        ("abc", "not a number"), (True, "yes/no"), (float("nan"), "not a number")])
def test_fetch_reports_every_price_it_cannot_use(tmp_path, cell, says):
    pq.write_table(pa.table({"id": ["a", "b"], "price": [cell, None if isinstance(cell, str) else cell],
                             "image": [_png(), _png("blue")]}), tmp_path / "d.parquet")
    report = fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    assert report.imported == 2  # the row stays; only its price is left empty, and said so
    assert any(p.startswith("row 0 (a): price") and says in p and "left empty" in p for p in report.problems), \
        report.problems
    assert {i.id: i.price for i in read_catalog(tmp_path / "out").items}["a"] is None


def test_sheet_prices_true_and_ambiguous_are_reported(tmp_path):
    (tmp_path / "a.png").write_bytes(_png()["bytes"])
    (tmp_path / "b.png").write_bytes(_png()["bytes"])
    (tmp_path / "catalog.jsonl").write_text('{"file": "a.png", "price": true}\n{"file": "b.png", "price": "0,999"}\n')
    listing = read_catalog(tmp_path)
    assert all(i.price is None for i in listing.items)
    assert any("catalog.jsonl:1: price True" in p for p in listing.problems)
    assert any("catalog.jsonl:2: price '0,999' is ambiguous" in p for p in listing.problems)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_parquet_of_zero_padded_rows_is_read_row_by_row_within_budget(tmp_path):
    """0.2 MB on disk, 6 GB as Python objects: each row is measured in Arrow and skipped, named."""
    big = b"\0" * (50 << 20)
    n = 40
    pq.write_table(pa.table({"id": [f"r{i}" for i in range(n)] + ["ok"],
                             "image": [{"bytes": big, "path": None}] * n + [_png()],
                             "pad": ["\0" * (30 << 20)] * n + ["x"]}), tmp_path / "bomb.parquet", compression="zstd")
    del big
    assert (tmp_path / "bomb.parquet").stat().st_size < 2_000_000
    before = _peak_mb()
    report = fetch_catalog(str(tmp_path / "bomb.parquet"), tmp_path / "out")
    grew = _peak_mb() - before
    assert report.imported == 1 and len(report.skipped) == n
    assert all("the limit is 24 MB a row" in s["reason"] for s in report.skipped)
    assert grew < 600, f"reading the bomb raised this process's peak by {grew:.0f} MB"


def test_long_cjk_id_gets_a_file_name_within_the_byte_limit(tmp_path):
    long_id = "連衣裙" * 40  # 120 characters, 360 bytes of UTF-8
    ids = [long_id, long_id[:-1] + "褲", "short"]
    pq.write_table(pa.table({"id": ids, "name": ["A", "B", "C"], "image": [_png(), _png("blue"), _png("green")]}),
                   tmp_path / "d.parquet")
    report = fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    assert report.imported == 3 and report.skipped == []
    names = [p.name for p in (tmp_path / "out" / "images").iterdir()]
    assert len(set(names)) == 3 and all(len(n.encode()) <= MAX_NAME_BYTES + 5 for n in names)
    listing = read_catalog(tmp_path / "out")
    assert sorted(i.id for i in listing.items) == sorted(ids)  # the id itself is kept whole
    again = fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    assert again.kept == 3 and again.written == 0  # a re-run finds the capped names


def test_fetch_reports_truncated_and_non_text_cells(tmp_path):
    pq.write_table(pa.table({"id": ["a"], "description": ["word " * 300], "blob": [b"\x01\x02"], "image": [_png()]}),
                   tmp_path / "d.parquet")
    report = fetch_catalog(str(tmp_path / "d.parquet"), tmp_path / "out")
    assert any("'description' longer than 500" in p for p in report.problems)
    assert any("'blob' holds bytes data" in p for p in report.problems)
