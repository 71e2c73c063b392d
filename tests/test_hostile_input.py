"""Regression cases from the hostile-input run (issue 17): each one used to abort, hang or change a value silently."""
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from core.__main__ import main
from core.catalog import parse_price, read_catalog, read_metadata
from core.ingest import ingest_catalog
from core.search import SearchQuery, search_catalog
from core.store import IndexStore, collection_name
from testkit.settings import tiny_settings


def _catalog(root: Path, names: list[str], meta: tuple[str, bytes] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    colours = ["red", "blue", "green", "purple", "orange", "black"]
    for n, name in enumerate(names):
        Image.new("RGB", (64, 64), colours[n % len(colours)]).save(os.path.join(os.fsencode(root), os.fsencode(name)),
                                                                    "PNG" if name.endswith(".png") else "JPEG")
    if meta is not None:
        (root / meta[0]).write_bytes(meta[1])
    return root


def _ingest(tmp_path, folder, enc, **kw):
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    return ingest_catalog(folder, store, enc, settings, **kw), store, settings


def _ids(store, settings, enc) -> set[str]:
    return set(store.reader_collection(collection_name(settings.catalog_name, enc.info.slug)).get()["ids"])


# ---- 1. ingest skips, reports and goes on ------------------------------------------------------------------
def test_names_that_clean_to_nothing_get_stable_fallback_ids(tmp_path, tiny_clip):
    folder = _catalog(tmp_path / "cat", ["good.jpg", " .jpg", "\u200b.jpg"])
    report, store, settings = _ingest(tmp_path, folder, tiny_clip)
    assert report.added == 3 and report.skipped == []
    fallback = sorted(i for i in _ids(store, settings, tiny_clip) if i.startswith("item-"))
    assert len(fallback) == 2
    assert sum("no usable characters" in p for p in report.metadata_problems) == 2
    assert sorted(i.id for i in read_catalog(folder).items if i.id.startswith("item-")) == fallback  # stable


def test_file_name_that_is_not_utf8_is_skipped_and_named(tmp_path, tiny_clip, capsys, tiny_clip_dir):
    folder = _catalog(tmp_path / "cat", ["good.jpg", os.fsdecode(b"caf\xe9.jpg")])
    report, _, _ = _ingest(tmp_path, folder, tiny_clip)
    assert report.added == 1
    assert [s["path"].rsplit("/", 1)[-1] for s in report.skipped] == ["caf\\xe9.jpg"]
    assert "UTF-8" in report.skipped[0]["reason"]
    code = main(["ingest", str(folder), "--db", str(tmp_path / "db2"), "--encoder", str(tiny_clip_dir)])
    out = capsys.readouterr().out
    assert code == 0 and "skipped" in out and "caf\\xe9.jpg" in out
    json.loads(Path(report.report_path).read_text())  # the JSON report holds it too, as valid JSON


@pytest.mark.parametrize("column", ["#", "$and", "chroma:document", "Weird Key!", ""])
def test_metadata_columns_chroma_refuses_are_renamed_or_dropped(tmp_path, tiny_clip, column):
    folder = _catalog(tmp_path / "cat", ["a.jpg", "b.jpg"],
                      ("catalog.csv", f"file,name,{column}\na.jpg,Red top,1\nb.jpg,Blue top,2\n".encode()))
    report, store, settings = _ingest(tmp_path, folder, tiny_clip)
    assert report.added == 2 and report.skipped == []
    assert any(repr(column) in p for p in report.metadata_problems) or column == ""
    col = store.reader_collection(collection_name(settings.catalog_name, tiny_clip.info.slug))
    names = {m["name"] for m in col.get(include=["metadatas"])["metadatas"]}
    assert names == {"Red top", "Blue top"}


def test_jsonl_lone_surrogate_and_deep_nesting_do_not_abort(tmp_path, tiny_clip):
    meta = ('{"file": "a.jpg", "name": "bad \\ud800 name"}\n'
            '{"file": "b.jpg", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
            '{"file": "c.jpg", "name": "Fine", "nested": {"k": [1, 2]}}\n')
    folder = _catalog(tmp_path / "cat", ["a.jpg", "b.jpg", "c.jpg"], ("catalog.jsonl", meta.encode()))
    report, store, settings = _ingest(tmp_path, folder, tiny_clip)
    assert report.added == 3
    assert any("catalog.jsonl:2" in p and "JSON" in p for p in report.metadata_problems)
    assert any("invalid or control characters" in p for p in report.metadata_problems)


@pytest.mark.parametrize("text, value", [("1,299", 1299.0), ("1.299,00", 1299.0), ("1 299", 1299.0),
                                         ("$1,299.50", 1299.5), ("12,50", 12.5), ("€ 1 299,50", 1299.5),
                                         ("1\u202f299", 1299.0), ("49.90", 49.9)])
def test_prices_with_thousands_separators_parse(text, value):
    assert parse_price(text) == (value, None)


@pytest.mark.parametrize("text", ["abc", "-5", "1e400", "NaN", "1,2,3", "999999999999", "1,29,9"])
def test_prices_that_are_not_prices_are_reported_not_guessed(text):
    price, problem = parse_price(text)
    assert price is None and problem and repr(text) in problem


def test_price_problems_name_the_row(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"")
    meta = tmp_path / "m.csv"
    meta.write_text("file,price\na.jpg,\"1,299\"\nb.jpg,twelve\n")
    rows, _ = read_metadata(meta)
    assert [r.where for r in rows] == ["m.csv:2", "m.csv:3"]
    folder = _catalog(tmp_path / "cat", ["a.jpg", "b.jpg"], ("catalog.csv", meta.read_bytes()))
    listing = read_catalog(folder)
    assert {i.id: i.price for i in listing.items} == {"a": 1299.0, "b": None}
    assert any(p.startswith("catalog.csv:3: price 'twelve'") for p in listing.problems)


def test_oversized_field_is_truncated_with_a_report_and_later_rows_survive(tmp_path):
    big = "x" * 140_000
    folder = _catalog(tmp_path / "cat", ["a.jpg", "b.jpg", "c.jpg"],
                      ("catalog.csv", f"file,name,description\na.jpg,A,{big}\nb.jpg,B,short\nc.jpg,C,also\n".encode()))
    listing = read_catalog(folder)
    by_id = {i.id: i for i in listing.items}
    assert [by_id[k].name for k in "abc"] == ["A", "B", "C"]
    assert len(by_id["a"].description) == 500
    assert any("description longer than 500" in p and "2" in p for p in listing.problems)


def test_line_separator_inside_a_csv_cell_does_not_split_the_row(tmp_path):
    folder = _catalog(tmp_path / "cat", ["a.jpg", "b.jpg"],
                      ("catalog.csv", "file,name,price\na.jpg,\"Top\u2028with a break\",10\nb.jpg,Skirt,20\n".encode()))
    by_id = {i.id: i for i in read_catalog(folder).items}
    assert (by_id["a"].name, by_id["a"].price, by_id["b"].name, by_id["b"].price) == ("Top\u2028with a break", 10.0,
                                                                                        "Skirt", 20.0)


@pytest.mark.parametrize("encoding, guessed", [("utf-8", False), ("utf-8-sig", False), ("utf-16", False),
                                               ("utf-16-le", True), ("latin-1", True), ("cp1252", True)])
def test_metadata_encodings_are_detected_and_guesses_reported(tmp_path, encoding, guessed):
    text = "file,name,price\na.jpg,Café crème,12\nb.jpg,Blusa niño,20\n"
    folder = _catalog(tmp_path / "cat", ["a.jpg", "b.jpg"], ("catalog.csv", text.encode(encoding)))
    listing = read_catalog(folder)
    assert {i.id: i.name for i in listing.items} == {"a": "Café crème", "b": "Blusa niño"}
    assert any("guessed" in p for p in listing.problems) == guessed


def test_rows_without_an_image_are_reported(tmp_path):
    folder = _catalog(tmp_path / "cat", ["a.jpg"], ("catalog.csv", b"file,name\na.jpg,A\nmissing.jpg,M\n,no name\n"))
    problems = read_catalog(folder).problems
    assert any("catalog.csv:3" in p and "missing.jpg" in p for p in problems)
    assert any("catalog.csv:4" in p and "no file name" in p for p in problems)


def test_moved_catalog_reingested_serves_the_new_folder(tmp_path, tiny_clip):
    folder = _catalog(tmp_path / "old", ["a.jpg", "b.jpg"])
    settings = tiny_settings(tmp_path)
    store = IndexStore(settings)
    ingest_catalog(folder, store, tiny_clip, settings)
    moved = folder.rename(tmp_path / "new")
    again = ingest_catalog(moved, store, tiny_clip, settings)
    assert again.unchanged == 2 and again.added == 0
    from core.search import CatalogIndex

    index = CatalogIndex(IndexStore(settings), collection_name(settings.catalog_name, tiny_clip.info.slug))
    hits = search_catalog(index, tiny_clip, SearchQuery(text="red", page_size=2)).hits
    assert hits and all(Path(h.path).is_file() and Path(h.path).is_relative_to(moved) for h in hits)


def test_fifo_as_metadata_is_refused_not_waited_on(tmp_path, tiny_clip_dir, capsys):
    folder = _catalog(tmp_path / "cat", ["a.jpg"])
    fifo = tmp_path / "meta.csv"
    os.mkfifo(fifo)
    code = main(["ingest", str(folder), "--metadata", str(fifo), "--db", str(tmp_path / "db"), "--encoder",
                 str(tiny_clip_dir)])
    assert code == 1 and "not a regular file" in capsys.readouterr().err
    code = main(["ingest", str(folder), "--metadata", str(tmp_path), "--db", str(tmp_path / "db"), "--encoder",
                 str(tiny_clip_dir)])
    assert code == 1 and "is a folder" in capsys.readouterr().err


# ---- 2. a batch answers every line --------------------------------------------------------------------------
@pytest.fixture
def small_index(tmp_path, small_catalog, tiny_clip_dir, capsys):
    db = str(tmp_path / "db")
    assert main(["ingest", str(small_catalog), "--db", db, "--encoder", str(tiny_clip_dir)]) == 0
    capsys.readouterr()
    return ["--db", db, "--encoder", str(tiny_clip_dir)]


def _strict(line: str):
    def no_constants(name):
        raise ValueError(f"bare {name} in JSON output")
    return json.loads(line, parse_constant=no_constants)


def test_batch_of_malformed_lines_answers_every_line_in_order(tmp_path, small_index, capsys):
    lines = [b'{"text": "red dress"}', b'{"text": 5}', b'{"k": "x", "text": "a"}', b'{"k": 1e400, "text": "a"}',
             b'{"page": -1, "text": "a"}', b'{"text": "a", "image_weight": NaN}', b'{"like": [1], "text": "a"}',
             b'{"filters": "red", "text": "a"}', b'{"filters": {"price_min": "abc"}, "text": "a"}', b"[1, 2]", b"",
             b"\xff\xfe\x00binary", b'{"text": "coat", "k": 2}', b"[" * 50_000, b'{"text": "a", "bogus": 1}',
             b'{"text": "a", "filters": {"price_max": Infinity}}', b'{"text": "shirt", "k": 1}']
    batch = tmp_path / "q.jsonl"
    batch.write_bytes(b"\n".join(lines) + b"\n")
    code = main(["search", "--batch", str(batch), *small_index])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and len(out) == len(lines)
    answers = [_strict(x) for x in out]
    good = {0: 10, 12: 2, 16: 1}
    for n, ans in enumerate(answers):
        if n in good:
            assert isinstance(ans, list) and len(ans) == good[n], (n, ans)
        else:
            assert set(ans) == {"error", "line"} and ans["line"] == n + 1 and ans["error"], (n, ans)
    assert "finite" in answers[5]["error"] and "image_weight" in answers[5]["error"]


def test_nan_weight_never_reaches_ranking(small_index, capsys):
    code = main(["search", "--text", "red", "--image-weight", "nan", *small_index])
    assert code == 1 and "finite" in capsys.readouterr().err
    code = main(["search", "--text", "red", "--filter", "price_max=inf", *small_index])
    assert code == 1 and "finite" in capsys.readouterr().err


def test_every_search_path_checks_numbers_at_one_boundary(sample_studio):
    from core.errors import AtelierError

    for bad in (dict(image_weight=float("nan")), dict(page_size=0), dict(page=-1), dict(bias_strength=float("inf")),
                dict(shape_weight=2.0)):
        with pytest.raises(AtelierError):
            search_catalog(sample_studio.index, sample_studio.encoder, SearchQuery(text="red", **bad))


@pytest.mark.parametrize("what", ["missing", "fifo", "folder", "binary"])
def test_batch_file_that_is_missing_special_or_binary(tmp_path, small_index, capsys, what):
    path = tmp_path / "b.jsonl"
    if what == "fifo":
        os.mkfifo(path)
    elif what == "folder":
        path.mkdir()
    elif what == "binary":
        path.write_bytes(bytes(range(256)) * 4)
    code = main(["search", "--batch", str(path), *small_index])
    out, err = capsys.readouterr()
    if what == "binary":  # answered line by line: one JSON error per line, never a crash
        lines = (bytes(range(256)) * 4).count(b"\n") + 1
        assert code == 0 and len(out.splitlines()) == lines and all("error" in _strict(x) for x in out.splitlines())
    else:
        assert code == 1 and err.startswith("error: ") and "Traceback" not in err


# ---- 3. CLI arguments checked before work -------------------------------------------------------------------
@pytest.mark.parametrize("out, message", [("result", "image extension"), ("{tmp}", "is a folder"),
                                          ("{tmp}/", "is a folder"), ("{tmp}/x.png/", "is a folder")])
def test_design_out_is_checked_before_the_work(tmp_path, capsys, out, message):
    img = tmp_path / "g.png"
    Image.new("RGB", (64, 64), "red").save(img)
    code = main(["design", "--image", str(img), "--mask", str(img), "--prompt", "blue", "--model", "offline",
                 "--out", out.format(tmp=tmp_path)])
    assert code == 1 and message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.png"]


def test_negative_seed_is_refused_before_the_work(tmp_path, capsys):
    img = tmp_path / "g.png"
    Image.new("RGB", (64, 64), "red").save(img)
    code = main(["design", "--image", str(img), "--mask", str(img), "--prompt", "blue", "--model", "offline",
                 "--out", str(tmp_path / "o.png"), "--seed", "-1"])
    assert code == 1 and "--seed" in capsys.readouterr().err and not (tmp_path / "o.png").exists()


@pytest.mark.parametrize("var, value", [("ATELIER_MAX_IMAGE_PIXELS", "abc"), ("ATELIER_MAX_IMAGE_PIXELS", "-5"),
                                        ("CHROMA_PORT", "99999"), ("ATELIER_AUTO_PROBE_TIMEOUT_S", "nan"),
                                        ("ATELIER_EXACT_SEARCH_THRESHOLD", "1.5")])
def test_bad_env_settings_give_a_clear_message(monkeypatch, capsys, var, value):
    monkeypatch.setenv(var, value)
    code = main(["info"])
    err = capsys.readouterr().err
    assert code == 1 and var in err and "Traceback" not in err


def test_designs_work_at_most_at_the_edit_size(tmp_path, capsys):
    from PIL import ImageDraw

    img, mask = tmp_path / "big.png", tmp_path / "mask.png"
    photo = Image.new("RGB", (1600, 1200), (235, 235, 235))
    ImageDraw.Draw(photo).rectangle([400, 300, 1200, 900], fill=(200, 30, 30))
    photo.save(img)
    m = Image.new("L", (1600, 1200), 0)
    ImageDraw.Draw(m).rectangle([400, 300, 1200, 900], fill=255)
    m.save(mask)
    os.environ["ATELIER_MAX_EDIT_PIXELS"] = "480000"
    try:
        code = main(["design", "--image", str(img), "--mask", str(mask), "--prompt", "navy", "--model", "offline",
                     "--out", str(tmp_path / "o.png"), "--json"])
    finally:
        del os.environ["ATELIER_MAX_EDIT_PIXELS"]
    info = json.loads(capsys.readouterr().out)
    assert code == 0 and info["size"] == [800, 600]
    r, g, b = Image.open(tmp_path / "o.png").getpixel((400, 300))
    assert b > r  # navy now, where it was red


# ---- 5. one normalisation for profile names -----------------------------------------------------------------
def test_profile_names_normalise_once_for_create_get_and_cli(tmp_path, capsys, monkeypatch):
    from core.profiles import ProfileStore

    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    store = ProfileStore(url)
    ada = store.create("Ada  Lovelace")
    for spelling in ("Ada Lovelace", " ada\u200b lovelace ", "ＡＤＡ LOVELACE", "Ada\u00a0Lovelace", "ADA LOVELACE"):
        assert store.get(spelling).id == ada.id
        assert store.get_or_create(spelling).id == ada.id
    from core.errors import AtelierError

    for twin in ("ADA LOVELACE", "Ada Lovelace\u2060", "\u0410da Lovelace"):  # the last with a Cyrillic А
        with pytest.raises(AtelierError):
            store.create(twin)
    with pytest.raises(AtelierError):
        store.create("\u200b \u2060")
    assert [p.name for p in store.list()] == ["Ada Lovelace"]
    assert store.create("Анна").name == "Анна"  # a name in Cyrillic is a real name, not a spoof
    monkeypatch.setenv("ATELIER_PROFILES_URL", url)
    assert main(["profile", "like", "ada   LOVELACE", "--item", "x-1"]) == 0
    assert store.items(ada.id, "like") == ["x-1"]


def test_profiles_from_an_older_database_keep_working(tmp_path):
    import sqlite3

    from core.profiles import ProfileStore

    path = tmp_path / "old.sqlite3"
    ProfileStore(f"sqlite:///{path}")
    con = sqlite3.connect(path)  # a v2 database with two names the new rules would fold together
    con.execute("DROP INDEX profiles_name_key")
    con.execute("ALTER TABLE profiles DROP COLUMN name_key")
    con.execute("DELETE FROM schema_version WHERE version >= 3")
    con.execute("INSERT INTO profiles (name, notes, created_at) VALUES ('Ada', '', 1), ('ADA', '', 2), ('Bob', '', 3)")
    con.commit()
    con.close()
    store = ProfileStore(f"sqlite:///{path}")
    assert store.version() == 4  # v3 folded names; v4 (client books) gave every profile an owner
    assert store.get("Ada").name == "Ada" and store.get("ADA").name == "ADA" and store.get("bob").name == "Bob"
    assert store.get("ada").name == "Ada"


def test_app_first_start_on_a_hostile_catalog_names_what_it_skipped(tmp_path, tiny_clip_dir, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from core.config import REPO_ROOT
    from core.ui import get_profile_store, get_studio

    folder = _catalog(tmp_path / "cat", ["red.jpg", "blue.jpg", " .jpg", os.fsdecode(b"caf\xe9.jpg")],
                      ("catalog.csv", "file,name,price,#\nred.jpg,Red top,\"1,299\",1\nblue.jpg,Blue top,x,2\n"
                                      "ghost.jpg,Ghost,3,3\n".encode("cp1252")))
    for var, value in (("ATELIER_CATALOG", folder), ("ATELIER_DB_DIR", tmp_path / "idx"),
                       ("ATELIER_ENCODER", tiny_clip_dir), ("ATELIER_DATA_DIR", tmp_path)):
        monkeypatch.setenv(var, str(value))
    get_studio.clear()
    get_profile_store.clear()
    try:
        at = AppTest.from_file(str(REPO_ROOT / "Home.py"), default_timeout=180).run()
    finally:
        get_studio.clear()
        get_profile_store.clear()
    assert not at.exception and not [e.value for e in at.error]
    assert {m.label: m.value for m in at.metric}["Catalog items"] == "3"
    box = next(e for e in at.expander if "files skipped" in e.label)
    assert box.label.startswith("1 files skipped")
    shown = "\n".join(t.value for t in box.text)
    for named in ("caf\\xe9.jpg", "column '#'", "catalog.csv:3: price 'x'", "ghost.jpg", "no usable characters"):
        assert named in shown, (named, shown)


def test_good_items_of_a_hostile_catalog_are_all_searchable(tmp_path, tiny_clip):
    """Good images under hostile names, broken files and a hostile sheet: every good image is found by itself."""
    import numpy as np

    from core.search import CatalogIndex

    good_names = ["ok.jpg", " .jpg", "\u200b.png", "Ümlaut €.jpg", "$and.jpg", "#1.png", "a\u2028b.jpg", "x'y\".jpg"]
    folder = tmp_path / "cat"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in good_names:
        Image.fromarray(rng.integers(0, 255, (48, 48, 3), dtype=np.uint8)).save(folder / name)
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "junk.png").write_bytes(b"\x89PNG nope")
    with open(os.path.join(os.fsencode(folder), b"bad\xff.jpg"), "wb") as fh:
        fh.write((folder / "ok.jpg").read_bytes())
    (folder / "catalog.jsonl").write_text('{"file": "ok.jpg", "price": "1,299", "$where": 1}\n{"file": \n'
                                          '{"file": "\u200b.png", "name": "\\ud83d"}\n', encoding="utf-8")
    report, store, settings = _ingest(tmp_path, folder, tiny_clip)
    assert report.added == len(good_names)
    assert sorted(Path(s["path"]).name for s in report.skipped) == ["bad\\xff.jpg", "empty.jpg", "junk.png"]
    index = CatalogIndex(store, collection_name(settings.catalog_name, tiny_clip.info.slug))
    listing = {Path(i.path).name: i.id for i in read_catalog(folder).items}
    from core.images import load_image

    for name in good_names:
        hits = search_catalog(index, tiny_clip, SearchQuery(image=load_image(folder / name), page_size=1)).hits
        assert hits[0].id == listing[name] and Path(hits[0].path).name == name
    assert index.item(listing["ok.jpg"]).metadata["price"] == 1299.0


# ---- lookbook: every script drawn (CJK, shaped Arabic, emoji) or a visible fallback; FIFOs never waited on ------
def _lookbook_fonts():
    from matplotlib import font_manager

    from core import textdraw

    return textdraw, font_manager.findfont(font_manager.FontProperties(family="DejaVu Serif"))


def _needs(font_file: str, package: str):
    from core import textdraw

    if not textdraw.find_font(font_file):
        pytest.skip(f"font package {package} is not installed ({font_file} not found): "
                    f"sudo apt-get install {package}")


def _ink(img: Image.Image):
    import numpy as np

    return np.asarray(img)[..., 3] > 64


def test_lookbook_draws_cjk_glyphs_not_tofu_boxes():
    _needs("NotoSerifCJK-Regular.ttc", "fonts-noto-cjk")
    import numpy as np

    textdraw, primary = _lookbook_fonts()
    assert textdraw.needs_raster("李小龙", primary)  # DejaVu Serif lacks CJK: matplotlib alone would draw boxes
    glyphs = [_ink(textdraw.render(ch, 24, "black", primary)[0]) for ch in "李龙"]
    assert all(g.sum() > 50 for g in glyphs)
    h = min(g.shape[0] for g in glyphs)
    w = min(g.shape[1] for g in glyphs)
    assert not np.array_equal(glyphs[0][:h, :w], glyphs[1][:h, :w])  # tofu boxes are all the same box
    assert not textdraw.missing()
    # The .notdef box of the primary font, drawn the same size, is not what the lookbook draws.
    from PIL import ImageDraw, ImageFont

    tofu = Image.new("RGBA", glyphs[0].shape[::-1], (0, 0, 0, 0))
    ImageDraw.Draw(tofu).text((0, 0), "李", font=ImageFont.truetype(primary, 100), fill="black")
    assert not np.array_equal(_ink(tofu), glyphs[0])


def test_lookbook_shapes_arabic_right_to_left():
    _needs("NotoNaskhArabic-Regular.ttf", "fonts-noto-core")
    textdraw, primary = _lookbook_fonts()
    if not textdraw.has_raqm():
        pytest.skip("Pillow has no raqm here (apt-get install libraqm0 libfribidi0): Arabic shows as [...] instead")
    from PIL import ImageFont

    naskh = ImageFont.truetype(textdraw.find_font("NotoNaskhArabic-Regular.ttf"), 100, layout_engine=ImageFont.Layout.RAQM)
    word = "سلام"
    # Joined (shaped) letters are narrower than the same letters in their isolated forms side by side.
    joined = naskh.getlength(word)
    isolated = sum(naskh.getlength(ch) for ch in word)
    assert joined < isolated - 5
    shaped = textdraw.render(word, 24, "black", primary)[0]
    letters = textdraw.render(" ".join(word), 24, "black", primary)[0]
    assert shaped.width < letters.width
    assert _ink(shaped).sum() > 50
    # Right to left: in "ل" + "ا" (lam-alef is one ligature, so use "ب" + "ا") the first letter is on the right.
    from core.textdraw import runs

    assert [f for _t, f in runs("فستان أزرق", primary)] == [textdraw.find_font("NotoNaskhArabic-Regular.ttf")]
    b_alone = _ink(textdraw.render("ب", 24, "black", primary)[0])
    ba = _ink(textdraw.render("با", 24, "black", primary)[0])
    right_half = ba[:, ba.shape[1] // 2:]
    left_half = ba[:, : ba.shape[1] // 2]
    # The dot under beh sits low on the right; alef (a tall stroke) is on the left.
    low = slice(int(ba.shape[0] * 0.72), ba.shape[0])
    assert right_half[low].sum() > left_half[low].sum()
    assert b_alone.sum() > 0


def test_lookbook_draws_emoji_in_colour():
    _needs("NotoColorEmoji.ttf", "fonts-noto-color-emoji")
    import numpy as np

    textdraw, primary = _lookbook_fonts()
    img = np.asarray(textdraw.render("Silk 👗", 20, "black", primary)[0]).astype(int)
    opaque = img[..., 3] > 200
    colourful = (img[..., :3].max(-1) - img[..., :3].min(-1)) > 60
    assert (opaque & colourful).sum() > 30  # the dress is blue, not a black box
    assert len(textdraw.runs("👩🏽‍🦱", primary)) == 1  # the ZWJ sequence stays whole


def test_lookbook_without_fonts_says_so_instead_of_tofu(monkeypatch):
    import io

    from pypdf import PdfReader

    from core import textdraw
    from core.profiles import Profile
    from core.stylist import lookbook_pdf

    monkeypatch.setattr(textdraw, "find_font", lambda name: None)
    pdf = PdfReader(io.BytesIO(lookbook_pdf(Profile(1, "李明 ليلى"), [], [], [], date="1 December 2026")))
    cover = pdf.pages[0].extract_text()
    assert "cannot be drawn with the fonts on this computer" in cover and "Chinese/Japanese/Korean" in cover
    assert "Arabic" in cover and textdraw.MARK in cover
    assert "Chinese/Japanese/Korean" in textdraw.missing()


def test_lookbook_cjk_name_reaches_the_pdf_as_drawn_glyphs():
    _needs("NotoSerifCJK-Regular.ttc", "fonts-noto-cjk")
    import io

    from pypdf import PdfReader

    from core.profiles import Profile
    from core.stylist import lookbook_pdf

    pdf = PdfReader(io.BytesIO(lookbook_pdf(Profile(1, "李明"), [], [], [], date="1 December 2026")))
    cover = pdf.pages[0]
    assert "李明" not in cover.extract_text()  # not set in DejaVu Serif (which has no such glyphs)...
    assert len(cover.images) >= 1  # ...but drawn, as an image of the shaped text
    assert "cannot be drawn" not in cover.extract_text()


def test_lookbook_skips_a_fifo_saved_design_without_waiting(tmp_path):
    import io
    import threading

    from pypdf import PdfReader

    from core.profiles import Profile
    from core.search import SearchHit
    from core.stylist import lookbook_pdf

    fifo = tmp_path / "design.png"
    os.mkfifo(fifo)
    good = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(good, "PNG")
    designs = [{"png": str(fifo), "spec": {"prompt": "pipe"}}, {"path": fifo, "spec": {"prompt": "pipe 2"}},
               {"png": good.getvalue(), "spec": {"prompt": "ok"}}]
    piece = SearchHit("f", 1.0, str(fifo), {"name": "Piped piece", "price": 5.0})
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("pdf", lookbook_pdf(Profile(1, "Dora"), [piece], [], designs,
                                                                           date="1 December 2026")), daemon=True)
    t.start()
    t.join(30)
    if t.is_alive():
        with open(fifo, "wb"):  # unblock the reader so the test process can end
            pass
        pytest.fail("the lookbook waited on a FIFO")
    last = PdfReader(io.BytesIO(out["pdf"])).pages[-1].extract_text()
    assert "2 saved designs could not be read" in last and "ok" in last


def test_lookbook_image_loader_refuses_a_fifo_by_its_kind(tmp_path):
    from core.errors import BadImageError
    from core.images import load_image

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(BadImageError, match="not a regular file"):
        load_image(fifo)
