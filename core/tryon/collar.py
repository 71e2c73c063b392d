"""The back of an old crew collar, for a new top that leaves the neck bare (a bandeau or an off-shoulder top over a
sweatshirt): a ribbed collar in its own colour (a red band on a grey sweatshirt) rises behind the neck above the
neck base, where the old top's main colours and the zone do not reach. Its front, inside the zone, shows its
colours; the same colours joined to the zone around the neck, up to a fifth of the shoulders above the neck base,
are the rest of it. Never her skin, her face, her hair's colours or anything away from the neck."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.pixels import NBINS, quantise


def collar_colours(q: np.ndarray, zone: np.ndarray, other: np.ndarray, body) -> np.ndarray | None:
    """(NBINS,) lookup of the colours of what the zone holds around the neck base that is not skin nor the old top's
    main colours (`other`): a collar band's, each a tenth of it at least; None where there is none."""
    H, W = zone.shape
    w = body.width
    band = np.zeros((H, W), bool)
    band[int(max(0, body.neck_y - 0.2 * w)):int(max(0, body.neck_y + 0.12 * w)),
         int(max(0, body.neck_x - 0.35 * w)):int(min(W, body.neck_x + 0.35 * w))] = True
    px = band & zone & other
    if px.sum() < max(20, int(0.002 * w * w)):
        return None
    hist = np.bincount(q[px], minlength=NBINS).astype(np.float32)
    hist /= hist.sum()
    lut = hist >= 0.1
    return lut if lut.any() else None


def collar_back(lab: np.ndarray, zone: np.ndarray, other: np.ndarray, skin: np.ndarray, keep: np.ndarray,
                body) -> np.ndarray:
    """The old collar's pixels outside the zone around the neck (to add to it): in the collar's colours, not her
    skin nor `keep` (her face and hair), joined to the zone, from a fifth of the shoulders above the neck base down
    to a tenth below it and within a third of the shoulders of the neck's middle; and two pixels round the whole
    collar (its anti-aliased edge, half collar and half skin, reads as skin: left, it drew a thin line round her
    neck)."""
    avoid = skin | keep
    H, W = zone.shape
    w = body.width
    q = quantise(lab)
    lut = collar_colours(q, zone, other, body)
    if lut is None:
        return np.zeros((H, W), bool)
    near = np.zeros((H, W), bool)
    near[int(max(0, body.neck_y - 0.2 * w)):int(max(0, body.neck_y + 0.1 * w)),
         int(max(0, body.neck_x - 0.35 * w)):int(min(W, body.neck_x + 0.35 * w))] = True
    cand = (lut[q] & near & other & ~avoid & ~zone).astype(np.uint8)
    cand = cv2.morphologyEx(cand, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)) > 0
    cand &= ~avoid & ~zone & near
    n, labels = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    touch = np.unique(labels[(cv2.dilate(zone.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & cand])
    back = np.isin(labels, touch[touch > 0]) if n > 1 else np.zeros((H, W), bool)
    # two pixels round the whole collar, its front in the zone too (the zone's soft seam blends its edge pixels)
    band = (back | (lut[q] & near & other & zone)).astype(np.uint8)
    return back | ((cv2.dilate(band, np.ones((5, 5), np.uint8)) > 0) & near & ~keep & ~zone)
