"""Pick the design backend: diffusion only when its weights are on disk and this machine can run it in reasonable
time and memory (a GPU, or a CPU within settings.design_cpu_budget_s); otherwise the offline editor, with an
offer to download (size, time per design here, memory fit). Nothing is downloaded, nothing asks the Hub."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.design.registry import DESIGN_BACKENDS, build_registered, design_class
from core.errors import ModelUnavailableError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DesignOffer:
    """What the generative model would bring here: shown beside the offline editor with a Download button."""
    model: str
    on_disk: bool
    size_text: str  # "about 4.3 GB"
    estimate_text: str  # "about 2.8 h per design on this CPU; fits in memory (6.5 GB needed, 19 GB free)"
    licence: str
    refused: str | None  # commercial-safe refusal, naming the licence
    command: str

    @property
    def text(self) -> str:
        if self.refused:
            return self.refused
        have = "on this machine" if self.on_disk else f"a {self.size_text} download"
        return f"Generative designs: {self.model} ({have}), {self.estimate_text}. Licence: {self.licence}."


def weights_on_disk(model: str) -> bool:
    from core.weights import is_cached_locally

    return Path(str(model)).expanduser().is_dir() or is_cached_locally(model, "model_index.json")


def design_offer(model: str, device: str = "auto", budget_s: float = 120.0, settings=None) -> DesignOffer:
    from core.weights import estimate_run, licence_line, licence_refusal, model_card

    card = model_card(model)
    size = f"about {card.download_bytes / 1e9:.1f} GB" if card and card.download_bytes else "several GB"
    on_disk = weights_on_disk(model)
    estimate = estimate_run(model, device, budget_s) if (card and card.gflop_per_run) or on_disk else None
    return DesignOffer(model, on_disk, size, estimate.text if estimate else "time per design unknown",
                       licence_line(model), licence_refusal(model, settings) if settings is not None else None,
                       f"python -m core download inpaint   # or: hf download {model}")


@dataclass(frozen=True)
class DesignChoice:
    """Which design backend is in use and why (the page and the CLI say it)."""
    name: str  # a name in core.design.registry.DESIGN_BACKENDS
    model: str | None
    reason: str


def load_design(settings, name: str | None = None, offline_ok: bool = True):
    """(backend, DesignChoice). `name`: None = the settings' model (ATELIER_INPAINT_MODEL), under the CPU budget;
    a registered backend name ("offline", "diffusion" = the settings' model as asked); else an inpainting model id
    or folder, as asked (the budget is not applied). Never downloads."""
    if name is None:
        return _choose(settings, settings.inpaint_model, explicit=False, offline_ok=offline_ok)
    if name == "diffusion":
        return _choose(settings, settings.inpaint_model, explicit=True, offline_ok=offline_ok)
    if name in DESIGN_BACKENDS:
        return build_registered(name, settings), DesignChoice(name, None, f"{name} was asked for" if name != "offline"
                                                              else "the offline editor was asked for")
    return _choose(settings, name, explicit=True, offline_ok=offline_ok)


def _offline(why: str):
    return build_registered("offline", None), DesignChoice("offline", None, why)


def _choose(settings, model: str, explicit: bool, offline_ok: bool):
    """Diffusion when its weights are on disk and this machine runs a design within the budget (GPU, or CPU under
    settings.design_cpu_budget_s; `explicit`: the user named the model, so the budget is not applied), else the
    offline editor ("offline" asks for it directly)."""
    from core.weights import licence_refusal

    if model == "offline":
        return _offline("the offline editor was asked for")
    refused = licence_refusal(model, settings)
    if refused:
        if not offline_ok:
            from core.errors import LicenceError

            raise LicenceError(refused)
        return _offline(refused + " The offline editor is used.")
    if not weights_on_disk(model):
        if not offline_ok:
            raise ModelUnavailableError(f"No inpainting weights for {model} on this machine. "
                                        f"`python -m core download inpaint` (or `hf download {model}`) first.")
        return _offline(f"no diffusion weights for {model} on this machine, so the offline editor is used "
                        "(nothing is downloaded unless you ask: the Download button, `python -m core download "
                        f"inpaint` or `hf download {model}`).")
    if not explicit:
        why = _over_budget(settings, model)
        if why:
            if not offline_ok:
                raise ModelUnavailableError(why + ".")
            return _offline(why + ".")
    try:
        backend = design_class("diffusion")(model, settings.device, local_files_only=True)
        return backend, DesignChoice("diffusion", model, f"diffusion weights {model} found")
    except ModelUnavailableError:
        if not offline_ok:
            raise
        log.warning("inpainting model %s failed to load; using the offline editor", model)
    return _offline(f"the diffusion weights for {model} on this machine did not load, so the offline editor "
                    f"is used. Download them again: `hf download {model}` (about 4-5 GB; a GPU is advised).")


def _over_budget(settings, model: str) -> str | None:
    """Why this machine would take too long or lack the memory for one design with `model`, or None."""
    from core.weights import estimate_run, human_seconds

    est = estimate_run(model, settings.device, settings.design_cpu_budget_s)
    if est.ok:
        return None
    return (f"diffusion weights {model} are here, but {est.text}" +
            ("" if est.fast_enough else f", over the CPU budget of {human_seconds(est.budget_s)} "
                                        "(ATELIER_DESIGN_CPU_BUDGET_S)") + ", so the offline editor is used")
