"""One segmentation per product shot, shared by everything that reads it at ingest.

Indexing a photo reads its garment several times: the encoder's colour words and pattern, the pixel tags, the
sketch-domain outline. Each used to segment the photo again (three to six times per photo, most of the ingest's time
beyond the encoder). `subject_mask_at` segments the photo once, at READING_SIDE, and hands every reader that mask at
the size it works at; a small memo keyed on the photo's pixels lets a later reader of the same photo (the outline
after the encoder) take it instead of segmenting again.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import cv2
import numpy as np
from PIL import Image

from core.segmentation.mask import subject_mask

# The side every reader's mask comes from: the largest side a tag reads at (pattern and silhouette: 160 px).
READING_SIDE = 160
_MEMO_SIZE = 64
_memo: OrderedDict[tuple, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def reading_view(img: Image.Image, side: int = READING_SIDE) -> Image.Image:
    """The photo at most `side` pixels on its long side (aspect kept), as the tag readers see it."""
    small = img.convert("RGB")
    small.thumbnail((side, side))
    return small


def _key(small: Image.Image) -> tuple:
    return small.size, hashlib.blake2b(small.tobytes(), digest_size=16).digest()


def remembered_subject_mask(small: Image.Image) -> np.ndarray:
    """core.segmentation.subject_mask of a reader's small view, segmented once per photo and size: the same pixels
    again take the remembered mask (a copy, so a reader may change its own)."""
    key = _key(small)
    with _lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return hit.copy()
    mask = subject_mask(small)
    with _lock:
        _memo[key] = mask
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return mask.copy()


def subject_mask_at(img: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """The photo's subject mask at `size` (width, height): the one READING_SIDE segmentation, resized (its outline
    smoothed by linear interpolation, not blocky), so readers at 128 px, 160 px or the outline's working size agree
    on where the garment is and the photo is segmented once."""
    mask = remembered_subject_mask(reading_view(img))
    if (mask.shape[1], mask.shape[0]) == tuple(size):
        return mask
    return cv2.resize(mask.astype(np.float32), tuple(size), interpolation=cv2.INTER_LINEAR) > 0.5


def forget() -> None:
    """Drop every remembered mask (benchmarks measure a cold photo; tests start clean)."""
    with _lock:
        _memo.clear()
