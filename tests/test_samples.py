"""The bundled sample catalog is big and varied enough, and reproducible from its seed."""
import csv

import numpy as np
from PIL import Image

from core.config import SAMPLE_CATALOG_DIR
from core.samples import render_item, sample_specs


def test_sample_catalog_has_the_promised_variety():
    rows = list(csv.DictReader(open(SAMPLE_CATALOG_DIR / "catalog.csv")))
    assert len(rows) >= 400
    assert len({r["category"] for r in rows}) >= 10
    assert len({r["colour"] for r in rows}) >= 12
    assert len({r["pattern"] for r in rows}) >= 5
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows[::40]:
        img = Image.open(SAMPLE_CATALOG_DIR / r["file"])
        assert min(img.size) >= 256
        assert r["name"] and r["description"] and float(r["price"]) > 0


def test_generator_is_deterministic_and_matches_bundled_images():
    specs = sample_specs()
    k = 37
    a = np.asarray(render_item(specs[k], 7 * 100_003 + k), np.int16)
    b = np.asarray(render_item(specs[k], 7 * 100_003 + k), np.int16)
    assert (a == b).all()
    bundled = np.asarray(Image.open(SAMPLE_CATALOG_DIR / "images" / f"{specs[k].id}.jpg").convert("RGB"), np.int16)
    assert np.abs(bundled - a).mean() < 3.0  # only JPEG loss


def test_sample_images_look_like_product_shots():
    img = np.asarray(Image.open(SAMPLE_CATALOG_DIR / "images" / "dress-003.jpg").convert("RGB"), np.int16)
    corners = np.concatenate([img[:8, :8].reshape(-1, 3), img[-8:, -8:].reshape(-1, 3)])
    assert corners.std(0).max() < 4 and corners.mean() > 230  # plain light backdrop
    centre = img[150:230, 150:230].reshape(-1, 3)
    assert np.abs(centre - corners.mean(0)).sum(1).mean() > 40  # a garment in the middle
