"""The relief of a bare upper chest, for skin drawn where a high top was (an off-shoulder, strapless or bandeau
top on a person photographed in a tee): the collarbones catching the light, the soft hollow above each and the
notch between them at the neck's base, the collarbones' heads and the breastbone's groove below it. Real skin there is never one even tone; a few hundredths of lightness
either way, placed from the pose and her neck, make it read as a chest rather than a painted bib."""
from __future__ import annotations

import numpy as np

RIDGE = 0.035  # the collarbone's lit ridge: its lightness above her tone ...
RIDGE_WIDTH = 0.022  # ... and its width (a bump's sigma), in shoulder widths


def _bump(d: np.ndarray, spread: float) -> np.ndarray:
    return np.exp(-0.5 * (d / max(spread, 1.0)) ** 2)


def collarbone_relief(body, shape, neck: tuple[float, float]) -> np.ndarray:
    """A factor near 1 (H, W): along each collarbone (from the notch at the neck's base out and a little up to the
    shoulder's top) a lit ridge with a shadow just under it, above it the hollow between the collarbone and the
    neck's side, and the notch's small shadow between the collarbones' inner ends."""
    H, W = shape
    w = body.width
    ncx, nh = neck
    jy = float(min(body.ls[1], body.rs[1]))
    notch_y = jy - 0.05 * w
    xs = np.arange(W, dtype=np.float32)[None, :]
    ys = np.arange(H, dtype=np.float32)[:, None]
    out = np.ones((H, W), np.float32)
    for joint in (body.rs, body.ls):
        jx = float(joint[0])
        span = max(abs(jx - ncx), 1.0)
        t = np.clip((xs - ncx) / (jx - ncx if abs(jx - ncx) > 1 else 1.0), 0, 1.1)  # 0 at the notch, 1 at the joint
        line = notch_y - 0.07 * w * t ** 1.5 + 0.015 * w * np.sin(np.pi * t)  # out and up, a gentle S
        d = ys - line
        along = np.clip(t / 0.12, 0, 1) * np.clip((1.0 - t) / 0.25, 0, 1)  # fades at the notch and the shoulder
        along = np.where((xs - ncx) * (jx - ncx) > 0, along, 0)
        # a soft lit ridge a few hundredths of the shoulders wide (a thinner one read as a drawn line across the
        # chest, both collarbones nearly level with each other), its soft shadow just under it
        ridge = RIDGE * _bump(d, RIDGE_WIDTH * w) - 0.03 * _bump(d - 0.06 * w, 0.03 * w)
        hollow = -0.05 * _bump(d + 0.065 * w, 0.03 * w) * np.clip((np.abs(xs - ncx) - nh) / max(0.3 * span, 1.0) + 0.5, 0, 1)
        out += ((ridge + hollow) * along).astype(np.float32)
    notch = -0.05 * _bump(np.hypot(xs - ncx, (ys - (notch_y - 0.025 * w)) * 1.3), 0.03 * w)
    return (out + notch + sternum_relief(xs, ys, ncx, notch_y, w)).astype(np.float32)


def sternum_relief(xs: np.ndarray, ys: np.ndarray, ncx: float, notch_y: float, w: float) -> np.ndarray:
    """Below the notch: the collarbones' inner heads catching the light either side of it, and the soft groove
    down the breastbone between them, fading a third of the shoulders lower (drawn as one even tone, the upper
    chest between the collarbones read as a flat painted block)."""
    heads = 0.05 * _bump(np.hypot(np.abs(xs - ncx) - 0.1 * w, ys - (notch_y + 0.02 * w)), 0.045 * w)
    below = np.clip((ys - notch_y) / max(0.04 * w, 1.0), 0, 1) * np.clip(1.0 - (ys - notch_y) / max(0.33 * w, 1.0), 0, 1)
    groove = -0.06 * _bump(xs - ncx, 0.035 * w) * below
    return (heads + groove).astype(np.float32)
