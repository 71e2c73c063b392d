"""Issue 22 (the quality check sees a top's ends): the old sleeve's end left below a new long sleeve's cuff, and a
curved hem cut straight across, fail their checks; a clean cuff and a kept curve pass. Also the try-on's own cuff
reach (core/tryon/cuffs.py): a clothed forearm's new cuff goes past the wrist joint, a bare one's does not."""
import cv2
import numpy as np
from PIL import Image

from core.tryon.body import BodyFrame
from core.tryon.cuffs import old_cuff_reach
from core.tryon.pose import Person
from core.tryon.quality_worn import hem_kept, old_cuff_left

H, W = 400, 300
SKIN = np.array([70.0, 15.0, 18.0])
RED = np.array([40.0, 55.0, 30.0])
STRIPE = np.array([60.0, 0.0, 0.0])


def _arm_person() -> Person:
    lm = np.zeros((33, 3), np.float32)
    lm[11], lm[12] = (200, 60, 1), (100, 60, 1)  # shoulders (image right: left)
    lm[13], lm[15] = (150, 150, 1), (150, 300, 1)  # left elbow, left wrist: a forearm hanging straight down
    lm[23], lm[24] = (180, 330, 1), (120, 330, 1)
    mask = np.zeros((H, W), bool)
    mask[140:360, 135:166] = True
    return Person(Image.new("RGB", (W, H)), lm, mask)


def _pictures(new_end: int, painted: bool):
    """Before: a red sleeve down to row 305, a hand below. After: a new sleeve down to new_end; below it the old red
    left unchanged, or painted skin where it was (painted=True)."""
    labB = np.zeros((H, W, 3), np.float32)
    labB[140:305, 135:166] = RED
    labB[305:360, 135:166] = SKIN
    skinB = np.zeros((H, W), bool)
    skinB[305:360, 135:166] = True
    labA = labB.copy()
    labA[140:new_end, 135:166] = STRIPE
    skinA = skinB.copy()
    if painted:
        labA[new_end:305, 135:166] = SKIN
        skinA[new_end:305, 135:166] = True
    dE = np.linalg.norm(labA - labB, axis=2)
    on = np.zeros((H, W), bool)
    on[140:new_end, 135:166] = True
    return labB, labA, dE, on, skinB, skinA


def test_the_old_cuff_left_below_the_new_one_fails_and_a_covering_cuff_passes():
    p = _arm_person()
    for painted in (False, True):  # the old red left, or painted over as skin: both show
        assert old_cuff_left(*_pictures(290, painted), p, 100.0) > 0.5
    assert old_cuff_left(*_pictures(306, False), p, 100.0) < 0.1  # the new cuff down over the old one's end


def test_a_curved_hem_cut_straight_fails_and_kept_passes():
    shot = np.zeros((400, 300), np.uint8)
    cv2.rectangle(shot, (60, 40), (240, 300), 1, -1)
    cv2.ellipse(shot, (150, 300), (90, 45), 0, 0, 180, 1, -1)
    p = _arm_person()
    worn = np.zeros((H, W), np.uint8)
    cv2.rectangle(worn, (90, 60), (210, 370), 1, -1)  # cut straight across below the hips
    assert hem_kept(shot > 0, worn > 0, p) < 0.1
    cv2.rectangle(worn, (90, 340), (210, 399), 0, -1)
    cv2.ellipse(worn, (150, 340), (60, 30), 0, 0, 180, 1, -1)  # its own curve
    assert hem_kept(shot > 0, worn > 0, p) > 0.6
    flat = np.zeros((400, 300), np.uint8)
    cv2.rectangle(flat, (60, 40), (240, 340), 1, -1)
    assert hem_kept(flat > 0, worn > 0, p) is None  # a straight hem: nothing to keep


def test_a_clothed_forearms_cuff_reaches_past_the_wrist_a_bare_ones_does_not():
    p = _arm_person()
    body = BodyFrame(p.landmarks[11, :2], p.landmarks[12, :2], 100.0, 50.0, 150.0, np.array([0.0, 1.0], np.float32),
                     270.0, True, (150, 20, 20, 25))
    lab = np.zeros((H, W, 3), np.float32)
    lab[140:310, 135:166] = RED  # the old sleeve 10 px past the wrist joint
    lab[310:360, 135:166] = SKIN
    skin = np.zeros((H, W), bool)
    skin[310:360, 135:166] = True
    reach = old_cuff_reach(lab, skin, p, 1, body)  # image right: her left arm
    assert 10 <= reach <= 10 + 0.1 * body.width
    skin[140:360, 135:166] = True  # a bare forearm: no old sleeve to hide
    assert old_cuff_reach(lab, skin, p, 1, body) == 0.0
