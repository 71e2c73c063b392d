"""The try-on result type and the one backend interface every backend implements (a leaf: imports no backend)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from PIL import Image

from core.tryon.pose import Person

Progress = Callable[[int, int], None]


@dataclass
class TryOnResult:
    image: Image.Image
    backend: str
    kind: str
    person: Person
    region: np.ndarray  # bool: the pixels that may change; every other pixel is the person photo's own
    torso: np.ndarray  # bool: the torso polygon (shoulders to hips) on the person
    warped: Image.Image  # the garment after warping, on black
    garment_alpha: np.ndarray  # 0..1: where the garment lies on the person
    landmarks: dict  # names -> [x, y] used
    timings: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    side_fit: object | None = None  # the per-row widening to the torso outline after the warp (tops), if any
    layers: list[str] = field(default_factory=list)  # whole outfits: the pieces, in the order they were dressed
    garment_image: Image.Image | None = None  # the product shot as it was worn (for the quality check's detail)
    garment_mask: np.ndarray | None = None  # the garment in that product shot
    garment_scale: float | None = None  # product-shot pixels -> person pixels across the garment, if known
    _quality: object | None = field(default=None, repr=False)

    @property
    def quality(self):
        """The quality check (core.tryon.quality.Quality): what a person would notice, scored with reasons.
        Computed on first use (under 0.3 s), for every backend's result."""
        if self._quality is None:
            from core.tryon.quality import assess, unavailable

            try:
                self._quality = assess(self.person.image, self.image, self.region, self.garment_alpha, self.kind,
                                       self.person, self.garment_image, self.garment_mask, self.garment_scale,
                                       self.torso)
            except Exception as exc:  # a result the check cannot read (an odd size from a learned backend)
                self._quality = unavailable(type(exc).__name__)
        return self._quality

    def summary(self) -> dict:
        return {"backend": self.backend, "kind": self.kind, "size": list(self.image.size),
                "landmarks": {k: [round(float(v[0]), 1), round(float(v[1]), 1)] for k, v in self.landmarks.items()},
                "openpose18": self.person.openpose18().round(1).tolist(),
                "region_share": round(float(self.region.mean()), 4),
                "garment_share": round(float((self.garment_alpha > 0.5).mean()), 4),
                "timings_s": {k: round(v, 3) for k, v in self.timings.items()}, "notes": self.notes,
                **({"layers": self.layers} if self.layers else {}), "quality": self.quality.summary()}


class TryOnBackend(ABC):
    """Put one garment on one person: `run` is the same call for every backend.

    person: a ready analysis (MediaPipe photo or a croquis figure with exact landmarks); None analyses person_img.
    seed and progress matter to the generative backends; the others ignore them."""

    name: str = ""

    @abstractmethod
    def run(self, person_img: Image.Image, garment_img: Image.Image, kind: str = "upper", person: Person | None = None,
            seed: int = 0, progress: Progress | None = None) -> TryOnResult:
        ...
