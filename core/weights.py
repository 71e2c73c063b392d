"""Where models run and whether their weights can be had: device, dtype, local cache, Hub reachability.

One place for these, so every loader (encoders, design, try-on, downloads) answers the same way and probes the
Hub with the same timeout (`settings.auto_probe_timeout_s`).
"""
from __future__ import annotations

import os
import socket


def pick_device(preference: str = "auto") -> str:
    import torch

    if preference and preference != "auto":
        wanted = str(preference).strip().lower()
        if wanted.startswith("cuda") and not torch.cuda.is_available():
            from core.errors import ModelUnavailableError

            build = "a CPU-only build of PyTorch" if torch.version.cuda is None else "no usable NVIDIA GPU"
            raise ModelUnavailableError(f"ATELIER_DEVICE={preference!r} asks for a GPU, but this machine has {build}. "
                                        "Unset ATELIER_DEVICE (or set it to auto or cpu).")
        if wanted == "mps" and not torch.backends.mps.is_available():
            from core.errors import ModelUnavailableError

            raise ModelUnavailableError(f"ATELIER_DEVICE={preference!r}: Apple's MPS is not available here. "
                                        "Unset ATELIER_DEVICE (or set it to auto or cpu).")
        return preference
    return "cuda" if torch.cuda.is_available() else "cpu"


def pick_dtype(device: str):
    """fp16 on a GPU, fp32 on the CPU (CPU fp16 kernels are slow or missing)."""
    import torch

    return torch.float16 if str(device).startswith("cuda") else torch.float32


def is_cached_locally(model_id: str, filename: str = "config.json") -> bool:
    """True when the Hugging Face cache already holds `filename` of `model_id` (a malformed id is not cached)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(model_id, filename)
        return isinstance(hit, str) and os.path.exists(hit)
    except Exception:
        return False


def hub_reachable(timeout_s: float) -> bool:
    """A TCP connection to the Hub within `timeout_s`; never tried when HF_HUB_OFFLINE is set."""
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False"):
        return False
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout_s):
            return True
    except OSError:
        return False
