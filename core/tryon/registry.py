"""The try-on backends by name (read by the page and the CLI) and the one loader that picks one and says why."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.tryon.base import TryOnBackend
from core.tryon.pose import TryOnInputError

# name -> what it is and what it needs (the page's help text and the CLI's choices come from here)
BACKENDS: dict[str, str] = {
    "classic": "worn-look compositing: body and sleeves placed on the pose, skin where the old garment is bared, "
               "low-frequency shading (always available, CPU)",
    "gmm": "a trained geometric matching module warps the garment (ATELIER_GMM_CHECKPOINT; train-gmm makes one)",
    "diffusion": "the classic result redrawn by SD-1.5 inpainting weights (ATELIER_INPAINT_MODEL; GPU advised)",
    "catvton": "CatVTON's attention weights on SD-1.5 inpainting (ATELIER_CATVTON_ATTENTION, ATELIER_CATVTON_BASE; "
               "downloads, GPU advised)",
}


@dataclass(frozen=True)
class BackendChoice:
    name: str
    reason: str


def load_backend(name: str, gmm_checkpoint: str | Path | None = None, inpaint_model: str | None = None,
                 device: str = "auto", catvton_attention: str | None = None, catvton_base: str | None = None,
                 steps: int | None = None, size: tuple[int, int] | None = None) -> TryOnBackend:
    """A backend by name; steps (diffusion, catvton) and the working size WxH (catvton) default to the models'."""
    if name == "classic":
        from core.tryon.classic import ClassicTryOn

        return ClassicTryOn()
    if name == "gmm":
        from core.tryon.gmm import GmmTryOn

        return GmmTryOn(gmm_checkpoint, device=device)
    if name == "diffusion":
        from core.tryon.diffusion import DiffusionTryOn

        return DiffusionTryOn(inpaint_model, device=device, **({"steps": steps} if steps else {}))
    if name == "catvton":
        from core.tryon.catvton import CATVTON_ATTENTION, CATVTON_BASE, CatVtonTryOn

        opts = ({"steps": steps} if steps else {}) | ({"size": tuple(size)} if size else {})
        return CatVtonTryOn(catvton_attention or CATVTON_ATTENTION, catvton_base or CATVTON_BASE, device=device, **opts)
    raise TryOnInputError(f"Unknown try-on backend {name!r}; use one of {', '.join(BACKENDS)}.")


def load_tryon(settings, name: str | None = None, steps: int | None = None,
               size: tuple[int, int] | None = None) -> tuple[TryOnBackend, BackendChoice]:
    """The backend asked for (default classic) built from the settings, and why it is the one in use."""
    name = name or "classic"
    backend = load_backend(name, gmm_checkpoint=settings.gmm_checkpoint, inpaint_model=settings.inpaint_model,
                           device=settings.device, catvton_attention=settings.catvton_attention,
                           catvton_base=settings.catvton_base, steps=steps, size=size)
    why = {"classic": "classic was asked for: it needs no downloaded weights",
           "gmm": f"gmm was asked for, with the checkpoint {settings.gmm_checkpoint}",
           "diffusion": f"diffusion was asked for, with {settings.inpaint_model}",
           "catvton": f"catvton was asked for, with {settings.catvton_attention} on {settings.catvton_base}"}[name]
    return backend, BackendChoice(name, why)
