"""The backdrop between an arm and the body that the new top's body covers. A hanging arm and a fitted old top's
waist leave a narrow strip of backdrop between them; a straighter new top hangs across it. Outside her outline the
zone never reached there, so the photo's strip stayed: a white slit down the new garment between sleeve and body."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame

GAP_WIDTH = 0.2  # the widest strip closed, in shoulder widths (an arm held away from the body stays apart)


def between_arm_and_body(mask: np.ndarray, body_alpha: np.ndarray, body: BodyFrame, hem_y: float) -> np.ndarray:
    """Backdrop pixels with the person on both sides along their row within GAP_WIDTH, under the garment body's
    cloth (alpha > 0.5), from the armpits to the hem."""
    H, W = mask.shape
    k = max(3, int(GAP_WIDTH * body.width) | 1)
    closed = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, k), np.uint8)) > 0
    gap = closed & ~mask & (body_alpha > 0.5)
    gap[:max(0, int(min(body.ls[1], body.rs[1]) + 0.3 * body.width))] = False
    gap[int(min(H, max(0, hem_y))):] = False
    return gap


def enclosed(area: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """The parts of the area that touch no backdrop: inside her outline (an old sleeve's bottom between the arm
    and the new top) the backdrop cannot show through; that is her body."""
    n, labels = cv2.connectedComponents(area.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(area)
    outside = cv2.dilate((~person_mask).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    touching = np.unique(labels[outside & area])
    return (labels > 0) & ~np.isin(labels, touching)
