"""The garment in a product shot: one segmentation for Creative Director, Try-On, sketch outlines and attribute tags.

A product shot is a garment on a plain backdrop. The backdrop is what the image border can reach without crossing
a sharp edge or a pixel of clearly different colour, so a soft drop shadow stays backdrop while a white garment's
outline still closes it off from a white backdrop. Enclosed regions are then sorted: print gaps and the garment's own
interior are filled; backdrop showing through a real hole (a bag's handle) stays out.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.errors import AtelierError


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


def garment_mask(img: Image.Image, min_share: float = 0.01) -> np.ndarray:
    """Boolean mask of the garment(s) in a product shot on a plain backdrop, holes that show the backdrop left out.

    Raises GarmentNotFound when nothing stands out from the backdrop."""
    rgb = np.asarray(img.convert("RGB"))
    h, w = rgb.shape[:2]
    lab = _lab(rgb)
    bd = backdrop_of(rgb)
    dist = np.linalg.norm(lab - bd.colour, axis=2)
    near = max(5.0, 2.5 * bd.noise)
    # Sharp edges: the garment's outline (light garments on light backdrops have little else to go by).
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0)
    edges = cv2.Canny(grey, 20, 60) > 0
    edges = cv2.dilate(edges.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    passable = ((dist < near) | _shadow_like(lab, bd)) & ~edges
    # The backdrop: every passable pixel the border reaches.
    n, labels = cv2.connectedComponents(passable.astype(np.uint8), connectivity=4)
    on_border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    backdrop = np.isin(labels, on_border[on_border > 0])
    # The edge was dilated by a pixel; give back the backdrop-coloured fringe it took (a white garment's rim is its
    # dark outline, which stays).
    loose = (dist < near) | _shadow_like(lab, bd)
    for _ in range(2):
        backdrop |= loose & (cv2.dilate(backdrop.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    subject = ~backdrop
    subject = cv2.morphologyEx(subject.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
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
    return _fill_holes(mask, dist, near, lab, bd)


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
