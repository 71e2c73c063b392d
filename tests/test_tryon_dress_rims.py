"""The old clothes' blended rims go with them under a new dress (issue 22, core/tryon/dress_rims.py): a white halter
strap's pale edge and its shadow on her neck. Drawn cases."""
import numpy as np

from core.tryon.dress_rims import cloth_rims
from core.tryon.pixels import to_lab

SKIN = np.array([200, 160, 130], np.float32)
WHITE = np.array([236, 232, 224], np.float32)
BROWN = np.array([70, 45, 40], np.float32)


def _strap(cloth: np.ndarray):
    """A patch of skin with a vertical strap (columns 40-49), a blended pixel each side and a shadow right of it."""
    rng = np.random.default_rng(3)
    img = np.tile(SKIN, (60, 90, 1))
    img[:, 40:50] = cloth
    img[:, 39] = img[:, 50] = 0.5 * SKIN + 0.5 * cloth  # the anti-aliased edges
    img[:, 51] = SKIN * 0.9  # the strap's shadow on her skin
    img = np.clip(img + rng.normal(0, 1.0, img.shape), 0, 255).astype(np.uint8)
    clothes = np.zeros((60, 90), bool)
    clothes[:, 40:50] = True
    return to_lab(img), clothes, ~clothes  # the rims and the shadow read as her skin


def test_a_pale_straps_blended_edges_and_shadow_go_with_it():
    lab, clothes, own = _strap(WHITE)
    rims = cloth_rims(lab, clothes, own)
    assert rims[5:55, 39].all() and rims[5:55, 50].all()  # before: kept as skin, two pale ghost lines
    assert rims[5:55, 51].mean() > 0.75  # most of the shadow line beside it (noise hides a few pixels)
    assert not rims[5:55, :37].any() and not rims[5:55, 53:].any()  # her skin stays hers


def test_a_dark_cloths_rim_is_left_alone_when_only_pale_cloth_counts():
    lab, clothes, own = _strap(BROWN)
    assert not cloth_rims(lab, clothes, own).any()
