"""Quality: what is kept in front of the new garment exactly as shot (a bag, a clutch she holds) is cut along its
own outline. A held object cut badly is doubled: pieces of the old clothing beside it put back in front of the new
garment (a ghost of the old dress next to the bag), its own parts cut away. Either way the kept piece's outline runs
through the photo where the photo has no edge (the plain old dress, the bag's plain side), where a real object's
outline is the photo's own edge. The check measures that length, in shoulder widths."""
from __future__ import annotations

import cv2
import numpy as np


def kept_off_edge(labB: np.ndarray, labA: np.ndarray, on: np.ndarray, pmask: np.ndarray, width: float) -> float:
    """Length (in shoulder widths) of the outline of the pieces kept exactly as shot inside the new garment (her
    hands are outside it: the garment is cut round them) that does not lie on an edge of the photo."""
    d = labA.astype(np.float32) - labB.astype(np.float32)
    same = np.sqrt((d ** 2).sum(axis=2)) < 1.0
    inner = cv2.erode(on.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    kept = same & inner & pmask  # (a beige bag reads as skin: no skin test, or its inside would be its outline)
    kept = cv2.morphologyEx(kept.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(kept, connectivity=8)
    big = np.isin(labels, [k for k in range(1, n) if stats[k, cv2.CC_STAT_AREA] >= 0.01 * width * width])
    if not big.any():
        return 0.0
    rim = big & ~(cv2.erode(big.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    rim &= cv2.erode(on.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0  # not along the garment's own edge
    smooth = cv2.GaussianBlur(labB.astype(np.float32), (0, 0), max(1.0, width / 160))
    grad = np.sqrt((cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) ** 2
                    + cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) ** 2).sum(axis=2))
    edge = cv2.dilate((grad > 12).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return float((rim & ~edge).sum()) / max(width, 1.0)


def held_cut(v, person) -> tuple[float, str, str]:
    """(value, reason if failed, reason if passed) for quality.assess's check "held_cut" (v: quality._Compared)."""
    val = kept_off_edge(v.labB, v.labA, v.on, person.mask, v.width)
    return (val, f"what she holds is cut badly: pieces of her old clothing kept beside it or parts of it cut away "
                 f"({val:.2f} shoulder widths of its outline are not its own)", "what she holds stays whole in front")
