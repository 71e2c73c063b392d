"""The encoders by kind: name -> (module, class), imported on first use (torch and transformers load only with the
encoder that needs them). The loader (core.encoders.loader) decides which kind and says why."""
from __future__ import annotations

import importlib

ENCODERS: dict[str, tuple[str, str]] = {
    "lite": ("core.encoders.lite", "LiteEncoder"),  # offline: EfficientNet-Lite0 + MiniLM, bundled
    "clip": ("core.encoders.clip", "ClipEncoder"),  # any CLIP-family id or folder (settings.clip_model)
}


def encoder_class(kind: str) -> type:
    module, cls = ENCODERS[kind]
    return getattr(importlib.import_module(module), cls)
