"""Encoder choice: `lite` (offline), `clip` (settings.clip_model), any CLIP-family id/folder, or `auto`; the one
loader, load_encoder(settings, name=None) -> (encoder, choice)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.config import Settings
from core.encoders.base import Encoder
from core.encoders.registry import encoder_class
from core.errors import ModelUnavailableError
from core.weights import is_cached_locally, licence_refusal, model_card, resolve_alias

log = logging.getLogger(__name__)

FULL_MODEL_HINT = (
    "For the full model, download it once: the Download button under About this installation on Home, "
    "`python -m core download clip`, or `hf download {model}` on a machine with internet ({size}; a GPU is "
    "optional); or set ATELIER_CLIP_MODEL to a local folder."
)


def _hint(model: str) -> str:
    card = model_card(model)
    size = f"about {card.download_bytes / 1e6:.0f} MB" if card and card.download_bytes else "about 600 MB for ViT-B/32"
    return FULL_MODEL_HINT.format(model=model, size=size)


@dataclass(frozen=True)
class EncoderChoice:
    kind: str  # "lite" | "clip"
    model: str | None
    reason: str
    local_files_only: bool | None = None


def choose_encoder(settings: Settings) -> EncoderChoice:
    """Decide which encoder to load, from the disk alone (no network), and say why.

    `auto` picks the CLIP-family model (default FashionCLIP) only when its weights are on disk, else the offline
    encoder, and the reason says how to download it; an explicit `clip` or model id is loaded as asked (it may
    download). Commercial-safe mode refuses models whose licence does not allow commercial use."""
    wanted = (settings.encoder or "auto").strip()
    if wanted == "lite":
        return EncoderChoice("lite", None, "lite was asked for (ATELIER_ENCODER=lite)")
    model = resolve_alias(settings.clip_model if wanted in ("clip", "auto") else wanted)
    refused = licence_refusal(model, settings)
    if wanted != "auto":
        if refused:
            from core.errors import LicenceError

            raise LicenceError(refused)
        return EncoderChoice("clip", model, f"{model} was asked for")
    if refused:
        return EncoderChoice("lite", None, refused + " The offline encoder is used.")
    if Path(model).is_dir():
        return EncoderChoice("clip", model, f"local CLIP folder {model} found", True)
    if is_cached_locally(model):
        return EncoderChoice("clip", model, f"{model} is in the local Hugging Face cache", True)
    return EncoderChoice("lite", None, f"{model} is not on this machine, so the offline encoder is used (nothing is "
                         "downloaded unless you ask). " + _hint(model))


def load_encoder(settings: Settings, name: str | EncoderChoice | None = None) -> tuple[Encoder, EncoderChoice]:
    """(encoder, why). `name`: None = settings.encoder; "lite", "clip", "auto" or a CLIP-family id or folder; an
    EncoderChoice already made by choose_encoder is loaded as it is."""
    if isinstance(name, EncoderChoice):
        choice = name
    else:
        if name:
            import dataclasses

            settings = dataclasses.replace(settings, encoder=name)
        choice = choose_encoder(settings)
    if choice.kind == "lite":
        return _lite(settings), choice
    try:
        return encoder_class("clip")(choice.model, device=settings.device,
                                     local_files_only=choice.local_files_only), choice
    except ModelUnavailableError:
        if settings.encoder != "auto":
            raise
        log.warning("CLIP model %s failed to load; falling back to lite", choice.model)
        fallback = EncoderChoice("lite", None, f"{choice.model} failed to load, so the offline encoder is used. "
                                 + _hint(choice.model))
        return _lite(settings), fallback


def _lite(settings: Settings) -> Encoder:
    return encoder_class("lite")(device=settings.device)
