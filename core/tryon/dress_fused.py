"""Long sleeves laid down a dress's sides in its product shot with no gap to the bodice (classic backend).

The bodice's width can't be read from the outline there: every row from the shoulders to the cuffs is bodice and
both sleeves together. Measured on those rows, the "bodice" swallows most of each sleeve and only a narrow outer
strip is worn on the arm (stretched down it, starting below the shoulder, without the sleeve's head or cuff). Here
the bodice's width comes from the skirt's width just under the cuffs (where the sleeves end and the outline steps
in), refined where the shot's own seam shows (a long vertical edge where the print is cut, the same distance either
side of the centre); each sleeve is then everything beyond that line, from its head at the shoulder to its cuff.
The line narrows a little from the shoulders to a hanging arm's waist (then straight down to the cuffs), so the
bodice left keeps its own waist where dress.measure_flat looks for it (its narrowest row)."""
from __future__ import annotations

import cv2
import numpy as np

FUSED = 1.25  # the chest's rows this much wider than the skirt under the cuffs: sleeves lie along them to the waist
SEAM_SPAN = (0.34, 0.56)  # the seams' half-distance searched, in skirt widths under the cuffs


def _widths(runs: np.ndarray) -> np.ndarray:
    return np.where(runs[:, 0] >= 0, runs[:, 1] - runs[:, 0] + 1, 0).astype(np.float32)


def cuff_bottom(runs: np.ndarray, y_step: int, below: float) -> int:
    """The first row at or under the cuffs' step where the outline is the skirt's alone (the cuffs' bottom)."""
    w = _widths(runs)
    narrow = np.flatnonzero(w[y_step:] <= 1.08 * below + 2)
    return y_step + int(narrow[0]) if len(narrow) else y_step


def seam_half(tex: np.ndarray | None, mask: np.ndarray, cx: float, rows: tuple[int, int], below: float) -> float:
    """Half the distance between the sleeves' seams down the bodice: where the shot shows a long vertical edge at
    the same distance either side of the centre (the print cut by the seam), else a little under half the skirt's
    width. `tex`: the product shot (float RGB); without it, the skirt's width alone."""
    lo, hi = (int(round(f * below)) for f in SEAM_SPAN)
    fallback = 0.45 * below  # a bodice a little narrower than the skirt flaring from its waist
    if tex is None or hi <= lo or rows[1] - rows[0] < 10:
        return fallback
    img = np.clip(tex * (255.0 if tex.max() <= 1.5 else 1.0), 0, 255).astype(np.uint8)
    lab = cv2.GaussianBlur(cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32), (0, 0), 1.0)
    gx = sum(np.abs(cv2.Sobel(lab[..., c], cv2.CV_32F, 1, 0, ksize=3)) for c in range(3))
    gy = sum(np.abs(cv2.Sobel(lab[..., c], cv2.CV_32F, 0, 1, ksize=3)) for c in range(3))
    inner = cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # not the outline itself
    vertical = ((gx > 2 * gy) & (gx > 40) & inner).astype(np.uint8)
    # Only edges that run down several rows: a seam, not a flower's side.
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_OPEN, np.ones((7, 1), np.uint8))
    vertical = cv2.dilate(vertical, np.ones((1, 3), np.uint8))
    prof = vertical[rows[0]:rows[1]].sum(axis=0).astype(np.float32)
    W = mask.shape[1]
    c = int(round(cx))
    ds = np.arange(lo, hi + 1)
    ok = (c - ds >= 0) & (c + ds < W)
    if not ok.any():
        return fallback
    ds = ds[ok]
    score = prof[c - ds] + prof[c + ds]
    best = int(np.argmax(score))
    # A seam stands out down most of the rows on both sides; a busy print's edges are scattered.
    if score[best] < 0.3 * (rows[1] - rows[0]) or score[best] < 1.5 * float(np.median(score)):
        return fallback
    # A seam's shadow is a line: edges either side of it; its middle is the seam.
    top = score >= 0.95 * score[best]
    a, b = best, best
    while a > 0 and top[a - 1]:
        a -= 1
    while b < len(ds) - 1 and top[b + 1]:
        b += 1
    return float(ds[a] + ds[b]) / 2


def seam_line(mask: np.ndarray, cx: float, half: float, y_end: int) -> np.ndarray:
    """Per row, the sleeves' seams' distance from the centre: `half` from the waist down to the cuffs' bottom
    `y_end` (what lies beyond is sleeve, over the skirt's flaring top), a pixel and a tenth of `half` more up to the
    shoulders: a bodice narrows to its waist, so the shot's narrowest row (dress.measure_flat's waist) is this waist,
    not the first row of a straight column. The waist is put where a hanging arm's sleeve is about two thirds down
    from its head (the natural waist; the wrist at the hip)."""
    ys = np.flatnonzero(mask.any(axis=1))
    y_sh = int(ys.min()) if len(ys) else 0
    y_w = y_sh + 0.65 * (y_end - y_sh)
    y = np.arange(mask.shape[0], dtype=np.float32)
    above = half + 1.0 + 0.1 * half * np.clip((y_w - y) / max(y_w - y_sh, 1.0), 0, 1)
    return np.where(y < y_w, above, half).astype(np.float32)


def fused_long_sleeves(mask: np.ndarray, runs: np.ndarray, y_top: int, y_waist: int, cx: float,
                       step: tuple[int, float] | None, tex: np.ndarray | None = None
                       ) -> tuple[list[tuple[np.ndarray, int]], float] | None:
    """(sleeves (image left -1, right +1), the bodice's half-width between their seams) when long sleeves lie along
    the bodice down to cuffs beside the skirt; None when the bodice's rows are not much wider than the skirt under
    the cuffs (sleeves apart from it, short or puffed ones: flat_sleeves' own reading)."""
    if step is None:
        return None
    y_step, below = step
    w = _widths(runs)
    a = int(y_top + 0.6 * (y_waist - y_top))  # the rows dress_parts.shoulder_half reads as the chest
    chest = w[a:y_waist + 1][w[a:y_waist + 1] > 0]
    if len(chest) < 5 or below <= 0 or float(np.percentile(chest, 25)) < FUSED * below:
        return None
    y_end = cuff_bottom(runs, y_step, below)
    half = seam_half(tex, mask, cx, (int(y_top + 0.3 * (y_step - y_top)), y_step), below)
    bound = seam_line(mask, cx, half, y_end)
    cols = np.arange(mask.shape[1]) - cx
    out = []
    for side in (-1, 1):
        part = np.zeros(mask.shape, np.uint8)
        part[:y_end] = (mask[:y_end] & (cols[None, :] * side > bound[:y_end, None])).astype(np.uint8)
        opened = cv2.morphologyEx(part, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(opened, 8)
        if n < 2:
            return None
        k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        if stats[k, cv2.CC_STAT_AREA] < 0.01 * mask.sum():
            return None
        # The cut exactly along the seam line (the opening's rounding would leave slivers of sleeve on the bodice).
        grown = cv2.dilate((labels == k).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        out.append((grown & (part > 0), side))
    return out, half
