"""Issue 23: text search on greyscale photos-only catalogs. A greyscale photo shows no colour: its colour tag has a
low confidence (no word, no boost, "looks like" on the card), its lightness is measured instead, and equal word
scores leave the order to what the encoder sees."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from core import attributes as a
from core.lexical import item_document
from core.search.fusion import attribute_match_all, attribute_scores, pool_ranks, tied_ranks
from core.snapshot import Snapshot
from core.vocabulary import parse_query

REAL = Path(__file__).resolve().parents[2] / "shared" / "realphotos"
PINK, BLACK = (235, 150, 175), (30, 30, 32)


def _tee(rgb: tuple[int, int, int]) -> Image.Image:
    """A t-shirt shape of one colour on a light studio backdrop."""
    im = np.full((256, 256, 3), 246, np.uint8)
    pts = np.array([[80, 48], [115, 48], [128, 61], [141, 48], [176, 48], [224, 96], [200, 120], [179, 104],
                    [179, 208], [77, 208], [77, 104], [56, 120], [32, 96]])
    cv2.fillPoly(im, [pts], rgb)
    return Image.fromarray(im)


def _grey(im: Image.Image) -> Image.Image:
    return im.convert("L").convert("RGB")


def test_a_greyscale_photo_shows_no_colour_a_colour_photo_does():
    assert a.is_colourless(_grey(_tee(PINK))) and not a.is_colourless(_tee(PINK))


def test_a_greyscale_colour_tag_has_low_confidence_and_is_neither_word_nor_boost():
    colour, conf = a.colour_tag(_tee(PINK))
    assert colour == "pink" and conf >= a.TRUST  # in colour the same garment is read, and trusted
    tags = a.read_tags(_grey(_tee(PINK)))
    assert tags.colour in a.ACHROMATIC and tags.colour_confidence < a.TRUST  # light grey is no evidence of pink
    meta = tags.metadata() | {"name": "T-shirt"}
    assert 55.0 < meta["lightness"] < 90.0 and "lightness" not in a.read_tags(_tee(PINK)).metadata()
    _, words = item_document(meta)
    assert tags.colour not in words.split()
    assert a.tag_weight(meta, "colour") == 0.0 and f"looks like {tags.colour}" in a.tag_text(meta)


def _snapshot(metas: list[dict]) -> Snapshot:
    return Snapshot.build("v1", [f"i{n}" for n in range(len(metas))], np.zeros((len(metas), 4), np.float32), metas, {})


def test_a_colour_word_falls_back_to_the_garment_and_the_greyscale_lightness():
    tee = {"category": "t-shirt", "category_confidence": 0.9, "pattern": "solid", "pattern_confidence": 0.9}
    snap = _snapshot([
        tee | {"colour": "white", "colour_confidence": 0.3, "lightness": 93.0},  # a light tee, greyscale photo
        tee | {"colour": "black", "colour_confidence": 0.3, "lightness": 8.0},  # a dark tee, greyscale photo
        tee | {"colour": "pink", "colour_confidence": 0.3},  # a colour photo's unsure guess
        tee | {"colour": "white", "colour_confidence": 0.3},  # the same guess, "white"
        {"category": "t-shirt", "colour": "white", "pattern": "solid"},  # a catalog's label
    ])
    white = attribute_scores(snap, parse_query("white t-shirt"))
    assert white[4] > white[0] > white[1]  # the label, then the light greyscale tee, then the dark one
    assert white[1] == white[2] == white[3] > 0  # a low-confidence colour tag adds nothing: the garment alone
    black = attribute_scores(snap, parse_query("black t-shirt"))
    assert black[1] > black[0] == black[3]
    pink = attribute_scores(snap, parse_query("pink t-shirt"))
    assert pink[2] == pink[3] == white[3]  # the "pink" guess is no boost for "pink"
    # "N have everything you asked for": labels and trusted tags only, never a lightness or a guess
    assert attribute_match_all(snap, parse_query("white t-shirt")).tolist() == [False, False, False, False, True]


def test_lightness_fits_light_colours_to_light_garments_and_mid_greys_to_most_colours():
    light = np.array([95.0, 50.0, 8.0])
    assert a.lightness_fit(light, "white").tolist()[0] == 1.0 and a.lightness_fit(light, "white")[2] < 0.01
    assert a.lightness_fit(light, "black")[2] == 1.0 and a.lightness_fit(light, "black")[0] < 0.01
    assert all(a.lightness_fit(light[1:2], c)[0] > 0.9 for c in ("red", "green", "blue", "purple"))
    assert a.lightness_fit(light, "no such colour").tolist() == [0.0, 0.0, 0.0]


def test_equal_word_scores_share_a_rank_so_the_encoder_orders_them():
    assert tied_ranks(np.array([5.0, 5.0, 4.0, 4.0, 4.0, 3.0])).tolist() == [1, 1, 3, 3, 3, 6]
    assert tied_ranks(np.array([2.0, 1.0])).tolist() == [1, 2] and len(tied_ranks(np.zeros(0))) == 0
    pool = np.array([3, 7, 9, 12])
    assert pool_ranks(pool, np.array([9, 3, 12]), np.array([1, 1, 3])).tolist() == [1, 0, 1, 3]
    assert pool_ranks(pool, np.array([9, 3])).tolist() == [2, 0, 1, 0]


def test_snapshot_keeps_lightness_for_greyscale_rows_only():
    snap = _snapshot([{"category": "dress", "lightness": 0.0}, {"category": "dress"}])
    light = snap.columns["lightness"]
    assert light[0] == 0.0 and np.isnan(light[1])  # pure black is a lightness, not a missing one
    assert "lightness" not in _snapshot([{"category": "dress"}]).columns


@pytest.mark.skipif(not (REAL / "labels.json").is_file(), reason="../shared/realphotos is not here")
def test_real_greyscale_shots_colour_tags_are_unsure_and_lightness_orders_white_above_black():
    labels = json.loads((REAL / "labels.json").read_text())
    light = {}
    for n in labels["colour"]["white"] + labels["colour"]["black"] + labels["colour"]["pink"]:
        photo = _grey(Image.open(REAL / "garments" / f"g{n:02d}.jpg"))
        tags = a.read_tags(photo)
        assert tags.colour_confidence < a.TRUST and tags.colour in a.ACHROMATIC
        light[n] = tags.lightness
        colour = a.read_tags(Image.open(REAL / "garments" / f"g{n:02d}.jpg").convert("RGB"))
        assert colour.lightness is None  # a colour photo's colour is read, not its lightness
    whites = [light[n] for n in labels["colour"]["white"]]
    blacks = [light[n] for n in labels["colour"]["black"]]
    assert min(whites) > max(blacks) + 30
    assert np.mean([a.lightness_fit(np.array([light[n]]), "pink")[0] for n in labels["colour"]["pink"]]) > 0.9
    assert max(a.lightness_fit(np.array(blacks), "white")) < 0.05
