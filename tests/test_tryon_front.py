"""Trousers and dresses on full-body people (issue 22): her hands, bare forearms and what she holds stay in front
(core/tryon/front.py); trousers are as wide as her body, not her body with the arms hanging against it; a dress's
flutter sleeves are short sleeves on the arms, not wings. Real photos from ../shared/realphotos (skipped where
absent) and a drawn case (always run)."""
import cv2
import numpy as np
import pytest
from PIL import Image

from core.tryon.body import body_frame
from core.tryon.classic import ClassicTryOn
from core.tryon.front import hands_and_forearms, put_back
from core.tryon.pose import Person, analyse_person
from core.tryon.reveal import lab_of
from core.tryon.waist import central_run, without_arms

from testkit.realphotos import REAL, needs_real


def test_put_back_gives_the_photo_s_own_pixels_on_the_hands():
    photo = np.random.default_rng(0).integers(0, 255, (60, 40, 3), dtype=np.uint8)
    person = Person(Image.fromarray(photo), np.zeros((33, 3), np.float32), np.ones((60, 40), bool))
    keep = np.zeros((60, 40), bool)
    keep[20:30, 10:20] = True
    painted = np.full_like(photo, 7)
    out = put_back(person, painted, keep)
    assert out.dtype == np.uint8 and np.array_equal(out[keep], photo[keep])
    assert np.all(out[:10] == 7)  # far from the hand: what was painted stays
    outf = put_back(person, painted.astype(np.float32) / 255, keep)
    assert np.allclose(outf[keep], photo[keep] / 255.0, atol=1e-6)


def _run(p: str, g: str, kind: str):
    person = analyse_person(Image.open(REAL / "people" / f"{p}.jpg").convert("RGB"))
    r = ClassicTryOn().run(person.image, Image.open(REAL / "garments" / f"{g}.jpg").convert("RGB"), kind, person=person)
    return person, body_frame(person, kind), r


@needs_real
@pytest.mark.parametrize("p,g,kind", [("p12", "g21", "lower"), ("p11", "g26", "lower"), ("p07", "g31", "dress"),
                                      ("p13", "g32", "dress")])
def test_real_hands_beside_the_hips_stay_in_front(p, g, kind):
    """Hands hanging beside the hips were erased (a white halo) or painted over by trousers and cut into the skirt
    as notches: 35-50% of their pixels changed. Now they are the photo's own pixels."""
    person, f, r = _run(p, g, kind)
    hands = hands_and_forearms(person, f, lab_of(np.asarray(person.image, np.float32) / 255.0))
    hands[:int(min(f.lh[1], f.rh[1]) - 0.3 * f.width)] = False
    assert hands.sum() > 0.05 * f.width ** 2  # both hands and forearms found
    changed = np.abs(np.asarray(r.image, np.int16) - np.asarray(person.image, np.int16)).max(2) > 8
    # The hands' own pixels: hands_and_forearms takes one pixel round them along (their anti-aliased rim, half
    # the old cloth's colour); beside a dress's side carried out to the arm (dress_sides) that rim is the dress's.
    own = cv2.erode(hands.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    assert changed[own].mean() < 0.02
    assert changed[hands].mean() < 0.12  # and most of the rim too (the old cloth's half goes only beside a dress)


@needs_real
@pytest.mark.parametrize("p,g", [("p11", "g26"), ("p12", "g21")])
def test_real_trousers_are_as_wide_as_her_body_not_her_arms(p, g):
    """Over a fitted dress with the arms hanging against it, the waistband spanned the arms too (1.35 x her body on
    p11) or sat narrow and off to one side (0.73 x on p12)."""
    person, f, r = _run(p, g, "lower")
    a = r.garment_alpha > 0.5
    y = int(np.flatnonzero(a.any(1)).min() + 0.1 * f.width)
    xs = np.flatnonzero(a[y])
    b0, b1 = central_run(without_arms(person, f), y, (xs.min() + xs.max()) / 2)
    assert 0.85 < np.ptp(xs) / (b1 - b0) < 1.2
    assert abs((xs.min() + xs.max()) / 2 - (b0 + b1) / 2) < 0.05 * f.width


@needs_real
def test_real_flutter_sleeves_are_short_sleeves_not_wings():
    """A dress with wide short sleeves on a man in a tee: the sleeves were taken for long ones (their deep seam
    counted as length) and stretched down past the elbows, standing out as wings. Now they end above the elbow."""
    person, f, r = _run("p07", "g31", "dress")
    a = r.garment_alpha > 0.5
    forearms = np.zeros(a.shape, np.uint8)
    for side in ("l", "r"):
        e, wr = person.point(f"{side}_elbow"), person.point(f"{side}_wrist")
        cv2.line(forearms, tuple(int(v) for v in e + 0.25 * (wr - e)), tuple(int(v) for v in wr), 1,
                 max(1, int(0.15 * f.width)))
    forearms = forearms > 0
    # Beside the skirt (below the hips the skirt itself may lie behind the hands): the forearms above the hips.
    forearms[int(min(f.lh[1], f.rh[1])):] = False
    assert a[forearms].mean() < 0.15
