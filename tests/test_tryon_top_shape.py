"""Issue 22 (the shape of a top): sleeves sewn to the body down their whole length (puff sleeves, an off-shoulder
top's) are sleeves, not a wide box of body; a halter hangs from its neck band at the neck; a long sleeve is as wide as
the arm it covers; the hand beyond the wrist stays in front of a long top's hem."""
import cv2
import numpy as np
from PIL import Image

from core.tryon.body import BodyFrame
from core.tryon.drape import STANDARD_TOP, body_targets, garment_parts
from core.tryon.warp import garment_landmarks
from testkit.realphotos import REAL, needs_real


def _frame() -> BodyFrame:
    ls, rs = np.array([300.0, 200.0]), np.array([160.0, 200.0])
    return BodyFrame(ls, rs, 140.0, 172.0, 230.0, np.array([0.0, 1.0], np.float32), 260.0, True, (230, 120, 40, 50),
                     lh=np.array([280.0, 460.0]), rh=np.array([180.0, 460.0]))


def _off_shoulder() -> np.ndarray:
    """Puff sleeves sewn to the body from the top row (an elastic across both) down past the middle of its length,
    no backdrop between sleeve and body; below them the body, narrower, to the hem."""
    m = np.zeros((420, 400), np.uint8)
    cv2.rectangle(m, (130, 100), (270, 340), 1, -1)  # the body
    cv2.rectangle(m, (60, 100), (140, 240), 1, -1)  # left puff sleeve, touching the body
    cv2.rectangle(m, (260, 100), (340, 240), 1, -1)  # right
    return m > 0


def test_puff_sleeves_sewn_to_the_body_are_sleeves():
    mask = _off_shoulder()
    parts = garment_parts(mask, garment_landmarks(mask, "upper"))
    assert sorted(side for _, side in parts.sleeves) == [-1, 1]
    assert all(m.sum() > 0.6 * 80 * 140 for m, _ in parts.sleeves)  # each whole puff, not a sliver
    # The body is the body's width, not the sleeves' too: worn, the top reaches the hips (not a cropped box).
    assert 120 <= parts.top[0] <= 140 and 260 <= parts.top[1] <= 280
    ratio = (parts.y_hem - parts.y_top) / (parts.top[1] - parts.top[0]) / STANDARD_TOP
    assert ratio >= 0.55
    # Its top row runs across the sleeves: an off-shoulder top, worn across the upper arms, below the shoulders.
    assert parts.off_shoulder
    body = _frame()
    _, dst, _, _ = body_targets(parts, body)
    assert dst[:5, 1].min() > max(body.ls[1], body.rs[1]) + 0.05 * body.width


def test_a_tee_whose_sleeves_stand_apart_keeps_its_landmarks():
    m = np.zeros((420, 400), np.uint8)
    cv2.rectangle(m, (130, 80), (270, 380), 1, -1)
    cv2.fillPoly(m, [np.array([(130, 80), (70, 150), (100, 175), (130, 130)], np.int32)], 1)
    cv2.fillPoly(m, [np.array([(270, 80), (330, 150), (300, 175), (270, 130)], np.int32)], 1)
    mask = m > 0
    lm = garment_landmarks(mask, "upper")
    parts = garment_parts(mask, lm.copy())
    assert parts.top == (float(lm[0][0]), float(lm[1][0]))
    assert len(parts.sleeves) == 2 and not parts.off_shoulder
    body = _frame()
    _, dst, _, _ = body_targets(parts, body)
    assert dst[:5, 1].max() < max(body.ls[1], body.rs[1])  # a tee's shoulder seam sits on the shoulders


def test_a_halter_hangs_from_its_neck_band_at_the_neck():
    """A narrow band at the top, then the body widening from the armholes down: the band lands at the neck, not
    on the chest (the top started mid-chest, a painted chest above it)."""
    m = np.zeros((420, 400), np.uint8)
    cv2.fillPoly(m, [np.array([(185, 20), (215, 20), (226, 160), (300, 380), (96, 380), (168, 70)], np.int32)], 1)
    mask = m > 0
    parts = garment_parts(mask, garment_landmarks(mask, "upper"))
    assert parts.sleeves == []
    body = _frame()
    src, dst, _, _ = body_targets(parts, body)
    top = np.argmin(src[:, 1])  # the flat-lay's highest matching point: on the band
    assert src[top, 1] < parts.y_top - 0.5 * (parts.y_top - 20)
    assert np.hypot(dst[top, 0] - body.neck_x, dst[top, 1] - body.neck_y) < 0.2 * body.width
    # its rows keep their order: the hem is last, below the band
    assert dst[-1, 1] > dst[top, 1] + body.torso_len


@needs_real
def test_real_off_shoulder_puff_top_has_its_sleeves():
    from core.tryon.flatlay import close_flat_lay, slit_backdrop, solid_garment
    from core.tryon.regions import garment_mask

    found = 0
    for g in ("g05", "g16"):  # an off-shoulder peasant top, a blouse with short sleeves sewn to its body
        img = Image.open(REAL / "garments" / f"{g}.jpg").convert("RGB")
        gm = garment_mask(img)
        solid = solid_garment(gm)
        _, closed = close_flat_lay(img, solid, enclosed=slit_backdrop(img, solid, gm))
        parts = garment_parts(solid, garment_landmarks(closed, "upper"))
        found += len(parts.sleeves) == 2 and min(m.sum() for m, _ in parts.sleeves) > 0.02 * solid.sum()
    assert found == 2


def test_her_hand_past_the_wrist_stays_in_front_with_its_shaded_fingers():
    """A hand hanging beside a long top's hem: the skin past the wrist and the darker fingers beside it (not the
    old top's colour) are her hand; the old top's cuff at the wrist is not."""
    from core.tryon.arms import hands
    from core.tryon.pose import Person

    H, W = 400, 300
    lm = np.zeros((33, 3), np.float32)
    lm[13] = (150, 150, 1.0)  # elbow
    lm[15] = (150, 250, 1.0)  # wrist
    mask = np.zeros((H, W), bool)
    mask[100:330, 130:170] = True  # forearm and hand
    skin = np.zeros((H, W), bool)
    skin[252:300, 132:168] = True  # the hand's lit skin
    not_old = np.ones((H, W), bool)
    not_old[230:250] = False  # the old cuff above the wrist
    p = Person(Image.new("RGB", (W, H)), lm, mask)
    body = _frame()
    out = hands(p, body, skin, not_old)
    assert out[252:300, 135:165].all()  # the hand
    assert out[300:304, 135:165].mean() > 0.8  # the shaded fingertips just below it
    assert not out[230:250].any()  # never the old cuff
    assert not out[~mask].any()
