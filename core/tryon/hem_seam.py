"""The new top's hem where her own skirt or dress stays below it: a soft join, not a ruler line.

Where the old garment below the new hem is kept (a dress under a short top, the same colour above and below), the
garment's soft hem edge was laid over the painted fill of the zone's last rows (the backdrop's light colour), which
drew a thin light line along the whole hem. Over the last few rows of the zone, where the photo there is in her
lower garment's colours, the result fades into the photo: the hem meets the skirt as cloth meets cloth."""
from __future__ import annotations

import cv2
import numpy as np


def soften(out: np.ndarray, garment_alpha: np.ndarray, base: np.ndarray, zone: np.ndarray, lower: np.ndarray,
           person_mask: np.ndarray, from_y: float, reach: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """(out, garment_alpha): out faded into base over `reach` pixels of the zone above the kept lower garment
    (rows from_y down; only pixels in the lower garment's colours: an old top above the hem never shows)."""
    kept = ~zone & lower & person_mask
    kept[:max(0, int(from_y))] = False
    if not kept.any():
        return out, garment_alpha
    d = cv2.distanceTransform((~kept).astype(np.uint8), cv2.DIST_L2, 3)
    t = np.clip(1.0 - (d - 1.0) / reach, 0.0, 1.0) * (zone & lower)
    t[:max(0, int(from_y))] = 0.0
    if not t.any():
        return out, garment_alpha
    t = t[..., None].astype(np.float32)
    return out * (1 - t) + base * t, garment_alpha
