"""What the person holds in front of the body (a helmet, a bag, a folder): it stays in front of a new garment.

A held object crosses the person's outline: the segmentation cuts it somewhere, but the picture has no edge there,
so the same flat-coloured region runs from outside the person into the clothing. The old clothing is separated
from the backdrop by its own outline (an edge), and a sliver of backdrop inside a loose segmentation must not be
painted either; so regions bounded by the picture's edges that run from far outside the person into the clothing, unlike the old clothing's colour, stay as they are."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pose import Person


def edge_regions(lab: np.ndarray, width: float) -> tuple[int, np.ndarray]:
    """Regions of the picture separated by its colour edges (Lab gradient), as connected-component labels."""
    smooth = cv2.GaussianBlur(lab.astype(np.float32), (0, 0), max(1.0, width / 160))
    gx = cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)
    grad = np.sqrt((gx ** 2 + gy ** 2).sum(axis=2))
    edges = cv2.dilate((grad > 24).astype(np.uint8), np.ones((3, 3), np.uint8))
    return cv2.connectedComponents((edges == 0).astype(np.uint8), connectivity=4)


def held_in_front(lab: np.ndarray, person: Person, body: BodyFrame, zone: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Pixels of the clothing zone that belong to an object held in front of the body (kept, never painted over)."""
    H, W = zone.shape
    out = np.zeros((H, W), bool)
    w = body.width
    n, labels = edge_regions(lab, w)
    low = zone & ~skin
    low[:int(body.neck_y + 0.35 * w)] = False  # held at the chest or lower: never the collar or the shoulders
    ids = np.unique(labels[low])
    ids = ids[ids > 0]
    if not len(ids):
        return out
    backdrop = ~person.mask
    area_out = np.bincount(labels[backdrop].ravel(), minlength=n)
    area_zone = np.bincount(labels[zone].ravel(), minlength=n)
    clothes = zone & ~skin
    # The backdrop just around the person: a region in its colour is the backdrop seen through a loose outline.
    ring = (cv2.dilate(person.mask.astype(np.uint8), np.ones((int(0.3 * w) | 1,) * 2, np.uint8)) > 0) & backdrop
    ring_lab = np.median(lab[ring], 0) if ring.any() else None
    for i in ids:
        if area_out[i] < 0.15 * w * w or area_zone[i] < 0.02 * w * w:
            continue
        # The backdrop itself (most of what is not the person) runs into a garment of its own colour: not held.
        if area_out[i] > 0.4 * backdrop.sum() or area_zone[i] > area_out[i] * 4:
            continue
        part = (labels == i) & zone
        if _like_clothes_or_backdrop(lab, part, clothes, ring_lab):
            continue
        out |= part
    out |= held_at_hands(lab, person, body, zone & ~skin)
    if out.any():
        out = _with_rim(out, lab, clothes, w)
    return out


def hand_zone(person: Person, w: float, shape) -> np.ndarray:
    """Where a hand holds things: round each hand and a handle's length past it (a capsule along the forearm)."""
    out = np.zeros(shape, np.uint8)
    for side in ("l", "r"):
        if not person.visible(f"{side}_wrist"):
            continue
        wrist = np.asarray(person.point(f"{side}_wrist"), np.float32)
        d = np.array([0.0, 1.0], np.float32)
        if person.visible(f"{side}_elbow"):
            d = wrist - np.asarray(person.point(f"{side}_elbow"), np.float32)
            d /= max(float(np.linalg.norm(d)), 1e-6)
        cv2.line(out, tuple(int(v) for v in wrist), tuple(int(v) for v in wrist + 0.6 * w * d), 1, int(0.8 * w))
    return out > 0


def _worn_colours(lab: np.ndarray, body: BodyFrame, clothes: np.ndarray, hands: np.ndarray) -> list:
    """The old clothing's colours away from the hands: on the chest and, where the hips are known, the thighs."""
    w = body.width
    far = clothes & ~(cv2.dilate(hands.astype(np.uint8), np.ones((int(0.3 * w) | 1,) * 2, np.uint8)) > 0)
    hip = float((body.lh[1] + body.rh[1]) / 2) if body.lh is not None and body.rh is not None else None
    bands = [(body.neck_y + 0.4 * w, hip if hip is not None else body.neck_y + 1.6 * w)]
    if hip is not None:
        bands.append((hip, hip + 0.6 * w))
    refs = []
    for a, b in bands:
        band = far.copy()
        band[:max(0, int(a))] = False
        band[max(0, int(b)):] = False
        if band.sum() > 100:
            refs.append(np.median(lab[band], 0))
    return refs


def held_at_hands(lab: np.ndarray, person: Person, body: BodyFrame, clothes: np.ndarray) -> np.ndarray:
    """An object with its own outline held in a hand (a clutch, a small bag): a region inside the person's outline
    between strong edges, at the hand, no bigger than half a shoulder width squared, in none of the colours the old
    clothing shows away from the hands."""
    w = body.width
    H, W = clothes.shape
    out = np.zeros((H, W), bool)
    hands = hand_zone(person, w, (H, W))
    refs = _worn_colours(lab, body, clothes, hands)
    if not refs or not (hands & clothes).any():
        return out
    # Only round the hands (a region cut by the box's edge is not taken: it runs on beyond the hands).
    ys, xs = np.nonzero(hands & clothes)
    m = int(0.3 * w)
    y0, y1, x0, x1 = max(0, ys.min() - m), min(H, ys.max() + m + 1), max(0, xs.min() - m), min(W, xs.max() + m + 1)
    box = (slice(y0, y1), slice(x0, x1))
    lab_b, hands_b, clothes_b = lab[box], hands[box], clothes[box]
    smooth = cv2.GaussianBlur(lab_b.astype(np.float32), (0, 0), max(1.0, w / 160))
    grad = np.sqrt((cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3) ** 2
                    + cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3) ** 2).sum(axis=2))
    edges = cv2.dilate((grad > 16).astype(np.uint8), np.ones((3, 3), np.uint8))
    inside = person.mask[box]
    n, labels, stats, _ = cv2.connectedComponentsWithStats(((edges == 0) & inside).astype(np.uint8), connectivity=4)
    cut = np.zeros(n, bool)
    for edge, at_image_edge in ((labels[0], y0 == 0), (labels[-1], y1 == H), (labels[:, 0], x0 == 0),
                                (labels[:, -1], x1 == W)):
        if not at_image_edge:
            cut[edge] = True
    for i in np.unique(labels[hands_b & clothes_b]):
        area = stats[i, cv2.CC_STAT_AREA] if i else 0
        if cut[i] or not 0.02 * w * w <= area <= 0.5 * w * w:
            continue
        region = labels == i
        if (region & hands_b).sum() < 0.5 * area or (region & clothes_b).sum() < 0.7 * area:
            continue
        colour = np.median(lab_b[region], 0)
        rim = (cv2.dilate(region.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & ~region & inside
        # Unlike the clothes, and outlined: a bag's seams and shadow, not the soft edge of a fold or a faded patch.
        if min(np.linalg.norm(colour - r) for r in refs) >= 10 and np.percentile(grad[rim], 75) >= 20:
            out[box] |= _whole(lab_b, region, hands_b & clothes_b, colour, w)
    return out


def _whole(lab: np.ndarray, region: np.ndarray, zone: np.ndarray, colour: np.ndarray, w: float) -> np.ndarray:
    """The object's other parts in its own colour, across a faint edge: what is joined to it, near it in the zone
    and within a few Lab units of its colour."""
    k = int(0.25 * w) | 1
    near = cv2.dilate(region.astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    like = (near & zone & (np.linalg.norm(lab - colour, axis=2) < 7)) | region
    n, labels = cv2.connectedComponents(like.astype(np.uint8), connectivity=8)
    ids = np.unique(labels[region])
    return np.isin(labels, ids[ids > 0])


def _like_clothes_or_backdrop(lab: np.ndarray, part: np.ndarray, clothes: np.ndarray, ring_lab) -> bool:
    """Too much of the clothing, or in the old clothing's or the backdrop's colour: not an object held."""
    if part.sum() > 0.35 * clothes.sum():
        return True
    colour = np.median(lab[part], 0)
    rest = clothes & ~part
    if rest.any() and np.linalg.norm(colour - np.median(lab[rest], 0)) < 18:
        return True
    return ring_lab is not None and np.linalg.norm(colour - ring_lab) < 15


def _with_rim(found: np.ndarray, lab: np.ndarray, clothes: np.ndarray, w: float) -> np.ndarray:
    """The object's own highlights and rim (small regions between edges, beside or inside it) come with it: what
    is close to it and unlike the old clothing."""
    rest = clothes & ~found
    ref = np.median(lab[rest], 0) if rest.any() else np.zeros(3, np.float32)
    k = max(3, int(0.12 * w) | 1)
    near = cv2.dilate(_fill_holes(found).astype(np.uint8), np.ones((k, k), np.uint8)) > 0
    return (found | (near & (np.linalg.norm(lab - ref, axis=2) > 25))) & clothes


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    m = mask.astype(np.uint8)
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(m)
    cv2.drawContours(filled, contours, -1, 1, -1)
    return filled > 0


def held_objects(lab: np.ndarray, person) -> np.ndarray:
    """What the person holds in front of the body in a photo (for the quality check: not her old clothing)."""
    shape = lab.shape[:2]
    if person is None or getattr(person, "mask", None) is None or person.mask.shape != shape:
        return np.zeros(shape, bool)
    # The same photo asks this of the same person several times (the fill, the check): worked out once per photo.
    if not hasattr(person, "derived"):
        return _held_objects(lab, person)
    key = ("held_objects", shape, hash(np.ascontiguousarray(lab[::8, ::8]).tobytes()))
    return person.derived(key, lambda: _held_objects(lab, person)).copy()


def _held_objects(lab: np.ndarray, person) -> np.ndarray:
    from core.tryon.body import body_of
    from core.tryon.pixels import skin_like, skin_model

    shape = lab.shape[:2]
    try:
        body = body_of(person)
    except Exception:  # no shoulders found: nothing to say about what is held
        return np.zeros(shape, bool)
    skin = skin_like(lab, skin_model(lab, body.face, person.mask))
    zone = person.mask.copy()
    zone[:max(0, int(body.neck_y))] = False
    return held_in_front(lab, person, body, zone, skin)
