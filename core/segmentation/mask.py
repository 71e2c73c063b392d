"""The garment in a product shot: one segmentation for Creative Director, Try-On, sketch outlines and attribute tags.

A product shot is a garment on a plain backdrop. The backdrop is what the image border can reach without crossing
a sharp edge or a pixel of clearly different colour, so a soft drop shadow stays backdrop while a white garment's
outline still closes it off from a white backdrop. Enclosed regions are then sorted: print gaps and the garment's own
interior are filled; backdrop showing through a real hole (a bag's handle) stays out.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.segmentation.backdrop import Backdrop, GarmentNotFound, backdrop_of, border_pixels, shadow_like, to_lab
from core.segmentation.bites import give_back_bites


def garment_mask(img: Image.Image, min_share: float = 0.01, fill_bites: bool = True) -> np.ndarray:
    """Boolean mask of the garment(s) in a product shot on a plain backdrop, holes that show the backdrop left out.

    Two passes: the outline as sharp edges give it (drawn and dark garments, prints), then again with the faint
    steps a white garment's rim makes against a white backdrop and a tight backdrop colour, keeping from the second
    only what is thick and in places lighter than the backdrop (a white garment's body, not the band of a soft
    shadow nor a bag handle's hole).

    `fill_bites` gives back backdrop-coloured motifs cut by the outline (see give_back_bites); off only to measure it.
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
        limit = max(1, int(most * len(lines)))
        reach = min(len(lines) // 3, 4 * limit)
        edge = lines[:reach].astype(np.float32)  # only the band that can be padding (one array op, not a loop)
        flat = edge.std(axis=1).max(axis=1) < 2.0
        k = int(np.argmin(flat)) if not flat.all() else reach  # the flat run's length from the edge
        pad = 0
        if k > 1:
            span = min(k - 1, limit)
            differs = np.abs(edge[:span].mean(axis=1) - edge[k - 1].mean(axis=0)).max(axis=1) > 6
            pad = int(np.argmin(differs)) if not differs.all() else span
            if pad == span and pad == k - 1:
                pad = 0  # the whole flat run differs: no inner backdrop to compare with
        out.append(pad)
    return tuple(out)


def _garment_mask(rgb: np.ndarray, min_share: float, fill_bites: bool) -> np.ndarray:
    h, w = rgb.shape[:2]
    lab = to_lab(rgb)
    bd = backdrop_of(rgb)
    dist = np.linalg.norm(lab - bd.colour, axis=2)
    near = max(5.0, 2.5 * bd.noise)
    soft = shadow_like(lab, bd)
    # Sharp edges: the garment's outline (light garments on light backdrops have little else to go by).
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0)
    rough = _roughness(grey)
    if rough > 8:  # a textured surface (a table, linen: a phone photo): edges above its own grain only
        grey = cv2.GaussianBlur(grey, (0, 0), 2.0)
        low = max(20.0, 1.5 * _roughness(grey))
        sharp = cv2.Canny(grey, low, 3 * low) > 0
        dist, soft = _surface_distance(lab, bd)
        return _finish(_subject(sharp, dist, 1.0, soft), dist, 1.0, lab, bd, min_share, fill_bites)
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


def _surface_distance(lab: np.ndarray, bd: Backdrop) -> tuple[np.ndarray, np.ndarray]:
    """How far each pixel is from a textured surface, in units of what the surface itself spans (1 = its edge), and
    where it reads as the surface in shade. A surface's grain and light move its lightness, hardly its hue, so
    lightness and colour get their own tolerance: a lavender tee as light as a beige table still stands out. The
    garment may run off the frame (a close crop), so each spread is read robustly: its border pixels must not
    widen the surface's own."""
    off = border_pixels(lab) - bd.colour
    spread_l, spread_c = np.abs(off[:, 0]), np.linalg.norm(off[:, 1:], axis=1)

    def tolerance(d: np.ndarray, floor: float) -> float:  # 2.5 x the 90th percentile, never above 2.5 medians' worth
        return max(floor, 2.5 * min(float(np.percentile(d, 90)), 2.5 * float(np.median(d))))

    tol_l, tol_c = tolerance(spread_l, 5.0), tolerance(spread_c, 4.0)
    d_l = np.abs(lab[..., 0] - bd.colour[0]) / tol_l
    d_c = np.linalg.norm(lab[..., 1:] - bd.colour[1:], axis=2) / tol_c
    ratio = lab[..., 0] / max(float(bd.colour[0]), 1.0)
    soft = (d_c < 1.0) & (ratio > 0.82) & (ratio < 1.0)  # the surface's hue, somewhat darker: the garment's shadow
    return np.maximum(d_l, d_c), soft


def _roughness(grey: np.ndarray) -> float:
    """How much the backdrop's own grain changes from pixel to pixel: the border band's 90th percentile gradient."""
    g = grey.astype(np.float32)
    mag = np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))
    return float(np.percentile(border_pixels(mag[..., None], width=6), 90))


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
    return give_back_bites(mask, dist < near) if fill_bites else mask


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
        backdrop_like = np.mean((dist[region] < near) | shadow_like(lab, bd)[region])
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
