"""One segmentation per product shot at ingest: the encoder's colour and pattern words, the pixel tags and the
sketch outline all read the garment from the same mask, segmented once per reading size (bench/bench_ingest.py
prints what it saves)."""
import numpy as np
from PIL import Image

from core.attributes import colour_shares, detect_pattern, read_tags
from core.config import SAMPLE_CATALOG_DIR
from core.segmentation import reading, subject_mask
from core.sketch import outline_of_product


def _count(monkeypatch) -> list:
    seen = []
    real = reading.subject_mask
    monkeypatch.setattr(reading, "subject_mask", lambda im: seen.append(im.size) or real(im))
    reading.forget()
    return seen


def test_every_reader_of_one_photo_segments_it_once_per_size(monkeypatch):
    img = Image.open(SAMPLE_CATALOG_DIR / "images/shirt-006.jpg").convert("RGB")
    seen = _count(monkeypatch)
    detect_pattern(img)  # what the lite encoder reads for its captions ...
    colour_shares(img)
    read_tags(img)  # ... the tags an unlabelled row gets ...
    outline_of_product(img)  # ... and the outline the sketch index keeps
    assert sorted(seen) == sorted({tuple(s) for s in seen}), seen  # no size segmented twice
    assert len(seen) == 2, seen  # the colour view (128 px) and the reading view (160 px)


def test_the_outline_mask_is_the_reading_mask_at_the_outline_size():
    img = Image.open(SAMPLE_CATALOG_DIR / "images/dress-003.jpg").convert("RGB")
    reading.forget()
    small = subject_mask(reading.reading_view(img))
    big = reading.subject_mask_at(img, img.size)
    assert big.shape == (img.height, img.width)
    back = np.asarray(Image.fromarray(big.astype(np.uint8) * 255).resize(small.shape[::-1], Image.BILINEAR)) > 127
    assert (back == small).mean() > 0.97  # the same garment, only resized
    assert 0.1 < big.mean() < 0.9


def test_a_remembered_mask_is_a_copy_and_another_photo_is_segmented_anew(monkeypatch):
    a = Image.open(SAMPLE_CATALOG_DIR / "images/shirt-006.jpg").convert("RGB")
    b = a.transpose(Image.FLIP_LEFT_RIGHT)
    seen = _count(monkeypatch)
    first = reading.remembered_subject_mask(reading.reading_view(a))
    first[:] = False  # a reader changing its own copy ...
    again = reading.remembered_subject_mask(reading.reading_view(a))
    assert again.any() and len(seen) == 1  # ... leaves the remembered mask whole; the same photo is not segmented
    flipped = reading.remembered_subject_mask(reading.reading_view(b))
    assert len(seen) == 2 and np.array_equal(flipped, again[:, ::-1])
