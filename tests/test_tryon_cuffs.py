"""A new long sleeve's cuff against her hand: the old sleeve's rim left between them is covered by the cuff, the
hand stays as shot (core/tryon/cuffs.py). The real-photo test reads ../shared/realphotos and skips where absent."""
import numpy as np
from PIL import Image

from core.tryon import reveal
from core.tryon.body import BodyFrame
from core.tryon.cuffs import cuff_to_hand
from core.tryon.pose import Person

from testkit.realphotos import load_real, needs_real

RED, SKIN, YELLOW = (0.6, 0.08, 0.15), (0.9, 0.72, 0.62), (0.85, 0.7, 0.2)


def _scene():
    H, W = 300, 240
    rgb = np.full((H, W, 3), 0.9, np.float32)
    mask = np.zeros((H, W), bool)
    mask[0:200, 80:120] = True  # her forearm in the old red sleeve, down past the wrist (y 195)
    rgb[mask] = RED
    hand = np.zeros((H, W), bool)
    hand[200:260, 85:115] = True
    rgb[hand] = SKIN
    rgb[0:150, 160:230] = RED  # the old top on her torso
    mask |= hand
    mask[0:150, 160:230] = True
    lm = np.zeros((33, 3), np.float32)
    lm[13] = (100, 100, 1.0)  # elbow
    lm[15] = (100, 195, 1.0)  # wrist
    person = Person(Image.fromarray((rgb * 255).astype(np.uint8)), lm, mask)
    body = BodyFrame(ls=np.array([200.0, 10.0]), rs=np.array([40.0, 10.0]), width=160.0, neck_y=0.0, neck_x=120.0,
                     down=np.array([0.0, 1.0]), torso_len=200.0, hips_seen=True, face=(120.0, -40.0, 10.0, 10.0))
    lab = reveal.lab_of(rgb)
    old_top = np.zeros((H, W), bool)
    old_top[0:150, 160:230] = True
    a = np.zeros((H, W), np.float32)
    a[0:195, 80:120] = 1.0  # the new sleeve ends 5 px above the old one's end
    sleeve = (np.broadcast_to(np.array(YELLOW, np.float32), (H, W, 3)).copy(), a)
    return person, body, lab, hand, old_top, sleeve


def test_the_new_cuff_covers_the_old_sleeves_rim_by_the_hand_and_the_hand_stays():
    person, body, lab, hand, old_top, sleeve = _scene()
    layers, rim = cuff_to_hand([sleeve], lab, hand, old_top, person, body)
    rgb, a = layers[0]
    assert (a[195:200, 82:118] > 0.5).all()  # the red rim under the new cuff's colour
    assert np.allclose(rgb[196, 100], YELLOW)
    assert rim[195:200, 82:118].all()
    assert not (rim & hand).any() and (a[hand] == 0).all()  # her hand as shot


def test_a_bare_forearm_gets_no_cuff_past_the_sleeve():
    person, body, lab, hand, old_top, sleeve = _scene()
    skin = person.mask & ~old_top  # a bare forearm: her skin down to the hand
    layers, rim = cuff_to_hand([sleeve], lab, skin, old_top, person, body)
    assert not rim.any() and layers[0][1][195:200].max() == 0


@needs_real
def test_real_striped_top_leaves_no_red_line_beside_the_hands():
    """g02 (a striped top, yellow cuffs) on p01 (a red long-sleeved top): thin red lines of the old sleeve showed
    beside her hands at the cuffs."""
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    person = analyse_person(load_real("people", "p01"))
    r = ClassicTryOn().run(person.image, load_real("garments", "g02"), "upper", person=person)
    out = reveal.lab_of(np.asarray(r.image, np.float32) / 255.0)
    red = (out[..., 1] > 35) & (out[..., 0] < 50)  # the old top's red
    for x, y in (person.landmarks[15, :2], person.landmarks[16, :2]):
        x, y = int(x), int(y)
        box = red[max(0, y - 40):y + 40, max(0, x - 40):x + 40]
        assert box.sum() < 15, (x, y, int(box.sum()))
