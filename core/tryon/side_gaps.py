"""Gaps under the new top: the parts of an area that touch no backdrop (inside her outline)."""
from __future__ import annotations

import cv2
import numpy as np


def enclosed(area: np.ndarray, person_mask: np.ndarray) -> np.ndarray:
    """The parts of the area that touch no backdrop: inside her outline (an old sleeve's bottom between the arm
    and the new top) the backdrop cannot show through; that is her body."""
    n, labels = cv2.connectedComponents(area.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(area)
    outside = cv2.dilate((~person_mask).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    touching = np.unique(labels[outside & area])
    return (labels > 0) & ~np.isin(labels, touching)
