"""Garment landmarks from a product shot and the thin-plate-spline warp (numpy, one cv2.remap) onto body landmarks."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.tryon.body import BodyFrame


def _span(mask: np.ndarray, y: int, centre: int | None = None) -> tuple[int, int] | None:
    xs = np.flatnonzero(mask[y])
    if len(xs) == 0:
        return None
    if centre is None:
        return int(xs.min()), int(xs.max())
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)  # separate sleeves from the body
    best = min(runs, key=lambda r: 0 if r[0] <= centre <= r[-1] else min(abs(r[0] - centre), abs(r[-1] - centre)))
    return int(best[0]), int(best[-1])


def garment_landmarks(mask: np.ndarray, kind: str) -> np.ndarray:
    """Points on the garment, in the order of `body_landmarks`: top corners, side midpoints, hem corners."""
    ys, xs = np.nonzero(mask)
    y0, y1 = int(ys.min()), int(ys.max())
    cx = int(np.median(xs))
    H = y1 - y0
    y_mid, y_hem = y0 + int(0.5 * H), y0 + int(0.96 * H)
    # A top's sides are the body's run (sleeves apart); trousers' are the outer edges of both legs.
    centre = cx if kind != "lower" else None
    mid = _span(mask, y_mid, centre) or (cx - 1, cx + 1)
    # The shoulder row: the first row as wide as 60% of the body (skips a hood, a collar or a neckline).
    widths = mask[y0:y_mid].sum(axis=1)
    wide = np.flatnonzero(widths >= 0.6 * (mid[1] - mid[0]))
    y_top = y0 + int(wide[0]) + int(0.02 * H) if len(wide) else y0 + int(0.08 * H)
    hem = _span(mask, y_hem, centre) or mid
    # The shoulder line: the garment's extent at the top row, within the body's width (sleeves left out,
    # and a V-neck or an open collar does not split it).
    mw = mid[1] - mid[0]
    row = np.flatnonzero(mask[y_top])
    row = row[(row >= mid[0] - 0.2 * mw) & (row <= mid[1] + 0.2 * mw)]
    top = (int(row.min()), int(row.max())) if len(row) else mid
    return np.array([(top[0], y_top), (top[1], y_top), (mid[0], y_mid), (mid[1], y_mid), (hem[0], y_hem),
                     (hem[1], y_hem)], np.float32)


def body_landmarks(frame: BodyFrame, kind: str, size: tuple[int, int]) -> np.ndarray:
    """Where the garment points must land on the body, in the same order as garment_landmarks."""
    w = frame.width
    ls, rs, lh, rh = frame.ls, frame.rs, frame.lh, frame.rh
    out = np.array([0.1 * w, 0.0])
    if kind == "upper":
        # The garment's shoulder corners sit on the shoulder joints (a little out and up for the seam).
        top_l, top_r = rs - out * 0.3 - [0, 0.03 * w], ls + out * 0.3 - [0, 0.03 * w]
        # A worn top hangs a little wider than the torso outline; the region mask trims the excess.
        hem_l, hem_r = rh - out * 2.0, lh + out * 2.0
    elif kind == "lower":
        top_l, top_r = rh - out * 2.4 - [0, 0.25 * w], lh + out * 2.4 - [0, 0.25 * w]
        low_r, low_l = (frame.ra, frame.la) if frame.long else (frame.rk, frame.lk)
        hem_l, hem_r = low_r - out * 1.9, low_l + out * 1.9
    else:
        top_l, top_r = rs - out * 0.5, ls + out * 0.5
        hem_l, hem_r = frame.rk - out * 3, frame.lk + out * 3
    mid_l, mid_r = (top_l + hem_l) / 2 - out, (top_r + hem_r) / 2 + out
    return np.array([top_l, top_r, mid_l, mid_r, hem_l, hem_r], np.float32)


def _tps_solve(ctrl: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Thin-plate spline coefficients (kernel weights, then affine) mapping ctrl points to values, in float64."""
    n = len(ctrl)
    d2 = ((ctrl[:, None, :] - ctrl[None, :, :]) ** 2).sum(-1)
    K = np.where(d2 > 0, d2 * np.log(np.maximum(d2, 1e-12)), 0.0)
    P = np.concatenate([np.ones((n, 1)), ctrl], 1)
    A = np.zeros((n + 3, n + 3))
    A[:n, :n], A[:n, n:], A[n:, :n] = K + 1e-8 * np.eye(n), P, P.T
    b = np.zeros((n + 3, values.shape[1]))
    b[:n] = values
    return np.linalg.lstsq(A, b, rcond=None)[0]


def _tps_eval(ctrl: np.ndarray, coef: np.ndarray, pts: np.ndarray) -> np.ndarray:
    d2 = ((pts[:, None, :] - ctrl[None, :, :]) ** 2).sum(-1)
    U = np.where(d2 > 0, d2 * np.log(np.maximum(d2, 1e-12)), 0.0)
    n = len(ctrl)
    return U @ coef[:n] + coef[n] + pts @ coef[n + 1:]


def tps_remap(garment: np.ndarray, src_pts: np.ndarray, dst_pts: np.ndarray, size: tuple[int, int],
              step: int = 8) -> np.ndarray:
    """Warp a float HxWxC flat-lay so src_pts land on dst_pts in an image of `size`: a thin-plate spline from the
    output back to the flat-lay, solved in float64 (rows far below a portrait's frame stay well conditioned) on a
    grid every `step` pixels and interpolated between (the map is smooth), then one cv2.remap."""
    W, H = size
    gh, gw = garment.shape[:2]
    scale = float(max(W, H))
    ctrl = np.asarray(dst_pts, np.float64) / scale
    coef = _tps_solve(ctrl, np.asarray(src_pts, np.float64))
    xs, ys = np.linspace(0, W - 1, W // step + 2), np.linspace(0, H - 1, H // step + 2)
    gx, gy = np.meshgrid(xs, ys)
    out = _tps_eval(ctrl, coef, np.stack([gx.ravel(), gy.ravel()], 1) / scale).reshape(gx.shape + (2,))
    full = cv2.resize(out.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    return cv2.remap(garment.astype(np.float32), full[..., 0], full[..., 1], cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)


@dataclass
class SideFit:
    """A monotone per-row horizontal stretch about the torso's centre line (never folds, never shrinks).

    After the spline places the shoulders, sides and hem, a flat-lay that is narrower than the wearer (a hoodie whose
    top row is its hood, a long shirt tapering to the hem) leaves the torso's sides bare. A worn garment hugs the body,
    so each row of the warped garment is widened until it reaches the torso outline, by at most `max_stretch`. The
    stretch is zero at the shoulder-corner row (the corners stay where the spline put them) and full from just below
    the shoulder joints, and it is smoothed across rows so seams and stripes stay straight."""

    centre: np.ndarray  # per row, x of the torso's centre line
    left: np.ndarray  # per row, stretch factor (>= 1) left of the centre line
    right: np.ndarray

    def apply(self, rgb: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        H, W = alpha.shape
        x = np.arange(W, dtype=np.float32)[None, :]
        c = self.centre[:, None]
        scale = np.where(x < c, self.left[:, None], self.right[:, None])
        map_x = (c + (x - c) / scale).astype(np.float32)
        map_y = np.repeat(np.arange(H, dtype=np.float32)[:, None], W, axis=1)
        stack = np.concatenate([rgb, alpha[..., None]], axis=2).astype(np.float32)
        out = cv2.remap(stack, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        return out[..., :3], np.clip(out[..., 3], 0, 1)

    def map_points(self, points: np.ndarray) -> np.ndarray:
        """Where points of the spline-warped garment end up after the fit."""
        out = np.asarray(points, np.float32).copy()
        rows = np.clip(np.rint(out[:, 1]).astype(int), 0, len(self.centre) - 1)
        c = self.centre[rows]
        s = np.where(out[:, 0] < c, self.left[rows], self.right[rows])
        out[:, 0] = c + (out[:, 0] - c) * s
        return out


def fit_sides(alpha: np.ndarray, outline: np.ndarray, corner_y: tuple[float, float], ramp: float,
              max_stretch: float = 1.6, smooth: float = 6.0) -> SideFit:
    """The SideFit that widens the warped garment (alpha) to the torso outline (right-top, left-top, left-bottom,
    right-bottom). On each side (image left, image right) the stretch ramps in from that side's shoulder-corner row
    corner_y (none) over `ramp` pixels (full)."""
    H, W = alpha.shape
    ys = np.arange(H, dtype=np.float32)
    rt, lt, lb, rb = outline

    def edge_x(p, q):
        return p[0] + (ys - p[1]) / max(q[1] - p[1], 1e-6) * (q[0] - p[0])

    x_r, x_l = edge_x(rt, rb), edge_x(lt, lb)  # image-left edge (person's right side) and image-right edge
    centre = (x_r + x_l) / 2
    left, right = np.ones(H, np.float32), np.ones(H, np.float32)
    on = alpha > 0.5
    y_lo, y_hi = max(0, int(np.ceil(min(rt[1], lt[1])))), min(H, int(np.floor(max(lb[1], rb[1]))) + 1)
    for y in range(y_lo, y_hi):
        cx = int(round(centre[y]))
        if not (0 <= cx < W and on[y, cx]):
            continue
        gaps_l = np.flatnonzero(~on[y, :cx])
        a = gaps_l[-1] + 1 if len(gaps_l) else 0  # the garment's run through the centre line
        gaps_r = np.flatnonzero(~on[y, cx:])
        b = cx + gaps_r[0] - 1 if len(gaps_r) else W - 1
        if a > x_r[y] and cx - a > 0:
            left[y] = min(max_stretch, (centre[y] - x_r[y]) / max(centre[y] - a, 1.0))
        if b < x_l[y] and b - cx > 0:
            right[y] = min(max_stretch, (x_l[y] - centre[y]) / max(b - centre[y], 1.0))
    # Smooth across rows, keeping the peaks (a row max filter first), then ramp in below the shoulder corners.
    k = max(3, int(2 * smooth) | 1)
    fitted = []
    for s, y0 in ((left, corner_y[0]), (right, corner_y[1])):
        weight = np.clip((ys - y0) / max(ramp, 1.0), 0, 1)
        s = cv2.dilate(s[:, None], np.ones((k, 1), np.uint8))[:, 0]
        s = cv2.GaussianBlur(s[:, None], (1, 0), sigmaX=0.1, sigmaY=smooth)[:, 0]
        fitted.append((1 + weight * (np.maximum(s, 1) - 1)).astype(np.float32))
    return SideFit(centre.astype(np.float32), fitted[0], fitted[1])
