"""The product shot as cloth: the slits between a hanging sleeve and the body filled with the garment's own texture,
and white stripes or a white print that the backdrop test left out sealed back into the garment."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.images import foreground_mask
from core.tryon.straps import bodice_row, open_above_bodice, strappy


def _enclosed_backdrop(garment_img: Image.Image, gmask: np.ndarray, min_width: int = 0) -> np.ndarray:
    """Backdrop that the garment mask swallowed: the slit between a hanging sleeve and the body. It is backdrop by
    colour and joined to the backdrop outside the garment; a print in the backdrop's colour inside the garment's
    outline is not, so it is kept."""
    bg = (~foreground_mask(garment_img)).astype(np.uint8)
    n, labels = cv2.connectedComponents(bg, connectivity=4)
    outside = np.setdiff1d(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])), [0])
    found = np.isin(labels, outside) & gmask
    if min_width:  # only wide gaps (a sleeve's slit), not the edges of white stripes the mask left out
        found = cv2.morphologyEx(found.astype(np.uint8), cv2.MORPH_OPEN, np.ones((min_width, min_width), np.uint8)) > 0
    return cv2.dilate(found.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0 if found.any() else found


def close_flat_lay(garment_img: Image.Image, gmask: np.ndarray,
                   enclosed: np.ndarray | None = None) -> tuple[Image.Image, np.ndarray]:
    """Fill the gaps of a flat-lay (between sleeve and body) with the garment's own texture (OpenCV inpainting),
    so the warped garment covers the torso without holes."""
    pts = cv2.findNonZero(gmask.astype(np.uint8))
    hull = np.zeros(gmask.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts), 1)
    if not ((hull > 0) & ~gmask).any():
        return garment_img, gmask
    rgb = np.asarray(garment_img.convert("RGB"))
    hull = (hull > 0) & ~shallow_notches(hull > 0, gmask)
    # Product shots outline the garment: inpaint from inside that outline, not from its dark edge.
    # Everything else counts as unknown, so the backdrop cannot bleed into the fill.
    enclosed = _enclosed_backdrop(garment_img, gmask) if enclosed is None else enclosed
    inner = (cv2.erode(gmask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0) & ~enclosed
    # the cloth's own pixels stay but for its outline's two (a frill's scallops were an inpainted smear)
    keep = (cv2.erode(gmask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & ~enclosed
    # At half resolution (the fill is smooth anyway): 4x fewer pixels to march over.
    h, w = inner.shape
    small = cv2.resize(rgb, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    known = cv2.resize(inner.astype(np.uint8), small.shape[1::-1], interpolation=cv2.INTER_NEAREST)
    filled = cv2.resize(cv2.inpaint(small, (1 - known) * 255, 3, cv2.INPAINT_TELEA), (w, h), interpolation=cv2.INTER_LINEAR)
    # A thin strap far from the inside is its own cloth, not its outline (a black strap on a white top stays black).
    strap = gmask & (cv2.distanceTransform((~inner).astype(np.uint8), cv2.DIST_L2, 3) > 6)
    strap[bodice_row(gmask) if strappy(gmask) else 0:] = False  # only a strappy top's straps (no sleeve's edge)
    filled = np.where((hull & ~keep & ~strap)[..., None], filled, rgb)
    return Image.fromarray(filled), open_above_bodice(gmask, hull)  # a cami: its straps, not the hull


NOTCH = 0.03  # a gap in the outline at most this deep (of the garment's width) is a notch of its edge, not a slit


TOP_EDGE = 0.08  # ... along its top edge: reaching this share of its height below its first row


def shallow_notches(hull: np.ndarray, gmask: np.ndarray) -> np.ndarray:
    """The gaps between the garment and its convex hull along its top edge that reach no deeper than NOTCH of its
    width into the hull: the scallops of a frilled or ruffled band (an off-shoulder top's elastic), not a neckline
    or the slit under a sleeve. Filled, a frill's edge became a straight band of inpainted smear. (Its sides and
    hem keep the hull's closing: a ruffled hem's bites read as holes in the worn garment.)"""
    gaps = hull & ~gmask
    xs, ys = np.flatnonzero(gmask.any(axis=0)), np.flatnonzero(gmask.any(axis=1))
    if not gaps.any() or not len(xs):
        return np.zeros_like(gaps)
    depth = cv2.distanceTransform(np.pad(hull.astype(np.uint8), 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(gaps.astype(np.uint8), connectivity=8)
    deepest = np.zeros(n, np.float32)
    np.maximum.at(deepest, labels[gaps], depth[gaps])
    ok = (deepest < NOTCH * (xs[-1] - xs[0] + 1)) & (stats[:, cv2.CC_STAT_TOP] <= ys[0] + TOP_EDGE * (ys[-1] - ys[0] + 1))
    return gaps & ok[labels]


def solid_garment(gmask: np.ndarray) -> np.ndarray:
    """The product shot's garment without its inner holes: white stripes, a white print or a light panel that the
    backdrop test took for backdrop are cloth when the garment's outline closes around them (a closing of about a
    stripe's height seals the notches where they reach the edge). The wide gap between a hanging sleeve and the
    body stays open."""
    ys, xs = np.nonzero(gmask)
    if not len(xs):
        return gmask
    k = max(5, int(0.035 * (np.ptp(xs) + 1)) | 1)
    closed = cv2.morphologyEx(gmask.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    filled = closed.copy()
    cnts, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(filled, cnts, -1, 1, -1)
    # Keep the original outline where the closing only rounded it off (no bridging of the sleeve gaps' mouths).
    holes = (filled > 0) & ~gmask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), 8)
    out = gmask.copy()
    for i in range(1, n):
        area, h = stats[i, cv2.CC_STAT_AREA], stats[i, cv2.CC_STAT_HEIGHT]
        # A long thin run down the garment is the slit between a sleeve laid alongside and the body (its mouth
        # bridged by the closing), not a stripe: sealed in, it was worn as a white slit down the sleeve.
        if area >= 4 and not (h >= 0.12 * (np.ptp(ys) + 1) and h >= 5 * area / h):
            out |= labels == i
    return out


def slit_backdrop(garment_img: Image.Image, gmask: np.ndarray, seen: np.ndarray | None = None) -> np.ndarray:
    """The backdrop in the slits between long sleeves laid alongside the body and the body, by colour (the mask may
    have sealed a slit's narrow top in as cloth): tall thin runs of backdrop colour with the garment's own colours
    left and right of them on their rows, towards the garment's sides and below its shoulders, never its middle (a
    white tee's front is cloth). To be inpainted with the cloth around it (left in, it was worn as a white spike
    down each side of the chest). `seen`: the segmentation's own mask; a slit is mostly backdrop to it too (a white
    tee's sides on white are cloth to it)."""
    seen = gmask if seen is None else seen
    ys, xs = np.nonzero(gmask)
    if not len(xs):
        return np.zeros_like(gmask)
    cloth = gmask & foreground_mask(garment_img)
    left = np.zeros_like(cloth)
    left[:, 1:] = np.maximum.accumulate(cloth, axis=1)[:, :-1]
    right = np.zeros_like(cloth)
    right[:, :-1] = np.maximum.accumulate(cloth[:, ::-1], axis=1)[:, ::-1][:, 1:]
    cand = ~cloth & left & right
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    w, h = x1 - x0 + 1, y1 - y0 + 1
    cand[:int(y0 + 0.12 * h)] = False
    cand[:, int(x0 + 0.3 * w):int(x1 - 0.3 * w)] = False
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand.astype(np.uint8), 8)
    out = np.zeros_like(gmask)
    for i in range(1, n):
        comp = labels == i
        rows = comp.sum(axis=1)
        rows = rows[rows > 0]
        # Tall, and thin on every row: a slit, not white stripes joined down the side, a white side panel, nor the
        # notch between a cuff and the hem.
        if len(rows) >= 0.2 * h and np.percentile(rows, 90) <= 0.12 * w and (seen & comp).sum() < 0.5 * comp.sum():
            out |= comp
    return cv2.dilate(out.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0 if out.any() else out
