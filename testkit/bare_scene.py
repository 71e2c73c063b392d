"""A drawn upper body for the bare-shoulder and bare-arm outline tests: the pose's shoulders, elbows and wrists
and its BodyFrame (shoulders 120 px apart, neck base at row 90, on a 400x400 canvas)."""
import numpy as np

from core.tryon.body import BodyFrame


class Person:
    def __init__(self, lm):
        self.landmarks = lm


def scene() -> tuple[Person, BodyFrame]:
    lm = np.zeros((33, 3), np.float32)
    lm[11] = (260, 100, 1)  # l shoulder (image right)
    lm[12] = (140, 100, 1)
    lm[13] = (275, 200, 1)
    lm[14] = (125, 200, 1)
    lm[15] = (280, 290, 1)
    lm[16] = (120, 290, 1)
    body = BodyFrame(ls=lm[11, :2].copy(), rs=lm[12, :2].copy(), width=120.0, neck_y=90.0, neck_x=200.0,
                     down=np.array([0.0, 1.0], np.float32), torso_len=200.0, hips_seen=True, face=(200, 50, 25, 30),
                     lh=np.array([240.0, 300.0]), rh=np.array([160.0, 300.0]))
    return Person(lm), body
