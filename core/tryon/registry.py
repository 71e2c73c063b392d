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


def backend_models(name: str, settings) -> list[str]:
    """The model ids a backend loads (their licences are what commercial-safe mode checks)."""
    return {"classic": ["classic", "mediapipe/pose_landmarker_full", "mediapipe/selfie_segmentation_landscape"],
            "gmm": ["gmm"], "diffusion": ["classic", settings.inpaint_model],
            "catvton": [settings.catvton_attention, settings.catvton_base]}.get(name, [])


def backend_licence(name: str, settings) -> str:
    """One line: the licence of each model the backend loads."""
    from core.weights import licence_line, model_card

    parts = []
    for m in backend_models(name, settings):
        card = model_card(m)
        parts.append(f"{card.name if card else m}: {licence_line(m)}")
    return "; ".join(parts)


def backend_refusal(name: str, settings) -> str | None:
    """Why commercial-safe mode refuses this backend (naming the licence), or None."""
    from core.weights import licence_refusal, model_card

    for m in backend_models(name, settings):
        if name == "gmm" and m == "gmm":
            continue  # the user's own checkpoint: their data's terms
        card = model_card(m)
        if card is None and name == "catvton" and m == settings.catvton_attention:
            m = "zhengchong/CatVTON"  # a local copy of CatVTON's weights carries CatVTON's licence
        reason = licence_refusal(m, settings)
        if reason:
            return reason
    return None


def allowed_backends(settings) -> dict[str, str]:
    """BACKENDS without those commercial-safe mode refuses (the page lists the refused ones with the reason)."""
    return {k: v for k, v in BACKENDS.items() if backend_refusal(k, settings) is None}


@dataclass(frozen=True)
class BackendChoice:
    name: str
    reason: str


def load_backend(name: str, gmm_checkpoint: str | Path | None = None, inpaint_model: str | None = None,
                 device: str = "auto", catvton_attention: str | None = None, catvton_base: str | None = None,
                 steps: int | None = None, size: tuple[int, int] | None = None, settings=None) -> TryOnBackend:
    """A backend by name; steps (diffusion, catvton) and the working size WxH (catvton) default to the models'."""
    if name in BACKENDS and name != "classic":  # commercial-safe mode (env / secrets) refuses, naming the licence
        from core.config import load_settings

        refused = backend_refusal(name, settings or load_settings(
            inpaint_model=inpaint_model, catvton_attention=catvton_attention, catvton_base=catvton_base))
        if refused:
            from core.errors import LicenceError

            raise LicenceError(refused + " Use the classic backend.")
    if name == "classic":
        from core.tryon.classic import ClassicTryOn

        return ClassicTryOn()
    if name == "gmm":
        from core.tryon.gmm import GmmTryOn

        return GmmTryOn(gmm_checkpoint, device=device)
    # Generative backends load from disk only: pressing "Try it on" never starts a multi-GB download.
    if name == "diffusion":
        from core.tryon.diffusion import DiffusionTryOn

        return DiffusionTryOn(inpaint_model, device=device, local_files_only=True, **({"steps": steps} if steps else {}))
    if name == "catvton":
        from core.tryon.catvton import CATVTON_ATTENTION, CATVTON_BASE, CatVtonTryOn

        opts = ({"steps": steps} if steps else {}) | ({"size": tuple(size)} if size else {})
        return CatVtonTryOn(catvton_attention or CATVTON_ATTENTION, catvton_base or CATVTON_BASE, device=device,
                            local_files_only=True, **opts)
    raise TryOnInputError(f"Unknown try-on backend {name!r}; use one of {', '.join(BACKENDS)}.")


def load_tryon(settings, name: str | None = None, steps: int | None = None,
               size: tuple[int, int] | None = None) -> tuple[TryOnBackend, BackendChoice]:
    """The backend asked for (default classic) built from the settings, and why it is the one in use."""
    name = name or "classic"
    backend = load_backend(name, gmm_checkpoint=settings.gmm_checkpoint, inpaint_model=settings.inpaint_model,
                           device=settings.device, catvton_attention=settings.catvton_attention,
                           catvton_base=settings.catvton_base, steps=steps, size=size, settings=settings)
    why = {"classic": "classic was asked for: it needs no downloaded weights",
           "gmm": f"gmm was asked for, with the checkpoint {settings.gmm_checkpoint}",
           "diffusion": f"diffusion was asked for, with {settings.inpaint_model}",
           "catvton": f"catvton was asked for, with {settings.catvton_attention} on {settings.catvton_base}"}[name]
    return backend, BackendChoice(name, why)
