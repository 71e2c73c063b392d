"""Bare shoulders drawn where an off-shoulder or halter top leaves them: a round shoulder cap (not the torso polygon's
square corner), a smooth outline (no notch where drawn skin meets her real shoulder), no tinted line of the old
garment's outermost pixel left in the backdrop, and no ghost of the arm capsule's rim drawn down her chest beside
the real arm she shows."""
import cv2
import numpy as np

from core.tryon import bare_outline
from core.tryon.arm_outline import own_arm
from core.tryon.body import BodyFrame
from core.tryon.pixels import to_lab

from testkit.bare_scene import scene


def test_shoulder_cap_past_the_joint_is_round_not_the_torso_corner():
    person, body = scene()
    shape = bare_outline.bare_body(person, body, np.zeros((400, 400), bool))
    w = body.width
    for jx, out in ((140, -1), (260, 1)):
        # out past the joint and a little above it, beyond the deltoid's round cap: not her body (the torso
        # polygon's top corner, grown, reached here: a square shoulder)
        assert not shape[int(100 - 0.05 * w), int(jx + out * 0.15 * w)]
        # the cap itself and the torso below the armpit are
        assert shape[int(100 - 0.05 * w), int(jx + out * 0.05 * w)]
        assert shape[int(100 + 0.4 * w), int(jx + out * 0.05 * w)]
    # the columns between the joints keep the torso up to the shoulders' slope (its own outline, not this one)
    assert shape[int(100 - 0.1 * w), 200]


def test_drawn_outline_steps_are_rounded_and_her_real_outline_kept():
    drawn = np.zeros((80, 120), bool)
    drawn[30:80, 10:60] = True  # the drawn shoulder, up to the old strap's top (a cloth's thickness high)
    real = np.zeros_like(drawn)
    real[34:80, 60:110] = True  # her real shoulder beside it, its top 4 px lower: a notch
    keep = bare_outline.rounded(drawn, real, 200.0)
    assert real[keep == False].sum() == 0  # her real skin is never taken
    assert not keep[30, 58] and not keep[31, 59]  # the step's corner by her real shoulder is rounded off
    assert keep[50, 30] and keep[31, 30]  # the drawn shoulder itself stays


def test_old_garments_tinted_outermost_pixel_goes_with_it_but_backdrop_and_skin_outline_stay():
    H, W = 60, 60
    img = np.full((H, W, 3), (124, 125, 120), np.uint8)  # a grey backdrop
    mask = np.zeros((H, W), bool)
    mask[20:, 10:50] = True
    img[mask] = (176, 151, 209)  # a lilac tee
    img[19, 10:30] = (132, 122, 146)  # its anti-aliased outermost row, half lilac, left outside the mask
    gone = np.zeros_like(mask)
    gone[20:23, 10:50] = True  # the tee's top, now backdrop
    skin = np.zeros_like(mask)
    skin[22:, 45:50] = True  # her real skin at the right end
    rim = bare_outline.outer_rim(gone, mask, to_lab(img), skin)
    assert rim[19, 12:28].all()  # the tinted line goes
    assert not rim[19, 32:42].any()  # the backdrop's own colour stays as shot
    assert not rim[19, 44:].any()  # her skin's soft outline stays
    assert not (rim & mask).any() and not rim[:18].any()  # one pixel just outside her mask only


def _armscene():
    """An arm capsule (columns 40..80) on the image's right of the body's middle; her real arm shows in its outer
    part (columns 62..80), the drawn chest (a tank's armhole) fills the rest of it and beyond towards the middle."""
    H, W = 120, 120
    limbs = np.zeros((H, W), bool)
    limbs[:, 40:81] = True
    real = np.zeros_like(limbs)
    real[:, 62:81] = True
    area = np.zeros_like(limbs)
    area[:, 10:62] = True
    return limbs, real, area


def test_drawn_chest_beside_her_real_arm_is_not_the_arm():
    limbs, real, area = _armscene()
    out = own_arm(limbs, area, real, 0.0, 120.0)
    assert not out[10:110, 40:60].any()  # the capsule's part over the drawn chest: torso (no rim line down it)
    assert out[:, 63:81].all()  # her real arm stays the arm


def test_drawn_arm_above_her_real_forearm_stays_the_arm():
    limbs, real, area = _armscene()
    real[:] = False
    real[80:, 40:81] = limbs[80:, 40:81]  # a sleeve's hem crossing the arm: her real arm below it
    area[:] = False
    area[:80, 10:81] = True  # the old sleeve drawn as her arm above it
    out = own_arm(limbs, area, real, 0.0, 120.0)
    assert out[:80, 40:81].all()


def test_the_drawn_chest_beside_her_real_arm_turns_away_into_it_smoothly():
    from core.tryon.arm_outline import side_shade

    limbs, real, area = _armscene()
    new = own_arm(limbs, area, real, 0.0, 120.0)
    f = side_shade(new, limbs & ~new, area, 120.0)
    row = f[60, 10:62]
    assert row[-1] < 0.95 and row[0] > row[-1]  # darker at her arm's outline than towards the body's middle
    assert np.all(np.diff(row) <= 1e-6)  # one smooth fall-off, no line
    assert np.allclose(side_shade(limbs, np.zeros_like(limbs), area, 120.0), 1.0)  # nothing taken: no shade


def test_the_collarbones_lit_ridge_is_soft_not_a_drawn_line():
    from core.tryon.relief import collarbone_relief

    w = 100.0
    body = BodyFrame(ls=np.array([200.0, 60.0]), rs=np.array([100.0, 60.0]), width=w, neck_y=40.0, neck_x=150.0,
                     down=np.array([0.0, 1.0]), torso_len=150.0, hips_seen=True, face=(150.0, 10.0, 8.0, 10.0))
    f = collarbone_relief(body, (200, 300), (150.0, 17.0))
    for x in (165, 175, 185):  # along her left collarbone, from the notch out
        col = f[20:80, x]
        assert col.max() - 1.0 > 0.015  # a ridge catches the light
        # its light and shadows change softly: no crease a few pixels wide (the ridge was 0.035 a pixel squared)
        assert np.abs(np.diff(col, 2)).max() < 0.02
        assert np.abs(np.diff(col)).max() < 0.025
