"""The form of drawn skin where a limb lies over the body (an arm hanging against a bare torso, a leg beside
the other): each limb rounded on its own, and a soft contact shadow on the body beside it, so a bare arm reads
as an arm and not as one block with the torso."""
from __future__ import annotations

import cv2
import numpy as np


def limb_form(area: np.ndarray, limbs: np.ndarray, width: float) -> np.ndarray:
    """A factor near 1 over the area: inside a limb darker towards its own outline (round form), beside a limb a
    shadow that fades over a twentieth of the shoulders."""
    H, W = area.shape
    out = np.ones((H, W), np.float32)
    inside = area & limbs
    if not inside.any():
        return out
    d_in = cv2.distanceTransform(np.pad(limbs.astype(np.uint8), 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    rim = np.sqrt(np.clip(d_in / max(0.05 * width, 1.0), 0, 1))
    out[inside] = (0.86 + 0.14 * rim)[inside]
    d_out = cv2.distanceTransform((~limbs).astype(np.uint8), cv2.DIST_L2, 3)
    shadow = 1.0 - 0.14 * np.exp(-d_out / max(0.05 * width, 1.0))
    beside = area & ~limbs
    out[beside] = shadow[beside]
    return out


def seam_match(base: np.ndarray, paint: np.ndarray, area: np.ndarray, real: np.ndarray, width: float) -> np.ndarray:
    """A colour correction (H, W, 3) for the drawn skin so it meets her real skin without a step (a drawn calf into
    her own ankle, a drawn chest into her neck): the difference along the seam (real skin just outside the area
    against the drawn skin's broad colour there), carried into the area and fading over a quarter of the shoulders."""
    H, W = area.shape
    out = np.zeros((H, W, 3), np.float32)
    ring = (cv2.dilate(area.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0) & ~area & real
    if ring.sum() < 20:
        return out
    ys, xs = np.nonzero(area | ring)
    pad = int(0.6 * width) + 8
    y0, y1, x0, x1 = max(0, ys.min() - pad), min(H, ys.max() + pad + 1), max(0, xs.min() - pad), min(W, xs.max() + pad + 1)
    out[y0:y1, x0:x1] = _carry(base[y0:y1, x0:x1], paint[y0:y1, x0:x1], ring[y0:y1, x0:x1], width)
    return out


def _carry(base: np.ndarray, paint: np.ndarray, ring: np.ndarray, width: float) -> np.ndarray:
    H, W = ring.shape
    s = 4
    h, w = max(1, H // s), max(1, W // s)
    smooth = cv2.GaussianBlur(base.astype(np.float32), (0, 0), 2.0)
    diff = np.where(ring[..., None], smooth - paint, 0).astype(np.float32)
    d_s = cv2.resize(diff, (w, h), interpolation=cv2.INTER_AREA)
    r_s = cv2.resize(ring.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    sigma = max(1.0, 0.08 * width / s)
    num = cv2.GaussianBlur(d_s, (0, 0), sigma)
    den = cv2.GaussianBlur(r_s, (0, 0), sigma)
    corr = num / np.maximum(den, 1e-4)[..., None]
    corr = np.where((den > 1e-3)[..., None], corr, 0)
    corr = cv2.resize(np.clip(corr, -0.15, 0.15).astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    dist = cv2.distanceTransform((~ring).astype(np.uint8), cv2.DIST_L2, 3)
    fade = np.exp(-dist / max(0.25 * width, 1.0)).astype(np.float32)
    return corr * fade[..., None]
