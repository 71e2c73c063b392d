"""A top's flat-lay split into body and sleeves (core.tryon.drape.garment_parts): the sides of a cami or a swing top
that flare out to the hem from below the shoulders are its body, never sleeves worn down the arms; real sleeves,
long ones laid alongside the body included, stay sleeves."""
import cv2
import numpy as np
import pytest

from core.tryon.drape import garment_parts
from core.tryon.warp import garment_landmarks


def _parts(poly_pts, extra=()):
    m = np.zeros((400, 400), np.uint8)
    cv2.fillPoly(m, [np.array(poly_pts, np.int32)], 1)
    for pts in extra:
        cv2.fillPoly(m, [np.array(pts, np.int32)], 1)
    mask = m > 0
    return mask, garment_parts(mask, garment_landmarks(mask, "upper"))


def test_a_swing_tops_flare_from_below_the_shoulders_is_body():
    # Shoulders and a straight chest, then the sides flare out from the waist to the hem.
    mask, parts = _parts([(150, 40), (250, 40), (255, 160), (320, 380), (80, 380), (145, 160)])
    assert parts.sleeves == []
    assert parts.body.sum() > 0.97 * mask.sum()  # the flare is worn as the garment's body, not dropped


BODY = [(140, 40), (260, 40), (260, 380), (140, 380)]
LONG = ([(140, 40), (140, 370), (105, 370), (100, 60)], [(260, 40), (260, 370), (295, 370), (300, 60)])
SHORT = ([(140, 40), (140, 150), (90, 170), (70, 90)], [(260, 40), (260, 150), (310, 170), (330, 90)])


@pytest.mark.parametrize("sleeves", [LONG, SHORT], ids=["long, laid alongside the body", "short"])
def test_real_sleeves_stay_sleeves(sleeves):
    _, parts = _parts(BODY, sleeves)
    assert sorted(side for _, side in parts.sleeves) == [-1, 1]
