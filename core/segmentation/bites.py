"""Motifs of the backdrop's colour that the garment's outline cuts through, given back to the garment."""
from __future__ import annotations

import logging

import cv2
import numpy as np

log = logging.getLogger(__name__)


def give_back_bites(mask: np.ndarray, plain: np.ndarray) -> np.ndarray:
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
    # 1. the print's motifs wholly inside the garment: how big they are
    areas = _motif_areas(mask, motifs)
    if len(areas) < 2:
        return mask
    biggest = float(areas.max())
    reach = 2.6 * np.sqrt(biggest / np.pi)  # the widest mouth a motif cut by the edge leaves
    longest = int(np.ceil(np.pi * reach)) + 4  # the longest outline path around such a bite
    # 2. along each outline, the detours shaped like a motif cut by the edge, filled
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = mask.copy()
    for contour in contours:
        pts = contour[:, 0, :].astype(np.float32)
        if len(pts) >= 20:
            _fill_detours(pts, mask, plain, biggest, reach, longest, out)
    return out


def _motif_areas(mask: np.ndarray, motifs: np.ndarray) -> np.ndarray:
    """Areas of the print's motifs: backdrop-coloured blobs inside the garment, hemmed in by fabric on (nearly)
    every side, compact and solid (a dot or a bloom, not a stripe, nor JPEG speckle in a pale motif)."""
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
        hull = cv2.convexHull(np.argwhere(blob)[:, ::-1].astype(np.int32))
        solid = area >= 0.75 * max(cv2.contourArea(hull), 1.0)
        compact = area >= 0.4 * bw * bh and max(bw, bh) <= 3 * min(bw, bh)
        if solid and compact and mask[y0:y1, x0:x1][rim].mean() >= 0.9:
            areas.append(float(area))
    return np.array(areas)


def _fill_detours(pts: np.ndarray, mask: np.ndarray, plain: np.ndarray, biggest: float, reach: float, longest: int,
                  out: np.ndarray) -> None:
    """Fill into `out` the bites along one outline (points in order), longest detours first, none counted twice."""
    size = len(pts)
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
