"""The real photos beside the checkout (../shared/realphotos: evaluation only, never copied into the repo); tests
that read them skip cleanly where the folder is absent (a user's fresh clone)."""
from __future__ import annotations

import functools

import pytest
from PIL import Image

from core.config import REPO_ROOT

REAL = REPO_ROOT.parent / "shared" / "realphotos"
needs_real = pytest.mark.skipif(not (REAL / "labels.json").is_file(), reason="../shared/realphotos is not here")


def load_real(kind: str, name: str) -> Image.Image:
    """One photo as RGB: kind "people" or "garments", name like "p04" or "g26"."""
    return Image.open(REAL / kind / f"{name}.jpg").convert("RGB")


@functools.lru_cache(maxsize=16)
def dress_tried_on(person: str, garment: str):
    """(analysed person, her dress body frame, classic try-on result) for a real garment worn as a dress, computed once
    per pair for every test that looks at it."""
    from core.tryon.body import body_frame
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    who = analyse_person(load_real("people", person))
    r = ClassicTryOn().run(who.image, load_real("garments", garment), "dress", person=who)
    return who, body_frame(who, "dress"), r
