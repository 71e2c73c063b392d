"""Masks: the garment in a product shot, and the region of the person to replace ("agnostic" mask)."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.tryon.body import BodyFrame, body_frame  # noqa: F401  (body_frame: imported from here by callers)
from core.vocabulary import GARMENT_KINDS
from core.tryon.pose import Person, TryOnInputError



def garment_mask(img: Image.Image) -> np.ndarray:
    """The garment in a product shot on a plain backdrop (core.segmentation), with Try-On's own messages."""
    from core.segmentation import GarmentNotFound, backdrop_of
    from core.segmentation import garment_mask as segment

    if backdrop_of(np.asarray(img.convert("RGB"))).busy:
        raise TryOnInputError("The garment photo has a busy background. Use a product shot on a plain background.")
    try:
        mask = segment(img, min_share=0.0)
    except GarmentNotFound as exc:
        raise TryOnInputError("No garment found in the garment photo.") from exc
    if mask.mean() < 0.02:
        raise TryOnInputError("The garment is too small in its photo; use a product shot where it fills the frame.")
    return mask


def polygon_mask(shape, pts) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(np.array(pts)).astype(np.int32)], 1)
    return m.astype(bool)


def torso_outline(frame: BodyFrame) -> np.ndarray:
    """The torso polygon a top must cover: shoulders to hips, padded out to the body's edge (the shoulder and hip
    keypoints are joint centres, inside the outline). Corners: right-top, left-top, left-bottom, right-bottom."""
    ls, rs, lh, rh, w = frame.ls, frame.rs, frame.lh, frame.rh, frame.width
    out, up = np.array([w * 0.12, 0]), np.array([0, w * 0.08])
    return np.array([rs - out - up, ls + out - up, lh + out * 0.6, rh - out * 0.6], np.float32)


def replace_region(person: Person, kind: str, long: bool = False,
                   hangs: bool = False) -> tuple[np.ndarray, np.ndarray, BodyFrame]:
    """(region to replace, torso polygon, frame): the region is inside the person, never the head or hands."""
    if kind not in GARMENT_KINDS:
        raise TryOnInputError(f"Unknown garment kind {kind!r}; use upper, lower or dress.")
    f = body_frame(person, kind)
    shape = person.mask.shape
    ls, rs, lh, rh, w = f.ls, f.rs, f.lh, f.rh, f.width
    out = np.array([w * 0.12, 0])
    up = np.array([0, w * 0.08])
    torso = polygon_mask(shape, torso_outline(f))
    if kind == "upper":
        region = torso.copy()
        for side in ("l", "r"):  # upper arms: the sleeves' place
            if person.visible(f"{side}_elbow"):
                cv2.line(region.view(np.uint8), tuple(np.int32(person.point(f"{side}_shoulder"))),
                         tuple(np.int32(person.point(f"{side}_elbow"))), 1, int(0.28 * w))
    elif kind == "lower":
        # Full-length trousers reach the ankles when they are in the photo; shorts and skirts stop at the knees.
        lk, rk = (f.la, f.ra) if long and f.ankles_seen else (f.lk, f.rk)
        f.long = long and f.ankles_seen
        # Out to the thighs' and calves' outline (the hip and knee keypoints are joint centres); the mask trims.
        region = polygon_mask(shape, [rh - out * 2.2 - up * 2, lh + out * 2.2 - up * 2, lk + out * 1.6, rk - out * 1.6])
    else:
        lk, rk = f.lk, f.rk
        region = polygon_mask(shape, [rs - out - up, ls + out - up, lh + out, lk + out * 2, rk - out * 2, rh - out])
    if hangs or kind == "dress":
        # A skirt or a dress hangs from the hips across the gap between the legs: below the hips it is not
        # clipped to the body's outline.
        hip_y = int(min(lh[1], rh[1]))
        region[:hip_y] &= person.mask[:hip_y]
    else:
        region &= person.mask
    # Keep in front: the head (above the shoulder line, minus a collar allowance) and the hands.
    neck_y = min(ls[1], rs[1]) - 0.1 * w
    region[: max(0, int(neck_y))] = False
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            cv2.circle(region.view(np.uint8), tuple(np.int32(person.point(f"{side}_wrist"))), int(0.18 * w), 0, -1)
    torso &= person.mask
    return region, torso, f


def region_for_garment(person: Person, kind: str, gmask: np.ndarray) -> tuple[np.ndarray, np.ndarray, BodyFrame]:
    """replace_region for this garment: a flat-lay taller than wide is full-length trousers (to the ankles). Refuses a
    photo that shows too little of the body for it."""
    ys, xs = np.nonzero(gmask)
    long = (np.ptp(ys) + 1) / (np.ptp(xs) + 1) > 1.5
    # Trousers and shorts have a gap between the legs near the hem; a skirt does not.
    hem = gmask[ys.min() + int(0.9 * np.ptp(ys))]
    xs_hem = np.flatnonzero(hem)
    hangs = kind == "lower" and len(xs_hem) > 0 and hem[xs_hem.min():xs_hem.max() + 1].all()
    region, torso, frame = replace_region(person, kind, long=bool(long) and not hangs, hangs=bool(hangs))
    if region.sum() < 0.005 * region.size:
        raise TryOnInputError("Too little of the body is visible for this garment; use a photo showing the torso.")
    return region, torso, frame


