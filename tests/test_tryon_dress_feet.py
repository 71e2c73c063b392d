"""The old trousers' legs down to her feet under a new dress (dress_feet): a lifted back foot's box does not keep
the front leg's old trouser leg as shot."""
import cv2
import numpy as np
from PIL import Image

from core.tryon.dress_feet import feet_boxes
from core.tryon.pixels import to_lab
from core.tryon.pose import Person

from testkit.realphotos import REAL, needs_real


def test_feet_boxes_lie_below_each_seen_ankle():
    lm = np.zeros((33, 3), np.float32)
    lm[27] = (40, 100, 0.9)  # left ankle
    lm[28] = (120, 150, 0.9)  # right ankle
    person = Person(Image.new("RGB", (200, 200)), lm, np.ones((200, 200), bool))
    boxes = feet_boxes(person, 100.0, (200, 200))
    assert boxes[97:, 10:71].all() and boxes[147:, 90:151].all()
    assert not boxes[:97].any() and not boxes[:147, 90:].any() and not boxes[:, 71:90].any()


@needs_real
def test_no_block_of_the_old_black_trousers_below_a_dress_on_a_walking_pose():
    """p05 walks, the back foot lifted: its box reached over the front leg, whose black trouser leg stayed below
    the new hem as a block with straight sides (1,372 px); now the largest dark area left as shot below the hem is
    a shoe's stripes (148 px)."""
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person

    person = analyse_person(Image.open(REAL / "people" / "p05.jpg").convert("RGB"))
    r = ClassicTryOn().run(person.image, Image.open(REAL / "garments" / "g30.jpg").convert("RGB"), "dress",
                           person=person)
    before, after = np.asarray(person.image), np.asarray(r.image)
    hem = int(np.flatnonzero((r.garment_alpha > 0.5).any(axis=1)).max())
    dark = (to_lab(before)[..., 0] < 30) & (np.abs(after.astype(int) - before).max(axis=2) <= 8) & person.mask
    dark[:hem + 1] = False
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    largest = int(stats[1:, cv2.CC_STAT_AREA].max()) if n > 1 else 0
    assert largest < 0.02 * float(np.linalg.norm(person.point("l_shoulder") - person.point("r_shoulder"))) ** 2, largest


def test_below_hem_is_what_has_no_garment_below_it_in_its_column():
    from core.tryon.dress_feet import below_hem

    covered = np.zeros((10, 4), bool)
    covered[2:6, 1] = True
    covered[1:3, 2] = True
    b = below_hem(covered)
    assert b[6:, 1].all() and not b[:6, 1].any()
    assert b[3:, 2].all() and not b[:3, 2].any()
    assert b[:, 0].all() and b[:, 3].all()


@needs_real
def test_no_specks_of_the_old_trousers_print_on_the_shins_below_a_dress():
    """p04 wore geometric-print trousers: under a midi dress (g34) the print's skin-like pinks passed as her skin and
    its thin dark lines fell through the clean-up: 165 dark pixels of it stayed on the drawn shins. Now under 0.6%
    of the shoulders' width squared (78 px)."""
    from core.tryon.body import body_frame
    from core.tryon.classic import ClassicTryOn
    from core.tryon.dress_feet import below_hem
    from core.tryon.pose import analyse_person

    person = analyse_person(Image.open(REAL / "people" / "p04.jpg").convert("RGB"))
    r = ClassicTryOn().run(person.image, Image.open(REAL / "garments" / "g34.jpg").convert("RGB"), "dress",
                           person=person)
    f = body_frame(person, "dress")
    before, after = np.asarray(person.image), np.asarray(r.image)
    on = r.garment_alpha > 0.5
    zone = below_hem(on) & person.mask & ~feet_boxes(person, f.width, on.shape)
    zone[:int(min(f.lk[1], f.rk[1]))] = False
    dark = (to_lab(before)[..., 0] < 40) & (np.abs(after.astype(int) - before).max(axis=2) <= 8) & zone
    assert dark.sum() < 0.006 * f.width ** 2, dark.sum()
