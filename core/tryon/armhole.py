"""A cami's armholes: from the strap down to where her bare arm meets the body, never out past that line.

A cami is worn with its arm in front from a little below the shoulder (arms.arms_and_sleeves); above
that row the bodice was drawn over whatever the zone held, and a bodice laid a little wider than her chest stuck
its top corner out over the front of her shoulder, cut flat where the arm in front starts: a flap of cloth beside
the strap. A worn armhole runs from the strap's outer edge down to the arm's top inner corner; the bodice past that
line is her bare shoulder."""
from __future__ import annotations

import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.drape import GarmentParts


def _top_corner(mask: np.ndarray, side: int, neck_x: float, outer: bool) -> tuple[float, float] | None:
    """(x, y) of the mask's outermost (or innermost) pixel over its top three rows on that side of the neck
    (side -1: image left): a strap tip's outer edge, an arm's top inner corner."""
    half = np.zeros_like(mask)
    half[:, :int(neck_x)] = side < 0
    half[:, int(neck_x):] = side > 0
    ys, xs = np.nonzero(mask & half)
    if len(ys) == 0:
        return None
    top = ys <= ys.min() + 2
    leftmost = (side < 0) == outer
    return (float(xs[top].min() if leftmost else xs[top].max()), float(ys.min()))


def _strap_width(on: np.ndarray, strap: tuple[float, float], side: int, drop: int) -> int:
    """The strap's width `drop` rows below its tip (halfway to the arm: a tank's strap widens over the shoulder,
    a cami's stays thin): the bodice's run there nearest the tip's outer edge."""
    y = min(on.shape[0] - 1, int(strap[1]) + drop)
    xs = np.flatnonzero(on[y])
    if len(xs) == 0:
        return 0
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
    run = min(runs, key=lambda r: abs((r[0] if side < 0 else r[-1]) - strap[0]))
    return len(run)


def past_armhole(body_a: np.ndarray, front: np.ndarray, body: BodyFrame) -> np.ndarray:
    """The bodice's pixels out past the line from each strap's outer edge to the arm's top inner corner, between
    their rows (nothing where either is missing, or where the arm starts above the strap)."""
    on = body_a > 0.5
    H, W = on.shape
    out = np.zeros((H, W), bool)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    for side in (-1, 1):
        strap, arm = _top_corner(on, side, body.neck_x, True), _top_corner(front, side, body.neck_x, False)
        if strap is None or arm is None or arm[1] - strap[1] < 3:
            continue
        if (arm[0] - strap[0]) * side <= 0:  # the arm starts inside the strap: no corner to trim
            continue
        if _strap_width(on, strap, side, int((arm[1] - strap[1]) / 2)) > 0.15 * body.width:
            continue  # a wide strap (a tank's, a sports bra's) covers the shoulder's slope out to its seam
        t = (yy - strap[1]) / (arm[1] - strap[1])
        line_x = strap[0] + t * (arm[0] - strap[0])
        beyond = (xx - line_x) * side > 0.5
        out |= on & beyond & (yy >= strap[1]) & (yy < arm[1])
    return out


def trim(layers: list, front: np.ndarray, parts: GarmentParts, body: BodyFrame, strappy: bool) -> list:
    """layers (the body first, then its sleeves) with a cami's bodice cut at its armholes (see the module's note);
    a top with sleeves, wide straps (a tank's strap covers the shoulder's slope out to its seam), a halter or an
    off-shoulder top as it was."""
    if not strappy or parts.sleeves or parts.halter or parts.off_shoulder or not layers:
        return layers
    rgb, a = layers[0]
    cut = past_armhole(a, front, body)
    if not cut.any():
        return layers
    return [(rgb, a * ~cut)] + layers[1:]
