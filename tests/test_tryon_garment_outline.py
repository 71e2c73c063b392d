"""The new top drawn to its own outline where it is wider than the person (core/tryon/garment_outline.py)."""
from types import SimpleNamespace

import numpy as np
import pytest

from testkit.realphotos import needs_real

from core.tryon.garment_outline import beyond_outline, gaps_closed, is_short

BODY = SimpleNamespace(width=100.0, neck_y=20.0, shoulder_edges=(np.array([40.0, 25.0]), np.array([150.0, 25.0])),
                       down=np.array([0.0, 1.0]))


def _person_with_arm(gap: int) -> np.ndarray:
    """A torso (columns 60..140) and an arm hanging beside it (columns 40-gap..60-gap), rows 30..190."""
    m = np.zeros((200, 200), bool)
    m[30:190, 60:140] = True
    m[30:190, 40 - gap:60 - gap] = True
    m[30:45, 40 - gap:60] = True  # the shoulder joins them
    return m


def test_a_narrow_gap_between_arm_and_torso_is_closed_by_the_garment():
    person = _person_with_arm(6)
    cover = np.zeros_like(person)
    cover[30:190, 30:145] = True  # the garment's body and sleeve cover the gap
    zone = cover & person
    shut = gaps_closed(cover, zone, person, BODY)
    gap = np.zeros_like(person)
    gap[45:190, 54:60] = True
    assert shut[gap].mean() > 0.95  # the whole gap between arm and torso is garment
    assert not shut[:, 145:].any() and not shut[:, :30].any()  # never past the garment


def test_a_wide_gap_stays_open_whole():
    person = _person_with_arm(30)  # an arm held away from the body
    cover = np.zeros_like(person)
    cover[30:190, 5:145] = True
    zone = cover & person
    assert not gaps_closed(cover, zone, person, BODY).any()  # not even its narrow ends


def test_a_short_sleeve_stands_off_a_bare_arm_but_a_long_one_does_not():
    person = _person_with_arm(0)
    body_a = np.zeros((200, 200), np.float32)
    body_a[30:150, 60:140] = 1
    sleeve_a = np.zeros((200, 200), np.float32)
    sleeve_a[30:80, 25:62] = 1  # wider than the arm (columns 40..60)
    zone = (np.maximum(body_a, sleeve_a) > 0.5) & person  # the zone: the garment on her
    flat_sleeve = np.zeros((300, 300), bool)
    parts = SimpleNamespace(top=(100, 200), y_top=50, y_hem=250, sleeves=[(flat_sleeve, -1)])
    hole = (np.zeros((200, 200, 3), np.float32), np.zeros((200, 200), np.float32))
    layers = [hole, (None, body_a), (None, sleeve_a)]
    flat_sleeve[50:100, 60:100] = True  # a tee's sleeve: shorter than 0.65 of the garment's length
    assert is_short(flat_sleeve, np.array([100, 50.0]), parts)
    lm = np.zeros((33, 3), np.float32)
    lm[14], lm[16] = (50, 110, 1), (50, 180, 1)  # her right arm (image left) hangs straight down
    who = SimpleNamespace(mask=person, base_layer=None, landmarks=lm)
    out = beyond_outline(layers, parts, zone, who, BODY)
    assert out[40:80, 25:40].mean() > 0.95 and not (out & person).any()
    assert not out[30, 25:39].any()  # its top falls outward from her shoulder: no horn beside it
    flat_sleeve[50:250, 20:100] = True  # a long sleeve: laid as wide as the arm, it stays on it
    assert not is_short(flat_sleeve, np.array([100, 50.0]), parts)
    assert not beyond_outline(layers, parts, zone, who, BODY)[:, :40].any()
    flat_sleeve[:] = False
    flat_sleeve[50:100, 60:100] = True
    lm[14] = (0, 60, 1)  # an arm held out (akimbo): the short sleeve folds on it, it does not stand off
    assert not beyond_outline(layers, parts, zone, who, BODY)[:, :40].any()


def test_a_bite_of_backdrop_enclosed_by_sleeve_and_body_is_filled_but_an_open_gap_is_not():
    from core.tryon.garment_outline import enclosed_backdrop

    person = SimpleNamespace(mask=np.zeros((200, 200), bool), base_layer=None)
    cover = np.zeros((200, 200), bool)
    cover[30:190, 30:52] = True  # the sleeve
    cover[30:190, 60:140] = True  # the body
    cover[30:60, 30:140] = True  # they meet at the armpit ...
    cover[150:190, 30:140] = True  # ... and below the bite
    bite = enclosed_backdrop(cover, person, BODY)
    assert bite[60:150, 52:60].all() and bite.sum() == 90 * 8
    cover[150:190, 52:60] = False  # open below: a gap to the rest of the backdrop
    assert not enclosed_backdrop(cover, person, BODY).any()
    cover[150:190, 52:60] = True
    person.base_layer = object()  # a drawn figure's outline is exact
    assert not enclosed_backdrop(cover, person, BODY).any()


@needs_real
@pytest.mark.parametrize("p, g", [("p01", "g02"), ("p25", "g15")])
def test_real_tops_have_a_clean_outline_with_no_bite_between_arm_and_body(p, g):
    """Issue 22: a striped long-sleeve had a notch of backdrop bitten between her arm and the body (ragged 0.40%);
    a short-sleeved shirt on a man in a tank showed the backdrop inside its sleeves and at his armpits (1.22%)."""
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person
    from testkit.realphotos import load_real

    person = analyse_person(load_real("people", p))
    r = ClassicTryOn().run(person.image, load_real("garments", g), "upper", person=person)
    ragged = next(c for c in r.quality.checks if c.name == "ragged")
    assert ragged.value < 0.0025
    past = (r.garment_alpha > 0.5) & ~person.mask  # the top drawn to its own edge past her outline ...
    assert past.any() and past.sum() < 0.2 * (r.garment_alpha > 0.5).sum()  # ... its sleeves and sides, no more
