"""Ingest throughput against the lite encoder's raw throughput on the sample catalog (target: >= 80%).

    .venv/bin/python -m bench.bench_ingest
"""
from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from PIL import Image  # noqa: E402

from core.catalog import read_catalog  # noqa: E402
from core.config import SAMPLE_CATALOG_DIR, load_settings  # noqa: E402
from core.encoders.lite import LiteEncoder  # noqa: E402
from core.ingest import ingest_catalog  # noqa: E402
from core.segmentation.reading import forget  # noqa: E402
from core.store import IndexStore  # noqa: E402


def main() -> None:
    enc = LiteEncoder()
    items = read_catalog(SAMPLE_CATALOG_DIR).items
    images = [Image.open(it.path).convert("RGB") for it in items]
    enc.encode_images(images[:32])  # warm-up
    enc._cache.clear()
    forget()
    t0, c0 = time.perf_counter(), time.process_time()
    enc.encode_images(images)
    raw = len(images) / (time.perf_counter() - t0)
    raw_cpu = time.process_time() - c0
    enc._cache.clear()
    forget()  # ingest segments every photo again, as a first run does
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(db_dir=Path(tmp) / "idx", encoder="lite")
        c0 = time.process_time()
        report = ingest_catalog(SAMPLE_CATALOG_DIR, IndexStore(settings), enc, settings)
        ingest_cpu = time.process_time() - c0
        again = ingest_catalog(SAMPLE_CATALOG_DIR, IndexStore(settings), enc, settings)
    ingest = report.images_per_second
    print(f"sample catalog: {len(images)} images")
    print(f"lite raw encode (decoded images in memory): {raw:.1f} images/s")
    print(f"ingest end to end (hash, decode, encode, tag, Chroma upsert, publish): {ingest:.1f} images/s "
          f"in {report.seconds:.1f}s -> {ingest / raw:.2f} of raw (target >= 0.80)")
    # CPU seconds are what a loaded machine cannot distort: the same ratio, counted in work done.
    print(f"CPU seconds: raw encode {raw_cpu:.1f}, ingest {ingest_cpu:.1f} -> {raw_cpu / ingest_cpu:.2f} of raw")
    print(f"re-run with nothing changed: {again.seconds:.2f}s, {again.added} added, {again.unchanged} unchanged")


if __name__ == "__main__":
    main()
