"""The photo's soft outline just outside her mask, under the new top (core/tryon/outline_halo.py): the top's, so no
dotted peach or grey rim of her old edge follows the new top's shoulder; never beside her hands or bare arm, never
a sliver's, never below her hands."""
import numpy as np

from core.tryon.outline_halo import halo


class _Body:
    neck_y = 10.0
    width = 100.0


def _shoulder(h: int = 80, w: int = 80):
    """Her mask from row 30 down; the new top drawn on it (the zone) and its cloth reaching up to row 24."""
    mask = np.zeros((h, w), bool)
    mask[30:] = True
    zone = mask.copy()
    cover = np.zeros((h, w), bool)
    cover[24:] = True
    return mask, zone, cover


def test_her_soft_edge_under_the_top_is_the_tops():
    mask, zone, cover = _shoulder()
    out = halo(zone & cover & mask, cover, mask, zone, _Body(), low=80)
    assert out[28:30, 10:70].all()  # the two rows of her photo's soft edge over the shoulder
    assert not out[:27].any()  # no further: the top's outline is hers
    assert not (out & mask).any()


def test_beside_her_hand_and_below_her_hands_nothing_is_added():
    mask, zone, cover = _shoulder()
    zone[30:, 40:] = False  # her hand, kept as shot
    out = halo(zone & cover & mask, cover, mask, zone, _Body(), low=80)
    assert not out[:, 38:].any()
    assert not halo(zone & cover & mask, cover, mask, zone, _Body(), low=20).any()


def test_a_sliver_of_cloth_is_not_grown():
    mask, zone, cover = _shoulder()
    zone[:] = False
    zone[30:, 10:12] = True  # two pixels of cloth along an arm's edge
    assert not halo(zone & cover & mask, cover, mask, zone, _Body(), low=80).any()
