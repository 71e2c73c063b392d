"""The offline editor: recolour, pattern, material texture and removal inside the mask, without diffusion weights.

Every edit works on the garment's own structure: its ground colour (the largest colour cluster), its print (the
rest), and its shading (the ground's lightness, smoothed). Recolouring moves the ground to the new colour and keeps
the print; patterns and textures are laid over the shading; removal copies the garment's own fabric from elsewhere.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from core.attributes import PALETTE
from core.design.base import (DesignCancelled, DesignRequest, DesignResult, StepCallback, asks_for_backdrop,
                              edit_region, paste_back, prepare_mask)
from core.design.diffusion import DEFAULT_INPAINT_MODEL
from core.errors import AtelierError
from core.vocabulary import PHRASES

# Colour, pattern and material words from the one vocabulary: every shade maps to a colour the editor can paint.
COLOUR_WORDS = {w: c for w, (kind, c) in PHRASES.items() if kind == "colour" and " " not in w} | {"denim": None}
PATTERN_WORDS = {w: p for w, (kind, p) in PHRASES.items() if kind == "pattern" and " " not in w and p != "solid"}
TEXTURES = ("denim", "leather", "suede", "knit", "corduroy", "velvet", "silk")
TEXTURE_WORDS = {w: ("knit" if m == "wool" else m) for w, (kind, m) in PHRASES.items()
                 if kind == "material" and " " not in w and ("knit" if m == "wool" else m) in TEXTURES}
REMOVE_WORDS = {"remove", "erase", "delete", "clean", "rid"}
OFFLINE_HELP = ("The offline editor understands colours ('make it red', 'navy'), patterns ('navy stripes', "
                "'white polka dots', 'checks', 'floral', 'chevron'), materials ('denim', 'leather', 'suede', 'knit', "
                "'corduroy', 'velvet', 'silk'), 'remove this' and 'change the background to grey'. For free-form "
                f"prompts install the diffusion weights (`hf download {DEFAULT_INPAINT_MODEL}`).")


@dataclass
class EditPlan:
    kind: str  # recolour | pattern | texture | remove
    colour: str | None = None  # main colour word
    accent: str | None = None  # pattern colour
    pattern: str | None = None
    texture: str | None = None
    backdrop: bool = False  # the edit is for the backdrop, not the garment

    def describe(self) -> str:
        parts = {"recolour": f"recolour to {self.colour}", "remove": "remove (filled from the garment's own fabric)",
                 "pattern": f"{self.accent or 'contrasting'} {self.pattern} on {self.colour or 'the current colour'}",
                 "texture": f"{self.texture} in {self.colour or 'the current colour'}"}
        return parts[self.kind] + (" on the background" if self.backdrop else "")


def parse_edit(prompt: str) -> EditPlan:
    words = re.findall(r"[a-z]+", (prompt or "").lower())
    if not words:
        raise AtelierError("Describe the change you want (for example: 'make it red' or 'navy stripes').")
    backdrop = asks_for_backdrop(prompt)
    if REMOVE_WORDS & set(words):
        return EditPlan("remove", backdrop=backdrop)
    colours = [COLOUR_WORDS[w] for w in words if COLOUR_WORDS.get(w)]
    pattern = next((PATTERN_WORDS[w] for w in words if w in PATTERN_WORDS), None)
    texture = next((TEXTURE_WORDS[w] for w in words if w in TEXTURE_WORDS), None)
    if pattern:
        # "navy stripes" -> navy stripes on the current colour; "red with white dots" -> white dots on red.
        pos = next(i for i, w in enumerate(words) if w in PATTERN_WORDS)
        before = [COLOUR_WORDS[w] for w in words[:pos] if COLOUR_WORDS.get(w)]
        after = [COLOUR_WORDS[w] for w in words[pos:] if COLOUR_WORDS.get(w)]
        accent = before[-1] if before else (after[0] if after else None)
        base = None
        if len(colours) >= 2:
            base = next((c for c in colours if c != accent), None)
        return EditPlan("pattern", colour=base, accent=accent, pattern=pattern, backdrop=backdrop)
    if texture:
        return EditPlan("texture", colour=colours[0] if colours else ("blue" if texture == "denim" else None),
                        texture=texture, backdrop=backdrop)
    if colours:
        return EditPlan("recolour", colour=colours[0], backdrop=backdrop)
    raise AtelierError(f"The offline editor does not understand '{prompt.strip()}'. {OFFLINE_HELP}")


# ---- colour space -------------------------------------------------------------------------------------------------
def to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE Lab (L 0..100, a/b signed) of uint8 RGB."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def to_rgb(lab: np.ndarray) -> np.ndarray:
    lab = lab.astype(np.float32).copy()
    lab[..., 0] = np.clip(lab[..., 0], 0, 100)
    return np.clip(np.rint(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB) * 255), 0, 255).astype(np.uint8)


def _lab_of(colour) -> np.ndarray:
    return to_lab(np.array([[colour]], np.uint8))[0, 0]


@dataclass
class Fabric:
    """The garment inside the edit region: ground colour, how much each pixel is ground, and smooth shading."""
    ground: np.ndarray  # Lab
    weight: np.ndarray  # 0..1 per pixel: 1 = the ground colour, 0 = the print
    shading: np.ndarray  # ground lightness relative to its median, smoothed (1 = median); folds and light to keep


def read_fabric(lab: np.ndarray, region: np.ndarray, rng: np.random.Generator) -> Fabric:
    px = lab[region]
    sample = px[rng.choice(len(px), min(len(px), 6000), replace=False)].astype(np.float32)
    k = min(3, len(sample))
    _, labels, centres = cv2.kmeans(sample, k, None, (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5),
                                    3, cv2.KMEANS_PP_CENTERS)
    ground = centres[np.argmax(np.bincount(labels.ravel(), minlength=k))]
    # Shading differences (up to ~25 L) are still ground; a print differs in hue or strongly in lightness.
    d_ab = np.linalg.norm(lab[..., 1:] - ground[1:], axis=2)
    d_l = np.abs(lab[..., 0] - ground[0])
    d = np.hypot(d_ab, np.maximum(0.0, d_l - 12) * 1.2)
    weight = np.clip(1.0 - (d - 10.0) / 15.0, 0.0, 1.0) * region
    # Normalised convolution: the ground's lightness spread over the print's pixels, so shading ignores the print.
    sigma = max(2.0, 0.015 * max(region.shape))
    sure = (weight > 0.85).astype(np.float32)  # only clear ground pixels: mixed print edges would ghost through
    num = cv2.GaussianBlur(lab[..., 0] * sure, (0, 0), sigma)
    den = cv2.GaussianBlur(sure, (0, 0), sigma)
    ref = float(np.median(lab[..., 0][region & (weight > 0.5)])) if (region & (weight > 0.5)).any() else ground[0]
    smooth = np.where(den > 1e-3, num / np.maximum(den, 1e-3), ref)
    shading = np.clip(smooth / max(ref, 1.0), 0.3, 1.5)
    return Fabric(ground.astype(np.float32), weight.astype(np.float32), shading.astype(np.float32))


def seam_lines(lab: np.ndarray) -> np.ndarray:
    """Thin dark lines of the garment (outline, seams, pleats, pocket edges, buttons) in L units: kept through a new
    pattern or material so the garment stays a garment, while wide motifs (a print) are not carried over."""
    L = lab[..., 0].astype(np.float32)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    return np.clip(cv2.morphologyEx(L, cv2.MORPH_BLACKHAT, k), 0, 40)


def _shade(colour_lab: np.ndarray, shading: np.ndarray, contrast: float = 1.0) -> np.ndarray:
    """A colour field (H, W, 3 Lab) lit like the garment: lightness follows the shading, gentler on dark colours."""
    out = colour_lab.astype(np.float32).copy()
    L = out[..., 0]
    k = contrast * (0.55 + 0.45 * np.clip(L / 60.0, 0, 1))
    out[..., 0] = L * (1 + (shading - 1) * k)
    return out


# ---- edits --------------------------------------------------------------------------------------------------------
def recolour(rgb: np.ndarray, region: np.ndarray, target, rng: np.random.Generator, motifs: bool = True) -> np.ndarray:
    """The ground becomes `target`; the print keeps its colours, and a print colour too close to the new ground takes
    the old ground colour instead (a white shirt with red flowers becomes a red shirt with white flowers). A backdrop
    (`motifs=False`) has no print: all of it takes the colour, its shadows kept."""
    lab = to_lab(rgb)
    fab = read_fabric(lab, region, rng)
    T = _lab_of(target)
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
        swapped = _shade(np.broadcast_to(fab.ground, lab.shape), fab.shading)
        print_new = np.where(clash[..., None], swapped, lab)
    return to_rgb(w * ground_new + (1 - w) * print_new)


def _printed_motifs(rgb: np.ndarray) -> bool:
    """Motifs printed on a ground (dots, blooms: they keep their colours when the ground is recoloured), as the
    catalog's pattern tagger reads the garment; anything else with that much print is treated as woven all over."""
    from core.attributes import detect_pattern

    return detect_pattern(Image.fromarray(rgb))[0] in ("polka dots", "floral")


def _garment_box(region: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(region)
    return int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1


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
    y0, y1, x0, x1 = _garment_box(region)
    period = max(6, int(min(y1 - y0, x1 - x0) / 9))
    sel = np.zeros(region.shape, np.float32)
    sel[y0:y1, x0:x1] = pattern_field(kind, y1 - y0, x1 - x0, period, rng)
    colours = (1 - sel[..., None]) * _lab_of(base) + sel[..., None] * _lab_of(accent)
    out = _shade(colours, fab.shading)
    out[..., 0] -= 0.8 * seam_lines(lab)
    return to_rgb(out)


def _noise(h: int, w: int, sigma: float, rng: np.random.Generator) -> np.ndarray:
    n = cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), sigma)
    return n / (n.std() + 1e-6)


def paint_texture(rgb: np.ndarray, region: np.ndarray, kind: str, colour, rng: np.random.Generator) -> np.ndarray:
    """A material laid over the garment's shading, each with the cue that names it at thumbnail size: leather is
    smooth with glossy highlights, suede matte and dusty with a brushed nap, denim a diagonal twill, knit rows of
    stitches, corduroy ribs, velvet deep with a soft sheen, silk smooth with broad light bands."""
    lab = to_lab(rgb)
    fab = read_fabric(lab, region, rng)
    h, w = region.shape
    y0, y1, x0, x1 = _garment_box(region)
    size = max(y1 - y0, x1 - x0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.broadcast_to(_lab_of(colour), (h, w, 3)).astype(np.float32)
    S = fab.shading
    u, v = (xx - x0) / max(size, 1), (yy - y0) / max(size, 1)
    if kind == "leather":
        out = _shade(base, S, contrast=1.5)
        grain = _noise(h, w, 0.8, rng)
        # Glossy: specular streaks where the light falls (two soft diagonal bands) on the lit side of the shading.
        bands = np.exp(-((u + v * 0.6 - 0.35) / 0.06) ** 2) + 0.6 * np.exp(-((u + v * 0.6 - 0.85) / 0.05) ** 2)
        gloss = bands * np.clip(S, 0.6, 1.3) + np.clip((S - 1.0) * 3, 0, 1) ** 2
        out[..., 0] += 2.0 * grain + 28 * gloss
        out[..., 1:] *= (1 - 0.5 * np.clip(gloss, 0, 1))[..., None]
    elif kind == "suede":
        out = _shade(base, 1 + (S - 1) * 0.5)
        nap = _noise(h, w, max(2.0, size / 60), rng)  # brushed patches of lighter and darker nap
        fine = _noise(h, w, 0.6, rng)
        out[..., 0] += 4.0 * nap + 2.5 * fine + 4
        out[..., 1:] *= 0.8  # dusty, matte
    elif kind == "denim":
        twill = np.sin((xx + yy) * 2 * np.pi / 4.0)
        slub = _noise(h, w, 1.5, rng)
        out = _shade(base, S)
        out[..., 0] += 5 * twill + 3 * slub
        fade = np.clip(_noise(h, w, max(3.0, size / 25), rng), 0, None)  # worn, lighter patches
        out[..., 0] += 6 * fade
        out[..., 1:] *= (1 - 0.15 * np.clip(fade, 0, 1))[..., None]
    elif kind == "corduroy":
        rib = np.abs(np.sin(xx * np.pi / 4.0))
        out = _shade(base, S, contrast=1.2)
        out[..., 0] += 10 * (rib - 0.6)
    elif kind == "velvet":
        out = _shade(base, 1 + (S - 1) * 2.0)  # deep pile: strong light and dark
        out[..., 0] += 2 * _noise(h, w, 1.0, rng)
        out[..., 1:] *= 1.15
    elif kind == "silk":
        bands = np.sin((u * 0.8 + v) * 2 * np.pi * 1.6) * 0.5 + 0.5
        out = _shade(base, S, contrast=0.8)
        out[..., 0] += 14 * bands ** 3
    else:  # knit: rows of V stitches
        cell = max(4, size // 40)
        fx, fy = (xx % cell) / cell, (yy % cell) / cell
        v_st = np.abs(np.abs(fx - 0.5) * 2 - fy)  # a V per cell
        out = _shade(base, S)
        out[..., 0] += 10 * (0.5 - np.clip(v_st, 0, 1))
    keep_structure(out, lab, region, fab, size)
    out = to_rgb(out)
    hardware = _hardware(lab, region, fab)
    out[hardware] = rgb[hardware]
    return out


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


def _best_patch(rgb: np.ndarray, region: np.ndarray, source: np.ndarray, pad: int = 3):
    """The offset (dy, dx) at which a copy of `source` pixels covers the region (plus a rim) and matches the rim best."""
    band = cv2.dilate(region.astype(np.uint8), np.ones((2 * pad + 1, 2 * pad + 1), np.uint8)).astype(bool)
    ring = band & ~region
    y0, y1, x0, x1 = _garment_box(band)
    if not source.any():
        return None
    gy0, gy1, gx0, gx1 = _garment_box(source)
    ry, rx = np.nonzero(ring)
    ring_px = rgb[ry, rx].astype(np.float32)
    shape = band[y0:y1, x0:x1]
    # Prefer quiet fabric: seams, hems and motifs inside the copy would show as a pasted rectangle.
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    energy = cv2.Sobel(grey, cv2.CV_32F, 1, 0) ** 2 + cv2.Sobel(grey, cv2.CV_32F, 0, 1) ** 2
    iy, ix = np.nonzero(region)
    step = max(2, max(gy1 - gy0, gx1 - gx0) // 50)
    best, best_cost = None, np.inf
    for sy in range(gy0 - y0, gy1 - y1 + 1, step):
        for sx in range(gx0 - x0, gx1 - x1 + 1, step):
            if (sy or sx) and source[y0 + sy:y1 + sy, x0 + sx:x1 + sx][shape].all():
                cost = float(((rgb[ry + sy, rx + sx].astype(np.float32) - ring_px) ** 2).mean())
                cost += 0.05 * float(energy[iy + sy, ix + sx].mean())
                if cost < best_cost:
                    best, best_cost = (sy, sx), cost
    return best


def _copy_patch(rgb: np.ndarray, out: np.ndarray, region: np.ndarray, offset) -> None:
    sy, sx = offset
    ys, xs = np.nonzero(region)
    patch = rgb[ys + sy, xs + sx].astype(np.float32)
    ring = cv2.dilate(region.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool) & ~region
    ry, rx = np.nonzero(ring)
    # Match the rim's shading (the copy may come from a lighter or darker part of the garment): the difference on the
    # rim, robustly clipped, spread smoothly over the hole.
    h, w = region.shape
    diff = np.zeros((h, w, 3), np.float32)
    diff[ry, rx] = np.clip(rgb[ry, rx].astype(np.float32) - rgb[ry + sy, rx + sx].astype(np.float32), -40, 40)
    wts = np.zeros((h, w), np.float32)
    wts[ry, rx] = (np.abs(diff[ry, rx]).max(1) < 40).astype(np.float32)
    sigma = max(3.0, np.sqrt(region.sum()) / 4)
    num = cv2.GaussianBlur(diff * wts[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(wts, (0, 0), sigma)[..., None]
    corr = np.where(den > 1e-4, num / np.maximum(den, 1e-4), 0.0)
    out[ys, xs] = np.clip(np.rint(patch + corr[ys, xs]), 0, 255).astype(np.uint8)


def remove(rgb: np.ndarray, region: np.ndarray, garment: np.ndarray, rng: np.random.Generator,
           depth: int = 0) -> np.ndarray:
    """Fill the region with the garment's own fabric: the unmasked patch whose rim matches best (plain ground when
    the garment has one, so a removed motif does not come back); a region too large for any patch is split."""
    out = rgb.copy()
    known = garment & ~cv2.dilate(region.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    if depth == 0 and known.sum() < region.sum():  # the thing to remove is most of the garment: fill from around it
        return cv2.inpaint(rgb, region.astype(np.uint8) * 255, 7, cv2.INPAINT_TELEA)
    lab = to_lab(rgb)
    fab = read_fabric(lab, region | known, rng)
    plain = known & (cv2.erode((fab.weight > 0.8).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    if depth == 0 and (fab.weight[known] > 0.8).mean() >= 0.6:
        # A garment with a plain ground: fill with that ground as it runs round the hole, never a copied patch
        # that could bring a drawstring, a seam or a pocket's edge along.
        return fabric_fill(rgb, lab, region, plain, rng)
    if plain.sum() < 0.6 * known.sum():  # an all-over pattern (checks, stripes): it has no plain ground to prefer
        plain = known
    y0, y1, x0, x1 = _garment_box(region)
    can_split = depth < 3 and max(y1 - y0, x1 - x0) > 12
    # Plain ground first, in smaller pieces if need be; any fabric only when no piece of plain ground fits.
    for source in ((plain,) if can_split else (plain, known)):
        offset = _best_patch(rgb, region, source)
        if offset is not None:
            _copy_patch(rgb, out, region, offset)
            return out
    if can_split:
        halves = np.zeros_like(region)
        if y1 - y0 >= x1 - x0:
            halves[: (y0 + y1) // 2] = True
        else:
            halves[:, : (x0 + x1) // 2] = True
        for part in (region & halves, region & ~halves):
            if part.any():
                out = remove(out, part, garment, rng, depth + 1)
        return out
    return cv2.inpaint(rgb, region.astype(np.uint8) * 255, 7, cv2.INPAINT_TELEA)


def fabric_fill(rgb: np.ndarray, lab: np.ndarray, region: np.ndarray, plain: np.ndarray,
                rng: np.random.Generator) -> np.ndarray:
    """The region filled with the garment's own plain ground: its colour and light as they run round the hole
    (spread in from the surrounding cloth, wider scales where the hole is wide), with the cloth's own grain. Only
    clear ground away from any seam or edge is read, so no structure is copied in."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(grey, (3, 3), 0), 30, 90) > 0
    edges |= seam_lines(lab) > 6
    source = plain & ~(cv2.dilate(edges.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0)
    if source.sum() < 50:
        source = plain
    ys, xs = np.nonzero(region)
    size = max(int(ys.max() - ys.min()), int(xs.max() - xs.min()), 4)
    fill = np.zeros_like(lab)
    done = np.zeros(region.shape, bool)
    w = source.astype(np.float32)
    sigma = max(2.0, size / 8)
    while not done[region].all() and sigma < 4 * max(region.shape):
        den = cv2.GaussianBlur(w, (0, 0), sigma)
        num = cv2.GaussianBlur(lab * w[..., None], (0, 0), sigma)
        ok = (den > 0.05) & ~done
        fill[ok] = num[ok] / den[ok][:, None]
        done |= ok
        sigma *= 2
    fill[~done] = np.median(lab[source], axis=0) if source.any() else lab[region].mean(axis=0)
    # The cloth's grain: the fine detail of the plain ground, as noise of the same strength.
    fine = lab[..., 0] - cv2.GaussianBlur(lab[..., 0], (0, 0), 1.5)
    grain = float(np.std(fine[source])) if source.any() else 0.0
    noise = cv2.GaussianBlur(rng.standard_normal(region.shape).astype(np.float32), (0, 0), 0.7)
    fill[..., 0] += grain * noise / (noise.std() + 1e-6)
    out = rgb.copy()
    out[region] = to_rgb(fill)[region]
    return out


class OfflineEditor:
    """A real non-generative editor: recolour, pattern fill, material texture and removal inside the mask."""

    name = "offline editor"
    generative = False
    info = "offline editor (no diffusion weights): recolour, patterns, materials, remove"
    model_id = "offline-editor"

    def plan(self, prompt: str) -> EditPlan:
        return parse_edit(prompt)

    def prepare_prompt(self, prompt: str) -> tuple[str, str]:
        """The user's words as they are (the editor reads colours, patterns and materials, not quality words)."""
        p = (prompt or "").strip()
        if not p:
            raise AtelierError("Describe the change you want (for example: 'make it red' or 'navy stripes').")
        return p, ""

    def generate(self, req: DesignRequest, progress: StepCallback | None = None,
                 cancel: threading.Event | None = None) -> DesignResult:
        t0 = time.perf_counter()
        painted = prepare_mask(req.image, req.mask, whole_ok=asks_for_backdrop(req.prompt))
        plan = parse_edit(req.prompt)
        region = edit_region(req.image, painted, req.prompt)
        rgb = np.asarray(req.image.convert("RGB"))
        images = []
        for v in range(max(1, req.variations)):
            rng = np.random.default_rng(int(req.seed) + v)
            current = tuple(int(c) for c in to_rgb(read_fabric(to_lab(rgb), region, rng).ground[None, None])[0, 0])
            base = PALETTE[plan.colour] if plan.colour else current
            if plan.kind == "remove":
                from core.segmentation import subject_mask

                out = remove(rgb, region, subject_mask(req.image), rng)
            elif plan.kind == "recolour":
                out = recolour(rgb, region, base, rng, motifs=not plan.backdrop)
            elif plan.kind == "pattern":
                if plan.accent:
                    accent = PALETTE[plan.accent]
                else:  # contrasting: white on dark, navy on light
                    accent = PALETTE["white"] if np.mean(base) < 128 else PALETTE["navy"]
                out = paint_pattern(rgb, region, plan.pattern, base, accent, rng)
            else:
                out = paint_texture(rgb, region, plan.texture, base, rng)
            images.append(paste_back(req.image, Image.fromarray(out), region, feather=2,
                                     soft_from=region if plan.backdrop else painted))
            if progress is not None:
                progress(v + 1, max(1, req.variations))
            if cancel is not None and cancel.is_set():
                raise DesignCancelled("Generation stopped; your earlier designs are kept.")
        return DesignResult(images, req.prompt, "", self.name, self.model_id, int(req.seed), 0, time.perf_counter() - t0,
                            notes=[plan.describe()], mask=region)
