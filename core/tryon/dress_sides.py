"""A worn dress's sides carried out to her hanging arms (classic backend).

A dress warped from its product shot is often a little narrower than the old clothes under a hanging arm: between
the new dress's side and the arm a strip of the old garment is left. Repainted, it became a pale or brown sliver
of backdrop or drawn skin, with the old cloth's rim beside the arm: it reads as a torn gap. A body's side lies
under a hanging arm, so the dress reaches it: where the strip between the dress and the arm is narrow (a few
hundredths of the shoulders' width) and was old clothing, the dress goes on, its cloth mirrored out across its own
edge (the print continues, no smear), up to the arm."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pixels import local_mean
from core.tryon.pose import Person

GAP = 0.09  # the widest strip (a share of the shoulders' width) carried out to the arm


def side_gaps(covered: np.ndarray, arms: np.ndarray, old: np.ndarray, w: float) -> np.ndarray:
    """Pixels of old clothing in a narrow horizontal strip with the dress on one side and an arm on the other.
    `covered`: the dress; `arms`: her arms as shot (skin in the arms' capsules); `old`: her old clothing."""
    L = max(3, int(round(GAP * w)))
    gap = np.zeros(covered.shape, bool)
    c, a = covered.astype(np.uint8), arms.astype(np.uint8)
    for side in (1, -1):  # the arm on the right of the dress, then on its left
        # Within L of the dress on one side and of an arm on the other, along the row.
        k = np.zeros((1, 2 * L + 1), np.uint8)
        k[0, :L + 1] = 1  # reaches right: a pixel with the dress up to L to its left
        from_dress = cv2.dilate(c, k if side > 0 else k[:, ::-1]) > 0
        from_arm = cv2.dilate(a, k[:, ::-1] if side > 0 else k) > 0
        gap |= from_dress & from_arm
    gap &= old & ~covered & ~arms
    # Only strips joined to the dress's side (not a lone speck between two arm capsules).
    touch = cv2.dilate(c, np.ones((3, 3), np.uint8)) > 0
    n, labels = cv2.connectedComponents(gap.astype(np.uint8), connectivity=8)
    if n <= 1:
        return gap
    keep = np.unique(labels[touch & gap])
    return np.isin(labels, keep[keep > 0])


def carry_out(rgb: np.ndarray, alpha: np.ndarray, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rgb, alpha) with the dress carried into `gap`: each pixel takes the dress's cloth mirrored across the
    nearest point of its edge (so a print continues across the seam instead of a smeared stripe)."""
    if not gap.any():
        return rgb, alpha
    on = alpha > 0.5
    H, W = on.shape
    # The nearest dress pixel to each gap pixel (its label is the dress pixel's index).
    _, labels = cv2.distanceTransformWithLabels((~on).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    lut_y, lut_x = (np.concatenate([[0.0], v]).astype(np.float32) for v in np.nonzero(on))  # labels: scan order
    gy, gx = np.nonzero(gap)
    lab = labels[gy, gx]
    ey, ex = lut_y[lab], lut_x[lab]
    # Mirrored about the edge between the last dress pixel and the first gap pixel (half a pixel out).
    dy, dx = ey - gy, ex - gx
    n = np.maximum(np.hypot(dy, dx), 1e-6)
    my = np.clip(ey + dy - dy / n, 0, H - 1).astype(np.float32)
    mx = np.clip(ex + dx - dx / n, 0, W - 1).astype(np.float32)
    src = rgb.astype(np.float32)
    sample = cv2.remap(src, mx[None, :], my[None, :], cv2.INTER_LINEAR)[0]
    inside = on[np.round(my).astype(int), np.round(mx).astype(int)]
    edge = src[ey.astype(int), ex.astype(int)]
    out, a = rgb.copy(), alpha.copy()
    out[gy, gx] = np.where(inside[:, None], sample, edge)
    a[gy, gx] = 1.0
    return out, a


def remix_rim(out: np.ndarray, base: np.ndarray, arm: np.ndarray, covered: np.ndarray,
              old: np.ndarray) -> np.ndarray:
    """Her arm's outline pixels against the dress (float RGB 0..1), re-mixed: the photo's pixel there held part arm,
    part the old cloth beside it (a pale line of a white dress along a tanned arm); it now holds the same part of
    the arm and the rest the new dress's colour beside it instead of the old cloth's. `arm`: her arm as shot
    (kept); `old`: the old clothes in the photo."""
    outline = arm & ~(cv2.erode(arm.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)  # its outermost pixels
    rim = outline & (cv2.dilate(covered.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if not rim.any():
        return out
    ys, xs = np.nonzero(rim)
    y0, y1, x0, x1 = max(0, ys.min() - 8), ys.max() + 9, max(0, xs.min() - 8), xs.max() + 9
    b = base[y0:y1, x0:x1].astype(np.float32)
    inner = cv2.erode(arm[y0:y1, x0:x1].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # not its mixed rim
    arm_c, arm_w = local_mean(b, inner, 11)
    old_c, old_w = local_mean(b, old[y0:y1, x0:x1], 13)
    new_c, new_w = local_mean(out[y0:y1, x0:x1].astype(np.float32), covered[y0:y1, x0:x1] & ~rim[y0:y1, x0:x1], 5)
    d = arm_c - old_c
    n2 = (d * d).sum(2)
    t = np.clip(((b - old_c) * d).sum(2) / np.maximum(n2, 1e-6), 0, 1)
    t[t > 0.85] = 1.0  # her arm's own pixels (its shading, not the old cloth's) stay exactly as shot
    sure = (n2 >= 0.12 ** 2) & (arm_w > 0.1) & (old_w > 0.1) & (new_w > 0.05)  # arm and old cloth told apart
    sub = rim[y0:y1, x0:x1] & sure & (t < 1.0)
    res = out.copy()
    view = res[y0:y1, x0:x1]
    # The old cloth's part of the pixel swapped for the new dress's: the arm's own grain and shading kept.
    view[sub] = np.clip(b + (1 - t[..., None]) * (new_c - old_c), 0, 1)[sub]
    return res


def _capsule(mask: np.ndarray, pts: list, width: float) -> None:
    pts = [tuple(int(round(v)) for v in p) for p in pts]
    for a, b in zip(pts, pts[1:]):
        cv2.line(mask, a, b, 1, max(1, int(round(width))), lineType=cv2.LINE_8)
    for p in pts:
        cv2.circle(mask, p, max(1, int(round(width / 2))), 1, -1)


def limbs(person: Person, w: float, arms: bool = True, legs: bool = True) -> np.ndarray:
    """Where the arms and legs are: capsules along the joints, trimmed to the person."""
    m = np.zeros(person.mask.shape, np.uint8)
    for side in ("l", "r"):
        if arms and person.visible(f"{side}_elbow"):
            s, e = person.point(f"{side}_shoulder"), person.point(f"{side}_elbow")
            chain = [s + 0.3 * (e - s), e] + ([person.point(f"{side}_wrist")] if person.visible(f"{side}_wrist") else [])
            _capsule(m, chain, 0.24 * w)
        if legs and person.visible(f"{side}_hip") and person.visible(f"{side}_knee"):
            h, k = person.point(f"{side}_hip"), person.point(f"{side}_knee")
            _capsule(m, [h, k], 0.34 * w)
            if person.visible(f"{side}_ankle"):
                _capsule(m, [k, person.point(f"{side}_ankle")], 0.24 * w)
    return (m > 0) & person.mask


def to_arms(person: Person, frame: BodyFrame, rgb: np.ndarray, alpha: np.ndarray, hands: np.ndarray,
            own: np.ndarray) -> tuple[np.ndarray, ...]:
    """(rgb, alpha, hands to put back, her arms as shot, her old clothes): the dress's sides carried out to her
    hanging arms over a narrow strip of old clothing, below the armpits (the armhole stays hers). `own`: her skin
    in the photo. Her hands and forearms stay exactly as shot; their outer rim (front.py takes a pixel round them
    along), where it is the old cloth's and not her skin, goes with the strip: a pale line of the old dress along
    the arm otherwise."""
    rim = hands & ~(cv2.erode(hands.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~own
    arms = (limbs(person, frame.width, legs=False) & own) | (hands & ~rim)
    old = person.mask & ~own & ~(hands & ~rim)
    old[: int(max(0, float(min(frame.ls[1], frame.rs[1])) + 0.45 * frame.width))] = False
    gap = side_gaps(alpha > 0.5, arms, old, frame.width)
    # The rim's pixels against the dress (or the strip just carried out) are the dress's too.
    near = cv2.dilate(((alpha > 0.5) | gap).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    gap |= rim & near & ~(alpha > 0.5)
    return (*carry_out(rgb, alpha, gap), hands & ~gap, arms & ~gap, person.mask & ~own)
