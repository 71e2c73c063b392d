"""Hand-drawn-like sketches made from catalog outlines: jittered, gappy strokes of varying width."""
from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from core.images import foreground_mask


def sketch_from_product(img: Image.Image, seed: int, size: int = 400, rgba: bool = False) -> Image.Image:
    """Trace the garment's outline like a hand would: wobble, gaps, uneven pen, offset and scale."""
    rng = random.Random(seed)
    mask = foreground_mask(img.convert("RGB")).astype(np.uint8)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    canvas = Image.new("RGBA" if rgba else "RGB", (size, size), (0, 0, 0, 0) if rgba else (255, 255, 255))
    d = ImageDraw.Draw(canvas)
    scale = rng.uniform(0.7, 1.0) * size / max(img.size)
    ox, oy = rng.uniform(-0.1, 0.1) * size, rng.uniform(-0.1, 0.1) * size
    cx, cy = img.width / 2, img.height / 2
    for c in contours:
        if cv2.contourArea(c) < 200:
            continue
        pts = c[:, 0, :][:: max(1, len(c) // 120)].astype(float)
        width = rng.randint(2, 7)
        prev = None
        for k, (x, y) in enumerate(pts):
            p = ((x - cx) * scale + size / 2 + ox + rng.gauss(0, 2), (y - cy) * scale + size / 2 + oy + rng.gauss(0, 2))
            if prev is not None and rng.random() > 0.06:  # ~6% of segments left out: gaps
                d.line([prev, p], fill=(20, 20, 20, 255), width=width)
            prev = p
    return canvas


def dress_outline(size: int = 400, rgba: bool = True) -> Image.Image:
    """A simple dress as a person would draw it: straps, bodice, flared skirt."""
    img = Image.new("RGBA" if rgba else "RGB", (size, size), (0, 0, 0, 0) if rgba else (255, 255, 255))
    d = ImageDraw.Draw(img)
    s = size / 400
    pts = [(165, 50), (150, 90), (155, 175), (85, 360), (315, 360), (245, 175), (250, 90), (235, 50), (200, 85), (165, 50)]
    d.line([(x * s, y * s) for x, y in pts], fill=(0, 0, 0, 255), width=int(6 * s), joint="curve")
    d.line([(155 * s, 175 * s), (245 * s, 175 * s)], fill=(0, 0, 0, 255), width=int(5 * s))
    return img
