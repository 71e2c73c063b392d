"""Her skin's own colour across light and shadow, for skin drawn where clothing was.

Skin darkened by multiplying its colour turns grey and muddy: real skin in shadow is warmer and more saturated
(light scattered under the skin), in light paler. Her visible skin in the photo shows how her colour (Lab a, b)
changes with lightness; drawn skin takes its colour from that ramp at its own lightness, so its shadows are her
shadows and its lit parts her lit skin."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import to_lab


def colour_ramp(lab: np.ndarray, pool: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    """((2, 2) coefficients: a and b as straight lines in L), and the lightness range they were seen over, from the
    median colour of her skin in lightness bins (a bin a tenth of the pixels); None with too little skin or too
    narrow a range of lightness to tell a slope."""
    if pool.sum() < 200:
        return None
    px = lab[pool]
    L = px[:, 0]
    edges = np.quantile(L, np.linspace(0.05, 0.95, 11))
    if edges[-1] - edges[0] < 6.0:
        return None
    mids, ab = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = (L >= lo) & (L <= hi)
        if sel.sum() >= 10:
            mids.append(float(np.median(L[sel])))
            ab.append(np.median(px[sel, 1:], 0))
    if len(mids) < 4:
        return None
    mids, ab = np.asarray(mids), np.asarray(ab)
    coef = np.stack([np.polyfit(mids, ab[:, k], 1) for k in range(2)])  # per channel: slope, intercept
    coef[:, 0] = np.clip(coef[:, 0], -0.6, 0.6)  # a mixed pool (a lip, a shadow of hair) cannot tilt it far
    coef[:, 1] = np.median(ab - coef[:, 0][None, :] * mids[:, None], 0)
    return coef, float(edges[0]), float(edges[-1])


def on_ramp(rgb01: np.ndarray, area: np.ndarray, ramp, share: float = 0.8) -> np.ndarray:
    """rgb01 with the area's colour moved (by `share`) onto her ramp at each pixel's lightness (kept)."""
    if ramp is None or not area.any():
        return rgb01
    coef, lo, hi = ramp
    ys, xs = np.nonzero(area)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    box = np.clip(rgb01[y0:y1, x0:x1], 0, 1)
    lab = to_lab(np.rint(box * 255).astype(np.uint8))
    L = np.clip(lab[..., 0], lo - 8.0, hi + 8.0)
    for k in range(2):
        want = coef[k, 0] * L + coef[k, 1]
        lab[..., 1 + k] += share * (want - lab[..., 1 + k])
    lab8 = np.empty_like(lab)
    lab8[..., 0] = lab[..., 0] * 255 / 100
    lab8[..., 1:] = lab[..., 1:] + 128
    back = cv2.cvtColor(np.clip(np.rint(lab8), 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB).astype(np.float32) / 255.0
    out = rgb01.copy()
    m = area[y0:y1, x0:x1]
    out[y0:y1, x0:x1][m] = back[m]
    return out


def her_ramp(lab: np.ndarray, skin: np.ndarray, face: np.ndarray):
    """Her skin's colour ramp from her inner skin below the face, else with it (the edges against cloth or hair
    are not her colour)."""
    inner = cv2.erode(skin.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return colour_ramp(lab, inner & ~face) or colour_ramp(lab, inner)
