"""Trousers over a dress or a skirt keep both legs whole over hers: the gap between the two warped trouser legs is
never wider than the gap between her own legs (the backdrop the photo shows between her knees and her feet; none
where her legs touch), so no strip of her bare leg or of the backdrop shows down the inside of a leg. Under the
dress, where her legs are hidden, the gap opens from the crotch to what the first row below the hem shows. The
product shot's own outer cut (a flare, a wide leg) stays: each leg is stretched inwards only, row by row."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.front import person_lab
from core.tryon.pose import Person
from core.tryon.reveal import own_skin, smooth


def two_legs(row: np.ndarray) -> tuple[int, int, int, int] | None:
    """The two widest runs of a row (a0, a1, b0, b1 in x order), or None where it is one run (above the crotch)."""
    xs = np.flatnonzero(row)
    if len(xs) < 4:
        return None
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
    if len(runs) < 2:
        return None
    a, b = sorted(sorted(runs, key=len)[-2:], key=lambda r: r[0])
    if min(len(a), len(b)) < 0.15 * (xs[-1] - xs[0] + 1):  # a loose thread, not a leg
        return None
    return int(a[0]), int(a[-1]), int(b[0]), int(b[-1])


def _between(frame: BodyFrame, y: float) -> float:
    """x of the middle between her legs at row y (hips -> knees -> ankles)."""
    ys = [float(frame.lh[1] + frame.rh[1]) / 2, float(frame.lk[1] + frame.rk[1]) / 2]
    xs = [float(frame.lh[0] + frame.rh[0]) / 2, float(frame.lk[0] + frame.rk[0]) / 2]
    if frame.ankles_seen:
        ys.append(float(frame.la[1] + frame.ra[1]) / 2)
        xs.append(float(frame.la[0] + frame.ra[0]) / 2)
    return float(np.interp(y, ys, xs))


def her_gaps(person: Person, frame: BodyFrame, y0: int, y1: int) -> np.ndarray:
    """Per row y0..y1-1, the backdrop between her legs as (left, right), or NaN where the photo does not show it
    (a dress over her legs, a shoe). Legs touching (her skin at the middle): a gap of none there."""
    H, W = person.mask.shape
    w = frame.width
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    skin &= smooth(lab, skin, frame)
    out = np.full((y1 - y0, 2), np.nan, np.float32)
    for k, y in enumerate(range(y0, min(y1, H))):
        c = int(np.clip(_between(frame, y), 0, W - 1))
        if person.mask[y, c]:
            if skin[y, max(0, c - 2):c + 3].all():
                out[k] = c, c
            continue
        row = person.mask[y]
        lo = np.flatnonzero(row[:c])
        hi = np.flatnonzero(row[c:])
        if len(lo) and len(hi) and hi[0] + (c - lo[-1]) < 0.6 * w:
            out[k] = lo[-1] + 1, c + hi[0] - 1
    return out


def her_outer(person: Person, frame: BodyFrame, gaps: np.ndarray, y0: int) -> np.ndarray:
    """Per row, the outer edges of her bare legs beside the gap (left, right), NaN where the photo does not show
    her bare leg there (a dress, a shoe, a bag)."""
    H, W = person.mask.shape
    lab = person_lab(person)
    skin = own_skin(lab, person, frame)
    skin &= smooth(lab, skin, frame)
    out = np.full((len(gaps), 2), np.nan, np.float32)
    for k in np.flatnonzero(np.isfinite(gaps[:, 0])):
        y = y0 + int(k)
        if not 0 <= y < H:
            continue
        row, g0, g1 = person.mask[y], int(gaps[k, 0]), int(gaps[k, 1])
        off = np.flatnonzero(~row[:max(0, g0 - 1)])
        a = int(off[-1]) + 1 if len(off) else 0
        off = np.flatnonzero(~row[g1 + 1:])
        b = g1 + int(off[0]) if len(off) else W - 1
        if skin[y, a + 2:max(a + 3, g0 - 2)].mean() > 0.6:
            out[k, 0] = a
        if skin[y, min(g1 + 2, b - 3):b - 2].mean() > 0.6:
            out[k, 1] = b
    return out


def close_gap(person: Person, frame: BodyFrame, rgb: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The warped trousers (rgb HxWx3, alpha HxW) with each leg's inner edge moved in, row by row, to her legs'
    gap (a little over her legs' inner edges), where the shot's gap is wider."""
    H, W = alpha.shape
    w = frame.width
    on = alpha > 0.5
    legs = [two_legs(on[y]) for y in range(H)]
    ys = [y for y in range(H) if legs[y] is not None and y > min(frame.lh[1], frame.rh[1])]
    if len(ys) < 10:
        return rgb, alpha
    y0, y1 = ys[0], ys[-1] + 1
    gaps = her_gaps(person, frame, y0, y1)
    seen = np.flatnonzero(np.isfinite(gaps[:, 0]))
    if not len(seen):
        return rgb, alpha
    m = 0.03 * w
    hl, hr = np.full(y1 - y0, np.nan, np.float32), np.full(y1 - y0, np.nan, np.float32)
    for k in range(y1 - y0):
        legs_k = legs[y0 + k]
        if legs_k is None:
            continue
        a1, b0 = legs_k[1], legs_k[2]
        if np.isfinite(gaps[k, 0]):
            g0, g1 = gaps[k]
        elif k < seen[0]:  # under the dress: opening from the crotch to the first row it shows
            t = k / max(seen[0], 1)
            g0 = (1 - t) * (a1 + b0) / 2 + t * gaps[seen[0], 0]
            g1 = (1 - t) * (a1 + b0) / 2 + t * gaps[seen[0], 1]
        else:  # below: the last row it shows
            g0, g1 = gaps[seen[seen < k][-1]]
        c = (g0 + g1) / 2
        hl[k], hr[k] = min(g0 + m, c - 0.5), max(g1 - m, c + 0.5)
    # A trouser leg hangs straight past her calves and ankles: the least straight-edged gap that still covers them.
    a1 = np.array([lg[1] if lg else np.nan for lg in legs[y0:y1]], np.float32)
    b0 = np.array([lg[2] if lg else np.nan for lg in legs[y0:y1]], np.float32)
    tl, tr = np.maximum(a1, hull(hl, upper=True)), np.minimum(b0, hull(hr, upper=False))
    # Out over her bare legs' outer edges too where a tapered leg leaves a strip of her calf beside it.
    outer = her_outer(person, frame, gaps, y0)
    a0 = np.array([lg[0] if lg else np.nan for lg in legs[y0:y1]], np.float32)
    b1 = np.array([lg[3] if lg else np.nan for lg in legs[y0:y1]], np.float32)
    with np.errstate(invalid="ignore"):
        ol = np.where((a0 - outer[:, 0] + m > 0) & (a0 - outer[:, 0] < 0.12 * w), a0 - outer[:, 0] + m, 0.0)
        orr = np.where((outer[:, 1] - b1 + m > 0) & (outer[:, 1] - b1 < 0.12 * w), outer[:, 1] - b1 + m, 0.0)
    return _stretch(rgb, alpha, legs, y0, tl, tr, w, (np.nan_to_num(ol), np.nan_to_num(orr)))


def hull(v: np.ndarray, upper: bool) -> np.ndarray:
    """The least concave function above v (upper) or the greatest convex one below it, over its finite entries
    (NaN stays NaN): straight lines between the points that stick out."""
    k = np.flatnonzero(np.isfinite(v))
    out = np.full(len(v), np.nan, np.float32)
    if len(k) < 2:
        out[k] = v[k]
        return out
    sign = 1.0 if upper else -1.0
    pts: list[tuple[float, float]] = []
    for x, y in zip(k.astype(float), sign * v[k].astype(float)):
        while len(pts) >= 2 and ((pts[-1][0] - pts[-2][0]) * (y - pts[-2][1])
                                 - (pts[-1][1] - pts[-2][1]) * (x - pts[-2][0])) >= 0:
            pts.pop()
        pts.append((x, y))
    px, py = np.array(pts).T
    out[k] = sign * np.interp(k, px, py)
    return out


def _stretch(rgb, alpha, legs, y0, tl, tr, w, grow=None) -> tuple[np.ndarray, np.ndarray]:
    """Each leg row stretched from its outer edge to the new inner edge (tl, tr: per row from y0, NaN: as warped);
    the new edges smoothed across rows so they run straight."""
    H, W = alpha.shape
    ok = np.isfinite(tl)
    if not ok.any():
        return rgb, alpha
    idx = np.arange(len(tl))
    a1 = np.array([legs[y0 + k][1] if legs[y0 + k] else np.nan for k in idx], np.float32)
    b0 = np.array([legs[y0 + k][2] if legs[y0 + k] else np.nan for k in idx], np.float32)
    dl = np.interp(idx, idx[ok], (tl - a1)[ok]).astype(np.float32)
    dr = np.interp(idx, idx[ok], (b0 - tr)[ok]).astype(np.float32)
    sig = max(2.0, 0.05 * w)
    dl = cv2.GaussianBlur(dl[:, None], (1, 0), sigmaX=0.1, sigmaY=sig)[:, 0]
    dr = cv2.GaussianBlur(dr[:, None], (1, 0), sigmaX=0.1, sigmaY=sig)[:, 0]
    k = max(3, int(0.1 * w) | 1)  # the outer edges: out to the widest of her calf nearby, smoothed
    gl, gr = (np.zeros(len(tl), np.float32),) * 2 if grow is None else grow
    gl = cv2.GaussianBlur(cv2.dilate(gl.astype(np.float32)[:, None], np.ones((k, 1), np.uint8)), (1, 0),
                          sigmaX=0.1, sigmaY=sig)[:, 0]
    gr = cv2.GaussianBlur(cv2.dilate(gr.astype(np.float32)[:, None], np.ones((k, 1), np.uint8)), (1, 0),
                          sigmaX=0.1, sigmaY=sig)[:, 0]
    if max(float(dl.max()), float(dr.max()), float(gl.max()), float(gr.max())) < 1.0:
        return rgb, alpha
    map_x = np.tile(np.arange(W, dtype=np.float32), (H, 1))
    x = np.arange(W, dtype=np.float32)
    meet = np.full(H, np.nan, np.float32)
    for k in idx:
        lg = legs[y0 + k]
        if lg is None or not ok[k] and k in (0, len(idx) - 1):
            continue
        a0, l1, r0, b1 = lg
        nl, nr = l1 + max(0.0, float(dl[k])), r0 - max(0.0, float(dr[k]))
        if nr - nl < 0.5:  # the two legs meet: side by side about the middle of where each would reach
            nl, nr = (nl + nr) / 2 - 0.25, (nl + nr) / 2 + 0.25
        if nr - nl < 0.03 * w:
            meet[y0 + k] = (nl + nr) / 2
        row = map_x[y0 + k]
        na0, nb1 = a0 - max(0.0, float(gl[k])), b1 + max(0.0, float(gr[k]))
        sel = (x >= na0) & (x <= nl)
        row[sel] = a0 + (x[sel] - na0) * (l1 - a0) / max(nl - na0, 1.0)
        sel = (x >= nr) & (x <= nb1)
        row[sel] = b1 - (nb1 - x[sel]) * (b1 - r0) / max(nb1 - nr, 1.0)
    map_y = np.repeat(np.arange(H, dtype=np.float32)[:, None], W, axis=1)
    stack = np.concatenate([rgb, alpha[..., None]], 2).astype(np.float32)
    out = cv2.remap(stack, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    rgb, alpha = out[..., :3], np.clip(out[..., 3], 0, 1)
    for y in np.flatnonzero(np.isfinite(meet)):  # where the legs meet, no thread of what lay under them between
        x0, x1 = int(meet[y]) - 1, int(meet[y]) + 3
        if x0 >= 3 and x1 + 3 <= W:
            thin = alpha[y, x0:x1] < 0.99
            rgb[y, x0:x1][thin] = (rgb[y, x0 - 3] + rgb[y, x1 + 2]) / 2
            alpha[y, x0:x1] = 1.0
    return rgb * crease(meet, H, W, w)[..., None], alpha


def crease(meet: np.ndarray, H: int, W: int, w: float) -> np.ndarray:
    """A soft shadow down the line where the two legs meet (x per row, NaN where they do not): two legs side by
    side, not one tube. A multiplier HxW (1: none)."""
    shade = np.ones((H, W), np.float32)
    x = np.arange(W, dtype=np.float32)
    s = max(1.0, 0.012 * w)
    for y in np.flatnonzero(np.isfinite(meet)):
        shade[y] = 1.0 - 0.3 * np.exp(-((x - meet[y]) ** 2) / (2 * s * s))
    return shade
