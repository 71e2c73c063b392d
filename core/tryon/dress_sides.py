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
