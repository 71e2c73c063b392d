"""Rebuild assets/models/mediapipe/ from the models inside PyPI's mediapipe 0.10.21 wheel (Apache-2.0).

MediaPipe 0.10.21 was the last release whose wheel carried its pose and segmentation models, and it pins
protobuf < 5 and numpy < 2, which Streamlit and the rest of Atelier cannot use. Newer MediaPipe (the Tasks API)
installs beside them but downloads its models at run time. So the same BlazePose, selfie-segmentation and
BlazeFace models are kept here, with the Tasks metadata they lack (input normalisation) written in by
MediaPipe's own metadata writer, and the two pose models bundled as a Tasks `.task` file.

    pip download --no-deps mediapipe==0.10.21 -d /tmp/mp
    .venv/bin/python scripts/make_mediapipe_models.py /tmp/mp/mediapipe-0.10.21-*.whl
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer

OUT = Path(__file__).resolve().parent.parent / "assets" / "models" / "mediapipe"
MODULES = "mediapipe/modules/"


def with_normalisation(model: bytes, mean: float, std: float, outputs: int) -> bytes:
    """The Tasks graphs read the input scaling from the model's metadata; the legacy graphs hard-coded it."""
    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    writer.add_general_info("atelier", "from mediapipe 0.10.21").add_image_input(norm_mean=[mean], norm_std=[std])
    for _ in range(outputs):
        writer.add_feature_output()
    return bytes(writer.populate()[0])


def main(wheel: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as whl:
        read = lambda name: whl.read(MODULES + name)  # noqa: E731
        # BlazePose: the detector sees [-1, 1], the landmark model [0, 1] (as in the legacy graphs).
        detector = with_normalisation(read("pose_detection/pose_detection.tflite"), 127.5, 127.5, 2)
        landmarks = with_normalisation(read("pose_landmark/pose_landmark_full.tflite"), 0.0, 255.0, 5)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as task:
            task.writestr("pose_detector.tflite", detector)
            task.writestr("pose_landmarks_detector.tflite", landmarks)
        (OUT / "pose_landmarker_full.task").write_bytes(buf.getvalue())
        # These two already carry Tasks metadata.
        (OUT / "selfie_segmentation_landscape.tflite").write_bytes(
            read("selfie_segmentation/selfie_segmentation_landscape.tflite"))
        (OUT / "face_detection_short_range.tflite").write_bytes(read("face_detection/face_detection_short_range.tflite"))
    for f in sorted(OUT.iterdir()):
        print(f"{f.name}: {f.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
