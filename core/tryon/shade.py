"""The body's own shading for drawn skin: each limb and the torso as a rounded cylinder lit from the photo's light.

A bare midriff or arm drawn where clothing was is lit like a body: its surface turns away from the viewer towards
its outline (the local half-width taken from the silhouette itself, so a narrow arm and a wide torso are both
round), and the side that faces the photo's light (found on her visible skin: face and neck) is a little lighter
than the other. Lambert's law with an ambient share, as a factor near 1 to multiply her skin tone by."""
from __future__ import annotations

import cv2
import numpy as np

from core.tryon.relief import collarbone_relief
from core.tryon.torso_relief import torso_relief

_AMBIENT = 0.68  # the darkest a surface turned fully away gets (her skin's tone times this)


def light_side(L: np.ndarray, skin: np.ndarray, face: np.ndarray) -> float:
    """The photo's light across the body, -1 (from the image's left) .. 1 (from its right), from her face's and
    neck's skin: the lighter half of it faces the light. 0 where too little skin is seen."""
    pool = skin & face
    if pool.sum() < 80:
        pool = skin
    ys, xs = np.nonzero(pool)
    if len(xs) < 80:
        return 0.0
    cx = float(np.median(xs))
    left, right = L[ys[xs < cx], xs[xs < cx]], L[ys[xs > cx], xs[xs > cx]]
    if len(left) < 20 or len(right) < 20:
        return 0.0
    return float(np.clip((np.median(right) - np.median(left)) / 12.0, -0.6, 0.6))


def cylinder_shading(shape_mask: np.ndarray, width: float, light_x: float = 0.0) -> np.ndarray:
    """A factor (H, W) over the mask: 1 where the surface faces the viewer (lit side a touch more), down to the
    ambient share at the outline, as a rounded cylinder whose radius is the silhouette's local half-width.
    Worked out at half size over the mask's box (a few hundredths of a second)."""
    H, W = shape_mask.shape
    out = np.ones((H, W), np.float32)
    ys, xs = np.nonzero(shape_mask)
    if not len(ys):
        return out
    pad = 4
    y0, y1, x0, x1 = max(0, ys.min() - pad), min(H, ys.max() + pad + 1), max(0, xs.min() - pad), min(W, xs.max() + pad + 1)
    box = shape_mask[y0:y1, x0:x1]
    s = 2 if min(box.shape) > 40 else 1
    small = cv2.resize(box.astype(np.uint8), (max(1, box.shape[1] // s), max(1, box.shape[0] // s)),
                       interpolation=cv2.INTER_NEAREST)
    shade = _cylinder(small, width / s, light_x)
    out[y0:y1, x0:x1] = np.where(box, cv2.resize(shade, box.shape[::-1], interpolation=cv2.INTER_LINEAR), 1.0)
    return out


def _cylinder(mask: np.ndarray, width: float, light_x: float) -> np.ndarray:
    d = cv2.distanceTransform(np.pad(mask, 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
    r = max(2, int(0.25 * width))
    half = cv2.GaussianBlur(cv2.dilate(d, np.ones((2 * r + 1, 2 * r + 1), np.uint8)), (0, 0), max(1.0, 0.05 * width))
    t = np.clip(d / np.maximum(0.85 * half, 1.0), 0, 1)  # the middle line reaches 1: no crease along it
    z = np.sqrt(np.clip(1.0 - (1.0 - t) ** 2, 0, 1))  # the surface normal's part towards the viewer
    db = cv2.GaussianBlur(d, (0, 0), 1.0)
    gx, gy = cv2.Sobel(db, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(db, cv2.CV_32F, 0, 1, ksize=3)
    nx = -gx / np.maximum(np.hypot(gx, gy), 1e-3) * np.sqrt(np.clip(1.0 - z * z, 0, 1))  # towards the outline
    lz = np.sqrt(1.0 - light_x * light_x)
    lam = np.clip((z * lz + nx * light_x) / max(lz, 1e-3), 0, 1.15)
    return (_AMBIENT + (1.0 - _AMBIENT) * lam).astype(np.float32)


def _torso_rows(body, H: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The torso's centre x and half-width for every row, from the pose (shoulders 0.5, a soft waist, the hips'
    outline a fifth of the shoulders outside the hip joints), and the rows it spans."""
    w = body.width
    top = (body.ls + body.rs) / 2
    hip = (body.lh + body.rh) / 2
    hip_half = float(abs(body.lh[0] - body.rh[0])) / 2 + 0.19 * w
    span = max(float(hip[1] - top[1]), 1.0)
    fs = np.array([0.0, 0.62, 1.0, 1.0 + 0.45 * w / span])
    halves = np.array([0.5 * w, max(0.45 * w, 0.85 * hip_half), hip_half, hip_half])
    y = np.arange(H, dtype=np.float32)
    f = (y - top[1]) / span
    cx = top[0] + np.clip(f, 0, fs[-1]) * (hip[0] - top[0])
    hw = np.interp(f, fs, halves)
    return cx.astype(np.float32), hw.astype(np.float32), int(max(0, body.neck_y)), int(min(H, top[1] + fs[-1] * span))


def torso_rows(body, H: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The torso's centre x and half-width for every row and the rows it spans (its cylinder's and its relief's)."""
    return _torso_rows(body, H)


def torso_shading(body, shape, light_x: float = 0.0) -> np.ndarray:
    """The torso as a cylinder about its centre line from the pose: lit in the middle, turning away (darker) towards
    its sides, the light's side a touch lighter, and a little less light from the chest down to the hips."""
    H, W = shape
    out = np.ones((H, W), np.float32)
    if body is None or body.lh is None or body.rh is None:
        return out
    cx, hw, y0, y1 = _torso_rows(body, H)
    if y1 <= y0:
        return out
    xs = np.arange(W, dtype=np.float32)[None, :]
    u = np.clip((xs - cx[y0:y1, None]) / np.maximum(hw[y0:y1, None], 1.0), -1, 1)
    z = np.sqrt(1.0 - u * u)
    lz = np.sqrt(1.0 - light_x * light_x)
    lam = np.clip((z * lz + u * light_x) / max(lz, 1e-3), 0, 1.15)
    f = (np.arange(y0, y1, dtype=np.float32) - float((body.ls[1] + body.rs[1]) / 2)) / max(body.torso_len, 1.0)
    out[y0:y1] = (_AMBIENT + (1.0 - _AMBIENT) * lam) * (1.0 + _profile(f)[:, None] * z)
    return out


def _bump(f: np.ndarray, at: float, spread: float) -> np.ndarray:
    return np.exp(-0.5 * ((f - at) / spread) ** 2)


def _profile(f: np.ndarray) -> np.ndarray:
    """The torso's light from top to bottom (f: 0 at the shoulder line, 1 at the hip line), as in a studio light from
    a little above: the chest's upper plane lit, a soft shadow under the bust line, the belly lit a little, the
    lower belly turning away towards the hips. A few hundredths either way: form, never a drawn feature."""
    return (0.04 * _bump(f, 0.22, 0.1) - 0.06 * _bump(f, 0.44, 0.05) + 0.025 * _bump(f, 0.68, 0.12)
            - 0.06 * np.clip((f - 0.85) / 0.35, 0, 1)).astype(np.float32)


def neck_shading(body, shape, neck: tuple[float, float], light_x: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(factor, weight) for her neck drawn down to the collarbones: a cylinder about the neck's middle (its sides
    turning away, a softer ambient than a torso's: a neck is narrow and lit all round), fading into the chest
    below the collarbones (a little above the shoulder joints). The weight is soft at the neck's sides, so its edge
    reads as a neck turning into the shoulders, not a drawn line."""
    H, W = shape
    w = body.width
    ncx, nh = neck
    xs = np.arange(W, dtype=np.float32)[None, :]
    ys = np.arange(H, dtype=np.float32)[:, None]
    u = np.clip((xs - ncx) / max(1.15 * nh, 1.0), -1, 1)
    z = np.sqrt(1.0 - u * u)
    lz = np.sqrt(1.0 - light_x * light_x)
    lam = np.clip((z * lz + u * light_x) / max(lz, 1e-3), 0, 1.15)
    factor = np.broadcast_to(0.78 + 0.22 * lam, (H, W)).astype(np.float32)
    clav = float(min(body.ls[1], body.rs[1])) - 0.08 * w
    down = np.clip((clav - ys) / max(0.1 * w, 1.0), 0, 1)  # 1 above the collarbones, 0 on the chest
    across = np.clip((1.35 * nh - np.abs(xs - ncx)) / max(0.25 * nh, 1.0), 0, 1)
    weight = cv2.GaussianBlur((down * across).astype(np.float32), (0, 0), max(1.0, 0.02 * w))
    return factor, weight


def body_shading(area: np.ndarray, around: np.ndarray, limbs: np.ndarray | None, body, width: float,
                 light_x: float, neck: tuple[float, float] | None = None) -> np.ndarray:
    """Drawn skin's form: inside the limbs each limb as a cylinder from its own silhouette; elsewhere the torso's
    cylinder from the pose (the silhouette's own cylinder where the pose has no hips)."""
    if body is None or body.lh is None or body.rh is None:
        return cylinder_shading(around, width, light_x)
    # the torso's cylinder and, over it, the soft relief of a bare chest and belly (never one smooth slab), fading out
    # towards her own real skin beside the drawn area (drawn skin meets hers without a step)
    out = torso_shading(body, area.shape, light_x) * relief_off_real(
        torso_relief(body, area.shape, torso_rows(body, area.shape[0])), around & ~area, width)
    neck_rows = np.arange(area.shape[0]) < int(max(0, body.neck_y))
    if neck is not None:  # her neck down to the collarbones: a narrow cylinder of its own
        nf, nw = neck_shading(body, area.shape, neck, light_x)
        out = (out * (1.0 - nw) + nf * nw) * collarbone_relief(body, area.shape, neck)
    elif (area & neck_rows[:, None]).any():  # the neck above the torso: a cylinder of its own outline
        nf = cylinder_shading(around & neck_rows[:, None], width, light_x)
        out[neck_rows] = nf[neck_rows]
    if limbs is not None and (limbs & area).any():
        lim = cylinder_shading(limbs & around, width, light_x)
        inside = limbs & around
        ramp = shoulder_ramp(body, area.shape)
        out[inside] = (out * (1.0 - ramp) + lim * ramp)[inside]
    return out


def relief_off_real(relief: np.ndarray, real: np.ndarray, width: float) -> np.ndarray:
    """The relief (a factor near 1) eased to 1 within a tenth of the shoulders of her real skin."""
    if not real.any():
        return relief
    d = cv2.distanceTransform((~real).astype(np.uint8), cv2.DIST_L2, 3)
    return (1.0 + (relief - 1.0) * np.clip(d / max(0.1 * width, 1.0), 0, 1)).astype(np.float32)


def shoulder_ramp(body, shape) -> np.ndarray:
    """(H, 1) weight of an arm's own form against the torso's: 0 over the shoulder (the shoulder's top and cap are
    the torso's, no disc of the arm's capsule shows there), 1 from a quarter of the shoulders below the joints."""
    H = shape[0]
    if body is None:
        return np.ones((H, 1), np.float32)
    jy = float(min(body.ls[1], body.rs[1]))
    y = np.arange(H, dtype=np.float32)[:, None]
    return np.clip((y - (jy - 0.05 * body.width)) / max(0.3 * body.width, 1.0), 0, 1).astype(np.float32)
