"""CLIP-family backend (CLIP, FashionCLIP, SigLIP, ...) through transformers' Auto classes.

Any Hugging Face id or local folder that `AutoModel` resolves to a dual encoder with
`get_image_features` / `get_text_features` works; GPU + fp16 when present.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from core.encoders.base import Encoder, EncoderInfo
from core.weights import pick_device, pick_dtype
from core.errors import ModelUnavailableError

log = logging.getLogger(__name__)


def _features(out) -> torch.Tensor:
    # transformers 5 may return a ModelOutput where 4.x returned the projected tensor.
    if isinstance(out, torch.Tensor):
        return out
    for key in ("image_embeds", "text_embeds", "pooler_output"):
        val = getattr(out, key, None)
        if val is not None:
            return val
    raise TypeError(f"unexpected feature output {type(out).__name__}")


def model_slug(model_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(model_id).lower()).strip("-")[-48:]


class ClipEncoder(Encoder):
    batch_size = 32

    def __init__(self, model_id: str | Path, device: str = "auto", local_files_only: bool | None = None) -> None:
        super().__init__()
        from transformers import AutoImageProcessor, AutoModel, AutoTokenizer

        self.device = pick_device(device)
        self.model_id = str(model_id)
        dtype = pick_dtype(self.device)
        kwargs = {} if local_files_only is None else {"local_files_only": local_files_only}
        try:
            self.model = AutoModel.from_pretrained(str(model_id), dtype=dtype, **kwargs).to(self.device).eval()
            self.tokenizer = AutoTokenizer.from_pretrained(str(model_id), **kwargs)
            self.image_processor = AutoImageProcessor.from_pretrained(str(model_id), **kwargs)
        except (OSError, ValueError, ImportError) as exc:
            raise ModelUnavailableError(
                f"Could not load the CLIP-family model '{model_id}': {exc}. Download it once with "
                f"`hf download {model_id}` (or point ATELIER_CLIP_MODEL at a local folder)."
            ) from exc
        if not (hasattr(self.model, "get_image_features") and hasattr(self.model, "get_text_features")):
            raise ModelUnavailableError(f"'{model_id}' is not an image-text dual encoder (CLIP/SigLIP family).")
        self.model_type = self.model.config.model_type
        # SigLIP was trained on fixed-length padded text; CLIP on dynamic padding.
        self.pad_to_max = self.model_type.startswith("siglip")
        text_cfg = getattr(self.model.config, "text_config", None)
        self.max_len = int(getattr(text_cfg, "max_position_embeddings", 77) or 77)
        with torch.inference_mode():
            probe = self.tokenizer(["a"], return_tensors="pt", padding="max_length" if self.pad_to_max else True,
                                   truncation=True, max_length=self.max_len).to(self.device)
            dim = _features(self.model.get_text_features(**probe)).shape[-1]
        self._info = EncoderInfo(
            name=f"clip ({model_id})", slug=f"{self.model_type}-{model_slug(str(model_id))}", dim=int(dim),
            device=self.device, full_model=True, detail=f"{self.model_type} via transformers, {dtype}".replace("torch.", ""),
        )

    @property
    def info(self) -> EncoderInfo:
        return self._info

    @torch.inference_mode()
    def _encode_images(self, images: list[Image.Image]) -> np.ndarray:
        pixels = self.image_processor(images=images, return_tensors="pt")["pixel_values"]
        pixels = pixels.to(self.device, dtype=self.model.dtype)
        return _features(self.model.get_image_features(pixel_values=pixels)).float().cpu().numpy()

    @torch.inference_mode()
    def _encode_texts(self, texts: list[str]) -> np.ndarray:
        tok = self.tokenizer(texts, return_tensors="pt", truncation=True, max_length=self.max_len,
                             padding="max_length" if self.pad_to_max else True).to(self.device)
        return _features(self.model.get_text_features(**tok)).float().cpu().numpy()
