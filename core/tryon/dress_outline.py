"""A worn dress's outer edge, smooth and in the dress's own colour (classic backend).

A product shot is often a third of the size the dress is worn at: warped up, its matte's pixel steps become teeth
along the skirt's sides and the bodice's top edge, and the shot's edge pixels (cloth blended with the light
backdrop) become pale wisps a few pixels deep: the edge reads torn. Here the warped outline is smoothed at a small
scale (a blur and a vote: teeth go, straps and a ruffle's scallops stay), and the band just inside it takes the
colour of the cloth further in (normalised convolution) where it is paler and greyer than that cloth (the backdrop
blended in) or where the outline moved out; the soft, anti-aliased edge itself is laid later (dress._lay_on).

Also two measures of a worn dress's edge (the same test on the result): `pale_rim`, the share of its edge band that
is such a pale wisp, and `torn_outline`, quality_shape.torn_hem along its hem and down both sides."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.quality_shape import torn_hem

SMOOTH = 0.012  # the outline's smoothing scale, a share of the shoulders' width
BAND = 0.035  # how deep the shot's pale edge pixels may reach in, a share of the shoulders' width
PALER = 0.08  # lightness (mean of RGB, 0..1) above the cloth further in ...
GREYER = 0.08  # ... and saturation (max - min of RGB) below it: the cloth blended with the backdrop


def _pale(rgb: np.ndarray, on: np.ndarray, w: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pale, band, fill, filled): pixels of the band inside `on`'s outline (BAND deep) paler and greyer than the
    cloth further in, the band, that cloth's colour spread over the band, and where it could be spread."""
    r = max(2, int(round(BAND * w)))
    H, W = on.shape
    pale, band = np.zeros((H, W), bool), np.zeros((H, W), bool)
    fill, den = np.zeros((H, W, 3), np.float32), np.zeros((H, W), np.float32)
    ys, xs = np.nonzero(on)
    if ys.size == 0:
        return pale, band, fill, den > 1e-3
    # Worked out inside the dress's box and the blur's reach around it (nothing outside it can change): the same
    # figures at a fraction of the cost on a full-body photo.
    pad = int(np.ceil(4 * 1.5 * r)) + r + 2
    y0, y1, x0, x1 = max(ys.min() - pad, 0), min(ys.max() + pad + 1, H), max(xs.min() - pad, 0), min(xs.max() + pad + 1, W)
    box = np.s_[y0:y1, x0:x1]
    onb, rgbb = on[box], np.asarray(rgb[box], np.float32)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    core = cv2.erode(onb.astype(np.uint8), disc) > 0
    band[box] = onb & ~core
    c = core.astype(np.float32)
    den[box] = cv2.GaussianBlur(c, (0, 0), 1.5 * r)
    fill[box] = cv2.GaussianBlur(rgbb * c[..., None], (0, 0), 1.5 * r) / np.maximum(den[box], 1e-4)[..., None]
    fb = fill[box]
    pale[box] = band[box] & (_mean(rgbb) > _mean(fb) + PALER) & (_sat(rgbb) < _sat(fb) - GREYER) & (den[box] > 1e-3)
    return pale, band, fill, den > 1e-3


def _sat(rgb: np.ndarray) -> np.ndarray:
    """max - min of R, G, B per pixel (channel by channel: numpy's max over the last axis is several times slower)."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return np.maximum(np.maximum(r, g), b) - np.minimum(np.minimum(r, g), b)


def _mean(rgb: np.ndarray) -> np.ndarray:
    return (rgb[..., 0] + rgb[..., 1] + rgb[..., 2]) / 3.0


def clean_outline(rgb: np.ndarray, alpha: np.ndarray, w: float) -> tuple[np.ndarray, np.ndarray]:
    """(rgb, alpha) of the warped dress with a smooth outline and no pale rim of the shot's backdrop inside it.
    `rgb`: float RGB 0..1; `alpha`: 0..1; `w`: her shoulders' width in pixels."""
    on = alpha > 0.5
    if on.sum() < 100 or w <= 0:
        return rgb, alpha
    smooth = cv2.GaussianBlur(on.astype(np.float32), (0, 0), max(1.0, SMOOTH * w)) > 0.5
    pale, band, fill, filled = _pale(rgb, smooth & on, w)
    if not filled.any():
        return rgb, alpha
    pale = cv2.dilate(pale.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # and their blended neighbours
    take = filled & smooth & ((pale & band) | ~on)  # the pale wisps, and where the outline moved out
    out = rgb.copy()
    out[take] = fill[take]
    return out, smooth.astype(np.float32)


def pale_rim(img: np.ndarray, on: np.ndarray, w: float) -> float:
    """The share of a worn dress's edge band (BAND deep, less its two outermost pixels: the anti-aliased edge)
    that is paler and greyer than its cloth further in: the product shot's backdrop blended into its edge, torn
    wisps. `img`: the result (RGB, uint8 or float 0..1); `on`: the dress's pixels."""
    if on.sum() < 500 or w <= 0:
        return 0.0
    rgb = np.asarray(img, np.float32) / (255.0 if np.asarray(img).dtype == np.uint8 else 1.0)
    pale, band, _, _ = _pale(rgb, on, w)
    inner = cv2.erode(on.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return float((pale & inner).sum()) / float(max((band & inner).sum(), 1))


def torn_outline(on: np.ndarray, width: float) -> float:
    """How torn a worn dress's outline is: quality_shape.torn_hem (the edge against its running median) along
    its hem and down its right and left sides (the mask turned on its side), the worst of the three."""
    if on.sum() < 500 or width <= 0:
        return 0.0
    return max(torn_hem(on, width), torn_hem(np.ascontiguousarray(on.T), width),
               torn_hem(np.ascontiguousarray(on.T[::-1]), width))
