"""The new garment's own outline on the person: where the garment is wider than what she wore, it is drawn out to
its own edge over the backdrop, not cut to her outline. Two places: the narrow gap between a hanging arm and the
torso, which the worn garment's body and sleeve close (cut to her outline it was a bite of backdrop, often with a
line of the old top along it), and a short sleeve standing off a bare arm (cut to the arm it showed the grey
backdrop inside the sleeve's edge). A long sleeve is laid as wide as the arm and stays on it; a wide gap (an arm bent
away from the body) stays open. The result's person is the dressed one: her outline and the new top's (nothing else
is painted past her outline)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon import outline_halo
from core.tryon.body import BodyFrame
from core.tryon.drape import GarmentParts, arm_path


def is_short(sleeve: np.ndarray, corner: np.ndarray, parts: GarmentParts) -> bool:
    """Shorter than 0.65x the garment's length along its own axis (a tee's sleeve, not a sweater's)."""
    ys, xs = np.nonzero(sleeve)
    length = float(np.sqrt((xs - corner[0]) ** 2 + (ys - corner[1]) ** 2).max()) if len(xs) else 0.0
    return length < 0.65 * max(float(parts.y_hem - parts.y_top), 1.0)


def _touching(area: np.ndarray, zone: np.ndarray) -> np.ndarray:
    """The pieces of the area that touch the zone."""
    n, labels = cv2.connectedComponents(area.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(area)
    near = cv2.dilate(zone.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    touching = np.unique(labels[near & area])
    return np.isin(labels, touching[touching > 0])


def _shut(area: np.ndarray, walls: np.ndarray, body: BodyFrame, connectivity: int):
    """area's pieces (n, labels) and which of them a closing of walls at a sixth of the shoulders all but covers
    (at most 5% of a piece left open): gaps the garment and her body enclose, not the open backdrop."""
    k = max(3, int(0.16 * body.width) | 1)
    closed = cv2.morphologyEx(walls.astype(np.uint8), cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    n, labels = cv2.connectedComponents(area.astype(np.uint8), connectivity=connectivity)
    size = np.bincount(labels.ravel(), minlength=n)
    open_ = np.bincount(labels[area & ~closed], minlength=n)
    return n, labels, (open_ <= 0.05 * size) & (np.arange(n) > 0)


def below_shoulder(on_her: np.ndarray, side: int) -> np.ndarray:
    """Where a sleeve may stand off her arm: below the line that falls outward (side -1: image left) from the top
    of the sleeve where it lies on her (her shoulder), at half a pixel a pixel, the garment's shoulder past hers not
    being drawn (a sleeve turned down a hanging arm otherwise sticks its armhole's top corner up there as a horn)."""
    ys, xs = np.nonzero(on_her)
    if len(ys) == 0:
        return np.zeros_like(on_her)
    y0 = ys.min()
    x0 = xs[ys == y0].min() if side < 0 else xs[ys == y0].max()
    H, W = on_her.shape
    out = np.maximum((x0 - np.arange(W)) if side < 0 else (np.arange(W) - x0), 0)
    return np.arange(H)[:, None] >= y0 + 0.5 * out[None, :]


def enclosed_backdrop(cover: np.ndarray, person, body: BodyFrame) -> np.ndarray:
    """The backdrop that the garment and her body enclose where it is narrower than a sixth of the shoulders all
    over and the garment holds two fifths of its rim or more (a sleeve and the body that meet above and below a bite
    between them; not a pocket between her bare forearm and hip): the garment's armholes are filled there. A gap
    open to the rest of the backdrop (an arm held away, a wedge under the hem) stays; so does a drawn figure's (its
    outline is exact)."""
    if getattr(person, "base_layer", None) is not None:
        return np.zeros_like(cover)
    solid = (cover | person.mask) > 0
    n, labels, keep = _shut(~solid, solid, body, connectivity=4)
    if n <= 1:
        return np.zeros_like(cover)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    keep[border] = False
    for i in np.flatnonzero(keep):  # between the garment's sleeve and body, not her bare arm and hip
        piece = (labels == i).astype(np.uint8)
        ring = (cv2.dilate(piece, np.ones((5, 5), np.uint8)) > 0) & (piece == 0)
        keep[i] = cover[ring].mean() >= 0.4
    return keep[labels]


def gaps_closed(cover: np.ndarray, zone: np.ndarray, person_mask: np.ndarray, body: BodyFrame) -> np.ndarray:
    """The backdrop between arm and torso that the garment covers, where the whole gap is narrower than a sixth of
    the shoulders (the garment drawn in the zone, closed, holds it all): a wider gap (an arm bent away) stays whole,
    never its narrow ends alone."""
    drawn = (zone & cover) | person_mask  # her bare arm beside it bounds the gap too
    gaps = cover & ~person_mask & ~zone
    n, labels, shut = _shut(gaps, drawn, body, connectivity=8)
    if n <= 1:
        return np.zeros_like(gaps)
    return _touching(shut[labels], zone)


def hangs(person, side: int, body: BodyFrame) -> bool:
    """Her upper arm on that side (-1 image left) hangs down beside the body (within 25 degrees of the torso's
    line): a sleeve stands off such an arm as it does in the product shot; on a raised or akimbo arm it folds."""
    path = arm_path(person, side, body)
    if path is None:
        return False
    upper = path[1] - path[0]
    return float(np.dot(upper, body.down)) > 0.9 * float(np.linalg.norm(upper))


def beyond_outline(layers: list, parts: GarmentParts, zone: np.ndarray, person, body: BodyFrame) -> np.ndarray:
    """The garment's pixels off her outline that belong to its own silhouette (see the module's note), from the
    shoulders' slope down. layers: the top's layers as worn (the armholes' fill, the body, then one per sleeve).
    A drawn figure's outline is exact: the gap drawn between its arm and waist stays."""
    person_mask, drawn = person.mask, getattr(person, "base_layer", None) is not None
    cover = np.max([a for _, a in layers], axis=0) > 0.5
    out = np.zeros_like(zone) if drawn else gaps_closed(cover, zone, person_mask, body)
    sleeves = layers[2:] if len(layers) == 2 + len(parts.sleeves) else []
    for (_, a), (mask, side) in zip(sleeves, parts.sleeves):
        corner = np.array([parts.top[0] if side < 0 else parts.top[1], parts.y_top], np.float32)
        if is_short(mask, corner, parts) and hangs(person, side, body):
            off = (a > 0.5) & ~person_mask
            out |= _touching(off & below_shoulder((a > 0.5) & zone & person_mask, side), zone)
    out[:max(0, int(body.neck_y - 0.12 * body.width))] = False
    return out


def own_edge(layers: list, parts: GarmentParts, zone: np.ndarray, person, body: BodyFrame) -> np.ndarray:
    """beyond_outline, and on a photo the soft edge of her outline under the garment's cloth (outline_halo)."""
    out = beyond_outline(layers, parts, zone, person, body)
    if getattr(person, "base_layer", None) is not None:
        return out
    cover = np.max([a for _, a in layers], axis=0) > 0.5
    return out | outline_halo.halo(zone & cover & person.mask, cover, person.mask, zone, body,
                                   outline_halo.hands_row(person, body))
