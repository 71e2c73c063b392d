"""Light slivers a stylist would see, and where: backdrop-coloured light painted inside the person's outline beside
the new garment where the photo had something darker (a strip between an arm and the body, a band under a hem, a
split down a trouser leg).

For trousers and skirts, light that continues the photo's own backdrop from outside her outline (an old dress
cleared away beside slimmer trousers, the gap between two trouser legs where hers stand apart) is the backdrop, not
a sliver: only what is shut in counts there (a strip inside a leg's outline, a band between a top and the
waistband)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import ellipse_mask


def sliver_mask(labB, labA, on, pmask, width, face=None, kind: str = "") -> np.ndarray:
    """The light sliver pixels beside the new garment (on), inside the person's outline (pmask)."""
    H, W = on.shape
    if on.sum() < 500:
        return np.zeros((H, W), bool)
    inner = cv2.erode(pmask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    near = cv2.dilate(on.astype(np.uint8), np.ones((int(0.15 * width) | 1,) * 2, np.uint8)) > 0
    core = cv2.erode(on.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    chroma = np.hypot(labA[..., 1], labA[..., 2])
    light = (labA[..., 0] > 80) & (chroma < 10) & (labA[..., 0] - labB[..., 0] > 12)
    sl = light & inner & near & ~core
    if face is not None:
        sl &= ~ellipse_mask((H, W), face)
    sl = cv2.morphologyEx(sl.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    # A garment's own white edge (a soft outline) is not a sliver: only what lies off the garment.
    sl &= ~(cv2.dilate(core.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    if kind == "lower" and sl.any():
        sl &= ~_open_to_backdrop(light, on, pmask)
    return sl


def _open_to_backdrop(light: np.ndarray, on: np.ndarray, pmask: np.ndarray) -> np.ndarray:
    """The light pixels off the garment joined (through light pixels) to the photo's backdrop outside her outline."""
    free = (light | ~pmask) & ~on
    n, labels = cv2.connectedComponents(free.astype(np.uint8), connectivity=4)
    outside = np.unique(labels[~pmask & free])
    return np.isin(labels, outside[outside > 0])


def sliver_place(sl: np.ndarray, on: np.ndarray, person, kind: str) -> str:
    """Where the biggest sliver lies, in a stylist's words."""
    n, labels, stats, cents = cv2.connectedComponentsWithStats(sl.astype(np.uint8), 8)
    if n <= 1 or person is None or getattr(person, "landmarks", None) is None:
        return "beside the garment"
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    cx, cy = cents[k]
    sw = float(abs(person.point("l_shoulder")[0] - person.point("r_shoulder")[0])) or 1.0
    hip = float(np.mean([person.point(s)[1] for s in ("l_hip", "r_hip")]))
    if kind != "lower":
        if any(abs(person.point(f"{s}_elbow")[0] - cx) < 0.3 * sw for s in ("l", "r") if person.visible(f"{s}_elbow")):
            return "between an arm and the body"
        return "under the hem" if cy > hip - 0.3 * sw else "at the sides"
    ys = np.flatnonzero(on.any(axis=1))
    if len(ys) and cy < ys.min() + 0.25 * sw:
        return "at the waist"
    knee = float(np.mean([person.point(s)[1] for s in ("l_knee", "r_knee")]))
    row = np.flatnonzero(on[int(np.clip(cy, 0, on.shape[0] - 1))])
    if len(row) and row.min() < cx < row.max():
        return "between the legs" if cy < knee else "down a leg"
    return "at the hips" if cy < knee else "beside the legs"
