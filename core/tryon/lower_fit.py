"""Trousers keep their own cut on a real photo: the waistband at her natural waist when she wears a dress (the
bodice reads as a top ending at the waist seam, not one cut off at the hips), the hips out to her outline (no strip
of the old garment left between the waistband and the thighs), the legs as wide against the waistband as the
product shot shows them (a flare or a wide leg stays), the hem over the old trousers' hem, and a soft shadow under
a top's hem where the trousers go on under it."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.front import hands_and_forearms, person_lab
from core.tryon.pixels import quantise
from core.tryon.pose import Person
from core.tryon.reveal import clothing_colours
from core.tryon.waist import central_run, without_arms


def outline_run(person: Person, frame: BodyFrame, y: int, cx: float) -> tuple[float, float] | None:
    """Her outline across row y about cx, arms left out (waist.without_arms); on a side where her silhouette
    less her hands and forearms (put back in front after) reaches at most a fifth of a shoulder's width farther,
    that (a side panel or a print the arm test took for her arm, not a whole arm beside her)."""
    run = central_run(without_arms(person, frame), y, cx)
    if not run:
        return run
    reach = 0.2 * frame.width
    left, right = run
    full = central_run(person.mask & ~hands_and_forearms(person, frame, person_lab(person)), y, cx)
    if full and run[0] - full[0] <= reach:
        left = min(left, full[0])
    if full and full[1] - run[1] <= reach:
        right = max(right, full[1])
    return left, right


def natural_waist(person: Person, frame: BodyFrame) -> float | None:
    """The narrowest row of her torso (arms left out) between the ribs and the hips: where a dress's waist seam
    sits. None when the torso does not narrow there (no waist to see)."""
    H, W = person.mask.shape
    w = frame.width
    sy = float(min(frame.ls[1], frame.rs[1]))
    hy = float(min(frame.lh[1], frame.rh[1]))
    if hy - sy < 0.8 * w:
        return None
    body = without_arms(person, frame)
    cx = float(frame.lh[0] + frame.rh[0]) / 2
    y0, y1 = int(sy + 0.45 * (hy - sy)), int(min(H - 1, hy))
    widths = np.full(y1 - y0 + 1, np.inf, np.float32)
    for i, y in enumerate(range(y0, y1 + 1)):
        run = central_run(body, y, cx)
        if run and run[1] - run[0] < 1.5 * w:
            widths[i] = run[1] - run[0]
    ok = np.isfinite(widths)
    if ok.sum() < 0.5 * len(widths):
        return None
    smooth = np.convolve(np.where(ok, widths, widths[ok].max()), np.ones(5) / 5, mode="same")
    i = int(np.argmin(smooth[2:-2])) + 2
    hips = float(np.nanmax(widths[ok][-max(3, len(widths) // 8):]))
    if smooth[i] > 0.94 * hips or i >= len(widths) - 3:  # no waist narrower than the hips
        return None
    return float(y0 + i)


def at_waist(person: Person, frame: BodyFrame, dst: np.ndarray, y: float) -> np.ndarray:
    """The waistband's corners on her outline at her natural waist (arms left out), just outside it: the floor
    of a hip's width that fit_lower keeps for a waist it only guesses would stand out past her waist."""
    run = central_run(without_arms(person, frame), int(y), float(dst[0, 0] + dst[1, 0]) / 2)
    w = frame.width
    if not run or not 0.3 * w < run[1] - run[0] < 1.5 * w:
        return dst
    dst = dst.copy()
    c, half = (run[0] + run[1]) / 2, min((run[1] - run[0]) / 2, 0.5 * w)  # a loose dress's waist is not hers
    dst[0, 0], dst[1, 0] = c - half - 0.03 * w, c + half + 0.03 * w
    return dst


def keep_cut(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The thigh and hem corners at least as far apart, against the waistband, as on the product shot (a flare,
    a wide leg, a bootcut keep their shape however close her ankles stand)."""
    dst = dst.copy()
    top = float(src[1, 0] - src[0, 0])
    if top <= 1:
        return dst
    dtop = float(dst[1, 0] - dst[0, 0])
    for i in (2, 4):
        want = float(src[i + 1, 0] - src[i, 0]) / top * dtop
        c = float(dst[i, 0] + dst[i + 1, 0]) / 2
        dst[i, 0], dst[i + 1, 0] = min(dst[i, 0], c - want / 2), max(dst[i + 1, 0], c + want / 2)
    return dst


def hip_points(person: Person, frame: BodyFrame, gmask: np.ndarray, src: np.ndarray, dst: np.ndarray,
               over_trousers: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Landmark pairs at her hips and halfway up to the waistband: the garment's outer edges at the matching
    heights land just outside her outline there (the old garment's, arms left out), so the trousers follow the
    curve of her hips. Over old trousers, beside a hand hanging at that height, a side goes no farther out than
    the waistband-to-thigh line (the outline there is the hand's; the old trousers' edge is within that line).
    Returns (src, dst) with the pairs appended where the photo tells."""
    w = frame.width
    hip = float(max(frame.lh[1], frame.rh[1]))
    if hip - dst[0, 1] < 0.15 * w or dst[2, 1] - hip < 0.15 * w:
        return src, dst
    rows = [hip] + ([(hip + float(dst[0, 1])) / 2] if hip - dst[0, 1] >= 0.5 * w else [])
    add_s, add_d = [], []
    for y in rows:
        pair = _edge_pair(person, frame, gmask, src, dst, y, over_trousers)
        if pair is not None:
            add_s += pair[0]
            add_d += pair[1]
    if not add_s:
        return src, dst
    return (np.concatenate([src, np.array(add_s, np.float32)]), np.concatenate([dst, np.array(add_d, np.float32)]))


def _edge_pair(person: Person, frame: BodyFrame, gmask: np.ndarray, src: np.ndarray, dst: np.ndarray,
               y: float, guard: bool) -> tuple[list, list] | None:
    H = person.mask.shape[0]
    w = frame.width
    if not 0 <= y < H:
        return None
    t = (y - dst[0, 1]) / (dst[2, 1] - dst[0, 1])  # between the waistband and the thigh corners
    sy = float(src[0, 1] + t * (src[2, 1] - src[0, 1]))
    xs = np.flatnonzero(gmask[int(np.clip(sy, 0, gmask.shape[0] - 1))])
    if not len(xs):
        return None
    left = float(dst[0, 0] + t * (dst[2, 0] - dst[0, 0]))
    right = float(dst[1, 0] + t * (dst[3, 0] - dst[1, 0]))
    run = outline_run(person, frame, int(y), (left + right) / 2)
    if run and run[1] - run[0] < 1.5 * w:
        c = (left + right) / 2
        # Just over her outline (no wider: no backdrop drawn in).
        hand = [guard and _hand_near(person, x, y, w) for x in run]
        # Over old trousers out to their outline; over a dress no wider than hips are (a loose dress is not hers).
        reach = 0.75 * w if guard else 0.6 * w
        left = max(run[0] - 0.03 * w, c - reach, left if hand[0] else -np.inf)
        right = min(run[1] + 0.03 * w, c + reach, right if hand[1] else np.inf)
    return [[xs.min(), sy], [xs.max(), sy]], [[left, y], [right, y]]


def _hand_near(person: Person, x: float, y: float, w: float) -> bool:
    """Whether a wrist the pose sees lies within reach of (x, y): her hand, not her hip, may make the outline."""
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            wx, wy = person.point(f"{side}_wrist")
            if abs(wy - y) < 0.25 * w and abs(wx - x) < 0.3 * w:
                return True
    return False


def old_colours(person: Person, frame: BodyFrame) -> np.ndarray | None:
    """The old lower garment's colours (a lookup over quantised Lab), as on her upper thighs between the hips."""
    H, W = person.mask.shape
    w = frame.width
    hip_y = float(min(frame.lh[1], frame.rh[1]))
    x0, x1 = sorted((int(frame.rh[0]), int(frame.lh[0])))
    core = np.zeros((H, W), bool)
    core[int(hip_y + 0.3 * w):int(min(H, hip_y + 0.7 * w)), max(0, x0):min(W, x1 + 1)] = True
    return clothing_colours(person_lab(person), core & person.mask, share=0.05)


def old_hem(person: Person, frame: BodyFrame, dst: np.ndarray) -> float | None:
    """The lowest row of the old trousers at her ankles (their colours, as on her thighs), within reach below the
    ankles; None when they end above the new hem or the photo does not tell."""
    H, W = person.mask.shape
    w = frame.width
    lab = person_lab(person)
    lut = old_colours(person, frame)
    if lut is None:
        return None
    ankle = float(max(frame.la[1], frame.ra[1]))
    a, b = int(dst[4, 1]), int(min(H, ankle + 0.3 * w))
    c0, c1 = int(max(0, dst[4, 0])), int(min(W, dst[5, 0] + 1))
    if b <= a or c1 - c0 < 4:
        return None
    old = lut[quantise(lab[a:b])] & person.mask[a:b]
    share = old[:, c0:c1].sum(axis=1) / np.maximum(person.mask[a:b, c0:c1].sum(axis=1), 1)
    low = np.flatnonzero(share < 0.3)
    end = int(low[0]) if len(low) else b - a  # the first row below the new hem where they stop
    return float(a + end) if end > 0 else None


def flares(gmask: np.ndarray) -> bool:
    """Whether the product shot's legs widen from the knees to the hem (a flare, a bootcut, a wide leg)."""
    ys = np.flatnonzero(gmask.any(axis=1))
    if len(ys) < 20:
        return False
    y0, h = int(ys.min()), int(np.ptp(ys))
    span = [np.ptp(np.flatnonzero(gmask[y0 + int(t * h)])) for t in (0.6, 0.96)]
    return span[0] > 0 and span[1] >= 1.08 * span[0]


def flare_rows(person: Person, cut: np.ndarray, w: float, knee: float) -> np.ndarray | None:
    """The trousers' own silhouette over old trousers, past her outline only on the rows where it reaches well
    past it below the knees (a flare, a wide leg): elsewhere the margin the landmarks leave round her outline is
    not painted. None where they would stand past it above the knees too (over tights or thin legs)."""
    far = cv2.distanceTransform((~person.mask).astype(np.uint8), cv2.DIST_L2, 3) >= 0.12 * w
    rows = ((cut > 0.5) & far).any(axis=1)
    if rows[:int(max(0, knee))].any():  # looser than her legs all the way up (tights, thin legs): within them
        return None
    ys = np.flatnonzero(rows)
    if len(ys):  # from above the knees down (no step where the flare leaves her outline)
        rows[int(max(knee - 0.5 * w, 0)):int(ys.max()) + 1] = True
    return cut * (person.mask | rows[:, None])


def waist_shadow(out: np.ndarray, painted: np.ndarray, person: Person, waist: float | None, w: float) -> np.ndarray:
    """A soft shadow on the trousers just under what stays above the waistband (a top's hem, a bodice): they go on
    under it instead of lying pasted against it. out: uint8, returned the same."""
    if waist is None or not painted.any():
        return out
    H, W = painted.shape
    y = int(waist)
    if not 1 <= y < H - 2:
        return out
    above = person.mask[max(0, y - 3)] & ~painted[max(0, y - 3)]  # the columns where something of hers stays above
    above = cv2.dilate(above.astype(np.uint8)[None], np.ones((1, 9), np.uint8))[0] > 0
    depth = max(3, int(0.06 * w))
    rows = np.arange(depth, dtype=np.float32)
    fall = 1.0 - 0.28 * np.exp(-rows / (0.35 * depth))
    band = np.ones((depth, W), np.float32)
    band[:, above] = fall[:, None]
    y1 = min(H, y + depth)
    band = band[:y1 - y] * painted[y:y1] + (1 - painted[y:y1])
    out = out.copy()
    out[y:y1] = np.clip(np.rint(out[y:y1].astype(np.float32) * band[..., None]), 0, 255).astype(np.uint8)
    return out


def worn(person: Person, out: np.ndarray, alpha: np.ndarray, region: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What is worn: the alpha inside the region, less stray threads one or two pixels wide that the region's edge
    leaves above the waistband's first full row (the photo is put back there). Thin edges lower down stay worn."""
    alpha = alpha * region
    on = alpha > 0.5
    body = cv2.morphologyEx(on.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    rows = np.flatnonzero(body.any(axis=1))
    if not len(rows):
        return out, alpha
    thread = on & ~body
    thread[int(rows[0]):] = False
    if thread.any():
        out = out.copy()
        out[thread] = np.asarray(person.image.convert("RGB"))[thread]
        alpha = np.where(thread, 0.0, alpha)
    return out, alpha
