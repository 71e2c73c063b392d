"""Large seeded fuzz run (prints what it found): hostile images through the upload path, hostile metadata
files through the readers, and a hostile folder through a real ingest. Bounded in count and time.

    .venv/bin/python bench/fuzz.py [--images 5000] [--metadata 1000] [--ingest 300]
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
    args = ap.parse_args()
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
    print(f"TOTAL findings (crashes): {len(crashes)}")
    for c in crashes[:10]:
        print("  ", c)


if __name__ == "__main__":
    main()
