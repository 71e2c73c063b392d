"""A halter's (or any cut-in-shoulder sleeveless top's) rows: its first full row, as the flat-lay's landmarks find it,
is still the narrowing neck under the gathered band, well narrower than the chest. Scaled from that row the garment
came out twice the torso's width (a wide sack over the arms), its neck gather stretched across the collarbones (a
grey smear) and, its length following that scale, a hip-length top ended mid-thigh as a block cut by the legs.
Here the row where the top reaches its chest width is found; it is worn at the armpits, and the top's hem at the
hips (its own curve below that)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

HALTER_NARROW = 0.8  # the landmarks' first row under this share of the chest width: a halter's cut-in shoulders
CHEST_REACHED = 0.92  # the chest row: the first one at this share of the chest width
HEM_BELOW_HIPS = 0.3  # a halter top's hem corners at most this far below the hip joints, in shoulder widths


def row_widths(body: np.ndarray) -> np.ndarray:
    """Per flat-lay row, the body's extent from its first to its last pixel (0 where the row is empty)."""
    any_ = body.any(axis=1)
    W = body.shape[1]
    first = np.argmax(body, axis=1)
    last = W - 1 - np.argmax(body[:, ::-1], axis=1)
    return np.where(any_, last - first + 1, 0).astype(np.float32)


def chest_row(body: np.ndarray, y_top: int, y_hem: int) -> tuple[int, float, float] | None:
    """(row, left x, right x) where a sleeveless top reaches its chest width, when the row at y_top is well narrower
    (a halter), else None. The chest width: the median over the second quarter of the top's length (below the
    armholes, above a flared hem)."""
    glen = y_hem - y_top
    if glen < 20:
        return None
    widths = row_widths(body)
    ref = float(np.median(widths[y_top + int(0.25 * glen):y_top + int(0.5 * glen) + 1]))
    if ref <= 0 or widths[y_top] >= HALTER_NARROW * ref:
        return None
    reached = np.flatnonzero(widths[y_top:y_top + int(0.5 * glen) + 1] >= CHEST_REACHED * ref)
    if not len(reached):
        return None
    y = y_top + int(reached[0])
    xs = np.flatnonzero(body[y])
    return y, float(xs.min()), float(xs.max())


def at_chest(parts):
    """The garment's parts with their first full row moved down to the chest row, for a halter (else unchanged)."""
    if parts.sleeves:
        return parts
    found = chest_row(parts.body, parts.y_top, parts.y_hem)
    if found is None:
        return parts
    y, x0, x1 = found
    return replace(parts, y_top=y, top=(x0, x1), cx=(x0 + x1) / 2, halter=True)


def hem_cap(body, glen: float, armpit_y: float) -> float:
    """The largest vertical scale that ends a halter's hem corners (glen flat-lay rows below its chest row, worn at
    armpit_y) at the hips: a top, not a tunic (the product shot's ghost mannequin is slimmer than the person)."""
    if body.lh is None or body.rh is None:
        return float("inf")
    hips = float(max(body.lh[1], body.rh[1])) + HEM_BELOW_HIPS * body.width
    return max(hips - armpit_y, 0.5 * body.width) / max(glen, 1.0)


def worn_hem(alpha: np.ndarray, hem_y: float, width: float) -> float:
    """The worn body's lowest row of cloth (a curved hem's middle below its corners at hem_y), at most a quarter of
    the shoulders lower: cut at the corners' row, a rounded hem was a straight-cut block."""
    rows = np.flatnonzero((alpha > 0.5).sum(axis=1) >= max(2.0, 0.1 * width))
    if not len(rows):
        return hem_y
    return float(max(hem_y, min(rows[-1] + 2.0, hem_y + 0.25 * width)))


def hip_columns(body, W: int) -> np.ndarray:
    """(1, W) bool: the columns between the hip joints (her trousers' front below a top), none without hips."""
    out = np.zeros((1, W), bool)
    if body.lh is not None and body.rh is not None:
        x0, x1 = sorted((float(body.lh[0]), float(body.rh[0])))
        out[0, max(0, int(x0)):max(0, int(np.ceil(x1)) + 1)] = True
    return out
