"""How far the old sleeve reaches past the wrist joint. A new long sleeve ends at the wrist landmark (the joint's
centre); an old sleeve often reaches a little past it over the hand's root, and that band (the old cuff, a thin
fringe of its colour) showed below the new cuff. The new long sleeve is worn down to where the old one ends."""
from __future__ import annotations

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
