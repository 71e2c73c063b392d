"""Bare shoulders' upper outline: from the neck's side the trapezius slopes down to the shoulder point (the
acromion, a little above the pose's shoulder joint), then the deltoid's cap rounds down into the arm's outer edge.
An old tee's or sweatshirt's outline is boxy and higher (its shoulder seams sit on top of the shoulders), so drawn
skin that followed it made a flat block with square corners from shoulder to shoulder (g05 on p05). What lies above
this line is the backdrop; her real skin (the neck, a tank-top's bare shoulders) always stays as shot."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.body import BodyFrame
from core.tryon.pose import Person

# In shoulder widths (joint to joint): the neck's half width, where its side meets the trapezius (above the crew
# neckline's row), the shoulder point above the joint, the deltoid cap's radius (the arm's half width there).
NECK_HALF = 0.15
NECK_MAX = 0.24
NECK_UP = 0.02
ACROMION_UP = 0.07
CAP = 0.12
LIFT_MAX = 0.25  # how far above the line her real skin still lifts it (shoulder widths) ...
LIFT_SPREAD = 0.12  # ... and how far either side the lift carries
EDGE_UP = 0.025  # the neck outline kept ends this far above the junction (shoulder widths): below, it joins the drawn skin
BAND = 0.1  # the strip under the line where her real skin tells a bare shoulder
BARE_SHARE = 0.4


def _line(x: np.ndarray, neck: tuple[float, float], joint: np.ndarray, w: float) -> np.ndarray:
    """The outline's row at each distance out from the neck side (x >= 0 along one side): the trapezius falls
    steeply from the neck then levels towards the shoulder point, the cap is a quarter circle, then flat."""
    xn, yn = neck
    run = max(abs(float(joint[0]) - xn), 1.0)
    ya = float(joint[1]) - ACROMION_UP * w
    t = np.clip(x / run, 0.0, 1.0)
    y = yn + (ya - yn) * (1.0 - (1.0 - t) ** 2)
    r = CAP * w
    u = np.clip((x - run) / r, 0.0, 1.0)
    return np.where(x > run, ya + r * (1.0 - np.sqrt(1.0 - u ** 2)), y)


def _hanging(person: Person, side: str, joint: np.ndarray, w: float) -> bool:
    """The arm hangs down (its elbow seen well below the shoulder): a raised arm crosses the shoulder line."""
    e = person.landmarks[13 if side == "l" else 14]
    return e[2] >= 0.1 and e[1] > joint[1] + 0.3 * w


def above(person: Person, body: BodyFrame, skin: np.ndarray, worn: np.ndarray | None = None) -> np.ndarray:
    """Where no skin is drawn: above each hanging arm's shoulder line, out from the neck's side, on a side whose
    shoulder the old top covered (a tank's bare shoulder keeps its own outline, strap and all). The line rises to
    her real skin, and to the new top where it lies above it (`worn`: a strap sits on the shoulder, never in the
    air above it, g17 on p08)."""
    support = skin if worn is None else skin | worn
    H, W = skin.shape
    w = body.width
    out = np.zeros((H, W), bool)
    rows = np.arange(H)[:, None]
    cols = np.arange(W, dtype=np.float32)
    right_is_low = body.rs[0] <= body.ls[0]
    edge = cv2.dilate(skin.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    for side, joint in (("r", body.rs), ("l", body.ls)):
        if not _hanging(person, side, joint, w):
            continue
        sign = -1.0 if (side == "r") == right_is_low else 1.0
        xn, yn = neck_side(skin, body, sign)
        dist = sign * (cols - xn)
        line = lifted(_line(dist, (xn, yn), joint, w), support, dist >= 0, yn, w)
        cut = (dist >= 0)[None, :] & (rows < line[None, :]) & ~(edge & (rows < yn))  # her neck's soft outline stays
        if not _was_bare(skin, line, dist, abs(float(joint[0]) - xn), w):
            out |= cut
    return out


def lifted(line: np.ndarray, skin: np.ndarray, side: np.ndarray, yn: float, w: float) -> np.ndarray:
    """The line raised, smoothly, to her real skin's top where it shows above it (a bulky man's deltoid beside a
    tank's wide strap, g08 on p23): a real shoulder standing above the drawn line left a stub of skin in the
    backdrop. Per column the real skin's top within LIFT_MAX above the line, below the neck's junction `yn` (her
    neck's own skin is not a shoulder); the lift spread LIFT_SPREAD either side and eased."""
    H, W = skin.shape
    rows = np.arange(H, dtype=np.float32)[:, None]
    near = skin & side[None, :] & (rows < line[None, :]) & (rows >= np.maximum(line - LIFT_MAX * w, yn)[None, :])
    has = near.any(0)
    if not has.any():
        return line
    lift = np.where(has, line - near.argmax(0), 0.0).astype(np.float32)
    k = max(1, int(LIFT_SPREAD * w))
    win = np.lib.stride_tricks.sliding_window_view(np.pad(lift, k), 2 * k + 1).max(1)
    ease = np.convolve(win, np.ones(2 * k + 1, np.float32) / (2 * k + 1), mode="same")
    return line - np.maximum(ease, lift)


def neck_side(skin: np.ndarray, body: BodyFrame, sign: float) -> tuple[float, float]:
    """Where her neck's outline meets the shoulder's (sign: +1 image right): the outermost run of her real skin out
    from the neck's middle over the rows just above the neck base (a man's neck is wider, and a line started inside
    it cut a notch beside it, g40 on p08), at its real skin's top there (the trapezius' start shows above a crew
    collar: a line started below it left a bump of real skin, g05 on p05); NECK_HALF of the shoulders out at the
    neck base's row where no skin shows, NECK_MAX out at most."""
    H, W = skin.shape
    w = body.width
    x0, top = int(round(body.neck_x)), body.neck_y - NECK_UP * w
    default = (body.neck_x + sign * NECK_HALF * w, top)
    if not 0 <= x0 < W:
        return default
    reach = int(NECK_MAX * w)
    ys = np.arange(max(0, int(body.neck_y - 0.15 * w)), min(H, int(body.neck_y)))
    runs = []
    for y in ys:
        row = skin[y, x0:x0 + reach + 1] if sign > 0 else skin[y, x0::-1][: reach + 1]
        off = np.flatnonzero(~row)
        runs.append(off[0] if off.size else row.size)
    if len(runs) < 3 or max(runs) < 0.5 * NECK_HALF * w:
        return default
    run = int(np.clip(max(runs), NECK_HALF * w, reach)) - 1
    xn = int(np.clip(x0 + sign * run, 0, W - 1))
    col = np.flatnonzero(skin[ys, xn])
    if not col.size or col[0] == 0:  # a straight neck's side, no flare: its junction is at the neck base
        return float(xn), top
    return float(xn), float(min(top, ys[col[0]]))


def neck_outline(skin: np.ndarray, body: BodyFrame, mask: np.ndarray) -> np.ndarray:
    """Her neck's soft outline against the backdrop above where it meets each shoulder (the thin band within two
    pixels of both her real neck's skin and the backdrop): the photo's own, never repainted (drawn over or given to
    the backdrop, the neck's edge read as cut out, g05 on p05). An old collar beside her neck is thicker: it goes."""
    H, W = skin.shape
    k = np.ones((5, 5), np.uint8)
    near = (cv2.dilate(skin.astype(np.uint8), k) > 0) & (cv2.dilate((~mask).astype(np.uint8), k) > 0) & ~skin
    rows = np.arange(H)[:, None]
    cols = np.arange(W)[None, :]
    out = np.zeros((H, W), bool)
    for sign in (-1.0, 1.0):  # the neck's own side, above where it meets the shoulder (kept lower, a strand hung off it)
        _, yn = neck_side(skin, body, sign)
        out |= (sign * (cols - body.neck_x) >= 0) & (rows < yn - EDGE_UP * body.width)
    return out & near


def _was_bare(skin: np.ndarray, line: np.ndarray, dist: np.ndarray, run: float, w: float) -> bool:
    """Her real skin shows on most of the shoulder's top just under the line, on the slope (mid-slope to the
    shoulder point) or on the deltoid's cap (the shoulder point to the arm's outer edge): the old top left this
    shoulder bare (a tank: its strap lies on her, its outline is hers, g08 on p23)."""
    H = skin.shape[0]
    rows = np.arange(H)[:, None]
    under = (rows >= line[None, :]) & (rows < line[None, :] + BAND * w)
    for lo, hi in ((0.4 * run, run), (run - 0.02 * w, run + CAP * w)):
        band = ((dist >= lo) & (dist <= hi))[None, :] & under
        if band.any() and float(skin[band].mean()) > BARE_SHARE:
            return True
    return False
