"""Large seeded fuzz run (prints what it found): hostile images through the upload path, hostile metadata
files through the readers, a hostile folder through a real ingest, and (issue 17) hostile file names,
metadata sheets in several encodings, `search --batch` lines and CLI arguments. Bounded in count and time.

    .venv/bin/python -m bench.fuzz [--images 5000] [--metadata 1000] [--ingest 300]
                                   [--names 500] [--encodings 1000] [--batch 2000] [--cli 300]
    .venv/bin/python -m bench.fuzz --quick     # a few hundred cases of each kind, about a minute
    .venv/bin/python -m bench.fuzz --round3-only [--round3 1200]   # issue 27's families only

Issue 27 families (--round3 N cases in all, seeded): long thin and huge images through load_image and an encoder
(with this process's peak memory per case), prices in every style through the one parser, metadata edits
re-ingested, parquet files of zero-padded rows and hostile prices through fetch-catalog, copies that fail on a
full disk, and Chroma servers that accept and never answer.

A finding is a traceback (an exception other than AtelierError), a hang (a case over 10 s), a silent change of
a value (a metadata value read differently with no problem reported) or a batch answer that is not exactly one
valid JSON line.
"""
from __future__ import annotations

import argparse
import collections
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import warnings  # noqa: E402

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from core.catalog import read_metadata  # noqa: E402
from core.errors import BadImageError  # noqa: E402
from core.images import load_image  # noqa: E402
from testkit.fuzzing import hostile_images, hostile_metadata  # noqa: E402

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
    ap.add_argument("--round3", type=int, default=1200, help="issue 27 cases in all")
    ap.add_argument("--round3-only", action="store_true", help="run only issue 27's families")
    args = ap.parse_args()
    if args.round3_only:
        findings = round3(args.round3)
        print(f"TOTAL issue-27 findings (tracebacks, hangs, unexpected errors, silent changes, lost writes, requests "
              f"over 1 GB): {len(findings)}")
        for f in findings[:20]:
            print("  ", f)
        return
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

        from testkit.tiny_models import build_tiny_clip
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
    if args.round3:
        crashes += round3(args.round3)
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

    from core.cli.main import main as cli
    from core.cli.search import batch_answer, read_lines
    from core.catalog import parse_price, read_catalog
    from core.errors import AtelierError
    from core.validate import json_line
    from testkit.fuzzing import ENCODINGS, batch_lines, cli_arguments, csv_text, file_names, metadata_rows

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
    from testkit.tiny_models import build_tiny_clip
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
            out = [json_line(batch_answer(studio, raw, n, tmp, 5))
                   for n, raw in enumerate(read_lines(io.BytesIO(b"\n".join(lines) + b"\n")), 1)]
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


# ---- issue 27: long thin images, prices, metadata edits, parquet bombs, storage faults, server stalls -------------
def _hwm_reset() -> float:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
    return _status("VmRSS")


def _status(key: str) -> float:
    return next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith(key)) / 1024


def gen_strip(rng):
    """A long thin (or huge, or tiny) image as PNG/JPEG/WebP/GIF bytes: sizes from the header say it all."""
    import io

    from PIL import Image

    kind = rng.integers(0, 6)
    if kind == 0:
        w, h = int(rng.integers(1, 16)), int(rng.integers(100_000, 4_000_001))
    elif kind == 1:
        w, h = int(rng.integers(300, 1200)), int(rng.integers(10_000, 66_000))
    elif kind == 2:  # around the 20:1 limit
        w = int(rng.integers(200, 1400))
        h = int(w * rng.uniform(18, 22))
    elif kind == 3:  # many pixels, ordinary shape
        w = int(rng.integers(4000, 8000))
        h = int(w * rng.uniform(0.6, 1.4))
    else:
        w, h = int(rng.integers(8, 2000)), int(rng.integers(8, 2000))
    if rng.integers(0, 2):
        w, h = h, w
    if w * h > 60_000_000:
        w = max(1, 60_000_000 // h) if w > h else w
        h = max(1, 60_000_000 // w) if h >= w else h
    mode = ["L", "RGB", "RGBA", "1", "P", "I;16"][int(rng.integers(0, 6))]
    fmt = ["PNG", "PNG", "JPEG", "WEBP", "GIF"][int(rng.integers(0, 5))]
    if fmt == "JPEG" and max(w, h) > 65500:  # JPEG's own limit: such a file cannot be made at all
        fmt = "PNG"
    if fmt == "JPEG" and mode not in ("L", "RGB"):
        mode = "RGB"
    if fmt == "WEBP":
        mode = "RGB" if mode not in ("RGB", "RGBA") else mode
        if max(w, h) > 16383:
            fmt = "PNG"
    if fmt == "GIF":
        mode = "P" if mode != "L" else mode
        if max(w, h) > 65535:
            fmt = "PNG"
    if fmt == "PNG" and mode == "P":
        mode = "L"
    img = Image.new(mode, (w, h), 200 if mode != "RGBA" else (200, 30, 30, 128))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue(), (w, h, mode, fmt)


def gen_price(rng):
    """(cell, expected): expected is the price it must read as, or None where it must be reported."""
    v = round(float(rng.choice([rng.uniform(0.5, 99), rng.uniform(100, 99_999)])), 2)
    whole, cents = int(v), int(round((v - int(v)) * 100))
    us = f"{whole:,}"
    eu = us.replace(",", ".")
    style = int(rng.integers(0, 12))
    if style == 0:
        return f"{v:.2f}", round(v, 2)
    if style == 1:
        return f"{us}.{cents:02d}", round(whole + cents / 100, 2)
    if style == 2:
        return f"{eu},{cents:02d}", round(whole + cents / 100, 2)
    if style == 3:
        return f"${us}", float(whole)
    if style == 4:
        return f"€ {eu},{cents:02d}", round(whole + cents / 100, 2)
    if style == 5:
        return f"{whole}\u202f{cents:02d}"[:0] + f"{whole:,}".replace(",", "\u202f"), float(whole)
    if style == 6:
        return f"-{v}", None
    if style == 7:
        return str(rng.choice(["nan", "NaN", "inf", "-inf", "abc", "1e400", "1,2,3", "0,999", "0.999", "--"])), None
    if style == 8:
        return bool(rng.integers(0, 2)), None
    if style == 9:
        return float("nan"), None
    if style == 10:
        return int(rng.integers(0, 10_000)), None if False else None
    return "", "empty"


def round3(total: int) -> list[str]:
    import contextlib
    import io
    import shutil
    import signal
    import socket
    import threading

    import numpy as np

    from core.catalog import parse_price
    from core.errors import AtelierError, BadImageError
    from testkit.tiny_models import build_tiny_clip
    from core.encoders.clip import ClipEncoder

    rng = np.random.default_rng(27)
    findings: list[str] = []
    counts = collections.Counter()
    tmp = Path(tempfile.mkdtemp(prefix="atelier-fuzz27-"))
    # Shares by cost on a 2-core box: a price is microseconds, an image or a parquet file seconds.
    share = {"images": 0.06, "prices": 0.77, "edits": 0.04, "parquet": 0.09, "faults": 0.025, "stalls": 0.015}
    n_of = {k: max(3, int(total * v)) for k, v in share.items()}
    enc = ClipEncoder(build_tiny_clip(tmp / "clip"))
    worst = [0.0, ""]

    def guard(label, fn, limit_s=60):
        t = time.perf_counter()
        try:
            fn()
        except AtelierError as exc:
            counts[f"{label}: clear message"] += 1
            if "unexpected" in str(exc):
                findings.append(f"{label}: 'unexpected' in {exc}")
        except Exception as exc:
            findings.append(f"{label}: traceback {type(exc).__name__}: {str(exc)[:150]}")
        if time.perf_counter() - t > limit_s:
            findings.append(f"{label}: took {time.perf_counter() - t:.0f}s (a hang)")

    # 1. long thin and huge images: refused from the header, or decoded and encoded within the budget
    t0 = time.perf_counter()
    for n in range(n_of["images"]):
        data, (w, h, mode, fmt) = gen_strip(rng)

        def one():
            base = _hwm_reset()
            try:
                img = load_image(data)
                enc.encode_images([img])
                from core.sketch import SketchError, outline_of_product

                with contextlib.suppress(SketchError):
                    outline_of_product(img)
                counts["images: decoded and encoded"] += 1
                if max(w, h) / min(w, h) > 20:
                    findings.append(f"images: a {w}x{h} strip was accepted")
            except BadImageError:
                counts["images: refused with a message"] += 1
            grew = _status("VmHWM") - base
            if grew > worst[0]:
                worst[:] = [grew, f"{w}x{h} {mode} {fmt}"]
            if grew > 1024:
                findings.append(f"images: {w}x{h} {mode} {fmt} took {grew:.0f} MB")
        guard("images", one)
    print(f"long thin / huge images: {n_of['images']} in {time.perf_counter() - t0:.0f}s, largest request "
          f"+{worst[0]:.0f} MB ({worst[1]}); " + ", ".join(f"{v} {k}" for k, v in counts.items() if k.startswith("images")))

    # 2. prices in every style: read exactly, or reported; never a silent change
    t0 = time.perf_counter()
    for n in range(n_of["prices"]):
        cell, expected = gen_price(rng)

        def one():
            got, why = parse_price(cell)
            if expected == "empty":
                ok = got is None and why is None
            elif expected is None:
                ok = why is not None and got is None or (isinstance(cell, int) and got == float(cell) and why is None)
            else:
                ok = got is not None and abs(got - expected) < 1e-9
            counts["prices: read exactly or reported" if ok else "prices: SILENT CHANGE"] += 1
            if not ok:
                findings.append(f"prices: {cell!r} -> {got!r} ({why}), expected {expected!r}")
        guard("prices", one)
    print(f"prices: {n_of['prices']} cells in {time.perf_counter() - t0:.1f}s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items() if k.startswith("prices")))

    # 3. metadata edits: re-ingest sees every changed row, writes it without re-embedding, no update loop
    from PIL import Image

    from core.config import load_settings
    from core.ingest import ingest_catalog
    from core.search import CatalogIndex
    from core.store import IndexStore, collection_name

    t0 = time.perf_counter()
    folder = tmp / "edits"
    folder.mkdir()
    for k, colour in enumerate(["red", "navy", "green", "black"]):
        Image.new("RGB", (48, 48), colour).save(folder / f"i{k}.png")
    s3 = load_settings(db_dir=tmp / "edits-index")
    rows = {f"i{k}": {"name": f"Item {k}", "price": f"{10 + k}", "season": "all"} for k in range(4)}

    def write_sheet():
        cols = sorted({c for r in rows.values() for c in r})
        lines = ["file," + ",".join(cols)] + [f"{i}.png," + ",".join(r.get(c, "") for c in cols) for i, r in rows.items()]
        (folder / "catalog.csv").write_text("\n".join(lines) + "\n")

    write_sheet()
    ingest_catalog(folder, IndexStore(s3), enc, s3)
    index = CatalogIndex(IndexStore(s3), collection_name(s3.catalog_name, enc.info.slug))
    for n in range(n_of["edits"]):
        item = f"i{int(rng.integers(0, 4))}"
        what = ["name", "price", "season", "new column", "drop column"][int(rng.integers(0, 5))]
        if what == "name":
            rows[item]["name"] = f"Edited {n}"
        elif what == "price":
            rows[item]["price"] = f"{int(rng.integers(1, 5000)):,}".replace(",", "")
        elif what == "season":
            rows[item]["season"] = ["winter", "summer", "all"][n % 3]
        elif what == "new column":
            rows[item][f"extra{n % 3}"] = f"v{n}"
        else:
            for r in rows.values():
                r.pop(f"extra{n % 3}", None)
        write_sheet()

        def one():
            calls = []
            real = enc.encode_images
            enc.encode_images = lambda ims: calls.append(len(ims)) or real(ims)
            try:
                rep = ingest_catalog(folder, IndexStore(s3), enc, s3)
            finally:
                enc.encode_images = real
            index.refresh()  # what every search does first (the app asks the store again at each query)
            meta = index.item(item).metadata
            lost = meta.get("name") != rows[item]["name"] or meta.get("price") != float(rows[item]["price"]) \
                or any(meta.get(k) != v for k, v in rows[item].items() if k not in ("name", "price") and v)
            if lost:
                findings.append(f"edits: {what} on {item} not in the index: {meta} vs {rows[item]}")
            if calls:
                findings.append(f"edits: {what} re-embedded {sum(calls)} images")
            again = ingest_catalog(folder, IndexStore(s3), enc, s3)
            if again.metadata_updated:
                findings.append(f"edits: update loop ({again.metadata_updated} updated on a second run)")
            counts[f"edits: {rep.metadata_updated} updated"] += 1
        guard("edits", one)
    print(f"metadata edits: {n_of['edits']} edits re-ingested in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items()) if k.startswith("edits")))

    # 4. parquet: zero-padded rows (bombs), long CJK ids, hostile prices; each row imported or named
    import pyarrow as pa
    import pyarrow.parquet as pq

    from core.fetch import fetch_catalog

    png = io.BytesIO()
    Image.new("RGB", (32, 32), "red").save(png, "PNG")
    t0 = time.perf_counter()
    worst_pq = 0.0
    for n in range(n_of["parquet"]):
        k = int(rng.integers(1, 6))
        pad_mb = [0, 0, 1, 30, 60][int(rng.integers(0, 5))]
        ids = [("連衣裙" * int(rng.integers(1, 60))) + str(j) if rng.integers(0, 3) == 0 else f"r{n}-{j}"
               for j in range(k)]
        prices = [gen_price(rng) for _ in range(k)]
        table = pa.table({"id": ids, "price": [str(c) for c, _ in prices],
                          "image": [{"bytes": png.getvalue(), "path": None}] * k,
                          "pad": ["\0" * (pad_mb << 20)] * k})
        path = tmp / f"p{n}.parquet"
        pq.write_table(table, path, compression="zstd")
        del table

        def one():
            nonlocal worst_pq
            base = _hwm_reset()
            out = tmp / f"pq-out-{n}"
            rep = fetch_catalog(str(path), out)
            worst_pq = max(worst_pq, _status("VmHWM") - base)
            if rep.imported + len(rep.skipped) != k:
                findings.append(f"parquet: {k} rows in, {rep.imported} imported + {len(rep.skipped)} skipped")
            if pad_mb >= 30 and rep.imported:
                findings.append(f"parquet: a {pad_mb} MB row was imported")
            reported = " ".join(rep.problems)
            for (cell, expected), raw in zip(prices, ids):
                if expected is None and pad_mb < 30 and str(cell) not in ("",) and f"price {str(cell)!r}" not in reported:
                    if not (isinstance(cell, int)):
                        findings.append(f"parquet: price {cell!r} neither read nor reported")
            counts[f"parquet: rows imported"] += rep.imported
            counts[f"parquet: rows skipped with a reason"] += len(rep.skipped)
            shutil.rmtree(out, ignore_errors=True)
        guard("parquet", one)
        path.unlink()
    print(f"parquet: {n_of['parquet']} files in {time.perf_counter() - t0:.0f}s, largest read +{worst_pq:.0f} MB: "
          + ", ".join(f"{v} {k}" for k, v in counts.items() if k.startswith("parquet")))

    # 5. storage faults: a copy that fails part way (ENOSPC) leaves nothing behind and loses nothing published
    import errno

    import core.store as store_mod

    t0 = time.perf_counter()
    s5 = load_settings(db_dir=tmp / "fault-index")
    ingest_catalog(folder, IndexStore(s5), enc, s5)
    real_copytree, real_which = shutil.copytree, shutil.which
    for n in range(n_of["faults"]):
        gens_before = sorted(p.name for p in (tmp / "fault-index" / "gens").iterdir())
        stop_after = int(rng.integers(0, 6))

        copied = [0]

        def copy(a, b, **k2):
            if copied[0] >= stop_after:
                raise OSError(errno.ENOSPC, "No space left on device")
            copied[0] += 1
            return shutil.copy2(a, b)

        def failing_copytree(src, dst, *args, **kw):
            if args or "copy_function" in kw:  # copytree's own recursion into sub-folders
                return real_copytree(src, dst, *args, **kw)
            return real_copytree(src, dst, copy_function=copy, **kw)

        shutil.copytree, shutil.which = failing_copytree, (lambda name: None)
        rows["i0"]["name"] = f"Fault {n}"
        write_sheet()

        def one():
            try:
                ingest_catalog(folder, IndexStore(s5), enc, s5)
                findings.append("faults: a failing copy was not reported")
            except AtelierError as exc:
                counts["faults: clear message"] += 1
                if "full" not in str(exc):
                    findings.append(f"faults: message does not say the disk is full: {exc}")
            finally:
                shutil.copytree, shutil.which = real_copytree, real_which
            left = sorted(p.name for p in (tmp / "fault-index" / "gens").iterdir())
            if left != gens_before:
                findings.append(f"faults: partial copy left behind ({set(left) - set(gens_before)})")
            ok = ingest_catalog(folder, IndexStore(s5), enc, s5)
            idx = CatalogIndex(IndexStore(s5), collection_name(s5.catalog_name, enc.info.slug))
            if idx.item("i0").metadata.get("name") != f"Fault {n}" or ok.metadata_updated != 1:
                findings.append("faults: the write after the fault was lost")
        guard("faults", one)
    print(f"storage faults: {n_of['faults']} failing copies in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items() if k.startswith("faults")))

    # 6. Chroma servers that accept and never answer: every verb ends, naming the server
    from core.__main__ import main as cli

    t0 = time.perf_counter()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    port = srv.getsockname()[1]
    env_before = {k: os.environ.get(k) for k in ("CHROMA_HOST", "CHROMA_PORT", "ATELIER_CHROMA_TIMEOUT_S")}
    os.environ.update(CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port), ATELIER_CHROMA_TIMEOUT_S="1")
    verbs = [["search", "--text", "red dress"], ["info"], ["ingest", str(folder)], ["outfit", "--item", "i0"]]
    try:
        for n in range(n_of["stalls"]):
            argv = verbs[n % len(verbs)] + ["--encoder", str(tmp / "clip")]
            err = io.StringIO()

            def one():
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                    code = cli(argv)
                text = err.getvalue()
                if code == 0 or f"127.0.0.1:{port}" not in text:
                    findings.append(f"stalls: {argv[0]} exit {code}: {text[-160:]}")
                if "Traceback" in text or "unexpected" in text:
                    findings.append(f"stalls: {argv[0]}: {text[-160:]}")
                counts[f"stalls: {argv[0]} named the server"] += 1
            guard("stalls", one, limit_s=30)
    finally:
        srv.close()
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    print(f"server stalls: {n_of['stalls']} commands in {time.perf_counter() - t0:.0f}s: "
          + ", ".join(f"{v} {k}" for k, v in counts.items() if k.startswith("stalls")))
    print(f"issue 27 run: {sum(n_of.values())} hostile inputs, {len(findings)} findings")
    shutil.rmtree(tmp, ignore_errors=True)
    return findings


if __name__ == "__main__":
    main()
