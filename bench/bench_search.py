"""Search benchmark: plain and filtered query latency and recall@10 against exact search, at 10k and 100k.

Prints figures (not a test). Vectors are synthetic but shaped like the lite encoder's (640-d, clustered,
L2-normalised) with sample-like metadata; the end-to-end text query uses the real lite encoder.

    .venv/bin/python -m bench.bench_search [--sizes 10000 100000] [--queries 200]
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import numpy as np  # noqa: E402

from core.config import load_settings  # noqa: E402
from core.samples import CATEGORIES, COLOURS, PATTERNS  # noqa: E402
from core.search import CatalogIndex, Filters, SearchQuery, search_catalog  # noqa: E402
from core.store import IndexStore, collection_name  # noqa: E402

DIM = 640


def pct(xs, p):
    return float(np.percentile(np.asarray(xs) * 1000, p))


LATENT = 48
MIXING = np.random.default_rng(42).standard_normal((LATENT, DIM)).astype(np.float32)
CENTRES = np.random.default_rng(43).standard_normal((200, LATENT)).astype(np.float32)


def embed(n: int, rng: np.random.Generator) -> np.ndarray:
    """Like real image embeddings: clusters (styles) on a low-dimensional manifold, plus a little noise."""
    z = CENTRES[rng.integers(0, len(CENTRES), n)] + 0.6 * rng.standard_normal((n, LATENT)).astype(np.float32)
    x = z @ MIXING + 0.5 * rng.standard_normal((n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def synthetic(n: int, rng: np.random.Generator):
    x = embed(n, rng)
    r = random.Random(1)
    metas = [{"category": r.choice(CATEGORIES), "colour": r.choice(list(COLOURS)), "pattern": r.choice(PATTERNS),
              "price": float(r.randint(10, 300)), "name": f"item {i}", "path": f"{i}.jpg"} for i in range(n)]
    return x, metas


def build(n: int, root: Path, rng):
    settings = load_settings(db_dir=root / f"idx-{n}", exact_search_threshold=50_000)
    store = IndexStore(settings)
    x, metas = synthetic(n, rng)
    t0 = time.perf_counter()
    with store.writer() as w:
        col = w.collection(collection_name("bench", "synthetic"), {"encoder_slug": "synthetic", "dim": DIM})
        for i in range(0, n, 5000):
            col.add(ids=[str(j) for j in range(i, min(n, i + 5000))], embeddings=x[i : i + 5000], metadatas=metas[i : i + 5000])
        w.mark_changed(col)
    print(f"  built {n:,} vectors in Chroma in {time.perf_counter() - t0:.0f}s")
    return settings, store, x, metas


class FixedEncoder:
    """Stands in for an encoder when the query vector is given (measures search alone)."""

    def __init__(self, vec_dim):
        from core.encoders.base import EncoderInfo

        self.info = EncoderInfo("synthetic", "synthetic", vec_dim, "cpu", False)
        self.next = None

    def encode_texts(self, texts):
        return self.next[None]


def run(n: int, queries: int, root: Path, lite=None) -> None:
    rng = np.random.default_rng(n)
    print(f"\n== {n:,} items ==")
    settings, store, x, metas = build(n, root, rng)
    name = collection_name("bench", "synthetic")
    exact_index = CatalogIndex(store, name, exact_threshold=10**9)
    hnsw_index = CatalogIndex(store, name, exact_threshold=0)
    auto_index = CatalogIndex(store, name, exact_threshold=settings.exact_search_threshold)
    t0 = time.perf_counter()
    snap = exact_index.snapshot()  # the exact reference: every vector in memory
    print(f"  full snapshot load {time.perf_counter() - t0:.1f}s, {snap.embeddings.nbytes / 2**20:.0f} MiB of vectors")
    for idx_name, index in (("hnsw", hnsw_index), ("atelier", auto_index)):
        if index.is_lean():  # above the threshold: ids + filter columns + word index from the catalog file
            t0 = time.perf_counter()
            lean = index.wait_for_columns()
            print(f"  {idx_name}: lean columns ready in {time.perf_counter() - t0:.1f}s, "
                  f"{lean.column_bytes() / 2**20:.0f} MiB")
        else:
            index._snap = snap
    qs = embed(queries, rng)  # fresh points from the same distribution, not copies of indexed items
    enc = FixedEncoder(DIM)
    # ~10% filter: one category in 14 plus a price cap keeps ~7-10% of the catalog
    filt = Filters(category=["dress", "coat"], price_max=200.0)
    share = filt.mask(snap).mean()
    for label, f in (("plain", Filters()), (f"filtered ({share:.1%} of items)", filt)):
        rows = {}
        truth = []
        for idx_name, index in (("exact", exact_index), ("hnsw", hnsw_index), ("atelier", auto_index)):
            lat, res = [], []
            for q in qs:
                enc.next = q
                t = time.perf_counter()
                page = search_catalog(index, enc, SearchQuery(text="q", filters=f, page_size=10))
                lat.append(time.perf_counter() - t)
                res.append([h.id for h in page.hits])
            if idx_name == "exact":
                truth = res
            recall = np.mean([len(set(a) & set(b)) / max(1, len(b)) for a, b in zip(res, truth)])
            rows[idx_name] = (pct(lat, 50), pct(lat, 95), recall, page.method)
        for k, (p50, p95, rec, method) in rows.items():
            print(f"  {label:<28} {k:<8} ({method:<5}) p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  recall@10 {rec:.3f}")
    if lite is not None and n <= 20_000:
        # End to end with the real lite text encoder: distinct texts so the text cache never helps.
        words = ["red", "navy", "striped", "floral", "wool", "summer", "elegant", "black", "linen", "denim"]
        items = ["dress", "shirt", "coat", "sneakers", "bag", "skirt", "jeans", "hoodie"]
        texts = [f"{random.Random(i).choice(words)} {random.Random(i + 7).choice(words)} {items[i % 8]} no {i}"
                 for i in range(queries)]
        lat = []
        lite_index = CatalogIndex(store, name, exact_threshold=settings.exact_search_threshold)
        if not lite_index.is_lean():
            lite_index._snap = snap
        lite.encode_texts(["warm up"])
        for t_ in texts:
            t = time.perf_counter()
            search_catalog(lite_index, lite, SearchQuery(text=t_, page_size=12))
            lat.append(time.perf_counter() - t)
        p95 = pct(lat, 95)
        print(f"  warm text query end-to-end (lite encoder + search): p50 {pct(lat, 50):.1f} ms  p95 {p95:.1f} ms"
              f"  -> {p95 / 100:.2f} of the 100 ms target")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    from core.encoders.lite import LiteEncoder

    lite = LiteEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            run(n, args.queries, Path(tmp), lite)


if __name__ == "__main__":
    main()
