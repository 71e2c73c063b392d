"""The Creative Director's seam where the painted mask stops: nothing changes outside the paint (no ticks), and the
edge follows the stroke as drawn (no canvas pixels blown up into steps), blended over a smooth ramp inside.

Measured on a canvas drawing as streamlit-drawable-canvas makes it (anti-aliased strokes at 60% opacity, 448 px
wide) over a 1000 px picture, against the same stroke drawn exactly at the picture's size."""
import cv2
import numpy as np
from PIL import Image

from core.design import mask_from_drawing, paste_back

CANVAS, SIZE = 448, 1000


def _stroke(scale: float, samples: int = 1) -> np.ndarray:
    """How much of each pixel a thick diagonal stroke and a ring cover (0..1), drawn exactly: a picture `scale`
    times the canvas, each pixel sampled samples x samples times (1: inside or not at the pixel's centre)."""
    n = round(CANVAS * scale)
    grid = (np.arange(n * samples) + 0.5) / (samples * scale)  # sample centres, in canvas pixels
    x, y = np.meshgrid(grid, grid)
    (ax, ay), (bx, by) = (40.0, 60.0), (190.0, 230.0)
    t = np.clip(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2), 0, 1)
    line = np.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) <= 14.0
    ring = np.abs(np.hypot(x - 330.0, y - 300.0) - 60.0) <= 9.0
    inside = (line | ring).astype(np.float32)
    return inside.reshape(n, samples, n, samples).mean(axis=(1, 3))


def canvas_drawing() -> Image.Image:
    """The canvas's picture of the stroke: anti-aliased, at the stroke colour's 60% opacity."""
    alpha = np.rint(_stroke(1.0, samples=4) * 153).astype(np.uint8)  # rgba(255, 60, 60, 0.6)
    rgba = np.zeros((CANVAS, CANVAS, 4), np.uint8)
    rgba[..., 0], rgba[..., 1], rgba[..., 2], rgba[..., 3] = 255, 60, 60, alpha
    return Image.fromarray(rgba, "RGBA")


def edge_measures(mask: np.ndarray) -> dict:
    """ticks: mask pixels more than 1 px outside the exact stroke; roughness: the area between the mask's edge and
    the exact edge per pixel of edge (px; steps of k px score about k/4)."""
    ideal = _stroke(SIZE / CANVAS) > 0.5  # the same stroke, drawn at the picture's size
    grown = cv2.dilate(ideal.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    perimeter = sum(cv2.arcLength(c, True) for c in cv2.findContours(ideal.astype(np.uint8), cv2.RETR_LIST,
                                                                       cv2.CHAIN_APPROX_NONE)[0])
    return {"ticks": int((mask & ~grown).sum()), "roughness": float((mask ^ ideal).sum() / perimeter)}


def test_a_painted_stroke_becomes_a_mask_without_ticks_or_steps():
    mask = mask_from_drawing(canvas_drawing(), (SIZE, SIZE), brush=0)
    m = edge_measures(mask)
    assert m["ticks"] == 0, m  # before: the stroke's faint anti-aliased fringe counted as paint
    assert m["roughness"] < 0.35, m  # before: 2.2x nearest-neighbour steps and the fringe, 1.08 px (589 ticks)


def test_paste_back_changes_nothing_outside_and_ramps_smoothly_inside():
    mask = mask_from_drawing(canvas_drawing(), (SIZE, SIZE), brush=0)
    rng = np.random.default_rng(0)
    original = Image.fromarray(rng.integers(90, 110, (SIZE, SIZE, 3), dtype=np.uint8))
    generated = Image.new("RGB", (SIZE, SIZE), (230, 20, 20))
    out = np.asarray(paste_back(original, generated, mask, feather=2)).astype(int)
    orig = np.asarray(original).astype(int)
    assert (np.abs(out - orig).sum(2)[~mask] == 0).all()  # outside the paint: exactly the original
    # The seam: the biggest step between neighbours across it, as a share of the full change (about 230 in red).
    red = out[..., 0]
    step = max(np.abs(np.diff(red, axis=0)).max(), np.abs(np.diff(red, axis=1)).max()) / 230.0
    assert step < 0.3, step  # before: a 2 px linear ramp at 1000 px, steps of a third of the change (0.33)
    inside = cv2.erode(mask.astype(np.uint8), np.ones((25, 25), np.uint8)) > 0
    assert (out[inside] == (230, 20, 20)).all()  # well inside: the new design itself
