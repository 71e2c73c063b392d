"""Measures of a try-on that fail when the picture fails: how much of the person's old clothing still shows, whether
what was under the new garment ghosts through it, whether stripes stay straight, and whether anything outside the
region moved."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image


def _lab(img) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img.convert("RGB") if isinstance(img, Image.Image) else img, np.uint8),
                        cv2.COLOR_RGB2LAB).astype(np.float32) * np.array([100 / 255, 1, 1], np.float32)


def still_visible(before, after, clothing: np.ndarray, tolerance: float = 12.0) -> float:
    """Share of the old clothing's pixels that look the same after (CIE76 colour difference under `tolerance`)."""
    if not clothing.any():
        return 0.0
    diff = np.linalg.norm(_lab(before) - _lab(after), axis=2)
    return float((diff[clothing] < tolerance).mean())


def ghosting(before, after, area: np.ndarray, sigma: float = 2.0) -> float:
    """Correlation of the fine detail (lightness minus its blur) under the garment with the person's fine detail
    there before: near 0 when nothing of the old clothing shows through, near 1 for a see-through paste."""
    area = cv2.erode(area.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    if area.sum() < 50:
        return 0.0
    hp = []
    for img in (before, after):
        L = _lab(img)[..., 0]
        hp.append((L - cv2.GaussianBlur(L, (0, 0), sigma))[area])
    a, b = hp[0] - hp[0].mean(), hp[1] - hp[1].mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 0 else 0.0


def changed_outside(before, after, region: np.ndarray) -> int:
    """Pixels that differ anywhere outside the region (must be 0)."""
    changed = (np.asarray(before) != np.asarray(after)).any(axis=2)
    return int((changed & ~region).sum())


def stripe_straightness(warped: np.ndarray, alpha: np.ndarray, x0: int, x1: int) -> float:
    """Worst bend of the horizontal stripe edges of a warped striped garment across columns x0..x1: for each edge
    traced from column to column, the largest distance from its straight-line fit, over the span's length (0:
    straight; the old spline warp bent them into arcs)."""
    L = cv2.cvtColor((np.clip(warped, 0, 1) * 255).astype(np.uint8), cv2.COLOR_RGB2GRAY).astype(np.float32)
    on = alpha > 0.9
    cols = range(int(x0), int(x1), 2)
    thr = float(np.percentile(L[on], 10) + np.percentile(L[on], 90)) / 2 + 0.5 if on.any() else 128.0
    traces: list[list[tuple[int, float]]] = []
    for x in cols:
        col, ok = L[:, x], on[:, x]
        ys = np.flatnonzero(ok[:-1] & ok[1:] & ((col[:-1] - thr) * (col[1:] - thr) < 0) & (np.abs(col[:-1] - col[1:]) > 8))
        for y in ys:
            best = None
            for tr in traces:
                px, py = tr[-1]
                if 0 < x - px <= 6 and abs(py - y) <= 3 and (best is None or abs(py - y) < abs(best[-1][1] - y)):
                    best = tr
            (best.append((x, float(y))) if best is not None else traces.append([(x, float(y))]))
    span = max(1, int(x1) - int(x0))
    worst = 0.0
    for tr in traces:
        if len(tr) < 0.6 * len(cols):
            continue
        p = np.array(tr)
        k, c = np.polyfit(p[:, 0], p[:, 1], 1)
        worst = max(worst, float(np.abs(p[:, 1] - (k * p[:, 0] + c)).max()) / span)
    return worst
