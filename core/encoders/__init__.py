"""Encoder choice: `lite` (offline), `clip` (settings.clip_model), any CLIP-family id/folder, or `auto`."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.encoders.base import Encoder, EncoderInfo, l2_normalize
from core.errors import ModelUnavailableError
from core.weights import hub_reachable, is_cached_locally

log = logging.getLogger(__name__)

__all__ = ["Encoder", "EncoderInfo", "EncoderChoice", "choose_encoder", "load_encoder", "l2_normalize"]

FULL_MODEL_HINT = (
    "For the full model, install the CLIP weights once on a machine with internet: "
    "`hf download {model}` (about 600 MB; a GPU is optional), or set ATELIER_CLIP_MODEL to a local folder."
)


@dataclass(frozen=True)
class EncoderChoice:
    kind: str  # "lite" | "clip"
    model: str | None
    reason: str
    local_files_only: bool | None = None


def choose_encoder(settings: Settings) -> EncoderChoice:
    """Decide which encoder to load, in at most settings.auto_probe_timeout_s, and say why."""
    wanted = (settings.encoder or "auto").strip()
    if wanted == "lite":
        return EncoderChoice("lite", None, "lite was asked for (ATELIER_ENCODER=lite)")
    model = settings.clip_model if wanted in ("clip", "auto") else wanted
    if wanted != "auto":
        return EncoderChoice("clip", model, f"{model} was asked for")
    if Path(model).is_dir():
        return EncoderChoice("clip", model, f"local CLIP folder {model} found", True)
    if is_cached_locally(model):
        return EncoderChoice("clip", model, f"{model} is in the local Hugging Face cache", True)
    if hub_reachable(settings.auto_probe_timeout_s):
        return EncoderChoice("clip", model, f"{model} is not cached but the Hugging Face Hub is reachable: downloading")
    return EncoderChoice("lite", None, f"{model} is not cached and the Hub is unreachable, so the offline encoder is used. "
                         + FULL_MODEL_HINT.format(model=model))


def load_encoder(settings: Settings, choice: EncoderChoice | None = None) -> tuple[Encoder, EncoderChoice]:
    choice = choice or choose_encoder(settings)
    if choice.kind == "lite":
        from core.encoders.lite import LiteEncoder

        return LiteEncoder(device=settings.device), choice
    from core.encoders.clip import ClipEncoder

    try:
        return ClipEncoder(choice.model, device=settings.device, local_files_only=choice.local_files_only), choice
    except ModelUnavailableError:
        if settings.encoder != "auto":
            raise
        log.warning("CLIP model %s failed to load; falling back to lite", choice.model)
        from core.encoders.lite import LiteEncoder

        fallback = EncoderChoice("lite", None, f"{choice.model} failed to load, so the offline encoder is used. "
                                 + FULL_MODEL_HINT.format(model=choice.model))
        return LiteEncoder(device=settings.device), fallback
