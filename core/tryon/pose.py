"""Person analysis with MediaPipe (pose, 33 landmarks, and person segmentation), mapped to the
OpenPose-18 (COCO) layout the VITON family uses; and the checks that turn bad photos into guidance."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from PIL import Image

from core.errors import AtelierError, ModelUnavailableError

log = logging.getLogger(__name__)

# OpenPose COCO-18 order -> MediaPipe index (neck is the mid-shoulder point, computed).
OPENPOSE18 = ["nose", "neck", "r_shoulder", "r_elbow", "r_wrist", "l_shoulder", "l_elbow", "l_wrist", "r_hip", "r_knee",
              "r_ankle", "l_hip", "l_knee", "l_ankle", "r_eye", "l_eye", "r_ear", "l_ear"]
MP_INDEX = {"nose": 0, "r_shoulder": 12, "r_elbow": 14, "r_wrist": 16, "l_shoulder": 11, "l_elbow": 13, "l_wrist": 15,
            "r_hip": 24, "r_knee": 26, "r_ankle": 28, "l_hip": 23, "l_knee": 25, "l_ankle": 27, "r_eye": 5, "l_eye": 2,
            "r_ear": 8, "l_ear": 7}
VISIBLE = 0.5
MIN_SIDE = 128
WORK_SIDE = 1024


class TryOnInputError(AtelierError):
    """A person or garment photo Atelier cannot use, with what to change."""


@dataclass
class Person:
    image: Image.Image  # RGB, at working size
    landmarks: np.ndarray  # (33, 3): x px, y px, visibility
    mask: np.ndarray  # bool: the person (segmentation > 0.5)
    base_layer: np.ndarray | None = None  # a drawn figure's own bodysuit: part of the figure, not old clothing
    # What the try-on's steps derive from this photo (its Lab, the hands): computed once per Person object; a copy
    # made with dataclasses.replace (another mask) starts empty, so nothing derived from the old mask is reused.
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """The value under key, made once for this person (kept with it, not in a module-level cache shared by
        every session's thread)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def point(self, name: str) -> np.ndarray:
        if name == "neck":
            return (self.point("l_shoulder") + self.point("r_shoulder")) / 2
        return self.landmarks[MP_INDEX[name], :2]

    def visible(self, name: str) -> bool:
        if name == "neck":
            return self.visible("l_shoulder") and self.visible("r_shoulder")
        x, y, v = self.landmarks[MP_INDEX[name]]
        h, w = self.mask.shape
        return v >= VISIBLE and 0 <= x < w and 0 <= y < h

    def openpose18(self) -> np.ndarray:
        """(18, 3) keypoints in OpenPose COCO order: x, y, confidence (0 when not visible)."""
        out = np.zeros((18, 3), np.float32)
        for k, name in enumerate(OPENPOSE18):
            if name == "neck":
                v = min(self.landmarks[11, 2], self.landmarks[12, 2])
                xy = self.point("neck")
            else:
                xy, v = self.landmarks[MP_INDEX[name], :2], self.landmarks[MP_INDEX[name], 2]
            out[k] = (*xy, v if self.visible(name) else 0.0)
        return out


def landmarks_to_openpose18(landmarks: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The mapping alone, for any (33, 3) MediaPipe array in pixels."""
    p = Person(Image.new("RGB", size), landmarks, np.ones((size[1], size[0]), bool))
    return p.openpose18()


_LOCK = threading.RLock()  # MediaPipe graphs are not shared between threads: one analysis at a time


def working_copy(img: Image.Image) -> Image.Image:
    img = img.convert("RGB")
    if min(img.size) < MIN_SIDE:
        raise TryOnInputError(f"The photo is only {img.width}x{img.height}; use one at least {MIN_SIDE} px on its short side.")
    if max(img.size) > WORK_SIDE:
        s = WORK_SIDE / max(img.size)
        img = img.resize((round(img.width * s), round(img.height * s)), Image.LANCZOS)
    return img


def count_people(mask: np.ndarray, min_share: float = 0.04) -> int:
    """Separate large person blobs in a segmentation mask."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    return int((stats[1:, cv2.CC_STAT_AREA] >= min_share * mask.size).sum())


_MODELS: dict = {}  # MediaPipe graphs, built once per process and used under _LOCK


def _models() -> dict:
    """Selfie segmentation, pose (static-image mode, so one graph serves any sequence of photos) and the face
    detector: built on first use, then reused (building and warming them costs about as much as a photo)."""
    if not _MODELS:
        from core.tryon import mediapipe_models as mpm

        _MODELS.update(segmentation=mpm.SelfieSegmentation(), pose=mpm.Pose(), faces=mpm.face_detector(0.6))
    return _MODELS


def face_boxes(arr: np.ndarray) -> np.ndarray:
    """Faces in an RGB array as (x0, y0, x1, y1) boxes. The short-range model wants faces that fill a good part of
    its input, so it also looks at nine overlapping half-size tiles; duplicates are merged."""
    import mediapipe as mp

    h, w = arr.shape[:2]
    crops = [(0, 0, w, h)] + [(int(i * w / 4), int(j * h / 4), int(i * w / 4 + w / 2), int(j * h / 4 + h / 2))
                              for j in range(3) for i in range(3)]
    boxes = []
    for x0, y0, x1, y1 in crops:
        tile = np.ascontiguousarray(arr[y0:y1, x0:x1])
        with _LOCK:
            found = _models()["faces"].detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=tile)).detections
        for d in found:
            b = d.bounding_box
            box = np.array([x0 + b.origin_x, y0 + b.origin_y, x0 + b.origin_x + b.width, y0 + b.origin_y + b.height], float)
            # A face cut by a tile's edge comes back smaller: skip boxes touching an inner tile edge.
            if (b.origin_x <= 1 and x0 > 0) or (b.origin_y <= 1 and y0 > 0) or \
                    (x0 + b.origin_x + b.width >= x1 - 1 and x1 < w) or (y0 + b.origin_y + b.height >= y1 - 1 and y1 < h):
                continue
            boxes.append(box)
    merged: list[np.ndarray] = []
    for box in sorted(boxes, key=lambda b: -(b[2] - b[0]) * (b[3] - b[1])):
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if not any(m[0] <= cx <= m[2] and m[1] <= cy <= m[3] for m in merged):
            merged.append(box)
    return np.array(merged).reshape(-1, 4)


def count_faces(arr: np.ndarray) -> int:
    """Faces at least half as wide as the largest one (a small face far behind the person does not count)."""
    boxes = face_boxes(arr)
    if not len(boxes):
        return 0
    widths = boxes[:, 2] - boxes[:, 0]
    return int((widths >= 0.5 * widths.max()).sum())


def analyse_person(img: Image.Image) -> Person:
    """Pose + segmentation, or a TryOnInputError that says what to change."""
    try:
        import mediapipe  # noqa: F401
    except ImportError as exc:
        raise ModelUnavailableError("Try-on needs MediaPipe: pip install -r requirements.txt") from exc
    img = working_copy(img)
    arr = np.asarray(img)
    with _LOCK:
        # Several people: separate blobs in the selfie segmentation (people apart), or several faces of a
        # similar size (people who touch, whom the segmentation joins into one blob).
        models = _models()
        everyone = models["segmentation"].process(arr).segmentation_mask > 0.5
        res = models["pose"].process(arr)
        faces = count_faces(arr)
    if res.pose_landmarks is None:
        raise TryOnInputError("No person found. Use a photo of one person, facing the camera, head to at least the hips.")
    people = max(count_people(everyone), faces)
    if people > 1:
        raise TryOnInputError(f"{people} people are in the photo. Crop it to the one person to dress.")
    h, w = arr.shape[:2]
    lm = np.array([[p.x * w, p.y * h, p.visibility] for p in res.pose_landmarks.landmark], np.float32)
    mask = (res.segmentation_mask > 0.5) if res.segmentation_mask is not None else np.ones((h, w), bool)
    return validate_person(Person(img, lm, mask))


def validate_person(person: Person) -> Person:
    if not (person.visible("l_shoulder") and person.visible("r_shoulder")):
        raise TryOnInputError("Both shoulders must be visible. Use a photo from the head to at least the chest.")
    # Facing the camera, the person's left shoulder is on the image's right; from behind it is on the left.
    if person.point("l_shoulder")[0] < person.point("r_shoulder")[0]:
        raise TryOnInputError("This looks like a back view. Use a photo of the person facing the camera.")
    return person
