"""Issue 22 (a dress's long sleeves on a bent arm): a long sleeve worn on an arm bent at the elbow (a hand on the hip)
follows the arm, upper arm and forearm, not a fan of streaked print spread out between the shoulder and the elbow;
a straight arm's sleeve is laid as before."""
import cv2
import numpy as np

from core.tryon.dress_parts import sleeve_pairs
from core.tryon.warp import tps_remap

ARM = 40  # the arm's width in the photo


def _worn(path: np.ndarray):
    """A long sleeve (a striped strip 40 x 220, its seam on its right side) worn on `path` (seam, elbow, wrist):
    (its alpha on the photo, her arm's mask)."""
    m = np.zeros((300, 200), np.uint8)
    cv2.rectangle(m, (40, 40), (80, 260), 1, -1)
    sleeve = m > 0
    tex = np.zeros((300, 200, 3), np.float32)
    tex[..., 0] = ((np.arange(300) // 6) % 2)[:, None]
    body = np.zeros((500, 500), np.uint8)
    for a, b in zip(path[:-1], path[1:]):
        cv2.line(body, tuple(int(v) for v in a), tuple(int(v) for v in b), 1, ARM)
    along = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum()) / 220
    armpit = path[0] + np.array([15, 60], np.float32)
    s, d = sleeve_pairs(sleeve, -1, np.array([80, 40], np.float32), path, along, 1.0, armpit, body > 0)
    out = tps_remap(np.concatenate([tex, sleeve[..., None].astype(np.float32)], 2), s, d, (500, 500))
    return out[..., 3] > 0.5, body > 0


def _shares(alpha: np.ndarray, arm: np.ndarray) -> tuple[float, float]:
    near = cv2.dilate(arm.astype(np.uint8), np.ones((21, 21), np.uint8)) > 0
    return float((alpha & ~near).sum() / alpha.sum()), float((alpha & arm).sum() / arm.sum())


def test_a_long_sleeve_follows_an_arm_bent_at_the_elbow():
    alpha, arm = _worn(np.array([[250, 100], [170, 230], [260, 300]], np.float32))  # out to the elbow, back in
    off, covered = _shares(alpha, arm)
    assert off < 0.3, f"{off:.2f} of the sleeve fanned out off the arm"  # 0.50 with five points
    assert covered > 0.65


def test_a_straight_arm_keeps_its_sleeve():
    alpha, arm = _worn(np.array([[250, 100], [240, 230], [235, 340]], np.float32))
    off, covered = _shares(alpha, arm)
    assert off < 0.15 and covered > 0.7
