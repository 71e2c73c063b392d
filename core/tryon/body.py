"""The body a garment is placed on, in one dataclass: the pose's shoulders, hips, knees and ankles (hips and knees
out of frame extrapolated where that is safe), the neck base, the torso's direction and the face's ellipse."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core.tryon.pose import Person, TryOnInputError


@dataclass
class BodyFrame:
    """Points of a person's body for a garment, in pixels (left = image right when facing the camera)."""

    ls: np.ndarray  # shoulder joints
    rs: np.ndarray
    width: float  # joint to joint
    neck_y: float  # the neck base: a crew neckline sits here
    neck_x: float
    down: np.ndarray  # unit vector from the shoulders towards the hips
    torso_len: float  # shoulder line to hip line
    hips_seen: bool
    face: tuple  # (cx, cy, rx, ry) ellipse over the face and chin, never painted
    lh: np.ndarray | None = None  # hip joints (extrapolated below the shoulders when out of frame)
    rh: np.ndarray | None = None
    lk: np.ndarray | None = None  # knees (lower garments and dresses)
    rk: np.ndarray | None = None
    la: np.ndarray | None = None  # ankles, where the photo shows them
    ra: np.ndarray | None = None
    long: bool = False  # full-length trousers reach the ankles

    @property
    def shoulder_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Outer shoulder points (image left, image right) where a set-in sleeve's seam sits, a little above the joint."""
        out = np.array([0.13 * self.width, 0.0])
        up = -self.down * 0.18 * self.width
        return self.rs - out + up, self.ls + out + up

    @property
    def ankles_seen(self) -> bool:
        return self.la is not None and self.ra is not None

    # Read like the dict it replaces (frame["ls"], "la" in frame), for callers written before it.
    def __getitem__(self, key: str):
        value = getattr(self, key, None)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        return getattr(self, key, None) is not None

    def get(self, key: str, default=None):
        value = getattr(self, key, None)
        return default if value is None else value


def point_of(person: Person, name: str) -> np.ndarray:
    return np.asarray(person.point(name), np.float32)


def body_of(person: Person) -> BodyFrame:
    """The upper body: shoulders, neck base, the torso's direction and the face."""
    ls, rs = point_of(person, "l_shoulder"), point_of(person, "r_shoulder")
    w = float(np.linalg.norm(ls - rs))
    mid = (ls + rs) / 2
    if person.visible("l_hip") and person.visible("r_hip"):
        hips = (point_of(person, "l_hip") + point_of(person, "r_hip")) / 2
        down = (hips - mid) / max(np.linalg.norm(hips - mid), 1e-6)
        torso_len, seen = float(np.linalg.norm(hips - mid)), True
    else:
        across = (ls - rs) / max(w, 1e-6)
        down = np.array([-across[1], across[0]], np.float32)
        down = down if down[1] > 0 else -down
        torso_len, seen = 1.5 * w, False
    nose = point_of(person, "nose")
    lm = person.landmarks
    eyes = (lm[2, :2] + lm[5, :2]) / 2 if min(lm[2, 2], lm[5, 2]) >= 0.1 else nose - [0, 0.1 * w]
    # Mouth landmarks are optional (a drawn figure may give only the joints): below the nose otherwise.
    mouth = (lm[9, :2] + lm[10, :2]) / 2 if min(lm[9, 2], lm[10, 2]) >= 0.1 else nose + 0.6 * (nose - eyes)
    d = max(float(mouth[1] - eyes[1]), 0.05 * w)
    chin_y = float(mouth[1] + 0.8 * d)
    neck_y = max(float(mid[1]) - 0.2 * w, chin_y + 0.15 * d)
    ears = np.array([lm[7, 0], lm[8, 0]])
    rx = max(float(np.ptp(ears)) * 0.6 if min(lm[7, 2], lm[8, 2]) >= 0.1 else 0.0, 1.2 * d, 1.0)
    face = (float(eyes[0]), float((eyes[1] - 1.2 * d + chin_y) / 2), rx, float((chin_y - eyes[1] + 1.2 * d) / 2))
    return BodyFrame(ls, rs, w, neck_y, float(mid[0]), down.astype(np.float32), torso_len, seen, face)


def body_frame(person: Person, kind: str) -> BodyFrame:
    """The body for a garment kind: the upper body plus hips (extrapolated when out of frame: a top only), knees
    (extrapolated just below the hips where the photo goes on) and ankles for lower garments and dresses."""
    f = body_of(person)
    ls, rs, width = person.point("l_shoulder"), person.point("r_shoulder"), f.width
    down = np.array([0.0, 1.0])
    h = person.mask.shape[0]
    if f.hips_seen:
        lh, rh = person.point("l_hip"), person.point("r_hip")
    else:
        lh, rh = ls + down * 1.5 * width - np.array([0.12 * width, 0]), rs + down * 1.5 * width + np.array([0.12 * width, 0])
    f = replace(f, lh=lh, rh=rh)
    if kind not in ("lower", "dress"):
        return f
    if not f.hips_seen:
        raise TryOnInputError(f"The hips are not in the photo, so a {'dress' if kind == 'dress' else 'lower-body garment'} "
                              "cannot be placed. Use a photo that shows the body at least to the knees.")
    if person.visible("l_knee") and person.visible("r_knee"):
        lk, rk = person.point("l_knee"), person.point("r_knee")
    elif (max(lh[1], rh[1]) + 0.3 * width) < h:
        lk, rk = lh + down * 1.2 * width, rh + down * 1.2 * width
    else:
        raise TryOnInputError("The legs are cropped just below the hips; use a photo that shows the knees.")
    if min(lk[1] - lh[1], rk[1] - rh[1]) < 0.45 * f.torso_len:  # a thigh runs towards the camera, not down
        raise TryOnInputError("The person looks seated, so a dress or trousers cannot hang on the legs. Use a photo "
                              "of the person standing, facing the camera.")
    f = replace(f, lk=lk, rk=rk)
    if person.visible("l_ankle") and person.visible("r_ankle"):
        f = replace(f, la=person.point("l_ankle"), ra=person.point("r_ankle"))
    return f
