"""The photo's soft outline just outside her mask, under the new top: the top's.

The segmentation's outline runs a pixel or two inside her photo's own soft edge, where her skin or old top blends
into the backdrop. Where the new top lies over that edge (a shoulder carried up to her outline, a top a little wider
than her), the zone stopped at the mask and those pixels stayed as shot: a dotted peach or grey rim along the new
top's outline (a white tee's shoulder on a light backdrop). They are the new top's: a ring of two pixels outside her
mask, next to the drawn top and under its cloth, from just above the shoulders down to her hands (never at the
face, never beside her hands or a bare arm)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame


def halo(drawn: np.ndarray, cover: np.ndarray, person_mask: np.ndarray, zone: np.ndarray, body: BodyFrame,
         low: float, reach: int = 2) -> np.ndarray:
    """The pixels outside person_mask within `reach` of the drawn top (zone & cloth) that the cloth covers, not
    beside what of her stays as shot (a hand, a bare arm in front: its own soft edge is hers, no rim of cloth), and
    above row `low` (her hands' row)."""
    if not drawn.any():
        return np.zeros_like(drawn)
    k = 2 * reach + 1
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    # Only beside the top's body of cloth: a sliver of it along a bare arm's edge is not grown into the gap beside.
    solid = cv2.morphologyEx(drawn.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k + 2, k + 2), np.uint8))
    near = cv2.dilate(solid, disc) > 0
    kept = cv2.dilate((person_mask & ~zone).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k + 2, k + 2))) > 0
    out = near & cover & ~person_mask & ~kept
    out[:max(0, int(body.neck_y - 0.15 * body.width))] = False
    out[max(0, int(low)):] = False
    return out


def hands_row(person, body: BodyFrame) -> float:
    """The row a little above her higher visible wrist (her hands' fingers beside a hem: their soft edge is hers),
    else the image's bottom."""
    lm = getattr(person, "landmarks", None)
    ys = [float(lm[i][1]) for i in (15, 16) if lm is not None and len(lm) > i and lm[i][2] >= 0.5]
    return min(ys) - 0.1 * body.width if ys else float(person.mask.shape[0])
