"""The garment's cloth inside an edit region: Lab colour, its ground colour, print weight and shading."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab (L 0..100, a/b signed) of uint8 RGB."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def to_rgb(lab: np.ndarray) -> np.ndarray:
    lab = lab.astype(np.float32).copy()
    lab[..., 0] = np.clip(lab[..., 0], 0, 100)
    return np.clip(np.rint(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB) * 255), 0, 255).astype(np.uint8)


def lab_of(colour) -> np.ndarray:
    return to_lab(np.array([[colour]], np.uint8))[0, 0]


@dataclass
class Fabric:
    """The garment inside the edit region: ground colour, how much each pixel is ground, and smooth shading."""
    ground: np.ndarray  # Lab
    weight: np.ndarray  # 0..1 per pixel: 1 = the ground colour, 0 = the print
    shading: np.ndarray  # ground lightness relative to its median, smoothed (1 = median); folds and light to keep


def read_fabric(lab: np.ndarray, region: np.ndarray, rng: np.random.Generator) -> Fabric:
    px = lab[region]
    sample = px[rng.choice(len(px), min(len(px), 6000), replace=False)].astype(np.float32)
    k = min(3, len(sample))
    cv2.setRNGSeed(int(rng.integers(2**31 - 1)))  # kmeans++ draws from OpenCV's own generator: same seed, same image
    _, labels, centres = cv2.kmeans(sample, k, None, (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5),
                                    3, cv2.KMEANS_PP_CENTERS)
    ground = centres[np.argmax(np.bincount(labels.ravel(), minlength=k))]
    # Shading differences (up to ~25 L) are still ground; a print differs in hue or strongly in lightness.
    d_ab = np.linalg.norm(lab[..., 1:] - ground[1:], axis=2)
    d_l = np.abs(lab[..., 0] - ground[0])
    d = np.hypot(d_ab, np.maximum(0.0, d_l - 12) * 1.2)
    weight = np.clip(1.0 - (d - 10.0) / 15.0, 0.0, 1.0) * region
    # Normalised convolution: the ground's lightness spread over the print's pixels, so shading ignores the print.
    sigma = max(2.0, 0.015 * max(region.shape))
    sure = (weight > 0.85).astype(np.float32)  # only clear ground pixels: mixed print edges would ghost through
    num = cv2.GaussianBlur(lab[..., 0] * sure, (0, 0), sigma)
    den = cv2.GaussianBlur(sure, (0, 0), sigma)
    ref = float(np.median(lab[..., 0][region & (weight > 0.5)])) if (region & (weight > 0.5)).any() else ground[0]
    smooth = np.where(den > 1e-3, num / np.maximum(den, 1e-3), ref)
    shading = np.clip(smooth / max(ref, 1.0), 0.3, 1.5)
    return Fabric(ground.astype(np.float32), weight.astype(np.float32), shading.astype(np.float32))


def seam_lines(lab: np.ndarray) -> np.ndarray:
    """Thin dark lines of the garment (outline, seams, pleats, pocket edges, buttons) in L units: kept through a new
    pattern or material so the garment stays a garment, while wide motifs (a print) are not carried over."""
    L = lab[..., 0].astype(np.float32)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    return np.clip(cv2.morphologyEx(L, cv2.MORPH_BLACKHAT, k), 0, 40)


def shade(colour_lab: np.ndarray, shading: np.ndarray, contrast: float = 1.0) -> np.ndarray:
    """A colour field (H, W, 3 Lab) lit like the garment: lightness follows the shading, gentler on dark colours."""
    out = colour_lab.astype(np.float32).copy()
    L = out[..., 0]
    k = contrast * (0.55 + 0.45 * np.clip(L / 60.0, 0, 1))
    out[..., 0] = L * (1 + (shading - 1) * k)
    return out


def garment_box(region: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(region)
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
