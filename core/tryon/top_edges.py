"""A worn top's own outline made clean: the product shot's matte is ragged where the garment barely differs from
its backdrop (a white tee on white: a torn hem, bitten sleeve edges, teeth and notches), and the warp carries every
tooth onto the person. Each placed layer (the body, each sleeve) has its outline's notches closed and its teeth
opened away at a twentieth of the shoulders, then drawn with a smooth edge; the notches it closes take the cloth
just inside them (a product shot's backdrop warped in there was a light bite in a dark tee's hem). A strap, a
halter's neck band or a tie (long and thin) is the garment's own, never a tooth: it stays."""
from __future__ import annotations

import cv2
import numpy as np

CLOSE = 0.07  # notches narrower than this share of the shoulders are closed
OPEN = 0.045  # teeth narrower than this are taken off
LONG = 0.2  # ... unless they run longer than this (a strap, a tie)
HEM_RUN = 0.15  # a hem's line is the running HEM_LEVEL percentile of its edge over this share of the shoulders
HEM_LEVEL = 80  # (its lowest rows but for a splinter: a torn matte bites up into the cloth)
HEM_STEP = 0.05  # ... where a column's edge is off it by less than this


def _disc(k: float) -> np.ndarray:
    k = max(3, int(k) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


def even_hem(on: np.ndarray, width: float) -> np.ndarray:
    """The garment's lowest edge as an even line: each column's last row of cloth brought down to the running
    HEM_LEVEL percentile of its neighbours' (over HEM_RUN of the shoulders) where it is above it by less than HEM_STEP of them (a
    torn hem's bites); a wider step (a shirt tail's curve, the body's side, a slit) stays."""
    cols = np.flatnonzero(on.any(axis=0))
    if len(cols) < 10:
        return on
    H = on.shape[0]
    last = np.where(on.any(axis=0), H - 1 - np.argmax(on[::-1], axis=0), -1)
    run = max(3, int(HEM_RUN * width) | 1)
    prof = last[cols[0]:cols[-1] + 1].astype(np.float32)
    padded = np.pad(prof, run // 2, mode="edge")
    med = np.percentile(np.lib.stride_tricks.sliding_window_view(padded, run), HEM_LEVEL, axis=1)
    med = cv2.GaussianBlur(med.reshape(1, -1).astype(np.float32), (0, 0), max(1.0, 0.01 * width)).ravel()
    step = np.abs(med - prof)
    # Bites filled; a tooth below the line stays (the opening takes the thin ones; cut back, her drawn skin grew
    # under a bandeau's twisted edge).
    ok = (prof >= 0) & (step < HEM_STEP * width) & (med >= prof - 0.5)
    # The corners stay: the columns near the garment's sides (the hem turns up into them).
    side = max(2, int(0.05 * len(prof)))
    ok[:side] = False
    ok[-side:] = False
    out = on.copy()
    rows = np.arange(H)[:, None]
    new = np.rint(med).astype(int)
    xs = cols[0] + np.flatnonzero(ok)
    lo = np.minimum(prof[ok], new[ok]).astype(int)
    top = lo - int(HEM_STEP * width) - 1  # only the hem's own rows change
    block = (rows > top[None, :]) & (rows <= np.maximum(prof[ok], new[ok])[None, :])
    out[:, xs] = np.where(block, rows <= new[ok][None, :], out[:, xs])
    return out


def clean_mask(on: np.ndarray, width: float, hem: bool = False) -> np.ndarray:
    """The garment's outline without its notches and teeth (see the module's note); its long thin parts stay."""
    if on.sum() < 50:
        return on
    m = on.astype(np.uint8)
    pad = int(CLOSE * width) + 2
    m = np.pad(m, pad)  # closing at the frame's edge does not eat the cloth there
    closed = cv2.morphologyEx(m, cv2.MORPH_CLOSE, _disc(CLOSE * width))
    # Only the notches along its outline close, not a hole inside it (a keyhole, a cut-out) nor a wide gap.
    opened = cv2.morphologyEx(closed, cv2.MORPH_OPEN, _disc(OPEN * width)) > 0
    off = (closed > 0) & ~opened
    n, labels, stats, _ = cv2.connectedComponentsWithStats(off.astype(np.uint8), 8)
    if n > 1:
        span = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
        keep = span >= LONG * width
        keep[0] = False
        opened |= keep[labels]
    out = opened[pad:-pad, pad:-pad]
    if hem:
        out = even_hem(out, width)
    # The outline itself smooth (no stairs of the matte's single pixels).
    soft = cv2.GaussianBlur(out.astype(np.float32), (0, 0), max(1.0, 0.006 * width))
    return soft > 0.5


def clean_layer(rgb: np.ndarray, alpha: np.ndarray, width: float, hem: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(rgb, alpha) of a placed layer with a clean outline: teeth off, notches filled with the cloth just inside."""
    on = alpha > 0.5
    if on.sum() < 50:
        return rgb, alpha
    clean = clean_mask(on, width, hem)
    added, removed = clean & ~on, on & ~clean
    if not added.any() and not removed.any():
        return rgb, alpha
    out_a = alpha.copy()
    out_a[removed] = 0.0
    out_a[added] = 1.0
    # A soft edge of a pixel on the new outline (the placed layer's own edge is a resampled one).
    edge = clean ^ (cv2.erode(clean.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    changed = cv2.dilate((added | removed).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out_a = np.where(edge & changed, np.minimum(out_a, 0.6), out_a)
    out_rgb = rgb
    if added.any():
        inner = cv2.erode(on.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        inner = inner if inner.any() else on
        _, labels = cv2.distanceTransformWithLabels((~inner).astype(np.uint8), cv2.DIST_L2, 5,
                                                    labelType=cv2.DIST_LABEL_PIXEL)
        iy, ix = np.nonzero(inner)
        out_rgb = rgb.copy()
        ring = added | (on & ~inner & changed)
        out_rgb[ring] = rgb[iy[labels[ring] - 1], ix[labels[ring] - 1]]
    return out_rgb, out_a.astype(alpha.dtype)


def old_beside_arm(front: np.ndarray, lab: np.ndarray, skin: np.ndarray, old_top: np.ndarray,
                   width: float) -> np.ndarray:
    """The pieces of the old top inside the arm's drawn outline (a strap with its buckle hanging between a bare arm
    and the waist): not skin, and nearer the old top's colour than the arm's, with what they enclose (a buckle's
    ring), where the arm is bare (three quarters of it skin) and they are a sliver of it. Left in front, they were painted as a brown arm beside the new
    top with the buckle's metal kept. An arm in an old long sleeve (its colour the old top's) keeps its whole
    outline. old_top: the old top's pixels on the torso (its middle is sampled)."""
    old_core = cv2.erode(old_top.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    if front.sum() < 50 or old_core.sum() < 50 or (front & skin).sum() < 0.75 * front.sum():
        return np.zeros_like(front)
    arm_ref = np.median(lab[front & skin], axis=0)
    top_ref = np.median(lab[old_core], axis=0)
    if float(np.linalg.norm(arm_ref - top_ref)) < 20.0:
        return np.zeros_like(front)
    cand = front & ~skin
    px = lab[cand]
    old = np.zeros_like(front)
    old[cand] = np.linalg.norm(px - top_ref, axis=1) < np.linalg.norm(px - arm_ref, axis=1)
    old = cv2.morphologyEx(old.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    if old.sum() < 0.002 * width * width:
        return np.zeros_like(front)
    # What the strap's pieces enclose (a buckle's ring, its light metal) goes with them, not her skin.
    held = cv2.morphologyEx(old.astype(np.uint8), cv2.MORPH_CLOSE, _disc(0.05 * width)) > 0
    gone = (old | (held & ~skin)) & front
    # What the strap cut off the arm (her waist's shaded rim beside it) is no arm either: the arm is its big pieces.
    n, labels, stats, _ = cv2.connectedComponentsWithStats((front & ~gone).astype(np.uint8), 8)
    if n > 2:
        area = stats[:, cv2.CC_STAT_AREA]
        small = area < 0.2 * area[1:].max()
        small[0] = False
        gone |= small[labels]
    # A strap is a sliver beside the arm: much more of the old top in the arm's outline is her old sleeve or the
    # side of her old top behind a turned arm, which her arm's outline keeps.
    return gone if gone.sum() <= 0.1 * front.sum() else np.zeros_like(front)
