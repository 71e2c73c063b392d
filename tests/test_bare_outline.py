"""The bare arms' outline where an old garment was wider: round over the shoulder, as wide as her arm."""
import numpy as np

from core.tryon import bare_outline
from core.tryon.arms import along

from testkit.bare_scene import scene


def test_arm_scale_follows_her_bare_forearm():
    person, body = scene()
    path = bare_outline._path(person, "l", body)
    s, d = along(path, (400, 400))
    r = bare_outline._radius(path, s, body.width)
    thin = (d < 0.8 * r) & (s > 0.6 * 100)
    wide = (d < 1.3 * r) & (s > 0.6 * 100)
    assert bare_outline.arm_scale(thin, path, s, d, body.width) < 0.9
    assert bare_outline.arm_scale(wide, path, s, d, body.width) > 1.1
    assert bare_outline.arm_scale(np.zeros((400, 400), bool), path, s, d, body.width) == 1.0  # a long sleeve


def test_boxy_sleeve_outside_her_arm_is_not_body():
    person, body = scene()
    skin = np.zeros((400, 400), bool)
    shape = bare_outline.bare_body(person, body, skin)
    w = body.width
    # the old tee's square sleeve corner, out past the shoulder cap, level with the shoulder's top: not her body
    assert not shape[int(100 - 0.12 * w), int(260 + 0.2 * w)]
    assert not shape[int(100 + 0.3 * w), int(275 + 0.35 * w)]  # a loose sleeve's outside beside the upper arm
    assert shape[110, 265] and shape[150, 270] and shape[250, 277]  # her arm itself
    assert shape[150, 200]  # the torso
    # round over the joint: the cap's top is lower far out than over the joint
    col = lambda x: np.flatnonzero(shape[:, x])[0]
    assert col(int(260 + 0.1 * w)) > col(260)


def test_unseen_arm_leaves_that_side_open():
    person, body = scene()
    person.landmarks[13, 2] = 0.0
    shape = bare_outline.bare_body(person, body, np.zeros((400, 400), bool))
    assert shape[130, 330]  # no arm found: its side is not cut
    assert not shape[130, 60]


def test_old_sleeve_rim_beside_the_backdrop_goes_too():
    mask = np.zeros((60, 60), bool)
    mask[10:50, 10:40] = True  # her old outline (a wide sleeve)
    zone = mask.copy()
    zone[:, 38:40] = False  # the sleeve's last two pixels, left out of the replaced zone
    gone = np.zeros_like(mask)
    gone[10:30, 30:38] = True  # what of the sleeve now goes to the backdrop
    rim = bare_outline.old_rim(gone, zone, np.zeros_like(mask), mask)
    assert rim[15:25, 38:40].all()  # its thin edge beside what goes
    assert not rim[:, 40:].any()  # never outside her mask (nothing is painted on the background)
    assert not rim[40:50, 38:40].any()  # not beside what stays her body
    assert not rim[15:25, :36].any()
