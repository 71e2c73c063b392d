"""Creative Director backends: diffusers inpainting, and the offline (non-generative) editor.

Both take the same DesignRequest and return images the size of the input in which every pixel outside
the mask is exactly the original (a feathered seam lies inside the mask only).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from core.attributes import PALETTE
from core.errors import AtelierError, ModelUnavailableError
from core.vocabulary import PHRASES

log = logging.getLogger(__name__)

DEFAULT_INPAINT_MODEL = "stable-diffusion-v1-5/stable-diffusion-inpainting"
QUALITY_WORDS = "high quality fashion product photo, detailed fabric texture, soft studio lighting"
NEGATIVE_PROMPT = ("blurry, low quality, deformed, distorted, watermark, text, logo, extra limbs, bad anatomy, "
                   "jpeg artifacts, oversaturated")
MAX_SIDE = 1024  # generation happens at most this large; the result is scaled back to the input size
StepCallback = Callable[[int, int], None]


class DesignCancelled(AtelierError):
    """The user stopped a generation; nothing was added to the history."""


@dataclass
class DesignRequest:
    image: Image.Image
    mask: Image.Image  # white (or any non-zero) = change, black = keep
    prompt: str
    negative_prompt: str = NEGATIVE_PROMPT
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


def enhance_prompt(prompt: str) -> tuple[str, str]:
    """The seed's prompt enhancer: the user's words first, then quality words; plus a negative prompt."""
    p = (prompt or "").strip().rstrip(".")
    if not p:
        raise AtelierError("Describe the change you want (for example: 'make it navy with white polka dots').")
    return f"{p}, {QUALITY_WORDS}", NEGATIVE_PROMPT


def prepare_mask(image: Image.Image, mask: Image.Image) -> np.ndarray:
    """Boolean mask at the image's size; clear errors for empty, full or mismatched masks."""
    m = mask.convert("RGBA") if mask.mode in ("RGBA", "LA", "P") else mask.convert("L")
    arr = np.asarray(m)
    binary = (arr[..., 3] > 0) if arr.ndim == 3 else (arr > 127)
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


def paste_back(original: Image.Image, generated: Image.Image, mask: np.ndarray, feather: int = 6) -> Image.Image:
    """Blend generated pixels into the original inside the mask only (feathered inward); outside is exact."""
    gen = generated.convert("RGB").resize(original.size, Image.LANCZOS) if generated.size != original.size else generated.convert("RGB")
    m = mask.astype(np.float32)
    if feather > 0:
        dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
        m = np.clip(dist / feather, 0.0, 1.0) * mask
    alpha = m[..., None]
    out = np.asarray(original.convert("RGB"), np.float32) * (1 - alpha) + np.asarray(gen, np.float32) * alpha
    out = np.where(mask[..., None], np.clip(np.rint(out), 0, 255), np.asarray(original.convert("RGB"), np.float32))
    return Image.fromarray(out.astype(np.uint8))


def _working_size(w: int, h: int, max_side: int = MAX_SIDE, multiple: int = 8) -> tuple[int, int]:
    scale = min(1.0, max_side / max(w, h))
    return max(multiple, int(round(w * scale / multiple)) * multiple), max(multiple, int(round(h * scale / multiple)) * multiple)


# ---- diffusion ---------------------------------------------------------------------------------------
class DiffusersInpaint:
    """Any diffusers inpainting pipeline (SD 1.5 / 2 / SDXL inpainting) from a Hub id or a local folder."""

    name = "diffusion"

    def __init__(self, model_id: str = DEFAULT_INPAINT_MODEL, device: str = "auto", local_files_only: bool | None = None):
        from diffusers import AutoPipelineForInpainting

        from core.weights import pick_device, pick_dtype

        self.device = pick_device(device)
        self.model_id = str(model_id)
        dtype = pick_dtype(self.device)
        kwargs = {"safety_checker": None, "requires_safety_checker": False}
        if local_files_only is not None:
            kwargs["local_files_only"] = local_files_only
        try:
            pipe = AutoPipelineForInpainting.from_pretrained(self.model_id, dtype=dtype, **kwargs)
        except TypeError:  # pipelines without a safety checker (SDXL) reject those arguments
            kwargs.pop("safety_checker"), kwargs.pop("requires_safety_checker")
            pipe = AutoPipelineForInpainting.from_pretrained(self.model_id, dtype=dtype, **kwargs)
        except (OSError, ValueError, EnvironmentError) as exc:
            raise ModelUnavailableError(
                f"Could not load the inpainting model '{self.model_id}': {exc}. Download it once with "
                f"`hf download {self.model_id}` (about 4-5 GB; a GPU is strongly advised), or set "
                "ATELIER_INPAINT_MODEL to a local folder. Until then the offline editor is used.") from exc
        self.pipe = pipe.to(self.device)
        self.pipe.set_progress_bar_config(disable=True)
        self.multiple = 8 * getattr(self.pipe, "vae_scale_factor", 8) // 8
        self._lock = threading.Lock()  # one generation at a time per process
        self.info = f"{self.model_id} on {self.device} ({str(dtype).replace('torch.', '')})"

    def generate(self, req: DesignRequest, progress: StepCallback | None = None,
                 cancel: threading.Event | None = None) -> DesignResult:
        import torch

        t0 = time.perf_counter()
        mask = prepare_mask(req.image, req.mask)
        prompt = (req.prompt or "").strip()
        if not prompt:
            raise AtelierError("Describe the change you want.")
        w, h = _working_size(req.image.width, req.image.height)
        img_in = req.image.convert("RGB").resize((w, h), Image.LANCZOS)
        # Dilate slightly at working size: the model sees a little context to blend into.
        mask_in = Image.fromarray((mask * 255).astype(np.uint8)).resize((w, h), Image.NEAREST)
        total = int(req.steps * min(1.0, max(0.0, req.strength)))
        if total < 1:
            raise AtelierError(f"{req.steps} steps at strength {req.strength} leave no denoising step; raise either.")

        def on_step(pipe, step, timestep, kwargs):
            if progress is not None:
                progress(step + 1, total)
            if cancel is not None and cancel.is_set():
                pipe._interrupt = True
            return kwargs

        images = []
        with self._lock:
            for v in range(max(1, req.variations)):
                gen = torch.Generator(device="cpu").manual_seed(int(req.seed) + v)
                try:
                    out = self.pipe(prompt=prompt, negative_prompt=req.negative_prompt or None, image=img_in,
                                    mask_image=mask_in, height=h, width=w, num_inference_steps=int(req.steps),
                                    guidance_scale=float(req.guidance), strength=float(req.strength), generator=gen,
                                    callback_on_step_end=on_step)
                except torch.cuda.OutOfMemoryError as exc:
                    torch.cuda.empty_cache()
                    raise AtelierError("The GPU ran out of memory. Try fewer variations, fewer steps or a smaller "
                                       "image; your earlier designs are kept.") from exc
                finally:
                    self.pipe._interrupt = False
                if cancel is not None and cancel.is_set():
                    raise DesignCancelled("Generation stopped; your earlier designs are kept.")
                images.append(paste_back(req.image, out.images[0], mask))
        return DesignResult(images, prompt, req.negative_prompt, self.name, self.model_id, int(req.seed), int(req.steps),
                            time.perf_counter() - t0)


# ---- offline editor ----------------------------------------------------------------------------------
# Colour, pattern and texture words from the one vocabulary: every shade maps to a colour the editor can paint.
COLOUR_WORDS = {w: c for w, (kind, c) in PHRASES.items() if kind == "colour" and " " not in w} | {"denim": None}
PATTERN_WORDS = {w: p for w, (kind, p) in PHRASES.items() if kind == "pattern" and " " not in w and p != "solid"}
TEXTURE_WORDS = {"denim": "denim", "jean": "denim", "leather": "leather", "knit": "knit", "knitted": "knit",
                 "wool": "knit", "cable": "knit", "corduroy": "corduroy", "cord": "corduroy"}
REMOVE_WORDS = {"remove", "erase", "delete", "clean", "rid"}
OFFLINE_HELP = ("The offline editor understands colours ('make it red', 'navy'), patterns ('navy stripes', "
                "'white polka dots', 'checks', 'floral', 'chevron'), textures ('denim', 'leather', 'knit', "
                "'corduroy') and 'remove this'. For free-form prompts install the diffusion weights "
                f"(`hf download {DEFAULT_INPAINT_MODEL}`).")


@dataclass
class EditPlan:
    kind: str  # recolour | pattern | texture | remove
    colour: str | None = None  # main colour word
    accent: str | None = None  # pattern colour
    pattern: str | None = None
    texture: str | None = None

    def describe(self) -> str:
        parts = {"recolour": f"recolour to {self.colour}", "remove": "remove (OpenCV inpainting)",
                 "pattern": f"{self.accent or 'contrasting'} {self.pattern} on {self.colour or 'the current colour'}",
                 "texture": f"{self.texture} texture in {self.colour or 'the current colour'}"}
        return parts[self.kind]


def parse_edit(prompt: str) -> EditPlan:
    words = re.findall(r"[a-z]+", (prompt or "").lower())
    if not words:
        raise AtelierError("Describe the change you want (for example: 'make it red' or 'navy stripes').")
    if REMOVE_WORDS & set(words):
        return EditPlan("remove")
    colours = [COLOUR_WORDS[w] for w in words if COLOUR_WORDS.get(w)]
    pattern = next((PATTERN_WORDS[w] for w in words if w in PATTERN_WORDS), None)
    texture = next((TEXTURE_WORDS[w] for w in words if w in TEXTURE_WORDS), None)
    if pattern:
        # "navy stripes" -> navy stripes on the current colour; "red with white dots" -> white dots on red.
        pos = next(i for i, w in enumerate(words) if w in PATTERN_WORDS)
        before = [COLOUR_WORDS[w] for w in words[:pos] if COLOUR_WORDS.get(w)]
        after = [COLOUR_WORDS[w] for w in words[pos:] if COLOUR_WORDS.get(w)]
        accent = before[-1] if before else (after[0] if after else None)
        base = None
        if len(colours) >= 2:
            base = next((c for c in colours if c != accent), None)
        return EditPlan("pattern", colour=base, accent=accent, pattern=pattern)
    if texture:
        return EditPlan("texture", colour=colours[0] if colours else ("blue" if texture == "denim" else None),
                        texture=texture)
    if colours:
        return EditPlan("recolour", colour=colours[0])
    raise AtelierError(f"The offline editor does not understand '{prompt.strip()}'. {OFFLINE_HELP}")


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)


def _rgb(lab: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.clip(lab, 0, 255).astype(np.uint8), cv2.COLOR_LAB2RGB)


def _shading(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Relative lightness inside the mask (1 = the region's median): folds and shadows to keep."""
    L = _lab(rgb)[..., 0]
    ref = np.median(L[mask]) if mask.any() else 128.0
    return np.clip(L / max(ref, 1.0), 0.4, 1.6)


def _paint(rgb: np.ndarray, mask: np.ndarray, colour_map: np.ndarray) -> np.ndarray:
    """Lay an RGB colour field over the region, keeping the garment's own shading."""
    shade = _shading(rgb, mask)
    lab = _lab(colour_map)
    lab[..., 0] = np.clip(lab[..., 0] * (0.35 + 0.65 * shade), 0, 255)
    return _rgb(lab)


def _pattern_field(kind: str, base, accent, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    field_ = np.empty((h, w, 3), np.uint8)
    field_[:] = base
    yy, xx = np.mgrid[0:h, 0:w]
    period = max(8, min(h, w) // 14)
    if kind == "stripes":
        sel = (yy % period) < period * 0.4
    elif kind == "checks":
        sel = ((yy // period) + (xx // period)) % 2 == 0
    elif kind == "chevron":
        sel = (yy + np.abs((xx % period) - period / 2)) % period < period * 0.45
    elif kind == "polka dots":
        cy = (yy % period) - period / 2
        cx = (xx % period) - period / 2
        sel = cy**2 + cx**2 < (period * 0.22) ** 2
    else:  # floral: five-petal flowers scattered at random
        sel = np.zeros((h, w), bool)
        img = np.zeros((h, w), np.uint8)
        for _ in range(int(h * w / (period * period * 1.5))):
            x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
            r = int(period * 0.25) + 1
            for k in range(5):
                a = k * 2 * np.pi / 5
                cv2.circle(img, (int(x + np.cos(a) * r), int(y + np.sin(a) * r)), max(1, int(r * 0.7)), 255, -1)
        sel = img > 0
    field_[sel] = accent
    return field_


def _texture_field(kind: str, colour, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    noise = rng.standard_normal((h, w)).astype(np.float32)
    if kind == "denim":  # diagonal twill with uneven indigo dye
        tone = 0.85 + 0.12 * np.sin((xx + yy) * 1.2) + 0.06 * cv2.GaussianBlur(noise, (0, 0), 1.0)
    elif kind == "leather":  # pebbled grain
        grain = cv2.GaussianBlur(noise, (0, 0), 1.6)
        tone = 0.92 + 0.25 * grain / (np.abs(grain).max() + 1e-6)
    elif kind == "corduroy":
        tone = 0.82 + 0.18 * (np.sin(xx * 0.9) > 0) + 0.03 * noise
    else:  # knit: rows of V stitches
        tone = 0.86 + 0.14 * np.abs(np.sin((xx % 8) * np.pi / 8 + np.sign((xx % 16) - 8) * yy * 0.5))
    base = np.array(colour, np.float32)
    return np.clip(base[None, None] * tone[..., None], 0, 255).astype(np.uint8)


class OfflineEditor:
    """A real non-generative editor: recolour, pattern fill, texture and removal inside the mask."""

    name = "offline editor"
    info = "offline editor (no diffusion weights): recolour, patterns, textures, remove"
    model_id = "offline-editor"

    def plan(self, prompt: str) -> EditPlan:
        return parse_edit(prompt)

    def generate(self, req: DesignRequest, progress: StepCallback | None = None,
                 cancel: threading.Event | None = None) -> DesignResult:
        t0 = time.perf_counter()
        mask = prepare_mask(req.image, req.mask)
        plan = parse_edit(req.prompt)
        rgb = np.asarray(req.image.convert("RGB"))
        if plan.kind != "remove":
            # Loose brush strokes past the garment's edge should not paint the backdrop.
            from core.images import foreground_mask

            on_garment = mask & foreground_mask(req.image)
            if on_garment.sum() >= 0.2 * mask.sum():
                mask = on_garment
        h, w = mask.shape
        images = []
        for v in range(max(1, req.variations)):
            rng = np.random.default_rng(int(req.seed) + v)
            current = tuple(int(c) for c in np.median(rgb[mask], axis=0))
            base = PALETTE[plan.colour] if plan.colour else current
            if plan.kind == "remove":
                out = cv2.inpaint(rgb, mask.astype(np.uint8) * 255, 7, cv2.INPAINT_TELEA)
            elif plan.kind == "recolour":
                out = _paint(rgb, mask, np.broadcast_to(np.array(base, np.uint8), rgb.shape).copy())
            elif plan.kind == "pattern":
                if plan.accent:
                    accent = PALETTE[plan.accent]
                else:  # contrasting: white on dark, navy on light
                    accent = PALETTE["white"] if np.mean(base) < 128 else PALETTE["navy"]
                out = _paint(rgb, mask, _pattern_field(plan.pattern, base, accent, h, w, rng))
            else:
                out = _paint(rgb, mask, _texture_field(plan.texture, base, h, w, rng))
            images.append(paste_back(req.image, Image.fromarray(out), mask, feather=2))
            if progress is not None:
                progress(v + 1, max(1, req.variations))
            if cancel is not None and cancel.is_set():
                raise DesignCancelled("Generation stopped; your earlier designs are kept.")
        return DesignResult(images, req.prompt, "", self.name, self.model_id, int(req.seed), 0, time.perf_counter() - t0,
                            notes=[plan.describe()])


def load_design_backend(model: str | None = None, device: str = "auto", offline_ok: bool = True):
    """Diffusion when its weights are available (folder, local cache or reachable Hub), else the offline editor."""
    from pathlib import Path

    from core.config import load_settings
    from core.weights import hub_reachable, is_cached_locally

    model = model or DEFAULT_INPAINT_MODEL
    if model == "offline":
        return OfflineEditor(), "the offline editor was asked for"
    on_disk = Path(model).is_dir() or is_cached_locally(model)
    if on_disk or hub_reachable(load_settings().auto_probe_timeout_s):
        try:
            return DiffusersInpaint(model, device, local_files_only=True if on_disk else None), \
                f"diffusion weights {model} found"
        except ModelUnavailableError:
            if not offline_ok:
                raise
            log.warning("inpainting model %s failed to load; using the offline editor", model)
    if not offline_ok:
        raise ModelUnavailableError(f"No inpainting weights for {model}. `hf download {model}` first.")
    return OfflineEditor(), (f"no diffusion weights for {model} on this machine, so the offline editor is used. "
                             f"For generative designs: `hf download {model}` (about 5 GB; a GPU is advised).")
