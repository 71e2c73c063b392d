"""Skin drawn where the old garment was is shaded like a body, and the quality check sees when it is not.

The measure (core/tryon/quality_skin.py): drawn skin with grain but none of the broad change in light that real
skin over a limb or a torso always has is a flat painted block; her own real skin never is. The drawing
(core/tryon/shade.py): each limb and the torso as a rounded cylinder, lit from the side her face shows lit.
The real-photo tests read ../shared/realphotos and skip cleanly where it is absent."""
import numpy as np
import pytest

from core.tryon import quality_skin, shade
from core.tryon.body import BodyFrame
from core.tryon.classic import ClassicTryOn
from core.tryon.pixels import ellipse_mask, skin_like, skin_model, to_lab
from core.tryon.pose import analyse_person
from core.tryon.quality_checks import face_ellipse, shoulder_width

from testkit.realphotos import load_real, needs_real

W_SHOULDERS = 100.0


def _grain(shape, seed=0, sigma=1.5):
    return np.random.default_rng(seed).normal(0, sigma, shape).astype(np.float32)


def _limbs(H=300, W=300):
    """Three upright limbs a fifth of the shoulders wide."""
    m = np.zeros((H, W), bool)
    for x0 in (40, 130, 220):
        m[30:270, x0:x0 + 22] = True
    return m


def _lab_with_L(L):
    lab = np.zeros(L.shape + (3,), np.float32)
    lab[..., 0], lab[..., 1], lab[..., 2] = L, 14.0, 18.0
    return lab


def test_a_flat_block_with_grain_is_unshaded_and_shaded_limbs_are_not():
    m = _limbs()
    flat = _lab_with_L(np.where(m, 65.0, 90.0) + _grain(m.shape))
    form = shade.cylinder_shading(m, W_SHOULDERS, 0.0)
    shaded = _lab_with_L(np.where(m, 65.0 * form, 90.0) + _grain(m.shape))
    level = quality_skin.own_shading_level(shaded, m, W_SHOULDERS)  # her own skin: the shaded limbs
    assert level is not None
    flat_share = quality_skin.unshaded_mask(flat, m, level, W_SHOULDERS).sum() / m.sum()
    shaded_share = quality_skin.unshaded_mask(shaded, m, level, W_SHOULDERS).sum() / m.sum()
    assert flat_share > 0.3, flat_share
    assert shaded_share < 0.02, shaded_share


def test_cylinder_shading_is_darker_at_the_outline_and_lit_from_the_light_side():
    m = np.zeros((100, 200), bool)
    m[10:90, 70:130] = True
    s = shade.cylinder_shading(m, W_SHOULDERS, 0.0)
    assert s[50, 100] > 0.95 and s[50, 71] < 0.85 and s[50, 128] < 0.85
    assert not np.any(s[~m] != 1.0)
    lit_right = shade.cylinder_shading(m, W_SHOULDERS, 0.5)
    assert lit_right[50, 120] > lit_right[50, 80] + 0.05


def test_torso_shading_follows_the_pose_and_the_light():
    body = BodyFrame(ls=np.array([150.0, 60.0]), rs=np.array([50.0, 60.0]), width=100.0, neck_y=50.0, neck_x=100.0,
                     down=np.array([0.0, 1.0]), torso_len=140.0, hips_seen=True, face=(100.0, 25.0, 15.0, 20.0),
                     lh=np.array([130.0, 200.0]), rh=np.array([70.0, 200.0]))
    s = shade.torso_shading(body, (300, 200), 0.0)
    row = s[130]
    assert row[100] > row[60] > row[52] and row[100] > row[140] > row[148]  # round: darker towards both sides
    assert abs(row[70] - row[130]) < 0.02  # lit from the front: symmetric
    lit = shade.torso_shading(body, (300, 200), 0.5)[130]
    assert lit[130] > lit[70] + 0.05
    assert np.all(shade.torso_shading(body, (300, 200), 0.0)[:40] == 1.0)  # nothing above the neck base


def test_light_side_reads_the_lighter_half_of_her_face():
    L = np.full((100, 100), 60.0, np.float32)
    L[:, 50:] = 72.0
    face = ellipse_mask((100, 100), (50.0, 50.0, 20.0, 25.0))
    assert shade.light_side(L, face, face) > 0.3
    assert shade.light_side(L[:, ::-1].copy(), face, face) < -0.3
    assert shade.light_side(np.full((100, 100), 60.0, np.float32), face, face) == 0.0


@pytest.fixture(scope="module")
def backend():
    return ClassicTryOn()


@needs_real
@pytest.mark.parametrize("person", ["p18", "p22", "p06", "p23", "p15", "p26"])
def test_her_own_real_skin_is_never_unshaded(person):
    """Bare midriffs and arms in the photos (p18's and p22's midriff, p06's and p23's arms): none of it reads flat."""
    p = analyse_person(load_real("people", person))
    lab = to_lab(np.asarray(p.image.convert("RGB")))
    face = face_ellipse(p)
    w = shoulder_width(p, lab.shape[1])
    skin = skin_like(lab, skin_model(lab, face, p.mask)) & p.mask & ~ellipse_mask(lab.shape[:2], face)
    level = quality_skin.own_shading_level(lab, skin, w)
    assert quality_skin.unshaded_mask(lab, skin, level, w).sum() <= 0.01 * skin.sum()


@needs_real
def test_legs_drawn_under_a_shorter_dress_are_shaded(backend):
    """A mid-calf dress over black trousers: the calves drawn in are round and lit, not flat tan sticks (before:
    7% of the drawn skin was one flat tone, 0% now)."""
    p = analyse_person(load_real("people", "p06"))
    r = backend.run(p.image, load_real("garments", "g29"), "dress", person=p)
    check = r.quality.check("skin_shading")
    assert check is None or check.passed, r.quality.summary()
    assert r.quality.check("flat_fill").value <= 0.02


@needs_real
def test_the_check_names_a_large_drawn_torso_that_stays_flat(backend):
    """A bandeau over a grey sweatshirt: the whole torso and both arms are drawn in. The check reports how much of
    that drawn skin is a flat tone (before this check: 0.00%, the picture a skin-coloured sweatshirt)."""
    p = analyse_person(load_real("people", "p08"))
    r = backend.run(p.image, load_real("garments", "g40"), "upper", person=p)
    check = r.quality.check("skin_shading")
    assert check is not None
    assert r.quality.verdict == "poor"
    assert "drawn" in check.reason or check.passed
