"""Clears the old garment left just outside the new one's outline (core.tryon.quality_fringe finds it): a thin
sliver of an old dress down her side, the edge of a halter's strap at her neck. Each sliver is filled in from
what lies beyond it, away from the new garment: her own skin where the body is, else the backdrop continued."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.tryon.base import TryOnResult
from core.tryon.quality_fringe import fringe_for

ENABLED = True  # off: results as they were (to measure before and after)


def clear(before: np.ndarray, after: np.ndarray, alpha: np.ndarray, kind: str, person) -> np.ndarray:
    """`after` with the old garment's slivers beside the new garment filled from beyond them (never from it)."""
    left = fringe_for(before, after, alpha, kind, person, grow=True)
    if not left.any():
        return after
    fill = cv2.dilate(left.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    shown = (alpha > 0.5) & (np.abs(after.astype(np.int16) - before).sum(axis=2) > 6)  # the garment as painted
    fill &= ~shown
    # The new garment next to the sliver is masked too, so the fill comes from the far side only.
    near = cv2.dilate(fill.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    mask = (fill | (near & shown)).astype(np.uint8)
    ys, xs = np.nonzero(cv2.dilate(mask, np.ones((15, 15), np.uint8)))
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    patch = cv2.inpaint(np.ascontiguousarray(after[y0:y1, x0:x1]), mask[y0:y1, x0:x1], 5, cv2.INPAINT_TELEA)
    out = after.copy()
    box = fill[y0:y1, x0:x1]
    out[y0:y1, x0:x1][box] = patch[box]
    return out


def cleared(result: TryOnResult) -> TryOnResult:
    """The try-on result with the old garment's slivers beside the new garment cleared."""
    if not ENABLED:
        return result
    try:
        before = np.asarray(result.person.image.convert("RGB"), np.uint8)
        after = np.asarray(result.image.convert("RGB"), np.uint8)
        out = clear(before, after, result.garment_alpha, result.kind, result.person)
    except Exception:  # no pose or mask to find the slivers by: the result as it was
        return result
    if out is not after:
        result.image = Image.fromarray(out)
    return result
