"""Skin drawn where a new top leaves her bare follows her body, not the old top's outline, in her own colour.

core/tryon/anatomy.py (her neck as wide as she shows it, her shoulders' slope), core/tryon/skinramp.py (her
colour in light and shadow), core/tryon/uncover.py (an old collar's back and an old collar's edge go, her hair
stays). The real-photo test reads ../shared/realphotos and skips cleanly where it is absent."""
import cv2
import numpy as np
import pytest

from core.tryon import anatomy, skinramp
from core.tryon.body import BodyFrame, body_frame
from core.tryon.classic import ClassicTryOn
from core.tryon.pixels import skin_like, skin_model, to_lab
from core.tryon.pose import analyse_person
from core.tryon.quality_checks import face_ellipse, shoulder_width
from core.tryon.uncover import collar_seam, old_fringe

from testkit.realphotos import load_real, needs_real


def _body() -> BodyFrame:
    """Shoulder joints 100 px apart at row 100, the neck base at row 80, the chin at row 50."""
    return BodyFrame(ls=np.array([250.0, 100.0]), rs=np.array([150.0, 100.0]), width=100.0, neck_y=80.0,
                     neck_x=200.0, down=np.array([0.0, 1.0]), torso_len=150.0, hips_seen=True,
                     face=(200.0, 30.0, 18.0, 20.0))


def test_her_neck_is_as_wide_as_the_neck_she_shows():
    skin = np.zeros((300, 400), bool)
    skin[10:50, 182:219] = True  # the face
    skin[50:72, 188:213] = True  # her neck, 25 px wide, a little off the shoulders' middle
    cx, half = anatomy.neck_span(skin, _body())
    assert abs(cx - 200) <= 1 and 11 <= half <= 13.5
    none_seen = anatomy.neck_span(np.zeros((300, 400), bool), _body())
    assert 14 <= none_seen[1] <= 20  # the pose's guess: about a sixth of the shoulders


def test_the_shoulder_outline_slopes_from_the_neck_and_never_rises_to_a_collar():
    body = _body()
    m = anatomy.shoulder_outline(body, (300, 400), (200.0, 12.0))
    assert m[:80, 195:206].all()  # the neck column, all the way up
    assert not m[60, 225] and not m[60, 175]  # beside the neck at a crew collar's height: backdrop
    assert m[78, 222] and m[78, 178]  # the trapezius just beside the neck, a little above the neck base
    assert not m[80, 150] and m[90, 150]  # over the joint: the top of the shoulder, 0.15 of the width above it
    assert not m[95, 300] and m[100:, :].all()  # past the shoulder cap nothing; below the joints every row
    col = [int(np.argmax(m[:, x])) for x in range(215, 250, 5)]
    assert col == sorted(col)  # the slope only falls towards the shoulder


def test_drawn_shadow_takes_her_colour_not_grey():
    """Her skin is warmer where it is darker (as real skin is); a darker drawn pixel, darkened by multiplying its
    colour, comes back on her ramp: more saturated, not greyer."""
    rng = np.random.default_rng(0)
    L = rng.uniform(45, 80, 4000)
    lab = np.zeros((40, 100, 3), np.float32)
    lab[..., 0] = L.reshape(40, 100)
    lab[..., 1] = 30 - 0.3 * lab[..., 0] + rng.normal(0, 0.5, (40, 100))  # a: warmer when darker
    lab[..., 2] = 40 - 0.3 * lab[..., 0] + rng.normal(0, 0.5, (40, 100))
    ramp = skinramp.colour_ramp(lab, np.ones((40, 100), bool))
    assert ramp is not None and ramp[0][0, 0] < -0.2
    tone = np.array([0.80, 0.62, 0.52], np.float32)
    rgb = np.stack([tone * 1.0, tone * 0.7], 0)[None]  # lit, and darkened by multiplying
    out = skinramp.on_ramp(rgb, np.ones((1, 2), bool), ramp, share=1.0)
    lab_out = to_lab(np.rint(out * 255).astype(np.uint8))[0]
    lab_mult = to_lab(np.rint(rgb * 255).astype(np.uint8))[0]
    chroma = lambda v: float(np.hypot(v[1], v[2]))  # noqa: E731
    assert chroma(lab_out[1]) > chroma(lab_mult[1]) + 2  # the shadow is warmer than a multiplied one
    assert abs(lab_out[1, 0] - lab_mult[1, 0]) < 2.5  # and as dark
    assert skinramp.colour_ramp(lab, np.zeros((40, 100), bool)) is None


def test_an_old_collar_back_goes_above_the_neck_base_but_her_hair_stays():
    body = _body()
    zone = np.zeros((300, 400), bool)
    zone[80:200, 140:260] = True
    old = np.zeros((300, 400), bool)
    old[68:80, 150:250] = True  # the tee's back and shoulder seams above the neck base, joined to the zone
    old[40:60, 150:250] = True  # far above it: never
    hair = np.zeros((300, 400), bool)
    hair[68:80, 150:170] = True  # her hair falls there in the tee's colour
    grown = old_fringe(zone, old, body, hair)
    assert grown[68:80, 175:250].all()
    assert not grown[68:80, 150:170].any() and not grown[:65].any()


def test_an_old_collar_edge_around_the_neck_is_drawn_over():
    body = _body()
    zone = np.zeros((300, 400), bool)
    zone[75:200, 140:260] = True
    bare = zone.copy()
    bare[75:77] = False  # the collar's edge, read as skin by colour
    seam = collar_seam(bare, zone, body) & ~bare
    assert seam[75:77, 150:250].all()
    bare[160:162] = False  # a gap far below the neck (the waist): not the collar's
    assert not (collar_seam(bare, zone, body) & ~bare)[150:].any()


@pytest.fixture(scope="module")
def backend():
    return ClassicTryOn()


@needs_real
def test_an_off_shoulder_top_on_a_tee_bares_her_shoulders_not_a_bib(backend):
    """g05 (off-shoulder) on p05 (lilac tee with a zebra collar): her shoulders keep their slope from the neck
    (before: the backdrop was painted over their tops, 0.04 of the shoulders squared, leaving a flat-topped bib with
    round pads), and no lilac of the old tee is left around her neck and shoulders."""
    p = analyse_person(load_real("people", "p05"))
    r = backend.run(p.image, load_real("garments", "g05"), "upper", person=p)
    before, after = np.asarray(p.image.convert("RGB")), np.asarray(r.image)
    lab_b, lab_a = to_lab(before), to_lab(after)
    changed = np.linalg.norm(lab_a - lab_b, axis=2) > 3
    w = shoulder_width(p, before.shape[1])
    body = body_frame(p, "upper")
    neck = anatomy.neck_span(skin_like(lab_b, skin_model(lab_b, face_ellipse(p), p.mask)) & p.mask, body)
    backdrop = ~(cv2.dilate(p.mask.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0)
    backdrop_like = np.linalg.norm(lab_a - np.median(lab_b[backdrop], 0), axis=2) < 8
    shoulders = anatomy.shoulder_outline(body, changed.shape, neck) & p.mask
    shoulders[:int(body.neck_y - 0.1 * w)] = False
    shoulders[int(max(body.ls[1], body.rs[1])):] = False
    # Their tops, between the shoulder joints: past the joints the cap rounds into the arm (bare_outline's round
    # deltoid cap, not the torso outline's square corner: 110 px there, 0.0051 of the shoulders squared).
    x0, x1 = sorted((int(body.rs[0]), int(body.ls[0])))
    shoulders[:, :x0] = shoulders[:, x1 + 1:] = False
    assert (backdrop_like & changed & shoulders).sum() <= 0.005 * w * w
    lilac = (np.abs(lab_a[..., 1] - 14) < 8) & (lab_a[..., 2] < -18) & (lab_a[..., 0] > 55)
    band = np.zeros(changed.shape, bool)
    band[int(body.neck_y - 0.15 * w):int(body.neck_y + 0.15 * w)] = True
    assert (lilac & band & p.mask).sum() <= 0.002 * w * w


@needs_real
def test_legs_under_a_dress_meet_her_ankles_in_tone(backend):
    """A mid-calf dress on p06 (black trousers): the calves drawn in take the middle of her nearby skin's tone, not
    its lighter third (before: a colour difference of 15.0 to her own skin, pale legs above darker ankles). The pair
    was g29, worn mid-calf while its fused long sleeves were mistaken for its bodice; its bodice now found, the maxi
    reaches her ankles as in its shot and draws no calves: g30 (a midi) is the mid-calf dress here."""
    p = analyse_person(load_real("people", "p06"))
    r = backend.run(p.image, load_real("garments", "g30"), "dress", person=p)
    check = r.quality.check("skin_tone")
    assert check is not None and check.passed, r.quality.summary()
