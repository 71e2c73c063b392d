"""A cami's neckline between its thin straps stays open in the closed flat-lay (core/tryon/straps.py)."""
import numpy as np
from PIL import Image

from core.tryon.flatlay import close_flat_lay
from core.tryon.straps import strap_neck


def _cami(h=200, w=160):
    m = np.zeros((h, w), bool)
    m[60:, 20:140] = True  # the bodice
    for y in range(60, 120):  # a V-neck down to y=120
        half = int((120 - y) * 0.8)
        m[y, 80 - half:80 + half] = False
    m[20:62, 30:34] = True  # thin straps
    m[20:62, 126:130] = True
    return m


def test_v_between_straps_stays_open():
    m = _cami()
    img = Image.fromarray(np.where(m[..., None], 20, 255).astype(np.uint8).repeat(3, 2))
    _, closed = close_flat_lay(img, m)
    assert not closed[70, 80] and not closed[40, 80]  # the V and the gap between the straps: no cloth
    assert closed[150, 80] and closed[30, 31]  # the bodice and the straps stay


def test_tee_neck_scoop_untouched():
    m = np.zeros((200, 160), bool)
    m[20:, 20:140] = True
    m[20:40, 60:100] = False  # a crew neck's scoop: one wide run either side, not straps
    hull = m.copy()
    hull[20:40, 60:100] = True
    assert not strap_neck(m, hull).any()


def test_armhole_drop_short_straps_stay_high():
    from core.tryon.straps import armhole_drop
    # A product shot's long straps: the armholes at the armpits, as before.
    assert armhole_drop(rise=200, gw=300, lift=0.07) == 0.45
    # A cami cut out where it is worn shows short straps: its armhole row is worn higher, not at the armpits.
    assert armhole_drop(rise=20, gw=120, lift=0.07) < 0.25


def test_cold_shoulder_with_sleeves_untouched():
    m = _cami()
    m[62:110, 0:20] = True  # sleeves spreading out past the body below the straps (a cold-shoulder top)
    m[62:110, 140:160] = True
    hull = m.copy()
    hull[20:120, 34:126] = True
    assert not strap_neck(m, hull).any()
