"""Large seeded fuzz run (prints what it found): hostile images through the upload path, hostile metadata
files through the readers, a hostile folder through a real ingest, and (issue 17) hostile file names,
metadata sheets in several encodings, `search --batch` lines and CLI arguments. Bounded in count and time.

    .venv/bin/python bench/fuzz.py [--images 5000] [--metadata 1000] [--ingest 300]
                                   [--names 500] [--encodings 1000] [--batch 2000] [--cli 300]
    .venv/bin/python bench/fuzz.py --quick     # a few hundred cases of each kind, about a minute

A finding is a traceback (an exception other than AtelierError), a hang (a case over 10 s), a silent change of
a value (a metadata value read differently with no problem reported) or a batch answer that is not exactly one
valid JSON line.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import warnings  # noqa: E402

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from core.catalog import read_metadata  # noqa: E402
from core.errors import BadImageError  # noqa: E402
from core.images import load_image  # noqa: E402
from fuzzing import hostile_images, hostile_metadata  # noqa: E402

warnings.simplefilter("ignore")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=5000)
    ap.add_argument("--metadata", type=int, default=1000)
    ap.add_argument("--ingest", type=int, default=300)
    ap.add_argument("--names", type=int, default=500)
    ap.add_argument("--encodings", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--cli", type=int, default=300)
    ap.add_argument("--quick", action="store_true", help="a few hundred cases of each kind")
    args = ap.parse_args()
    if args.quick:
        args.images, args.metadata, args.ingest = 300, 200, 60
        args.names, args.encodings, args.batch, args.cli = 200, 300, 300, 100
    outcomes = collections.Counter()
    crashes, slowest = [], [0.0]

    @seed(2026)
    @settings(max_examples=args.images, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(hostile_images())
    def images(data):
        t = time.perf_counter()
        try:
            load_image(data)
            outcomes["decoded"] += 1
        except BadImageError as exc:
            outcomes["refused: " + str(exc).split(" is ", 1)[-1].split("(")[0].split(";")[0][:48]] += 1
        except Exception as exc:  # anything else is a finding
            crashes.append(f"{type(exc).__name__}: {exc}")
        slowest[0] = max(slowest[0], time.perf_counter() - t)

    t0 = time.perf_counter()
    images()
    print(f"upload path: {args.images} hostile images in {time.perf_counter() - t0:.0f}s, slowest {slowest[0] * 1000:.0f} ms, "
          f"{len(crashes)} crashes")
    for k, v in outcomes.most_common(12):
        print(f"  {v:5d}  {k}")
    rows = collections.Counter()

    @seed(7)
    @settings(max_examples=args.metadata, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(hostile_metadata())
    def metadata(text):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("m.csv", "m.jsonl"):
                p = Path(tmp) / name
                p.write_text(text, encoding="utf-8", errors="surrogatepass")
                try:
                    got, problems = read_metadata(p)
                    rows["rows"] += len(got)
                    rows["problems reported"] += len(problems)
                except Exception as exc:
                    crashes.append(f"metadata: {type(exc).__name__}: {exc}")

    t0 = time.perf_counter()
    metadata()
    print(f"metadata readers: {args.metadata} hostile files x 2 formats in {time.perf_counter() - t0:.0f}s: "
          f"{rows['rows']} rows read, {rows['problems reported']} problems reported, "
          f"{sum(c.startswith('metadata') for c in crashes)} crashes")
    if args.ingest:
        from hypothesis.strategies import lists

        from tiny_models import build_tiny_clip
        from core.config import load_settings
        from core.encoders.clip import ClipEncoder
        from core.ingest import ingest_catalog
        from core.store import IndexStore

        with tempfile.TemporaryDirectory() as tmp:
            enc = ClipEncoder(build_tiny_clip(Path(tmp) / "clip"))
            folder = Path(tmp) / "cat"
            folder.mkdir()
            drawn = []

            @seed(11)
            @settings(max_examples=1, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
            @given(lists(hostile_images(), min_size=args.ingest, max_size=args.ingest), hostile_metadata())
            def draw(files, meta):
                drawn.append((files, meta))

            draw()
            files, meta = drawn[0]
            for n, data in enumerate(files):
                (folder / f"f{n:04d}.{['png', 'jpg', 'webp'][n % 3]}").write_bytes(data)
            (folder / "catalog.csv").write_text(meta, encoding="utf-8", errors="surrogatepass")
            settings_ = load_settings(db_dir=Path(tmp) / "index")
            t0 = time.perf_counter()
            try:
                report = ingest_catalog(folder, IndexStore(settings_), enc, settings_)
                print(f"ingest: {args.ingest} hostile files in {time.perf_counter() - t0:.0f}s: {report.added} indexed, "
                      f"{len(report.skipped)} skipped with a reason, 0 crashes")
            except Exception as exc:
                crashes.append(f"ingest: {type(exc).__name__}: {exc}")
    crashes += hostile_input(args)
    print(f"TOTAL findings (crashes, hangs, silent changes, bad batch lines): {len(crashes)}")
    for c in crashes[:10]:
        print("  ", c)


def hostile_input(args) -> list[str]:
    """Issue 17's classes of input, generated: names, encodings, batch lines, CLI arguments. Returns findings."""
    import io
    import json
    from contextlib import redirect_stderr, redirect_stdout

    from hypothesis import assume
    from hypothesis import strategies as hst

    from core.__main__ import _batch_answer, _lines, main as cli
    from core.catalog import parse_price, read_catalog
    from core.errors import AtelierError
    from core.validate import json_line
    from fuzzing import ENCODINGS, batch_lines, cli_arguments, csv_text, file_names, metadata_rows

    findings: list[str] = []
    counts = collections.Counter()
    tmp = Path(tempfile.mkdtemp(prefix="atelier-fuzz-"))
    run = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))

    def timed(label, fn):
        t = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # anything not caught inside is a finding
            findings.append(f"{label}: {type(exc).__name__}: {str(exc)[:120]}")
        if time.perf_counter() - t > 10:
            findings.append(f"{label}: took {time.perf_counter() - t:.0f}s (a hang)")

    @seed(17)
    @settings(max_examples=args.names, **run)
    @given(hst.lists(file_names(), min_size=1, max_size=8, unique=True))
    def names(batch):
        folder = Path(tempfile.mkdtemp(dir=tmp))
        for name in batch:
            with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
                fh.write(b"x")

        def go():
            try:
                listing = read_catalog(folder)
            except AtelierError:
                counts["folders with nothing usable (clear message)"] += 1
                return
            counts["files listed"] += len(listing.items)
            counts["files skipped with a reason"] += len(listing.skipped)
            counts["fallback ids"] += sum(i.id.startswith("item-") for i in listing.items)
        timed("names", go)

    t0 = time.perf_counter()
    names()
    print(f"file names: {args.names} hostile folders in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))

    counts.clear()

    @seed(18)
    @settings(max_examples=args.encodings, **run)
    @given(metadata_rows(), hst.sampled_from(ENCODINGS))
    def encodings(sheet, encoding):
        header, rows = sheet
        try:
            data = csv_text(header, rows).encode(encoding)
        except UnicodeEncodeError:
            assume(False)
        path = Path(tempfile.mkdtemp(dir=tmp)) / "m.csv"
        path.write_bytes(data)

        def go():
            got, problems = read_metadata(path)
            guessed = any("guessed" in p for p in problems)
            exact = len(got) == len(rows) and all(g.get("name", "") == r[1] and parse_price(g.get("price")) ==
                                                  parse_price(r[2]) for g, r in zip(got, rows))
            counts["read exactly" if exact else ("changed, reported as guessed" if guessed else "SILENT CHANGE")] += 1
            if not exact and not guessed:
                findings.append(f"encodings: {encoding} sheet read differently with no report: {rows[:2]}")
        timed("encodings", go)

    t0 = time.perf_counter()
    encodings()
    print(f"metadata encodings: {args.encodings} sheets in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))

    counts.clear()
    from tiny_models import build_tiny_clip
    from core.config import load_settings
    from core.encoders.clip import ClipEncoder
    from core.ingest import ingest_catalog
    from core.samples import generate_sample_catalog
    from core.store import IndexStore
    from core.studio import open_studio

    clip_dir = build_tiny_clip(tmp / "clip")
    enc = ClipEncoder(clip_dir)
    cat = generate_sample_catalog(tmp / "catalog", per_category=1, seed=3)
    s = load_settings(db_dir=tmp / "index")
    ingest_catalog(cat, IndexStore(s), enc, s)
    studio = open_studio(s, encoder=enc)

    def refuse_constant(name):
        raise ValueError(f"bare {name} in JSON output")

    @seed(19)
    @settings(max_examples=args.batch, **run)
    @given(hst.lists(batch_lines(), min_size=1, max_size=6))
    def batch(lines):
        def go():
            out = [json_line(_batch_answer(studio, raw, n, tmp, 5))
                   for n, raw in enumerate(_lines(io.BytesIO(b"\n".join(lines) + b"\n")), 1)]
            if len(out) != len(lines):
                findings.append(f"batch: {len(lines)} lines in, {len(out)} out")
            for text in out:
                ans = json.loads(text, parse_constant=refuse_constant)
                counts["hits" if isinstance(ans, list) else "error lines"] += 1
                if isinstance(ans, dict) and "could not answer" in ans.get("error", ""):
                    findings.append(f"batch: unexpected failure {ans['error'][:100]}")
        timed("batch", go)

    t0 = time.perf_counter()
    batch()
    print(f"search --batch: {args.batch} hostile batches in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))

    counts.clear()

    @seed(20)
    @settings(max_examples=args.cli, **run)
    @given(cli_arguments())
    def arguments(argv):
        err = io.StringIO()
        os.environ["ATELIER_DATA_DIR"] = str(tmp / "data")

        def go():
            with redirect_stdout(io.StringIO()), redirect_stderr(err):
                try:
                    code = cli(argv + ["--db", str(tmp / "empty-db"), "--encoder", str(clip_dir)])
                except SystemExit as exc:
                    code = f"argparse {exc.code}"
            counts[f"exit {code}"] += 1
            if "Traceback" in err.getvalue() or "unexpected" in err.getvalue():
                findings.append(f"cli {argv}: {err.getvalue()[-200:]}")
        timed("cli", go)

    t0 = time.perf_counter()
    arguments()
    print(f"CLI arguments: {args.cli} hostile command lines in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    return findings


if __name__ == "__main__":
    main()
