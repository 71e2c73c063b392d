"""The offline editor's painting: recolour, pattern fill and material textures laid over the garment's shading."""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.design.fabric import Fabric, garment_box, lab_of, read_fabric, seam_lines, shade, to_lab, to_rgb


def recolour(rgb: np.ndarray, region: np.ndarray, target, rng: np.random.Generator, motifs: bool = True) -> np.ndarray:
    """The ground becomes `target`; the print keeps its colours, and a print colour too close to the new ground takes
    the old ground colour instead (a white shirt with red flowers becomes a red shirt with white flowers). A backdrop
    (`motifs=False`) has no print: all of it takes the colour, its shadows kept."""
    lab = to_lab(rgb)
    fab = read_fabric(lab, region, rng)
    T = lab_of(target)
    # Ground pixels: the target, with the pixel's own lightness offset from the ground (folds, seams, weave).
    k = float(np.clip(T[0] / max(fab.ground[0], 1.0), 0.45, 1.5))
    ground_new = np.empty_like(lab)
    ground_new[..., 0] = T[0] + (lab[..., 0] - fab.ground[0]) * k
    ground_new[..., 1:] = T[1:]
    w = fab.weight[..., None] if motifs else np.ones(lab.shape[:2] + (1,), np.float32)
    if 1.0 - float(fab.weight[region].mean()) > 0.25 and not _printed_motifs(rgb):
        # An all-over pattern (stripes, checks, chevron): the whole cloth takes the colour, the pattern stays as
        # lighter and darker tones of it (tone on tone), as a dyer would re-dye a woven pattern.
        d_l = lab[..., 0] - fab.ground[0]
        print_new = np.empty_like(lab)
        print_new[..., 0] = T[0] + 22 * np.tanh(d_l / 25.0)
        print_new[..., 1:] = T[1:] * np.clip(print_new[..., 0] / max(T[0], 1.0), 0.6, 1.0)[..., None]
    else:
        # Motifs on a ground (flowers, dots): they keep their colours, unless they would vanish into the new ground.
        clash = np.linalg.norm(lab - T, axis=2) < 25
        swapped = shade(np.broadcast_to(fab.ground, lab.shape), fab.shading)
        print_new = np.where(clash[..., None], swapped, lab)
    return to_rgb(w * ground_new + (1 - w) * print_new)


def _printed_motifs(rgb: np.ndarray) -> bool:
    """Motifs printed on a ground (dots, blooms: they keep their colours when the ground is recoloured), as the
    catalog's pattern tagger reads the garment; anything else with that much print is treated as woven all over."""
    from core.attributes import detect_pattern

    return detect_pattern(Image.fromarray(rgb))[0] in ("polka dots", "floral")


def pattern_field(kind: str, h: int, w: int, period: int, rng: np.random.Generator) -> np.ndarray:
    """Where the accent colour goes (float 0..1, anti-aliased) for a pattern with the given period in pixels."""
    ss = 3  # drawn at 3x and averaged down: smooth edges at thumbnail size
    H, W, P = h * ss, w * ss, period * ss
    yy, xx = np.mgrid[0:H, 0:W]
    if kind == "stripes":
        sel = (yy % P) < P * 0.4
    elif kind == "checks":
        sel = (((yy // (P // 2)) % 2 == 0).astype(np.float32) + ((xx // (P // 2)) % 2 == 0)) / 2.0  # gingham
        return cv2.resize(sel.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    elif kind == "chevron":
        sel = (yy + np.abs((xx % P) - P / 2)) % P < P * 0.45
    elif kind == "polka dots":
        row = yy // P
        cy = (yy % P) - P / 2
        cx = ((xx + (row % 2) * P // 2) % P) - P / 2
        sel = cy**2 + cx**2 < (P * 0.22) ** 2
    else:  # floral: five-petal flowers scattered at random, each with a centre
        img = np.zeros((H, W), np.uint8)
        for _ in range(int(H * W / (P * P * 1.3))):
            x, y = int(rng.integers(0, W)), int(rng.integers(0, H))
            r = int(P * 0.22) + 1
            rot = rng.uniform(0, 2 * np.pi)
            for k in range(5):
                a = rot + k * 2 * np.pi / 5
                cv2.circle(img, (int(x + np.cos(a) * r), int(y + np.sin(a) * r)), max(1, int(r * 0.75)), 255, -1)
            cv2.circle(img, (x, y), max(1, int(r * 0.45)), 128, -1)
        sel = img / 255.0
    return cv2.resize(sel.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)


def paint_pattern(rgb: np.ndarray, region: np.ndarray, kind: str, base, accent, rng: np.random.Generator) -> np.ndarray:
    lab = to_lab(rgb)
    fab = read_fabric(lab, region, rng)
    y0, y1, x0, x1 = garment_box(region)
    period = max(6, int(min(y1 - y0, x1 - x0) / 9))
    sel = np.zeros(region.shape, np.float32)
    sel[y0:y1, x0:x1] = pattern_field(kind, y1 - y0, x1 - x0, period, rng)
    colours = (1 - sel[..., None]) * lab_of(base) + sel[..., None] * lab_of(accent)
    out = shade(colours, fab.shading)
    out[..., 0] -= 0.8 * seam_lines(lab)
    return to_rgb(out)


def _noise(h: int, w: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    n = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), sigma)
    return n / (n.std() + 1e-6)


@dataclass
class _Canvas:
    """What a material is drawn from: the new colour (Lab), the garment's shading, and the pixel grid."""
    base: np.ndarray
    shading: np.ndarray
    xx: np.ndarray
    yy: np.ndarray
    u: np.ndarray  # x, y from the garment's top left, in garment sizes
    v: np.ndarray
    size: int
    rng: np.random.Generator

    def noise(self, sigma: float) -> np.ndarray:
        return _noise(*self.shading.shape, sigma, self.rng)


def paint_texture(rgb: np.ndarray, region: np.ndarray, kind: str, colour, rng: np.random.Generator) -> np.ndarray:
    """A material laid over the garment's shading, each with the cue that names it at thumbnail size: leather is
    smooth with glossy highlights, suede matte and dusty with a brushed nap, denim a diagonal twill, knit rows of
    stitches, corduroy ribs, velvet deep with a soft sheen, silk smooth with broad light bands."""
    # 1. the garment's cloth, and the grid the material is drawn on
    lab = to_lab(rgb)
    fab = read_fabric(lab, region, rng)
    h, w = region.shape
    y0, y1, x0, x1 = garment_box(region)
    size = max(y1 - y0, x1 - x0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.broadcast_to(lab_of(colour), (h, w, 3)).astype(np.float32)
    u, v = (xx - x0) / max(size, 1), (yy - y0) / max(size, 1)
    canvas = _Canvas(base, fab.shading, xx, yy, u, v, size, rng)
    # 2. the material's own cue
    out = _MATERIALS.get(kind, _knit)(canvas)
    # 3. the garment's seams, cut parts and hardware carried through
    keep_structure(out, lab, region, fab, size)
    out = to_rgb(out)
    hardware = _hardware(lab, region, fab)
    out[hardware] = rgb[hardware]
    return out


def _leather(c: _Canvas) -> np.ndarray:
    S, u, v = c.shading, c.u, c.v
    out = shade(c.base, S, contrast=1.5)
    grain = c.noise(0.8)
    # Glossy: specular streaks where the light falls (two soft diagonal bands) on the lit side of the shading.
    bands = np.exp(-((u + v * 0.6 - 0.35) / 0.06) ** 2) + 0.6 * np.exp(-((u + v * 0.6 - 0.85) / 0.05) ** 2)
    gloss = bands * np.clip(S, 0.6, 1.3) + np.clip((S - 1.0) * 3, 0, 1) ** 2
    out[..., 0] += 2.0 * grain + 28 * gloss
    out[..., 1:] *= (1 - 0.5 * np.clip(gloss, 0, 1))[..., None]
    return out


def _suede(c: _Canvas) -> np.ndarray:
    out = shade(c.base, 1 + (c.shading - 1) * 0.5)
    nap = c.noise(max(2.0, c.size / 60))  # brushed patches of lighter and darker nap
    fine = c.noise(0.6)
    out[..., 0] += 4.0 * nap + 2.5 * fine + 4
    out[..., 1:] *= 0.8  # dusty, matte
    return out


def _denim(c: _Canvas) -> np.ndarray:
    twill = np.sin((c.xx + c.yy) * 2 * np.pi / 4.0)
    slub = c.noise(1.5)
    out = shade(c.base, c.shading)
    out[..., 0] += 5 * twill + 3 * slub
    fade = np.clip(c.noise(max(3.0, c.size / 25)), 0, None)  # worn, lighter patches
    out[..., 0] += 6 * fade
    out[..., 1:] *= (1 - 0.15 * np.clip(fade, 0, 1))[..., None]
    return out


def _corduroy(c: _Canvas) -> np.ndarray:
    rib = np.abs(np.sin(c.xx * np.pi / 4.0))
    out = shade(c.base, c.shading, contrast=1.2)
    out[..., 0] += 10 * (rib - 0.6)
    return out


def _velvet(c: _Canvas) -> np.ndarray:
    out = shade(c.base, 1 + (c.shading - 1) * 2.0)  # deep pile: strong light and dark
    out[..., 0] += 2 * c.noise(1.0)
    out[..., 1:] *= 1.15
    return out


def _silk(c: _Canvas) -> np.ndarray:
    bands = np.sin((c.u * 0.8 + c.v) * 2 * np.pi * 1.6) * 0.5 + 0.5
    out = shade(c.base, c.shading, contrast=0.8)
    out[..., 0] += 14 * bands ** 3
    return out


def _knit(c: _Canvas) -> np.ndarray:
    """Rows of V stitches."""
    cell = max(4, c.size // 40)
    fx, fy = (c.xx % cell) / cell, (c.yy % cell) / cell
    v_st = np.abs(np.abs(fx - 0.5) * 2 - fy)  # a V per cell
    out = shade(c.base, c.shading)
    out[..., 0] += 10 * (0.5 - np.clip(v_st, 0, 1))
    return out


_MATERIALS = {"leather": _leather, "suede": _suede, "denim": _denim, "corduroy": _corduroy, "velvet": _velvet,
              "silk": _silk, "knit": _knit}


def keep_structure(out: np.ndarray, lab: np.ndarray, region: np.ndarray, fab: Fabric, size: int) -> None:
    """Carry the garment's construction into a new material (in place, Lab): seams and edges as stitched lines
    (dark, with a highlight beside them so they read on black too), and the tone of parts cut from the ground
    fabric (a belt, lapels, pocket flaps, a waistband: darker or lighter than the cloth around them)."""
    seams = seam_lines(lab)
    # Not the rims of a print's motifs (dots, blooms): wide parts off the ground, unlike a seam's thin line.
    motifs = cv2.morphologyEx((fab.weight < 0.5).astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    seams = seams * (cv2.dilate(motifs, np.ones((5, 5), np.uint8)) == 0)
    out[..., 0] -= 0.8 * seams
    out[..., 0] += 0.45 * np.roll(np.roll(seams, 1, axis=0), 1, axis=1)
    sure = (fab.weight > 0.85).astype(np.float32)
    sigma = max(3.0, 0.04 * size)
    L = lab[..., 0].astype(np.float32)
    num = cv2.GaussianBlur(L * sure, (0, 0), sigma)
    den = cv2.GaussianBlur(sure, (0, 0), sigma)
    around = np.where(den > 1e-3, num / np.maximum(den, 1e-3), L)
    tone = np.clip(L - around, -30, 30) * np.clip(fab.weight, 0, 1)
    out[..., 0] += 0.7 * tone * region


def _hardware(lab: np.ndarray, region: np.ndarray, fab: Fabric) -> np.ndarray:
    """Buttons, studs and buckles: a few small blobs of one colour off the ground (a print repeats its motifs
    many times), kept as they are through a material change."""
    blobs = (region & (fab.weight < 0.3)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blobs, 8)
    area_max = 0.004 * region.sum()
    groups: dict[tuple, list[int]] = {}
    for k in range(1, n):
        x, y, bw, bh, area = stats[k]
        if area < 6 or area > area_max or max(bw, bh) > 3 * min(bw, bh):
            continue
        colour = lab[labels == k].mean(axis=0)
        groups.setdefault(tuple((colour / np.array([12.0, 10.0, 10.0])).round().astype(int)), []).append(k)
    print_px = blobs.astype(bool)
    keep = []
    for members in groups.values():
        if not 1 <= len(members) <= 12:
            continue
        # A colour the print does not use elsewhere (not the bits of a chevron cut by a belt), set in a row or a
        # column as buttons and studs are (not leaves scattered over the cloth).
        colour = np.mean([lab[labels == k].mean(axis=0) for k in members], axis=0)
        same = print_px & (np.linalg.norm(lab - colour, axis=2) < 12)
        if same.sum() > 2.0 * stats[members, cv2.CC_STAT_AREA].sum():
            continue
        cx = stats[members, cv2.CC_STAT_LEFT] + stats[members, cv2.CC_STAT_WIDTH] / 2
        cy = stats[members, cv2.CC_STAT_TOP] + stats[members, cv2.CC_STAT_HEIGHT] / 2
        spread = 0.03 * max(region.shape)
        if len(members) <= 2 or cx.std() < spread or cy.std() < spread:
            keep += members
    if not keep:
        return np.zeros(region.shape, bool)
    out = np.isin(labels, keep)
    return cv2.dilate(out.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & region
