"""Full-body fashion croquis figures drawn by Atelier itself (front view, the catalog's flat style), with exact
landmarks in MediaPipe's 33-point layout (so openpose18() works as for a photo) and the silhouette as the mask:
no pose guess is needed for them. Three body types, three skin tones."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from core.samples import BACKGROUND
from core.tryon.pose import Person

W, H = 480, 1024  # a 9-heads croquis, feet inside the frame
SS = 2  # drawn at 2x, downsampled for smooth edges


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    shoulder: float  # half distance between the shoulder joints
    waist: float  # half widths of the silhouette
    hip: float
    limb: float  # thickness factor for neck, arms and legs
    skin: tuple[int, int, int]
    hair: tuple[int, int, int]


FIGURES = {f.key: f for f in (
    Figure("slim", "Croquis: slim, light skin", 74, 46, 70, 0.9, (241, 203, 176), (122, 86, 52)),
    Figure("average", "Croquis: average, medium skin", 82, 58, 82, 1.0, (198, 140, 96), (38, 28, 22)),
    Figure("curvy", "Croquis: curvy, deep skin", 86, 70, 100, 1.15, (120, 78, 52), (22, 16, 14)),
)}


def _joints(f: Figure) -> dict[str, tuple[float, float]]:
    cx = W / 2
    kx, ax = 0.55 * f.hip, 0.45 * f.hip
    return {"nose": (cx, 108), "l_eye": (cx + 17, 92), "r_eye": (cx - 17, 92), "l_ear": (cx + 40, 98),
            "r_ear": (cx - 40, 98), "mouth_l": (cx + 10, 126), "mouth_r": (cx - 10, 126),
            "l_shoulder": (cx + f.shoulder, 200), "r_shoulder": (cx - f.shoulder, 200),
            "l_elbow": (cx + f.shoulder + 22, 355), "r_elbow": (cx - f.shoulder - 22, 355),
            "l_wrist": (cx + f.shoulder + 30, 490), "r_wrist": (cx - f.shoulder - 30, 490),
            "l_hip": (cx + 0.62 * f.hip, 470), "r_hip": (cx - 0.62 * f.hip, 470),
            "l_knee": (cx + kx, 700), "r_knee": (cx - kx, 700), "l_ankle": (cx + ax, 935), "r_ankle": (cx - ax, 935)}


MP = {"nose": 0, "l_eye": 2, "r_eye": 5, "l_ear": 7, "r_ear": 8, "mouth_l": 9, "mouth_r": 10, "l_shoulder": 11,
      "r_shoulder": 12, "l_elbow": 13, "r_elbow": 14, "l_wrist": 15, "r_wrist": 16, "l_hip": 23, "r_hip": 24,
      "l_knee": 25, "r_knee": 26, "l_ankle": 27, "r_ankle": 28}


def _hand(d: ImageDraw.ImageDraw, wx: float, wy: float, side: int, t: float, fill) -> None:
    """A relaxed hand hanging at the side, seen from the front: palm towards the thigh, fingers together, the thumb
    forward on the body's side."""
    s = SS
    d.ellipse([(wx - 11 * t) * s, (wy - 2) * s, (wx + 11 * t) * s, (wy + 30) * s], fill=fill)  # palm
    d.rounded_rectangle([(wx - 9 * t) * s, (wy + 18) * s, (wx + 9 * t) * s, (wy + 50) * s], radius=int(8 * s),
                        fill=fill)  # fingers
    tx = wx - side * 9 * t
    d.ellipse([(tx - 5) * s, (wy + 8) * s, (tx + 5) * s, (wy + 34) * s], fill=fill)  # thumb


def _foot(d: ImageDraw.ImageDraw, ax: float, ay: float, t: float, fill) -> None:
    """A foot facing the viewer: the instep narrowing from the ankle, a rounded toe below it."""
    s = SS
    d.polygon([((ax - 11 * t) * s, (ay - 8) * s), ((ax + 11 * t) * s, (ay - 8) * s), ((ax + 13 * t) * s, (ay + 26) * s),
               ((ax - 13 * t) * s, (ay + 26) * s)], fill=fill)
    d.ellipse([(ax - 14 * t) * s, (ay + 14) * s, (ax + 14 * t) * s, (ay + 46) * s], fill=fill)


def _face(d: ImageDraw.ImageDraw, f: Figure, j: dict) -> None:
    """Eyes (white, iris, lid line), brows, a shaded nose, two-tone lips and ears: a face, not dots."""
    s, cx = SS, W / 2
    dark = tuple(int(c * 0.62) for c in f.skin)
    lip = tuple(int(0.55 * c + 0.45 * r) for c, r in zip(f.skin, (176, 64, 72)))
    lip_dark = tuple(int(c * 0.75) for c in lip)
    for side in (-1, 1):
        ex, ey = j["l_eye" if side > 0 else "r_eye"]
        d.ellipse([(ex - 8) * s, (ey - 4) * s, (ex + 8) * s, (ey + 4) * s], fill=(246, 242, 236))  # white
        d.ellipse([(ex - 4) * s, (ey - 4) * s, (ex + 4) * s, (ey + 4) * s], fill=(70, 48, 36))  # iris
        d.ellipse([(ex - 1.8) * s, (ey - 1.8) * s, (ex + 1.8) * s, (ey + 1.8) * s], fill=(15, 10, 10))  # pupil
        d.arc([(ex - 9) * s, (ey - 6) * s, (ex + 9) * s, (ey + 5) * s], 195, 345, fill=(30, 22, 20), width=2 * s)  # lid
        d.line([((ex - 10) * s, (ey - 10) * s), (ex * s, (ey - 13) * s), ((ex + 10) * s, (ey - 11) * s)],
               fill=f.hair, width=3 * s, joint="curve")  # brow
        ex2 = cx + side * 40
        d.ellipse([(ex2 - 6) * s, 90 * s, (ex2 + 6) * s, 114 * s], fill=f.skin)  # ear
        d.arc([(ex2 - 4) * s, 94 * s, (ex2 + 4) * s, 110 * s], 270 if side > 0 else 90, 90 if side > 0 else 270,
              fill=dark, width=s)
    d.line([((cx - 2) * s, 98 * s), ((cx - 4) * s, 110 * s)], fill=dark, width=s)  # nose ridge shadow
    d.arc([(cx - 7) * s, 106 * s, (cx + 7) * s, 116 * s], 20, 160, fill=dark, width=2 * s)  # nostrils
    d.chord([(cx - 9) * s, 121 * s, (cx + 9) * s, 129 * s], 180, 360, fill=lip_dark)  # upper lip
    d.chord([(cx - 8) * s, 122 * s, (cx + 8) * s, 131 * s], 0, 180, fill=lip)  # lower lip
    d.line([((cx - 9) * s, 125 * s), ((cx + 9) * s, 125 * s)], fill=tuple(int(c * 0.6) for c in lip), width=s)


def _silhouette(d: ImageDraw.ImageDraw, f: Figure, j: dict, fill) -> None:
    s = SS
    P = lambda pts: [(x * s, y * s) for x, y in pts]  # noqa: E731
    cx = W / 2
    t = f.limb
    d.ellipse([(cx - 40) * s, 42 * s, (cx + 40) * s, 152 * s], fill=fill)  # head
    d.polygon(P([(cx - 15 * t, 135), (cx + 15 * t, 135), (cx + 18 * t, 180), (cx - 18 * t, 180)]), fill=fill)  # neck
    sh, wa, hi = f.shoulder, f.waist, f.hip
    d.polygon(P([(cx - 22 * t, 172), (cx + 22 * t, 172), (cx + sh + 8, 186), (cx + sh + 16, 205), (cx + sh - 2, 260),
                 (cx + sh - 6, 300), (cx + wa, 385), (cx + hi, 470), (cx + hi - 4, 520), (cx, 530), (cx - hi + 4, 520),
                 (cx - hi, 470), (cx - wa, 385), (cx - sh + 6, 300), (cx - sh + 2, 260), (cx - sh - 16, 205),
                 (cx - sh - 8, 186)]), fill=fill)
    for side in (-1, 1):
        n = "l" if side > 0 else "r"
        sx, sy = j[f"{n}_shoulder"]
        ex, ey = j[f"{n}_elbow"]
        wx, wy = j[f"{n}_wrist"]
        d.line(P([(sx, sy), (ex, ey)]), fill=fill, width=int(34 * t * s), joint="curve")
        d.line(P([(ex, ey), (wx, wy)]), fill=fill, width=int(26 * t * s), joint="curve")
        for (x, y), r in (((sx, sy), 17 * t), ((ex, ey), 13 * t), ((wx, wy), 12 * t)):
            d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=fill)
        _hand(d, wx, wy, side, t, fill)
        kx, ky = j[f"{n}_knee"]
        axx, ay = j[f"{n}_ankle"]
        d.polygon(P([(cx + side * hi, 470), (cx + side * hi - side * 2, 520), (kx + side * 26 * t, ky),
                     (axx + side * 13 * t, ay), (axx - side * 11 * t, ay), (kx - side * 22 * t, ky), (cx + side * 4, 532)]),
                  fill=fill)
        d.ellipse([(kx - 24 * t) * s, (ky - 20) * s, (kx + 24 * t) * s, (ky + 20) * s], fill=fill)
        _foot(d, axx, ay, t, fill)


@lru_cache(maxsize=8)
def _drawn(key: str) -> tuple[Image.Image, np.ndarray, np.ndarray, np.ndarray]:
    f = FIGURES[key]
    j = _joints(f)
    n = (W * SS, H * SS)
    mask = Image.new("L", n, 0)
    _silhouette(ImageDraw.Draw(mask), f, j, 255)
    body = Image.new("RGB", n, f.skin)
    # The catalog's flat light from the upper left and darker towards the silhouette's edges: reads as volume.
    yy, xx = np.mgrid[0:n[1], 0:n[0]].astype(np.float32)
    light = 1.05 - 0.12 * np.hypot(xx / n[0] - 0.35, yy / n[1] - 0.2)
    edge = np.asarray(mask.filter(ImageFilter.GaussianBlur(10 * SS)), np.float32) / 255.0
    arr = np.asarray(body, np.float32) * (light * (0.8 + 0.2 * edge))[..., None]
    body = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(body)
    s, cx = SS, W / 2
    leotard = (186, 188, 194)
    lm = Image.new("L", n, 0)
    ImageDraw.Draw(lm).polygon([(x * s, y * s) for x, y in [
        (cx - f.shoulder + 14, 215), (cx - 18, 205), (cx, 232), (cx + 18, 205), (cx + f.shoulder - 14, 215),
        (cx + f.shoulder, 300), (cx + f.waist + 2, 385), (cx + f.hip + 2, 470), (cx + 0.55 * f.hip, 515), (cx, 540),
        (cx - 0.55 * f.hip, 515), (cx - f.hip - 2, 470), (cx - f.waist - 2, 385), (cx - f.shoulder, 300)]], fill=255)
    # The leotard stays a little inside the outline, so a garment trimmed to the silhouette always covers it.
    inset = np.asarray(mask.filter(ImageFilter.MinFilter(2 * 4 * SS + 1))) > 0
    lm = Image.fromarray((np.asarray(lm) > 0) & inset).convert("L")
    suit = np.asarray(Image.new("RGB", n, leotard), np.float32) * (light * (0.82 + 0.18 * edge))[..., None]
    body.paste(Image.fromarray(np.clip(suit, 0, 255).astype(np.uint8)), (0, 0), lm)
    d.chord([(cx - 42) * s, 34 * s, (cx + 42) * s, 112 * s], 180, 360, fill=f.hair)  # hair, swept back
    d.ellipse([(cx - 20) * s, 22 * s, (cx + 20) * s, 56 * s], fill=f.hair)  # bun
    mdraw = ImageDraw.Draw(mask)
    mdraw.ellipse([(cx - 20) * s, 22 * s, (cx + 20) * s, 56 * s], fill=255)
    forehead = tuple(min(255, int(c * 1.02)) for c in f.skin)
    d.chord([(cx - 33) * s, 66 * s, (cx + 33) * s, 112 * s], 180, 360, fill=forehead)  # a rounded hairline
    _face(d, f, j)
    # Shoes facing the viewer: a plain pump over the foot (the catalog's shoes replace them in an outfit).
    shoe = (92, 78, 70)
    for side in (-1, 1):
        axx, ay = j["l_ankle" if side > 0 else "r_ankle"]
        t = f.limb
        d.polygon([((axx - 13 * t) * s, (ay + 12) * s), ((axx + 13 * t) * s, (ay + 12) * s),
                   ((axx + 14 * t) * s, (ay + 30) * s), ((axx - 14 * t) * s, (ay + 30) * s)], fill=shoe)
        d.ellipse([(axx - 15 * t) * s, (ay + 16) * s, (axx + 15 * t) * s, (ay + 48) * s], fill=shoe)
        d.line([((axx - 12 * t) * s, (ay + 13) * s), ((axx + 12 * t) * s, (ay + 13) * s)],
               fill=tuple(int(c * 0.7) for c in shoe), width=2 * s)
    canvas = Image.new("RGB", n, BACKGROUND)
    canvas.paste(body, (0, 0), mask)
    img = canvas.resize((W, H), Image.LANCZOS)
    m = np.asarray(mask.resize((W, H), Image.LANCZOS)) > 127
    suit_mask = np.asarray(lm.resize((W, H), Image.BILINEAR)) > 127
    lm33 = np.zeros((33, 3), np.float32)
    for name, idx in MP.items():
        lm33[idx] = (*j[name], 1.0)
    return img, m, lm33, suit_mask


def draw_figure(f: Figure | str) -> Person:
    """The figure as a ready Person: its image, exact landmarks, silhouette mask and its bodysuit (the quality check
    counts that as the figure's body: a top alone is not expected to hide the briefs below its hem)."""
    img, mask, lm, suit = _drawn(f if isinstance(f, str) else f.key)
    return Person(img.copy(), lm.copy(), mask.copy(), suit.copy())
