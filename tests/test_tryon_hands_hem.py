"""A top's hem by her hands and her kept skirt (core/tryon/fingertips.py, core/tryon/hem_seam.py): the fingertips of
a long hand hanging past the hand's disc stay in front (no cloth flap over them at the hem's corners), and the hem
fades into the skirt or dress kept below it (no light ruler line along it)."""
import numpy as np

from core.tryon.fingertips import beyond
from core.tryon.hem_seam import soften
from testkit.realphotos import load_real, needs_real


def _hanging_hand(h: int = 200, w: int = 200):
    """A hand found down to y 100 (x 90..110) below a wrist at (100, 60), its fingers on to y 125, her bare thigh
    beside it (x 112..160, joined to the fingers) and skin above the wrist (the forearm)."""
    skin = np.zeros((h, w), bool)
    skin[20:125, 90:110] = True  # forearm, hand, fingers
    skin[110:190, 108:160] = True  # her thigh beside the fingers
    hand = np.zeros((h, w), bool)
    hand[60:100, 90:110] = True
    return hand, skin, np.ones((h, w), bool)


def test_the_fingers_past_the_hand_are_the_hand():
    hand, skin, outline = _hanging_hand()
    tips = beyond(hand, skin, outline, np.array([100.0, 60.0]), np.array([0.0, 1.0]), 100.0)
    assert tips[100:125, 92:108].all()  # the fingertips
    assert not tips[:60].any()  # not the forearm above the wrist
    assert not tips[150:, 135:].any()  # not the thigh off the forearm's line
    assert not tips[131:].any()  # nothing a hand's length past the wrist


def test_nothing_joined_nothing_added():
    hand, skin, outline = _hanging_hand()
    skin[100:108] = False  # the fingers apart from the hand: a skin-like speck, not hers
    tips = beyond(hand, skin, outline, np.array([100.0, 60.0]), np.array([0.0, 1.0]), 100.0)
    assert not tips[103:].any()


def _hem_over_skirt(h: int = 60, w: int = 40):
    """The new top (grey 0.2) down to row 29 with a light line in row 29; below, her skirt (0.25) kept."""
    base = np.full((h, w, 3), 0.25, np.float32)
    out = base.copy()
    out[:30] = 0.2
    out[29] = 0.7
    zone = np.zeros((h, w), bool)
    zone[:30] = True
    lower = np.ones((h, w), bool)
    return out, base, zone, lower


def test_the_hem_fades_into_her_skirt_not_a_light_line():
    out, base, zone, lower = _hem_over_skirt()
    res, _ = soften(out, np.ones(zone.shape, np.float32), base, zone, lower, np.ones(zone.shape, bool), 0)
    assert abs(float(res[29].mean()) - 0.25) < 0.05  # the last row is the skirt's
    assert abs(float(res[20].mean()) - 0.2) < 1e-6  # the top above stays


def test_an_old_top_above_the_hem_never_shows():
    out, base, zone, lower = _hem_over_skirt()
    lower[:30] = False  # above the hem her old top is another colour
    res, _ = soften(out, np.ones(zone.shape, np.float32), base, zone, lower, np.ones(zone.shape, bool), 0)
    assert np.array_equal(res, out)


@needs_real
def test_real_own_cami_tried_back_on_leaves_her_fingertips_bare():
    """p09's own black cami (cut from her dress) tried back on: her fingertips below the wrists, skin in the photo,
    are not painted over by the hem's corners."""
    from bench.bench_tryon_real import own_top_product_shot
    from core.tryon import quality
    from core.tryon.body import body_frame
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pixels import to_lab
    from core.tryon.pose import analyse_person

    who = analyse_person(load_real("people", "p09"))
    r = ClassicTryOn().run(who.image, own_top_product_shot(who)[0], "upper", person=who)
    photo, res = np.asarray(who.image, np.float32), np.asarray(r.image, np.float32)
    lab = to_lab(np.asarray(who.image))
    skin = quality.skin_like(lab, quality.skin_model(lab, quality.face_ellipse(who), who.mask))
    f = body_frame(who, "upper")
    H, W = skin.shape
    yy, xx = np.mgrid[0:H, 0:W]
    covered = 0
    for side in ("l", "r"):
        x, y = who.point(f"{side}_wrist")
        near = (yy > y) & (yy < y + 0.7 * f.width) & (np.abs(xx - x) < 0.2 * f.width)
        covered += int((near & skin & (np.abs(res - photo).max(2) > 60)).sum())
    assert covered < 40, covered


def _cami_corner(strap_w: int = 4, h: int = 80, w: int = 120):
    """A cami's bodice on image right: its strap (strap_w wide) from (70, 10) down to the bodice's top at row 30,
    whose top corner stands out to x 100 above the arm in front (x 90..110 from row 40 down)."""
    body_a = np.zeros((h, w), np.float32)
    body_a[10:30, 70 - strap_w:70] = 1.0
    body_a[30:, 40:100] = 1.0
    front = np.zeros((h, w), bool)
    front[40:, 90:110] = True
    return body_a, front


class _Body:
    neck_x = 40.0
    width = 100.0


def test_a_cami_corner_past_the_strap_to_arm_line_goes():
    from core.tryon.armhole import past_armhole
    body_a, front = _cami_corner()
    cut = past_armhole(body_a, front, _Body())
    assert cut[30:40, 95:100].all()  # the corner beside the strap, above the arm
    assert not cut[30:40, 40:70].any()  # the bodice inside the line stays
    assert not cut[10:30].any()  # the strap stays
    assert not cut[40:].any()  # below the arm's top: the arm in front already hides it


def test_a_wide_strap_covers_the_shoulder_and_stays():
    from core.tryon.armhole import past_armhole
    body_a, front = _cami_corner()
    for k in range(20):  # a tank's strap widening down over the shoulder's slope from its tip
        body_a[10 + k, 66:70 + 2 * k] = 1.0
    assert not past_armhole(body_a, front, _Body()).any()
