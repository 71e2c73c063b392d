"""What a new top reveals and the old top it must hide: a cropped or strapless top over a longer old top hides the
old one down to its hem (her own skin, not her tee, below the new hem); the old top's shaded fringe goes with it;
the drawn skin's grain has no patch grid; the quality check says plainly when much skin had to be drawn in.
The real-photo tests read ../shared/realphotos and skip cleanly where it is absent."""
import numpy as np
import pytest

from core.tryon import quality, quality_checks, reveal
from core.tryon.body import BodyFrame
from core.tryon.classic import ClassicTryOn
from core.tryon.pose import analyse_person
from core.tryon.uncover import old_fringe

from testkit.realphotos import load_real, needs_real


def _body(width: float = 60.0) -> BodyFrame:
    return BodyFrame(ls=np.array([130.0, 40.0]), rs=np.array([70.0, 40.0]), width=width, neck_y=30.0, neck_x=100.0,
                     down=np.array([0.0, 1.0]), torso_len=100.0, hips_seen=True, face=(100.0, 15.0, 10.0, 12.0))


def test_old_fringe_grows_only_through_the_old_top_joined_to_the_zone():
    H, W = 200, 200
    zone = np.zeros((H, W), bool)
    zone[50:120, 70:130] = True
    old = np.zeros((H, W), bool)
    old[50:120, 130:145] = True  # the tee's side beside the zone, in its colours
    old[50:120, 170:180] = True  # the same colour, apart from it (something else she wears or holds)
    old[10:25, 60:140] = True  # above the neck base: never
    grown = old_fringe(zone, old, _body())
    assert grown[50:120, 130:145].all()
    assert not grown[50:120, 170:180].any()
    assert not grown[:30].any()
    assert not (grown & zone).any()


def test_drawn_skin_grain_has_no_patch_grid_and_no_features():
    """Patches quilted from her skin overlap under a window: the grain across a patch edge is like the grain
    inside a patch (no seam every 8 pixels); they come from her plainest skin, so creases or a logo's edges
    elsewhere on her skin (here strong stripes over part of it) never show up as ghost shapes in the drawn skin."""
    rng = np.random.default_rng(3)
    L = 60 + rng.normal(0, 1.5, (160, 160)).astype(np.float32)
    L[:, :70] += 12 * (np.arange(70) % 6 < 3)[None, :]  # creases / a print's edges over part of the skin
    skin = np.ones((160, 160), bool)
    tex = reveal.skin_texture(L, skin, (200, 200), np.random.default_rng(0))
    steps = np.abs(np.diff(tex, axis=1))
    seams = steps[:, 7::8].mean()  # every boundary of the half-overlapping patches
    inside = np.delete(steps, np.s_[7::8], axis=1).mean()
    assert seams < 1.25 * inside
    grain = L[:, 90:] - 60
    assert tex.std() < 1.5 * grain.std()  # the grain's strength, not the stripes'


def test_invented_skin_measures_skin_drawn_over_clothing():
    H, W = 120, 100
    before = np.zeros((H, W, 3), np.uint8)
    before[:] = (90, 90, 95)  # a grey sweatshirt
    before[5:25, 40:60] = (205, 160, 130)  # the face, with its light and shade
    before[5:25, 40:60] += np.arange(20, dtype=np.uint8)[:, None, None]
    after = before.copy()
    after[40:100, 20:80] = (203, 158, 128)  # a bare torso drawn in
    labB, labA = quality.to_lab(before), quality.to_lab(after)
    pmask = np.ones((H, W), bool)
    d = labA - labB
    changed = np.sqrt((d * d).sum(2)) > 3
    on = np.zeros((H, W), bool)
    share = quality_checks.invented_skin(labB, labA, changed, on, pmask, (50.0, 15.0, 9.0, 9.0))
    assert share == pytest.approx(60 * 60 / (H * W), rel=0.1)
    assert quality_checks.invented_skin(labB, labB, changed & False, on, pmask, (50.0, 15.0, 9.0, 9.0)) == 0.0


@pytest.fixture(scope="module")
def real():
    return load_real


@needs_real
@pytest.mark.parametrize("garment,person", [("g05", "p05"), ("g40", "p08"), ("g04", "p03")])
def test_real_short_top_over_a_longer_one_hides_the_old_top(real, garment, person):
    """An off-shoulder top over a lilac tee, a bandeau over a grey sweatshirt, a bra top over a white tee: the old
    top does not show below the new one's hem (before: 20.7%, 50.9%, 13.9% of the changed area)."""
    p = analyse_person(real("people", person))
    r = ClassicTryOn().run(p.image, real("garments", garment), "upper", person=p)
    assert r.quality.check("old_garment").value <= 0.03
    # The skin drawn in keeps her grain; where it still lacks the body's shading over a wide torso (flat_fill counts
    # that since brief-skin: these pictures read as a tan slab), the check says so and the result is not shown.
    flat = r.quality.check("flat_fill")
    assert flat.value <= 0.02 or r.quality.verdict == "poor", r.quality.summary()
    assert r.quality.check("face_changed").value == 0.0
    # Where over a fifth of her figure had to be drawn in as skin, the result is not one to show a client.
    drawn = r.quality.check("invented_skin")
    assert drawn is None or drawn.value <= 0.21 or r.quality.verdict == "poor", r.quality.summary()


@needs_real
def test_real_bandeau_over_a_sweatshirt_says_the_skin_is_drawn_in(real):
    """A bandeau over a long-sleeved sweatshirt draws a whole torso and both arms: the check says so plainly and
    suggests a photo in something as bare, or CatVTON."""
    p = analyse_person(real("people", "p08"))
    r = ClassicTryOn().run(p.image, real("garments", "g40"), "upper", person=p)
    c = r.quality.check("invented_skin")
    assert c is not None and not c.passed and c.value > 0.15
    assert r.quality.verdict == "poor"
    assert any("as bare" in s and "CatVTON" in s for s in r.quality.suggestions)
