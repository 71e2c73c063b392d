"""Quality check for how a sleeved garment sits at the shoulders (core/tryon/quality.py): a sleeved dress or top
hangs from her shoulders, so its top edge runs along her shoulders' outline from the side of the neck out to the
shoulder points. A straight bar across them leaves her old top (or a band painted over it) showing between her
outline and the garment near the neck: the first thing a stylist sees. Measured column by column: the mean height,
in shoulder widths, of what lies between her outline and the garment's top edge and was not her skin in the photo
(her bare shoulders under a sleeveless dress do not count)."""
from __future__ import annotations

import numpy as np

from core.tryon.body import body_of

SEARCH_UP, SEARCH_DOWN = 0.3, 0.4  # the garment's top edge is looked for this far above / below her outline


def shoulder_gap(on: np.ndarray, skinB: np.ndarray, pmask: np.ndarray, person, width: float) -> float | None:
    """Over the columns from the side of her neck out to a tenth of a shoulder width past each shoulder joint, the
    mean height (shoulder widths) of what lies between her shoulders' outline and the garment's top edge and was not
    her skin in the photo (her old top left, or painted over); None without a pose."""
    try:
        frame = body_of(person)
    except Exception:
        return None
    H, W = on.shape
    w = max(width, 1.0)
    y0 = int(max(0, frame.neck_y - 0.1 * w))
    bands = []
    for joint, side in ((frame.rs, -1), (frame.ls, 1)):
        inner, outer = frame.neck_x + side * 0.2 * w, float(joint[0]) + side * 0.1 * w
        a, b = sorted((inner, outer))
        for x in range(int(max(0, a)), int(min(W, b + 1))):
            col = pmask[y0:, x]
            if not col.any():
                continue
            yp = y0 + int(np.argmax(col))
            lo, hi = int(max(0, yp - SEARCH_UP * w)), int(min(H, yp + SEARCH_DOWN * w))
            g = on[lo:hi, x]
            yg = lo + int(np.argmax(g)) if g.any() else hi
            bands.append(float((~skinB[yp:yg, x]).sum()) / w if yg > yp else 0.0)
    return float(np.mean(bands)) if len(bands) >= 4 else None
