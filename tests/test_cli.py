"""The CLI verbs over the same core functions: ingest, search (--json, --batch, filters), info, errors."""
import json

from core.__main__ import main


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_then_search_json(tmp_path, small_catalog, tiny_clip_dir, capsys):
    db = str(tmp_path / "db")
    code, out, _ = _run(capsys, "ingest", str(small_catalog), "--db", db, "--encoder", str(tiny_clip_dir), "--json")
    assert code == 0 and json.loads(out)["added"] == 12
    code, out, _ = _run(capsys, "search", "--text", "red dress", "--k", "5", "--db", db, "--encoder",
                        str(tiny_clip_dir), "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 5
    assert {"id", "score", "path", "metadata", "relevance"} <= set(hits[0]) and 0 < hits[0]["relevance"] <= 1
    assert hits[0]["score"] >= hits[-1]["score"]


def test_search_filters_and_image_query(tmp_path, small_catalog, tiny_clip_dir, capsys):
    db = str(tmp_path / "db")
    _run(capsys, "ingest", str(small_catalog), "--db", db, "--encoder", str(tiny_clip_dir))
    image = next((small_catalog / "images").iterdir())
    code, out, _ = _run(capsys, "search", "--image", str(image), "--k", "3", "--db", db, "--encoder",
                        str(tiny_clip_dir), "--json")
    assert code == 0 and json.loads(out)[0]["id"] == image.stem
    code, out, _ = _run(capsys, "search", "--text", "shirt", "--filter", "price_max=60", "--db", db,
                        "--encoder", str(tiny_clip_dir), "--json")
    assert code == 0 and all(0 <= h["metadata"]["price"] <= 60 for h in json.loads(out))


def test_folder_without_metadata_ids_are_relative_paths(tmp_path, small_catalog, tiny_clip_dir, capsys):
    (small_catalog / "catalog.csv").unlink()
    db = str(tmp_path / "db")
    _run(capsys, "ingest", str(small_catalog), "--db", db, "--encoder", str(tiny_clip_dir))
    _, out, _ = _run(capsys, "search", "--text", "red", "--db", db, "--encoder", str(tiny_clip_dir), "--json")
    assert all(h["id"].startswith("images/") and not h["id"].endswith(".jpg") for h in json.loads(out))


def test_batch_prints_one_json_list_per_line(tmp_path, small_catalog, tiny_clip_dir, capsys):
    db = str(tmp_path / "db")
    _run(capsys, "ingest", str(small_catalog), "--db", db, "--encoder", str(tiny_clip_dir))
    image = next((small_catalog / "images").iterdir())
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join([
        json.dumps({"text": "red dress"}),
        json.dumps({"image": str(image), "text": "striped", "image_weight": 0.7}),
        json.dumps({"text": "coat", "filters": {"category": ["coat", "jacket"]}}),
        json.dumps({"text": ""}),
    ]) + "\n")
    code, out, _ = _run(capsys, "search", "--batch", str(batch), "--k", "4", "--db", db, "--encoder", str(tiny_clip_dir))
    lines = [json.loads(x) for x in out.strip().splitlines()]
    assert code == 0 and len(lines) == 4
    assert len(lines[0]) == 4 and isinstance(lines[1], list)
    assert all(h["metadata"]["category"] in ("coat", "jacket") for h in lines[2])
    assert "error" in lines[3]


def test_user_errors_exit_non_zero_with_a_message(tmp_path, capsys, tiny_clip_dir):
    code, _, err = _run(capsys, "ingest", str(tmp_path / "missing"), "--db", str(tmp_path / "db"),
                        "--encoder", str(tiny_clip_dir))
    assert code == 1 and "does not exist" in err
    code, _, err = _run(capsys, "search", "--text", "red", "--db", str(tmp_path / "empty"), "--encoder",
                        str(tiny_clip_dir))
    assert code == 1 and "has not been built" in err
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    code, _, err = _run(capsys, "search", "--image", str(bad), "--db", str(tmp_path / "empty"), "--encoder",
                        str(tiny_clip_dir))
    assert code == 1 and "not an image" in err


def test_json_errors_are_json_on_stdout(tmp_path, capsys):
    """With --json every verb answers an error as one JSON object on stdout (and the line on stderr), exit 1."""
    code, out, err = _run(capsys, "tryon", "--person", str(tmp_path / "nobody.jpg"), "--garment",
                          str(tmp_path / "shirt.jpg"), "--out", str(tmp_path / "o.png"), "--json")
    assert code == 1 and err.startswith("error:")
    answer = json.loads(out)
    assert answer["kind"] == "input" and "nobody.jpg" in answer["error"]
    code, out, err = _run(capsys, "tryon", "--person", str(tmp_path / "nobody.jpg"), "--garment",
                          str(tmp_path / "shirt.jpg"), "--out", str(tmp_path / "o.png"))
    assert code == 1 and out == "" and "nobody.jpg" in err
