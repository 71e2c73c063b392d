"""Trousers on full-body photos (issue 22): no sliver of the old garment beside them (between a leg and her hanging
hand, down the gap between two legs that nearly touch), and an outline in their own cloth (not the product shot's
pale backdrop rim, not the old dress carried into their last pixels by a soft seam). core/tryon/lower_slivers.py,
dress_outline.clean_outline on the warped trousers. Drawn cases (always run) and real photos (skipped where
absent)."""
import cv2
import numpy as np
import pytest
from PIL import Image

from core.tryon.body import body_frame
from core.tryon.classic import ClassicTryOn
from core.tryon.front import hands_and_forearms
from core.tryon.lower_slivers import carry, slivers
from core.tryon.pose import analyse_person
from core.tryon.reveal import lab_of, own_skin

from testkit.realphotos import REAL, needs_real


def _scene():
    """One row pattern on 10 rows: old garment away from the trousers (6 px) | backdrop | leg | 2 px of old garment |
    hand | 3 px | leg | 2 px | leg | 3 px | backdrop."""
    H, W = 10, 60
    painted = np.zeros((H, W), bool)
    keep = np.zeros((H, W), bool)
    pmask = np.zeros((H, W), bool)
    painted[:, 5:15] = True
    keep[:, 17:22] = True  # her hand
    painted[:, 25:35] = True
    painted[:, 37:47] = True
    pmask[:, 5:50] = True
    pmask[:, 1:3] = True
    return painted, pmask & ~painted & ~keep, keep


def test_slivers_beside_the_trousers_go_to_cloth_or_backdrop():
    painted, free, keep = _scene()
    cloth, back = slivers(painted, free, keep, (0, 10), thin=4)
    assert cloth[:, 15:17].all() and cloth[:, 35:37].all()  # against her hand; between two legs
    assert back[:, 47:50].all() and not cloth[:, 47:50].any()  # against the backdrop
    assert cloth[:, 22:25].all()  # the hand on the other side
    assert not (cloth | back)[:, 0:3].any()  # not beside the trousers
    assert not (cloth | back)[keep].any() and not (cloth | back)[painted].any()


def test_wide_runs_are_no_sliver():
    painted, free, keep = _scene()
    cloth, back = slivers(painted, free, keep, (0, 10), thin=1)
    assert not cloth.any() and not back.any()


def test_cloth_is_carried_from_the_trousers_not_the_old_garment():
    painted, free, keep = _scene()
    out = np.zeros(painted.shape + (3,), np.float32)
    out[painted] = (0.8, 0.3, 0.4)
    out[~painted] = (0.1, 0.1, 0.1)  # the old garment, dark
    cloth, _ = slivers(painted, free, keep, (0, 10), thin=4)
    res = carry(out, painted, cloth)
    assert np.allclose(res[cloth], (0.8, 0.3, 0.4))
    assert np.array_equal(res[~cloth], out[~cloth])


def edge_off(img: np.ndarray, on: np.ndarray, w: float) -> float:
    """The share of the trousers' outermost two pixels (below the waistband) whose lightness is off their cloth's
    nearby (0.15 of 0..1): a pale backdrop rim or a dark line of the old garment along the outline."""
    rgb = img.astype(np.float32) / 255.0
    on = on.copy()
    on[:int(np.flatnonzero(on.any(axis=1)).min() + 0.1 * w)] = False
    core = cv2.erode(on.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    band = on & ~(cv2.erode(on.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    den = cv2.GaussianBlur(core.astype(np.float32), (0, 0), 0.05 * w)
    fill = cv2.GaussianBlur(rgb * core[..., None], (0, 0), 0.05 * w) / np.maximum(den, 1e-4)[..., None]
    ok = band & (den > 0.02)
    return float((np.abs(rgb.mean(2) - fill.mean(2))[ok] > 0.15).mean())


def _run(p: str, g: str):
    person = analyse_person(Image.open(REAL / "people" / f"{p}.jpg").convert("RGB"))
    r = ClassicTryOn().run(person.image, Image.open(REAL / "garments" / f"{g}.jpg").convert("RGB"), "lower",
                           person=person)
    return person, body_frame(person, "lower"), r


@needs_real
@pytest.mark.parametrize("p,g", [("p12", "g21"), ("p13", "g28"), ("p11", "g26")])
def test_real_trousers_outline_is_their_own_cloth(p, g):
    """Over a dress the soft seam kept the black dress in the trousers' last pixels (a dark line down both legs,
    p12/g21: 29% of the outline off the cloth) and the product shot's backdrop showed as a pale rim (p13/g28: 34%,
    p11/g26: 4%). Now 7%, 9%, 1%."""
    person, f, r = _run(p, g)
    out = np.asarray(r.image)
    on = (r.garment_alpha > 0.5) & (out != np.asarray(person.image)).any(axis=2)  # what the trousers show
    assert edge_off(out, on, f.width) < 0.15


@needs_real
def test_real_no_pale_thread_between_the_legs():
    """p11/g26: the legs of the jeans meet over her dress; the product shot's pale inner-leg rims met in a line of
    grey-white dots from the crotch down (12 pixels paler and greyer than the jeans). Now none: their own cloth."""
    person, f, r = _run("p11", "g26")
    out = np.asarray(r.image).astype(np.float32) / 255.0
    on = r.garment_alpha > 0.5
    crotch = int(max(f.lh[1], f.rh[1]) + 0.3 * f.width)
    knee = int(min(f.lk[1], f.rk[1]))
    cx, half = int((f.lh[0] + f.rh[0]) / 2), int(0.1 * f.width)
    light, sat = out.mean(axis=2), out.max(axis=2) - out.min(axis=2)
    legs = on[crotch:knee]
    cloth_l, cloth_s = np.median(light[crotch:knee][legs]), np.median(sat[crotch:knee][legs])
    box = np.s_[crotch:knee, cx - half:cx + half]
    pale = (light[box] > cloth_l + 0.04) & (sat[box] < cloth_s - 0.06) & on[box]
    assert pale.sum() <= 3


def strip_beside_hands(person, f, r) -> int:
    """Pixels of the old garment as shot (not her hand's skin) in runs under 8 pixels wide between what the
    trousers show and her hand or forearm, from her hips down to below the wrists."""
    lab = lab_of(np.asarray(person.image, np.float32) / 255.0)
    img, out = np.asarray(person.image, np.int16), np.asarray(r.image, np.int16)
    shot = np.abs(out - img).max(axis=2) <= 8
    shown = (r.garment_alpha > 0.5) & ~shot
    hand = hands_and_forearms(person, f, lab) & own_skin(lab, person, f)
    H, W = shown.shape
    n = 0
    for y in range(int(min(f.lh[1], f.rh[1])), min(H, int(max(f.lh[1], f.rh[1]) + 0.8 * f.width))):
        for x in np.flatnonzero(shown[y, 1:] != shown[y, :-1]):
            step, start = (1, x + 1) if shown[y, x] else (-1, x)
            k, xx = 0, start
            while 0 <= xx < W and k < 8 and shot[y, xx] and person.mask[y, xx] and not hand[y, xx]:
                xx, k = xx + step, k + 1
            if 0 < k < 8 and 0 <= xx < W and hand[y, xx]:
                n += k
    return n


@needs_real
@pytest.mark.parametrize("p,g", [("p11", "g26"), ("p04", "g28")])
def test_real_no_strip_of_the_old_garment_beside_her_hands(p, g):
    """A strip of the old garment showed between the trousers' side and her hanging hand and forearm (p11/g26: a
    dotted line of the houndstooth dress, 47 pixels; p04/g28: the old trousers' print, 26). Now 9 and 0 (what is
    left on p11 is in the hand finder's own rim: her hands stay exactly as shot)."""
    person, f, r = _run(p, g)
    assert strip_beside_hands(person, f, r) < 15
