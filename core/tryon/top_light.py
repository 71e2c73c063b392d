"""The photo's broad light for a new top, taken from the old clothes only: the backdrop seen through a gap inside
her outline (between a hanging arm and the waist: the segmentation takes the gap in) is no light on her body, but
it is the brightest thing in the zone, and the broad light carried it onto the new top as a pale vertical smear
down its side. Those pixels are left out of the estimate (the light there is what surrounds them)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import low_frequency_shading, to_lab

NEAR = 10.0  # Lab distance to the backdrop's colour under which a pixel in the zone is the backdrop
MOST = 0.25  # ... unless that is more of the zone than this (an old top in the backdrop's colour: it is the top)


def backdrop_in(lab: np.ndarray, zone: np.ndarray, person_mask: np.ndarray, width: float) -> np.ndarray:
    """The zone's pixels in the colour of the backdrop just outside her outline (its median), where they are few."""
    k = max(3, int(0.1 * width) | 1)
    ring = (cv2.dilate(person_mask.astype(np.uint8), np.ones((k, k), np.uint8)) > 0) & ~person_mask
    near_zone = cv2.dilate(zone.astype(np.uint8), np.ones((3 * k, 3 * k), np.uint8)) > 0
    ring &= near_zone
    if ring.sum() < 50 or not zone.any():
        return np.zeros_like(zone)
    ref = np.median(lab[ring], axis=0)
    out = zone & (np.linalg.norm(lab - ref, axis=2) < NEAR)
    return out if out.sum() <= MOST * zone.sum() else np.zeros_like(zone)


def broad_light(base: np.ndarray, zone: np.ndarray, person_mask: np.ndarray, width: float) -> np.ndarray:
    """low_frequency_shading over the zone without the backdrop seen through it (base: RGB 0..1)."""
    lab = to_lab(np.clip(np.rint(base * 255), 0, 255).astype(np.uint8))
    return low_frequency_shading(base, zone & ~backdrop_in(lab, zone, person_mask, width), width)
