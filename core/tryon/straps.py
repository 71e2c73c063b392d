"""A strappy top's neckline: the opening between its thin straps is not cloth.

The flat-lay's closing (its convex hull, core/tryon/flatlay.py) filled a cami's V between its straps in as cloth:
the first full row was then the strap tips, the bodice was stretched out to the shoulder edges and the straps were
worn as wide caps. Told by shape (two thin runs at the top), not by height: a cami cut out where it is worn shows
short straps."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.images import background_colour

RISE = 0.06  # the straps' top rows checked: this share of the garment's width
NARROW = 0.12  # each strap is at most this share of the garment's width across
STRAP_AT = 0.35  # a cami's strap tips worn this share of the way from the shoulder joint to the neck base
FG_DIST = 28.0  # RGB distance from the backdrop that is cloth (core.images.foreground_mask's)


def strappy(solid: np.ndarray) -> bool:
    """Whether the flat-lay's top rows are two thin straps, one each side of its middle (a cami, a slip dress's
    bodice, a strappy top cut out where it is worn), its body not spreading out into sleeves."""
    ys, xs = np.nonzero(solid)
    if not len(xs):
        return False
    y0, gw, cx = int(ys.min()), float(np.ptp(xs) + 1), float(np.median(xs))
    depth = max(3, int(RISE * gw / 2))
    two = [_two_straps(solid[y], gw, cx) for y in range(y0, y0 + 5 * depth)]
    if True not in two[:4 * depth]:  # one strap's tip may stand higher than the other's (a tilted shoulder)
        return False
    start = two.index(True)
    return all(two[start:start + depth]) and not _sleeves_out(solid, ys, xs)


def both_straps_from(body: np.ndarray, y0: int, y1: int) -> int:
    """The first row from y0 (before y1) where the flat-lay shows two separate runs, both straps, else y0: a strap
    whose tip stands higher (a cami cut out where it is worn on a tilted shoulder) showed alone in the row its
    tips were read from, and both tips were left to the spline (worn as wings over the shoulders)."""
    for y in range(max(0, y0), max(y0, y1)):
        xr = np.flatnonzero(body[y])
        if len(xr) and (np.diff(xr) > 2).any():
            return y
    return y0


def _two_straps(row: np.ndarray, gw: float, cx: float) -> bool:
    xr = np.flatnonzero(row)
    runs = [r for r in np.split(xr, np.flatnonzero(np.diff(xr) > 2) + 1) if len(r)]
    return len(runs) == 2 and max(len(r) for r in runs) <= NARROW * gw and runs[0].mean() < cx < runs[1].mean()


def bodice_row(solid: np.ndarray) -> int:
    """The first row of a strappy flat-lay's bodice: the first that holds 60% of the width of its lower half (as
    the flat-lay's landmarks find a top's first full row); above it, the straps and the neckline's sides."""
    ys, _ = np.nonzero(solid)
    y0, y1 = int(ys.min()), int(ys.max())
    sums = solid[y0:y1 + 1].sum(axis=1)
    ref = float(np.median(sums[len(sums) // 2:]))
    wide = np.flatnonzero(sums >= 0.6 * ref)
    return y0 + int(wide[0]) if len(wide) else y0


def thin_straps(garment_img: Image.Image, solid: np.ndarray) -> np.ndarray:
    """A strappy flat-lay's mask with its straps as thin as the cloth shows them: above the bodice, on each row's
    run, the pixels at least half as far from the backdrop's colour as the run's strongest (the segmentation's
    smooth outline swallowed the backdrop and its soft shadow beside and between thin straps: a 3 px strap was
    worn as a wedge as wide as a finger). Unchanged where that would lose a strap (a white strap on white)."""
    if not strappy(solid):
        return solid
    yb = bodice_row(solid)
    rgb = np.asarray(garment_img.convert("RGB"), np.float32)
    dist = np.linalg.norm(rgb - background_colour(rgb), axis=2)
    ys = np.flatnonzero(solid.any(axis=1))
    y0 = int(ys.min())
    out = solid.copy()
    for y in range(y0, yb):
        xr = np.flatnonzero(solid[y])
        for run in np.split(xr, np.flatnonzero(np.diff(xr) > 1) + 1):
            if len(run):
                d = dist[y, run]
                out[y, run] = d >= max(FG_DIST, 0.5 * float(d.max()))
    out[:yb] = cv2.dilate(out.astype(np.uint8), np.ones((3, 3), np.uint8))[:yb] > 0
    out &= solid
    _front_strap(out, y0, yb, float(np.median(np.nonzero(solid)[1])), NARROW * float(np.ptp(np.nonzero(solid)[1]) + 1))
    if not all(out[y].any() for y in range(y0 + 1, yb)):
        return solid
    # Keep what joins the bodice (a speck of the backdrop's shadow is not a strap).
    n, labels = cv2.connectedComponents(out.astype(np.uint8), connectivity=8)
    keep = np.unique(labels[yb][out[yb]])
    return np.isin(labels, keep[keep > 0]) if len(keep) else solid


def _front_strap(mask: np.ndarray, y0: int, yb: int, cx: float, thin: float) -> None:
    """A strap laid flat shows as a loop, its front and back side by side; worn, the back one is behind the
    shoulder (both were worn, as two lines over each shoulder). Down from the tips, while a side's row holds at most
    two thin runs, only the one nearer the middle (the front, on the neckline's edge) stays. In place."""
    for side in (-1, 1):
        for y in range(y0, yb):
            xr = np.flatnonzero(mask[y])
            runs = [r for r in np.split(xr, np.flatnonzero(np.diff(xr) > 1) + 1) if len(r) and (r.mean() - cx) * side > 0]
            if len(runs) > 2 or any(len(r) > thin for r in runs):
                break
            if len(runs) == 2:
                mask[y, max(runs, key=lambda r: abs(r.mean() - cx))] = False


def open_above_bodice(solid: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """The closed flat-lay of a strappy top: its convex hull filled the V between the straps and the backdrop
    beside them (worn, wide caps over the shoulders); above the bodice only the straps themselves are cloth."""
    if not strappy(solid):
        return closed
    yb = bodice_row(solid)
    out = closed.copy()
    out[:yb] = solid[:yb]
    return out & ~strap_neck(solid, closed)


def strap_neck(solid: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """The neckline opening between a strappy top's straps that the flat-lay's closing (its convex hull) filled in
    as cloth: the hull's gap that starts at the garment's top, between the straps. Left filled, a V-neck cami was
    worn as a straight-topped block with wide caps over the shoulders. Empty unless the top rows are two thin
    straps (a tee's or a blouse's neck scoop is left to the neckline code)."""
    ys, xs = np.nonzero(solid)
    out = np.zeros(solid.shape, bool)
    if not strappy(solid):
        return out
    y0, cx = int(ys.min()), float(np.median(xs))
    gap = (closed & ~solid).astype(np.uint8)
    n, labels = cv2.connectedComponents(gap, connectivity=4)
    mid = labels[y0 + 1, int(cx)]
    return labels == mid if mid else out


def _sleeves_out(solid: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> bool:
    """Whether the garment's upper half spreads out past its lower half (sleeves, a cold-shoulder top's: its neck
    and straps are worn as they were, from the shoulders), rather than a cami's body hanging straight or flaring."""
    y0, y1 = int(ys.min()), int(ys.max())
    spans = np.array([np.ptp(np.flatnonzero(r)) + 1 if r.any() else 0 for r in solid[y0:y1 + 1]])
    half = len(spans) // 2
    return bool(spans[:half].max() > 1.1 * np.median(spans[half:]))


def armhole_drop(rise: float, gw: float, lift: float) -> float:
    """How far below the shoulder line a cami's first full row is worn, as a share of the shoulder width: where its
    straps put it, from their tips (worn `lift` shoulder widths above the shoulder line, on top of the shoulders)
    down the straps' rise in the flat-lay, the bodice's width across the shoulders; at most the armpits (0.45, a
    product shot's long straps hang flat). A cami cut out where it is worn shows only the straps' front: set at
    the armpits, its bodice was worn a hand lower than it was, the V-neck opened down to the bust."""
    return float(np.clip(rise / max(gw, 1.0) - lift, 0.15, 0.45))
