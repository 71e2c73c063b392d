"""The rest of an old top a new one must hide, found from the zone it replaces: the old top's own colours joined
to the zone (a loose tee's sides), and what is left inside and along the zone in other colours (a logo's letters,
a crew collar's band, the dark shade along a sleeve's seam). Never her skin, her lower garment, her face, her
hair, or anything high above the neck base or outside her outline. Also where her old top ends, and her torso's likely outline
under a loose top (for the skin drawn there)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.collar import collar_back
from core.tryon.pixels import ellipse_mask, quantise
from core.tryon.reveal import clothing_colours


def hair_colours(lab: np.ndarray, person, body: BodyFrame, skin: np.ndarray) -> np.ndarray:
    """The pixels in her hair's colours (those of the head's crown above the face and beside it, each a twentieth
    of it and the neighbouring shades), wherever they are. No hair beside the face and the crown out of the
    photo: none (hair hanging to the shoulders shows beside the face); the crown in the photo but bare: none."""
    H, W = skin.shape
    cx, cy, rx, ry = body.face
    head = np.zeros((H, W), bool)
    head[int(max(0, cy - 1.6 * ry)):int(max(0, cy - 0.6 * ry)), int(max(0, cx - 1.3 * rx)):int(min(W, cx + 1.3 * rx))] = True
    rows = slice(int(max(0, cy - 0.3 * ry)), int(max(0, cy + ry)))
    for x0, x1 in ((cx - 1.8 * rx, cx - 1.05 * rx), (cx + 1.05 * rx, cx + 1.8 * rx)):
        head[rows, int(np.clip(x0, 0, W)):int(np.clip(x1, 0, W))] = True
    head &= person.mask & ~skin
    lut = clothing_colours(lab, head, share=0.05) if head.sum() >= 100 else None
    return lut[quantise(lab)] if lut is not None else np.zeros((H, W), bool)


def old_fringe(zone: np.ndarray, old: np.ndarray, body: BodyFrame, hairlike: np.ndarray | None = None) -> np.ndarray:
    """The old top's pixels joined to the zone, grown out from it through the old top's colours up to a third of
    the shoulders: no strip of it is left. Up to 0.15 of the shoulders above the neck base too (a crew or V-neck
    tee's back and shoulder seams lie on the slope of her shoulders there; left, they framed the drawn chest in a
    straight line). There, never in her hair's colours (`hairlike`: hair falling behind the shoulders stays); not
    at all without them (None: her hair cannot be told from the old top)."""
    cand = old.copy()
    top = int(max(0, body.neck_y - 0.15 * body.width))
    cand[:top] = False
    if hairlike is not None:
        cand[top:max(top, int(body.neck_y))] &= ~hairlike[top:max(top, int(body.neck_y))]
    else:
        cand[:max(0, int(body.neck_y))] = False
    grown = zone & cand
    seed = zone.astype(np.uint8)
    k = np.ones((5, 5), np.uint8)
    for _ in range(max(1, int(0.33 * body.width / 2))):
        nxt = (cv2.dilate(seed, k) > 0) & cand & ~zone
        if not (nxt & ~grown).any():
            break
        grown |= nxt
        seed = (zone | grown).astype(np.uint8)
    return grown & ~zone


def fringe_and_collar(zone: np.ndarray, lab: np.ndarray, person, body: BodyFrame, skin: np.ndarray, face: np.ndarray,
                      old_px: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """The old top's fringe joined to the zone (old_fringe: through its colours, never her hair's), and then the back
    of its crew collar rising behind her neck in the collar's own colour (core/tryon/collar.py)."""
    hair = hair_colours(lab, person, body, skin)
    grown = zone | old_fringe(zone, old_px & ~skin & ~face & ~lower & person.mask, body, hair)
    return grown | (collar_back(lab, grown, person.mask & ~skin & ~old_px & ~lower, skin, face | hair, body) & person.mask)


def leftovers(zone: np.ndarray, other: np.ndarray, body: BodyFrame) -> np.ndarray:
    """`other` (on the person, not her skin, face or lower garment) where the zone encloses it (a logo, a print's
    letter) or within a few pixels of it (a seam's shade, a collar's band), from the neck base down to the zone's
    lowest row."""
    H, W = zone.shape
    ys = np.flatnonzero(zone.any(axis=1))
    if not len(ys):
        return np.zeros((H, W), bool)
    rows = np.zeros((H, W), bool)
    rows[max(0, int(body.neck_y)):ys.max() + 1] = True
    # enclosed by the zone: what a flood from the image border through the rest cannot reach
    flood = np.pad((~zone).astype(np.uint8), 1)
    mask = np.zeros((H + 4, W + 4), np.uint8)
    cv2.floodFill(flood, mask, (0, 0), 2)
    holes = flood[1:-1, 1:-1] == 1
    r = max(1, int(0.04 * body.width))
    band = cv2.dilate(zone.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2)) > 0
    return (holes | band) & other & rows & ~zone



def collar_seam(bare: np.ndarray, zone: np.ndarray, body: BodyFrame) -> np.ndarray:
    """`bare` and the zone's pixels within two of it around her neck (from 0.15 of the shoulders above the neck base
    to the shoulder joints, never the face): an old collar's edge, half cloth and half skin, reads as skin by
    colour; kept as it was, it left a thin grey line around the drawn neck. Drawn over, it meets her neck softly."""
    near = (cv2.dilate(bare.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))) > 0) & zone & ~bare
    top = int(max(0, body.neck_y - 0.15 * body.width))
    near[:top] = False
    near[int(max(top, max(body.ls[1], body.rs[1]))):] = False
    return bare | (near & ~ellipse_mask(zone.shape, body.face))

def old_hem_row(old: np.ndarray, torso: np.ndarray, body: BodyFrame) -> int:
    """The last row, going down from the chest, where the old top's colours still fill a third of the torso's
    width (the torso drawn a quarter of the shoulders lower too: a longer top's hem sits past the hip joints)."""
    low = torso.copy()
    shift = int(0.25 * body.width)
    if shift:
        low[shift:] |= torso[:-shift]
    width = low.sum(axis=1)
    fill = (old & low).sum(axis=1) / np.maximum(width, 1)
    start = int(body.neck_y + 0.3 * body.width)
    row = start
    for y in range(max(0, start), len(fill)):
        if width[y] == 0 or fill[y] < 0.33:
            break
        row = y
    return row


def lower_below_old_hem(lower: np.ndarray, lab: np.ndarray, skin: np.ndarray, person_mask: np.ndarray,
                        torso: np.ndarray, body: BodyFrame) -> np.ndarray:
    """Her lower garment's colours only count from the old top's hem down (a logo's blue letter, the shade of a
    grey sweatshirt's folds in the jeans' colours are the old top), unless the old top and the lower garment are
    one (a dress under a short top: its colours are the lower garment's). The old top's colours are its main ones
    on her chest (never what lies near its hem, where the trousers may start)."""
    if not lower.any() or body.lh is None or body.rh is None:
        return lower
    chest = np.zeros_like(lower)
    hip_y = float(min(body.lh[1], body.rh[1]))
    chest[int(max(0, body.neck_y + 0.3 * body.width)):int(max(0, body.neck_y + 0.5 * (hip_y - body.neck_y)))] = True
    core = cv2.erode((chest & torso & person_mask & ~skin).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    lut = clothing_colours(lab, core, share=0.1)
    if lut is None:
        return lower
    old = lut[quantise(lab)] & person_mask & ~skin
    on_person = lower & person_mask
    if (on_person & old).sum() > 0.5 * max(on_person.sum(), 1):
        return lower
    out = lower.copy()
    out[:max(0, old_hem_row(old, torso & person_mask, body) - int(0.03 * body.width))] = False
    return out


def body_outline(body: BodyFrame, shape) -> np.ndarray:
    """Her bare torso's likely outline under a loose top: the shoulders' edges, the chest under the arms, a waist
    and the hips' outline (the hip keypoints are joint centres, about a fifth of the shoulders inside it)."""
    if body.lh is None or body.rh is None:
        return np.zeros(shape, bool)
    w = body.width
    top_mid, hip_mid = (body.ls + body.rs) / 2, (body.lh + body.rh) / 2
    side = np.array([1.0, 0.0])
    up = np.array([0.0, 0.08 * w])
    hip_half = float(abs(body.lh[0] - body.rh[0])) / 2 + 0.19 * w
    pts = [body.rs - 0.12 * w * side - up, body.ls + 0.12 * w * side - up]
    left, right = [], []
    below = 0.45 * w / max(float(np.linalg.norm(hip_mid - top_mid)), 1.0)  # on to where trousers sit
    for f, half in ((0.3, 0.5 * w), (0.62, max(0.45 * w, 0.85 * hip_half)), (1.0, hip_half), (1.0 + below, hip_half)):
        c = top_mid + f * (hip_mid - top_mid)
        left.append(c + half * side)
        right.append(c - half * side)
    poly = np.array(pts + left + right[::-1], np.int32)
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [poly], 1)
    return m > 0
