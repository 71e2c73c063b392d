"""What she holds, whole and alone: the held object (core/tryon/held.py) cut from the photo along its own outline.

held.py finds a held object as regions between the picture's edges joined to her hand; a low-contrast object (a
beige bag on a cream dress) leaks into the old clothing beside it through a gap in its outline and loses its own
parts beyond a seam (a flap's lower strip, a side panel). Put back as shot over a new dress, the leaked pieces are a
ghost of the old dress beside the object and the lost parts are cut out of it: a doubled, smeared object.

Here each object found is cut again by its colour and its outline (OpenCV GrabCut), in a box round it: the pixels
found are probably the object, the rest of the clothing in the box probably not, the backdrop not at all. What the
cut keeps, joined to the object's core and holes filled, is the object."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pose import Person


def whole_held(person: Person, frame: BodyFrame, held: np.ndarray, hands: np.ndarray) -> np.ndarray:
    """The held objects (`held`: found by held.py) cut along their own outlines; `hands`: her hands (in front
    too, never the clothing's side of the cut). Falls back to what was found where the cut loses the object."""
    if not held.any():
        return held
    H, W = held.shape
    w = frame.width
    img = np.ascontiguousarray(np.asarray(person.image.convert("RGB"))[..., ::-1])
    out = np.zeros((H, W), bool)
    # Pieces found near each other are one object (a flap and a side panel beyond its seam) and are cut together.
    near = cv2.dilate(held.astype(np.uint8), np.ones((int(0.1 * w) | 1,) * 2, np.uint8))
    n, labels = cv2.connectedComponents(near, connectivity=8)
    for i in range(1, n):
        part = (labels == i) & held
        if part.sum() < 0.01 * w * w:
            out |= part  # a speck: as found
            continue
        cut = _cut(img, part, hands, person.mask, w)
        # The cut keeps most of what was found that is surely the object (its core), or it failed: as found.
        core = cv2.erode(part.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
        if cut is None or (core.any() and (cut & core).sum() < 0.5 * core.sum()):
            out |= part
        else:
            out |= cut
    return out


def _cut(img: np.ndarray, part: np.ndarray, hands: np.ndarray, pmask: np.ndarray, w: float) -> np.ndarray | None:
    H, W = part.shape
    ys, xs = np.nonzero(part)
    m = max(4, int(0.2 * w))
    y0, y1, x0, x1 = max(0, ys.min() - m), min(H, ys.max() + m + 1), max(0, xs.min() - m), min(W, xs.max() + m + 1)
    box = (slice(y0, y1), slice(x0, x1))
    p, h, pm = part[box], hands[box], pmask[box]
    gc = np.full(p.shape, cv2.GC_PR_BGD, np.uint8)
    # A bag, a clutch, a helmet is solid: within the hull of what was found it may be the object (a strip below a
    # flap, a side panel beyond a seam), by its colour.
    hull = np.zeros(p.shape, np.uint8)
    cv2.fillPoly(hull, [cv2.convexHull(np.stack(np.nonzero(p)[::-1], 1).astype(np.int32))], 1)
    gc[(hull > 0) | p] = cv2.GC_PR_FGD
    # What was found against her hand is surely held (the hand grips it there, whatever its colour).
    k = int(0.08 * w) | 1
    gc[p & (cv2.dilate(h.astype(np.uint8), np.ones((k, k), np.uint8)) > 0)] = cv2.GC_FGD
    gc[~pm & ~p] = cv2.GC_BGD  # the backdrop beside the figure is not the object
    gc[h & ~p] = cv2.GC_BGD  # nor her hand (kept on its own: not the object's colours)
    if (gc == cv2.GC_PR_FGD).sum() < 20 or (gc != cv2.GC_PR_FGD).sum() < 20:
        return None
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(0)  # GrabCut seeds its colour models at random: the same photo gives the same cut every time
    try:
        cv2.grabCut(np.ascontiguousarray(img[box]), gc, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return None
    fg = (gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)
    fg = cv2.morphologyEx(fg.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    # Only what is joined to the pixels found (no far patch of the same colour), holes filled (a clasp, a logo).
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg.astype(np.uint8), connectivity=8)
    ids = np.unique(labels[fg & p])
    ids = [k for k in ids if k > 0 and stats[k, cv2.CC_STAT_AREA] >= 0.005 * w * w]
    if not ids:
        return None
    keep = np.isin(labels, ids)
    contours, _ = cv2.findContours(keep.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros(keep.shape, np.uint8)
    cv2.drawContours(filled, contours, -1, 1, -1)
    out = np.zeros((H, W), bool)
    out[box] = (filled > 0) & ~h
    return out
