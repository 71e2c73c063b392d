"""What every design backend shares: the request and result, the mask in, and the exact paste-back out.

A backend (diffusion.py, offline.py) takes a DesignRequest and returns images the size of the input in which every
pixel outside the mask is exactly the original (a feathered seam lies inside the mask only). It prepares its own
prompt (`prepare_prompt`), so no caller needs to know which backend it holds.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Callable, Protocol

import cv2
import numpy as np
from PIL import Image

from core.errors import AtelierError

StepCallback = Callable[[int, int], None]
MAX_SIDE = 1024  # generation happens at most this large; the result is scaled back to the input size
BACKDROP_WORDS = frozenset({"background", "backdrop", "backgrounds"})


class DesignCancelled(AtelierError):
    """The user stopped a generation; nothing was added to the history."""


@dataclass
class DesignRequest:
    image: Image.Image
    mask: Image.Image  # white (or any non-zero) = change, black = keep
    prompt: str
    negative_prompt: str | None = None  # None: the backend's own default
    steps: int = 30
    guidance: float = 7.5
    seed: int = 0
    strength: float = 1.0
    variations: int = 1


@dataclass
class DesignResult:
    images: list[Image.Image]
    prompt: str
    negative_prompt: str
    backend: str
    model: str
    seed: int
    steps: int
    seconds: float
    notes: list[str] = field(default_factory=list)
    mask: np.ndarray | None = None  # the pixels the edit was allowed to change


class DesignBackend(Protocol):
    name: str
    info: str
    model_id: str
    generative: bool  # free-form prompts (diffusion) or a fixed set of edits (offline)

    def prepare_prompt(self, prompt: str) -> tuple[str, str]:
        """(prompt to send, negative prompt) for the user's words; raises AtelierError for an empty prompt."""

    def generate(self, req: DesignRequest, progress: StepCallback | None = None,
                 cancel: threading.Event | None = None) -> DesignResult: ...


def binary_mask(mask: Image.Image) -> np.ndarray:
    """A painted or uploaded mask as booleans: the alpha channel where there is one, else light pixels."""
    if mask.mode in ("RGBA", "LA", "PA") or (mask.mode == "P" and "transparency" in mask.info):
        arr = np.asarray(mask.convert("RGBA"))[..., 3]
        if arr.min() < 255:
            return arr > 0
    return np.asarray(mask.convert("L")) > 127


def close_strokes(drawn: np.ndarray, brush: int = 0) -> np.ndarray:
    """Brush strokes as the painter meant them: gaps between neighbouring strokes closed, small holes filled.

    The gap closed scales with the brush (strokes a brush-width apart belong together); enclosed unpainted areas
    smaller than a few brush footprints are filled, larger ones (a ring drawn on purpose) are kept."""
    if not drawn.any():
        return drawn.astype(bool)
    h, w = drawn.shape
    reach = max(3, int(round(brush if brush > 0 else 0.03 * max(h, w))))
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
    closed = cv2.morphologyEx(drawn.astype(np.uint8), cv2.MORPH_CLOSE, k, borderType=cv2.BORDER_CONSTANT,
                              borderValue=0) > 0
    inv = (~closed).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(inv, 4)
    border = set(np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])).tolist())
    small = 6 * reach * reach
    for lab in range(1, n):
        if lab not in border and stats[lab, cv2.CC_STAT_AREA] <= small:
            closed |= labels == lab
    return closed | drawn.astype(bool)


def stroke_coverage(drawing: Image.Image) -> np.ndarray:
    """How much of each canvas pixel the strokes cover (0..1). The canvas draws strokes anti-aliased: their faint
    outer fringe (a few percent of the stroke's opacity) is not paint the stylist sees, so coverage is measured
    against the stroke's own opacity, not "any alpha at all" (which grew the mask by a pixel of ticks)."""
    if drawing.mode in ("RGBA", "LA", "PA") or (drawing.mode == "P" and "transparency" in drawing.info):
        alpha = np.asarray(drawing.convert("RGBA"))[..., 3].astype(np.float32)
        if alpha.min() < 255 and alpha.max() > 0:
            return np.clip(alpha / alpha.max(), 0.0, 1.0)
    return binary_mask(drawing).astype(np.float32)


def mask_from_drawing(drawing: Image.Image, size: tuple[int, int], brush: int = 0) -> np.ndarray:
    """The one mask a painted canvas means, at the image's size: the page previews it and sends it.

    `brush` is in canvas pixels; strokes are closed at the canvas's scale, then scaled to `size` (width, height)
    smoothly: the coverage is interpolated and cut at one half, so a stroke's edge is the curve it was drawn as, not
    canvas pixels blown up into steps."""
    cover = stroke_coverage(drawing)
    closed = close_strokes(cover >= 0.5, brush)
    if closed.shape == (size[1], size[0]):
        return closed
    cover = np.maximum(cover, closed.astype(np.float32))
    if size[0] > cover.shape[1]:  # enlarging: a touch of blur first, or linear interpolation keeps the corners
        cover = cv2.GaussianBlur(cover, (0, 0), 0.5)
    return cv2.resize(cover, size, interpolation=cv2.INTER_LINEAR if size[0] >= cover.shape[1] else cv2.INTER_AREA) >= 0.5


def mask_image(mask: np.ndarray) -> Image.Image:
    return Image.fromarray((mask.astype(np.uint8) * 255))


def prepare_mask(image: Image.Image, mask: Image.Image) -> np.ndarray:
    """Boolean mask at the image's size; clear errors for empty, full or mismatched masks."""
    binary = binary_mask(mask)
    if binary.shape != (image.height, image.width):
        mh, mw = binary.shape
        if abs(mw / mh - image.width / image.height) > 0.02:
            raise AtelierError(f"The mask is {mw}x{mh} but the image is {image.width}x{image.height}; "
                               "paint the mask over this image (same proportions).")
        binary = cv2.resize(binary.astype(np.uint8), (image.width, image.height), interpolation=cv2.INTER_NEAREST) > 0
    share = binary.mean()
    if share == 0:
        raise AtelierError("The mask is empty: paint over the part of the garment you want to change.")
    if share > 0.95:
        raise AtelierError("The mask covers the whole image: paint only the part to change, so the rest of the "
                           "design is kept.")
    return binary


def asks_for_backdrop(prompt: str) -> bool:
    """'change the background to blue': the edit is meant for the backdrop, not the garment."""
    return bool(BACKDROP_WORDS & set(re.findall(r"[a-z]+", (prompt or "").lower())))


def edit_region(image: Image.Image, mask: np.ndarray, prompt: str) -> np.ndarray:
    """The pixels an edit may change: the user's mask on the garment (or on the backdrop when the prompt asks for
    it). A photo without a plain backdrop keeps the mask as painted."""
    from core.segmentation import GarmentNotFound, backdrop_of, garment_mask

    if backdrop_of(np.asarray(image.convert("RGB"))).busy:
        return mask
    try:
        garment = garment_mask(image, min_share=0.0)
    except GarmentNotFound:
        return mask
    if asks_for_backdrop(prompt):
        # The garment's outermost pixel is half backdrop (anti-aliasing): it takes the new backdrop, so no halo.
        region = mask & ~(cv2.erode(garment.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
        if not region.any():
            raise AtelierError("The mask covers only the garment; paint over the background to change it.")
        return region
    region = mask & garment
    if region.sum() < 0.01 * mask.sum() or not region.any():
        raise AtelierError("The mask does not touch the garment: paint over the part of the garment to change "
                           "(or say 'change the background to ...' to edit the backdrop).")
    return region


def paste_back(original: Image.Image, generated: Image.Image, mask: np.ndarray, feather: int = 6,
               soft_from: np.ndarray | None = None) -> Image.Image:
    """Blend generated pixels into the original inside the mask only (feathered inward); outside is exact.

    `soft_from` (a larger mask, e.g. the painted one when `mask` is cut to the garment) says which edges are
    feathered: only the painted edge is soft, while the garment's own outline stays crisp."""
    gen = generated.convert("RGB").resize(original.size, Image.LANCZOS) if generated.size != original.size else generated.convert("RGB")
    m = mask.astype(np.float32)
    if feather > 0:
        # The seam's width follows the picture's size (2 px at 384 px is 5 px at 1000 px), and the ramp is a
        # smoothstep over a distance measured precisely (DIST_MASK_PRECISE), so the blend has no kink or steps.
        feather = max(feather, feather * max(original.size) / 512.0)
        dist = cv2.distanceTransform((mask if soft_from is None else soft_from | mask).astype(np.uint8), cv2.DIST_L2,
                                     cv2.DIST_MASK_PRECISE)
        t = np.clip((dist - 0.5) / feather, 0.0, 1.0)
        m = (t * t * (3 - 2 * t)) * mask
    alpha = m[..., None]
    out = np.asarray(original.convert("RGB"), np.float32) * (1 - alpha) + np.asarray(gen, np.float32) * alpha
    out = np.where(mask[..., None], np.clip(np.rint(out), 0, 255), np.asarray(original.convert("RGB"), np.float32))
    return Image.fromarray(out.astype(np.uint8))


def working_size(w: int, h: int, max_side: int = MAX_SIDE, multiple: int = 8) -> tuple[int, int]:
    scale = min(1.0, max_side / max(w, h))
    return max(multiple, int(round(w * scale / multiple)) * multiple), max(multiple, int(round(h * scale / multiple)) * multiple)
