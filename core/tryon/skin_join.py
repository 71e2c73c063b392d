"""Drawn skin joined to her real skin as a membrane, and her own outline kept.

Where a drawn patch (a tank top's strap under a halter, a tee's shoulders under an off-shoulder top) meets her real
skin, its broad colour is carried from all of that seam into the patch: the difference between her real skin just
past the seam and the drawn skin there is spread over the patch as a smooth membrane (a screened Poisson solve at
quarter size, fixed on the seam, free along the garment and the backdrop, fading far from the seam). A narrow
strip takes her deltoid's light on one side and her chest's on the other; a neck drawn under the old collar
continues her neck's own colour; nothing steps where the patch ends. The drawn grain, form and relief are kept.

Also the thin rim of her outline where her bare skin meets the backdrop (its pixels half skin, half backdrop):
not the old garment's, so kept as the photo shows it. Repainted, an arm's or a shoulder's soft outline came out
as a hard, stepped cut."""
from __future__ import annotations

import cv2
import numpy as np

EDGE_ROWS = 0.35  # the old top's rim beside her skin is taken in down to this far below the shoulders (shoulders
# and neck: lower, beside an arm, the drawn rim took a tone off hers)
JOIN_FADE = 0.35  # far from the seam the correction fades over this many shoulder widths
_ITERS = 100


def _blur_inside(img: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    m = mask.astype(np.float32)
    num = cv2.GaussianBlur(img * m[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(m, (0, 0), sigma)
    return num / np.maximum(den, 1e-4)[..., None]


def membrane(values: np.ndarray, fixed: np.ndarray, free: np.ndarray, fade_px: float, iters: int = _ITERS) -> np.ndarray:
    """(h, w, c) field over `free`: equal to `values` on `fixed`, smooth (screened Laplace: each pixel the mean of
    its neighbours in free | fixed, pulled towards 0 over fade_px pixels) everywhere else; 0 outside."""
    h, w = free.shape
    inside = (free & ~fixed).astype(np.float32)
    known = (free | fixed).astype(np.float32)
    lam = 1.0 / max(fade_px, 1.0) ** 2
    f = np.where(fixed[..., None], values, 0).astype(np.float32)
    # a first guess: the seam's values spread by a normalised blur (the solve then only refines it)
    init = _blur_inside(f, fixed, max(1.0, fade_px / 3))
    c = np.where(inside[..., None] > 0, init, f).astype(np.float32)
    cross = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], np.float32)
    nb = cv2.filter2D(known, -1, cross, borderType=cv2.BORDER_CONSTANT)
    div = (nb + lam)[..., None]
    ins = inside[..., None] > 0
    for _ in range(iters):  # the neighbours' sum of the known pixels, one C pass per step
        s = cv2.filter2D(c * known[..., None], -1, cross, borderType=cv2.BORDER_CONSTANT).reshape(c.shape)
        c = np.where(ins, s / div, f)
    return np.where(free[..., None], c, 0).astype(np.float32)


def join(base: np.ndarray, painted: np.ndarray, area: np.ndarray, real: np.ndarray, width: float,
         until_row: int | None = None) -> np.ndarray:
    """painted with its broad colour over `area` carried to her real skin (`real`, outside the area) along their
    seam down to `until_row` (the shoulders' and neck's seams: lower, beside a hanging arm, the torso is another
    surface with its own shade, not a continuation of the arm), as a membrane; unchanged where the area has no
    such seam with her skin."""
    H, W = area.shape
    ring = (cv2.dilate(area.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & ~area & real
    if until_row is not None:
        ring[max(0, until_row):] = False
    if ring.sum() < 10 or not area.any():
        return painted
    ys, xs = np.nonzero(area | ring)
    pad = 8
    y0, y1, x0, x1 = max(0, ys.min() - pad), min(H, ys.max() + pad + 1), max(0, xs.min() - pad), min(W, xs.max() + pad + 1)
    a, r = area[y0:y1, x0:x1], ring[y0:y1, x0:x1]
    sigma = max(1.0, 0.015 * width)
    # the broad colour on each side of the seam, each side averaged over itself only
    real_side = _blur_inside(base[y0:y1, x0:x1].astype(np.float32), real[y0:y1, x0:x1], sigma)
    drawn_side = _blur_inside(painted[y0:y1, x0:x1].astype(np.float32), a, sigma)
    diff = np.clip(real_side - drawn_side, -0.25, 0.25)
    s = 4 if min(a.shape) > 48 else 2
    size = (max(1, a.shape[1] // s), max(1, a.shape[0] // s))
    r_s = cv2.resize(r.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    d_s = cv2.resize(diff * r[..., None], size, interpolation=cv2.INTER_AREA) / np.maximum(r_s, 1e-4)[..., None]
    fixed = r_s > 0.25
    free = cv2.resize(a.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    free = (cv2.dilate(free.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~fixed
    corr = membrane(d_s, fixed, free | fixed, JOIN_FADE * width / s)
    corr = cv2.resize(corr, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_LINEAR)
    if until_row is not None:  # below the shoulders it fades out (the drawn chest keeps its own light there)
        rows = np.arange(y0, y1, dtype=np.float32)[:, None, None]
        corr *= np.clip(1.0 - (rows - until_row) / max(0.15 * width, 1.0), 0, 1)
    out = painted.copy()
    box = out[y0:y1, x0:x1]
    box[a] = np.clip(box[a] + corr[a], 0, 1)
    return out


def outline_mix(rgb: np.ndarray, zone: np.ndarray, skin: np.ndarray, person_mask: np.ndarray,
                layers: list) -> np.ndarray:
    """The zone's pixels on her outline (within two pixels of the backdrop) beside her bare skin whose colour is a
    mix of that skin and the backdrop beside it (within 0.04 of the line between the two): her own soft edge, not
    the old garment's (nor the photo's light rim on her outermost pixel). Never where the new garment (`layers`:
    (rgb, alpha) pairs) lies."""
    m = person_mask.astype(np.uint8)
    k = np.ones((3, 3), np.uint8)
    covered = np.max([a for _, a in layers], axis=0) > 0.5
    rim = zone & ~covered & ~(cv2.erode(m, k, iterations=2) > 0)
    rim &= cv2.dilate(skin.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    rim &= ~skin
    if not rim.any():
        return rim
    back = ~(cv2.dilate(m, k, iterations=2) > 0)
    ys, xs = np.nonzero(rim)
    H, W = rim.shape  # the colours beside each rim pixel, worked out in the rim's box only
    y0, y1, x0, x1 = max(0, ys.min() - 12), min(H, ys.max() + 13), max(0, xs.min() - 12), min(W, xs.max() + 13)
    sk = _blur_inside(rgb[y0:y1, x0:x1], skin[y0:y1, x0:x1], 2.0)
    bk = _blur_inside(rgb[y0:y1, x0:x1], back[y0:y1, x0:x1], 3.0)
    c, s_, b = rgb[ys, xs], sk[ys - y0, xs - x0], bk[ys - y0, xs - x0]
    seg = s_ - b
    t = np.clip(((c - b) * seg).sum(1) / np.maximum((seg * seg).sum(1), 1e-6), 0, 1)
    off = np.linalg.norm(c - (b + t[:, None] * seg), axis=1)
    # the outermost pixel beside her skin is hers too where it is lighter than both (the photo's rim light)
    outer = ~(cv2.erode(m, k) > 0) & (cv2.dilate(skin.astype(np.uint8), k) > 0)
    out = np.zeros_like(rim)
    out[ys, xs] = (off < 0.04) | (outer[ys, xs] & (c.mean(1) >= np.maximum(s_, b).mean(1) - 0.02))
    return out


def own_outline(rgb: np.ndarray, zone: np.ndarray, skin: np.ndarray, person_mask: np.ndarray, layers: list,
                body) -> np.ndarray:
    """The zone with her own outline kept (outline_mix), and the old garment's thin edges taken in: the two pixels
    of her skin (and its rim) along the old garment it replaces, from the chin down to the armholes' tops (a tank's
    neckline and armholes: their light rim and contact shadow read as skin by colour and stayed as a white line
    around the drawn skin). Nothing outside her outline (the backdrop stays the photo's)."""
    zone = zone & ~outline_mix(rgb, zone, skin, person_mask, layers)
    k5 = np.ones((5, 5), np.uint8)
    covered = np.max([a for _, a in layers], axis=0) > 0.5
    beside_skin = (cv2.dilate(skin.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & person_mask  # and its rim
    edge = (cv2.dilate((zone & ~skin & ~covered).astype(np.uint8), k5) > 0) & beside_skin & ~zone
    y0 = int(max(0, body.face[1] + body.face[3]))
    edge[:y0] = False
    edge[int(max(y0, max(body.ls[1], body.rs[1]) + EDGE_ROWS * body.width)):] = False
    zone = (zone | edge) & ~bare_rim(zone | edge, skin, person_mask, covered, body.width)
    return zone & ~stray_specks(zone, covered, person_mask, body.width)


SPECK = 0.02  # a piece of the zone this small (its area under this share of the shoulders, squared, at least 6 px)


def stray_specks(zone: np.ndarray, covered: np.ndarray, person_mask: np.ndarray, width: float) -> np.ndarray:
    """The zone's tiny pieces on her outline apart from the rest of it and off the new garment (a pixel or two of
    her arm's light halo by the backdrop): painted on their own they were a grey speck standing off the arm (g08 on
    p23, beside his image-right arm). The photo's own pixels stay there. A strap crossing her outline is joined to
    the old top, not apart from it."""
    off = zone & ~covered
    n, labels, stats, _ = cv2.connectedComponentsWithStats(zone.astype(np.uint8), 8)
    if n <= 1:
        return np.zeros_like(zone)
    small = stats[:, cv2.CC_STAT_AREA] <= max(6.0, (SPECK * width) ** 2)
    small[0] = False
    # Wholly off the garment and touching the backdrop.
    touches = np.zeros(n, bool)
    by_back = (cv2.dilate((~person_mask).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & zone
    touches[np.unique(labels[by_back])] = True
    on_cloth = np.zeros(n, bool)
    on_cloth[np.unique(labels[zone & ~off])] = True
    gone = small & touches & ~on_cloth
    gone[0] = False
    return gone[labels] & zone


RIM_BAND = 0.015  # her bare skin's soft outline: the pixels this close (in shoulder widths, at least 3 px) to both
RIM_RUN = 0.12  # ... in pieces running at least this far along it


def bare_rim(zone: np.ndarray, skin: np.ndarray, person_mask: np.ndarray, covered: np.ndarray,
             width: float) -> np.ndarray:
    """The zone's thin band between her bare skin that stays bare and the backdrop (her arm's and shoulder's
    anti-aliased edge, the photo's light halo round it): within RIM_BAND of both, off the new garment. Repainted,
    the outline came out hard and stepped, with slivers of the halo left standing off it (g08 on p23). The old
    top's own edge there is wider than the band (a sleeve, a strap across the shoulder keep all but a corner)."""
    r = max(3.0, RIM_BAND * width) + 0.5
    bare_skin = (skin & ~covered).astype(np.uint8)
    if not bare_skin.any() or not (zone & ~skin).any():
        return np.zeros_like(zone)
    d_back = cv2.distanceTransform(person_mask.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    d_skin = cv2.distanceTransform(1 - bare_skin, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    band = zone & person_mask & ~skin & ~covered & (d_back <= r) & (d_skin <= r)
    # Not the old top's own edge beside its cloth further in (a strap's end at the outline goes with the strap).
    cloth = cv2.morphologyEx((zone & person_mask & ~skin & ~covered & ~band).astype(np.uint8), cv2.MORPH_OPEN,
                             np.ones((5, 5), np.uint8))  # its cloth, not a stray pixel of the outline
    if cloth.any():
        band &= cv2.distanceTransform(1 - cloth, cv2.DIST_L2, cv2.DIST_MASK_PRECISE) > r
    # Her outline runs on: a short piece is where the old top crosses it (a strap, an armhole's white edge): it goes.
    # (its pieces a few pixels apart, where her skin test broke off along the arm, are one run)
    joined = cv2.dilate(band.astype(np.uint8), np.ones((15, 15), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, 8)
    span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) - 14
    keep = span >= RIM_RUN * width
    keep[0] = False
    return keep[labels] & band


RIM_SHADE = 0.2  # drawn skin at her outline against the backdrop is this much darker (it turns away)
RIM_REACH = 0.06  # ... fading over this many shoulder widths inwards


def soft_edge(skin_canvas: np.ndarray, back_canvas: np.ndarray, bare: np.ndarray, body_est: np.ndarray,
              width: float) -> np.ndarray:
    """Drawn skin against the backdrop drawn beside it with a smooth, anti-aliased edge (the binary outline of the
    body's estimate stepped like stairs along a shoulder's slope): both canvases cover two pixels either side of
    the edge (`grown` for the skin, `shrunk` for the backdrop); mixed by the outline's smoothed share. The drawn
    skin turns away towards that outline (a little darker over a few hundredths of the shoulders): a shoulder cap
    drawn in one light up to its edge was a flat cut-out, a box, not a rounded shoulder."""
    skin_canvas = skin_canvas.copy()
    ys, xs = np.nonzero(bare & body_est)
    if len(ys):
        pad = int(0.1 * width) + 4
        H, W = bare.shape
        y0, y1, x0, x1 = max(0, ys.min() - pad), min(H, ys.max() + pad + 1), max(0, xs.min() - pad), min(W, xs.max() + pad + 1)
        be, b = body_est[y0:y1, x0:x1], bare[y0:y1, x0:x1]
        d = cv2.distanceTransform(np.pad(be.astype(np.uint8), 1, constant_values=1), cv2.DIST_L2, 3)[1:-1, 1:-1]
        # only where the drawn skin is a surface (a shoulder cap, a neck), not a sliver beside the cloth: its depth
        drawn = (b & be).astype(np.uint8)
        deep = cv2.dilate(cv2.distanceTransform(drawn, cv2.DIST_L2, 3), np.ones((int(0.1 * width) | 1,) * 2, np.uint8))
        wide = np.clip((deep - RIM_REACH * width) / max(RIM_REACH * width, 1.0), 0, 1)
        rim = (1.0 - RIM_SHADE * wide * np.exp(-d / max(RIM_REACH * width, 1.0))).astype(np.float32)
        box = skin_canvas[y0:y1, x0:x1]
        box[b] = box[b] * rim[b][:, None]
    a = cv2.GaussianBlur(body_est.astype(np.float32), (0, 0), 1.2)
    a = np.clip(0.5 + (a - 0.5) * 1.6, 0, 1)[..., None]
    mixed = skin_canvas * a + back_canvas * (1 - a)
    return np.where(bare[..., None], mixed, skin_canvas)


def grown(mask: np.ndarray) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0


def shrunk(mask: np.ndarray) -> np.ndarray:
    return cv2.erode(mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0


def shaded_skin(lab: np.ndarray, skin: np.ndarray, within: np.ndarray | None = None) -> np.ndarray:
    """Her skin in shadow that the colour test missed (a neck's shaded side under the jaw, darker than the face it
    was measured on): her skin's hue (within 25 degrees), about its saturation, darker than its middle. Taken for
    an old collar's cloth, a dark-skinned man's neck side was cut out down to the backdrop. Tested `within` only."""
    out = np.zeros_like(skin)
    if skin.sum() < 100:
        return out
    L0, a0, b0 = np.median(lab[skin], 0)
    c0 = float(np.hypot(a0, b0))
    px = lab[within] if within is not None else lab.reshape(-1, 3)
    a, b = px[:, 1], px[:, 2]
    hue = np.abs((np.degrees(np.arctan2(b, a) - np.arctan2(b0, a0)) + 180) % 360 - 180)
    chroma = np.hypot(a, b)
    ok = (hue < 25) & (chroma > 0.4 * c0) & (chroma < 1.6 * c0 + 4) & (px[:, 0] < L0) & (px[:, 0] > 0.15 * L0)
    if within is not None:
        out[within] = ok
    else:
        out = ok.reshape(skin.shape)
    return out
