"""The try-on backends by name (read by the page and the CLI) and the one loader that picks one and says why.

One table, `REGISTRY`: name -> where the class lives (imported on first use), what it is, the settings it reads.
Adding a backend is one file with a TryOnBackend subclass and one line here."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from core.config import DEFAULT_CATVTON_ATTENTION
from core.tryon.base import TryOnBackend
from core.tryon.pose import TryOnInputError


def _none(settings) -> dict:
    return {}


@dataclass(frozen=True)
class BackendEntry:
    """One backend: its class by module and name, a line on what it is and needs, and what it reads from the
    settings (constructor arguments, the model ids whose licences apply, the reason it is in use)."""
    module: str
    cls: str
    about: str
    kwargs: Callable = _none  # settings -> constructor keyword arguments
    models: Callable = lambda settings: []  # settings -> the model ids it loads (their licences are checked)
    options: tuple[str, ...] = ()  # the run options it takes: "steps", "size"
    reason: Callable | None = None  # settings -> why it is in use; default "NAME was asked for"

    def load_class(self) -> type[TryOnBackend]:
        return getattr(importlib.import_module(self.module), self.cls)


# Generative backends load from disk only: pressing "Try it on" never starts a multi-GB download.
REGISTRY: dict[str, BackendEntry] = {
    "classic": BackendEntry(
        "core.tryon.classic", "ClassicTryOn",
        "worn-look compositing: body and sleeves placed on the pose, skin where the old garment is bared, "
        "low-frequency shading (always available, CPU)",
        models=lambda s: ["classic", "mediapipe/pose_landmarker_full", "mediapipe/selfie_segmentation_landscape"],
        reason=lambda s: "classic was asked for: it needs no downloaded weights"),
    "gmm": BackendEntry(
        "core.tryon.gmm", "GmmTryOn",
        "a trained geometric matching module warps the garment (ATELIER_GMM_CHECKPOINT; train-gmm makes one)",
        kwargs=lambda s: {"checkpoint": s.gmm_checkpoint, "device": s.device}, models=lambda s: ["gmm"],
        reason=lambda s: f"gmm was asked for, with the checkpoint {s.gmm_checkpoint}"),
    "diffusion": BackendEntry(
        "core.tryon.diffusion", "DiffusionTryOn",
        "the classic result redrawn by SD-1.5 inpainting weights (ATELIER_INPAINT_MODEL; GPU advised)",
        kwargs=lambda s: {"model": s.inpaint_model, "device": s.device, "local_files_only": True},
        models=lambda s: ["classic", s.inpaint_model], options=("steps",),
        reason=lambda s: f"diffusion was asked for, with {s.inpaint_model}"),
    "catvton": BackendEntry(
        "core.tryon.catvton", "CatVtonTryOn",
        "CatVTON's attention weights on SD-1.5 inpainting (ATELIER_CATVTON_ATTENTION, ATELIER_CATVTON_BASE; "
        "downloads, GPU advised)",
        kwargs=lambda s: {"attention": s.catvton_attention, "base": s.catvton_base, "device": s.device,
                          "local_files_only": True},
        models=lambda s: [s.catvton_attention, s.catvton_base], options=("steps", "size"),
        reason=lambda s: f"catvton was asked for, with {s.catvton_attention} on {s.catvton_base}"),
}


def backends() -> dict[str, str]:
    """name -> what it is and what it needs (the page's help text and the CLI's choices come from here)."""
    return {k: e.about for k, e in REGISTRY.items()}




def backend_models(name: str, settings) -> list[str]:
    """The model ids a backend loads (their licences are what commercial-safe mode checks)."""
    return list(REGISTRY[name].models(settings)) if name in REGISTRY else []


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
            m = DEFAULT_CATVTON_ATTENTION  # a local copy of CatVTON's weights carries CatVTON's licence
        reason = licence_refusal(m, settings)
        if reason:
            return reason
    return None


def allowed_backends(settings) -> dict[str, str]:
    """The backends() without those commercial-safe mode refuses (the page lists the refused ones with the reason)."""
    return {k: v for k, v in backends().items() if backend_refusal(k, settings) is None}


@dataclass(frozen=True)
class BackendChoice:
    name: str
    reason: str


def load_tryon(settings, name: str | None = None, steps: int | None = None,
               size: tuple[int, int] | None = None) -> tuple[TryOnBackend, BackendChoice]:
    """The backend asked for (default classic) built from the settings, and why it is the one in use; steps
    (diffusion, catvton) and the working size WxH (catvton) default to the models'."""
    name = name or "classic"
    entry = REGISTRY.get(name)
    if entry is None:
        raise TryOnInputError(f"Unknown try-on backend {name!r}; use one of {', '.join(REGISTRY)}.")
    if name != "classic":  # commercial-safe mode (env / secrets) refuses, naming the licence
        refused = backend_refusal(name, settings)
        if refused:
            from core.errors import LicenceError

            raise LicenceError(refused + " Use the classic backend.")
    given = {"steps": steps, "size": tuple(size) if size else None}
    opts = {k: given[k] for k in entry.options if given[k]}
    backend = entry.load_class()(**entry.kwargs(settings), **opts)
    why = entry.reason(settings) if entry.reason else f"{name} was asked for"
    return backend, BackendChoice(name, why)

