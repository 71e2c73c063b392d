"""Drawn skin beside her real skin (a tank top's strap drawn over between a bare shoulder and a halter band) melts
into it, and the quality check sees a drawn patch that steps at its seam with her skin.

core/tryon/skin_seam.py paints the drawn skin a little past the seam into her real skin inside the zone, faded;
core/tryon/quality_skin.seam_steps measures the broad lightness step across that seam. The real-photo test reads
../shared/realphotos and skips cleanly where it is absent."""
import numpy as np

from core.tryon import skin_seam
from core.tryon.body import BodyFrame
from core.tryon.quality_skin import seam_steps

from testkit.realphotos import load_real, needs_real

W = 100.0


def _lab(L):
    lab = np.zeros(L.shape + (3,), np.float32)
    lab[..., 0], lab[..., 1], lab[..., 2] = L, 14.0, 18.0
    return lab


def _halves(H=200, Wd=300):
    """A drawn patch on the left half, her real skin on the right half (all skin)."""
    drawn = np.zeros((H, Wd), bool)
    drawn[:, :150] = True
    return drawn, ~drawn


def test_a_pasted_patch_steps_at_its_seam_and_a_blended_one_does_not():
    drawn, real = _halves()
    grain = np.random.default_rng(0).normal(0, 1.0, drawn.shape).astype(np.float32)
    pasted = np.where(drawn, 78.0, 64.0) + grain  # a pale drawn patch beside darker real skin
    n, hard = seam_steps(_lab(pasted), drawn, real, W)
    assert n > 100 and hard / n > 0.9
    x = np.arange(drawn.shape[1], dtype=np.float32)[None, :]
    ramp = np.broadcast_to(78.0 - 14.0 * np.clip((x - 100) / 100, 0, 1), drawn.shape)  # eased into her tone
    n, hard = seam_steps(_lab(ramp + grain), drawn, real, W)
    assert n > 100 and hard / n < 0.05


def test_a_drawn_line_along_her_outline_is_not_a_patch():
    drawn = np.zeros((200, 300), bool)
    drawn[:, 148:150] = True  # two pixels wide: an outline, measured by other checks
    real = np.zeros_like(drawn)
    real[:, 150:] = True
    L = np.where(drawn, 85.0, 60.0)
    assert seam_steps(_lab(L), drawn, real, W) == (0, 0)


def _frame() -> BodyFrame:
    return BodyFrame(ls=np.array([200.0, 60.0]), rs=np.array([100.0, 60.0]), width=W, neck_y=40.0, neck_x=150.0,
                     down=np.array([0.0, 1.0]), torso_len=150.0, hips_seen=True, face=(150.0, 10.0, 8.0, 10.0))


def test_the_seam_band_fades_from_the_drawn_patch_into_her_skin_and_stays_in_it():
    drawn, real = _halves()
    band, alpha = skin_seam.seam_band(drawn, real, W)
    reach = skin_seam.SEAM_REACH * W
    assert band.any() and not (band & drawn).any() and not (band & ~real).any()
    row = alpha[100]
    assert row[150] > 0.6 and row[int(150 + reach / 2)] < row[150] and row[int(150 + reach) + 2] == 0.0
    assert np.all(np.diff(row[150:170]) <= 1e-6)  # never rises away from the seam


@needs_real
def test_a_halter_on_a_man_in_a_tank_top_blends_the_drawn_strap_into_his_shoulder():
    """g08 (halter) on p23 (white tank top): the seam between the drawn strip and his real shoulders steps on
    under a fifth of its length (about a third before the blend)."""
    from core.tryon import quality
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    person = analyse_person(load_real("people", "p23"))
    r = ClassicTryOn().run(person.image, load_real("garments", "g08"), "upper", person=person)
    q = quality.assess(person.image, r.image, r.region, r.garment_alpha, "upper", person=person)
    seam = q.check("skin_seam")
    assert seam is not None and seam.value < 0.21
