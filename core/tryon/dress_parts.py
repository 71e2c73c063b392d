"""The parts of a dress besides its bodice and skirt, and the legs below it (classic backend): a dress's sleeves
found in its product shot and worn along the arms (bent at the elbow, a long sleeve to the wrist), and the shape of
the legs that a shorter dress shows where the old trousers were (thigh, knee, calf and ankle, not a tube)."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.dress_fused import fused_long_sleeves
from core.tryon.drape import arm_direction, arm_path, sleeve_scale, sleeve_transform
from core.tryon.pixels import quantise
from core.tryon.pose import Person
from core.tryon.reveal import clothing_colours, lab_of
from core.tryon.warp import tps_remap

# Half-widths of a leg across its length (shoulder widths): hip, mid-thigh, knee, calf, ankle, and where each
# sits between hip (0) and ankle (1).
LEG_PROFILE = ((0.0, 0.27), (0.25, 0.23), (0.5, 0.18), (0.64, 0.19), (0.9, 0.12), (1.0, 0.11))


def leg_shapes(person: Person, w: float) -> np.ndarray:
    """The legs as a front view draws them: wide at the thigh, narrow at the knee, a calf, a slim ankle, along the
    pose's hip -> knee -> ankle (where the ankle is seen), trimmed to the person."""
    H, W = person.mask.shape
    m = np.zeros((H, W), np.uint8)
    for side in ("l", "r"):
        if not all(person.visible(f"{side}_{j}") for j in ("hip", "knee", "ankle")):
            continue
        hip, knee, ankle = (np.asarray(person.point(f"{side}_{j}"), np.float32) for j in ("hip", "knee", "ankle"))
        left, right = [], []
        for t, half in LEG_PROFILE:
            a, b, u = (hip, knee, t / 0.5) if t <= 0.5 else (knee, ankle, (t - 0.5) / 0.5)
            p = a + u * (b - a)
            d = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
            n = np.array([-d[1], d[0]], np.float32)
            left.append(p + n * half * w)
            right.append(p - n * half * w)
        poly = np.array(left + right[::-1], np.float32)
        cv2.fillPoly(m, [np.round(poly).astype(np.int32)], 1)
        cv2.circle(m, tuple(np.int32(ankle)), max(1, int(0.11 * w)), 1, -1)
        cv2.circle(m, tuple(np.int32(hip)), max(1, int(LEG_PROFILE[0][1] * w)), 1, -1)  # the hip's round top
    return (m > 0) & person.mask


def old_lower_colours(person: Person, frame: BodyFrame, lab: np.ndarray, own: np.ndarray) -> np.ndarray | None:
    """Where the photo shows the old lower garment's colours (those of her thighs, not her skin), or None where
    her thighs show too little of it."""
    H, W = own.shape
    thighs = np.zeros((H, W), bool)
    hip_y, knee_y = float(min(frame.lh[1], frame.rh[1])), float(max(frame.lk[1], frame.rk[1]))
    thighs[int(hip_y + 0.2 * (knee_y - hip_y)):int(knee_y)] = True
    core = cv2.erode((thighs & person.mask & ~own).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    lut = clothing_colours(lab, core, share=0.05) if core.sum() > 200 else None
    return None if lut is None else lut[quantise(lab)] & person.mask & ~own


def old_hem_at_ankles(person: Person, frame: BodyFrame, base: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The old trousers' hem round the ankles, over the shoes' tops: the old lower garment's colours (from the
    thighs) beside the ankles. None of it where the shoes are in those colours too (black trousers, black shoes)."""
    H, W = own.shape
    w = frame.width
    old = old_lower_colours(person, frame, lab_of(base), own)
    out = np.zeros((H, W), bool)
    if old is None:
        return out
    for side in ("l", "r"):
        if person.visible(f"{side}_ankle"):
            ax, ay = person.point(f"{side}_ankle")
            zone = np.zeros((H, W), bool)
            zone[max(0, int(ay - 0.03 * w)):int(ay + 0.12 * w), max(0, int(ax - 0.3 * w)):int(ax + 0.3 * w) + 1] = True
            zone &= person.mask
            if zone.any() and (old & zone).sum() < 0.6 * zone.sum():
                out |= old & zone
    return out


def shoulder_band(frame: BodyFrame, top: float, shape) -> np.ndarray:
    """From the neck base to just under a dress's top edge, between the outer shoulders: what an old top covered
    there is her neck and shoulders (skin, never the backdrop: no flat band across the shoulders)."""
    band = np.zeros(shape, bool)
    re, le = frame.shoulder_edges
    x0, x1 = int(max(0, min(re[0], le[0]))), int(max(re[0], le[0])) + 1
    band[int(max(0, frame.neck_y)):int(max(frame.neck_y, top + 0.05 * frame.width)), x0:x1] = True
    return band


def flat_sleeves(mask: np.ndarray, runs: np.ndarray, y_top: int, y_waist: int, cx: float,
                 waist_w: float, tex: np.ndarray | None = None) -> list[tuple[np.ndarray, int]]:
    """The sleeves of a dress's product shot (image left -1, right +1): what lies outside the bodice, a shoulder's
    width about the centre down to the armpits narrowing to the waist, and beside the skirt's central run below it;
    a piece that starts above the waist and is big enough to be a sleeve. Long sleeves laid along the bodice with
    no gap are cut at their seams, head to cuff (dress_fused; `tex`, the shot, shows the seams)."""
    fused = fused_long_sleeves(mask, runs, y_top, y_waist, cx, cuff_step(runs, y_top), tex)
    if fused is not None:
        return fused[0]
    H, W = mask.shape
    body = np.zeros((H, W), bool)
    cols = np.arange(W)
    sh, armpit = shoulder_half(runs, y_top, y_waist, waist_w), y_top + 0.45 * (y_waist - y_top)
    for y in range(H):
        if y < y_waist:
            f = float(np.clip((y - armpit) / max(y_waist - armpit, 1), 0, 1))
            half = sh + f * (0.55 * waist_w - sh)
            body[y] = np.abs(cols - cx) <= half
        elif runs[y, 0] >= 0:
            body[y, runs[y, 0]:runs[y, 1] + 1] = True
    rest = mask & ~body
    rest = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest, 8)
    out = []
    for side in (-1, 1):
        best, area = 0, 0.01 * mask.sum()
        for k in range(1, n):
            x = stats[k, cv2.CC_STAT_LEFT] + stats[k, cv2.CC_STAT_WIDTH] / 2
            wide = stats[k, cv2.CC_STAT_WIDTH] >= 0.25 * sh  # out past the armhole, not a sliver of its edge
            if (x - cx) * side > 0 and wide and stats[k, cv2.CC_STAT_TOP] < armpit and stats[k, cv2.CC_STAT_AREA] > area:
                best, area = k, stats[k, cv2.CC_STAT_AREA]
        if best:
            out.append((labels == best, side))
    return out or fused_sleeves(mask, runs, y_top, cx)


def cuff_step(runs: np.ndarray, y_top: int) -> tuple[int, float] | None:
    """(row, bodice width below it) where sleeves laid down along a dress's sides end in its product shot: going
    down the upper body, the width drops by a quarter or more within a few rows (the cuffs) and stays narrow."""
    widths = np.where(runs[:, 0] >= 0, runs[:, 1] - runs[:, 0] + 1, 0).astype(np.float32)
    y_hem = int(np.flatnonzero(widths > 0).max())
    L = max(y_hem - y_top, 1)
    k = max(2, int(0.02 * L))
    best, drop = None, 0.0
    for y in range(y_top + int(0.2 * L), y_top + int(0.65 * L)):
        above, below = widths[y - k], float(np.median(widths[y + k:y + k + max(3, int(0.06 * L))]))
        if above > 0 and (above - below) / above >= 0.25 and above - below > drop:
            best, drop = (y, below), above - below
    return best


def fused_sleeves(mask: np.ndarray, runs: np.ndarray, y_top: int, cx: float) -> list[tuple[np.ndarray, int]]:
    """Sleeves laid along the bodice with no gap (long sleeves, puffed sleeves) in a dress's product shot: above the
    cuffs' step, what lies beyond the bodice's width under the cuffs, on each side."""
    step = cuff_step(runs, y_top)
    if step is None:
        return []
    y_step, below = step
    half = 0.55 * below
    rest = np.zeros(mask.shape, np.uint8)
    cols = np.abs(np.arange(mask.shape[1]) - cx) > half
    rest[:y_step] = (mask[:y_step] & cols[None, :]).astype(np.uint8)
    rest = cv2.morphologyEx(rest, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    out = []
    for side in (-1, 1):
        part = rest.astype(bool).copy()
        part[:, (np.arange(mask.shape[1]) - cx) * side <= 0] = False
        n, labels, stats, _ = cv2.connectedComponentsWithStats(part.astype(np.uint8), 8)
        if n > 1:
            k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
            if stats[k, cv2.CC_STAT_AREA] > 0.01 * mask.sum():
                out.append((labels == k, side))
    return out if len(out) == 2 else []


def shoulder_half(runs: np.ndarray, y_top: int, y_waist: int, waist_w: float) -> float:
    """Half the bodice's width at the shoulder seams in the product shot: the chest's width under the armpits (the
    lower half of the bodice, where no sleeve is joined), a little more, and never under the waist's."""
    a = int(y_top + 0.6 * (y_waist - y_top))
    r = runs[a:y_waist + 1]
    r = r[r[:, 0] >= 0]
    chest = float(np.percentile(r[:, 1] - r[:, 0] + 1, 25)) if len(r) else waist_w  # rows clear of puffed sleeves
    return 0.53 * max(chest, waist_w)


def sleeve_seam(sleeve: np.ndarray, side: int, cx: float, sh: float, y_top: int) -> np.ndarray:
    """The sleeve's corner at the shoulder seam in the product shot: the bodice's shoulder edge at the sleeve's top."""
    ys = np.flatnonzero(sleeve.any(axis=1))
    return np.array([cx + side * sh, max(int(ys.min()), y_top)], np.float32)


def sleeve_axis(sleeve: np.ndarray, corner: np.ndarray) -> np.ndarray:
    """The sleeve's direction from its seam to its cuff (the far tenth of its pixels), whatever its width."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    d = np.linalg.norm(pts - corner, axis=1)
    far = pts[d >= np.quantile(d, 0.9)].mean(0) - corner
    return (far / max(float(np.linalg.norm(far)), 1e-6)).astype(np.float32)


def _along(path: np.ndarray, dist: float) -> tuple[np.ndarray, np.ndarray]:
    """The point `dist` along a polyline and the unit direction there."""
    seg = np.diff(path, axis=0)
    lens = np.linalg.norm(seg, axis=1)
    k, left = 0, float(dist)
    while k < len(seg) - 1 and left > lens[k]:
        left -= float(lens[k])
        k += 1
    d = seg[k] / max(float(lens[k]), 1e-6)
    return path[k] + d * left, d


def sleeve_pairs(sleeve: np.ndarray, side: int, corner: np.ndarray, path: np.ndarray, along: float, sx: float,
                 armpit: np.ndarray, body: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Matching points (product shot, person) for a sleeve: its seam's top on the shoulder's edge, its seam's bottom
    at the armpit, its middle and its cuff's two corners along the arm (through the elbow), so a sleeve laid out at
    any angle in the shot hangs down the arm, its seam at the armhole."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    low = seam_bottom(sleeve, corner)
    mid_seam = (corner + low) / 2
    axis = sleeve_axis(sleeve, mid_seam)
    perp = np.array([-axis[1], axis[0]], np.float32)
    rel = pts - mid_seam
    length = float(max((rel @ axis).max(), 1.0))
    far = rel @ axis >= 0.9 * length
    v = rel[far] @ perp
    cuff = mid_seam + axis * length
    src = [corner, low, mid_seam + axis * 0.5 * length, cuff + perp * v.min(), cuff + perp * v.max()]
    top = path[0]
    start = (top + armpit) / 2
    arm = np.concatenate([[start], path[1:]], 0)
    p_mid, d_mid = _along(arm, 0.5 * length * along)
    p_end, d_end = _along(arm, length * along)
    n_end = np.array([-d_end[1], d_end[0]], np.float32)
    if n_end @ perp_to_person(perp, axis, d_end) < 0:
        n_end = -n_end
    # Worn, a wide flutter sleeve falls along the arm: its cuff no wider than its armhole (a flat-laid flare would
    # stand out from the arm like a wing).
    reach = 0.35 * float(np.linalg.norm(top - armpit))
    lo, hi = max(v.min() * sx, -reach), min(v.max() * sx, reach)
    dst = [top, armpit, p_mid, p_end + n_end * lo, p_end + n_end * hi]
    # A sleeve past the elbow of an arm bent there: its middle row across the arm at the elbow, centred on it, so
    # it keeps its width down the upper arm (five points let the print fan out into streaks between seam and
    # elbow). A short sleeve ends above the elbow, a straight arm's sleeve hangs straight: five points hold them.
    at_mid = np.abs(rel @ axis - 0.5 * length) <= 0.05 * length
    if bent(arm) and length * along > 1.2 * float(np.linalg.norm(arm[1] - arm[0])) and at_mid.sum() > 4:
        vm = rel[at_mid] @ perp
        n_mid = np.array([-d_mid[1], d_mid[0]], np.float32)
        if n_mid @ perp_to_person(perp, axis, d_mid) < 0:
            n_mid = -n_mid
        m = mid_seam + axis * 0.5 * length
        # As wide as the sleeve, at most its armhole's reach or, where the arm is wider, the arm (`body`: her
        # mask): a bishop sleeve billows round the elbow, never narrower than the arm under it.
        half = min(float(vm.max() - vm.min()) / 2 * sx, max(reach, 1.1 * arm_half(body, p_mid, n_mid, 2 * reach)))
        src[2] = m + perp * float(vm.max() + vm.min()) / 2
        src += [m + perp * vm.min(), m + perp * vm.max()]
        dst += [p_mid - n_mid * half, p_mid + n_mid * half]
    return np.array(src, np.float32), np.array(dst, np.float32)


def bent(arm: np.ndarray, degrees: float = 25.0) -> bool:
    """Whether the arm (seam, elbow, wrist) turns at the elbow by more than `degrees`."""
    if len(arm) < 3:
        return False
    a, b = arm[1] - arm[0], arm[2] - arm[1]
    cos = float(a @ b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-6)
    return cos < float(np.cos(np.radians(degrees)))


def arm_half(body: np.ndarray | None, p: np.ndarray, n: np.ndarray, most: float) -> float:
    """Half her arm's width across `p` along `n` (the run of `body` through it, each way at most `most`)."""
    if body is None:
        return 0.0
    H, W = body.shape
    ts = np.arange(0.0, most, 1.0, dtype=np.float32)
    reach = []
    for s in (-1.0, 1.0):
        q = np.round(p[None, :] + s * ts[:, None] * n[None, :]).astype(int)
        ok = (q[:, 0] >= 0) & (q[:, 0] < W) & (q[:, 1] >= 0) & (q[:, 1] < H)
        inside = np.zeros(len(ts), bool)
        inside[ok] = body[q[ok, 1], q[ok, 0]]
        out = np.flatnonzero(~inside)
        reach.append(float(out[0]) if len(out) else most)
    return sum(reach) / 2


def seam_bottom(sleeve: np.ndarray, corner: np.ndarray) -> np.ndarray:
    """The sleeve's seam's bottom (at the armpit) in the product shot, below its corner at the shoulder."""
    ys, xs = np.nonzero(sleeve)
    pts = np.stack([xs, ys], 1).astype(np.float32)
    seam = pts[np.abs(pts[:, 0] - corner[0]) <= 3]
    # A sleeve laid down the bodice's side touches it to the cuff; its seam is the armhole, about as deep as the
    # sleeve is wide.
    depth = 1.2 * float(sleeve.sum(axis=1).max())
    seam = seam[seam[:, 1] <= corner[1] + depth]
    return seam[np.argmax(seam[:, 1])] if len(seam) else corner + np.array([0, 0.5 * np.ptp(ys)], np.float32)


def perp_to_person(perp: np.ndarray, axis: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The sleeve's across direction turned with it onto the arm (a rotation taking its axis to the arm's)."""
    c, s_ = float(axis @ d), float(axis[0] * d[1] - axis[1] * d[0])
    return np.array([c * perp[0] - s_ * perp[1], s_ * perp[0] + c * perp[1]], np.float32)


def wear_sleeves(person: Person, frame: BodyFrame, tex: np.ndarray, sleeves: list, corners: list,
                 sx: float, sy: float, edges: tuple | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each sleeve along its arm from the shoulder's edge (rgb, alpha layers at the photo's size), bending at the
    elbow; a long sleeve ends at the wrist, a short one keeps the dress's own proportion. `edges`: the seams'
    points on her (image left, right), the frame's shoulder edges by default."""
    H, W = person.mask.shape
    re, le = frame.shoulder_edges if edges is None else bodice_edges(person, frame, edges)
    layers = []
    for (mask, side), corner in zip(sleeves, corners):
        # Its length from the middle of its seam (a deep armhole's seam is not the sleeve's length).
        along = sleeve_scale(person, side, frame, mask, (corner + seam_bottom(mask, corner)) / 2, sy)
        path = arm_path(person, side, frame)
        stack = np.concatenate([tex, mask[..., None].astype(np.float32)], 2)
        edge = re if side < 0 else le
        if path is not None:
            path = np.concatenate([[edge], path[1:]], 0).astype(np.float32)
            armpit = edge + frame.down * 0.45 * frame.width - side * np.array([0.1 * frame.width, 0.0])
            s_pts, d_pts = sleeve_pairs(mask, side, corner, path, along, sx, armpit.astype(np.float32),
                                        person.mask)
            out = tps_remap(stack, s_pts, d_pts, (W, H))
        else:
            M = sleeve_transform(mask, side, corner, edge, arm_direction(person, side, frame), sx, along)
            out = cv2.warpAffine(stack, M, (W, H), flags=cv2.INTER_LINEAR, borderValue=0)
        layers.append((out[..., :3], np.clip(out[..., 3], 0, 1)))
    return layers


def bodice_edges(person: Person, frame: BodyFrame, seams: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Where a sleeved bodice's shoulder ends land on her: dress.place centres it on the body's centre line, as
    wide as the seams are apart. A seam pulled in by a near outline on one side puts the seams' middle off that
    line; the sleeves' tops go where the bodice's ends are (no wedge of bare shoulder between them on the other
    side), moved at most a tenth of the shoulder width."""
    re, le = (np.asarray(s, np.float32) for s in seams)
    c = centre_line(person, frame, person.mask.shape[0])
    y = int(np.clip(round(float(re[1] + le[1]) / 2), 0, len(c) - 1))
    shift = float(np.clip(c[y] - (re[0] + le[0]) / 2, -0.1 * frame.width, 0.1 * frame.width))
    move = np.array([shift, 0.0], np.float32)
    return re + move, le + move


def follow_shoulders(map_y: np.ndarray, frame: BodyFrame, centre: np.ndarray, top_y: float, waist_y: float,
                     y_top: int, y_waist: int, contour: np.ndarray | None = None) -> np.ndarray:
    """A bodice's rows (cv2.remap map) with its top edge along her shoulders' slope: at the neck base about the
    centre, at `top_y` at the shoulders' edges, stretched evenly down to the waist (a crew neck sits at the neck,
    no old collar above it; no square corners standing above the shoulders). With `contour` (per column, the top
    of her shoulders in the photo: shoulder_contour) the edge never stands above her own shoulders' line."""
    H, W = map_y.shape
    w = frame.width
    re, le = frame.shoulder_edges
    top_c = min(top_y, float(frame.neck_y) - 0.02 * w)
    if top_c >= top_y - 1 and contour is None:
        return map_y
    n0, half = 0.25 * w, abs(float(le[0] - re[0])) / 2
    d = np.abs(np.arange(W, dtype=np.float32)[None, :] - centre[:, None])
    top = top_c + (top_y - top_c) * np.clip((d - n0) / max(half - n0, 1.0), 0, 1)
    if contour is not None:  # sloping shoulders: the straps lie on them, a little in from their outline
        top = np.maximum(top, np.minimum(contour[None, :] + 0.02 * w, waist_y - 0.3 * w))
    rows = np.arange(H, dtype=np.float32)[:, None]
    t = (rows - top) / np.maximum(waist_y - top, 1.0)
    bodice = np.where(t >= 0, y_top + t * (y_waist - y_top), -1e4)
    return np.where(rows < waist_y, bodice, map_y).astype(np.float32)


def centre_line(person: Person, frame: BodyFrame, H: int) -> np.ndarray:
    """x of the body's centre line for every row: shoulders -> hips -> knees -> ankles, held beyond the ends. Below
    the hips it leans only half as far as the legs do (a skirt hangs from the hips, not after a foot set aside)."""
    hip = (frame.lh + frame.rh) / 2
    legs = [(frame.lk + frame.rk) / 2] + ([(frame.la + frame.ra) / 2] if frame.ankles_seen else [])
    pts = [((frame.ls + frame.rs) / 2), hip] + [np.array([hip[0] + 0.5 * (p[0] - hip[0]), p[1]]) for p in legs]
    ys = np.array([p[1] for p in pts], np.float32)
    xs = np.array([p[0] for p in pts], np.float32)
    order = np.argsort(ys)
    return np.interp(np.arange(H, dtype=np.float32), ys[order], xs[order]).astype(np.float32)


def shoulder_contour(mask: np.ndarray, frame: BodyFrame) -> np.ndarray:
    """Per column, the first row of the person from a little above the neck base down (her shoulders' and arms'
    top line; the neck and the head read as that starting row); the image's height where the column is empty."""
    y0 = int(max(0, frame.neck_y - 0.1 * frame.width))
    part = mask[y0:]
    first = np.argmax(part, axis=0).astype(np.float32) + y0
    return np.where(part.any(axis=0), first, float(mask.shape[0])).astype(np.float32)


def past_wrists(person: Person, w: float, shape) -> np.ndarray:
    """Beyond each wrist along the forearm (the hand and what it holds), near it: where no sleeve goes. A long
    sleeve ends at the wrist, with no ring of cuff round the hand."""
    out = np.zeros(shape, np.uint8)
    yy, xx = np.mgrid[:shape[0], :shape[1]].astype(np.float32)
    for side in ("l", "r"):
        if not (person.visible(f"{side}_wrist") and person.visible(f"{side}_elbow")):
            continue
        wrist = np.asarray(person.point(f"{side}_wrist"), np.float32)
        d = wrist - np.asarray(person.point(f"{side}_elbow"), np.float32)
        d /= max(float(np.linalg.norm(d)), 1e-6)
        along = (xx - wrist[0]) * d[0] + (yy - wrist[1]) * d[1]
        near = (xx - wrist[0]) ** 2 + (yy - wrist[1]) ** 2 < (0.6 * w) ** 2
        out |= ((along > -0.13 * w) & near).astype(np.uint8)
    return out
