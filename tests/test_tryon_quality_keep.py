"""Issue 22 point 4: the quality check does not fail what a top's try-on keeps by design (core/tryon/quality_keep.py)
- a halter's open shoulders beside its neck band, the trousers or skirt she keeps beside the lower sleeves - while
backdrop holes and old clothing left showing still fail."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from core.tryon import quality
from core.tryon.classic import ClassicTryOn
from core.tryon.drape import body_of
from core.tryon.pixels import quantise, to_lab
from core.tryon.pose import analyse_person
from core.tryon.quality_checks import garment_holes
from core.tryon.quality_keep import body_top, kept_lower_colours
from core.tryon.reveal import limb_capsules
from testkit.realphotos import load_real, needs_real

H, W, WIDTH = 400, 300, 140.0


def _torso() -> np.ndarray:
    t = np.zeros((H, W), bool)
    t[100:350, 80:220] = True
    return t


def _halter() -> np.ndarray:
    on = np.zeros((H, W), bool)
    on[60:180, 130:170] = True  # the neck band
    on[180:360, 70:230] = True  # the body from the bust down
    return on


def _holes(on: np.ndarray) -> float:
    return garment_holes(on, np.ones((H, W), bool), WIDTH, np.ones((H, W), bool), _torso())


def test_a_halters_open_shoulders_are_no_holes_but_backdrop_gaps_are():
    on = _halter()
    assert body_top(on, _torso()) == 180
    assert _holes(on) <= 0.005
    gap = on.copy()
    gap[250:285, 120:180] = False  # the backdrop showing through the body
    assert _holes(gap) > 0.02
    side = on.copy()
    side[200:300, 70:120] = False  # a bite out of the body's side, below the bust: torso left bare
    assert _holes(side) > 0.02


def test_a_garment_reduced_to_its_print_still_leaves_the_torso_bare():
    """A white tee matted down to its print never spans the torso: the torso stays inside it (a hole)."""
    on = np.zeros((H, W), bool)
    on[60:90, 110:190] = True  # a collar band
    on[150:250, 120:180] = True  # the print
    assert body_top(on, _torso()) == 0
    assert _holes(on) > 0.2


class _Pose:
    points = {"l_shoulder": (90, 80), "r_shoulder": (210, 80), "l_hip": (110, 300), "r_hip": (190, 300)}

    def visible(self, name):
        return name in self.points

    def point(self, name):
        return np.array(self.points[name], np.float32)


def _bins(top: tuple, hips: tuple) -> tuple[np.ndarray, int, int]:
    img = np.full((H, W, 3), 235, np.uint8)
    img[60:280, 70:230] = top
    img[280:H, 90:210] = hips
    q = quantise(to_lab(img))
    lower = kept_lower_colours(q, _Pose(), np.ones((H, W), bool), WIDTH)
    return lower, int(q[150, 150]), int(q[330, 150])


def test_the_lower_garment_she_keeps_is_told_from_the_old_top():
    lower, red, black = _bins((150, 20, 30), (20, 20, 25))  # a red crop top over black trousers
    assert lower[black] and not lower[red]
    lower, red, _ = _bins((150, 20, 30), (150, 20, 30))  # a long red top down over the hips: still old clothing
    assert not lower[red] and not lower.any()
    assert not kept_lower_colours(quantise(to_lab(np.zeros((H, W, 3), np.uint8))), None, np.ones((H, W), bool),
                                  WIDTH).any()  # no pose: nothing kept


# ---- real photos (../shared/realphotos; skipped where absent) -------------------------------------------------
@pytest.fixture(scope="module")
def p01():
    return analyse_person(load_real("people", "p01"))  # red long-sleeved crop top, black trousers, cut at the hips


@needs_real
def test_real_striped_top_beside_her_black_trousers_passes(p01):
    r = ClassicTryOn().run(p01.image, load_real("garments", "g02"), "upper", person=p01)
    q = r.quality
    assert q.check("old_edges").passed and q.check("old_garment").passed, q.summary()
    # Her old red top left in strips along the new top's sides still fails.
    on = r.garment_alpha > 0.5
    width = quality.shoulder_width(p01, on.shape[1])
    narrow = cv2.erode(on.astype(np.uint8), np.ones((1, int(0.12 * width) | 1), np.uint8)) > 0
    before = np.asarray(p01.image)
    edged = np.where(narrow[..., None], np.asarray(r.image), before)
    q = quality.assess(before, edged, r.region, r.garment_alpha * narrow, "upper", p01)
    assert not q.check("old_edges").passed, q.summary()


@needs_real
def test_real_old_sleeves_below_short_puffs_still_fail(p01):
    """g05 (short puffed sleeves) on p01: her old red sleeves left on the arms below the puffs fail old_garment."""
    r = ClassicTryOn().run(p01.image, load_real("garments", "g05"), "upper", person=p01)
    before, after = np.asarray(p01.image), np.asarray(r.image)
    arms = limb_capsules(p01, body_of(p01), p01.mask.shape) & p01.mask & (r.garment_alpha < 0.5)
    left = np.where(arms[..., None], before, after)
    q = quality.assess(before, left, r.region, r.garment_alpha, "upper", p01, r.garment_image, r.garment_mask,
                       r.garment_scale, r.torso)
    assert not q.check("old_garment").passed, q.summary()


@needs_real
def test_real_halter_has_no_holes_unless_the_backdrop_shows_through():
    person = analyse_person(load_real("people", "p05"))
    r = ClassicTryOn().run(person.image, load_real("garments", "g08"), "upper", person=person)
    assert r.quality.check("holes").passed, r.quality.summary()
    # White product-shot gaps in the halter's body (below the bust, where it spans the torso) fail.
    on = r.garment_alpha > 0.5
    ys = np.flatnonzero((on & r.torso).any(axis=1))
    holey = r.garment_alpha.copy()
    for y in range(int(np.percentile(ys, 55)), int(ys.max()) - 10, 16):
        holey[y:y + 5] = 0
    after = np.asarray(r.image).copy()
    after[(holey < 0.5) & on] = (245, 245, 245)
    q = quality.assess(np.asarray(person.image), after, r.region, holey, "upper", person, torso=r.torso)
    assert not q.check("holes").passed, q.summary()
