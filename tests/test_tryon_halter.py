"""Issue 22 (a top's neck and hem on a different body): a halter is worn from its chest row, not from the narrow
neck under its gathered band (it came out twice the torso's width, the gather smeared across the collarbones and
the hem mid-thigh); a curved hem keeps its curve below its corners."""
from dataclasses import replace

import cv2
import numpy as np

from core.tryon import halter
from core.tryon.body import BodyFrame
from core.tryon.drape import body_targets, garment_parts
from core.tryon.warp import garment_landmarks


def _frame() -> BodyFrame:
    ls, rs = np.array([300.0, 200.0]), np.array([160.0, 200.0])
    return BodyFrame(ls, rs, 140.0, 172.0, 230.0, np.array([0.0, 1.0], np.float32), 260.0, True, (230, 120, 40, 50),
                     lh=np.array([280.0, 460.0]), rh=np.array([180.0, 460.0]))


def _halter() -> np.ndarray:
    """A gathered neck band, the neck widening fast to the chest, then straight sides down to a long hem."""
    m = np.zeros((520, 400), np.uint8)
    cv2.fillPoly(m, [np.array([(185, 20), (215, 20), (225, 60), (290, 160), (295, 480), (105, 480), (110, 160),
                               (175, 60)], np.int32)], 1)
    return m > 0


def test_a_halter_is_worn_from_its_chest_row_at_the_torsos_width_and_ends_at_the_hips():
    mask = _halter()
    # (the split into body and sleeves is test_tryon_flare's: here the whole halter is its body, as on g08's shot)
    parts = replace(garment_parts(mask, garment_landmarks(mask, "upper")), body=mask, sleeves=[])
    parts = halter.at_chest(parts)
    assert parts.halter and parts.sleeves == []
    assert 140 <= parts.y_top <= 180  # the chest row, not the narrow neck under the band
    assert parts.top[1] - parts.top[0] > 160
    body = _frame()
    src, dst, sx, sy = body_targets(parts, body)
    chest = dst[:5]
    assert np.linalg.norm(chest[-1] - chest[0]) <= 1.1 * body.width  # not a wide sack over the arms
    band = np.argmin(src[:, 1])  # the neck band still at the neck
    assert np.hypot(dst[band, 0] - body.neck_x, dst[band, 1] - body.neck_y) < 0.2 * body.width
    assert dst[-5:, 1].max() <= body.lh[1] + 0.31 * body.width  # the hem at the hips, not mid-thigh
    # the neck's rows are not stretched far more down than across (the gather kept its shape)
    assert 0.6 <= sy / sx <= 1.0


def test_a_top_whose_first_row_is_its_chest_is_not_a_halter():
    m = np.zeros((420, 400), np.uint8)
    cv2.rectangle(m, (130, 60), (270, 380), 1, -1)
    cv2.rectangle(m, (140, 20), (150, 60), 1, -1)  # cami straps
    cv2.rectangle(m, (250, 20), (260, 60), 1, -1)
    mask = m > 0
    parts = garment_parts(mask, garment_landmarks(mask, "upper"))
    assert halter.at_chest(parts) is parts


def test_a_curved_hem_is_worn_down_to_its_middle():
    alpha = np.zeros((400, 300), np.float32)
    alpha[50:300, 60:240] = 1.0
    cv2.ellipse(alpha, (150, 300), (90, 30), 0, 0, 180, 1.0, -1)  # the rounded hem below the corners' row
    assert halter.worn_hem(alpha, 300.0, 140.0) >= 325  # not cut straight at the corners
    assert halter.worn_hem(alpha, 300.0, 40.0) <= 310  # at most a quarter of the shoulders lower
