"""Diffusion inpainting: any diffusers inpainting pipeline (SD 1.5 / 2 / SDXL) from a Hub id or a local folder."""
from __future__ import annotations

import threading
import time

import numpy as np
from PIL import Image

from core.config import DEFAULT_INPAINT_MODEL  # noqa: F401  (the model id is a setting; named here for callers)
from core.design.base import (DesignCancelled, DesignRequest, DesignResult, StepCallback, paste_back, prepare_mask,
                              working_size)
from core.errors import AtelierError, ModelUnavailableError

QUALITY_WORDS = "high quality fashion product photo, detailed fabric texture, soft studio lighting"
NEGATIVE_PROMPT = ("blurry, low quality, deformed, distorted, watermark, text, logo, extra limbs, bad anatomy, "
                   "jpeg artifacts, oversaturated")


def enhance_prompt(prompt: str) -> tuple[str, str]:
    """The user's words first, then quality words; plus a negative prompt."""
    p = (prompt or "").strip().rstrip(".")
    if not p:
        raise AtelierError("Describe the change you want (for example: 'make it navy with white polka dots').")
    return f"{p}, {QUALITY_WORDS}", NEGATIVE_PROMPT


class DiffusersInpaint:
    """Any diffusers inpainting pipeline from a Hub id or a local folder; GPU and half precision when present."""

    name = "diffusion"
    generative = True

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

    def prepare_prompt(self, prompt: str) -> tuple[str, str]:
        return enhance_prompt(prompt)

    def generate(self, req: DesignRequest, progress: StepCallback | None = None,
                 cancel: threading.Event | None = None) -> DesignResult:
        import torch

        t0 = time.perf_counter()
        mask = prepare_mask(req.image, req.mask)
        prompt = (req.prompt or "").strip()
        if not prompt:
            raise AtelierError("Describe the change you want.")
        negative = NEGATIVE_PROMPT if req.negative_prompt is None else req.negative_prompt
        w, h = working_size(req.image.width, req.image.height)
        img_in = req.image.convert("RGB").resize((w, h), Image.LANCZOS)
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
                    out = self.pipe(prompt=prompt, negative_prompt=negative or None, image=img_in,
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
        return DesignResult(images, prompt, negative, self.name, self.model_id, int(req.seed), int(req.steps),
                            time.perf_counter() - t0, mask=mask)
