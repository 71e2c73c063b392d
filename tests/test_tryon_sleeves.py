"""Issue 22 (sleeves, armholes, edges): the slit between a long sleeve laid alongside the body and the body is worn
as the body, never as a white spike down the chest; the old top's edge just outside the person's outline goes with
the old top; her bare arm in front of the new top is one piece and kept as it is."""
import numpy as np
import cv2
from PIL import Image

from core.tryon.arms import bare_arm, solid_arm
from core.tryon.drape import garment_parts, side_slits
from core.tryon.flatlay import slit_backdrop
from core.tryon.warp import garment_landmarks

BACKDROP = (242, 240, 236)


def _long_sleeved(slit: bool = True):
    """A flat-lay: a body, and two long sleeves laid alongside it; with `slit`, a wedge of backdrop between each
    sleeve and the body from the armpit down (narrow at the top, open at the bottom)."""
    m = np.zeros((400, 400), np.uint8)
    cv2.fillPoly(m, [np.array([(140, 40), (260, 40), (260, 380), (140, 380)], np.int32)], 1)  # body
    cv2.fillPoly(m, [np.array([(140, 40), (100, 60), (92, 360), (140, 360)], np.int32)], 1)  # left
    cv2.fillPoly(m, [np.array([(260, 40), (300, 60), (308, 360), (260, 360)], np.int32)], 1)  # right
    if slit:
        cv2.fillPoly(m, [np.array([(139, 130), (141, 130), (146, 362), (126, 362)], np.int32)], 0)
        cv2.fillPoly(m, [np.array([(259, 130), (261, 130), (274, 362), (254, 362)], np.int32)], 0)
    return m > 0


def test_the_slit_beside_a_long_sleeve_is_body():
    mask = _long_sleeved()
    parts = garment_parts(mask, garment_landmarks(mask, "upper"))
    assert sorted(s for _, s in parts.sleeves) == [-1, 1]
    # The body's sides run straight down: no gap in its rows between the armpits and the hem.
    for y in range(150, 350, 10):
        xs = np.flatnonzero(parts.body[y])
        assert len(xs) == xs.max() - xs.min() + 1, f"a gap in the body on row {y}"


def test_side_slits_leave_the_neckline_and_a_cuff_notch_alone():
    mask = _long_sleeved(slit=False)
    cv2.ellipse(mask.view(np.uint8), (200, 40), (40, 60), 0, 0, 180, 0, -1)  # a deep scoop neckline
    cv2.rectangle(mask.view(np.uint8), (133, 340), (139, 380), 0, -1)  # a short notch beside the left cuff
    tl, tr = np.array([140, 45], np.float32), np.array([260, 45], np.float32)
    assert not side_slits(mask, tl, tr).any()


def _product_shot(mask: np.ndarray, cloth=(120, 120, 130)) -> Image.Image:
    rgb = np.full(mask.shape + (3,), BACKDROP, np.uint8)
    rgb[mask] = cloth
    return Image.fromarray(rgb)


def test_slit_backdrop_finds_the_slit_even_where_the_mask_sealed_its_tip():
    mask = _long_sleeved()
    img = _product_shot(mask)
    sealed = mask.copy()
    sealed[128:200, 136:146] = True  # the segmentation took the slit's narrow top for cloth
    found = slit_backdrop(img, sealed, mask)
    assert found[150, 141] and found[300, 138] and found[300, 264]
    assert not found[200, 200] and not found[100, 115]  # never the body's middle or a sleeve


def test_a_white_tee_on_white_has_no_slit():
    mask = _long_sleeved(slit=False)
    img = _product_shot(mask, cloth=(246, 245, 242))  # white on white: the colour test sees backdrop everywhere
    assert not slit_backdrop(img, mask, mask).any()


def test_solid_arm_closes_the_flecks_within_its_outline():
    within = np.zeros((200, 200), bool)
    within[20:180, 80:120] = True
    arm = within.copy()
    rng = np.random.default_rng(0)
    arm &= rng.random(arm.shape) > 0.3  # a skin test with misses
    out = solid_arm(arm, within, 200.0)
    assert out[within].mean() > 0.97
    assert not out[~within].any()


def test_bare_arm_is_kept_but_an_old_long_sleeve_is_not():
    lab = np.zeros((100, 100, 3), np.float32)
    lab[..., 0] = 15  # the old top: black
    lab[:, 40:60] = (60, 18, 25)  # her arm
    front = np.zeros((100, 100), bool)
    front[:, 35:65] = True  # the arm in front, a little wider than the arm
    core = np.zeros((100, 100), bool)
    core[:, :30] = True
    kept = bare_arm(lab, front, core)
    assert kept[:, 40:60].all() and not kept[:, 35:40].any()
    lab[:, 40:60] = (15, 0, 0)  # her old top's long sleeve: nothing to keep
    assert not bare_arm(lab, front, core).any()


def test_a_halters_flare_is_body_on_both_sides():
    # A halter: a narrow neck band, then a body widening to a wide hem; its right side flares from well below the
    # armholes, its left outline starts higher (a real product shot is never exactly symmetric): both are body.
    m = np.zeros((400, 400), np.uint8)
    cv2.fillPoly(m, [np.array([(185, 20), (215, 20), (226, 160), (300, 380), (96, 380), (168, 70)], np.int32)], 1)
    mask = m > 0
    parts = garment_parts(mask, garment_landmarks(mask, "upper"))
    assert parts.sleeves == []
    assert parts.body.sum() > 0.97 * mask.sum()


def test_a_bulge_at_the_side_seam_is_no_sleeve():
    m = np.zeros((400, 400), np.uint8)
    cv2.fillPoly(m, [np.array([(120, 60), (280, 60), (280, 300), (120, 300)], np.int32)], 1)  # a cropped cami
    cv2.ellipse(m, (283, 190), (14, 50), 0, 0, 360, 1, -1)  # one side bulges out half-way down
    mask = m > 0
    parts = garment_parts(mask, garment_landmarks(mask, "upper"))
    assert parts.sleeves == []


def test_the_clothes_edge_left_outside_her_outline_joins_the_person():
    from types import SimpleNamespace

    from core.tryon.pose import Person
    from core.tryon.top import with_clothes_edge

    rgb = np.full((300, 300, 3), (225, 225, 222), np.uint8)
    rgb[60:280, 100:200] = (150, 20, 40)  # a red top, sleeves included
    mask = np.zeros((300, 300), bool)
    mask[60:280, 102:198] = True  # the segmentation's outline falls 2 px inside it
    body = SimpleNamespace(width=200.0, neck_y=50.0)
    p = Person(Image.fromarray(rgb), np.zeros((33, 3), np.float32), mask)
    grown = with_clothes_edge(p, body).mask
    assert grown[100:270, 100:102].all() and grown[100:270, 198:200].all()
    assert not grown[:, :99].any() and not grown[:, 201:].any()  # never the backdrop
    drawn = Person(Image.fromarray(rgb), np.zeros((33, 3), np.float32), mask, np.zeros_like(mask))
    assert with_clothes_edge(drawn, body).mask is mask  # a drawn figure's outline is exact
