"""Silhouette features read from the shared garment segmentation (core.segmentation.silhouette), for the tagger:
on the sample catalog (the generator's categories say what each outline is) and on real product shots when
../shared/realphotos is there (skipped otherwise)."""
import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.segmentation import garment_mask, silhouette

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "assets/sample_catalog"
REAL = ROOT.parent / "shared/realphotos"


def _items(category: str, n: int = 4) -> list[str]:
    rows = [r for r in csv.DictReader(open(CATALOG / "catalog.csv")) if r["category"] == category]
    return [r["file"] for r in rows[:n]]


def _sil(path: Path):
    return silhouette(garment_mask(Image.open(path)))


@pytest.mark.parametrize("category, legs, sleeves", [("trousers", True, "none"), ("jeans", True, "none"),
                                                     ("shorts", True, "none"), ("t-shirt", False, "short"),
                                                     ("coat", False, "long"), ("hoodie", False, "long"),
                                                     ("skirt", False, "none")])
def test_sample_outlines_read_as_their_kind(category, legs, sleeves):
    for f in _items(category):
        s = _sil(CATALOG / f)
        assert s.legs == legs, (f, s)
        assert s.sleeves == sleeves, (f, s)


def test_length_and_aspect_follow_the_outline():
    assert all(_sil(CATALOG / f).length == "long" for f in _items("jeans"))
    assert all(_sil(CATALOG / f).length == "short" for f in _items("bag"))
    s = _sil(CATALOG / _items("t-shirt")[0])
    assert 0.9 <= s.aspect <= 1.6 and 0.4 < s.fill < 0.95


def test_drawn_shapes():
    """Hand-drawn masks: two legs, a strappy cami, a short-sleeved tee, an empty mask."""
    legs = np.zeros((200, 120), bool)
    legs[10:80, 20:100] = True
    legs[80:190, 20:55] = True
    legs[80:190, 65:100] = True
    s = silhouette(legs)
    assert s.legs and s.sleeves == "none" and s.length == "long"
    cami = np.zeros((160, 140), bool)
    cami[40:150, 25:115] = True
    cami[5:40, 35:42] = True
    cami[5:40, 98:105] = True
    s = silhouette(cami)
    assert s.straps and s.sleeves == "none" and not s.legs
    tee = np.zeros((160, 200), bool)
    tee[10:150, 55:145] = True
    tee[10:55, 15:185] = True
    s = silhouette(tee)
    assert s.sleeves == "short" and not s.straps and not s.legs
    assert silhouette(np.zeros((50, 50), bool)).fill == 0.0


@pytest.mark.skipif(not (REAL / "labels.json").exists(), reason="../shared/realphotos is not here")
def test_real_shots_trousers_have_two_legs_and_nothing_else_does():
    labels = json.loads((REAL / "labels.json").read_text())
    trousers = set(labels["category"]["trousers"])
    wrong = []
    for path in sorted((REAL / "garments").glob("g*.jpg")):
        k = int(path.stem[1:])
        if _sil(path).legs != (k in trousers):
            wrong.append(path.stem)
    assert not wrong, wrong
    tees = labels["category"]["tshirt"]
    short = sum(_sil(REAL / f"garments/g{k:02d}.jpg").sleeves == "short" for k in tees)
    assert short >= 0.8 * len(tees), short
