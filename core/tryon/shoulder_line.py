"""A worn top's shoulder line on her outline. The placed body and sleeves end a few pixels under her shoulders' top
edge where the product shot's shoulder slope is flatter than hers; the strip between was repainted as backdrop
down to a ragged line (her outline's steps, the top of an old strap left standing as a black speck, a skin-coloured
fleck of her own outline). A top lies on the shoulder: where its top edge is that little short of her outline,
the cloth just under it is carried up to the outline. Not at the neck (the collar stays where it is), nor where the
gap is wide (a strappy top or an off-shoulder neckline leaves the shoulder bare on purpose)."""
from __future__ import annotations

import numpy as np

from core.tryon.body import BodyFrame

SHORT = 0.05  # a top edge at most this share of the shoulders under her outline is carried up to it
NECK = 0.3  # columns nearer the neck's centre than this share of the shoulders are the collar's


def lift(layers: list, person_mask: np.ndarray, body: BodyFrame) -> list:
    """The layers (rgb, alpha), bottom to top, with the topmost cloth of each shoulder column carried up to her
    outline where it is less than SHORT under it."""
    if not layers:
        return layers
    H, W = person_mask.shape
    alphas = np.stack([a for _, a in layers])
    cover = alphas.max(0) > 0.5
    re, le = body.shoulder_edges
    x0 = int(max(0, min(re[0], le[0]) - 0.1 * body.width))
    x1 = int(min(W, max(re[0], le[0]) + 0.1 * body.width))
    y0 = int(max(0, body.neck_y - 0.4 * body.width))
    y1 = int(min(H, body.neck_y + 0.3 * body.width))
    if x1 <= x0 or y1 <= y0:
        return layers
    cols = np.arange(x0, x1)
    cols = cols[np.abs(cols - body.neck_x) > NECK * body.width]
    band_c, band_m = cover[y0:y1, cols], person_mask[y0:y1, cols]
    has_c, has_m = band_c.any(0), band_m.any(0)
    top_c = y0 + np.argmax(band_c, axis=0)
    top_m = y0 + np.argmax(band_m, axis=0)
    gap = top_c - top_m
    ok = has_c & has_m & (gap > 0) & (gap <= SHORT * body.width)
    if not ok.any():
        return layers
    lift_by = ramp(np.where(ok, gap, 0), cols)
    ok = lift_by > 0
    top_m = top_c - lift_by
    out = [(rgb.copy(), a.copy()) for rgb, a in layers]
    for x, yc, ym in zip(cols[ok], top_c[ok], top_m[ok]):
        src = int(min(H - 1, yc + 2))  # the cloth just inside its edge
        k = int(np.argmax(alphas[:, src, x]))  # the layer that shows there
        rgb, a = out[k]
        rgb[ym:yc, x] = rgb[src, x]
        a[ym:yc, x] = 1.0
    return out


def ramp(by: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """How far each column's edge is carried up, at most a pixel more than its neighbour's (columns apart, as at
    the collar, start again from nothing): the lifted edge runs into the garment's own at a slope, never a step."""
    by = by.astype(int).copy()
    for order in (range(1, len(by)), range(len(by) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step == 1 else i + 1
            near = by[j] + 1 if abs(int(cols[i]) - int(cols[j])) == 1 else 0
            by[i] = min(by[i], near)
    return by
