"""A bare torso drawn where a long top was (a bandeau or a crop top over a sweatshirt or a tee) carries a body's form:
the soft relief of a chest and belly (core/tryon/torso_relief.py) and the old garment's middle-scale light with its
print taken out (core/tryon/cloth_shading.py). The quality check's measures are unchanged: the drawn skin passes them
because the picture carries the shading. The real-photo tests read ../shared/realphotos and skip where it is absent."""
import numpy as np
import pytest

from core.tryon import quality_skin, shade
from core.tryon.body import BodyFrame
from core.tryon.classic import ClassicTryOn
from core.tryon.cloth_shading import cloth_form, print_mask
from core.tryon.pose import analyse_person
from core.tryon.torso_relief import torso_relief

from testkit.realphotos import load_real, needs_real

SHAPE = (420, 300)


def _body() -> BodyFrame:
    return BodyFrame(ls=np.array([210.0, 80.0]), rs=np.array([90.0, 80.0]), width=120.0, neck_y=60.0, neck_x=150.0,
                     down=np.array([0.0, 1.0]), torso_len=200.0, hips_seen=True, face=(150.0, 30.0, 18.0, 24.0),
                     lh=np.array([185.0, 280.0]), rh=np.array([115.0, 280.0]))


def _relief(body: BodyFrame) -> np.ndarray:
    return torso_relief(body, SHAPE, shade.torso_rows(body, SHAPE[0]))


def test_torso_relief_is_soft_form_placed_from_the_pose():
    body = _body()
    r = _relief(body)
    assert np.all(r[:int(body.neck_y)] == 1.0)  # nothing above the neck base
    assert 0.8 < r.min() and r.max() < 1.2  # hints of form: a few hundredths either way, never a drawn feature
    belly = int(80 + 0.7 * 200)
    assert r[belly, 150] < r[belly, 150 + 18] - 0.03  # the belly's middle line lies in a soft valley
    navel = int(80 + 0.86 * 200)
    assert r[navel, 150] < r[navel - 25, 150] - 0.05  # the navel's small shadow
    assert np.allclose(r[:, 1:150][:, ::-1], r[:, 151:], atol=1e-3)  # a straight pose: both sides alike


def test_a_drawn_torso_with_the_relief_is_shaded_and_the_plain_cylinder_is_not():
    """The torso's cylinder alone leaves its middle one flat tone (the tan slab of a bandeau over a sweatshirt);
    with the relief, the same measure the quality check uses finds almost none of it flat."""
    body = _body()
    torso = np.zeros(SHAPE, bool)
    torso[100:300, 105:195] = True  # the middle of the torso below the chest line, where the cylinder is flattest
    cyl = shade.torso_shading(body, SHAPE, 0.0)
    grain = np.random.default_rng(0).normal(0, 1.0, SHAPE).astype(np.float32)

    def lab(factor):
        out = np.zeros(SHAPE + (3,), np.float32)
        out[..., 0], out[..., 1], out[..., 2] = 65.0 * factor + grain, 14.0, 18.0
        return out

    level = 30.0  # the threshold's cap: her own skin usually reaches it (face, neck, hands)
    plain = quality_skin.unshaded_mask(lab(cyl), torso, level, body.width).sum() / torso.sum()
    formed = quality_skin.unshaded_mask(lab(cyl * _relief(body)), torso, level, body.width).sum() / torso.sum()
    assert plain > 0.3, plain
    assert formed < 0.05, formed


def _sweatshirt():
    """A grey sweatshirt's front: a broad light from the image's left, a soft hollow of shadow (the body's form),
    a large dark logo and a coloured letter (print, not light)."""
    H, W = 300, 240
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    form = 1.0 + 0.06 * np.exp(-0.5 * (((xx - 120) / 22) ** 2 + ((yy - 180) / 22) ** 2)) - 0.05 * (xx / W)
    lab = np.zeros((H, W, 3), np.float32)
    lab[..., 0] = 70.0 * form
    lab[..., 1], lab[..., 2] = 0.5, -1.0
    logo = (np.abs(xx - 120) < 30) & (np.abs(yy - 90) < 18)
    lab[logo, 0] = 15.0
    letter = (np.abs(xx - 60) < 6) & (np.abs(yy - 230) < 15)
    lab[letter, 1], lab[letter, 2] = 40.0, 30.0
    area = np.zeros((H, W), bool)
    area[20:280, 20:220] = True
    return lab, area, form, logo, letter


def test_cloth_form_carries_the_garments_light_but_not_its_print():
    lab, area, form, logo, letter = _sweatshirt()
    pm = print_mask(lab, area, 150.0)
    assert pm[logo].mean() > 0.95 and pm[letter].mean() > 0.95  # the logo and the coloured letter are print
    assert pm[area & ~logo & ~letter].mean() < 0.1  # the plain cloth is not
    f = cloth_form(lab, area, 150.0)
    assert np.all(f[~area] == 1.0)
    assert f.min() >= 0.9 and f.max() <= 1.1
    # The body's hollow (lit middle) is carried: lighter at its centre than a little away from it.
    assert f[180, 120] > f[180, 160] + 0.01
    # The dark logo is not: over it the factor stays with the cloth around it (no dark block in the skin).
    assert abs(float(f[90, 120]) - float(f[90, 200])) < 0.03


def test_cloth_form_does_not_trust_a_black_garment():
    lab, area, *_ = _sweatshirt()
    lab[..., 0] *= 0.2  # a black tee: its light is mostly noise
    assert np.allclose(cloth_form(lab, area, 150.0), 1.0)


def test_cloth_form_reads_nothing_off_cloth_mixed_with_the_backdrop():
    """A strip beside an arm, half a black tank's side and half the white backdrop: no one cloth's light there (read
    off it, it lit the drawn strip into a pasted patch against her real skin)."""
    lab, area, *_ = _sweatshirt()
    lab[:, 120:, 0] = 12.0  # the right half black cloth
    assert np.allclose(cloth_form(lab, area, 150.0), 1.0)


def test_relief_eases_out_towards_her_real_skin():
    relief = np.full((50, 50), 1.1, np.float32)
    real = np.zeros((50, 50), bool)
    real[:, :5] = True
    eased = shade.relief_off_real(relief, real, 100.0)
    assert np.allclose(eased[:, :5], 1.0) and np.allclose(eased[:, 20:], 1.1)
    assert 1.0 < eased[25, 8] < 1.1


@pytest.fixture(scope="module")
def backend():
    return ClassicTryOn()


@needs_real
@pytest.mark.parametrize("garment,person", [("g40", "p08"), ("g40", "p05"), ("g40", "p03"), ("g10", "p05"),
                                            ("g04", "p01")])
def test_a_small_top_over_long_clothing_draws_a_shaded_body(backend, garment, person):
    """A bandeau over a grey sweatshirt, a lilac tee and a white logo tee, a cami over a tee, a crop top over a long
    -sleeved top: the drawn torso and arms are her skin with the body's form. Before: flat fill 11.2%, 19.6%,
    16.2%, 9.8%, 0.8% of the changed area; skin_shading 16%, 29%, 25%, 31%, 2% of the drawn skin flat."""
    p = analyse_person(load_real("people", person))
    r = backend.run(p.image, load_real("garments", garment), "upper", person=p)
    q = r.quality
    assert q.check("flat_fill").value <= 0.02, q.summary()
    shading = q.check("skin_shading")
    assert shading is None or shading.passed, q.summary()
    assert q.check("face_changed").value == 0.0


@needs_real
def test_the_check_still_says_most_of_the_body_was_drawn_in(backend):
    """Honesty: shaded or not, a bandeau over a long-sleeved sweatshirt invents a whole torso and both arms, and
    the check keeps saying so (the result is not one to show a client as her own)."""
    p = analyse_person(load_real("people", "p08"))
    r = backend.run(p.image, load_real("garments", "g40"), "upper", person=p)
    c = r.quality.check("invented_skin")
    assert c is not None and not c.passed and c.value > 0.15
    assert r.quality.verdict != "good"


def test_the_back_of_an_old_collar_joins_the_zone_but_not_her_skin_or_hair():
    """A red crew collar on a grey sweatshirt: its front lies in the zone, its back rises behind the neck above it.
    The back is found in the collar's colour (and a two-pixel edge round it); her neck's skin above and her hair
    beside it stay."""
    from core.tryon.collar import collar_back

    body = _body()
    H, W = SHAPE
    lab = np.zeros((H, W, 3), np.float32)
    lab[..., 0], lab[..., 1], lab[..., 2] = 70.0, 0.0, 0.0  # grey cloth
    yy, xx = np.mgrid[0:H, 0:W]
    neck = (np.abs(xx - 150) < 22) & (yy < 62)
    lab[neck] = (68.0, 14.0, 18.0)  # her neck's skin
    ring = (np.abs(np.hypot((xx - 150) / 26.0, (yy - 52) / 14.0) - 1.0) < 0.25)
    lab[ring] = (45.0, 60.0, 40.0)  # the red collar round the neck base
    hair = (np.abs(xx - 110) < 6) & (yy > 20) & (yy < 60)
    lab[hair] = (20.0, 2.0, 4.0)
    zone = (yy >= 58) & (np.abs(xx - 150) < 100)  # the old top from just below the collar's front
    skin = neck & ~ring
    other = ~skin & (lab[..., 1] > 30)  # not skin, not the old top's grey
    back = collar_back(lab, zone, other, skin, hair, body)
    above = ring & ~zone
    assert back[above].mean() > 0.9  # the collar's back goes
    assert not back[hair].any()  # her hair stays
    assert not back[skin & (yy < 30)].any()  # her neck above the collar (and its two-pixel edge) stays
    assert not back[zone].any()  # only what the zone did not hold


@needs_real
def test_no_red_collar_left_round_the_neck_under_a_bandeau(backend):
    """The grey sweatshirt's red crew collar: before, its back stayed as a red band round the drawn neck."""
    from core.tryon.body import body_frame

    p = analyse_person(load_real("people", "p08"))
    r = backend.run(p.image, load_real("garments", "g40"), "upper", person=p)
    b = body_frame(p, "upper")
    before = np.asarray(p.image.convert("RGB")).astype(int)
    after = np.asarray(r.image.convert("RGB")).astype(int)
    y0, y1 = int(b.neck_y - 0.25 * b.width), int(b.neck_y + 0.1 * b.width)
    x0, x1 = int(b.neck_x - 0.4 * b.width), int(b.neck_x + 0.4 * b.width)

    def red(a):
        a = a[y0:y1, x0:x1]
        return (a[..., 0] > 120) & (a[..., 0] - a[..., 1] > 90)

    off_garment = np.asarray(r.garment_alpha)[y0:y1, x0:x1] < 0.1  # the bandeau's own orange print is not the collar
    assert red(before).sum() > 200  # the collar is there in the photo
    left = (red(after) & off_garment).sum()
    assert left <= 0.05 * red(before).sum(), (red(before).sum(), left)
