"""A small top tried on over a logo tee tucked into patterned trousers (core/tryon/waistband.py): the drawn midriff
carries none of the old tee's logo, and the trousers below her waistband stay exactly as in the photo, whatever
their print. The real-photo test reads ../shared/realphotos and skips cleanly where it is absent."""
import cv2
import numpy as np

from core.tryon.body import BodyFrame, body_frame
from core.tryon.classic import ClassicTryOn
from core.tryon.pixels import to_lab
from core.tryon.pose import analyse_person
from core.tryon.waistband import below_old_top, old_top_end

from testkit.realphotos import load_real, needs_real


def _body() -> BodyFrame:
    """Shoulders 100 px apart at row 100, the neck base at row 80, the hip joints at row 250."""
    return BodyFrame(ls=np.array([250.0, 100.0]), rs=np.array([150.0, 100.0]), width=100.0, neck_y=80.0,
                     neck_x=200.0, down=np.array([0.0, 1.0]), torso_len=150.0, hips_seen=True,
                     face=(200.0, 30.0, 18.0, 20.0), lh=np.array([235.0, 250.0]), rh=np.array([165.0, 250.0]))


def _tee_over_print(logo_rows=None):
    """(old top's colours, torso, arms): a white tee to row 220 over trousers printed with a quarter of white
    (the tee's colour) in small triangles; `logo_rows`: a band of dark letters across the chest (not the tee's
    colour)."""
    torso = np.zeros((400, 400), bool)
    torso[100:260, 150:251] = True
    old = np.zeros_like(torso)
    old[100:221, 130:271] = True
    yy, xx = np.mgrid[0:400, 0:400]
    old[221:] = ((yy[221:] // 6) % 2 == 0) & ((xx[221:] // 6) % 2 == 0)  # the trousers' white patches
    if logo_rows is not None:
        old[logo_rows, 160:240] = False
    arms = np.zeros_like(torso)
    arms[110:330, 110:135] = True  # bare forearms hanging beside her, hands at her hips
    arms[110:330, 265:290] = True
    return old, torso, arms


def test_the_trousers_below_a_tucked_tee_stay_whatever_their_print():
    old, torso, arms = _tee_over_print()
    body = _body()
    end = old_top_end(old, torso, body)
    assert end is not None and 215 <= end <= 221  # the tee's last row, not a row of the print's white
    keep = below_old_top(end, torso, body, old, arms, hem_row=150)
    assert not keep[:end + 1].any()  # the tee itself still goes
    assert keep[230:].all()  # the whole width of the trousers stays, beside the hands too (short old sleeves)
    # a new top longer than the old one covers the trousers' top: nothing kept above its hem
    assert not below_old_top(end, torso, body, old, arms, hem_row=280)[:280].any()


def test_a_logo_on_the_chest_is_not_where_the_tee_ends():
    """Letters across the chest break the tee's colour there: that is not its hem (above the torso's middle, the
    tee would have been left below them); no end is found and nothing is kept."""
    old, torso, arms = _tee_over_print(logo_rows=slice(140, 160))
    body = _body()
    end = old_top_end(old, torso, body)
    assert end is None
    assert not below_old_top(end, torso, body, old, arms).any()


def test_long_old_sleeves_past_its_end_still_go():
    """An old top's long sleeves reach past its hem along the arms: there only her torso's front is kept."""
    old, torso, arms = _tee_over_print()
    old |= arms  # the sleeves in the tee's colour down to the wrists
    body = _body()
    keep = below_old_top(old_top_end(old, torso, body), torso, body, old, arms)
    assert keep[240, 200] and not keep[240, 120] and not keep[240, 280]


@needs_real
def test_a_bandeau_on_a_logo_tee_leaves_no_letters_and_keeps_the_printed_trousers():
    """g40 (puffy bandeau) on p04 (white EMPORIO ARMANI tee tucked into geometric-print trousers). Before: the
    lower half of ARMANI stayed black on the drawn midriff (the letters below the new hem were taken for the
    trousers' front) and 38% of the trousers' top was drawn over with a mosaic of skin between their triangles."""
    p = analyse_person(load_real("people", "p04"))
    r = ClassicTryOn().run(p.image, load_real("garments", "g40"), "upper", person=p)
    b = body_frame(p, "upper")
    lab_b, lab_a = to_lab(np.asarray(p.image.convert("RGB"))), to_lab(np.asarray(r.image))
    changed = np.linalg.norm(lab_a - lab_b, axis=2) > 3
    w, hip_y = b.width, float(max(b.lh[1], b.rh[1]))
    x0, x1 = sorted((float(b.lh[0]), float(b.rh[0])))
    trousers = np.zeros_like(changed)
    trousers[int(hip_y):int(hip_y + 0.4 * w), int(x0 - 0.15 * w):int(x1 + 0.15 * w)] = True
    trousers &= p.mask
    assert changed[trousers].mean() < 0.02, changed[trousers].mean()
    tee = np.zeros_like(changed)
    tee[int(b.neck_y + 0.3 * w):int(hip_y - 0.7 * w), int(x0):int(x1)] = True  # the chest to above the waistband
    garment = cv2.dilate((r.garment_alpha > 0.01).astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    letters = tee & (lab_b[..., 0] < 40) & p.mask & ~garment  # on the drawn midriff, clear of the bandeau's edge
    assert letters.sum() > 50
    assert (lab_a[..., 0][letters] < 40).mean() < 0.05, (lab_a[..., 0][letters] < 40).mean()
