"""What stays in front of new trousers or a new dress on a real photo: the person's hands and bare forearms (their
own skin, from the elbow to the fingertips, as the photo shows them) and what she holds (core/tryon/held.py).

The pose gives the wrist and, where it sees them, the finger joints; the hand hangs on past the wrist along the
forearm. Within a capsule along that line, the pixels of her own skin (by the face's skin model, as smooth as her
skin: a beige print is not) joined to the wrist are the hand and the forearm; they are put back exactly as shot
over whatever the garment or the clean-up painted there."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.held import held_in_front
from core.tryon.pose import Person
from core.tryon.reveal import lab_of, own_skin, smooth

# MediaPipe pose: pinky, index and thumb knuckles of the left (even offset 0) and right (1) hand.
FINGERS = {"l": (17, 19, 21), "r": (18, 20, 22)}


def hand_reach(person: Person, side: str, w: float) -> tuple[np.ndarray, np.ndarray, float]:
    """(wrist, unit direction down the hand, length past the wrist to the fingertips)."""
    wrist = np.asarray(person.point(f"{side}_wrist"), np.float32)
    if person.visible(f"{side}_elbow"):
        d = wrist - np.asarray(person.point(f"{side}_elbow"), np.float32)
    else:
        d = np.array([0.0, 1.0], np.float32)
    d = d / max(float(np.linalg.norm(d)), 1e-6)
    lm = person.landmarks
    tips = [lm[i, :2] for i in FINGERS[side] if lm[i, 2] >= 0.1]
    # The knuckles the pose gives, and a finger's length beyond them; a hand's length where it gives none.
    reach = max([float((np.asarray(t, np.float32) - wrist) @ d) for t in tips] + [0.0]) + 0.18 * w if tips else 0.0
    return wrist, d, float(np.clip(reach, 0.3 * w, 0.6 * w))


def person_lab(person: Person) -> np.ndarray:
    """The person's photo in Lab (reveal.lab_of), once per person for the steps of one try-on (read-only)."""
    return person.derived("lab", lambda: lab_of(np.asarray(person.image, np.float32) / 255.0))


def hands_and_forearms(person: Person, frame: BodyFrame, lab: np.ndarray) -> np.ndarray:
    """Her hands and bare forearms: her own smooth skin within a capsule from the elbow through the wrist to the
    fingertips, joined to the wrist. One try-on asks for them many times: found once per person and frame width."""
    return person.derived(("hands", float(frame.width)), lambda: _find_hands(person, frame, lab)).copy()


def _find_hands(person: Person, frame: BodyFrame, lab: np.ndarray) -> np.ndarray:
    H, W = person.mask.shape
    w = frame.width
    skin = own_skin(lab, person, frame) & smooth(lab, own_skin(lab, person, frame), frame)
    out = np.zeros((H, W), bool)
    for side in ("l", "r"):
        if not person.visible(f"{side}_wrist"):
            continue
        wrist, d, reach = hand_reach(person, side, w)
        start = np.asarray(person.point(f"{side}_elbow"), np.float32) if person.visible(f"{side}_elbow") else wrist
        zone = np.zeros((H, W), np.uint8)
        end = wrist + d * reach
        cv2.line(zone, tuple(int(v) for v in start), tuple(int(v) for v in end), 1, max(1, int(0.3 * w)))
        cv2.circle(zone, tuple(int(v) for v in end), int(0.15 * w), 1, -1)
        part = (zone > 0) & skin
        n, labels = cv2.connectedComponents(part.astype(np.uint8), connectivity=8)
        if n <= 1:
            continue
        seed = np.zeros((H, W), np.uint8)
        cv2.circle(seed, tuple(int(v) for v in wrist), max(2, int(0.06 * w)), 1, -1)
        # A long sleeve's cuff at the wrist the pose gives: the hand starts just past it.
        cv2.line(seed, tuple(int(v) for v in wrist), tuple(int(v) for v in wrist + d * 0.15 * w), 1,
                 max(2, int(0.06 * w)))
        ids = np.unique(labels[(seed > 0) & part])
        ids = ids[ids > 0]
        out |= np.isin(labels, ids)
    # Pores, a ring or a shadow between the fingers are hers too; the anti-aliased rim of the hand comes along.
    out = cv2.morphologyEx(out.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)) > 0
    return cv2.dilate(out.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0


def in_front(person: Person, frame: BodyFrame, lab: np.ndarray, below: float | None = None) -> np.ndarray:
    """Hands, bare forearms and held objects (below the given row only, where one is given)."""
    keep = hands_and_forearms(person, frame, lab)
    zone = person.mask.copy()
    zone[:max(0, int(frame.neck_y))] = False
    keep |= held_in_front(lab, person, frame, zone, own_skin(lab, person, frame))
    if below is not None:
        keep[:max(0, int(below))] = False
    return keep


def put_back(person: Person, out: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The photo's own pixels where `keep` is, softly joined (out: float 0..1 or uint8, same type returned)."""
    if not keep.any():
        return out
    ys, xs = np.nonzero(keep)
    H, W = keep.shape
    y0, y1, x0, x1 = max(0, ys.min() - 4), min(H, ys.max() + 5), max(0, xs.min() - 4), min(W, xs.max() + 5)
    k = keep[y0:y1, x0:x1]
    base = np.asarray(person.image)[y0:y1, x0:x1].astype(np.float32)
    a = cv2.GaussianBlur(k.astype(np.float32), (0, 0), 0.7)
    a = np.maximum(a, k * 1.0)[..., None]  # exactly the photo on the hand itself, a soft rim outside it
    out = out.copy()
    if out.dtype == np.uint8:
        res = out[y0:y1, x0:x1].astype(np.float32) * (1 - a) + base * a
        out[y0:y1, x0:x1] = np.clip(np.rint(res), 0, 255).astype(np.uint8)
    else:
        out[y0:y1, x0:x1] = out[y0:y1, x0:x1] * (1 - a) + (base / 255.0) * a
    return out
