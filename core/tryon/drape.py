"""How an upper garment is worn: the person's clothing zone (neck base down), the garment's parts (body and
sleeves) and where each lands on the body. Geometry only; classic.py paints."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from core.tryon import halter
from core.tryon.body import BodyFrame, body_of, point_of  # noqa: F401  (body_of: imported from here by callers)
from core.tryon.pose import Person
from core.tryon.straps import STRAP_AT, armhole_drop, both_straps_from

STANDARD_TOP = 1.9  # length / shoulder width of a hip-length top in a flat-lay (the catalog's t-shirts)
OFF_SHOULDER = 0.28  # an off-shoulder top's neckline below the shoulder edges, in shoulder widths


def face_mask(body: BodyFrame, shape) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cx, cy, rx, ry = body.face
    cv2.ellipse(m, (int(cx), int(cy)), (int(rx), int(ry)), 0, 0, 360, 1, -1)
    return m > 0


def clothing_zone(person: Person, body: BodyFrame) -> np.ndarray:
    """What an upper garment replaces: the person from the neck base down (shoulders, lapels, collar, tie, badges,
    sleeves), never the face, never the hands."""
    H, W = person.mask.shape
    zone = person.mask.copy()
    zone[: max(0, int(np.ceil(body.neck_y)))] = False
    zone &= ~face_mask(body, zone.shape)
    for side in ("l", "r"):
        if person.visible(f"{side}_wrist"):
            x, y = point_of(person, f"{side}_wrist")
            cv2.circle(zone.view(np.uint8), (int(x), int(y)), int(0.16 * body.width), 0, -1)
    return zone


def collar_band(person: Person, body: BodyFrame) -> np.ndarray:
    """The person just above the neck base, around the neck (an old top's collar sits there), never the face."""
    band = np.zeros(person.mask.shape, bool)
    y0, y1 = int(max(0, body.neck_y - 0.15 * body.width)), int(max(0, np.ceil(body.neck_y)))
    x0, x1 = int(max(0, body.neck_x - 0.6 * body.width)), int(max(0, body.neck_x + 0.6 * body.width))
    band[y0:y1, x0:x1] = True
    return band & person.mask & ~face_mask(body, band.shape)


@dataclass
class GarmentParts:
    body: np.ndarray  # bool masks in the flat-lay
    sleeves: list  # [(mask, side)] side -1 image left, +1 image right
    top: tuple  # shoulder corners y row and x extent
    y_top: int
    y_hem: int
    hem: tuple
    cx: float
    off_shoulder: bool = False  # its top row runs across the sleeves: worn below the shoulders
    halter: bool = False  # sleeveless, its first row moved down to the chest (core/tryon/halter.py)


def garment_parts(gmask: np.ndarray, landmarks: np.ndarray) -> GarmentParts:
    """Split a top's flat-lay into its body and sleeves: the body is the polygon through the shoulder corners, side
    midpoints and hem corners; what lies outside it, left and right, are the sleeves."""
    (tl, tr, ml, mr, hl, hr) = [np.array(p, np.float32) for p in landmarks]
    off = sleeve_steps(gmask, tl, tr, ml, mr, hl)
    # Long sleeves laid alongside the body touch it in the flat-lay: the body is no wider than its shoulders
    # (with a little flare), what lies outside is sleeve.
    slack = 0.08 * max(tr[0] - tl[0], 1.0)
    for p in (ml, hl):
        p[0] = max(p[0], tl[0] - slack)
    for p in (mr, hr):
        p[0] = min(p[0], tr[0] + slack)
    ys = np.nonzero(gmask)[0]
    poly = np.array([(tl[0], ys.min()), (tr[0], ys.min()), tr, mr, hr, (hr[0], ys.max()), (hl[0], ys.max()), hl, ml, tl],
                    np.float32)
    body = np.zeros(gmask.shape, np.uint8)
    cv2.fillPoly(body, [np.round(poly).astype(np.int32)], 1)
    body = (body > 0) & (gmask | side_slits(gmask, tl, tr))
    rest = gmask & ~(cv2.dilate(body.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    cx = float((tl[0] + tr[0]) / 2)
    sleeves = []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), 8)
    y_top, glen = float(tl[1]), max(float(hl[1] - tl[1]), 1.0)
    found = {}
    for side in (-1, 1):
        best, area = 0, 0.002 * gmask.size
        for k in range(1, n):
            x = stats[k, cv2.CC_STAT_LEFT] + stats[k, cv2.CC_STAT_WIDTH] / 2
            if (x - cx) * side > 0 and stats[k, cv2.CC_STAT_AREA] > area:
                best, area = k, stats[k, cv2.CC_STAT_AREA]
        if best:
            top = stats[best, cv2.CC_STAT_TOP]
            found[side] = (best, (top - y_top) / glen, (top + stats[best, cv2.CC_STAT_HEIGHT] - y_top) / glen)
    # A sleeve hangs from the shoulder. What runs down to the hem from well below the shoulder row is the body
    # flaring out (a cami, a swing top, a halter): body, never worn on an arm; a top is symmetric, so its mirror
    # image down the other side is too, even where that one's outline starts higher (a halter's print was worn
    # down one arm as a long sleeve), where that flare runs down half the top (not a bulge at the hem). Nor is
    # what starts a third of the way down (a side seam's bulge) a sleeve.
    flares = [side for side, (_, start, end) in found.items() if end >= 0.85 and start >= 0.2]
    long_flare = any(end - start >= 0.5 for side, (_, start, end) in found.items() if side in flares)
    for side, (k, start, end) in found.items():
        if side in flares or start >= 0.3 or (long_flare and end >= 0.85):
            body |= labels == k
        else:
            sleeves.append((labels == k, side))
    return GarmentParts(body, sleeves, (float(tl[0]), float(tr[0])), int(tl[1]), int(hl[1]), (float(hl[0]), float(hr[0])), cx,
                        off and len(sleeves) == 2)


def sleeve_steps(gmask: np.ndarray, tl: np.ndarray, tr: np.ndarray, ml: np.ndarray, mr: np.ndarray,
                 hl: np.ndarray) -> bool:
    """Sleeves sewn to the body down their whole length (puff sleeves, an off-shoulder top's, a raglan's) leave no
    backdrop between sleeve and body: the landmarks' side row then runs across the sleeves, and the whole top was
    taken for its body (worn as a wide box, no sleeves on the arms). Their bottom shows in the outline as a step in
    towards the body; where the side row lies outside the body below that step, the body's sides (and its shoulder
    corners) move in to it. In place; True where the corners moved (an off-shoulder top)."""
    y_top, y_hem = int(round(tl[1])), int(round(hl[1]))
    glen, gw = max(y_hem - y_top, 1), max(float(tr[0] - tl[0]), 1.0)
    rows = gmask[max(0, y_top):max(0, y_hem)]
    if len(rows) < 20 or not rows.any(axis=1).all():
        return False
    W = gmask.shape[1]
    left = np.argmax(rows, axis=1).astype(np.float32)
    right = (W - 1 - np.argmax(rows[:, ::-1], axis=1)).astype(np.float32)
    k = max(2, int(0.04 * glen))
    lo, hi = int(0.1 * glen), min(int(0.8 * glen), len(rows) - 2 * k)
    if hi <= lo:
        return False
    moved = []
    for edge, corner, mid, side in ((left, tl, ml, 1.0), (right, tr, mr, -1.0)):
        step = (edge[lo + k:hi + k] - edge[lo:hi]) * side  # inward jump over k rows
        i = int(np.argmax(step))
        if step[i] < 0.15 * gw:
            continue
        below = float(np.median(edge[lo + i + k:lo + i + 2 * k]))  # the body's side under the sleeve
        if (below - mid[0]) * side < 0.08 * gw or y_top + lo + i < mid[1] - 0.1 * glen:
            continue  # the side row was the body's already (a tee's sleeves stand apart from it)
        mid[0] = below
        if (below - corner[0]) * side > 0.12 * gw:  # the top row runs across the sleeves too (off the shoulder)
            moved.append((corner, below))
    if len(moved) == 2:  # on both sides (a top is symmetric; one arm held out in a cut-out is not that)
        for corner, below in moved:
            corner[0] = below
    return len(moved) == 2


def side_slits(gmask: np.ndarray, tl: np.ndarray, tr: np.ndarray) -> np.ndarray:
    """The slit between a long sleeve laid alongside the body and the body, below the shoulder corners and towards
    the sides (never the neckline, in the middle): backdrop with cloth left and right of it on its row. Worn, the
    body is whole there (left out, it showed as a white spike down each side of the chest)."""
    H, W = gmask.shape
    inside = np.maximum.accumulate(gmask, axis=1) & np.maximum.accumulate(gmask[:, ::-1], axis=1)[:, ::-1]
    out = inside & ~gmask
    gw = max(float(tr[0] - tl[0]), 1.0)
    out[: int(min(tl[1], tr[1])) + 1] = False
    out[:, int(max(0, tl[0] + 0.3 * gw)):int(max(0, tr[0] - 0.3 * gw))] = False
    ys = np.flatnonzero(gmask.any(axis=1))
    h = float(ys.max() - ys.min() + 1) if len(ys) else 1.0
    n, labels = cv2.connectedComponents(out.astype(np.uint8), connectivity=8)
    keep = np.zeros_like(out)
    for i in range(1, n):  # tall and thin: a slit, not the notch between a cuff and the hem
        rows = (labels == i).sum(axis=1)
        rows = rows[rows > 0]
        if len(rows) >= 0.2 * h and np.percentile(rows, 90) <= 0.15 * gw:
            keep |= labels == i
    return keep


def body_targets(parts: GarmentParts, body: BodyFrame, n: int = 5) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Matching points (flat-lay, person) on the garment's shoulder, chest, waist and hem rows, evenly across each
    row, so every horizontal line of the garment lands on a straight line of the body: stripes stay straight.
    Returns (src, dst, horizontal scale, vertical scale)."""
    re, le = worn_from(parts, body)
    gw = max(parts.top[1] - parts.top[0], 1.0)
    glen = max(parts.y_hem - parts.y_top, 1.0)
    body_ys = np.flatnonzero(parts.body.any(axis=1))
    straps = len(body_ys) and (parts.y_top - body_ys.min()) > 0.25 * gw  # straps rise well above the first full row
    if not parts.sleeves and straps:
        # Sleeveless (a tank, a cami): the flat-lay's first full-width row is the armholes' bottom, not the
        # shoulder seam; it lands at the armpits, as wide as the chest there, and the garment keeps its own
        # proportions (a cropped tank stays cropped).
        across = (body.ls - body.rs) / max(body.width, 1e-6)
        ease = 0.03 if parts.halter else 0.12  # a halter's chest row is its chest, not a cami's wider bust line
        lift = STRAP_AT * float((body.ls[1] + body.rs[1]) / 2 - body.neck_y) / max(body.width, 1e-6)  # tips over the line
        drop = 0.45 if parts.halter else armhole_drop(parts.y_top - body_ys.min(), gw, lift)
        arm = body.down * drop * body.width
        re, le = body.rs + arm - across * ease * body.width, body.ls + arm + across * ease * body.width
        sx = float(np.linalg.norm(le - re)) / gw
        # ... but a top ends by mid-thigh: a flared halter's narrow armhole row would scale it down to the knees.
        sy = min(sx, 1.25 * body.torso_len / glen)
        if parts.halter:  # a halter top's hem at the hips, with its own curve below
            sy = min(sy, halter.hem_cap(body, glen, float((re[1] + le[1]) / 2)))
    else:
        sx = float(np.linalg.norm(le - re)) / gw
        ratio = glen / gw / STANDARD_TOP
        # Near a standard top's length: to the hips (over a waistband: no gap); a long shirt longer; a cropped top
        # (well under) keeps its own length and shows the midriff.
        length = max(1.0, ratio) if ratio >= 0.55 else ratio
        sy = 1.12 * body.torso_len * length / glen
    across = (le - re) / max(np.linalg.norm(le - re), 1e-6)
    src, dst = [], []
    hw_top = (parts.top[1] - parts.top[0]) / 2
    hw_hem = (parts.hem[1] - parts.hem[0]) / 2
    centre_top = (re + le) / 2
    for f in (0.0, 0.33, 0.66, 1.0):
        gy = parts.y_top + f * glen
        ghw = hw_top + f * (hw_hem - hw_top)
        gcx = parts.cx + f * ((parts.hem[0] + parts.hem[1]) / 2 - parts.cx)
        c = centre_top + body.down * f * glen * sy
        for u in np.linspace(-1, 1, n):
            src.append((gcx + u * ghw, gy))
            dst.append(c + across * u * ghw * sx)
    if not parts.sleeves and straps:  # the strap tops or a halter's neck band where they are worn
        hang = strap_tops(parts, body, int(body_ys.min()))
        src[n:n] = [s for s, _ in hang]
        dst[n:n] = [d for _, d in hang]
    return np.array(src, np.float32), np.array(dst, np.float32), sx, sy


def worn_from(parts: GarmentParts, body: BodyFrame) -> tuple[np.ndarray, np.ndarray]:
    """Where the garment's top corners sit (image left, right): the shoulder edges (a set-in sleeve's seam); an
    off-shoulder top's neckline runs across the upper arms, a little below the shoulder joints."""
    re, le = body.shoulder_edges
    if parts.off_shoulder:
        drop = body.down * OFF_SHOULDER * body.width
        return re + drop, le + drop
    return re, le


def off_shoulder_along(parts: GarmentParts, body: BodyFrame, sleeve: np.ndarray, corner: np.ndarray,
                       along: float) -> float:
    """An off-shoulder sleeve starts lower on the arm and ends where the garment's own rows put its cuff (its
    gathered top is on the upper arm, not a longer sleeve): it reached past the elbow over her bare forearm."""
    if not parts.off_shoulder:
        return along
    reach = axis_length(sleeve, corner) * along
    return along * max(0.5, 1.0 - OFF_SHOULDER * body.width / max(reach, 1.0))


def strap_tops(parts: GarmentParts, body: BodyFrame, y0: int) -> list:
    """(flat-lay point, person point) for what a sleeveless top hangs from: a halter's neck band (one narrow run at
    the middle of its first rows) sits at the neck, above the neck base; a cami's straps (a run near each side) on
    the shoulders, a third of the way from the neck to the shoulder joint. Left to the armhole row's scale, a halter's
    band landed on the chest (the top started mid-chest, a painted chest above it)."""
    gw = max(parts.top[1] - parts.top[0], 1.0)
    y, runs = _runs_at(parts, y0)
    if not runs:
        return []
    neck = np.array([body.neck_x, body.neck_y], np.float32)
    if len(runs) == 1 and abs(runs[0].mean() - parts.cx) < 0.15 * gw and len(runs[0]) < 0.6 * gw:
        top = neck - body.down * 0.1 * body.width
        across = (body.ls - body.rs) / max(float(np.linalg.norm(body.ls - body.rs)), 1e-6)
        half = min(0.5 * len(runs[0]) * parts_scale(parts, body), 0.15 * body.width)
        return [((float(runs[0].mean()), float(y)), top),
                ((float(runs[0].min()), float(y)), top - across * half),
                ((float(runs[0].max()), float(y)), top + across * half)]
    if len(runs) == 1 and abs(runs[0].mean() - parts.cx) >= 0.2 * gw:  # one strap's tip stands higher (a tilted
        y, runs = _runs_at(parts, both_straps_from(parts.body, y0, parts.y_top))  # shoulder): where both show
    if len(runs) >= 2:
        left, right = runs[0], runs[-1]
        if left.mean() < parts.cx - 0.2 * gw and right.mean() > parts.cx + 0.2 * gw:
            return [((float(left.mean()), float(y)), body.rs + (neck - body.rs) * STRAP_AT),
                    ((float(right.mean()), float(y)), body.ls + (neck - body.ls) * STRAP_AT)]
    return []


def _runs_at(parts: GarmentParts, y0: int) -> tuple[int, list]:
    """The row a tenth of the way from y0 down to the first full row, and the body's runs of 2 px or more on it."""
    y = int(y0 + 0.1 * (parts.y_top - y0))
    xs = np.flatnonzero(parts.body[y])
    runs = np.split(xs, np.flatnonzero(np.diff(xs) > 2) + 1) if len(xs) else []
    return y, [r for r in runs if len(r) >= 2]


def parts_scale(parts: GarmentParts, body: BodyFrame) -> float:
    """Flat-lay pixels -> person pixels across, as body_targets scales the garment's width."""
    re, le = body.shoulder_edges
    return float(np.linalg.norm(le - re)) / max(parts.top[1] - parts.top[0], 1.0)


def arm_direction(person: Person, side: int, body: BodyFrame) -> np.ndarray:
    """Unit vector down the upper arm on the image-left (-1) or image-right (+1) side."""
    name = "r" if side < 0 else "l"
    s = point_of(person, f"{name}_shoulder")
    v = person.landmarks[{"r": 14, "l": 13}[name]]
    if v[2] >= 0.1:
        d = v[:2] - s
    else:
        d = body.down * np.cos(0.17) + np.array([side * np.sin(0.17), 0.0])
    return (d / max(np.linalg.norm(d), 1e-6)).astype(np.float32)


def sleeve_scale(person: Person, side: int, body: BodyFrame, sleeve: np.ndarray, corner: np.ndarray, sy: float) -> float:
    """Along-the-arm scale of a sleeve: a long sleeve (longer than the flat-lay's shoulder width... about the arm)
    ends at the wrist; a short one keeps the garment's own proportion."""
    ys, xs = np.nonzero(sleeve)
    length = float(np.sqrt(((np.stack([xs, ys], 1) - corner) ** 2).sum(1)).max())
    name = "r" if side < 0 else "l"
    wrist = person.landmarks[{"r": 16, "l": 15}[name]]
    edge = body.shoulder_edges[0 if side < 0 else 1]
    path = arm_path(person, side, body)
    # Along the arm (through the elbow): a bent arm's wrist is near the shoulder, its sleeve is not longer for it.
    arm = (float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum()) if path is not None
           else float(np.linalg.norm(wrist[:2] - edge)))
    if wrist[2] >= 0.1 and length * sy > 0.6 * arm:  # a long sleeve: cuff at the wrist
        # measured along the sleeve's own axis, as sleeve_points lays it (its farthest corner from the shoulder
        # is longer: the cuff stopped short of the wrist and the old cuff showed below it)
        return arm / max(axis_length(sleeve, corner) if path is not None else length, 1.0)
    return sy


def axis_length(sleeve: np.ndarray, corner: np.ndarray) -> float:
    """How far the sleeve reaches from its shoulder corner along its own main axis."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    c = pts.mean(0)
    _, _, vt = np.linalg.svd(pts - c, full_matrices=False)
    axis = vt[0] if (vt[0] @ (c - corner)) > 0 else -vt[0]
    return float(((pts - corner) @ axis).max())


def sleeve_transform(sleeve: np.ndarray, side: int, corner: np.ndarray, target: np.ndarray, arm: np.ndarray,
                     sx: float, sy: float) -> np.ndarray:
    """2x3 affine putting a flat-lay sleeve on the arm: its shoulder corner on the shoulder edge, its axis along the
    upper arm, its length scaled like the garment's length and its width like the garment's width."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    c = pts.mean(0)
    _, _, vt = np.linalg.svd(pts - c, full_matrices=False)
    axis = vt[0] if (vt[0] @ (c - corner)) > 0 else -vt[0]
    perp = np.array([-axis[1], axis[0]])
    arm_perp = np.array([-arm[1], arm[0]])  # both bases turn the same way: a rotation, never a mirror
    src = np.stack([axis, perp], 1)  # columns: garment axis, garment across
    dst = np.stack([arm * sy, arm_perp * sx], 1)
    A = dst @ np.linalg.inv(src)
    t = target - A @ corner
    return np.concatenate([A, t[:, None]], 1).astype(np.float32)


def arm_path(person: Person, side: int, body: BodyFrame) -> np.ndarray | None:
    """The arm as a polyline from the sleeve's seam on the shoulder edge through the elbow to the wrist (image
    left -1 / right +1), or None when the elbow or the wrist is not found."""
    name = "r" if side < 0 else "l"
    lm = person.landmarks
    elbow, wrist = lm[{"r": 14, "l": 13}[name]], lm[{"r": 16, "l": 15}[name]]
    if elbow[2] < 0.1 or wrist[2] < 0.1:
        return None
    edge = body.shoulder_edges[0 if side < 0 else 1]
    return np.array([edge, elbow[:2], wrist[:2]], np.float32)


def sleeve_points(sleeve: np.ndarray, side: int, corner: np.ndarray, path: np.ndarray, along: float,
                  sx: float, n: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Matching points (flat-lay, person) that bend a sleeve along the arm: the sleeve's own frame (its axis from
    the shoulder corner, and across it) is laid along the arm's polyline (shoulder edge, elbow, wrist), `along`
    flat-lay pixels -> person pixels along the arm and `sx` across. A straight arm gives the same placement as
    sleeve_transform; a bent one bends the sleeve at the elbow (a long sleeve follows the forearm)."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    c = pts.mean(0)
    _, _, vt = np.linalg.svd(pts - c, full_matrices=False)
    axis = vt[0] if (vt[0] @ (c - corner)) > 0 else -vt[0]
    perp = np.array([-axis[1], axis[0]], np.float32)
    rel = pts - corner
    u, v = rel @ axis, rel @ perp
    length = float(max(u.max(), 1.0))
    vs = np.linspace(float(np.percentile(v, 2)), float(np.percentile(v, 98)), 3)
    seg = np.diff(path, axis=0)
    seg_len = np.linalg.norm(seg, axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg_len)])
    dirs = seg / np.maximum(seg_len[:, None], 1e-6)
    src, dst = [], []
    for t in np.linspace(0, 1, n):
        s = t * length * along
        k = int(np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1))
        p = path[k] + dirs[k] * (s - cum[k])
        d = dirs[k]
        # Near the elbow the across direction turns smoothly from the upper arm's to the forearm's.
        if len(seg) > 1:
            w = float(np.clip((s - (cum[1] - 0.15 * seg_len[0])) / max(0.3 * seg_len[0], 1.0), 0, 1))
            d = (1 - w) * dirs[0] + w * dirs[1]
            d = d / max(np.linalg.norm(d), 1e-6)
        nrm = np.array([-d[1], d[0]], np.float32)
        for vv in vs:
            src.append(corner + axis * t * length + perp * vv)
            dst.append(p + nrm * vv * sx)
    return np.array(src, np.float32), np.array(dst, np.float32)
