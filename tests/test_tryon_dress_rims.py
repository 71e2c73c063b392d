"""The old clothes' blended rims go with them under a new dress (issue 22, core/tryon/dress_rims.py): a white halter
strap's pale edge and its shadow on her neck, and the pale line of the old dress left along her arm, where the hand
and forearm were put back with their anti-aliased rim. Drawn cases, and a real photo (../shared/realphotos: skips
cleanly where it is absent)."""
import cv2
import numpy as np

from core.tryon.dress_rims import cloth_rims, hands_over_dress
from core.tryon.pixels import to_lab

from testkit.realphotos import dress_tried_on, needs_real, load_real

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
    rims = cloth_rims(lab, clothes, own, paler=True)
    assert rims[5:55, 39].all() and rims[5:55, 50].all()  # before: kept as skin, two pale ghost lines
    assert rims[5:55, 51].mean() > 0.75  # most of the shadow line beside it (noise hides a few pixels)
    assert not rims[5:55, :37].any() and not rims[5:55, 53:].any()  # her skin stays hers


def test_a_dark_cloths_rim_is_left_alone_when_only_pale_cloth_counts():
    lab, clothes, own = _strap(BROWN)
    assert not cloth_rims(lab, clothes, own, paler=True).any()


def test_a_forearms_pale_rim_over_the_new_dress_goes_to_the_dress():
    img = np.tile(WHITE, (60, 60, 1))  # the old white dress
    img[:, 25:35] = SKIN  # her forearm
    img[:, 24] = img[:, 35] = 0.5 * SKIN + 0.5 * WHITE
    lab = to_lab(img.astype(np.uint8))
    hands = np.zeros((60, 60), bool)
    hands[:, 23:37] = True  # as front.py finds it: her skin, grown a pixel (the rim, and a pixel of the old dress)
    own = np.zeros((60, 60), bool)
    own[:, 25:35] = True
    kept = hands_over_dress(lab, hands, own, np.ones((60, 60), bool), np.ones((60, 60), bool))
    assert kept[:, 25:35].all()  # the forearm as shot
    assert not kept[5:55, [23, 24, 35, 36]].any()  # before: a pale line of the old dress beside it


def test_a_hands_dark_outline_against_dark_clothes_stays():
    img = np.tile(BROWN, (60, 60, 1))
    img[:, 25:35] = SKIN
    img[:, 24] = img[:, 35] = 0.5 * SKIN + 0.5 * BROWN
    lab = to_lab(img.astype(np.uint8))
    hands = np.zeros((60, 60), bool)
    hands[:, 23:37] = True
    own = np.zeros((60, 60), bool)
    own[:, 25:35] = True
    assert (hands_over_dress(lab, hands, own, np.ones((60, 60), bool), np.ones((60, 60), bool)) == hands).all()


def _old_pale_kept(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Pixels of the old white dress's pale rim kept as shot right beside the new dress."""
    same = np.abs(before - after).max(2) < 8
    m = before.mean(2)
    new = np.abs(before - after).max(2) > 60
    near = cv2.dilate(new.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return same & (m > 195) & (m < 245) & near


@needs_real
def test_real_no_white_strip_of_the_old_dress_along_her_arms():
    who, _, r = dress_tried_on("p13", "g32")
    before = np.asarray(load_real("people", "p13"), np.float32)
    after = np.asarray(r.image, np.float32)
    ghost = _old_pale_kept(before, after)
    # By eye on p13 (576x768): her left arm (right in the photo) by the skirt, her right arm above the bag.
    assert ghost[150:420, 330:430].sum() < 180  # before: 271
    assert ghost[150:420, 150:260].sum() < 180  # before: 355
