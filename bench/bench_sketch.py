"""Sketch -> catalog quality on the sample catalog (prints figures, not a test).

1. Held-out: every 5th item is left out of the index; a hand-drawn-like sketch of each held-out item
   (its traced outline with wobble, 6% gaps, random pen width, offset and scale) is the query; we report
   category precision@10 (items of the sketched category among the top 10).
2. Source rank: with every item indexed, where the sketched item itself lands (median rank, top-1/top-10).
Also compares outline-shape-only, encoder-only and the fused score.

    .venv/bin/python -m bench.bench_sketch
"""
from __future__ import annotations

import csv
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from core.config import SAMPLE_CATALOG_DIR, load_settings  # noqa: E402
from core.encoders.lite import LiteEncoder  # noqa: E402
from core.search import SearchQuery, search_catalog  # noqa: E402
from core.studio import ensure_catalog_index, open_studio  # noqa: E402
from testkit.catalog_copy import write_catalog_subset  # noqa: E402
from testkit.sketches import sketch_from_product  # noqa: E402


def evaluate(studio, rows, shape_weight: float, k: int = 10):
    prec, ranks, times = [], [], []
    for n, r in enumerate(rows):
        img = Image.open(SAMPLE_CATALOG_DIR / r["file"]).convert("RGB")
        sk = sketch_from_product(img, seed=1000 + n, rgba=True)
        t = time.perf_counter()
        page = search_catalog(studio.index, studio.encoder, SearchQuery(sketch=sk, shape_weight=shape_weight,
                                                                         page_size=420), studio.sketch_index)
        times.append(time.perf_counter() - t)
        ids = [h.id for h in page.hits]
        prec.append(np.mean([h.metadata["category"] == r["category"] for h in page.hits[:k]]))
        ranks.append(ids.index(r["id"]) + 1 if r["id"] in ids else len(ids) + 1)
    return float(np.mean(prec)), np.array(ranks), float(np.median(times) * 1000)


def main() -> None:
    rows = list(csv.DictReader(open(SAMPLE_CATALOG_DIR / "catalog.csv")))
    held = rows[::5]
    lite = LiteEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        kept = [r for r in rows if r not in held]
        part = write_catalog_subset(SAMPLE_CATALOG_DIR, kept, Path(tmp) / "catalog")
        held_out = open_studio(load_settings(db_dir=Path(tmp) / "idx-held", catalog_dir=part, encoder="lite"), lite)
        ensure_catalog_index(held_out)
        full = open_studio(load_settings(db_dir=Path(tmp) / "idx-full", encoder="lite"), lite)
        ensure_catalog_index(full)
        print(f"{len(held)} held-out sketches against {len(kept)} indexed items; chance precision@10 ~ {1 / 14:.2f}")
        for label, a in (("outline shape only", 1.0), ("encoder only (lite)", 0.0), ("fused (default 0.7)", 0.7)):
            p, _, ms = evaluate(held_out, held, a)
            _, ranks, _ = evaluate(full, held, a)
            print(f"  {label:<22} category P@10 {p:.3f} | source item: median rank {int(np.median(ranks))}, "
                  f"top-1 {np.mean(ranks == 1):.2f}, top-10 {np.mean(ranks <= 10):.2f} | {ms:.0f} ms/query")


if __name__ == "__main__":
    main()
