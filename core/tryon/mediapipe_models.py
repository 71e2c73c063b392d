"""MediaPipe pose, person segmentation and face detection through the Tasks API, on models in the repository.

Any MediaPipe from 0.10.21 to today runs these (the Tasks API is in all of them); newer releases no longer ship
models or pin protobuf < 5, so `pip install -r requirements.txt` alone gives a working Try-On, offline too.
The models are 0.10.21's own (assets/models/mediapipe/README.md), so results match the legacy solutions.
Each wrapper answers like the legacy solution it replaces (`process(rgb)` -> `.pose_landmarks.landmark`,
`.segmentation_mask`), so pose analysis does not care which MediaPipe is installed.
"""
from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MODEL_DIR = Path(__file__).resolve().parents[2] / "assets" / "models" / "mediapipe"
POSE_MODEL = MODEL_DIR / "pose_landmarker_full.task"
SEGMENTATION_MODEL = MODEL_DIR / "selfie_segmentation_landscape.tflite"
FACE_MODEL = MODEL_DIR / "face_detection_short_range.tflite"


@dataclass
class _Landmarks:
    landmark: list[Any]  # each has .x, .y (0..1) and .visibility


@dataclass
class PoseResult:
    pose_landmarks: _Landmarks | None
    segmentation_mask: np.ndarray | None  # float32 (h, w), 0..1


@dataclass
class SegmentationResult:
    segmentation_mask: np.ndarray  # float32 (h, w), 0..1


def _mask(image) -> np.ndarray:
    """A Tasks mask as float32 (h, w); newer MediaPipe returns (h, w, 1)."""
    arr = np.array(image.numpy_view(), dtype=np.float32)
    return arr[..., 0] if arr.ndim == 3 else arr


def _image(rgb: np.ndarray):
    import mediapipe as mp

    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb, dtype=np.uint8))


def _closed_at_exit(task):
    """Newer MediaPipe closes a task in __del__, which fails noisily once its worker thread is gone; close it
    while threads still run (the hook concurrent.futures itself uses; plain atexit runs too late)."""
    register = getattr(threading, "_register_atexit", atexit.register)
    register(lambda: _close(task))
    _OPEN.append(task)
    return task


def _close(task) -> None:
    try:
        task.close()
    except Exception:  # already closed by close_all
        pass


_OPEN: list = []


def close_all() -> None:
    """Close every task now (a test run does this before its summary, so MediaPipe's exit log comes first)."""
    while _OPEN:
        _close(_OPEN.pop())


def _options(model: Path):
    from mediapipe.tasks.python import BaseOptions

    if not model.is_file():
        from core.errors import ModelUnavailableError

        raise ModelUnavailableError(f"The try-on model {model.name} is missing from {model.parent}; "
                                    "restore it from the repository (scripts/make_mediapipe_models.py rebuilds it).")
    # Bytes rather than a path: the Tasks runtime cannot open paths with some characters.
    return BaseOptions(model_asset_buffer=model.read_bytes())


class Pose:
    """BlazePose full (33 landmarks) with its person mask, one still image at a time."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        from mediapipe.tasks.python import vision

        self._task = _closed_at_exit(vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
            base_options=_options(POSE_MODEL), running_mode=vision.RunningMode.IMAGE, num_poses=1,
            min_pose_detection_confidence=min_confidence, min_pose_presence_confidence=min_confidence,
            output_segmentation_masks=True)))

    def process(self, rgb: np.ndarray) -> PoseResult:
        found = self._task.detect(_image(rgb))
        if not found.pose_landmarks:
            return PoseResult(None, None)
        mask = _mask(found.segmentation_masks[0]) if found.segmentation_masks else None
        return PoseResult(_Landmarks(list(found.pose_landmarks[0])), mask)


class SelfieSegmentation:
    """The person (everyone in the photo) as a 0..1 mask."""

    def __init__(self) -> None:
        from mediapipe.tasks.python import vision

        self._task = _closed_at_exit(vision.ImageSegmenter.create_from_options(vision.ImageSegmenterOptions(
            base_options=_options(SEGMENTATION_MODEL), running_mode=vision.RunningMode.IMAGE,
            output_confidence_masks=True, output_category_mask=False)))

    def process(self, rgb: np.ndarray) -> SegmentationResult:
        masks = self._task.segment(_image(rgb)).confidence_masks
        return SegmentationResult(_mask(masks[-1]))


def face_detector(min_confidence: float = 0.6):
    """BlazeFace short range; `.detect(mp.Image)` gives `.detections` with pixel bounding boxes."""
    from mediapipe.tasks.python import vision

    return _closed_at_exit(vision.FaceDetector.create_from_options(vision.FaceDetectorOptions(
        base_options=_options(FACE_MODEL), min_detection_confidence=min_confidence)))
