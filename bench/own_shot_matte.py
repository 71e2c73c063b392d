"""A careful cut-out of the garment a person wears, for the "garment she already wears" bench pair.

The coarse cut-out (her torso's main colours inside the person segmentation) has the segmentation's blocky outline
(a low-resolution mask scaled up: a staircase along her sides) and, where a thin strap runs over skin, a wedge of
skin closed in with it. Here its edge is settled at full resolution as a stylist's careful cut-out would be: in a
band along the coarse outline each pixel is cloth as far as its colour is nearer the garment's than what lies
beside it outside (her skin, the backdrop), and a guided filter (OpenCV contrib ximgproc, guided by the photo)
lays the matte's edge on the photo's own edges."""
from __future__ import annotations

import cv2
import numpy as np

BAND = 0.02  # half-width of the band along the coarse outline where the edge is settled, in shoulder widths
SAME = 15.0  # Lab distance under which the garment and what lies beside it are too alike to tell by colour
WHITE = np.array([100.0, 0.0, 0.0], np.float32)  # the cut-out's backdrop, in Lab


def _local_mean(lab: np.ndarray, where: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean Lab colour of the `where` pixels in a k x k window around each pixel, and their share of it."""
    w = where.astype(np.float32)
    num = cv2.boxFilter(lab * w[..., None], -1, (k, k), normalize=True)
    den = cv2.boxFilter(w, -1, (k, k), normalize=True)
    return num / np.maximum(den, 1e-6)[..., None], den


def _band(m8: np.ndarray, r: int) -> tuple[np.ndarray, np.ndarray]:
    """(well inside, well outside) the mask, r px from its outline."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return cv2.erode(m8, disc) > 0, ~(cv2.dilate(m8, disc) > 0)


def matte(rgb: np.ndarray, lab: np.ndarray, coarse: np.ndarray, width: float,
          others: list[np.ndarray] = (), straps_above: int = 0) -> np.ndarray:
    """Alpha (float 0..1) of the garment: 1 well inside the coarse mask, 0 well outside, and along its outline the
    share of cloth by colour (nearer the garment's colour nearby than the colour just outside, or than any of
    `others`: her skin's and the backdrop's Lab colours, where an arm against her side mixes the two nearby), then
    a guided filter on the photo. Above row `straps_above` (over the shoulders) the band is twice as wide: a thin
    strap over skin came with a wedge of skin closed in beside it."""
    r = max(2, int(round(BAND * width)))
    m8 = coarse.astype(np.uint8)
    inner, outer = _band(m8, r)
    if straps_above > 0:
        inner2, outer2 = _band(m8, 2 * r)
        inner[:straps_above], outer[:straps_above] = inner2[:straps_above], outer2[:straps_above]
    band = ~inner & ~outer
    if not inner.any() or not outer.any():
        return coarse.astype(np.float32)
    win = 6 * r + 1
    g, g_share = _local_mean(lab, inner, win)
    o, o_share = _local_mean(lab, outer, win)
    g_all, o_all = np.median(lab[inner], 0), np.median(lab[outer], 0)
    g = np.where((g_share > 0.02)[..., None], g, g_all)
    o = np.where((o_share > 0.02)[..., None], o, o_all)
    d_g = np.linalg.norm(lab - g, axis=2)
    d_o = np.min([np.linalg.norm(lab - c, axis=2) for c in [o, *others]], axis=0)
    t = d_o / np.maximum(d_g + d_o, 1e-3)  # 0: the colour outside, 1: the garment's
    share = np.clip((t - 0.35) / 0.3, 0, 1)
    # Where the garment meets its own colour (a dress's skirt below the cut), colour cannot tell: the coarse cut.
    # Nor is a white garment's edge trimmed by colour: on the white it is set on, its outline is all its product
    # shot's segmentation has to find it by (a trimmed one lost it).
    alike = (np.linalg.norm(g - o, axis=2) < SAME) | (np.linalg.norm(g - WHITE, axis=2) < 2 * SAME)
    share = np.where(alike, coarse, share)
    alpha = np.where(inner, 1.0, np.where(band, share, 0.0)).astype(np.float32)
    guide = np.ascontiguousarray(rgb, np.uint8)
    alpha = cv2.ximgproc.guidedFilter(guide, alpha, max(1, r // 2), (0.02 * 255) ** 2)
    return np.clip(alpha, 0, 1) * ~outer
