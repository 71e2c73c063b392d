"""A worn dress's sides carried out to her hanging arms over a narrow strip of the old clothes (dress_sides)."""
import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT
from core.tryon.dress_sides import GAP, carry_out, side_gaps

W_SHOULDERS = 100.0


def _scene(gap_px: int):
    """A dress (cols 40..79), then `gap_px` columns of old cloth, then an arm 12 px wide, rows 50..149."""
    H, W = 200, 160
    covered = np.zeros((H, W), bool)
    covered[50:150, 40:80] = True
    arms = np.zeros((H, W), bool)
    arms[50:150, 80 + gap_px:92 + gap_px] = True
    old = np.zeros((H, W), bool)
    old[40:160, 30:120] = True
    old &= ~arms
    return covered, arms, old


def test_a_narrow_strip_between_the_dress_and_an_arm_is_found():
    covered, arms, old = _scene(5)
    gap = side_gaps(covered, arms, old, W_SHOULDERS)
    assert gap[50:150, 80:85].all()  # the whole strip
    assert not gap[:, :80].any() and not gap[:, 85:].any()  # nothing else: not the dress, the arm, beyond it


def test_a_wide_gap_is_not_bridged():
    covered, arms, old = _scene(int(GAP * W_SHOULDERS) + 4)
    assert not side_gaps(covered, arms, old, W_SHOULDERS).any()


def test_an_arm_with_no_old_cloth_beside_it_changes_nothing():
    covered, arms, old = _scene(5)
    assert not side_gaps(covered, arms, np.zeros_like(old), W_SHOULDERS).any()


def test_the_cloth_is_mirrored_across_the_dress_s_edge():
    """Columns striped in the dress: the strip continues them as their mirror image (the print goes on), not the
    edge column smeared across."""
    covered, arms, old = _scene(5)
    rgb = np.zeros((200, 160, 3), np.float32)
    rgb[:, 40:80, 0] = (np.arange(40, 80) % 4 < 2)[None, :]  # vertical stripes, 2 px
    alpha = covered.astype(np.float32)
    gap = side_gaps(covered, arms, old, W_SHOULDERS)
    out, a = carry_out(rgb, alpha, gap)
    assert (a[gap] == 1.0).all()
    for k in range(1, 6):  # column 79 + k mirrors column 80 - k
        assert np.allclose(out[60:140, 79 + k, 0], rgb[60:140, 80 - k, 0])
    assert out[60:140, 80:85, 0].std() > 0.3  # stripes, not one flat colour
    assert np.array_equal(out[~gap], rgb[~gap]) and np.array_equal(a[~gap], alpha[~gap])


REAL = REPO_ROOT.parent / "shared" / "realphotos"


@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/realphotos (evaluation photos, not shipped)")
def test_no_strip_of_her_white_halter_dress_between_the_new_dress_and_her_arms():
    """g32 (an orange dress) on p13 (a white halter dress, arms hanging): below the armpits, the old dress's
    pixels in a narrow strip between the worn dress and her arms are the new dress's (before: about 1,100 px,
    repainted as a brown or pale sliver with the old cloth's ivory rim along the arm)."""
    from core.tryon import dress
    from core.tryon.body import body_of
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    person = analyse_person(Image.open(REAL / "people" / "p13.jpg").convert("RGB"))
    garment = Image.open(REAL / "garments" / "g32.jpg").convert("RGB")
    r = ClassicTryOn().run(person.image, garment, "dress", person=person)
    frame = body_of(person)
    w = frame.width
    base = np.asarray(person.image, np.float32) / 255.0
    own = (dress.skin_like(base, dress.skin_colour(person, frame)) | dress.own_skin(dress.lab_of(base), person, frame))
    own &= person.mask
    arms = dress.limbs(person, w, legs=False) & own
    old = person.mask & ~own
    old[: int(float(min(frame.ls[1], frame.rs[1])) + 0.45 * w)] = False
    strip = side_gaps(r.garment_alpha > 0.5, arms, old, w)
    assert strip.sum() < 0.005 * w * w, strip.sum()


def test_the_arm_s_rim_of_old_white_cloth_takes_the_new_dress_s_colour_and_the_arm_stays():
    """A tanned arm (cols 60..79) beside an old ivory dress; its outermost column is half arm, half ivory (the
    photo's blend). The new dress is orange: that column becomes half arm, half orange; the arm is untouched."""
    from core.tryon.dress_sides import remix_rim

    H, W = 80, 100
    arm_rgb, ivory, orange = np.array([0.7, 0.55, 0.45]), np.array([0.92, 0.9, 0.85]), np.array([0.95, 0.45, 0.1])
    base = np.zeros((H, W, 3), np.float32)
    base[:, :60] = ivory
    base[:, 60:80] = arm_rgb
    base[:, 60] = 0.5 * arm_rgb + 0.5 * ivory  # the blended rim
    base[:, 80:] = ivory
    arm = np.zeros((H, W), bool)
    arm[:, 60:80] = True
    covered = np.zeros((H, W), bool)
    covered[:, :60] = True
    old = ~arm
    out = base.copy()
    out[covered] = orange
    res = remix_rim(out, base, arm, covered, old)
    assert np.allclose(res[10:70, 60], 0.5 * arm_rgb + 0.5 * orange, atol=0.05)
    assert np.array_equal(res[:, 61:], out[:, 61:]) and np.array_equal(res[:, :60], out[:, :60])
