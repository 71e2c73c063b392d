"""The garment in a product shot: one segmentation for Creative Director, Try-On, sketch outlines and attribute tags.

A product shot is a garment on a plain backdrop. The backdrop is what the image border can reach without crossing
a sharp edge or a pixel of clearly different colour, so a soft drop shadow stays backdrop while a white garment's
outline still closes it off from a white backdrop. Enclosed regions are then sorted: print gaps and the garment's own
interior are filled; backdrop showing through a real hole (a bag's handle) stays out.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.errors import AtelierError

log = logging.getLogger(__name__)


class GarmentNotFound(AtelierError):
    """No garment could be told from the backdrop."""


@dataclass
class Backdrop:
    colour: np.ndarray  # Lab median of the border
    noise: float  # the border's spread in Lab units: how far a backdrop pixel may stray
    busy: bool  # the border is not one plain colour


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)


def _border(a: np.ndarray, width: int = 2) -> np.ndarray:
    return np.concatenate([a[:width].reshape(-1, a.shape[-1]), a[-width:].reshape(-1, a.shape[-1]),
                           a[:, :width].reshape(-1, a.shape[-1]), a[:, -width:].reshape(-1, a.shape[-1])])


def backdrop_of(rgb: np.ndarray) -> Backdrop:
    """The plain backdrop's colour and noise, measured on the image border."""
    lab = _lab(rgb)
    border = _border(lab)
    colour = np.median(border, axis=0)
    dist = np.linalg.norm(border - colour, axis=1)
    noise = float(np.percentile(dist, 90))
    busy = float(np.std(_border(rgb.astype(np.float32)), axis=0).mean()) > 28
    return Backdrop(colour, noise, busy)


def _shadow_like(lab: np.ndarray, bd: Backdrop) -> np.ndarray:
    """Pixels that read as the backdrop in shade: same chroma, a little darker (drop shadows, vignetting)."""
    d_chroma = np.linalg.norm(lab[..., 1:] - bd.colour[1:], axis=2)
    ratio = lab[..., 0] / max(float(bd.colour[0]), 1.0)
    return (d_chroma < max(4.0, 2 * bd.noise)) & (ratio > 0.82) & (ratio < 1.0 + 0.02 + bd.noise / 255)


SLOPE = 2.0  # lightness step per pixel (Lab, 0-255) that a soft shadow's ramp stays under


def _gentle(light: np.ndarray) -> np.ndarray:
    """Pixels on a gentle slope of lightness: a soft shadow darkens the backdrop gradually, while a pale garment
    meets the backdrop with a step at its outline, however faint its contrast."""
    b = cv2.GaussianBlur(light, (3, 3), 0)
    step = np.zeros_like(b)
    step[:, 1:] = np.abs(np.diff(b, axis=1))
    step[:, :-1] = np.maximum(step[:, :-1], step[:, 1:])
    dy = np.zeros_like(b)
    dy[1:] = np.abs(np.diff(b, axis=0))
    dy[:-1] = np.maximum(dy[:-1], dy[1:])
    return np.maximum(step, dy) < SLOPE


def garment_mask(img: Image.Image, min_share: float = 0.01, fill_bites: bool = True) -> np.ndarray:
    """Boolean mask of the garment(s) in a product shot on a plain backdrop, holes that show the backdrop left out.

    Two passes: the outline as sharp edges give it (drawn and dark garments, prints), then again with the faint
    steps a white garment's rim makes against a white backdrop and a tight backdrop colour, keeping from the second
    only what is thick and in places lighter than the backdrop (a white garment's body, not the band of a soft
    shadow nor a bag handle's hole).

    `fill_bites` gives back backdrop-coloured motifs cut by the outline (see _fill_bites); off only to measure it.
    Raises GarmentNotFound when nothing stands out from the backdrop."""
    rgb = np.asarray(img.convert("RGB"))
    top, bottom, left, right = _padding(rgb)
    if top or bottom or left or right:  # a band of another flat colour added round the shot: not the backdrop
        h, w = rgb.shape[:2]
        out = np.zeros((h, w), bool)
        out[top:h - bottom, left:w - right] = _garment_mask(rgb[top:h - bottom, left:w - right], min_share,
                                                             fill_bites)
        return out
    return _garment_mask(rgb, min_share, fill_bites)


def _padding(rgb: np.ndarray, most: float = 0.06) -> tuple[int, int, int, int]:
    """Rows or columns of one flat colour added at an edge of the shot (a white strip below a beige backdrop, from
    padding the photo to its frame): how many at the top, bottom, left and right."""
    out = []
    for lines in (rgb, rgb[::-1], rgb.transpose(1, 0, 2), rgb.transpose(1, 0, 2)[::-1]):
        lines = lines.astype(np.float32)
        limit = max(1, int(most * len(lines)))
        k = 0
        while k < min(len(lines) // 3, 4 * limit) and float(lines[k].std(axis=0).max()) < 2.0:
            k += 1
        pad = 0
        if k > 1:
            inner = lines[k - 1].mean(axis=0)
            while pad < min(k - 1, limit) and float(np.abs(lines[pad].mean(axis=0) - inner).max()) > 6:
                pad += 1
            if pad >= min(k - 1, limit) and pad == k - 1:
                pad = 0  # the whole flat run differs: no inner backdrop to compare with
        out.append(pad)
    return tuple(out)


def _garment_mask(rgb: np.ndarray, min_share: float, fill_bites: bool) -> np.ndarray:
    h, w = rgb.shape[:2]
    lab = _lab(rgb)
    bd = backdrop_of(rgb)
    dist = np.linalg.norm(lab - bd.colour, axis=2)
    near = max(5.0, 2.5 * bd.noise)
    gentle = _gentle(lab[..., 0])
    soft = _shadow_like(lab, bd)
    # Sharp edges: the garment's outline (light garments on light backdrops have little else to go by).
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0)
    rough = _roughness(grey)
    if rough > 8:  # a textured surface (a table, linen: a phone photo): edges above its own grain only
        grey = cv2.GaussianBlur(grey, (0, 0), 2.0)
        low = max(20.0, 1.5 * _roughness(grey))
        sharp = cv2.Canny(grey, low, 3 * low) > 0
        return _finish(_subject(sharp, dist, near, soft), dist, near, lab, bd, min_share, fill_bites)
    sharp = cv2.Canny(grey, 20, 60) > 0
    subject = _subject(sharp, dist, near, soft)
    # Faint steps (never on a shadow's gentle ramp): a white tee's rim on a white backdrop, where the sharp outline
    # has gaps the backdrop flows through. On a flat backdrop they cost nothing; what they close off beyond the
    # first pass is kept where it is thick.
    lo = 2 if bd.noise < 0.5 else 4  # a flat (cut-out) backdrop has no step at all: every faint one is real
    faint = sharp | (cv2.Canny(grey, lo, 3 * lo) > 0)
    tight = max(2.0, 1.5 * bd.noise)
    extra = _subject(faint, dist, tight, np.zeros_like(soft), grow=5) & ~subject
    # Lighter than the backdrop, away from sharp edges (JPEG rings brighter beside a dark garment's outline).
    ringing = cv2.dilate(sharp.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    added = _thick(extra, max(4.0, 0.035 * min(h, w)), (lab[..., 0] > bd.colour[0] + 2) & ~ringing)
    added |= _notches(extra & ~added, subject, dist < tight)
    if added.any():
        # The faint edges were widened to close gaps, and JPEG noise beside the garment makes faint edges of its
        # own: give back the fringe of the backdrop's exact colour up to the edge line itself (the outline's step
        # stops it), then what the backdrop's colour reaches within a few pixels, so no rim of backdrop is left.
        backdrop = ~(subject | added)
        stop = (cv2.Canny(grey, 2 * lo, 6 * lo) > 0) | ~(dist < near)
        for i in range(5):
            reach = ~stop if i < 3 else (dist < tight)
            backdrop |= reach & (cv2.dilate(backdrop.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
        first = subject
        subject = subject | (added & ~backdrop)
        # A faint outline is a ragged one: smooth it by majority over a small disc (the first pass's outline, sharp
        # edges, stays as it was).
        k = max(5, int(0.012 * min(h, w)) | 1)
        subject = first | (cv2.medianBlur(subject.astype(np.uint8) * 255, k) > 127)
    return _finish(subject, dist, near, lab, bd, min_share, fill_bites)


def _roughness(grey: np.ndarray) -> float:
    """How much the backdrop's own grain changes from pixel to pixel: the border band's 90th percentile gradient."""
    g = grey.astype(np.float32)
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    return float(np.percentile(_border(mag[..., None], width=6), 90))


def _finish(subject: np.ndarray, dist: np.ndarray, near: float, lab: np.ndarray, bd: Backdrop, min_share: float,
            fill_bites: bool) -> np.ndarray:
    """The garment's parts of a real size, its inner holes filled (real holes kept), its cut motifs given back."""
    h, w = subject.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(subject.astype(np.uint8), 8)
    if n <= 1:
        raise GarmentNotFound("No garment found: the photo looks like a plain backdrop.")
    areas = stats[1:, cv2.CC_STAT_AREA]
    big = areas.max()
    # A pair of shoes is two parts and a bag's handle may float above it: keep every part of a real size.
    keep = 1 + np.nonzero(areas >= max(0.02 * big, 0.002 * h * w))[0]
    mask = np.isin(labels, keep)
    if mask.mean() < min_share:
        raise GarmentNotFound("The garment is too small in its photo; use a product shot where it fills the frame.")
    mask = _fill_holes(mask, dist, near, lab, bd)
    return _fill_bites(mask, dist < near) if fill_bites else mask


BRIGHTER = 0.004  # share of a region lighter than the backdrop that no shadow or hole reaches


def _notches(region: np.ndarray, found: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """Small parts of `region` hemmed in by the garment found so far (three quarters of their rim or more) and not
    of the backdrop's exact colour: a pale stripe between two dark ones where it meets the outline. A soft shadow
    band touches the garment on one side only; a hole showing the backdrop is the backdrop's exact colour."""
    h, w = region.shape
    n, labels, stats, _ = cv2.connectedComponentsWithStats(region.astype(np.uint8), 8)
    out = np.zeros_like(region)
    for k in range(1, n):
        x, y, bw, bh, area = stats[k]
        if area < 10 or area > 0.01 * h * w:
            continue
        y0, y1, x0, x1 = max(0, y - 2), min(h, y + bh + 2), max(0, x - 2), min(w, x + bw + 2)
        part = labels[y0:y1, x0:x1] == k
        rim = cv2.dilate(part.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~part
        if found[y0:y1, x0:x1][rim].mean() >= 0.75 and exact[y0:y1, x0:x1][part].mean() < 0.3:
            out[y0:y1, x0:x1] |= part
    return out


def _thick(region: np.ndarray, radius: float, lighter: np.ndarray) -> np.ndarray:
    """The parts of `region` that hold a disc of `radius` somewhere (a garment's body with its straps), not the
    thin bands (a soft shadow along the outline) that are never that wide, and that are in places lighter than the
    backdrop (white fabric catches the light; a shadow or a hole showing the backdrop never is)."""
    n, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(region)
    depth = cv2.distanceTransform(region.astype(np.uint8), cv2.DIST_L2, 5)
    widest = np.zeros(n, np.float32)
    np.maximum.at(widest, labels.ravel(), depth.ravel())
    widest[0] = 0
    inner = cv2.erode(region.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    lit = np.bincount(labels[inner], weights=lighter[inner], minlength=n) / np.maximum(
        np.bincount(labels[inner], minlength=n), 1)
    return np.isin(labels, np.nonzero((widest >= radius) & (lit >= BRIGHTER))[0])


def _subject(edges: np.ndarray, dist: np.ndarray, near: float, soft: np.ndarray, grow: int = 3) -> np.ndarray:
    """What the border cannot reach across backdrop-coloured or softly shaded pixels without crossing an edge
    (dilated to `grow` pixels wide, closing gaps narrower than that)."""
    edges = cv2.dilate(edges.astype(np.uint8), np.ones((grow, grow), np.uint8)) > 0
    passable = ((dist < near) | soft) & ~edges
    # The backdrop: every passable pixel the border reaches.
    n, labels = cv2.connectedComponents(passable.astype(np.uint8), connectivity=4)
    on_border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    backdrop = np.isin(labels, on_border[on_border > 0])
    # A narrow gap of backdrop in the garment's shadow (under an arm, between legs) can be cut off by a few
    # JPEG-tinted pixels that are neither edge nor backdrop colour: reach across up to 3 such pixels (never across
    # an edge) and take in the regions beyond that are mostly shadow (a print's pale motif is its flat colour).
    bridge = (dist < 3 * near) & ~edges
    grown = backdrop.copy()
    for _ in range(3):
        grown |= bridge & (cv2.dilate(grown.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    reached = np.unique(labels[grown & passable & ~backdrop])
    if len(reached := reached[reached > 0]):
        shade = np.bincount(labels.ravel(), weights=(passable & (dist >= near)).ravel(), minlength=n)
        size = np.bincount(labels.ravel(), minlength=n)
        reached = reached[shade[reached] >= 0.5 * size[reached]]
        backdrop |= np.isin(labels, reached)
    # The edge was dilated by a pixel; give back the backdrop-coloured fringe it took (a white garment's rim is its
    # dark outline, which stays).
    loose = (dist < near) | soft
    for _ in range(2):
        backdrop |= loose & (cv2.dilate(backdrop.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    subject = ~backdrop
    return cv2.morphologyEx(subject.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0


def _fill_bites(mask: np.ndarray, plain: np.ndarray) -> np.ndarray:
    """Give back the print's motifs that the garment's edge cuts through when they are the backdrop's colour (white
    flowers on a red shirt on a white backdrop): nothing separates them from the backdrop, so they read as bites out
    of the outline.

    Only a garment with such motifs wholly inside it is touched. A bite is a short detour of the outline: two outline
    points at most a motif's width apart, joined by a much longer path; the region between the path and the straight
    shortcut is filled when it is no bigger than a motif, no deeper than its mouth is wide, and curved like a motif
    rather than a V (a neckline, an armpit, the crotch and a handle's hole are straight-sided, deep or wide, and stay
    backdrop)."""
    motifs = mask & plain  # `plain`: pixels of the backdrop's own colour (not merely in its shade)
    if motifs.sum() > 0.4 * mask.sum():  # a garment of the backdrop's colour: its outline closes it off
        return mask
    # The print's motifs: backdrop-coloured blobs inside the garment, hemmed in by fabric on (nearly) every side.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(motifs.astype(np.uint8), 8)
    h, w = mask.shape
    areas = []
    for k in range(1, n):
        x, y, bw, bh, area = stats[k]
        if area < 4 or area > 0.03 * mask.sum():
            continue
        y0, y1, x0, x1 = max(0, y - 3), min(h, y + bh + 3), max(0, x - 3), min(w, x + bw + 3)
        blob = labels[y0:y1, x0:x1] == k
        rim = cv2.dilate(blob.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~blob
        # A dot or a bloom: compact and solid (not a stripe, nor JPEG speckle in a pale motif).
        hull = cv2.convexHull(np.argwhere(blob)[:, ::-1].astype(np.int32))
        solid = area >= 0.75 * max(cv2.contourArea(hull), 1.0)
        compact = area >= 0.4 * bw * bh and max(bw, bh) <= 3 * min(bw, bh)
        if solid and compact and mask[y0:y1, x0:x1][rim].mean() >= 0.9:
            areas.append(float(area))
    areas = np.array(areas)
    if len(areas) < 2:
        return mask
    biggest = float(areas.max())
    reach = 2.6 * np.sqrt(biggest / np.pi)  # the widest mouth a motif cut by the edge leaves
    longest = int(np.ceil(np.pi * reach)) + 4  # the longest outline path around such a bite
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = mask.copy()
    for contour in contours:
        pts = contour[:, 0, :].astype(np.float32)
        size = len(pts)
        if size < 20:
            continue
        # For every outline point, the longest detour that starts there and comes back within reach.
        best = np.zeros(size, int)
        for step in range(4, min(longest, size // 2)):
            d = np.linalg.norm(pts - np.roll(pts, -step, axis=0), axis=1)
            best[(d <= reach) & (step >= 1.15 * d + 3)] = step
        covered = np.zeros(size, bool)
        for i in np.argsort(-best):
            step = best[i]
            if step == 0:
                break
            span = (i + np.arange(step + 1)) % size
            if covered[span].mean() > 0.5:
                continue
            region = _bite(pts[span], mask, plain, biggest, reach)
            if region is not None:
                covered[span] = True
                out |= region
    return out


def _bite(path: np.ndarray, mask: np.ndarray, plain: np.ndarray, biggest: float, reach: float) -> np.ndarray | None:
    """The backdrop between an outline path and its shortcut, when it is shaped like a motif cut by the edge."""
    a, b = path[0], path[-1]
    mouth = float(np.linalg.norm(b - a))
    if mouth < 1:
        return None
    normal = np.array([a[1] - b[1], b[0] - a[0]]) / mouth
    dist = (path - a) @ normal
    deep = int(np.argmax(np.abs(dist)))
    depth = float(abs(dist[deep]))
    if depth < 1.5 or depth > 1.5 * mouth + 2:
        return None
    # A V (neckline, armpit, a corner) runs straight from the mouth to its deepest point, so it is about as big as
    # the triangle of its mouth and tip; a motif's edge is curved (a half disc is 1.57 times its triangle).
    x, y = path[:, 0], path[:, 1]
    fullness = abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2 / (mouth * depth / 2)
    if fullness < 1.3:
        return None
    # Beyond the mouth lies open backdrop: the mouth is on the outline, not across a wedge that runs on.
    scale = max(mouth, reach / 2)
    centre = (a + b) / 2 - np.sign(dist[deep]) * normal * scale * 0.75
    radius = max(1, int(scale * 0.4))
    h, w = mask.shape
    lo = np.floor(np.minimum(path.min(axis=0), centre - radius)).astype(int) - 1
    hi = np.ceil(np.maximum(path.max(axis=0), centre + radius)).astype(int) + 2
    x0, y0 = max(0, lo[0]), max(0, lo[1])
    x1, y1 = min(w, hi[0]), min(h, hi[1])
    local = mask[y0:y1, x0:x1]
    probe = np.zeros(local.shape, np.uint8)
    cv2.circle(probe, (int(round(centre[0])) - x0, int(round(centre[1])) - y0), radius, 1, -1)
    if not probe.any() or local[probe.astype(bool)].mean() > 0.1:
        return None
    poly = np.zeros(local.shape, np.uint8)
    cv2.fillPoly(poly, [np.round(path - (x0, y0)).astype(np.int32)], 1)
    region = poly.astype(bool) & ~local
    if region.sum() < 4 or region.sum() > 1.5 * biggest:
        return None
    # The motifs' flat colour, not the backdrop in the garment's shadow (a corner under a sleeve).
    if plain[y0:y1, x0:x1][region].mean() < 0.8:
        return None
    log.debug("bite at %s-%s: mouth %.1f depth %.1f fullness %.2f area %d", a, b, mouth, depth, fullness,
              region.sum())
    out = np.zeros_like(mask)
    out[y0:y1, x0:x1] = region
    return out


def _fill_holes(mask: np.ndarray, dist: np.ndarray, near: float, lab: np.ndarray, bd: Backdrop) -> np.ndarray:
    """Fill enclosed regions except real holes: big enough, and showing the plain backdrop right up to a sharp rim."""
    inv = (~mask).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(inv, 4)
    h, w = mask.shape
    out = mask.copy()
    on_border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    for k in range(1, n):
        if k in on_border:
            continue
        region = labels == k
        area = stats[k, cv2.CC_STAT_AREA]
        if area < 0.002 * h * w:
            out |= region
            continue
        backdrop_like = np.mean((dist[region] < near) | _shadow_like(lab, bd)[region])
        # The garment's own interior shades gradually into its rim; a hole meets its rim with a step.
        rim = cv2.dilate(region.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~region
        inner_rim = region & ~cv2.erode(region.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
        inner_flat = np.mean(dist[inner_rim] < near) if inner_rim.any() else 0.0
        if not (backdrop_like > 0.9 and inner_flat > 0.8 and rim.any()):
            out |= region
    return out


def subject_mask(img: Image.Image) -> np.ndarray:
    """The garment where the photo is a product shot; otherwise (busy or missing backdrop) the whole frame, so
    colour naming and outlines still have something to measure."""
    rgb = np.asarray(img.convert("RGB"))
    if backdrop_of(rgb).busy:
        return np.ones(rgb.shape[:2], bool)
    try:
        return garment_mask(img)
    except GarmentNotFound:
        return np.ones(rgb.shape[:2], bool)


@dataclass
class Silhouette:
    """What a garment's outline shows, read from its mask alone (for tags beside the encoder's view).

    sleeves: "none" | "short" | "long" for tops and dresses (rows wider than the narrowest waist by a third, from the
      shoulder down: under a tenth of the height none, under 45% short, else long); "none" for legged and strappy
      garments.
    legs: two legs (trousers, jeans, shorts): the lower third splits in two parts with a gap between.
    straps: thin separate strips at the top (a cami, a slip dress, a sports top seen from the back).
    length: "short" (wider than tall: a cropped top, shorts), "regular", or "long" (over 1.6 times as tall as
      wide: a maxi dress, full-length trousers), from `aspect`.
    aspect: height / width of the garment's bounding box.
    fill: share of that bounding box the garment covers.
    """
    sleeves: str
    legs: bool
    straps: bool
    length: str
    aspect: float
    fill: float

    def as_dict(self) -> dict:
        return {"sleeves": self.sleeves, "legs": self.legs, "straps": self.straps, "length": self.length,
                "aspect": round(self.aspect, 3), "fill": round(self.fill, 3)}


def _runs(row: np.ndarray, least: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a row, runs shorter than `least` dropped."""
    padded = np.concatenate([[False], row, [False]]).astype(np.int8)
    d = np.diff(padded)
    starts, ends = np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]
    return [(int(a), int(b)) for a, b in zip(starts, ends) if b - a >= least]


def silhouette(mask: np.ndarray) -> Silhouette:
    """Silhouette features of a garment mask (as garment_mask gives it); see Silhouette for each field."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return Silhouette("none", False, False, "regular", 1.0, 0.0)
    # The largest part only (a pair of shoes or a stray fleck would confuse the rows).
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    biggest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = stats[biggest, :4]
    m = labels[y:y + h, x:x + w] == biggest
    aspect = h / max(w, 1)
    fill = float(m.mean())
    length = "short" if aspect < 0.9 else "long" if aspect > 1.6 else "regular"
    least = max(1, int(0.02 * w))
    rows = [_runs(m[i], least) for i in range(h)]

    def band(lo: float, hi: float) -> range:
        return range(int(lo * h), max(int(lo * h) + 1, int(hi * h)))

    # Two legs: most rows of the lower third are two wide parts apart.
    lower = band(0.68, 0.97)
    split = 0
    for i in lower:  # exactly two wide parts, parted near the middle (not a sleeve hanging beside a body)
        r = [run for run in rows[i] if run[1] - run[0] >= 0.15 * w]
        if len(r) == 2 and r[1][0] - r[0][1] >= 0.03 * w and 0.3 * w <= (r[0][1] + r[1][0]) / 2 <= 0.7 * w:
            split += 1
    legs = split >= 0.6 * len(lower)
    # Straps: the top rows are narrow separate strips.
    top = band(0.0, 0.1)
    strappy = sum(1 for i in top if len(rows[i]) >= 2 and all(b - a < 0.12 * w for a, b in rows[i]))
    straps = strappy >= 0.5 * len(top)
    sleeves = "none"
    if not legs and not straps:
        spans = np.array([(r[-1][1] - r[0][0]) if r else 0 for r in rows], float)

        def centre_width(i: int) -> float:
            c = w / 2
            part = min(rows[i], key=lambda run: 0 if run[0] <= c < run[1] else min(abs(run[0] - c), abs(run[1] - c)),
                       default=(0, 0))
            return part[1] - part[0]

        waist = min(centre_width(i) for i in band(0.35, 0.7))
        wide = spans > 1.33 * max(waist, 1)
        start = next((i for i in band(0.0, 0.45) if wide[i]), None)
        if start is not None:
            end = start
            while end < h and wide[end]:
                end += 1
            extent = (end - start) / h
            sleeves = "none" if extent < 0.1 else "short" if extent < 0.45 else "long"
    return Silhouette(sleeves, bool(legs), bool(straps), length, float(aspect), fill)


def whole_garment_mask(img: Image.Image) -> np.ndarray:
    """The whole garment as an edit mask: the Creative Director's "the whole garment" choice and the CLI's
    `design --mask garment`, so a rough rectangle does not leave straight cuts at the collar and hem. The shared
    segmentation grown by a pixel (the editor cuts the mask to the garment again, anti-aliased outline included).
    Raises GarmentNotFound with what to do instead when the photo has no plain backdrop or no garment on it."""
    rgb = np.asarray(img.convert("RGB"))
    if backdrop_of(rgb).busy:
        raise GarmentNotFound("This photo has no plain backdrop, so the garment cannot be told apart on its own: "
                              "paint over it instead.")
    m = garment_mask(img)
    return cv2.dilate(m.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
