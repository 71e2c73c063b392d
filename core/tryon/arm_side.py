"""What of the arm drawn in front of a new top is no arm: the arm in front is her skin out to a tapered outline
around the arm's line (arms.arms_and_sleeves), and where the real arm is thinner than that outline (a slim forearm
hanging beside the waist) its rim takes in what was beside the arm in the photo: the old top's or trousers' dark
side, a sliver of backdrop between arm and body. Kept in front, that rim showed as a dark, torn line between her
arm and the new top's side (the dark pixels painted as arm, the sliver of backdrop left as shot). Those rim
pixels are the new top's side, behind her arm (a worn top hangs out to the arm beside it)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pixels import local_mean
from core.tryon.pose import Person
from core.tryon.top_edges import old_beside_arm

RIM = 0.06  # the rim looked at: this share of the shoulders in from the drawn arm's outline
MIXED = 0.7  # an outline pixel with less of the arm's colour than this is what lay beside it
APART = 20.0  # Lab distance: the arm's colour and the old top's must differ by this much
NEAR = 12.0  # Lab distance to the backdrop's colour under which a rim pixel is the backdrop
MOST = 0.25  # the rim taken is at most this share of the arm in front (more is the arm itself, in shade)


def _median(lab: np.ndarray, where: np.ndarray) -> np.ndarray | None:
    return np.median(lab[where], axis=0) if where.sum() >= 50 else None


def backdrop_beside(front: np.ndarray, lab: np.ndarray, person_mask: np.ndarray, width: float) -> np.ndarray | None:
    """The backdrop's colour just outside her outline beside the arm (its median), or None where none shows."""
    k = max(3, int(0.15 * width) | 1)
    near = cv2.dilate(front.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return _median(lab, near & ~person_mask)


def _arm_share(px: np.ndarray, arm_ref: np.ndarray, refs: list) -> np.ndarray:
    """Per pixel, how much of it is the arm's colour rather than the nearest other (0..1, along the line between
    the two colours): a mixed pixel at the arm's outline is about half and half."""
    shares = []
    for r in refs:
        d = arm_ref - r
        shares.append(np.clip((px - r) @ d / max(float(d @ d), 1e-6), 0, 1))
    return np.min(shares, axis=0)


def rim_not_arm(front: np.ndarray, lab: np.ndarray, skin: np.ndarray, old_top: np.ndarray, person: Person,
                body: BodyFrame, behind: np.ndarray) -> np.ndarray:
    """The pixels in the rim of the arm's drawn outline (RIM in from its edge) over the new top's cloth (`behind`)
    that are the backdrop's colour or nearer the old top's than the arm's (where the two differ by APART; a shaded
    rim mixed with a black top is nearer the top), joined to the outline's edge: what lay beside the arm. Nothing
    where the arm is not mostly bare skin (an arm in an old long sleeve keeps its whole outline), nor more than
    MOST of the arm."""
    none = np.zeros_like(front)
    arm = front & skin
    if front.sum() < 50 or arm.sum() < 0.6 * front.sum():
        return none
    arm_ref = _median(lab, arm)
    old_core = cv2.erode(old_top.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    top_ref = _median(lab, old_core)
    bg_ref = backdrop_beside(front, lab, person.mask, body.width)
    if arm_ref is None:
        return none
    dist = cv2.distanceTransform(front.astype(np.uint8), cv2.DIST_L2, 3)
    # Only the arm's side towards the top's body (nearer the cloth on her torso than the backdrop past her
    # outline): its outer side against the backdrop is her outline as shot, never the garment laid under it.
    to_torso = cv2.distanceTransform((~(behind & ~front & person.mask)).astype(np.uint8), cv2.DIST_L2, 3)
    to_out = cv2.distanceTransform(person.mask.astype(np.uint8), cv2.DIST_L2, 3)
    cand = front & behind & (dist <= RIM * body.width) & (to_torso < to_out)
    other = np.zeros_like(front)
    px = lab[cand]
    if bg_ref is not None:  # the backdrop itself (a sliver seen between arm and waist), by its own colour
        other[cand] = np.linalg.norm(px - bg_ref, axis=1) < NEAR
    if top_ref is not None and float(np.linalg.norm(top_ref - arm_ref)) >= APART:
        # The old top's colour, or the outline's own pixels mixed from the arm and it (a dark rim against a black
        # top: kept, they drew a dark line down the arm against a light new top).
        share = _arm_share(px, arm_ref, [top_ref])
        other[cand] |= (share < 0.5) | ((share < MIXED) & (dist[cand] <= 2.5))
    # A lone pixel of the arm's tone among them (noise, a mixed pixel) goes with them: no dotted line is left.
    other |= (cv2.morphologyEx(other.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)) > 0) & cand
    # Joined to the outline's edge (not a shadow inside the arm): its pieces that reach the drawn edge.
    n, labels = cv2.connectedComponents(other.astype(np.uint8), connectivity=8)
    if n <= 1:
        return none
    edge = other & (dist <= 1.5)
    keep = np.zeros(n, bool)
    keep[np.unique(labels[edge])] = True
    keep[0] = False
    out = keep[labels]
    # A rim is a sliver of the arm's outline: much more is her arm itself in a colour near the old top's or the
    # backdrop's (a shaded forearm on grey), which stays.
    return out if out.sum() <= MOST * front.sum() else none


def not_arm(front: np.ndarray, lab: np.ndarray, skin: np.ndarray, old_top: np.ndarray, person: Person,
            body: BodyFrame, behind: np.ndarray) -> np.ndarray:
    """What of the arm drawn in front is no arm: the old top's strap beside it (top_edges.old_beside_arm) and what
    lay beside the arm in its outline's rim over the new top's cloth `behind` (rim_not_arm); the new top covers both."""
    gone = old_beside_arm(front, lab, skin, old_top, body.width)
    return gone | rim_not_arm(front & ~gone, lab, skin, old_top, person, body, behind)


def soften_seam(out: np.ndarray, base: np.ndarray, zone: np.ndarray, front: np.ndarray | None,
                cloth: np.ndarray) -> np.ndarray:
    """The new top's pixels (`cloth`) within two of her arm in front, re-mixed: as much of the arm's colour as the photo's
    pixel there held of it (between the arm's colour beside it and the old clothes' around it), the rest the new
    top's. The arm is kept as shot and the zone ends on a colour test, a staircase of single pixels that read as a
    jagged line down the arm against a light top; the photo's own soft outline is drawn instead (0..1 RGB)."""
    if front is None:
        return out
    arm = front & ~zone
    band = zone & cloth & (cv2.dilate(arm.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if not band.any():
        return out
    ys, xs = np.nonzero(band)
    y0, y1, x0, x1 = max(0, ys.min() - 6), ys.max() + 7, max(0, xs.min() - 6), xs.max() + 7
    b, a, o = base[y0:y1, x0:x1].astype(np.float32), arm[y0:y1, x0:x1], (zone & ~band)[y0:y1, x0:x1]
    inner = cv2.erode(a.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0  # not its own shaded, mixed rim
    arm_c, arm_w = local_mean(b, inner, 11)  # the arm's colour beside each pixel
    old_c, old_w = local_mean(b, o, 13)  # what lay beside the arm (the old clothes, past the band)
    d = arm_c - old_c
    n2 = (d * d).sum(2)
    t = np.clip(((b - old_c) * d).sum(2) / np.maximum(n2, 1e-6), 0, 1)
    # Nothing to tell apart where the arm and the old clothes are alike (skin beside skin), nor where either is
    # not seen nearby (her outline's outer side: the backdrop, no old clothes).
    t[(n2 < 0.12 ** 2) | (arm_w < 0.1) | (old_w < 0.1)] = 0.0
    sub = band[y0:y1, x0:x1]
    out = out.copy()
    view = out[y0:y1, x0:x1]
    view[sub] = (t[..., None] * arm_c + (1 - t[..., None]) * view)[sub]
    return out
