"""Where her body is under the clothing a new garment takes away, from her own photo and pose: the neck as wide
as the neck she shows above the old collar, the shoulders' slope from the neck down to the shoulder caps (the
trapezius: steep beside the neck, flat over the shoulder), never the old garment's outline (a crew collar or a
loose sweatshirt is wider than the neck and higher than the shoulders). Skin is drawn only under this outline;
above it, where the old garment was, the backdrop continues."""
from __future__ import annotations

import numpy as np

from core.tryon.body import BodyFrame

# Shares of the shoulder width (joint to joint): a neck's half-width where none is seen, and its limits.
_NECK_HALF = 0.17
_NECK_LIMITS = (0.1, 0.24)


def neck_span(skin: np.ndarray, body: BodyFrame) -> tuple[float, float]:
    """(centre x, half-width) of her neck, measured on her skin between the chin and the neck base (the rows above
    an old collar), each row's skin run nearest the neck's middle; the pose's guess where too little is seen."""
    H, W = skin.shape
    w = body.width
    cx, cy, rx, ry = body.face
    y0, y1 = int(max(0, cy + ry)), int(min(H, body.neck_y - 0.1 * w))
    guess = (float(body.neck_x), _NECK_HALF * w)
    if y1 - y0 < 3:
        return guess
    mids, halves = [], []
    for y in range(y0, y1):
        xs = np.flatnonzero(skin[y])
        if len(xs) < 3:
            continue
        runs = np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
        run = min(runs, key=lambda r: 0 if r[0] <= cx <= r[-1] else min(abs(r[0] - cx), abs(r[-1] - cx)))
        if run[0] - 2 <= cx <= run[-1] + 2 or min(abs(run[0] - cx), abs(run[-1] - cx)) < 0.1 * w:
            mids.append(0.5 * (run[0] + run[-1]))
            halves.append(0.5 * (run[-1] - run[0] + 1))
    if len(halves) < 3:
        return guess
    half = float(np.clip(np.median(halves), *(f * w for f in _NECK_LIMITS)))
    return float(np.median(mids)), half


def shoulder_outline(body: BodyFrame, shape, neck: tuple[float, float] | None = None) -> np.ndarray:
    """True on and below her neck's and shoulders' top outline: the neck column (a touch wider at its base), then
    the trapezius from the neck's side (a tenth of the shoulders above the neck base) curving down to the top of
    each shoulder (0.15 of the shoulders above its joint) and round over the shoulder cap. Every row from the
    joints down is True (the arms and torso have their own outlines)."""
    H, W = shape
    w = body.width
    ncx, nh = neck if neck is not None else (float(body.neck_x), _NECK_HALF * w)
    out = np.zeros((H, W), bool)
    xs = np.arange(W, dtype=np.float32)
    top = np.full(W, np.inf, np.float32)  # the outline's row per column (inf: nothing above the joints)
    y_t = float(body.neck_y - 0.1 * w)
    for joint in (body.rs, body.ls):
        jx, jy = float(joint[0]), float(joint[1])
        sgn = 1.0 if jx > ncx else -1.0
        d = (xs - ncx) * sgn  # distance out from the neck's middle towards this shoulder
        dj = max(abs(jx - ncx), nh + 1.0)
        y_s = jy - 0.15 * w
        side = d >= 0
        u = np.clip((d - 1.1 * nh) / max(dj - 1.1 * nh, 1.0), 0, 1)
        slope = y_s - (y_s - y_t) * (1.0 - u) ** 2  # steep beside the neck, flat over the shoulder
        cap_r = 0.2 * w
        e = np.clip((d - dj) / cap_r, 0, 1)
        cap = jy - 0.15 * w * np.sqrt(np.clip(1.0 - e * e, 0, 1))  # round over the shoulder cap
        t = np.where(d <= dj, slope, np.where(d <= dj + cap_r, cap, np.inf))
        t = np.where(d <= 1.1 * nh, -np.inf, t)  # the neck column: all the way up
        top = np.where(side, t, top)
    top = np.where(np.abs(xs - ncx) <= nh, -np.inf, top)
    rows = np.arange(H, dtype=np.float32)[:, None]
    out = rows >= top[None, :]
    below = int(max(0, min(H, min(body.ls[1], body.rs[1]))))
    out[below:] = True
    return out


def neck_and_shoulders(skin: np.ndarray, body: BodyFrame, person_mask: np.ndarray) -> np.ndarray:
    """Her bare neck and shoulders on the person: under the outline, from the neck base (a tenth of the shoulders
    above it) down to below the joints, within the shoulder caps."""
    H, W = skin.shape
    w = body.width
    neck = neck_span(skin, body)
    m = shoulder_outline(body, (H, W), neck)
    rows = np.zeros((H, W), bool)
    y0 = int(max(0, body.face[1] + body.face[3]))  # from the chin (the face stays as it is)
    y1 = int(min(H, max(body.ls[1], body.rs[1]) + 0.1 * w))
    rows[y0:y1] = True
    x0 = int(max(0, min(body.ls[0], body.rs[0]) - 0.2 * w))
    x1 = int(min(W, max(body.ls[0], body.rs[0]) + 0.2 * w))
    cols = np.zeros((H, W), bool)
    cols[:, x0:x1 + 1] = True
    return m & rows & cols & person_mask

