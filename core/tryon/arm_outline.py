"""Which drawn skin beside a bare arm is the arm and which is the torso, from the arm she shows.

Drawn skin's form rounds each limb on its own, with a contact shadow beside it, along the limb's outline; where the
old garment hid the arm that outline is the pose's capsule. But where she shows her real arm beside the drawn skin
(a tank top's armhole under a halter), her arm's outline is right there: the capsule reached past it onto the chest,
and its rim shadow drew a dark line down the drawn chest a little inside her arm, a ghost of the old armhole (g08 on
p23). Here the drawn pixels in the capsule whose nearest real arm skin lies across the arm (sideways from its axis,
out towards the arm's side away from the body) are the torso beside her arm, not the arm. Drawn pixels whose nearest
real arm skin lies along the arm (an old sleeve's hem crossing it) stay the arm."""
from __future__ import annotations

import cv2
import numpy as np

REACH = 0.3  # ... and within this many shoulder widths of it (an arm capsule's width)
ACROSS = 0.6  # the nearest real arm skin lies across the arm where its offset's share along the axis is under this


def _axis(ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The unit direction of a limb's long axis (its pixels' principal axis)."""
    c = np.cov(np.stack([xs, ys]).astype(np.float64))
    vals, vecs = np.linalg.eigh(c)
    return vecs[:, int(np.argmax(vals))]


def own_arm(limbs: np.ndarray, area: np.ndarray, skin: np.ndarray, mid_x: float, width: float) -> np.ndarray:
    """The limbs less the drawn pixels that are torso beside her real arm (see the module's note). `mid_x`: the
    body's middle (the torso lies towards it); `width`: the shoulders'."""
    real = limbs & skin & ~area
    drawn = limbs & area
    if not real.any() or not drawn.any():
        return limbs
    # the nearest real arm pixel for every pixel (its label in the distance transform, then its coordinates)
    _, lab = cv2.distanceTransformWithLabels((~real).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
    ry, rx = np.nonzero(real)
    order = lab[ry, rx]  # each real pixel's own label
    lut_y = np.zeros(int(lab.max()) + 1, np.float32)
    lut_x = np.zeros_like(lut_y)
    lut_y[order], lut_x[order] = ry, rx
    taken = np.zeros_like(limbs)
    n, comp = cv2.connectedComponents(limbs.astype(np.uint8), connectivity=8)
    for k in range(1, n):
        ys, xs = np.nonzero(comp == k)
        if len(ys) < 20:
            continue
        ax = _axis(ys, xs)
        sel = drawn[ys, xs]
        dy, dx = ys[sel], xs[sel]
        if not len(dy):
            continue
        l = lab[dy, dx]
        vx, vy = lut_x[l] - dx, lut_y[l] - dy
        norm = np.hypot(vx, vy)
        along = np.abs(vx * ax[0] + vy * ax[1]) / np.maximum(norm, 1e-6)
        outward = np.sign(vx) == np.sign(dx - mid_x)  # her arm lies further out from the body's middle
        torso = (norm > 0) & (norm <= REACH * width) & (along < ACROSS) & outward
        taken[dy[torso], dx[torso]] = True
    if not taken.any():
        return limbs
    # one smooth piece (a pixel's nearest skin flips where her skin test has holes: no streaks of arm in the chest)
    k = max(3, int(0.04 * width) | 1)
    ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    taken = cv2.morphologyEx(cv2.morphologyEx(taken.astype(np.uint8), cv2.MORPH_CLOSE, ker), cv2.MORPH_OPEN, ker)
    sigma = max(1.0, 0.015 * width)  # smoothed within the drawn arm only (its rim by the chest is no edge of it)
    soft = cv2.GaussianBlur(taken.astype(np.float32) * drawn, (0, 0), sigma)
    soft /= np.maximum(cv2.GaussianBlur(drawn.astype(np.float32), (0, 0), sigma), 1e-4)
    return limbs & ~((soft > 0.5) & drawn)


SIDE = 0.08  # the chest beside her arm is this much darker at the arm's outline (it turns away into the armpit) ...
SIDE_FALL = 0.1  # ... fading over this many shoulder widths towards the body's middle


def side_shade(limbs: np.ndarray, taken: np.ndarray, area: np.ndarray, width: float) -> np.ndarray:
    """A factor near 1 (H, W): the drawn torso beside her real arm a little darker towards the arm's own outline
    (`limbs`, as own_arm gives it), eased in where own_arm took drawn skin from the capsule (`taken`, broadly blurred:
    no edge of its own). The capsule's rim gave the chest that side shade before, at the wrong place; without it the
    drawn chest beside the arm came out a flat, lighter panel."""
    out = np.ones(area.shape, np.float32)
    if not taken.any():
        return out
    d = cv2.distanceTransform((~limbs).astype(np.uint8), cv2.DIST_L2, 3)
    where = np.clip(cv2.GaussianBlur(taken.astype(np.float32), (0, 0), max(1.0, 0.06 * width)) * 2.0, 0, 1)
    sel = area & ~limbs
    out[sel] = (1.0 - SIDE * np.exp(-d / max(SIDE_FALL * width, 1.0)) * where)[sel]
    return out
