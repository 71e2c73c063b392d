"""Clears the old garment left just outside the new one's outline (core.tryon.quality_fringe finds it): a thin
sliver of an old dress down her side, the edge of a halter's strap at her neck. Each sliver is filled in from
what lies beyond it, away from the new garment: her own skin where the body is, else the backdrop continued."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.tryon.base import TryOnResult
from core.tryon.pixels import ellipse_mask, skin_like, skin_model, to_lab
from core.tryon.quality_fringe import fringe_for

ENABLED = True  # off: results as they were (to measure before and after)
THIN = 0.05  # a sliver's half-thickness at most, a share of the shoulders
SOURCE = 0.6  # the share of what borders it (off the new garment) that must be her skin or the backdrop


def _hands(person, shape) -> np.ndarray:
    """Around her hands and her face (they, and what she holds, stay as they are)."""
    from core.tryon.quality_checks import face_ellipse, hands_mask, shoulder_width

    out = hands_mask(person, shape, shoulder_width(person, shape[1]))
    face = face_ellipse(person)
    return out | ellipse_mask(shape, face) if face is not None else out


def _source(before: np.ndarray, after: np.ndarray, person) -> np.ndarray:
    """What a sliver may be filled from: her skin in the result, or the backdrop beyond her outline."""
    from core.tryon.quality_checks import face_ellipse

    labB = to_lab(before)
    return ~person.mask | skin_like(to_lab(after), skin_model(labB, face_ellipse(person), person.mask))


def thin(left: np.ndarray, person, source: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """The slivers of `left` no thicker than THIN of the shoulders and mostly bordered by her skin or the backdrop
    beyond the new garment (a wider patch, or one beside her skirt, drawn over from around it would be a smear)."""
    from core.tryon.quality_checks import shoulder_width

    if not left.any():
        return left
    n, labels = cv2.connectedComponents(left.astype(np.uint8), connectivity=8)
    depth = cv2.distanceTransform(left.astype(np.uint8), cv2.DIST_L2, 3)
    deepest = np.zeros(n, np.float32)
    np.maximum.at(deepest, labels.ravel(), depth.ravel())
    ring = cv2.dilate(labels.astype(np.float32), np.ones((5, 5), np.uint8)).astype(np.int32)
    ring[left | shown] = 0
    around = np.bincount(ring.ravel(), minlength=n).astype(np.float32)
    good = np.bincount(ring.ravel(), weights=source.ravel().astype(np.float32), minlength=n)
    ok = (deepest <= THIN * shoulder_width(person, left.shape[1])) & (good >= SOURCE * np.maximum(around, 1))
    ok[0] = False
    return ok[labels]


def clear(before: np.ndarray, after: np.ndarray, alpha: np.ndarray, kind: str, person) -> np.ndarray:
    """`after` with the old garment's slivers beside the new garment filled from beyond them (never from it)."""
    left = fringe_for(before, after, alpha, kind, person, grow=True)
    if not left.any():
        return after
    shown = (alpha > 0.5) & (np.abs(after.astype(np.int16) - before).sum(axis=2) > 6)  # the garment as painted
    left = thin(left, person, _source(before, after, person), shown)
    fill = cv2.dilate(left.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    fill &= ~shown & person.mask & ~_hands(person, fill.shape)  # never beyond her outline, her hands or face
    if not fill.any():
        return after
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
