"""The plain backdrop of a product shot: its colour and noise on the border, and what reads as it in shade."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.errors import AtelierError


class GarmentNotFound(AtelierError):
    """No garment could be told from the backdrop."""


@dataclass
class Backdrop:
    colour: np.ndarray  # Lab median of the border
    noise: float  # the border's spread in Lab units: how far a backdrop pixel may stray
    busy: bool  # the border is not one plain colour


def to_lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)


def border_pixels(a: np.ndarray, width: int = 2) -> np.ndarray:
    return np.concatenate([a[:width].reshape(-1, a.shape[-1]), a[-width:].reshape(-1, a.shape[-1]),
                           a[:, :width].reshape(-1, a.shape[-1]), a[:, -width:].reshape(-1, a.shape[-1])])


def backdrop_of(rgb: np.ndarray) -> Backdrop:
    """The plain backdrop's colour and noise, measured on the image border."""
    lab = to_lab(rgb)
    border = border_pixels(lab)
    colour = np.median(border, axis=0)
    dist = np.linalg.norm(border - colour, axis=1)
    noise = float(np.percentile(dist, 90))
    busy = float(np.std(border_pixels(rgb.astype(np.float32)), axis=0).mean()) > 28
    return Backdrop(colour, noise, busy)


def shadow_like(lab: np.ndarray, bd: Backdrop) -> np.ndarray:
    """Pixels that read as the backdrop in shade: same chroma, a little darker (drop shadows, vignetting)."""
    d_chroma = np.linalg.norm(lab[..., 1:] - bd.colour[1:], axis=2)
    ratio = lab[..., 0] / max(float(bd.colour[0]), 1.0)
    return (d_chroma < max(4.0, 2 * bd.noise)) & (ratio > 0.82) & (ratio < 1.0 + 0.02 + bd.noise / 255)
