"""The one encoder interface everything else is written against."""
from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)


def l2_normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class EncoderInfo:
    name: str  # shown to users, e.g. "lite" or "clip (openai/clip-vit-base-patch32)"
    slug: str  # safe for collection names; different spaces never share a slug
    dim: int
    device: str
    full_model: bool  # False for the offline stand-in
    detail: str = ""


class Encoder(ABC):
    """encode_images / encode_texts return L2-normalised float32 rows in one shared space."""

    batch_size: int = 16
    # Image to image, the garment's outline (core.sketch's shape descriptor) joins image_space with this weight:
    # 0 = the encoder's own image view alone (CLIP's image embeddings already see shape).
    outline_weight: float = 0.0

    def __init__(self) -> None:
        # Torch modules are shared by all Streamlit sessions of a process: one forward pass at a time.
        self._lock = threading.RLock()

    @property
    @abstractmethod
    def info(self) -> EncoderInfo: ...

    @abstractmethod
    def _encode_images(self, images: list[Image.Image]) -> np.ndarray: ...

    @abstractmethod
    def _encode_texts(self, texts: list[str]) -> np.ndarray: ...

    def _batched(self, encode, images: list[Image.Image]) -> np.ndarray:
        """Run `encode` over RGB batches under the model lock; L2-normalised rows."""
        if not images:
            return np.zeros((0, self.info.dim), np.float32)
        from core.images import analysis_view

        # Every model input is first scaled to at most ANALYSIS_SIDE on its long side: a CLIP processor scales the
        # *short* side to 224, which made a 8 x 4,000,000 strip 112 million pixels long.
        with self._lock:
            out = [encode([analysis_view(im).convert("RGB") for im in images[i : i + self.batch_size]])
                   for i in range(0, len(images), self.batch_size)]
        return l2_normalize(np.concatenate(out))

    def encode_images(self, images: list[Image.Image]) -> np.ndarray:
        return self._batched(self._encode_images, images)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.info.dim), np.float32)
        with self._lock:
            return l2_normalize(self._encode_texts(list(texts)))

    def image_space(self, vectors: np.ndarray) -> np.ndarray:
        """Image vectors as compared image to image (photo queries, "more like this"): the whole vector by
        default (CLIP: image embeddings against image embeddings); rows stay L2-normalised."""
        return vectors

    def encode_sketches(self, images: list[Image.Image]) -> np.ndarray:
        """Line drawings; encoders may override to treat them differently from photos."""
        return self.encode_images(images)
