"""Diffusion try-on: the classic warp gives the garment's place and pattern; an inpainting pipeline redraws the
region from it (folds, lighting, edges). Pixels outside the region are pasted back exactly.

Any diffusers inpainting weights work (default: settings.inpaint_model). CatVTON, which needs no warp at all, is
its own backend (core/tryon/catvton.py).
"""
from __future__ import annotations

import time

import numpy as np
from PIL import Image

from core.design import DEFAULT_INPAINT_MODEL, DesignRequest, DiffusersInpaint
from core.tryon.base import TryOnBackend
from core.tryon.classic import ClassicTryOn


class DiffusionTryOn(TryOnBackend):
    name = "diffusion"

    def __init__(self, model: str | None = None, device: str = "auto", steps: int = 30, strength: float = 0.55,
                 local_files_only: bool | None = None) -> None:
        self.pipe = DiffusersInpaint(model or DEFAULT_INPAINT_MODEL, device, local_files_only=local_files_only)
        self.steps, self.strength = steps, strength

    def run(self, person_img, garment_img, kind: str = "upper", person=None, seed: int = 0, progress=None):
        first = ClassicTryOn().run(person_img, garment_img, kind, person)
        t0 = time.perf_counter()
        mask = Image.fromarray((first.region & (first.garment_alpha > 0.5)).astype(np.uint8) * 255)
        prompt = {"upper": "a person wearing this top", "lower": "a person wearing these trousers",
                  "dress": "a person wearing this dress"}[kind] + ", photo, natural folds and lighting"
        out = self.pipe.generate(DesignRequest(first.image, mask, prompt, steps=self.steps, seed=seed,
                                               strength=self.strength), progress=progress)
        first.image = out.images[0]
        first.backend = self.name
        first.timings["diffusion"] = time.perf_counter() - t0
        first.notes.append(f"refined by {self.pipe.model_id} ({self.steps} steps, strength {self.strength})")
        return first
