"""A new dress hides the old clothes where a dress could (classic backend): where her old dress, skirt or trousers
reach past the new dress's shot-scaled outline, the skirt hangs fuller there (its width scale grows smoothly down
the skirt, the same on both sides, within a sane limit), and a hem that ends a little above an old long hem is let
down to it. What still shows past the new dress goes to the reveal (dress.reveal)."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.dress_parts import centre_line
from core.tryon.front import in_front, person_lab
from core.tryon.pixels import skin_colour
from core.tryon.pose import Person
from core.tryon.reveal import own_skin

MAX_FULLER = 1.5  # the skirt at most this much wider than the shot's own proportion
FLARE = 0.45  # a skirt's side falls at most this many pixels outward per row (about 24 degrees)
MAX_LONGER = 0.45  # a hem let down by at most this share of the skirt's own length


@dataclass
class OldCover:
    """Per row below the waist: how far her old clothes reach from the centre line (the larger side; 0 where none);
    and the lowest row of an old skirt (clothes across the centre line, between the legs), or None."""

    half: np.ndarray
    skirt_bottom: float | None
    own: np.ndarray | None = None  # her skin, as the reveal tells it (the whole photo)


def skin_like(rgb: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Pixels of the person's own skin tone (Lab chroma close to it, lightness within a wide band)."""
    lab = cv2.cvtColor(np.clip(rgb * 255, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    ref = cv2.cvtColor(np.clip(skin[None, None] * 255, 0, 255).astype(np.uint8), cv2.COLOR_RGB2LAB)[0, 0].astype(np.float32)
    chroma = np.hypot(lab[..., 1] - ref[1], lab[..., 2] - ref[2])
    return (chroma < 11) & (np.abs(lab[..., 0] - ref[0]) < 60)


def old_clothes(person: Person, frame: BodyFrame, waist_y: float) -> OldCover:
    """Her old clothes below the waist (not her skin, arms, hands or what she holds), as dress.reveal tells them."""
    base = np.asarray(person.image, np.float32) / 255.0
    lab = person_lab(person)
    own = (skin_like(base, skin_colour(person, frame)) | own_skin(lab, person, frame)) & person.mask
    centre = centre_line(person, frame, person.mask.shape[0])
    cover = old_cover(person, frame, own, in_front(person, frame, lab), centre, waist_y)
    cover.own = own
    return cover


def old_cover(person: Person, frame: BodyFrame, own: np.ndarray, front: np.ndarray, centre: np.ndarray,
              waist_y: float) -> OldCover:
    """Her old clothes below the waist, the arms, hands and what she holds left out (they hang beside a dress)."""
    H, W = person.mask.shape
    w = frame.width
    clothes = person.mask & ~own & ~front & ~_arms(person, w, (H, W))
    clothes = cv2.morphologyEx(clothes.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)) > 0
    for side in ("l", "r"):  # shoes and feet are not a garment
        if person.visible(f"{side}_ankle"):
            ay = person.point(f"{side}_ankle")[1]
            clothes[int(ay - 0.03 * w):] = False
    half = np.zeros(H, np.float32)
    y0 = int(max(0, waist_y))
    d = np.abs(np.arange(W, dtype=np.float32)[None, :] - centre[y0:, None])
    near = clothes[y0:] & (d <= 0.9 * w)  # no stray far pixels
    half[y0:] = np.where(near.any(axis=1), np.where(near, d, 0).max(axis=1), 0)
    # An old skirt: clothes across the centre line, from the waist down without a break.
    cx = np.clip(np.round(centre).astype(int), 0, W - 1)
    k = max(1, int(0.03 * w))
    mid = np.array([clothes[y, max(0, cx[y] - k):cx[y] + k + 1].mean() > 0.6 for y in range(H)])
    gap = max(3, int(0.2 * w)) | 1  # a trim or a sheer band across it does not end it
    mid = cv2.morphologyEx(mid.astype(np.uint8)[:, None], cv2.MORPH_CLOSE, np.ones((gap, 1), np.uint8))[:, 0] > 0
    bottom = None
    hip_y = int((frame.lh[1] + frame.rh[1]) / 2)
    if hip_y < H and mid[hip_y]:
        gaps = np.flatnonzero(~mid[hip_y:])
        bottom = float(hip_y + (gaps[0] if len(gaps) else H - hip_y))
    return OldCover(half, bottom)


def _arms(person: Person, w: float, shape) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    for side in ("l", "r"):
        joints = [f"{side}_{j}" for j in ("shoulder", "elbow", "wrist")]
        pts = [np.int32(person.point(j)) for j in joints if person.visible(j)]
        for a, b in zip(pts, pts[1:]):
            cv2.line(m, tuple(a), tuple(b), 1, max(1, int(0.26 * w)))
    return m > 0


def let_down(hem_y: float, waist_y: float, cover: OldCover | None, floor: float | None, w: float) -> float:
    """The hem let down to an old skirt's hem just below it (never past the ankles' floor)."""
    if cover is None or cover.skirt_bottom is None or cover.skirt_bottom <= hem_y:
        return hem_y
    target = cover.skirt_bottom + 0.02 * w
    if target - hem_y > MAX_LONGER * max(hem_y - waist_y, 1.0):
        return hem_y  # a mini dress over a maxi: the reveal shows her legs instead
    return min(target, floor) if floor is not None else target


def fuller(sx_rows: np.ndarray, g_of_row: np.ndarray, flat_half: np.ndarray, waist_y: float, hem_y: float,
           cover: OldCover | None, w: float) -> np.ndarray:
    """Per row below the waist, the skirt's width scale grown where the old clothes reach past it, as a fuller skirt
    hangs: its half-width never narrows going down, flares from the waist at most FLARE per row (starting early
    enough to reach a need lower down, no step), within MAX_FULLER of the shot's own proportion."""
    if cover is None:
        return sx_rows
    H = len(sx_rows)
    y0, y1 = int(np.ceil(waist_y)), int(min(H, np.floor(hem_y)))
    if y1 <= y0 + 2:
        return sx_rows
    rows = np.arange(y0, y1)
    flat_half_rows = flat_half[np.clip(np.round(g_of_row[rows]).astype(int), 0, len(flat_half) - 1)]
    fh = np.maximum(flat_half_rows, 1.0)
    base = sx_rows[rows] * fh  # the shot's own half-width, in the photo
    need = np.clip(cover.half[rows] + 0.03 * w, base, MAX_FULLER * base)
    need = np.maximum.accumulate(need)  # a fuller skirt only widens going down
    for k in range(len(need) - 2, -1, -1):  # it starts flaring early enough to get there smoothly
        need[k] = max(need[k], need[k + 1] - FLARE)
    need[0] = base[0]  # no ledge at the waist
    for k in range(1, len(need)):  # ... but not more steeply than a skirt falls from the waist
        need[k] = min(need[k], max(need[k - 1] + FLARE, base[k]))
    need = np.maximum(need, base)
    out = sx_rows.copy()
    s = sx_rows[rows]
    out[rows] = np.where(flat_half_rows > 0, np.clip(need / fh, s, MAX_FULLER * s), s)  # the hem's last rows
    return out


def flat_halves(mask: np.ndarray, cx: float) -> np.ndarray:
    """Per row of the product shot, the skirt's larger half-width about its centre (0 where empty)."""
    W = mask.shape[1]
    d = np.abs(np.arange(W, dtype=np.float32)[None, :] - cx)
    return np.where(mask.any(axis=1), np.where(mask, d, 0).max(axis=1), 0).astype(np.float32)
