"""The real photos beside the checkout (../shared/realphotos: evaluation only, never copied into the repo); tests
that read them skip cleanly where the folder is absent (a user's fresh clone)."""
from __future__ import annotations

import pytest
from PIL import Image

from core.config import REPO_ROOT

REAL = REPO_ROOT.parent / "shared" / "realphotos"
needs_real = pytest.mark.skipif(not (REAL / "labels.json").is_file(), reason="../shared/realphotos is not here")


def load_real(kind: str, name: str) -> Image.Image:
    """One photo as RGB: kind "people" or "garments", name like "p04" or "g26"."""
    return Image.open(REAL / kind / f"{name}.jpg").convert("RGB")
