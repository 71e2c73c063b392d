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
from core.tryon.pose import Person
from core.tryon.top_edges import old_beside_arm

RIM = 0.06  # the rim looked at: this share of the shoulders in from the drawn arm's outline
APART = 20.0  # Lab distance: the arm's colour and the old top's (or backdrop's) must differ by this much


def _median(lab: np.ndarray, where: np.ndarray) -> np.ndarray | None:
    return np.median(lab[where], axis=0) if where.sum() >= 50 else None


def backdrop_beside(front: np.ndarray, lab: np.ndarray, person_mask: np.ndarray, width: float) -> np.ndarray | None:
    """The backdrop's colour just outside her outline beside the arm (its median), or None where none shows."""
    k = max(3, int(0.15 * width) | 1)
    near = cv2.dilate(front.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return _median(lab, near & ~person_mask)


def rim_not_arm(front: np.ndarray, lab: np.ndarray, skin: np.ndarray, old_top: np.ndarray, person: Person,
                body: BodyFrame, behind: np.ndarray) -> np.ndarray:
    """The pixels in the rim of the arm's drawn outline (RIM in from its edge) over the new top's cloth (`behind`)
    that are nearer the old top's colour or the backdrop's than the arm's (where they differ from it by APART; a
    shaded rim mixed with a black top is nearer the top), joined to the outline's edge: what lay beside the arm.
    Nothing where the arm is not mostly bare skin (an arm in an old long sleeve keeps its whole outline)."""
    none = np.zeros_like(front)
    arm = front & skin
    if front.sum() < 50 or arm.sum() < 0.6 * front.sum():
        return none
    arm_ref = _median(lab, arm)
    old_core = cv2.erode(old_top.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    refs = [r for r in (_median(lab, old_core), backdrop_beside(front, lab, person.mask, body.width)) if r is not None]
    refs = [r for r in refs if float(np.linalg.norm(r - arm_ref)) >= APART]
    if arm_ref is None or not refs:
        return none
    dist = cv2.distanceTransform(front.astype(np.uint8), cv2.DIST_L2, 3)
    cand = front & behind & (dist <= RIM * body.width)
    px = lab[cand]
    to_arm = np.linalg.norm(px - arm_ref, axis=1)
    other = np.zeros_like(front)
    other[cand] = np.min([np.linalg.norm(px - r, axis=1) for r in refs], axis=0) < to_arm
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
    return keep[labels]


def not_arm(front: np.ndarray, lab: np.ndarray, skin: np.ndarray, old_top: np.ndarray, person: Person,
            body: BodyFrame, behind: np.ndarray) -> np.ndarray:
    """What of the arm drawn in front is no arm: the old top's strap beside it (top_edges.old_beside_arm) and what
    lay beside the arm in its outline's rim over the new top's cloth `behind` (rim_not_arm); the new top covers both."""
    gone = old_beside_arm(front, lab, skin, old_top, body.width)
    return gone | rim_not_arm(front & ~gone, lab, skin, old_top, person, body, behind)
