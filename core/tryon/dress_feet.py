"""The old trousers' legs down to her feet under a new dress (classic backend).

Under a dress the reveal keeps what lies below each ankle as shot (her shoes, the floor): a box from just above the
ankle down, a little wider than a foot. On a walking pose the back foot is lifted: the box under its ankle reaches
over the front leg, whose old trouser leg then stayed, a dark block with straight sides below the new hem. Here the
old trousers' colours inside those boxes go with the old clothes where they join the old trousers above the boxes:
shoes (in other colours, or where nearly the whole box is in those colours: black trousers and black shoes) stay."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.dress_parts import old_lower_colours
from core.tryon.pose import Person


def feet_boxes(person: Person, w: float, shape) -> np.ndarray:
    """Below each seen ankle (from 0.03 shoulder widths above it), 0.3 shoulder widths either side: her feet."""
    boxes = np.zeros(shape, bool)
    for side in ("l", "r"):
        if person.visible(f"{side}_ankle"):
            ax, ay = person.point(f"{side}_ankle")
            boxes[max(0, int(ay - 0.03 * w)):, max(0, int(ax - 0.3 * w)):max(0, int(ax + 0.3 * w) + 1)] = True
    return boxes


def old_legs_in_boxes(lab: np.ndarray, person: Person, frame: BodyFrame, own: np.ndarray,
                      boxes: np.ndarray) -> np.ndarray:
    """Pixels inside the feet's boxes in the old trousers' colours (from her thighs) joined, through such pixels,
    to the old trousers above the boxes. Empty where the boxes are mostly in those colours (shoes like them)."""
    H, W = own.shape
    out = np.zeros((H, W), bool)
    if frame.lk is None or not boxes.any():
        return out
    knee_y = float(max(frame.lk[1], frame.rk[1]))
    old = old_lower_colours(person, frame, lab, own)
    if old is None:
        return out
    inside = old & boxes
    if inside.sum() >= 0.6 * (boxes & person.mask).sum():
        return out
    n, labels = cv2.connectedComponents(old.astype(np.uint8), connectivity=8)
    above = old & ~boxes
    above[:int(knee_y)] = False  # joined to the old trouser legs below the knees, not to a top of the same colour
    ids = np.unique(labels[above])
    return inside & np.isin(labels, ids[ids > 0])


def below_hem(covered: np.ndarray) -> np.ndarray:
    """Pixels with none of the new garment below them in their column: under its hem (and beside it)."""
    above = np.flipud(np.cumsum(np.flipud(covered.astype(np.int32)), axis=0)) > 0
    return ~above


def old_print_below_hem(lab: np.ndarray, person: Person, frame: BodyFrame, own: np.ndarray, covered: np.ndarray,
                        feet: np.ndarray) -> np.ndarray:
    """Her old trousers' print left under the new hem: pixels of her, below the hem and above her feet, that are not
    smooth skin. A print holds skin-like colours (pinks, beiges) that the skin test keeps as hers, and its thin dark
    lines fall through the clean-up: left, they were dark specks on the drawn shins and a printed cuff at each
    ankle."""
    from core.tryon.reveal import smooth

    if frame.lk is None:
        return np.zeros_like(covered)
    knee_y = float(min(frame.lk[1], frame.rk[1]))
    zone = below_hem(covered) & person.mask & ~feet
    zone[: int(knee_y - 0.5 * frame.width)] = False  # the legs, not the arms or hands beside a short skirt's sides
    return zone & ~(own & smooth(lab, own, frame))
