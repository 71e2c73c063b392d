"""A new dress hides the old clothes where a dress could (core/tryon/dress_cover.py): the skirt hangs fuller, smoothly
and within a limit, where her old dress reaches past it, and a hem just above an old hem is let down to it."""
import numpy as np

from core.tryon.dress_cover import FLARE, MAX_FULLER, OldCover, flat_halves, fuller, let_down


def _skirt(H=400, waist=100, hem=300, w=100.0, old_half=None):
    flat = np.zeros((H, 200), bool)
    flat[:, 60:141] = True  # a straight sheath in the shot: half-width 40 about x=100
    half = np.zeros(H, np.float32)
    if old_half is not None:
        half[waist:] = old_half
    sx = np.ones(H, np.float32)
    g_of_row = np.arange(H, dtype=np.float32)
    return fuller(sx, g_of_row, flat_halves(flat, 100.0), waist, hem, OldCover(half, None), w)


def test_skirt_widens_smoothly_over_a_wider_old_dress():
    s = _skirt(old_half=np.where(np.arange(300) < 150, 40.0, 55.0))  # old dress flares out below row 250
    worn = s[100:300] * 40.0
    assert worn[0] <= 40.5, "no ledge at the waist"
    assert np.all(np.diff(worn) >= -1e-3), "a skirt does not pinch in going down"
    assert np.max(np.diff(worn)) <= FLARE + 1e-3, "no step: it flares at most FLARE a row"
    assert worn[160:].min() >= 55.0, "the old dress's extent is covered where it is"
    assert s.max() <= MAX_FULLER + 1e-6


def test_skirt_keeps_the_shot_when_the_old_clothes_are_inside_it():
    s = _skirt(old_half=np.full(300, 20.0))
    assert np.allclose(s, 1.0)


def test_skirt_fullness_is_capped():
    s = _skirt(old_half=np.full(300, 500.0))  # a wide backdrop blob is not a dress to cover
    assert s.max() <= MAX_FULLER + 1e-6


def test_hem_let_down_to_an_old_hem_just_below_but_not_a_far_one():
    near = OldCover(np.zeros(10, np.float32), 330.0)
    assert let_down(300.0, 100.0, near, None, 100.0) >= 330.0
    assert let_down(300.0, 100.0, near, 320.0, 100.0) == 320.0  # never past the ankles' floor
    far = OldCover(np.zeros(10, np.float32), 600.0)  # a mini over a maxi: the reveal shows her legs
    assert let_down(300.0, 100.0, far, None, 100.0) == 300.0
    assert let_down(300.0, 100.0, None, None, 100.0) == 300.0
