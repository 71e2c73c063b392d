"""Category tags from what the outline shows beside the encoder (issue 23): two legs parted by the backdrop, sleeves
(a t-shirt has them), a short-sleeved dress's body below its sleeves. Synthetic shapes: no real photos needed."""
from __future__ import annotations

import cv2
import numpy as np

from core import category_tag as ct

BACKDROP = (246, 246, 246)


def _photo(polys: list[list[tuple[int, int]]], colour=(40, 50, 90), dots: bool = False, size=(200, 200)) -> np.ndarray:
    rgb = np.empty((*size, 3), np.uint8)
    rgb[:] = BACKDROP
    for p in polys:
        cv2.fillPoly(rgb, [np.array(p, np.int32)], colour)
    if dots:  # a print of the backdrop's own colour inside the garment
        for y in range(40, 190, 12):
            for x in range(40, 160, 12):
                if (rgb[y, x] != BACKDROP).any():
                    cv2.circle(rgb, (x, y), 2, BACKDROP, -1)
    return rgb


def _filled(rgb: np.ndarray) -> np.ndarray:
    """The garment's mask with every gap closed (a segmentation that joined two legs)."""
    m = (np.abs(rgb.astype(int) - BACKDROP).sum(-1) > 20).astype(np.uint8)
    return cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8)) > 0


# a waistband and two legs a few pixels apart from the crotch down
TROUSERS = [[(60, 10), (140, 10), (140, 70), (60, 70)], [(60, 70), (98, 70), (96, 190), (58, 190)],
            [(102, 70), (140, 70), (142, 190), (104, 190)]]
TANK = [[(65, 30), (80, 30), (100, 45), (120, 30), (135, 30), (140, 60), (140, 150), (60, 150), (60, 60)]]
TEE = [[(70, 30), (90, 30), (100, 38), (110, 30), (130, 30), (170, 60), (155, 80), (135, 68), (135, 140),
        (65, 140), (65, 68), (45, 80), (30, 60)]]
# The same short sleeves over a body down to the knee, flaring: a short-sleeved dress, as wide (sleeves) as a tee
SHORT_SLEEVED_DRESS = [[(80, 5), (92, 5), (100, 12), (108, 5), (120, 5), (150, 25), (140, 40), (123, 32), (120, 60),
                        (135, 160), (65, 160), (80, 60), (77, 32), (60, 40), (50, 25)]]


def test_the_backdrop_between_two_legs_reads_trousers_though_the_mask_joined_them():
    rgb = _photo(TROUSERS)
    mask = _filled(rgb)
    assert ct.outline_scores(mask)["legs"] < 0.25  # the joined mask alone shows no legs
    sil = ct.outline_scores(mask, rgb)
    assert sil["gap"] > 0.8
    assert ct.read_category(sil, {})[0] == "trousers"


def test_a_print_of_the_backdrop_colour_and_a_top_are_no_legs():
    dress = [[(80, 10), (120, 10), (125, 60), (150, 190), (50, 190), (75, 60)]]
    for polys, dots in ((dress, True), (TEE, False), (TANK, False)):
        rgb = _photo(polys, dots=dots)
        assert ct.outline_scores(_filled(rgb), rgb)["gap"] < 0.2


def test_a_sleeveless_outline_is_no_t_shirt_whatever_jersey_says():
    tank, tee = _filled(_photo(TANK)), _filled(_photo(TEE))
    assert ct.outline_scores(tank)["sleeves"] == 0.0 and ct.outline_scores(tee)["sleeves"] == 0.5
    assert ct.read_category(ct.outline_scores(tank), {"t-shirt": 0.8})[0] == "top"
    assert ct.read_category(ct.outline_scores(tee), {"t-shirt": 0.8})[0] == "t-shirt"


def test_a_short_sleeved_dress_is_read_by_its_body_below_the_sleeves():
    dress = ct.outline_scores(_filled(_photo(SHORT_SLEEVED_DRESS)))
    assert dress["aspect"] < 1.8 < dress["length"]  # its sleeves widen the box: a top's aspect, a dress's body
    assert ct.read_category(dress, {})[0] == "dress"
    assert ct.read_category(ct.outline_scores(_filled(_photo(TEE))), {})[0] == "top"


def test_a_weak_upper_word_counts_where_the_sleeves_bear_it_out_and_a_tie_is_less_sure():
    tee = ct.outline_scores(_filled(_photo(TEE)))
    assert ct.read_category(tee, {"t-shirt": 0.15})[0] == "t-shirt"  # only upper word, short sleeves
    assert ct.read_category(tee, {"t-shirt": 0.15, "top": 0.15})[0] == "top"  # no clear word: a top
    assert ct.read_category(tee, {"sweater": 0.15})[0] == "top"  # a sweater's sleeves are long
    _, sure = ct.read_category(tee, {"t-shirt": 0.6})
    cat, torn = ct.read_category(tee, {"t-shirt": 0.33, "sweater": 0.31})
    assert cat == "t-shirt" and torn < sure - 0.2


def test_two_garment_words_splitting_the_vote_name_that_garment_as_a_guess_not_a_plain_top():
    """A long-sleeved tee in greyscale: "jersey" 0.22 and "sweatshirt" 0.19, neither a clear word alone, together
    one; the outline's sleeves bear neither out. It is a t-shirt or a sweater (a guess), not a trusted "top"."""
    from core.attributes import TRUST

    tee = ct.outline_scores(_filled(_photo(TEE)))
    cat, conf = ct.read_category(tee, {"t-shirt": 0.22, "sweater": 0.19})
    assert cat == "t-shirt" and conf < TRUST
    # the generic word in the tie, or a pair weaker than one clear word, leaves a top
    assert ct.read_category(tee, {"t-shirt": 0.21, "top": 0.17, "sweater": 0.07})[0] == "top"
    assert ct.read_category(tee, {"t-shirt": 0.12, "sweater": 0.1})[0] == "top"
    # one clear word still names the garment, as before
    assert ct.read_category(tee, {"t-shirt": 0.3, "sweater": 0.05})[0] == "t-shirt"
