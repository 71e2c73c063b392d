"""The quality check's silhouette measure for a worn dress or skirt (core/tryon/quality.py scores it): does the
skirt keep the product shot's own outline (A-line, flare) and hang symmetric about her body, or is it a box with a
ledge or a straight cut where her outline ended?

The skirt's width, row by row from its waist to its hem, is read from the result (the garment as shown: where it
lies over the backdrop and the photo changed, or over her) and from the product shot; the shot's profile, scaled by
the one factor that fits best, is compared with the worn one (a share of its width), and the worn outline's two
sides about her centre line are compared with each other. Hands and a bag in front of the skirt are bridged over
(a horizontal closing) so they do not read as a notch. A few numpy passes over the rows: ~5 ms."""
from __future__ import annotations

import cv2
import numpy as np

SAMPLES = 48  # rows of the skirt's profile, waist to hem


def _runs(mask: np.ndarray, cx: np.ndarray) -> np.ndarray:
    """Per row (x0, x1) of the run holding the centre x (where the centre is off the mask: the row's extent);
    -1 where the row is empty. Whole-array passes, no per-row loop."""
    H, W = mask.shape
    idx = np.arange(W)[None, :]
    c = np.clip(np.rint(cx).astype(np.int64), 0, W - 1)[:, None]
    gap = ~mask
    x0 = np.where(gap & (idx < c), idx, -1).max(axis=1) + 1
    x1 = np.where(gap & (idx > c), idx, W).min(axis=1) - 1
    inside = mask[np.arange(H), c[:, 0]]
    any_ = mask.any(axis=1)
    lo, hi = np.argmax(mask, axis=1), W - 1 - np.argmax(mask[:, ::-1], axis=1)
    out = np.stack([np.where(inside, x0, lo), np.where(inside, x1, hi)], 1).astype(np.int32)
    out[~any_] = -1
    return out


def _waist(widths: np.ndarray, y0: int, y1: int) -> int:
    """The narrowest row between a fifth and a half of the way down (a dress's waist); the top for a skirt."""
    a, b = y0 + int(0.18 * (y1 - y0)), y0 + int(0.55 * (y1 - y0))
    band = widths[a:b]
    return a + int(np.argmin(np.where(band > 0, band, np.inf))) if (band > 0).any() else y0


def _profile(widths: np.ndarray, y0: int, y1: int) -> np.ndarray:
    rows = np.linspace(y0, y1, SAMPLES)
    return np.interp(rows, np.arange(len(widths)), widths).astype(np.float32)


def _shot_profile(gmask: np.ndarray, kind: str) -> np.ndarray | None:
    m = gmask.astype(np.uint8)
    cnts, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(m)
    cv2.drawContours(filled, cnts, -1, 1, -1)
    ys = np.flatnonzero(filled.any(axis=1))
    if len(ys) < 20:
        return None
    y0, y1 = int(ys.min()), int(ys.max())
    lower = filled[y0 + (y1 - y0) // 2:]
    cx = float(np.median(np.nonzero(lower)[1]))
    r = _runs(filled > 0, np.full(filled.shape[0], cx))
    widths = np.where(r[:, 0] >= 0, r[:, 1] - r[:, 0] + 1, 0).astype(np.float32)
    yw = _waist(widths, y0, y1) if kind == "dress" else y0
    return _profile(widths, yw, y1 - max(1, (y1 - y0) // 40))


def centre_line(person, H: int) -> np.ndarray | None:
    """x of her body's centre for every row: mid-shoulders, mid-hips, mid-knees, mid-ankles (those seen)."""
    pts = []
    for a, b in (("l_shoulder", "r_shoulder"), ("l_hip", "r_hip"), ("l_knee", "r_knee"), ("l_ankle", "r_ankle")):
        if person.visible(a) and person.visible(b):
            pts.append((np.asarray(person.point(a), np.float32) + np.asarray(person.point(b), np.float32)) / 2)
    if len(pts) < 2:
        return None
    pts = sorted(pts, key=lambda p: p[1])
    return np.interp(np.arange(H, dtype=np.float32), [p[1] for p in pts], [p[0] for p in pts]).astype(np.float32)


def skirt_outline(shown: np.ndarray, person, width: float, kind: str) -> tuple | None:
    """(profile, asymmetry) of the worn skirt: its width waist -> hem, and the mean gap between its two sides'
    reach from her centre line as a share of its width."""
    H = shown.shape[0]
    cx = centre_line(person, H)
    if cx is None or shown.sum() < 500:
        return None
    k = max(3, int(0.3 * width) | 1)
    closed = cv2.morphologyEx(shown.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, k), np.uint8)) > 0
    r = _runs(closed, cx)
    widths = np.where(r[:, 0] >= 0, r[:, 1] - r[:, 0] + 1, 0).astype(np.float32)
    ys = np.flatnonzero(widths > 0.3 * width)
    if len(ys) < 20:
        return None
    y0, y1 = int(ys.min()), int(ys.max())
    yw = _waist(widths, y0, y1) if kind == "dress" else y0
    yh = y1 - max(1, (y1 - y0) // 40)
    rows = np.arange(yw, yh + 1)
    rows = rows[widths[rows] > 0]
    if len(rows) < 10:
        return None
    left, right = cx[rows] - r[rows, 0], r[rows, 1] - cx[rows]
    asym = float(np.mean(np.abs(right - left)) / max(float(np.mean(right + left)), 1.0))
    return _profile(widths, yw, yh), asym


def silhouette_gap(garment_mask: np.ndarray, shown: np.ndarray, person, width: float, kind: str) -> tuple | None:
    """(outline gap, asymmetry): how far the worn skirt's outline is from the product shot's scaled to fit (mean
    absolute width difference as a share of the worn width; a box or a ledge reads 0.1 and more, a kept flare a few
    hundredths), and how lopsided it hangs about her centre line. None where there is no skirt to measure."""
    if person is None or garment_mask is None or not hasattr(person, "visible"):
        return None
    shot = _shot_profile(garment_mask, kind)
    worn = skirt_outline(shown, person, width, kind)
    if shot is None or worn is None:
        return None
    prof, asym = worn
    gap = float(np.mean(np.abs(prof - _fit(shot, prof))) / max(float(prof.mean()), 1.0))
    return gap, asym


def _fit(shot: np.ndarray, prof: np.ndarray) -> np.ndarray:
    """The shot's profile scaled to fit the worn one: by one factor, or by one that grows evenly towards the hem
    (a skirt worn fuller than shot, to cover what she wore, flares more as it falls); never a step or a box."""
    t = np.linspace(0.0, 1.0, len(shot), dtype=np.float32)
    basis = np.stack([shot, shot * t], 1)
    (a, b), *_ = np.linalg.lstsq(basis, prof, rcond=None)
    if b < 0:  # a skirt is not worn narrower towards its hem than shot
        a, b = float(prof @ shot) / max(float(shot @ shot), 1e-6), 0.0
    return a * shot + b * shot * t
