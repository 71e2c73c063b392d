"""Attribute tagging accuracy on the bundled sample catalog (prints figures, not a test).

Ground truth is the generator's own labels (assets/sample_catalog/catalog.csv). Pattern accuracy is measured with
core.attributes.detect_pattern as it is, and with the mask it used before it moved onto the shared garment
segmentation (`--old-mask`: the colour-difference foreground_mask), so the two can be compared on one run.

    .venv/bin/python -m bench.bench_attributes            # pattern accuracy (and per-pattern recall, confusions)
    .venv/bin/python -m bench.bench_attributes --old-mask # the same with the old colour-difference mask
    .venv/bin/python -m bench.bench_attributes --quick    # every fifth item
"""
from __future__ import annotations

import argparse
import csv
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent

from PIL import Image  # noqa: E402

import core.attributes as attributes  # noqa: E402

CATALOG = ROOT / "assets/sample_catalog"


@dataclass
class PatternScore:
    accuracy: float
    lite_accuracy: float  # as the lite encoder's captions use it: a label below 0.4 confidence reads as solid
    hits: Counter
    totals: Counter
    confusions: Counter
    n: int


def pattern_accuracy(step: int = 1, old_mask: bool = False) -> PatternScore:
    """detect_pattern against the generator's labels on every step-th sample item."""
    rows = list(csv.DictReader(open(CATALOG / "catalog.csv")))[::step]
    hits, totals, confusions = Counter(), Counter(), Counter()
    lite_hits = 0
    ctx = mock.patch.object(attributes, "_pattern_mask", _old_mask) if old_mask else mock.patch.object(
        attributes, "_pattern_mask", attributes._pattern_mask)
    with ctx:
        for r in rows:
            got, conf = attributes.detect_pattern(Image.open(CATALOG / r["file"]))
            lite_hits += (got if conf >= 0.4 else "solid") == r["pattern"]
            totals[r["pattern"]] += 1
            hits[r["pattern"]] += got == r["pattern"]
            if got != r["pattern"]:
                confusions[(r["pattern"], got)] += 1
    n = len(rows)
    return PatternScore(sum(hits.values()) / n, lite_hits / n, hits, totals, confusions, n)


def _old_mask(small: Image.Image):
    """The mask detect_pattern used before: pixels that differ in colour from the border, eroded by 9x9."""
    import cv2
    import numpy as np

    from core.images import foreground_mask

    return cv2.erode(foreground_mask(small).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="every fifth item")
    ap.add_argument("--old-mask", action="store_true", help="the colour-difference mask used before")
    args = ap.parse_args()
    t0 = time.perf_counter()
    score = pattern_accuracy(5 if args.quick else 1, args.old_mask)
    acc, hits, totals, confusions, n = score.accuracy, score.hits, score.totals, score.confusions, score.n
    secs = (time.perf_counter() - t0) / n
    mask = "old colour-difference mask" if args.old_mask else "shared garment segmentation"
    print(f"pattern accuracy on {n} sample items ({mask}): {acc:.3f}; ratio to the 0.80 floor {acc / 0.80:.2f} "
          f"(>= 1 passes); {secs * 1000:.0f} ms per image")
    print(f"  as the lite encoder's captions read it (confidence < 0.4 -> solid): {score.lite_accuracy:.3f}")
    print("  recall: " + ", ".join(f"{p} {hits[p]}/{totals[p]}" for p in sorted(totals)))
    print("  top confusions (truth -> said): " + ", ".join(f"{a}->{b} {c}" for (a, b), c in confusions.most_common(6)))


if __name__ == "__main__":
    main()
