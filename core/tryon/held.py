"""What the person holds in front of the body (a helmet, a bag, a folder): it stays in front of a new garment.

A held object crosses the person's outline: the segmentation cuts it somewhere, but the picture has no edge there,
so the same flat-coloured region runs from outside the person into the clothing. The old clothing is separated
from the backdrop by its own outline (an edge), and a sliver of backdrop inside a loose segmentation must not be
painted either; so regions bounded by the picture's edges that run from far outside the person into the clothing, unlike the old clothing's colour, stay as they are."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pose import Person


def edge_regions(lab: np.ndarray, width: float) -> tuple[int, np.ndarray]:
    """Regions of the picture separated by its colour edges (Lab gradient), as connected-component labels."""
    smooth = cv2.GaussianBlur(lab.astype(np.float32), (0, 0), max(1.0, width / 160))
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    grad = np.sqrt((gx ** 2 + gy ** 2).sum(axis=2))
    edges = cv2.dilate((grad > 24).astype(np.uint8), np.ones((3, 3), np.uint8))
    return cv2.connectedComponents((edges == 0).astype(np.uint8), connectivity=4)


def held_in_front(lab: np.ndarray, person: Person, body: BodyFrame, zone: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Pixels of the clothing zone that belong to an object held in front of the body (kept, never painted over)."""
    H, W = zone.shape
    out = np.zeros((H, W), bool)
    w = body.width
    n, labels = edge_regions(lab, w)
    low = zone & ~skin
    low[:int(body.neck_y + 0.35 * w)] = False  # held at the chest or lower: never the collar or the shoulders
    ids = np.unique(labels[low])
    ids = ids[ids > 0]
    if not len(ids):
        return out
    backdrop = ~person.mask
    area_out = np.bincount(labels[backdrop].ravel(), minlength=n)
    area_zone = np.bincount(labels[zone].ravel(), minlength=n)
    clothes = zone & ~skin
    # The backdrop just around the person: a region in its colour is the backdrop seen through a loose outline.
    ring = (cv2.dilate(person.mask.astype(np.uint8), np.ones((int(0.3 * w) | 1,) * 2, np.uint8)) > 0) & backdrop
    ring_lab = np.median(lab[ring], 0) if ring.any() else None
    for i in ids:
        if area_out[i] < 0.15 * w * w or area_zone[i] < 0.02 * w * w:
            continue
        # The backdrop itself (most of what is not the person) runs into a garment of its own colour: not held.
        if area_out[i] > 0.4 * backdrop.sum() or area_zone[i] > area_out[i] * 4:
            continue
        part = (labels == i) & zone
        if _like_clothes_or_backdrop(lab, part, clothes, ring_lab):
            continue
        out |= part
    if out.any():
        out = _with_rim(out, lab, clothes, w)
    return out


def _like_clothes_or_backdrop(lab: np.ndarray, part: np.ndarray, clothes: np.ndarray, ring_lab) -> bool:
    """Too much of the clothing, or in the old clothing's or the backdrop's colour: not an object held."""
    if part.sum() > 0.35 * clothes.sum():
        return True
    colour = np.median(lab[part], 0)
    rest = clothes & ~part
    if rest.any() and np.linalg.norm(colour - np.median(lab[rest], 0)) < 18:
        return True
    return ring_lab is not None and np.linalg.norm(colour - ring_lab) < 15


def _with_rim(found: np.ndarray, lab: np.ndarray, clothes: np.ndarray, w: float) -> np.ndarray:
    """The object's own highlights and rim (small regions between edges, beside or inside it) come with it: what
    is close to it and unlike the old clothing."""
    rest = clothes & ~found
    ref = np.median(lab[rest], 0) if rest.any() else np.zeros(3, np.float32)
    k = max(3, int(0.12 * w) | 1)
    near = cv2.dilate(_fill_holes(found).astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return (found | (near & (np.linalg.norm(lab - ref, axis=2) > 25))) & clothes


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    m = mask.astype(np.uint8)
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(m)
    cv2.drawContours(filled, contours, -1, 1, -1)
    return filled > 0


def held_objects(lab: np.ndarray, person) -> np.ndarray:
    """What the person holds in front of the body in a photo (for the quality check: not her old clothing)."""
    from core.tryon.body import body_of
    from core.tryon.pixels import skin_like, skin_model

    shape = lab.shape[:2]
    if person is None or getattr(person, "mask", None) is None or person.mask.shape != shape:
        return np.zeros(shape, bool)
    try:
        body = body_of(person)
    except Exception:  # no shoulders found: nothing to say about what is held
        return np.zeros(shape, bool)
    skin = skin_like(lab, skin_model(lab, body.face, person.mask))
    zone = person.mask.copy()
    zone[:max(0, int(body.neck_y))] = False
    return held_in_front(lab, person, body, zone, skin)
