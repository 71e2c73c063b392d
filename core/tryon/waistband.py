"""Where the old top ends and her lower garment begins (a tee tucked into trousers): below it, nothing of the zone
a new top replaces reaches into the trousers or skirt, whatever their print. A patterned lower garment with light
patches in the old top's colour (a white tee over trousers printed with white and pink triangles) was grown into
through those patches and drawn over as a mosaic of skin; and the old top's logo just below a cropped new top's hem
was taken for the trousers' front and left on the drawn midriff."""
from __future__ import annotations

import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.halter import hip_columns
from core.tryon.uncover import old_hem_row

MARGIN = 0.03  # of the shoulders below the old top's last row: its hem's fold, then her waistband


def old_top_end(old: np.ndarray, torso: np.ndarray, body: BodyFrame) -> int | None:
    """The row where the old top ends on her torso (its colours, `old`, no longer fill a third of it), when that
    lies in the lower part of the torso (past the middle from the neck base to the hips: a print or logo on the
    chest breaks its colours higher up and is not a hem). None without hips or when the end is not found there."""
    if body.lh is None or body.rh is None:
        return None
    row = old_hem_row(old, torso, body)
    hip_y = float(min(body.lh[1], body.rh[1]))
    if row < body.neck_y + 0.6 * (hip_y - body.neck_y) or row >= old.shape[0] - 1:
        return None
    return row


def below_old_top(end: int | None, torso: np.ndarray, body: BodyFrame, old: np.ndarray, arms: np.ndarray,
                  hem_row: int = 0) -> np.ndarray:
    """Her lower garment's part the new top's zone never reaches: from just below the old top's end, her torso
    (drawn a quarter of the shoulders lower, as its hem may hang there) and the columns between her hips; the
    whole width when the old sleeves end above it (`arms`, the arms' capsules, not in the old top's colours
    `old` just above its end: her hands in her pockets lie on the trousers, no sleeve goes there). Never above
    the new top's hem row `hem_row` (a new top longer than the old one covers the trousers' top)."""
    H, W = torso.shape
    out = np.zeros((H, W), bool)
    if end is None:
        return out
    low = torso.copy()
    shift = int(0.25 * body.width)
    if shift:
        low[shift:] |= torso[:-shift]
    beside = arms & ~low
    beside[: max(0, end - int(0.25 * body.width))] = False
    beside[end + 1:] = False
    long_sleeves = beside.sum() > 0 and (beside & old).sum() > 0.5 * beside.sum()
    out[:] = (low | hip_columns(body, W)) if long_sleeves else True
    out[: min(H, max(hem_row, end + int(MARGIN * body.width) + 1))] = False
    return out
