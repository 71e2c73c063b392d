"""A worn top's shoulder line carried up to her outline where it stops a little short of it
(core/tryon/shoulder_line.py): no strip of repainted backdrop, with an old strap's top left in it, above the
shoulder; not at the collar, nor across a wide gap."""
import numpy as np

from core.tryon.shoulder_line import lift


class _Body:
    width = 100.0
    neck_x = 100.0
    neck_y = 60.0
    shoulder_edges = (np.array([50.0, 60.0]), np.array([150.0, 60.0]))


def _scene():
    h, w = 160, 200
    mask = np.zeros((h, w), bool)
    mask[46:, 40:160] = True  # her shoulders' top edge at row 46
    mask[62:, 150:160] = False  # (her left arm's outer side lower: a wide gap there)
    a = np.zeros((h, w), np.float32)
    a[50:, 40:160] = 1.0  # the top's shoulder 4 rows under it
    rgb = np.zeros((h, w, 3), np.float32)
    rgb[50:] = (0.9, 0.2, 0.2)
    rgb[52:] = (0.2, 0.2, 0.9)  # the cloth just inside the edge
    return [(rgb, a)], mask


def test_a_top_a_little_short_of_her_shoulders_lies_on_them():
    layers, mask = _scene()
    (rgb, a), = lift(layers, mask, _Body())
    assert (a[46:50, 45:65] == 1.0).all()  # carried up to her outline
    assert np.allclose(rgb[47, 50], (0.2, 0.2, 0.9))  # in the cloth's own colour
    assert (a[:46] == 0).all()  # never above her outline


def test_the_collar_and_a_wide_gap_stay():
    layers, mask = _scene()
    mask[30:, 150:160] = True  # the outline 20 rows above the top's edge (a fifth of the shoulders): a bare shoulder
    (rgb, a), = lift(layers, mask, _Body())
    assert (a[46:50, 75:125] == 0).all()  # by the neck (the collar's columns) nothing moves
    assert (a[30:50, 150:160] == 0).all()  # a wide gap stays


def test_the_lifted_edge_ramps_into_the_garments_own():
    layers, mask = _scene()
    (rgb, a), = lift(layers, mask, _Body())
    tops = np.argmax(a[:, 40:75] > 0.5, axis=0)
    assert np.abs(np.diff(tops)).max() <= 1  # no step where the lift starts or ends
