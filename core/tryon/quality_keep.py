"""What a top's try-on keeps by design, so the quality check does not call it a fault.

* The lower garment she keeps (trousers, a skirt) is not "old clothing" of a top try-on, even where it shows beside
  the new top's lower sleeves or under its hem. Its colours are read from the photo itself: the colours of her
  clothing at the hips that are not colours of her clothing at the chest (an old top that reaches the hips shows
  its chest colours there too, so it stays old clothing). This works on a half-body photo cut at the hips too, where
  there is nothing to sample below the hips.
* What a top's own outline leaves open at the top (a halter's bare shoulders beside its neck band, a strapless
  top's bare upper chest) is not a hole: the torso counts as inside the garment only from the first row where the
  garment spans most of the torso's width.
"""
from __future__ import annotations

import numpy as np

from core.tryon.pixels import NBINS

_SPAN = 0.85  # a row where the garment covers this share of the torso's width is its body, not a band or a strap
_LOWER_AT_HIPS = 0.12  # a colour making up this share of her clothing at the hips...
_CHEST = 0.03  # ...and under this share of her clothing at the chest is her lower garment's


def body_top(on: np.ndarray, torso: np.ndarray) -> int:
    """The first row where the garment covers most of the torso's width (0 where it never does: a garment reduced
    to a print or a strip is no top's outline, so the whole torso stays inside it)."""
    across = torso.sum(axis=1)
    covered = (on & torso).sum(axis=1)
    if not across.any():
        return 0
    wide = across >= 0.5 * np.median(across[across > 0])  # not the torso's narrow tip at the neck
    rows = np.flatnonzero(wide & (covered >= _SPAN * np.maximum(across, 1)))
    return int(rows[0]) if len(rows) else 0


def _hist(q: np.ndarray, m: np.ndarray) -> np.ndarray | None:
    if m.sum() < 200:
        return None
    h = np.bincount(q[m], minlength=NBINS).astype(np.float32)
    return h / h.sum()


def kept_lower_colours(q: np.ndarray, person, clothing: np.ndarray, width: float) -> np.ndarray:
    """Colour bins (of core.tryon.pixels.quantise) of the lower garment she keeps under a new top: common in her
    clothing across the hips and rare in her clothing at the chest. `clothing`: her non-skin pixels in the photo."""
    none = np.zeros(NBINS, bool)
    names = ("l_shoulder", "r_shoulder", "l_hip", "r_hip")
    try:
        if person is None or not all(person.visible(n) for n in names):
            return none
        ls, rs, lh, rh = (np.asarray(person.point(n), float) for n in names)
    except Exception:  # no pose to find the chest and hips by
        return none
    H, W = q.shape
    sy, hy = 0.5 * (ls[1] + rs[1]), 0.5 * (lh[1] + rh[1])
    if hy - sy < 0.3 * width:  # a bent or side-on pose: no chest above hips to tell them apart
        return none

    def box(y0: float, y1: float, x0: float, x1: float) -> np.ndarray:
        m = np.zeros((H, W), bool)
        m[int(np.clip(y0, 0, H)):int(np.clip(y1, 0, H)), int(np.clip(x0, 0, W)):int(np.clip(x1, 0, W))] = True
        return m & clothing

    sx0, sx1 = sorted((ls[0], rs[0]))
    hx0, hx1 = sorted((lh[0], rh[0]))
    inset = 0.15 * (sx1 - sx0)
    chest = _hist(q, box(sy + 0.15 * width, sy + 0.45 * (hy - sy), sx0 + inset, sx1 - inset))
    hips = _hist(q, box(hy - 0.1 * width, hy + 0.25 * width, hx0, hx1))
    if hips is None:
        return none
    lower = hips >= _LOWER_AT_HIPS
    if chest is not None:
        lower &= chest < _CHEST
    return lower
