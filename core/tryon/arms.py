"""The person's arms and a new top's sleeves: where each arm runs (a polyline shoulder edge -> elbow -> wrist and
the tapered outline around it), where the new sleeve ends along it, and what of the arm is in front of the garment.

A worn short sleeve ends at the garment's own sleeve length along the arm, whatever the arm's angle; below it the
person's own arm shows, in front of the garment's body (an arm hanging beside the body hides the tee's side, it is
never covered by it). On the arm above that point the sleeve is on top of the body (a sleeve over a hanging arm is
not hidden under the body's side)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon import drape, fingertips
from core.tryon.pose import Person

# Arm radius along the arm, in shoulder widths: at the shoulder edge, the elbow and the wrist (an adult's upper arm
# is about a quarter of the shoulder-joint distance across, the wrist a sixth).
RADII = (0.13, 0.11, 0.085)


def arm_polyline(person: Person, side: int, body: BodyFrame) -> np.ndarray | None:
    """Shoulder edge -> elbow -> wrist, or None without both joints (then nothing of the arm is known)."""
    return drape.arm_path(person, side, body)


def along(path: np.ndarray, shape) -> tuple[np.ndarray, np.ndarray]:
    """(s, d) per pixel: arc length along the polyline of the nearest point on it, and the distance to it."""
    H, W = shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    best_d = np.full((H, W), np.inf, np.float32)
    best_s = np.zeros((H, W), np.float32)
    start = 0.0
    for a, b in zip(path[:-1], path[1:]):
        seg = b - a
        n = float(np.linalg.norm(seg))
        if n < 1e-6:
            continue
        u = np.clip(((xx - a[0]) * seg[0] + (yy - a[1]) * seg[1]) / (n * n), 0, 1)
        d = np.hypot(xx - (a[0] + u * seg[0]), yy - (a[1] + u * seg[1]))
        better = d < best_d
        best_d = np.where(better, d, best_d)
        best_s = np.where(better, start + u * n, best_s)
        start += n
    return best_s, best_d


def radius_at(path: np.ndarray, s: np.ndarray, width: float) -> np.ndarray:
    """The arm's radius at arc length s (tapering shoulder -> elbow -> wrist)."""
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    knots = np.concatenate([[0.0], np.cumsum(seg)])
    radii = np.array(RADII[:len(knots)], np.float32) * width
    return np.interp(s, knots, radii).astype(np.float32)


def sleeve_end(alpha: np.ndarray, s: np.ndarray, d: np.ndarray, r: np.ndarray) -> float:
    """How far along the arm the sleeve reaches (its cloth on the arm, a high percentile: not a stray pixel)."""
    on = (alpha > 0.5) & (d < 2.0 * r)
    if on.sum() < 20:
        return 0.0
    return float(np.percentile(s[on], 97))


def own_colour(lab: np.ndarray | None, core: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Skin pixels in the colour of the arm's own middle (a yellow top beside a dark arm is skin-like, not arm)."""
    if lab is None or core.sum() < 30:
        return skin
    ab = lab[..., 1:]
    ref = np.median(ab[core], axis=0)
    spread = float(np.median(np.linalg.norm(ab[core] - ref, axis=1)))
    return skin & (np.linalg.norm(ab - ref, axis=2) < max(6.0, 2.5 * spread))


def solid_arm(arm: np.ndarray, within: np.ndarray, width: float) -> np.ndarray:
    """The arm as one piece: the gaps between its skin pixels (a highlight, a shadow the skin test missed) and the
    holes in it closed, within its outline. Left open, the garment's body showed through them in streaks, a torn
    arm with white flecks beside a white tee."""
    if not arm.any():
        return arm
    k = max(3, int(0.07 * width) | 1)
    ellipse = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    closed = cv2.morphologyEx(arm.astype(np.uint8), cv2.MORPH_CLOSE, ellipse)
    inv = (closed == 0).astype(np.uint8)
    n, labels = cv2.connectedComponents(inv, connectivity=4)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    holes = (labels > 0) & ~np.isin(labels, edge)
    # Holes of the arm itself (small), not the space between a bent arm and the body.
    if holes.any():
        m, hl, st, _ = cv2.connectedComponentsWithStats(holes.astype(np.uint8), 4)
        small = np.flatnonzero(st[1:, cv2.CC_STAT_AREA] < 0.01 * width * width) + 1
        holes = np.isin(hl, small)
    return ((closed > 0) | holes) & within | arm


def arms_and_sleeves(person: Person, body: BodyFrame, skin: np.ndarray,
                     sleeves: list[tuple[np.ndarray, int]], lab: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(arm in front, arm under its sleeve): the arm beyond the new sleeve's end (her bare skin out to the arm's
    outline, else the arm's tapered outline) and the arm above it, where the sleeve is drawn over the garment's body.
    `sleeves`: each sleeve's alpha on the person with its side (-1 image left, +1 image right)."""
    H, W = person.mask.shape
    w = body.width
    front = np.zeros((H, W), bool)
    under = np.zeros((H, W), bool)
    by_side = {side: a for a, side in sleeves}
    for side in (-1, 1):
        path = arm_polyline(person, side, body)
        if path is None:
            continue
        s, d = along(path, (H, W))
        r = radius_at(path, s, w)
        total = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
        # Without a sleeve (a tank top), the arm is in front from below the armpit.
        end = sleeve_end(by_side[side], s, d, r) if side in by_side else 0.0
        end = max(end, 0.3 * w)
        beyond = s > end
        arm_skin = own_colour(lab, skin & (d < 0.6 * r) & beyond, skin)
        reach = person.mask & (s <= total + 0.15 * w)
        arm = ((d < 0.9 * r) | (arm_skin & (d < 1.8 * r))) & reach
        # Her hand beyond the wrist (in her own arm's skin colour): in front of a long top's hem, never under it.
        arm |= own_colour(lab, skin & (d < 0.6 * r) & beyond, skin) & person.mask & (s >= total - 1.0) & (d < 0.3 * w)
        front |= solid_arm(arm, reach & (d < 1.8 * r), w) & beyond
        under |= (d < 1.3 * r) & (s <= end)
    return front, under


def layer_over_arms(sleeve_layers: list, sides: list[int], body_layer: tuple, person: Person, body: BodyFrame,
                    skin: np.ndarray, lab: np.ndarray | None = None, not_arm=None) -> tuple[list, np.ndarray]:
    """The garment's layers, bottom to top (the body, then each sleeve on its arm), with the person's arm in front
    of them below the sleeves' ends. Returns (layers, the arm in front). not_arm: front -> what of it is no arm
    (the old top's strap beside a bare arm), which the garment covers."""
    front, under = arms_and_sleeves(person, body, skin, [(a, s) for (_, a), s in zip(sleeve_layers, sides)], lab)
    if not_arm is not None:
        front &= ~not_arm(front)
    body_rgb, body_a = body_layer
    layers = [(body_rgb, body_a * ~front)]
    for rgb, a in sleeve_layers:
        # The sleeve over the body on the arm; elsewhere (its underarm swung over the chest) the body stays on top.
        layers.append((rgb, a * ((under | (body_a < 0.5)) & ~front)))
    return layers, front


def bare_arm(lab: np.ndarray, front: np.ndarray, old_core: np.ndarray, apart: float = 20.0) -> np.ndarray:
    """The pixels of the arm in front that are her bare arm, to keep as they are: nearer the arm's own colour (its
    median) than the old top's, where the two differ (a bare arm, not an old long sleeve). The skin test alone misses
    an arm in shade, and its shadows were painted over in a lighter tone, a torn arm beside the new top."""
    if front.sum() < 50 or old_core.sum() < 50:
        return np.zeros_like(front)
    arm_ref = np.median(lab[front], axis=0)
    top_ref = np.median(lab[old_core], axis=0)
    if float(np.linalg.norm(arm_ref - top_ref)) < apart:
        return np.zeros_like(front)
    px = lab[front]
    out = np.zeros_like(front)
    out[front] = np.linalg.norm(px - arm_ref, axis=1) < np.linalg.norm(px - top_ref, axis=1)
    return out


def sleeve_across(sleeve: np.ndarray, corner: np.ndarray, person: Person, path: np.ndarray, sx: float) -> float:
    """The across scale that makes the sleeve as wide as her arm (the person's outline around the arm's line, the
    nearer edge: an arm against her side is not measured wider), never narrower than the garment's own scale and at
    most half as wide again."""
    ys, xs = np.nonzero(sleeve)
    rel = np.stack([xs, ys], 1).astype(np.float32) - corner
    c = rel.mean(0)
    _, _, vt = np.linalg.svd(rel - c, full_matrices=False)
    v = rel @ np.array([-vt[0][1], vt[0][0]], np.float32)
    flat_w = float(np.percentile(v, 98) - np.percentile(v, 2))
    H, W = person.mask.shape
    dt = cv2.distanceTransform(person.mask.astype(np.uint8), cv2.DIST_L2, 3)
    pts = [a + (b - a) * f for a, b in zip(path[:-1], path[1:]) for f in (0.35, 0.5, 0.65)]
    half = [dt[int(np.clip(p[1], 0, H - 1)), int(np.clip(p[0], 0, W - 1))] for p in pts]
    arm_w = 2.0 * float(np.median(half))
    return float(np.clip(arm_w / max(flat_w, 1.0), sx, 1.5 * sx))


def sleeves_past_hem(sleeve_layers: list, hem_y: float, person: Person, body: BodyFrame,
                     skin: np.ndarray) -> np.ndarray:
    """Where the sleeves' cloth lies on her below the new top's hem (an arm hanging past it), but her bare skin by
    the wrists (which stays, as above the hem). The replaced zone ended at the hem but for the old sleeves' colours,
    so a new long sleeve showed there only in patches: the old cuff's red rim and painted skin around its cuff."""
    H, W = skin.shape
    if not sleeve_layers:
        return np.zeros((H, W), bool)
    cover = (np.max([a for _, a in sleeve_layers], axis=0) > 0.5) & person.mask
    cover[:int(min(H, max(0, hem_y)))] = False
    wrists = np.zeros((H, W), np.uint8)
    for i in (15, 16):
        x, y, v = person.landmarks[i]
        if v >= 0.5:
            cv2.circle(wrists, (int(x), int(y)), int(0.2 * body.width), 1, -1)
    return cover & ~((wrists > 0) & skin)


def hands(person: Person, body: BodyFrame, skin: np.ndarray, not_old: np.ndarray) -> np.ndarray:
    """Her hands: the skin past each visible wrist (in the forearm's direction, out to the fingertips) as one piece,
    with the shaded fingers the skin test missed: what touches it and is not the old top's colour (`not_old`), within
    her outline. A long top's hem reaching the hands covered the fingers, a mitten of cloth around the knuckles."""
    H, W = skin.shape
    out = np.zeros((H, W), bool)
    for elbow_i, wrist_i in ((13, 15), (14, 16)):
        e, w = person.landmarks[elbow_i], person.landmarks[wrist_i]
        if w[2] < 0.5 or e[2] < 0.1:
            continue
        d = (w[:2] - e[:2]) / max(float(np.linalg.norm(w[:2] - e[:2])), 1e-6)
        c = w[:2] + d * 0.2 * body.width
        disc = np.zeros((H, W), np.uint8)
        cv2.circle(disc, (int(c[0]), int(c[1])), int(0.25 * body.width), 1, -1)
        hand = (disc > 0) & skin
        if hand.sum() < 20:
            continue
        n, labels, stats, _ = cv2.connectedComponentsWithStats(hand.astype(np.uint8), 8)
        hand = labels == 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))  # the hand, not a skin-like speck
        k = max(3, int(0.06 * body.width) | 1)
        near = cv2.dilate(hand.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
        hand = solid_arm(hand | (near & not_old & (disc > 0) & person.mask), (disc > 0) & person.mask, body.width)
        out |= hand | fingertips.beyond(hand, skin, person.mask, w[:2], d, body.width)
    return out
