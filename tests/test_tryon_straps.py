"""A cami's neckline between its thin straps stays open in the closed flat-lay (core/tryon/straps.py)."""
import cv2
import numpy as np
from PIL import Image

from core.tryon.flatlay import close_flat_lay
from core.tryon.straps import strap_neck
from testkit.realphotos import load_real, needs_real


def _cami(h=200, w=160):
    m = np.zeros((h, w), bool)
    m[60:, 20:140] = True  # the bodice
    for y in range(60, 120):  # a V-neck down to y=120
        half = int((120 - y) * 0.8)
        m[y, 80 - half:80 + half] = False
    m[20:62, 30:34] = True  # thin straps
    m[20:62, 126:130] = True
    return m


def test_v_between_straps_stays_open():
    m = _cami()
    img = Image.fromarray(np.where(m[..., None], 20, 255).astype(np.uint8).repeat(3, 2))
    _, closed = close_flat_lay(img, m)
    assert not closed[70, 80] and not closed[40, 80]  # the V and the gap between the straps: no cloth
    assert closed[150, 80] and closed[30, 31]  # the bodice and the straps stay


def test_tee_neck_scoop_untouched():
    m = np.zeros((200, 160), bool)
    m[20:, 20:140] = True
    m[20:40, 60:100] = False  # a crew neck's scoop: one wide run either side, not straps
    hull = m.copy()
    hull[20:40, 60:100] = True
    assert not strap_neck(m, hull).any()


def test_armhole_drop_short_straps_stay_high():
    from core.tryon.straps import armhole_drop
    # A product shot's long straps: the armholes at the armpits, as before.
    assert armhole_drop(rise=200, gw=300, lift=0.07) == 0.45
    # A cami cut out where it is worn shows short straps: its armhole row is worn higher, not at the armpits.
    assert armhole_drop(rise=20, gw=120, lift=0.07) < 0.25


def test_cold_shoulder_with_sleeves_untouched():
    m = _cami()
    m[62:110, 0:20] = True  # sleeves spreading out past the body below the straps (a cold-shoulder top)
    m[62:110, 140:160] = True
    hull = m.copy()
    hull[20:120, 34:126] = True
    assert not strap_neck(m, hull).any()


def _shot(mask, strap_value=30, wedge_value=222, wedge=0):
    """A product shot on a light backdrop: the garment dark; `wedge` px of the backdrop's soft shadow either side
    of each strap (what a smooth segmentation outline swallows)."""
    img = np.full(mask.shape + (3,), 245, np.uint8)
    img[mask] = strap_value
    if wedge:
        soft = (cv2.dilate(mask.astype(np.uint8), np.ones((1, 2 * wedge + 1), np.uint8)) > 0) & ~mask
        soft[60:] = False
        img[soft] = wedge_value
    return Image.fromarray(img)


def test_thin_straps_leave_the_backdrop_beside_a_strap_out():
    from core.tryon.straps import thin_straps

    m = _cami()
    swollen = cv2.dilate(m.astype(np.uint8), np.ones((1, 9), np.uint8)) > 0  # the segmentation's wedge
    swollen[60:] = m[60:]
    out = thin_straps(_shot(m, wedge=4), swollen)
    assert swollen[40].sum() >= 24  # two 12 px wedges ...
    assert out[40].sum() <= 12  # ... back to two straps of a few px
    assert out[40, 31] and out[40, 127]
    assert (out[70:] == swollen[70:]).all()  # the bodice as it was


def test_a_white_strap_on_white_is_kept_as_segmented():
    from core.tryon.straps import thin_straps

    m = _cami()
    img = np.asarray(_shot(m)).copy()
    img[:60][m[:60]] = 245  # the straps in the backdrop's colour: thinning by colour would lose them
    assert (thin_straps(Image.fromarray(img), m) == m).all()


def test_bodice_row_is_below_the_v():
    from core.tryon.straps import bodice_row, strappy

    m = _cami()
    assert strappy(m)
    assert 85 <= bodice_row(m) <= 120  # where the V's halves fill most of the width, not the strap tips
    tee = np.zeros((200, 160), bool)
    tee[20:, 20:140] = True
    assert not strappy(tee)


@needs_real
def test_a_real_cami_is_worn_with_thin_straps_not_caps():
    """The zebra cami (thin looped straps) on a woman in a white tank: above the bodice each shoulder carries a
    strap a few px wide, not a cap as wide as the shoulder's top (main before: grey caps, 0.3 shoulder widths)."""
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    who = analyse_person(load_real("people", "p21"))
    r = ClassicTryOn().run(who.image, load_real("garments", "g10"), "upper", person=who)
    w = float(np.linalg.norm(who.point("l_shoulder") - who.point("r_shoulder")))
    y0 = int((who.point("l_shoulder")[1] + who.point("r_shoulder")[1]) / 2)
    cx = int((who.point("l_shoulder")[0] + who.point("r_shoulder")[0]) / 2)
    on = r.garment_alpha > 0.5
    rows = range(y0, y0 + int(0.2 * w))
    for side in (on[:, :cx], on[:, cx:]):
        assert np.median([side[y].sum() for y in rows]) <= 0.09 * w  # main before: 0.12 and more
    assert on[y0 + int(0.6 * w), cx - int(0.3 * w):cx + int(0.3 * w)].mean() > 0.9  # the bodice is there


@needs_real
def test_the_dress_she_wears_comes_back_with_its_straps():
    """Her own strappy dress cut out of her photo and tried back on: the torso as it was (SSIM >= 0.75) and thin
    straps on bare shoulders."""
    from bench.bench_tryon_real import own_top_product_shot, torso_ssim
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person
    from core.tryon.regions import body_frame, polygon_mask, torso_outline

    who = analyse_person(load_real("people", "p09"))
    shot, _ = own_top_product_shot(who)
    r = ClassicTryOn().run(who.image, shot, "upper", person=who)
    torso = polygon_mask(who.mask.shape, torso_outline(body_frame(who, "upper"))) & who.mask
    torso = cv2.erode(torso.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    assert torso_ssim(np.asarray(who.image), np.asarray(r.image), torso) >= 0.75
    w = float(np.linalg.norm(who.point("l_shoulder") - who.point("r_shoulder")))
    y0 = int((who.point("l_shoulder")[1] + who.point("r_shoulder")[1]) / 2)
    cx = int((who.point("l_shoulder")[0] + who.point("r_shoulder")[0]) / 2)
    on = r.garment_alpha > 0.5
    for side in (on[:, :cx], on[:, cx:]):
        # over the shoulders, above the V's sides: a strap a few px wide (main before: caps of 0.25 shoulder widths)
        assert np.median([side[y].sum() for y in range(y0 - int(0.1 * w), y0 - int(0.03 * w))]) <= 0.06 * w


def test_a_black_strap_on_a_white_top_keeps_its_colour():
    """The flat-lay's outline is replaced by the cloth just inside it, but a thin strap far from the bodice's
    inside is its own cloth: a black strap stayed black, not the white of the bodice."""
    from core.tryon.pixels import inner_texture

    m = _cami()
    img = np.full(m.shape + (3,), 245, np.uint8)
    img[m] = 235  # a white top ...
    img[20:62, 30:34] = 20  # ... with black straps
    img[20:62, 126:130] = 20
    tex = inner_texture(Image.fromarray(img), m)
    assert tex[40, 31].max() < 0.2 and tex[40, 127].max() < 0.2
    assert tex[150, 80].min() > 0.85  # the bodice as it was


def test_the_closed_flat_lay_keeps_a_black_strap_black():
    m = _cami()
    img = np.full(m.shape + (3,), 245, np.uint8)
    img[m] = 235
    img[20:62, 30:34] = 20
    img[20:62, 126:130] = 20
    filled, closed = close_flat_lay(Image.fromarray(img), m)
    assert np.asarray(filled)[40, 31].max() < 60 and closed[40, 31]


def test_a_looped_strap_is_worn_as_its_front_strap():
    """A strap laid flat as a loop shows its front and back lines side by side: only the front one (nearer the
    middle) is kept, one strap over each shoulder."""
    from core.tryon.straps import thin_straps

    m = _cami()
    m[20:62, 24:28] = True  # each strap's back line, outside its front one
    m[20:62, 132:136] = True
    m[20:24, 24:34] = True  # joined at the loop's top
    m[20:24, 126:136] = True
    out = thin_straps(_shot(m), m)
    assert out[45, 31] and out[45, 127]  # the front straps stay
    assert not out[45, 25] and not out[45, 133]  # the back lines go
