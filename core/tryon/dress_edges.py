"""A dress's product shot matted cleanly at its outline (classic backend). Lace, fringed and sheer edges let the
backdrop show through small gaps near the outline, and fine threads stick out past it: worn, those read as light
speckle and a fuzzy halo round the garment. Here the outline loses what is thinner than a small disc (a majority
vote: threads go, straps, sleeves and a ruffle's scallops stay), and backdrop-coloured specks near the outline take
the colour of the cloth round them (normalised convolution), so the edge is crisp. A light garment on a light
backdrop (most of its edge as light as the backdrop) keeps its own colour."""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from core.segmentation.backdrop import backdrop_of, to_lab

NEAR = 22.0  # Lab units from the backdrop's colour: the backdrop seen through a gap, blended with the threads
BAND = 0.02  # how far in from the outline the backdrop may show through (share of the shot's longer side)
MAX_NOISE = 6.0  # the backdrop's own spread (Lab units) above which no speck is told from the print
MAX_SHARE = 0.35  # a band lighter than this share like the backdrop is a light garment, left as it is


def backdrop_specks(shot: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Pixels of the garment near its outline where the backdrop shows through: its colour or nearly (blended with
    a lace's threads), no lighter than it, lighter than the cloth round them, in small specks over the whole garment
    (a lace's gaps, not a white flower of the print); none where the garment's own edge is that light."""
    h, w = mask.shape
    size = max(h, w)
    lab = to_lab(shot)
    bd = backdrop_of(shot)
    if bd.noise > MAX_NOISE:  # a mottled backdrop: its colour tells nothing apart from a light print
        return np.zeros_like(mask)
    cloth_l = cv2.medianBlur(lab[..., 0].astype(np.uint8), 9).astype(np.float32)
    near = (np.linalg.norm(lab - bd.colour, axis=2) < NEAR) & mask
    near &= (lab[..., 0] <= bd.colour[0] + 3.0) & (lab[..., 0] > cloth_l + 15.0)
    r = max(2, int(BAND * size))
    inner = cv2.erode(mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    band = mask & (inner == 0)
    if not (near & band).any():
        return np.zeros_like(mask)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(near.astype(np.uint8), 8)
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] <= (0.012 * size) ** 2
    # ... and thin: a gap between threads, nowhere as wide as a printed petal
    wide = cv2.erode(near.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))) > 0
    small[np.unique(labels[wide])] = False
    # ... and never the shaded rim of a print lighter than the backdrop (a white flower on an off-white backdrop)
    lighter = cv2.dilate((lab[..., 0] > bd.colour[0] + 3.0).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    small[np.unique(labels[lighter & near])] = False
    specks = small[labels] & band
    return specks if specks.sum() <= MAX_SHARE * max(band.sum(), 1) else np.zeros_like(mask)


def crisp_edges(garment_img: Image.Image, tex: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(texture, mask) of a product shot with a crisp outline: no threads standing out of it, no backdrop specks
    near it. `tex`: float RGB (the shot with its outline cleaned, pixels.inner_texture); `mask`: the garment."""
    shot = np.asarray(garment_img.convert("RGB"))
    size = max(mask.shape)
    k = max(5, int(0.014 * size) | 1)
    smooth = (cv2.medianBlur(mask.astype(np.uint8) * 255, k) > 127) & mask
    specks = backdrop_specks(shot, smooth)
    if not specks.any():
        return tex, smooth
    cloth = (smooth & ~specks).astype(np.float32)
    sigma = max(1.5, 0.006 * size)
    num = cv2.GaussianBlur(tex * cloth[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(cloth, (0, 0), sigma)[..., None]
    out = tex.copy()
    fill = specks & (den[..., 0] > 1e-3)
    out[fill] = (num / np.maximum(den, 1e-3))[fill]
    return out, smooth
