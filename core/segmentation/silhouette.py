"""What a garment's outline shows (sleeves, legs, straps, length), read from its mask alone."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class Silhouette:
    """What a garment's outline shows, read from its mask alone (for tags beside the encoder's view).

    sleeves: "none" | "short" | "long" for tops and dresses (rows wider than the narrowest waist by a third, from the
      shoulder down: under a tenth of the height none, under 45% short, else long); "none" for legged and strappy
      garments.
    legs: two legs (trousers, jeans, shorts): the lower third splits in two parts with a gap between.
    straps: thin separate strips at the top (a cami, a slip dress, a sports top seen from the back).
    length: "short" (wider than tall: a cropped top, shorts), "regular", or "long" (over 1.6 times as tall as
      wide: a maxi dress, full-length trousers), from `aspect`.
    aspect: height / width of the garment's bounding box.
    fill: share of that bounding box the garment covers.
    """
    sleeves: str
    legs: bool
    straps: bool
    length: str
    aspect: float
    fill: float


def _runs(row: np.ndarray, least: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a row, runs shorter than `least` dropped."""
    padded = np.concatenate([[False], row, [False]]).astype(np.int8)
    d = np.diff(padded)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    return [(int(a), int(b)) for a, b in zip(starts, ends) if b - a >= least]


def _band(h: int, lo: float, hi: float) -> range:
    """The rows from `lo` to `hi` of the height (at least one)."""
    return range(int(lo * h), max(int(lo * h) + 1, int(hi * h)))


def silhouette(mask: np.ndarray) -> Silhouette:
    """Silhouette features of a garment mask (as garment_mask gives it); see Silhouette for each field."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return Silhouette("none", False, False, "regular", 1.0, 0.0)
    # 1. the largest part only (a pair of shoes or a stray fleck would confuse the rows), as runs per row
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = stats[biggest, :4]
    m = labels[y:y + h, x:x + w] == biggest
    aspect = h / max(w, 1)
    fill = float(m.mean())
    length = "short" if aspect < 0.9 else "long" if aspect > 1.6 else "regular"
    least = max(1, int(0.02 * w))
    rows = [_runs(m[i], least) for i in range(h)]
    # 2. two legs: most rows of the lower third are two wide parts apart
    lower = _band(h, 0.68, 0.97)
    split = 0
    for i in lower:  # exactly two wide parts, parted near the middle (not a sleeve hanging beside a body)
        r = [run for run in rows[i] if run[1] - run[0] >= 0.15 * w]
        if len(r) == 2 and r[1][0] - r[0][1] >= 0.03 * w and 0.3 * w <= (r[0][1] + r[1][0]) / 2 <= 0.7 * w:
            split += 1
    legs = split >= 0.6 * len(lower)
    # 3. straps: the top rows are narrow separate strips
    top = _band(h, 0.0, 0.1)
    strappy = sum(1 for i in top if len(rows[i]) >= 2 and all(b - a < 0.12 * w for a, b in rows[i]))
    straps = strappy >= 0.5 * len(top)
    # 4. sleeves, for a garment with neither
    sleeves = "none" if legs or straps else _sleeves(rows, w, h)
    return Silhouette(sleeves, bool(legs), bool(straps), length, float(aspect), fill)


def _sleeves(rows: list[list[tuple[int, int]]], w: int, h: int) -> str:
    """How far down rows wider than the waist by a third reach from the shoulder: none, short or long."""
    spans = np.array([(r[-1][1] - r[0][0]) if r else 0 for r in rows], float)

    def centre_width(i: int) -> float:
        c = w / 2
        part = min(rows[i], key=lambda run: 0 if run[0] <= c < run[1] else min(abs(run[0] - c), abs(run[1] - c)),
                   default=(0, 0))
        return part[1] - part[0]

    waist = min(centre_width(i) for i in _band(h, 0.35, 0.7))
    wide = spans > 1.33 * max(waist, 1)
    start = next((i for i in _band(h, 0.0, 0.45) if wide[i]), None)
    if start is None:
        return "none"
    end = start
    while end < h and wide[end]:
        end += 1
    extent = (end - start) / h
    return "none" if extent < 0.1 else "short" if extent < 0.45 else "long"
