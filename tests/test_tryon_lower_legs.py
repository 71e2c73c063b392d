"""Trousers on a woman wearing a dress (issue 22, point 2, "trousers hide a skirt"): a short dress whose hem opens a
gap between her bare legs is a dress, not trousers (waist.legs_apart); both trouser legs stay whole over hers (no
strip of her own leg showing down the inside of a leg: lower_legs.close_gap); and the quality check's "slivers"
counts only light shut in, not the backdrop continued beside slimmer trousers, and says where. Real photos:
reads ../shared/realphotos and skips cleanly where it is absent."""
import numpy as np
from PIL import Image

from core.tryon import quality, waist
from core.tryon.classic import ClassicTryOn
from core.tryon.front import person_lab
from core.tryon.lower_legs import close_gap, two_legs
from core.tryon.pose import analyse_person
from core.tryon.quality_slivers import sliver_mask
from core.tryon.regions import body_frame
from core.tryon.reveal import own_skin

from testkit.realphotos import REAL, needs_real


def test_two_legs_reads_the_leg_runs():
    row = np.zeros(100, bool)
    row[10:40] = row[55:90] = True
    assert two_legs(row) == (10, 39, 55, 89)
    row[40:55] = True
    assert two_legs(row) is None  # above the crotch: one run


def test_lower_slivers_ignore_the_backdrop_continued_but_count_a_split_inside():
    H, W = 200, 200
    pmask = np.zeros((H, W), bool)
    pmask[20:190, 40:160] = True  # the old dress
    on = np.zeros((H, W), bool)
    on[20:190, 70:130] = True  # slimmer trousers
    labB = np.zeros((H, W, 3), np.float32)
    labB[..., 0] = 20.0  # a dark dress
    labA = labB.copy()
    labA[pmask & ~on, 0] = 95.0  # cleared to a white backdrop beside the trousers, open to the backdrop outside
    labA[~pmask, 0] = 95.0
    assert sliver_mask(labB, labA, on, pmask, 100.0, None, "lower").sum() == 0
    assert sliver_mask(labB, labA, on, pmask, 100.0, None, "upper").sum() > 0  # a top: still counted
    split = on.copy()
    split[60:160, 98:104] = False  # a white split down inside the trousers, shut in
    labA[60:160, 98:104, 0] = 95.0
    assert sliver_mask(labB, labA, split, pmask, 100.0, None, "lower").sum() > 200


@needs_real
def test_trousers_over_dresses_keep_both_legs_whole():
    backend = ClassicTryOn()
    short = analyse_person(Image.open(REAL / "people" / "p27.jpg").convert("RGB"))  # short A-line dress, bare legs
    assert not waist.legs_apart(short, body_frame(short, "lower"))  # was True: the trousers took the dress's flare
    for pid, gid in (("p12", "g21"), ("p11", "g26")):  # a sheath dress: flares, then straight jeans
        person = analyse_person(Image.open(REAL / "people" / f"{pid}.jpg").convert("RGB"))
        garment = Image.open(REAL / "garments" / f"{gid}.jpg").convert("RGB")
        r = backend.run(person.image, garment, "lower", person=person)
        f = body_frame(person, "lower")
        on = r.garment_alpha > 0.5
        skin = own_skin(person_lab(person), person, f)
        after = np.asarray(r.image).astype(int)
        same = np.abs(after - np.asarray(person.image).astype(int)).max(axis=2) < 6
        # Her own bare leg left inside the trousers' outline (between their outer edges), knees to hem.
        knee, hem = int(min(f.lk[1], f.rk[1])), int(np.flatnonzero(on.any(axis=1)).max()) - 5
        inside = np.zeros_like(on)
        for y in range(knee, hem):
            xs = np.flatnonzero(on[y])
            if len(xs):
                inside[y, xs.min():xs.max() + 1] = True
        shown = inside & ~on & skin & same
        assert shown.sum() < 0.01 * inside.sum(), (pid, gid, int(shown.sum()))  # was a strip knee -> hem on p12
        q = quality.assess(person.image, r.image, r.region, r.garment_alpha, "lower", person,
                           garment=r.garment_image, garment_mask=r.garment_mask)
        assert q.check("slivers").passed, (pid, gid, q.check("slivers").reason)  # was 0.027 / 0.040


@needs_real
def test_a_tapered_leg_covers_her_calf():
    """Straight jeans on a short-dress wearer (p27 + g25): no strip of her calf beside a trouser leg (124 px of
    her unchanged skin just outside the legs, knees to hem, before lower_legs.her_outer; 0 after)."""
    import cv2

    person = analyse_person(Image.open(REAL / "people" / "p27.jpg").convert("RGB"))
    r = ClassicTryOn().run(person.image, Image.open(REAL / "garments" / "g25.jpg").convert("RGB"), "lower",
                           person=person)
    f = body_frame(person, "lower")
    on = r.garment_alpha > 0.5
    skin = own_skin(person_lab(person), person, f)
    same = np.abs(np.asarray(r.image).astype(int) - np.asarray(person.image).astype(int)).max(axis=2) < 6
    band = (cv2.dilate(on.astype(np.uint8), np.ones((1, int(0.05 * f.width) | 1), np.uint8)) > 0) & ~on
    band[:int(min(f.lk[1], f.rk[1]))] = False
    band[int(np.flatnonzero(on.any(axis=1)).max()) - 5:] = False
    assert (band & skin & same).sum() < 40


def test_bare_legs_below_the_crotch_stay_two_legs():
    """A croquis figure in a leotard: the gap opens at the crotch over bare legs; trousers there take her legs'
    places as before (not the dress path)."""
    from core.tryon.croquis import FIGURES, draw_figure

    for key in FIGURES:
        p = draw_figure(key)
        assert waist.legs_apart(p, body_frame(p, "lower")), key


def test_close_gap_is_a_no_op_without_two_legs():
    class _P:  # only what close_gap reads before it finds no legs
        mask = np.zeros((50, 50), bool)

    rgb, alpha = np.zeros((50, 50, 3), np.float32), np.zeros((50, 50), np.float32)
    frame = type("F", (), {"width": 20.0, "lh": np.array([30.0, 10.0]), "rh": np.array([20.0, 10.0])})()
    out_rgb, out_alpha = close_gap(_P(), frame, rgb, alpha)
    assert out_rgb is rgb and out_alpha is alpha
