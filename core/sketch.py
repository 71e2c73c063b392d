"""Sketch domain: normalise a drawing (canvas or paper photo) and describe shapes so a sketch is matched
against catalog *outlines*, not coloured photos.

A shape descriptor is two L2-normalised blocks: HOG of the blurred stroke image (where the lines are and
which way they run) and a coarse grid of the filled silhouette (the garment's overall shape).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.errors import AtelierError
from core.images import foreground_mask
from core.segmentation.reading import subject_mask_at

log = logging.getLogger(__name__)

SIDE = 256
STROKE = 5
SKETCH_SLUG = "sketch-hog-v1"
HOG_SIDE, HOG_CELL, HOG_BINS = 64, 8, 9
SILHOUETTE_GRID = 16
SHAPE_DIM = (HOG_SIDE // HOG_CELL // 2) ** 2 * 4 * HOG_BINS + SILHOUETTE_GRID * SILHOUETTE_GRID


def hog(img: np.ndarray) -> np.ndarray:
    """Dalal-Triggs HOG (unsigned gradients, 8-px cells, 2x2-cell blocks, L2-Hys) of a HOG_SIDE square image."""
    g = img.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=1)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=1)
    mag, ang = cv2.cartToPolar(gx, gy, angleInDegrees=True)
    b = ((ang % 180.0) / (180.0 / HOG_BINS)).astype(np.int64) % HOG_BINS
    n = HOG_SIDE // HOG_CELL
    cy, cx = np.mgrid[0:HOG_SIDE, 0:HOG_SIDE] // HOG_CELL
    hist = np.bincount(((cy * n + cx) * HOG_BINS + b).ravel(), weights=mag.ravel(), minlength=n * n * HOG_BINS)
    hist = hist.reshape(n, n, HOG_BINS)
    blocks = hist.reshape(n // 2, 2, n // 2, 2, HOG_BINS).transpose(0, 2, 1, 3, 4).reshape(n // 2, n // 2, -1)
    blocks = blocks / np.sqrt((blocks**2).sum(-1, keepdims=True) + 1e-6)
    blocks = np.minimum(blocks, 0.2)
    blocks = blocks / np.sqrt((blocks**2).sum(-1, keepdims=True) + 1e-6)
    return blocks.ravel().astype(np.float32)


class SketchError(AtelierError):
    """A drawing Atelier cannot match, with guidance on what to change."""


@dataclass
class NormalisedSketch:
    image: Image.Image  # black strokes on white, SIDE x SIDE: what the matcher actually sees
    strokes: np.ndarray  # bool SIDE x SIDE
    silhouette: np.ndarray  # bool SIDE x SIDE, the area enclosed by the strokes


def _skeleton_to_width(ink: np.ndarray, width: int) -> np.ndarray:
    """Same line width whatever the pen: thin to a 1-px skeleton, then redraw at `width`."""
    img = ink.astype(np.uint8) * 255
    skel = np.zeros_like(img)
    kernel = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    for _ in range(64):
        opened = cv2.morphologyEx(img, cv2.MORPH_OPEN, kernel)
        skel |= cv2.subtract(img, opened)
        img = cv2.erode(img, kernel)
        if not img.any():
            break
    return cv2.dilate(skel, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (width, width))) > 0


def _frame(mask: np.ndarray, margin: float = 0.08) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    side = max(x1 - x0, y1 - y0)
    pad = int(side * margin) + 1
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    half = side // 2 + pad
    return cx - half, cy - half, cx + half, cy + half


def _square_crop(mask: np.ndarray, box) -> np.ndarray:
    x0, y0, x1, y1 = box
    h, w = mask.shape
    out = np.zeros((y1 - y0, x1 - x0), np.uint8)
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = mask[sy0:sy1, sx0:sx1]
    return cv2.resize(out * 255, (SIDE, SIDE), interpolation=cv2.INTER_AREA) > 60


def _fill(strokes: np.ndarray) -> np.ndarray:
    """The region enclosed by the strokes (flood the outside from the border); gaps are closed first."""
    closed = cv2.morphologyEx(strokes.astype(np.uint8) * 255, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15)))
    flood = closed.copy()
    h, w = flood.shape
    ffmask = np.zeros((h + 2, w + 2), np.uint8)
    cv2.floodFill(flood, ffmask, (0, 0), 255)
    inside = cv2.bitwise_not(flood) | closed
    return inside > 0


def ink_from_drawing(img: Image.Image) -> np.ndarray:
    """Ink mask of a drawing: canvas strokes (RGBA) or a photo of pen on paper."""
    if img.mode in ("RGBA", "LA") and np.asarray(img.getchannel("A")).min() < 250:
        alpha = np.asarray(img.getchannel("A"), np.float32)
        rgb = np.asarray(img.convert("RGB"), np.float32)
        dark = rgb.mean(axis=2) < 200
        return (alpha > 60) & (dark | (alpha > 60))
    grey = np.asarray(img.convert("L"), np.float32)
    # Flatten uneven paper lighting: divide by a heavily blurred copy (the paper's own shading).
    k = max(31, (min(grey.shape) // 8) | 1)
    paper = cv2.GaussianBlur(grey, (k, k), 0)
    flat = np.clip(grey / np.maximum(paper, 1.0) * 255.0, 0, 255).astype(np.uint8)
    _, ink = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = ink > 0
    if (flat < 200).mean() < 0.002:  # nothing darker than the paper at all
        return np.zeros_like(ink)
    return ink


def _drop_specks(mask: np.ndarray, min_frac: float = 0.0004) -> np.ndarray:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    keep = np.zeros(n, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= max(4, min_frac * mask.size)
    return keep[labels]


def looks_like_photo(img: Image.Image) -> bool:
    """A sketch is paper with lines; a photo has colour or large filled areas of non-paper tone."""
    small = img.convert("RGB")
    small.thumbnail((160, 160))
    hsv = cv2.cvtColor(np.asarray(small), cv2.COLOR_RGB2HSV)
    colourful = ((hsv[..., 1] > 80) & (hsv[..., 2] > 60)).mean()
    grey = np.asarray(small.convert("L"), np.float32)
    paper = cv2.GaussianBlur(grey, (0, 0), max(grey.shape) / 4)  # lighting only, not the subject
    subject = _drop_specks(grey / np.maximum(paper, 1.0) < 0.85, 0.002)
    box = _frame(subject, margin=0.0)
    if box is None:
        return colourful > 0.12
    x0, y0, x1, y1 = box
    filled = subject[max(0, y0):y1, max(0, x0):x1].mean()
    return colourful > 0.12 or filled > 0.35


def normalise_sketch(img: Image.Image) -> NormalisedSketch:
    """Canvas drawing or paper photo -> centred black strokes of fixed width on white; or a SketchError."""
    from core.images import analysis_view

    img = analysis_view(img)  # the square crop below is as large as the drawing's long side
    if img.mode not in ("RGBA", "LA") and looks_like_photo(img):
        raise SketchError("This looks like a photo rather than a sketch. Use Discover's image search for photos, "
                          "or upload a line drawing (dark pen on light paper).")
    ink = _drop_specks(ink_from_drawing(img))
    if ink.sum() < 20:
        raise SketchError("The drawing is empty. Draw the outline of a garment (for example a dress or a shirt).")
    box = _frame(ink)
    x0, y0, x1, y1 = box
    if (x1 - x0) < 0.12 * max(ink.shape):
        raise SketchError("The drawing is too small (a dot or a tiny mark). Draw the whole garment, filling most "
                          "of the canvas.")
    cropped = _square_crop(ink, box)
    if cropped.mean() > 0.35:  # ink covers most of its own frame: a filled scribble, not lines
        raise SketchError("The drawing is mostly filled in. Draw the garment's outline and main seams as lines, "
                          "not a solid scribble.")
    strokes = _skeleton_to_width(cropped, STROKE)
    silhouette = _fill(strokes)
    out = Image.fromarray(np.where(strokes, 0, 255).astype(np.uint8)).convert("RGB")
    return NormalisedSketch(out, strokes, silhouette)


def _thin_lines(grey: np.ndarray, box) -> np.ndarray:
    """Where the photo has a line thinner than 2% of the garment's frame (a seam's stitching, a pocket's edge), darker
    or lighter than both its sides (black-hat / top-hat), not a step between two wide areas of colour (a print)."""
    k = max(3, int(0.02 * (box[2] - box[0]))) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    g = cv2.GaussianBlur(grey, (3, 3), 0)
    hat = np.maximum(cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, kernel), cv2.morphologyEx(g, cv2.MORPH_TOPHAT, kernel))
    return cv2.dilate((hat > 25).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0


def outline_of_product(img: Image.Image) -> NormalisedSketch:
    """A catalog photo in the sketch domain: its silhouette's outline plus its strongest inner edges."""
    from core.images import analysis_view

    rgb = analysis_view(img).convert("RGB")  # edges and the square crop cost what ANALYSIS_SIDE costs, at most
    # The garment as the tags read it (one segmentation per photo, shared with the encoder's colour and pattern
    # readings at ingest), scaled to this view: the outline is blurred to HOG cells of 1/8 of its side anyway.
    mask = subject_mask_at(img, rgb.size)
    box = _frame(mask, margin=0.08)
    if box is None:
        raise SketchError("No garment found in the image.")
    sil = _square_crop(mask, box)
    sil = _fill(sil) | sil
    contour = (sil ^ cv2.erode(sil.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool))
    grey = np.asarray(rgb.convert("L"))
    edges = cv2.Canny(cv2.GaussianBlur(grey, (5, 5), 0), 80, 200) > 0
    # Inner edges: away from the backdrop's colour too, where the mask holds it inside the garment (a print's light
    # ground on a light backdrop): their edges are the print's repeats, not seams.
    solid = mask & foreground_mask(rgb)
    # And only along thin lines (stitching, a pocket's edge): where two wide areas of colour meet (yellow chevrons
    # on red, pink and blue stripes) the edge is a print's, not a seam.
    inside = edges & cv2.erode(solid.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & _thin_lines(grey, box)
    inner = _square_crop(inside, box)
    # Inner edges count only where they are long lines (seams, hems), not texture (prints, stripes).
    inner = _drop_specks(inner, 0.003)
    strokes = _skeleton_to_width(contour | inner, STROKE)
    out = Image.fromarray(np.where(strokes, 0, 255).astype(np.uint8)).convert("RGB")
    return NormalisedSketch(out, strokes, sil)


def shape_descriptor(sk: NormalisedSketch) -> np.ndarray:
    blurred = cv2.GaussianBlur(sk.strokes.astype(np.float32) * 255, (0, 0), 6)
    small = cv2.resize(blurred, (HOG_SIDE, HOG_SIDE), interpolation=cv2.INTER_AREA)
    small = np.clip(small / max(small.max(), 1e-6) * 255, 0, 255).astype(np.uint8)
    hog_v = hog(small)
    grid = cv2.resize(sk.silhouette.astype(np.float32), (SILHOUETTE_GRID, SILHOUETTE_GRID),
                      interpolation=cv2.INTER_AREA).ravel()
    grid = grid - grid.mean()
    hog_v /= max(np.linalg.norm(hog_v), 1e-9)
    grid /= max(np.linalg.norm(grid), 1e-9)
    v = np.concatenate([hog_v * np.sqrt(0.5), grid * np.sqrt(0.5)])
    return v / max(np.linalg.norm(v), 1e-9)
