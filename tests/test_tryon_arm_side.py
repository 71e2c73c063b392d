"""The new top's side out to her arm in front (core/tryon/arm_side.py): the rim of the arm's drawn outline that lay
beside the arm (the old top's dark side, a sliver of backdrop) is the new top's, and the seam against the arm is
the photo's own soft outline, not a dark or stepped line."""
import numpy as np

from core.tryon.arm_side import rim_not_arm, soften_seam
from testkit.realphotos import load_real, needs_real


class _Frame:
    width = 200.0


class _Person:
    def __init__(self, mask):
        self.mask = mask


def _arm_beside_black_top(h: int = 120, w: int = 200):
    """An arm (skin, x 36..90) drawn in front as x 36..96 (its tapered outline is wider than the real arm): x 90..96
    of it is the old black top beside the arm; the backdrop left of x 36 (her outline); the new top's cloth laid
    from x 30 on (under the arm, past her outline)."""
    lab = np.zeros((h, w, 3), np.float32)
    lab[:] = (90.0, 0.0, 0.0)  # light grey backdrop
    lab[:, 36:] = (10.0, 0.0, 0.0)  # the old black top (and her side)
    lab[:, 36:90] = (65.0, 18.0, 25.0)  # the arm's skin
    skin = np.zeros((h, w), bool)
    skin[:, 36:90] = True
    front = np.zeros((h, w), bool)
    front[:, 36:96] = True
    mask = np.zeros((h, w), bool)
    mask[:, 36:] = True
    old_top = np.zeros((h, w), bool)
    old_top[:, 120:190] = True
    behind = np.zeros((h, w), bool)
    behind[:, 30:] = True
    return front, lab, skin, old_top, _Person(mask), behind


def test_the_arms_rim_towards_the_body_in_the_old_tops_colour_is_the_new_tops():
    front, lab, skin, old_top, person, behind = _arm_beside_black_top()
    lab[:, 36:38] = (88.0, 0.0, 0.0)  # the photo's light halo on the arm's outer outline
    skin[:, 36:38] = False
    rim = rim_not_arm(front, lab, skin, old_top, person, _Frame(), behind)
    assert rim[:, 90:96].mean() > 0.95  # the black beside the arm, towards her body: the new top covers it
    assert not rim[:, 38:90].any()  # the arm itself stays
    assert not rim[:, 36:38].any()  # its outer side (towards the backdrop) is her outline as shot


def test_an_arm_that_is_mostly_the_old_tops_colour_keeps_its_outline():
    front, lab, skin, old_top, person, behind = _arm_beside_black_top()
    lab[:, 36:96] = (10.0, 0.0, 0.0)  # an arm in an old long black sleeve
    skin[:] = False
    assert not rim_not_arm(front, lab, skin, old_top, person, _Frame(), behind).any()


def test_a_wide_rim_is_the_arm_itself_and_stays():
    front, lab, skin, old_top, person, behind = _arm_beside_black_top()
    front[:, 72:] = False  # a slim arm drawn x 36..72, ...
    lab[:, 62:72] = (25.0, 8.0, 10.0)  # ... its side x 62..72 in deep shade (nearer the black top than the lit arm)
    skin[:, 62:] = False  # which the skin test misses: more than a quarter of the drawn arm would go
    assert not rim_not_arm(front, lab, skin, old_top, person, _Frame(), behind).any()


def test_the_seam_against_the_arm_takes_the_photos_mix():
    h, w = 20, 40
    base = np.zeros((h, w, 3), np.float32)
    arm_c = np.array([0.8, 0.55, 0.4], np.float32)
    base[:, :20] = arm_c  # the arm
    base[:, 20] = 0.5 * arm_c  # its outline pixel: half arm, half the black top
    out = np.ones((h, w, 3), np.float32)  # a white new top ...
    out[:, :20] = arm_c  # ... beside the arm kept as shot
    zone = np.zeros((h, w), bool)
    zone[:, 20:] = True
    front = np.zeros((h, w), bool)
    front[:, :20] = True
    got = soften_seam(out, base, zone, front, zone)
    mid = got[10, 20]
    assert np.allclose(mid, 0.5 * arm_c + 0.5, atol=0.06), mid  # half arm, half the new top: a soft outline
    assert np.allclose(got[10, 23], 1.0, atol=0.02)  # the pure old top's pixels stay the new top
    assert np.allclose(got[:, :20], arm_c)  # the arm untouched


def test_the_seam_is_left_where_the_arm_and_the_old_clothes_are_alike():
    h, w = 20, 40
    base = np.full((h, w, 3), 0.6, np.float32)
    out = np.ones((h, w, 3), np.float32)
    zone = np.zeros((h, w), bool)
    zone[:, 20:] = True
    front = ~zone
    got = soften_seam(out, base, zone, front, zone)
    assert np.allclose(got[:, 20:], 1.0)


@needs_real
def test_real_white_tee_over_a_crop_top_has_no_dark_line_beside_her_arms():
    """g39 (a white tee) on p18 (a black strappy crop top, black trousers, arms hanging): between each arm and the
    tee's side the old top's and trousers' dark side was left as a jagged, torn dark line (123 and 90 dark grey
    pixels in the two strips); the tee now runs to the arm with the photo's soft outline (about 20 and 0)."""
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    person = analyse_person(load_real("people", "p18"))
    r = ClassicTryOn().run(person.image, load_real("garments", "g39"), "upper", person=person)
    out = np.asarray(r.image, np.int32)
    for x0, y0, x1, y1 in ((140, 440, 180, 560), (356, 400, 380, 560)):  # her right arm's inner side, her left's
        px = out[y0:y1, x0:x1]
        dark_grey = (px.mean(2) < 140) & (px[..., 0] - px[..., 2] < 40)  # not her skin's shade: the old black
        assert dark_grey.sum() < 40, (x0, int(dark_grey.sum()))
    assert r.quality.verdict == "good", r.quality.summary()


@needs_real
def test_real_own_dress_tried_back_on_has_no_painted_arm_beside_her_arm():
    """p09's own black strappy dress cut out of her photo and tried back on: her slim arms hang beside it, and the
    arm's drawn outline (wider than her arm) was painted as flat skin over the dress's dark side, a wide false arm
    (skin_seam 0.49, 'check'); the dress now runs to her arm (skin_seam 0, torso SSIM 0.80 -> 0.82)."""
    import cv2

    from bench.bench_tryon_real import own_top_product_shot, torso_ssim
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person
    from core.tryon.regions import body_frame, polygon_mask, torso_outline

    who = analyse_person(load_real("people", "p09"))
    shot, _ = own_top_product_shot(who)
    r = ClassicTryOn().run(who.image, shot, "upper", person=who)
    assert r.quality.check("skin_seam").value < 0.25, r.quality.summary()
    torso = polygon_mask(who.mask.shape, torso_outline(body_frame(who, "upper"))) & who.mask
    torso = cv2.erode(torso.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert torso_ssim(np.asarray(who.image), np.asarray(r.image), torso) >= 0.80
