"""The body's light and form read off the old garment, for skin drawn where it was.

A sweatshirt or a tee lies on the body: its lightness at a few hundredths of the shoulders carries the body's
shading under it (the chest's planes, the ribs' and the belly's turning, the light side and the shadow side), as
the same ratio of light whatever the cloth's colour (a matte surface's light is its colour times the light that
falls on it). Its print, logo and collar are not light: pixels far from the cloth's own colour (in hue, or in
lightness against their neighbourhood) are left out and filled from the cloth around them, and thin folds are
taken out by a median before the ratio of the cloth's middle-scale light to its broad light is carried over.
Dark cloth (a black tee) shows its light in little more than noise: its ratio is trusted less the darker it is."""
from __future__ import annotations

import cv2
import numpy as np

LIMITS = (0.9, 1.1)  # the carried factor stays within this (a deep fold is not the body's form)


def _fill(v: np.ndarray, known: np.ndarray, sigma: float) -> np.ndarray:
    """Normalised convolution: the blur of the known pixels only, everywhere."""
    k = known.astype(np.float32)
    num = cv2.GaussianBlur(v * k, (0, 0), sigma)
    den = cv2.GaussianBlur(k, (0, 0), sigma)
    return np.where(den > 1e-4, num / np.maximum(den, 1e-4), float(np.median(v[known])) if known.any() else 50.0)


def print_mask(lab: np.ndarray, area: np.ndarray, width: float) -> np.ndarray:
    """The old garment's print, logo, collar band and cuffs inside the area: a hue away from the cloth's main one,
    or a lightness far from the cloth's around it (dark letters on a white tee, white ones on a black tee)."""
    ab = lab[..., 1:]
    main = np.median(ab[area], 0)
    dist = np.linalg.norm(ab - main, axis=2)
    spread = float(np.median(dist[area])) * 1.4826
    off_hue = dist > max(8.0, 3.0 * spread)
    L = lab[..., 0].astype(np.float32)
    k = max(3, int(0.15 * width) | 1)
    local = cv2.medianBlur(np.clip(L * 2.55, 0, 255).astype(np.uint8), min(k, 255)).astype(np.float32) / 2.55
    ref = float(np.median(L[area]))
    # far from the cloth around it (a letter's stroke), or from the cloth's own lightness at all (a logo larger
    # than the neighbourhood: light never changes a matte cloth by a third)
    off_light = (np.abs(L - local) > max(12.0, 0.2 * ref)) | (np.abs(L - ref) > max(15.0, 0.33 * ref))
    out = (off_hue | off_light) & area
    return cv2.dilate(out.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0


def cloth_form(lab: np.ndarray, area: np.ndarray, width: float) -> np.ndarray:
    """A factor near 1 (H, W) over the area (1 elsewhere): the old garment's middle-scale light (a few hundredths
    of the shoulders) against its broad light (a quarter of them), print and thin folds taken out, trusted in
    proportion to how light the cloth is. Worked out at half size over the area's box."""
    H, W = area.shape
    out = np.ones((H, W), np.float32)
    ys, xs = np.nonzero(area)
    if len(ys) < max(200, 0.1 * width * width):  # a strip beside an arm: too little cloth to read a light off
        return out
    pad = int(0.1 * width) + 4
    y0, y1, x0, x1 = max(0, ys.min() - pad), min(H, ys.max() + pad + 1), max(0, xs.min() - pad), min(W, xs.max() + pad + 1)
    box = area[y0:y1, x0:x1]
    s = 2 if min(box.shape) > 40 else 1
    size = (max(1, box.shape[1] // s), max(1, box.shape[0] // s))
    lab_s = cv2.resize(lab[y0:y1, x0:x1].astype(np.float32), size, interpolation=cv2.INTER_AREA)
    m = cv2.resize(box.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    if m.sum() < 50:
        return out
    w = width / s
    known = m & ~print_mask(lab_s, m, w)
    if known.sum() < 0.6 * m.sum():  # much of it print, or cloth and backdrop mixed: no one cloth's light to read
        return out
    L = lab_s[..., 0]
    Lf = np.where(known, L, _fill(L, known, max(1.0, 0.1 * w)))
    k = max(3, int(0.05 * w) | 1)  # a fold thinner than this is the cloth's, not the body's
    Lm = cv2.medianBlur(np.clip(Lf * 2.55, 0, 255).astype(np.uint8), min(k, 255)).astype(np.float32) / 2.55
    mid = _fill(Lm, m, max(1.0, 0.03 * w))
    broad = _fill(Lm, m, max(2.0, 0.25 * w))
    trust = float(np.clip((np.median(L[known]) - 20.0) / 30.0, 0.0, 1.0))
    ratio = 1.0 + trust * (mid / np.maximum(broad, 1.0) - 1.0)
    ratio = np.clip(ratio, *LIMITS).astype(np.float32)
    big = cv2.resize(ratio, (box.shape[1], box.shape[0]), interpolation=cv2.INTER_LINEAR)
    out[y0:y1, x0:x1] = np.where(box, big, 1.0)
    return out
