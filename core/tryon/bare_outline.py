"""Her bare arms' and shoulders' outline where the old garment was wider than her body (a tee's boxy sleeve, a
sweatshirt's loose arm): a round shoulder (the deltoid's cap over the joint), each arm as wide as her own arm (its
width measured on the bare skin she shows along it, a forearm or the upper arm below an old sleeve, against an
adult's proportions; those proportions where no skin shows), tapering shoulder -> elbow -> wrist. What an old
sleeve held outside this outline is the backdrop, never painted skin; the torso keeps its own outline."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.arms import along
from core.tryon.body import BodyFrame
from core.tryon.pixels import to_lab
from core.tryon.pose import Person
from core.tryon.uncover import body_outline

# Arm radius in shoulder widths (joint to joint) at the shoulder joint (the deltoid's cap), the elbow and the
# wrist, for an arm of average build; her own arm's measured width scales them within SCALE.
RADII = (0.12, 0.095, 0.075)
SCALE = (0.8, 1.2)
_CAP_UP = 0.02  # the deltoid's centre a little above the joint: its top meets the shoulder's slope


def _path(person: Person, side: str, body: BodyFrame) -> np.ndarray | None:
    """Shoulder (the cap's centre) -> elbow -> wrist, as far as the pose sees the arm; None without the elbow."""
    lm = person.landmarks
    e, wr = {"l": (13, 15), "r": (14, 16)}[side]
    joint = body.ls if side == "l" else body.rs
    if lm[e, 2] < 0.1:
        return None
    pts = [np.asarray(joint, np.float32) - np.array([0.0, _CAP_UP * body.width], np.float32), lm[e, :2]]
    if lm[wr, 2] >= 0.1:
        pts.append(lm[wr, :2])
    return np.array(pts, np.float32)


def _radius(path: np.ndarray, s: np.ndarray, width: float) -> np.ndarray:
    knots = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))])
    return np.interp(s, knots, np.array(RADII[:len(knots)], np.float32) * width).astype(np.float32)


def arm_scale(skin: np.ndarray, path: np.ndarray, s: np.ndarray, d: np.ndarray, width: float) -> float:
    """Her arm's width against the average build's, from her bare skin along it: per stretch of the arm (a
    twentieth of the shoulders long, below the shoulder, above the wrist) the skin's area over its length is the
    arm's width there; the upper quartile of those ratios (an arm in shade is partly missed by the skin test),
    within SCALE; 1 where too little skin shows (a long sleeve)."""
    r = _radius(path, s, width)
    total = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    near = skin & (d < 1.6 * r) & (s > 0.3 * width) & (s < total - 0.06 * width)
    if near.sum() < 30:
        return 1.0
    step = max(2.0, 0.05 * width)
    bins = (s[near] / step).astype(np.int32)
    count = np.bincount(bins)
    nominal = np.bincount(bins, weights=2.0 * r[near]) / np.maximum(count, 1)
    ok = count > 0.3 * step * nominal  # stretches where the arm's skin shows across
    if ok.sum() < 3:
        return 1.0
    ratios = count[ok] / (step * nominal[ok])
    return float(np.clip(np.percentile(ratios, 75), *SCALE))


def _box(path: np.ndarray, pad: float, shape) -> tuple[int, int, int, int]:
    H, W = shape
    x0, y0 = np.floor(path.min(0) - pad).astype(int)
    x1, y1 = np.ceil(path.max(0) + pad).astype(int)
    return max(0, y0), min(H, y1 + 1), max(0, x0), min(W, x1 + 1)


def bare_arms(person: Person, body: BodyFrame, skin: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """(her arms' outline, the sides whose arm the pose does not give): each arm a capsule round over the shoulder
    joint, tapering to the wrist, as wide as her own arm."""
    H, W = skin.shape
    w = body.width
    out = np.zeros((H, W), bool)
    missing = []
    for side in ("l", "r"):
        path = _path(person, side, body)
        if path is None:
            missing.append(side)
            continue
        y0, y1, x0, x1 = _box(path, 0.3 * w, (H, W))
        if y1 <= y0 or x1 <= x0:
            continue
        s, d = along(path - np.array([x0, y0], np.float32), (y1 - y0, x1 - x0))
        k = arm_scale(skin[y0:y1, x0:x1], path, s, d, w)
        out[y0:y1, x0:x1] |= d <= k * _radius(path, s, w)
    return out, missing


def torso_band(body: BodyFrame, shape, missing: list[str]) -> np.ndarray:
    """Where her torso may be beside the arms: between the shoulder joints down to the chest under the arms, then
    her torso's outline (waist, hips; a touch wider) down to the hip joints, every column below them (the lower
    garment has its own outline); a side whose arm is not seen is left open."""
    H, W = shape
    xs = np.arange(W)[None, :]
    lo, hi = sorted((float(body.rs[0]), float(body.ls[0])))
    band = (xs >= lo) & (xs <= hi)
    right_is_low = body.rs[0] <= body.ls[0]  # the image-left joint is her right shoulder when facing the camera
    if "r" in missing:
        band = band | (xs < lo if right_is_low else xs > hi)
    if "l" in missing:
        band = band | (xs > hi if right_is_low else xs < lo)
    out = np.broadcast_to(band, (H, W)).copy()
    rows = np.arange(H)[:, None]
    if body.lh is None or body.rh is None:
        return out | (rows >= int(max(body.ls[1], body.rs[1]) + 0.3 * body.torso_len))
    k = max(3, int(0.1 * body.width) | 1)
    torso = cv2.dilate(body_outline(body, shape).astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    torso &= ~outside_joints(body, shape, missing)
    return out | torso | (rows >= int(min(body.lh[1], body.rh[1])))


CAP_DOWN = 0.1  # the torso's outline reaches out past a shoulder joint only from this far below it (shoulder widths)


def outside_joints(body: BodyFrame, shape, missing: list[str]) -> np.ndarray:
    """Out past each seen arm's shoulder joint, down to CAP_DOWN below it: the deltoid's round cap is the arm's
    (bare_arms), not the torso polygon's square top corner (a tee's shoulder seam, drawn as a boxy shoulder)."""
    H, W = shape
    xs = np.arange(W)[None, :]
    rows = np.arange(H)[:, None]
    out = np.zeros((H, W), bool)
    right_is_low = body.rs[0] <= body.ls[0]
    for side, joint in (("r", body.rs), ("l", body.ls)):
        if side in missing:
            continue
        outward = xs < joint[0] if (side == "r") == right_is_low else xs > joint[0]
        out |= outward & (rows < joint[1] + CAP_DOWN * body.width)
    return out


def bare_body(person: Person, body: BodyFrame, skin: np.ndarray) -> np.ndarray:
    """Where drawn skin may be, outside the neck and the shoulders' slope: the torso's columns and her arms'
    own outline (round shoulders, arms as wide as hers). An old garment outside it gives way to the backdrop."""
    arms, missing = bare_arms(person, body, skin)
    return torso_band(body, skin.shape, missing) | arms



def old_rim(gone: np.ndarray, zone: np.ndarray, skin: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """The old garment's thin outer edge (its last pixels inside her mask's edge, left out of the zone) beside what of
    it goes to the backdrop: it goes too. Kept, it floated in the backdrop as a thin line around the drawn arm."""
    if not gone.any():
        return np.zeros_like(gone)
    k = np.ones((3, 3), np.uint8)
    near_gone = cv2.dilate(gone.astype(np.uint8), k, iterations=3) > 0
    near_back = cv2.dilate((~person_mask).astype(np.uint8), k, iterations=2) > 0
    return near_gone & near_back & person_mask & ~zone & ~skin


OFF_BACK = 10.0  # Lab units: a pixel beside the backdrop this far off its colour is tinted by the old garment


def outer_rim(gone: np.ndarray, person_mask: np.ndarray, lab: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """The one pixel just outside her mask beside the old garment that goes to the backdrop, where it is off the
    backdrop's colour: the garment's anti-aliased outermost pixel (a lilac tee's on grey) that the segmentation
    left out. Kept, it traced the old garment's outline in the backdrop as a faint coloured line above the drawn
    shoulders (g05 on p05). Pixels already the backdrop's colour, and her bare skin's own soft outline, stay as
    shot."""
    ring = (cv2.dilate(gone.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~person_mask
    ring &= ~(cv2.dilate(skin.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if not ring.any():
        return ring
    ys, xs = np.nonzero(ring)
    H, W = ring.shape
    y0, y1, x0, x1 = max(0, ys.min() - 12), min(H, ys.max() + 13), max(0, xs.min() - 12), min(W, xs.max() + 13)
    # the backdrop beside each ring pixel: its colour a few pixels further out, averaged over itself only
    far = ~(cv2.dilate(person_mask[y0:y1, x0:x1].astype(np.uint8), np.ones((7, 7), np.uint8)) > 0)
    f = far.astype(np.float32)
    num = cv2.GaussianBlur(lab[y0:y1, x0:x1] * f[..., None], (0, 0), 3.0)
    back = num / np.maximum(cv2.GaussianBlur(f, (0, 0), 3.0), 1e-4)[..., None]
    off = np.linalg.norm(lab[ys, xs] - back[ys - y0, xs - x0], axis=1) > OFF_BACK
    out = np.zeros_like(ring)
    out[ys[off], xs[off]] = True
    return out


def clip(body_est: np.ndarray, zone: np.ndarray, bare: np.ndarray, person: Person, body: BodyFrame,
         skin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(body, bare) with the body kept to her own shape (bare_body) and the old garment's rim beside what of it
    now goes to the backdrop added to the bare area and to the zone (in place: the replaced region) too."""
    shape = bare_body(person, body, skin)
    ellipse = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))  # no slits of backdrop a pixel or two wide
    body_est = (cv2.morphologyEx((body_est & shape).astype(np.uint8), cv2.MORPH_CLOSE, ellipse) > 0) & shape
    body_est &= rounded(body_est, skin & person.mask & ~zone, body.width)
    rim = old_rim(bare & ~body_est, zone, skin, person.mask)
    rim |= outer_rim(bare & ~body_est, person.mask, to_lab(np.asarray(person.image)), skin)
    zone |= rim
    return body_est, bare | rim


ROUND = 0.02  # the drawn outline's corners rounded over this many shoulder widths (a blur's sigma, at least 1.5 px)


def rounded(body_est: np.ndarray, real: np.ndarray, width: float) -> np.ndarray:
    """Her body (drawn and real skin together) with its outline's corners and steps rounded off: a body's outline is
    smooth. The old garment's outline sat a cloth's thickness above her skin, so the drawn shoulder stepped out in a
    notch where it met her real shoulder (a tank's strap beside his deltoid, g08 on p23), and the pixel stairs of
    its edge showed along the shoulders' slope. Only ever takes drawn skin away (her real outline stays as shot)."""
    both = (body_est | real).astype(np.float32)
    soft = cv2.GaussianBlur(both, (0, 0), max(1.5, ROUND * width))
    return (soft > 0.5) | real
