"""Attributes measured from pixels: dominant colour names and a coarse pattern label.

Used to tag catalogs that come without metadata and by the `lite` encoder to put colour and pattern
words into an image's text-space vector.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.segmentation import subject_mask
from core.vocabulary import PATTERNS

# Reference colours for naming (sRGB), typical of garment photos rather than pure hues; names from core.vocabulary.
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (30, 30, 32), "white": (240, 240, 238), "grey": (135, 137, 140), "navy": (32, 44, 88),
    "blue": (55, 110, 195), "red": (192, 38, 44), "burgundy": (110, 26, 44), "pink": (235, 150, 175),
    "green": (45, 135, 75), "olive": (105, 110, 55), "yellow": (238, 200, 55), "orange": (232, 122, 40),
    "beige": (212, 192, 158), "brown": (115, 75, 45), "purple": (110, 65, 148),
}
PATTERN_WORDS = list(PATTERNS)
# The lite encoder's caption wording ("a floral print dress" reads better to MiniLM than "a floral dress").
PATTERN_ADJ = {name: p.adjective for name, p in PATTERNS.items()} | {"floral": "floral print"}

_NAMES = list(PALETTE)
_LAB = cv2.cvtColor(np.array([list(PALETTE.values())], np.uint8), cv2.COLOR_RGB2LAB)[0].astype(np.float32)


def _small(img: Image.Image, side: int = 128) -> Image.Image:
    img = img.convert("RGB")
    img.thumbnail((side, side))
    return img


def colour_shares(img: Image.Image) -> list[tuple[str, float]]:
    """Named colours of the subject (backdrop excluded), largest share first."""
    small = _small(img)
    mask = subject_mask(small)
    rgb = np.asarray(small, np.uint8)[mask]
    lab = cv2.cvtColor(rgb[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    nearest = np.argmin(((lab[:, None, :] - _LAB[None]) ** 2).sum(-1), axis=1)
    counts = np.bincount(nearest, minlength=len(_NAMES)) / max(1, len(nearest))
    order = np.argsort(-counts)
    return [(_NAMES[i], float(counts[i])) for i in order if counts[i] > 0.0]


def dominant_colours(img: Image.Image, min_share: float = 0.2, max_n: int = 2) -> list[str]:
    shares = colour_shares(img)
    names = [n for n, s in shares[:max_n] if s >= min_share]
    return names or [shares[0][0]]


def _pattern_mask(small: Image.Image) -> np.ndarray:
    """The garment (the shared segmentation) less a rim proportional to its size: its outline, the shading that
    darkens towards it and the seams along it are construction, not print."""
    garment = subject_mask(small)
    margin = max(4, int(round(0.045 * np.sqrt(garment.sum()))))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    return cv2.erode(garment.astype(np.uint8), disc).astype(bool)


def _without_plain_parts(inner: np.ndarray, other: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Drop large plain parts of another colour (a sneaker's sole, a cuff, a pocket) and their rims: a print is many
    small repeats, a part is one big smooth region."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(other.astype(np.uint8), 8)
    k3 = np.ones((3, 3), np.uint8)
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] < 0.08 * inner.sum():
            continue
        part = (labels == k).astype(np.uint8)
        # A part is one solid piece; a check's grid of darker bands is full of holes.
        outline, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        filled = cv2.drawContours(np.zeros_like(part), outline, -1, 1, -1)
        if part.sum() < 0.85 * filled.sum():
            continue
        core = cv2.erode(part, k3, iterations=2).astype(bool)
        if core.any() and strong[core].mean() < 0.03:
            inner = inner & ~cv2.dilate(part, k3, iterations=3).astype(bool)
    return inner


def detect_pattern(img: Image.Image) -> tuple[str, float]:
    """Coarse pattern from edge statistics inside the garment: (label, confidence 0..1)."""
    small = _small(img, 160)
    inner = _pattern_mask(small)
    if inner.sum() < 200:
        return "solid", 0.3
    grey = np.asarray(small.convert("L"), np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    lab = cv2.cvtColor(np.asarray(small, np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    base = np.median(lab[inner], axis=0)
    far = np.linalg.norm(lab - base, axis=2) > 30
    inner = _without_plain_parts(inner, far & inner, mag > 60)
    if inner.sum() < 200:
        return "solid", 0.3
    base = np.median(lab[inner], axis=0)
    other = (np.linalg.norm(lab - base, axis=2) > 30) & inner
    other_share = other.sum() / inner.sum()
    strong = inner & (mag > 60)
    density = strong.mean() / max(inner.mean(), 1e-6)
    if density < 0.05 or other_share < 0.04:
        # A few seams, buttons or a trim line are edges too, but a print covers a good share of the garment.
        return "solid", float(np.clip(1 - min(density / 0.05, other_share / 0.04), 0.3, 1.0))
    ang = (np.degrees(np.arctan2(gy[strong], gx[strong])) + 180) % 180
    hist = np.bincount((ang // 15).astype(int) % 12, minlength=12) / max(1, strong.sum())
    peak = int(np.argmax(hist))
    peak_share = hist[(peak - 1) % 12] + hist[peak] + hist[(peak + 1) % 12]
    ortho = (peak + 6) % 12
    ortho_share = hist[(ortho - 1) % 12] + hist[ortho] + hist[(ortho + 1) % 12]
    diag = [(peak + 3) % 12, (peak + 9) % 12]
    diag_share = sum(hist[d] for d in diag)
    if peak_share > 0.6 and ortho_share < 0.15 and other_share > 0.1:
        return "stripes", float(min(1.0, peak_share))
    if peak_share > 0.3 and ortho_share > 0.25 and diag_share < 0.15:
        if peak in (2, 3, 4, 8, 9, 10):  # crossing diagonals: zigzag, not an axis-aligned grid
            return "chevron", float(min(1.0, peak_share + ortho_share - 0.3))
        return "checks", float(min(1.0, peak_share + ortho_share - 0.3))
    if diag_share > 0.3 and peak_share + ortho_share < 0.5 and density > 0.15:
        return "chevron", 0.4
    # Blobs of a second colour: regular small round blobs read as dots, irregular ones as a print.
    n, _, stats, centres = cv2.connectedComponentsWithStats(other.astype(np.uint8), 8)
    keep = stats[1:, cv2.CC_STAT_AREA] >= 4
    blobs, centres = stats[1:][keep], centres[1:][keep]
    areas = blobs[:, cv2.CC_STAT_AREA]
    # A print is scattered over the garment; buttons down a placket line up (seam slivers left out, and the median
    # deviation ignores a collar's two points).
    w, h = blobs[:, cv2.CC_STAT_WIDTH], blobs[:, cv2.CC_STAT_HEIGHT]
    dots = centres[np.maximum(w, h) <= 3 * np.minimum(w, h)]
    dots = dots if len(dots) >= 3 else centres
    ys, xs = np.nonzero(inner)
    mad = [np.median(np.abs(c - np.median(c))) for c in dots.T] if len(dots) else [0.0, 0.0]
    scatter = min(mad[0] / max(np.ptp(xs), 1), mad[1] / max(np.ptp(ys), 1))
    if len(areas) >= 8 and scatter >= 0.04:
        fill = areas / np.maximum(1, blobs[:, cv2.CC_STAT_WIDTH] * blobs[:, cv2.CC_STAT_HEIGHT])
        # Dots repeat one size (a few merge or are cut by the rim, so the spread is read from the quantiles).
        spread = np.percentile(areas, 90) / max(np.median(areas), 1e-6)
        if spread < 1.5 and np.median(fill) > 0.6:
            return "polka dots", float(np.clip(2.0 - spread, 0.5, 1.0))
        return "floral", 0.5
    return "solid", 0.3
