"""Drawn skin without the body's shading: what the eye calls a flat painted block even where it has grain.

Real skin over a limb or a torso is never evenly lit: it turns away from the light towards its sides, so its broad
lightness (the photo blurred past the grain, over a few hundredths of the shoulders) always changes across it. A
drawn midriff or arm in one tone with pasted grain has none of that change. The check compares the broad
lightness gradient of the drawn skin with that of her own real skin in the photo, measured at the same scale: drawn
skin whose gradient stays under a part of hers, over patches, is unshaded. Cheap: one blur and one Sobel pass at
half size."""
from __future__ import annotations

import cv2
import numpy as np

_HERS = 10  # drawn skin flatter than this percentile of her own real skin's broad change is unshaded
_LIMITS = (0.0, 30.0)  # that threshold at most this (a figure drawn in flat colour: its own skin is flat too)
_PLAIN = 20.0  # the threshold where too little of her real skin is seen to measure it


def broad_gradient(L: np.ndarray, width: float, mask: np.ndarray | None = None) -> np.ndarray:
    """How fast the broad lightness changes (lightness units per shoulder width) at every pixel: grain and pores
    blurred away (over three hundredths of the shoulders), the light and form of the body kept. With a mask the
    blur averages inside it only (the step to the cloth or the backdrop beside the skin is not its shading)."""
    H, W = L.shape
    s = 2 if min(H, W) > 200 else 1
    size = (max(1, W // s), max(1, H // s))
    small = cv2.resize(L.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    sigma = max(1.0, 0.03 * width / s)
    if mask is None:
        blur = cv2.GaussianBlur(small, (0, 0), sigma)
    else:
        m = cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_AREA)
        blur = cv2.GaussianBlur(small * m, (0, 0), sigma) / np.maximum(cv2.GaussianBlur(m, (0, 0), sigma), 1e-3)
    gx = cv2.Sobel(blur, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(blur, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    g = np.hypot(gx, gy) * (width / s)
    return cv2.resize(g, (W, H), interpolation=cv2.INTER_LINEAR)


def _inner(mask: np.ndarray, width: float) -> np.ndarray:
    k = max(3, int(0.06 * width) | 1)
    return cv2.erode(mask.astype(np.uint8), np.ones((k, k), np.uint8)) > 0


def own_shading_level(labB: np.ndarray, real_skin: np.ndarray, width: float) -> float | None:
    """The broad gradient that only the flattest tenth of her own real skin (not drawn, not the face) in the photo
    falls under, None with too little of it to tell (then a plain default is used)."""
    inner = _inner(real_skin, width)
    if inner.sum() < 300:
        return None
    return float(np.percentile(broad_gradient(labB[..., 0], width, real_skin)[inner], _HERS))


def unshaded_mask(labA: np.ndarray, drawn_skin: np.ndarray, own_level: float | None, width: float) -> np.ndarray:
    """Drawn skin (inside it, not its seams with cloth or the backdrop) whose broad lightness barely changes
    against her own skin's, in patches a tenth of the shoulders across (a few flat pixels are nothing)."""
    inner = _inner(drawn_skin, width)
    if inner.sum() < 50:
        return np.zeros(drawn_skin.shape, bool)
    thr = float(np.clip(own_level, *_LIMITS)) if own_level is not None else _PLAIN
    flat = inner & (broad_gradient(labA[..., 0], width, drawn_skin) < thr)
    k = max(3, int(0.1 * width) | 1)
    return cv2.morphologyEx(flat.astype(np.uint8), cv2.MORPH_OPEN, np.ones((k, k), np.uint8)) > 0


_STEP = 8.0  # a lightness step (0..100) between drawn skin and her real skin beside it that the eye sees as an edge


def seam_steps(labA: np.ndarray, drawn: np.ndarray, real: np.ndarray, width: float) -> tuple[int, int]:
    """(seam pixels, those with a hard step): where drawn skin meets her own unchanged skin, the drawn side's
    broad lightness (averaged over three hundredths of the shoulders, inside the drawn skin only) against the real
    side's just across the seam. A patch blended into her skin changes as her skin does there; a pasted one steps."""
    k = np.ones((3, 3), np.uint8)
    patch = max(3, int(0.06 * width) | 1)  # a patch, not a drawn sliver along her outline or in an armpit
    drawn = cv2.morphologyEx(drawn.astype(np.uint8), cv2.MORPH_OPEN, np.ones((patch, patch), np.uint8)) > 0
    seam = drawn & (cv2.dilate(real.astype(np.uint8), k) > 0)
    if seam.sum() < 10:
        return 0, 0
    L = labA[..., 0].astype(np.float32)
    sigma = max(1.0, 0.03 * width)

    def side_mean(m: np.ndarray) -> np.ndarray:
        mf = m.astype(np.float32)
        return cv2.GaussianBlur(L * mf, (0, 0), sigma) / np.maximum(cv2.GaussianBlur(mf, (0, 0), sigma), 1e-3)

    step = np.abs(side_mean(drawn) - side_mean(real))
    return int(seam.sum()), int((seam & (step > _STEP)).sum())
