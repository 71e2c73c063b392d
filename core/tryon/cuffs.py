"""How far the old sleeve reaches past the wrist joint. A new long sleeve ends at the wrist landmark (the joint's
centre); an old sleeve often reaches a little past it over the hand's root, and that band (the old cuff, a thin
fringe of its colour) showed below the new cuff. The new long sleeve is worn down to where the old one ends."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pose import Person

MAX_REACH = 0.3  # at most this far past the wrist, in shoulder widths (never down over the hand)
SAME = 14.0  # Lab distance to the forearm's old sleeve colour
MARGIN = 0.08  # a clothed forearm's new cuff reaches this far past the old sleeve's end (or the wrist joint)


def old_cuff_reach(lab: np.ndarray, skin: np.ndarray, person: Person, side: int, body: BodyFrame) -> float:
    """Pixels past the wrist landmark, along the forearm, that the old sleeve's colour covers on this arm (image
    left -1 / right +1), plus a margin; 0 for a bare forearm or an arm the pose does not show."""
    lm = person.landmarks
    name = "r" if side < 0 else "l"
    e, w = lm[{"r": 14, "l": 13}[name]], lm[{"r": 16, "l": 15}[name]]
    if e[2] < 0.1 or w[2] < 0.1:
        return 0.0
    e, w = e[:2].astype(np.float32), w[:2].astype(np.float32)
    length = float(np.linalg.norm(w - e))
    if length < 5:
        return 0.0
    d = (w - e) / length
    H, W = skin.shape

    def at(p):
        x, y = int(round(p[0])), int(round(p[1]))
        return (x, y) if 0 <= x < W and 0 <= y < H else None

    samples = [at(e + d * t * length) for t in np.linspace(0.5, 0.85, 8)]
    samples = [p for p in samples if p is not None and person.mask[p[1], p[0]]]
    if len(samples) < 4 or np.mean([skin[y, x] for x, y in samples]) > 0.5:
        return 0.0  # a bare forearm: no old sleeve to hide
    ref = np.median([lab[y, x] for x, y in samples if not skin[y, x]], axis=0)
    last, misses = 0.0, 0
    for s in range(1, int(MAX_REACH * body.width) + 1):
        p = at(w + d * s)
        if p is None:
            break
        x, y = p
        if person.mask[y, x] and not skin[y, x] and float(np.linalg.norm(lab[y, x] - ref)) < SAME:
            last, misses = float(s), 0
        else:
            misses += 1
            if misses > 3:
                break
    return last + MARGIN * body.width  # the landmark is the joint's centre: the cuff's slanted edge ends short of it


RIM_REACH = 0.04  # the old sleeve's rim a new cuff covers: this far past it, in shoulder widths
NEAR_WRIST = 0.25  # ... within this of a wrist joint
RIM_SAME = 30.0  # ... its Lab distance to the old top's colour under this (its shaded edge included)


def cuff_to_hand(layers: list, lab: np.ndarray, skin: np.ndarray, old_top: np.ndarray, person: Person,
                 body: BodyFrame) -> tuple[list, np.ndarray]:
    """(sleeve layers, what they now cover): the old sleeve's thin rim left between a new long sleeve's cuff and her
    hand (its colour nearer the old top's than her skin's, not her skin, by a wrist, within RIM_REACH of the new
    cuff) is covered by the cuff, in the cuff's own colour from its nearest pixel. Left, a red line of the old
    sleeve showed beside each hand at the cuffs (g02 on p01), where the fringe test leaves the hands out. The hand
    (her skin) stays as shot. layers: the sleeves' (rgb, alpha); old_top: the old top's pixels on the torso."""
    H, W = skin.shape
    core = cv2.erode(old_top.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    none = np.zeros((H, W), bool)
    if not layers or core.sum() < 50 or skin.sum() < 50:
        return layers, none
    old_ref, skin_ref = np.median(lab[core], axis=0), np.median(lab[skin], axis=0)
    if float(np.linalg.norm(old_ref - skin_ref)) < 20.0:
        return layers, none
    wrists = np.zeros((H, W), np.uint8)
    for side, i in ((-1, 16), (1, 15)):  # only where her old sleeve runs down to the wrist (not a bare forearm)
        x, y, v = person.landmarks[i]
        if v >= 0.1 and old_cuff_reach(lab, skin, person, side, body) > 0:
            cv2.circle(wrists, (int(x), int(y)), int(NEAR_WRIST * body.width), 1, -1)
    if not wrists.any():
        return layers, none
    cover = np.max([a for _, a in layers], axis=0) > 0.5
    k = max(3, int(2 * RIM_REACH * body.width) | 1)
    cand = (cv2.dilate(cover.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0)
    # (under the cuff too: the old sleeve's shaded red end passed the skin test, and the hands' cut kept it)
    cand &= (wrists > 0) & person.mask
    if not cand.any():
        return layers, none
    px = lab[cand]
    old = np.zeros((H, W), bool)
    d_old = np.linalg.norm(px - old_ref, axis=1)
    old[cand] = (d_old < np.linalg.norm(px - skin_ref, axis=1)) & (d_old < RIM_SAME)  # not a black skirt beside it
    if not old.any():
        return layers, none
    out = []
    for rgb, a in layers:
        on = a > 0.5
        if not on.any():
            out.append((rgb, a))
            continue
        d, lbl = cv2.distanceTransformWithLabels((~on).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
        mine = old & ~cover & (d <= k / 2 + 1)
        if not mine.any():
            out.append((rgb, a))
            continue
        iy, ix = np.nonzero(on)
        rgb, a = rgb.copy(), a.copy()
        rgb[mine] = rgb[iy[lbl[mine] - 1], ix[lbl[mine] - 1]]
        a[mine] = 1.0
        out.append((rgb, a))
    return out, old
