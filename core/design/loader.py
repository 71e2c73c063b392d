"""Pick the design backend: diffusion when its weights are on disk or the Hub answers, else the offline editor."""
from __future__ import annotations

import logging
from pathlib import Path

from core.design.diffusion import DEFAULT_INPAINT_MODEL, DiffusersInpaint
from core.design.offline import OfflineEditor
from core.errors import ModelUnavailableError

log = logging.getLogger(__name__)


def load_design_backend(model: str | None = None, device: str = "auto", offline_ok: bool = True):
    """(backend, why): diffusion when its weights are available (folder, local cache or reachable Hub), else the
    offline editor ("offline" asks for it directly)."""
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
