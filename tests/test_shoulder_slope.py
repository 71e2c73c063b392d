"""Bare shoulders' upper outline where an old tee covered them: sloping from the neck, round over the cap; what a
boxy tee held above it is the backdrop; a shoulder the old top left bare, and her neck's outline, stay hers."""
import numpy as np

from core.tryon import bare_outline, shoulder_slope
from core.tryon.body import BodyFrame


class _Person:
    def __init__(self, lm):
        self.landmarks = lm


def _scene():
    lm = np.zeros((33, 3), np.float32)
    lm[11] = (260, 100, 1)  # l shoulder (image right)
    lm[12] = (140, 100, 1)
    lm[13] = (275, 200, 1)
    lm[14] = (125, 200, 1)
    lm[15] = (280, 290, 1)
    lm[16] = (120, 290, 1)
    body = BodyFrame(ls=lm[11, :2].copy(), rs=lm[12, :2].copy(), width=120.0, neck_y=75.0, neck_x=200.0,
                     down=np.array([0.0, 1.0], np.float32), torso_len=200.0, hips_seen=True, face=(200, 50, 25, 30),
                     lh=np.array([240.0, 300.0]), rh=np.array([160.0, 300.0]))
    skin = np.zeros((400, 400), bool)
    skin[30:77, 182:218] = True  # her neck, down to the tee's crew neckline
    return _Person(lm), body, skin


def test_boxy_tee_shoulders_above_the_sloping_line_are_not_body():
    person, body, skin = _scene()
    shape = bare_outline.bare_body(person, body, skin)
    w = body.width
    # a tee's flat top: level with the neck base from the neck to the shoulder points, square at the corners
    tee_top = int(body.neck_y)
    for x in (235, 250, 160, 145):
        assert not shape[tee_top + 2, x]  # above the shoulders' slope: the backdrop
    top = lambda x: np.flatnonzero(shape[:, x])[0]
    # the line falls from the neck's side to the shoulder point, then rounds down over the cap
    assert top(225) < top(245) < top(260) < top(int(260 + 0.1 * w))
    assert top(175) < top(155) < top(140)
    assert abs(top(260) - (100 - shoulder_slope.ACROMION_UP * w)) <= 2  # the shoulder point, a little above the joint
    assert shape[120, 250] and shape[120, 150] and shape[150, 200]  # the shoulders and chest below it stay


def test_a_shoulder_the_old_top_left_bare_keeps_its_outline():
    person, body, skin = _scene()
    skin[80:140, 240:285] = True  # her own deltoid, bare beside a tank's strap
    above = shoulder_slope.above(person, body, skin)
    assert not above[:, 230:].any()  # that side is not cut
    assert above[80, 160]  # the other side, under the old tee's sleeve, is


def test_line_starts_where_her_wide_neck_meets_the_shoulder():
    person, body, skin = _scene()
    skin[30:77, 172:228] = True  # a man's wide neck: each half nearly a quarter of the shoulders
    xn, yn = shoulder_slope.neck_side(skin, body, 1.0)
    assert xn == 227 and yn <= body.neck_y  # its last skin column
    above = shoulder_slope.above(person, body, skin)
    assert not above[72, 225]  # no notch cut inside her neck's side


def test_real_skin_above_the_line_lifts_it_no_stub_left_in_the_backdrop():
    person, body, skin = _scene()
    line = np.full(400, 100.0, np.float32)
    side = np.zeros(400, bool)
    side[200:] = True
    skin[:] = False
    skin[90:100, 250:256] = True  # a piece of her real shoulder standing 10 px above the line
    lifted = shoulder_slope.lifted(line, skin, side, 80.0, body.width)
    assert lifted[252] <= 90.5  # up to her skin's top
    assert lifted[245] < 100 and lifted[262] < 100  # eased either side, not a step
    assert np.all(lifted[:200] == 100)  # the other side untouched


def test_raised_arm_is_never_cut():
    person, body, skin = _scene()
    person.landmarks[13] = (300, 40, 1)  # her elbow above the shoulder
    above = shoulder_slope.above(person, body, skin)
    assert not above[:, 220:].any()


def test_neck_outline_against_the_backdrop_stays_a_collar_does_not():
    person, body, skin = _scene()
    mask = np.zeros((400, 400), bool)
    mask[30:400, 180:220] = True  # her neck with a one-pixel soft edge each side
    mask[70:400, 120:280] = True  # the tee below
    out = shoulder_slope.neck_outline(skin, body, mask)
    assert out[50, 181] and out[50, 218]  # the neck's soft edge
    assert not out[80, 150]  # the old tee's shoulder, below where the neck meets it


def test_a_strap_of_the_new_top_above_the_line_holds_the_shoulder_up_under_it():
    person, body, skin = _scene()
    strap = np.zeros((400, 400), bool)
    strap[78:110, 238:241] = True  # a cami's thin strap, its top above the sloping line
    free = shoulder_slope.above(person, body, skin)
    held = shoulder_slope.above(person, body, skin, strap)
    assert free[80, 239] and not held[80, 239]  # the skin under the strap stays: the strap never floats
    assert held[80, 160]  # the other shoulder is still cut
