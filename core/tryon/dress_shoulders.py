"""A sleeved dress hangs from the person's own shoulders (classic backend): its shoulder seams sit at her shoulder
points on her outline (never in the air above them), its top edge follows her shoulders' line from the neck base out
to those points, sloping as they slope, and at the neck the dress's collar reaches up to where her old top's collar
was (the back of the dress shows inside the neckline, never the old top). The product shot's own shoulder line (its
top edge, a neckline's dip left out) lands on hers column by column, so its seams meet hers whatever the slopes."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.drape import face_mask
from core.tryon.dress_parts import past_wrists, shoulder_contour
from core.tryon.pose import Person

NECK_HALF = 0.18  # half the neck's width, in shoulder widths (joint to joint)
BAND = 0.06  # her outline may drop the edge this far below the straight neck -> shoulder line (sloping shoulders)
OVER = 0.03  # the edge lies this far over her outline (dress._trim cuts it to the outline: no sliver of the old top)
LIFT = 0.03  # ... and never higher than this above the neck base (hair falling on a shoulder does not lift it)
COLLAR_UP = 0.12  # the dress's collar rises at most this far above the neck base to cover an old collar
COLLAR_HALF = NECK_HALF  # ... across the neck (beside it, hair falling past is too like a collar to tell)


def seam_points(person: Person, frame: BodyFrame) -> tuple[np.ndarray, np.ndarray]:
    """(image left, image right): where a set-in sleeve's seam sits: a tenth of the shoulder width outside the
    shoulder joint, inside her outline at the joint's row, on the top of her shoulder there."""
    H, W = person.mask.shape
    w = frame.width
    contour = shoulder_contour(person.mask, frame)
    out = []
    for joint, side, fallback in ((frame.rs, -1, frame.shoulder_edges[0]), (frame.ls, 1, frame.shoulder_edges[1])):
        x = float(joint[0] + side * 0.1 * w)
        row = person.mask[int(np.clip(joint[1], 0, H - 1))]
        jx = int(np.clip(joint[0], 0, W - 1))
        if row[jx]:  # no further out than the run through the joint reaches (the arm's outer side), less a margin
            ray = row[jx:] if side > 0 else row[:jx + 1][::-1]
            gap = np.flatnonzero(~ray)
            outer = jx + side * (int(gap[0]) - 1 if len(gap) else len(ray) - 1)
            x = min(x, outer - 0.04 * w) if side > 0 else max(x, outer + 0.04 * w)
        xi = int(np.clip(round(x), 0, W - 1))
        y = float(contour[xi]) if contour[xi] < H else float(fallback[1])
        y = float(np.clip(y, joint[1] - 0.22 * w, joint[1] + 0.04 * w))
        out.append(np.array([x, y], np.float32))
    return out[0], out[1]


def collar_top(person: Person, frame: BodyFrame, own: np.ndarray) -> np.ndarray:
    """Per column across the neck: the top row of her old top's collar (clothes running down without a break to just
    under the neck base, her neck's skin above), or the neck base where there is none; beside the neck, no bound
    (infinity). `own`: her skin."""
    H, W = own.shape
    w = frame.width
    out = np.full(W, np.inf, np.float32)  # no bound beside the neck
    y0, y1 = int(max(0, frame.neck_y - 2 * COLLAR_UP * w)), int(min(H, frame.neck_y + 0.04 * w))
    x0, x1 = int(max(0, frame.neck_x - COLLAR_HALF * w)), int(min(W, frame.neck_x + COLLAR_HALF * w + 1))
    if y1 <= y0 + 2 or x1 <= x0:
        return out
    out[x0:x1] = frame.neck_y
    clothes = (person.mask & ~own)[y0:y1, x0:x1].astype(np.uint8)
    clothes = cv2.morphologyEx(clothes, cv2.MORPH_CLOSE, np.ones((3, 1), np.uint8))
    run = np.cumprod(clothes[::-1], axis=0)[::-1]  # 1 where clothes reach down unbroken to the band's bottom
    depth = run.sum(axis=0)
    # A collar has her neck's skin just above it; hair falling past the neck runs on up, or ends on the backdrop.
    above = (own & person.mask)[y0:y1, x0:x1][np.clip(y1 - y0 - depth - 1, 0, y1 - y0 - 1), np.arange(x1 - x0)]
    top = np.where((depth > 0.03 * w) & (depth < y1 - y0) & above, y1 - depth, frame.neck_y).astype(np.float32)
    out[x0:x1] = np.clip(top, frame.neck_y - COLLAR_UP * w, frame.neck_y)
    return out


def shoulder_line(person: Person, frame: BodyFrame, seams: tuple, collar: np.ndarray | None = None) -> np.ndarray:
    """Per column, the row of the dress's top edge on her: the neck base (or an old collar's top) across the neck,
    a little over her shoulders' outline from there out to the seams (held level beyond them), never above the neck
    base nor far below the straight line neck -> seam."""
    W = person.mask.shape[1]
    w = frame.width
    re, le = seams
    cx, ny = float(frame.neck_x), float(frame.neck_y)
    nh = NECK_HALF * w
    xs = np.arange(W, dtype=np.float32)
    kx = np.array([float(re[0]), max(cx - nh, float(re[0]) + 1), min(cx + nh, float(le[0]) - 1), float(le[0])])
    kx = kx[0] + np.concatenate([[0.0], np.cumsum(np.maximum(np.diff(kx), 1.0))])  # increasing, for np.interp
    straight = np.interp(xs, kx, [float(re[1]), ny, ny, float(le[1])]).astype(np.float32)
    outline = shoulder_contour(person.mask, frame) - OVER * w  # a little over it: trimmed to her outline later
    line = np.clip(outline, ny - LIFT * w, straight + BAND * w)  # hair on a shoulder lifts it no higher than the neck
    neck = np.abs(xs - cx) < nh
    line = np.where(neck, straight, line)
    if collar is not None:
        line = np.minimum(line, collar)
    k = max(3, int(0.06 * w) | 1)  # a smooth edge: the neck base a curve, no step where an old collar ends
    return cv2.GaussianBlur(line[None, :].astype(np.float32), (k, 1), 0)[0]


def shot_shoulder_line(mask: np.ndarray, cx: float, half: float | None = None) -> np.ndarray:
    """Per column of the product shot, the top of its shoulders: the garment's first row, never lower than any
    column further out on its side (a neckline's dip between the neck points is not its shoulder line). With `half`
    (the bodice's half-width at its shoulder seams) held level past the seams: what lies out there (a sleeve's cuff
    left beside the skirt) is not stretched up to her shoulders."""
    H, W = mask.shape
    first = np.where(mask.any(axis=0), np.argmax(mask, axis=0), H).astype(np.float32)
    c = int(np.clip(round(cx), 0, W - 1))
    out = first.copy()
    out[:c + 1] = np.minimum.accumulate(first[:c + 1])
    out[c:] = np.minimum.accumulate(first[c:][::-1])[::-1]
    if half is not None:
        a, b = int(np.clip(round(cx - half), 0, W - 1)), int(np.clip(round(cx + half), 0, W - 1))
        out[:a], out[b + 1:] = out[a], out[b]
    return out


def hang_bodice(map_x: np.ndarray, map_y: np.ndarray, line: np.ndarray, shot_top: np.ndarray, waist_y: float,
                y_waist: int) -> np.ndarray:
    """The bodice's rows (cv2.remap map) from her shoulder line (per column) down to the waist: each column of the
    product shot's shoulder line lands on her line above it, stretched evenly down to the waist."""
    H = map_y.shape[0]
    n = int(np.clip(np.ceil(waist_y), 0, H))
    if n == 0:
        return map_y
    rows = np.arange(n, dtype=np.float32)[:, None]
    top = line[None, :]
    g_top = np.interp(map_x[:n], np.arange(len(shot_top), dtype=np.float32), shot_top)
    t = (rows - top) / np.maximum(waist_y - top, 1.0)
    bodice = np.where(t >= 0, g_top + t * (y_waist - g_top), -1e4)
    out = map_y.copy()
    out[:n] = bodice
    return out.astype(np.float32)


def sleeved_top(person: Person, frame: BodyFrame, bodice: np.ndarray, cx: float, half: float,
                own: np.ndarray) -> tuple[tuple, np.ndarray, np.ndarray]:
    """(seams, her shoulder line, the shot's shoulder line) for a sleeved dress whose bodice (sleeves taken off) is
    `bodice` in the product shot, centred at `cx`, `half` wide either side at its seams; `own`: her skin."""
    seams = seam_points(person, frame)
    line = shoulder_line(person, frame, seams, collar_top(person, frame, own))
    return seams, line, shot_shoulder_line(bodice, cx, half)


def add_sleeves(person: Person, frame: BodyFrame, rgb: np.ndarray, alpha: np.ndarray,
                sleeves: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sleeve layers over the bodice, the face and the hands in front of them; also where they lie."""
    on = np.zeros(alpha.shape, bool)
    if not sleeves:
        return rgb, alpha, on
    w = frame.width
    front = face_mask(frame, alpha.shape).astype(np.uint8)
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            cv2.circle(front, tuple(np.int32(person.point(f"{side}_wrist"))), int(0.06 * w), 1, -1)
    front |= past_wrists(person, w, alpha.shape)
    # A sleeve lies on the arm: a little wider than it, never standing off it like a wing or above the shoulder.
    k = int(0.1 * w) | 1
    on_arm = cv2.dilate(person.mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    for srgb, sa in sleeves:
        sa = sa * (front == 0) * on_arm
        rgb = rgb * (1 - sa[..., None]) + srgb * sa[..., None]
        alpha = np.maximum(alpha, sa)
        on |= sa > 0.5
    return rgb, alpha, on
