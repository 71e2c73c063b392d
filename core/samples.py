"""The bundled sample catalog: product shots drawn by a seeded generator (no downloaded art).

`generate_sample_catalog(out_dir)` writes `images/*.jpg` and `catalog.csv`; the same seed gives the
same pixels, so the catalog in assets/ can always be rebuilt and checked.
"""
from __future__ import annotations

import csv
import logging
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from core.vocabulary import CATEGORIES as VOCAB_CATEGORIES
from core.vocabulary import COLOURS as VOCAB_COLOURS
from core.vocabulary import PATTERNS as VOCAB_PATTERNS
from core.vocabulary import SAMPLE_CATEGORIES

log = logging.getLogger(__name__)

SIZE = 384
SCALE = 2  # drawn at 2x and downsampled for smooth edges
BACKGROUND = (244, 243, 240)

COLOURS: dict[str, tuple[int, int, int]] = {name: c.rgb for name, c in VOCAB_COLOURS.items()}
PATTERNS = list(VOCAB_PATTERNS)
# The pattern word in a sample product's name ("Navy striped shirt"); none for solid.
PATTERN_IN_NAME = {name: "" if name == "solid" else p.adjective for name, p in VOCAB_PATTERNS.items()}
CATEGORIES = list(SAMPLE_CATEGORIES)
BASE_PRICE = {"t-shirt": 19, "shirt": 39, "blouse": 45, "sweater": 59, "hoodie": 49, "jacket": 99,
              "coat": 149, "dress": 79, "skirt": 45, "trousers": 59, "jeans": 69, "shorts": 29,
              "sneakers": 89, "bag": 69}
MATERIAL = {name: VOCAB_CATEGORIES[name].material for name in SAMPLE_CATEGORIES}
DENIM = ["navy", "blue", "black", "grey", "white"]


@dataclass
class SampleSpec:
    id: str
    category: str
    colour: str
    pattern: str
    price: float
    name: str
    description: str


def _contrast(colour: str, rng: random.Random) -> tuple[int, int, int]:
    r, g, b = COLOURS[colour]
    light = 0.299 * r + 0.587 * g + 0.114 * b > 150
    choices = ["navy", "black", "burgundy", "green"] if light else ["white", "beige", "yellow", "pink"]
    return COLOURS[rng.choice([c for c in choices if c != colour])]


def _texture(pattern: str, base, second, rng: random.Random, n: int) -> Image.Image:
    img = Image.new("RGB", (n, n), base)
    d = ImageDraw.Draw(img)
    if pattern == "stripes":
        period = rng.randint(n // 22, n // 12)
        width = max(3, int(period * rng.uniform(0.3, 0.5)))
        vertical = rng.random() < 0.3
        for p in range(0, n, period):
            d.rectangle((p, 0, p + width, n) if vertical else (0, p, n, p + width), fill=second)
    elif pattern == "polka dots":
        period = rng.randint(n // 16, n // 10)
        r = max(3, int(period * rng.uniform(0.16, 0.26)))
        for j, y in enumerate(range(0, n + period, period)):
            off = period // 2 if j % 2 else 0
            for x in range(-period, n + period, period):
                d.ellipse((x + off - r, y - r, x + off + r, y + r), fill=second)
    elif pattern == "checks":
        period = rng.randint(n // 14, n // 8)
        arr = np.asarray(img, dtype=np.float32)
        yy, xx = np.mgrid[0:n, 0:n]
        band = ((yy // (period // 2)) % 2 == 0).astype(np.float32) + ((xx // (period // 2)) % 2 == 0)
        mix = (band / 2.0)[..., None] * 0.75
        arr = arr * (1 - mix) + np.array(second, np.float32) * mix
        img = Image.fromarray(arr.astype(np.uint8))
    elif pattern == "floral":
        petal_cols = [second, COLOURS[rng.choice(["pink", "yellow", "white", "red", "orange"])]]
        for _ in range(int(n * n / (n / 7) ** 2)):
            cx, cy = rng.uniform(0, n), rng.uniform(0, n)
            pr = rng.uniform(n / 60, n / 34)
            col = rng.choice(petal_cols)
            rot = rng.uniform(0, math.tau)
            for k in range(5):
                a = rot + k * math.tau / 5
                px, py = cx + math.cos(a) * pr, cy + math.sin(a) * pr
                d.ellipse((px - pr * 0.7, py - pr * 0.7, px + pr * 0.7, py + pr * 0.7), fill=col)
            d.ellipse((cx - pr * 0.45, cy - pr * 0.45, cx + pr * 0.45, cy + pr * 0.45), fill=COLOURS["yellow"]
                      if col != COLOURS["yellow"] else COLOURS["orange"])
            lx, ly = cx + rng.uniform(-2, 2) * pr, cy + rng.uniform(1.5, 2.5) * pr
            d.ellipse((lx - pr * 0.6, ly - pr * 0.3, lx + pr * 0.6, ly + pr * 0.3), fill=COLOURS["green"])
    elif pattern == "chevron":
        period = rng.randint(n // 14, n // 9)
        yy, xx = np.mgrid[0:n, 0:n]
        zig = (yy + np.abs((xx % period) - period / 2)) % period < period * 0.42
        arr = np.where(zig[..., None], np.array(second, np.uint8), np.array(base, np.uint8))
        img = Image.fromarray(arr.astype(np.uint8))
    return img


def _P(pts, n):
    return [(x * n, y * n) for x, y in pts]


@dataclass
class _Parts:
    """A garment drawing in unit coordinates: silhouette polygons, darker trims, stitched lines and buttons."""
    rng: random.Random
    polys: list = field(default_factory=list)
    trims: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    dots: list = field(default_factory=list)

    def j(self, a: float, s: float = 0.02) -> float:
        """`a` with a per-item jitter of the pattern."""
        return a + self.rng.uniform(-s, s)


def _shape(category: str, rng: random.Random, n: int):
    """Garment silhouette polygons, darker trim polygons and detail lines, in pixels."""
    parts = _Parts(rng)
    draw = _DRAWINGS.get(category)
    if draw is not None:
        draw(category, parts)
    return ([_P(p, n) for p in parts.polys], [_P(p, n) for p in parts.trims],
            [ln if ln == "handle" else _P(ln, n) for ln in parts.lines], _P(parts.dots, n))


def _top(category: str, g: _Parts) -> None:
    """Tees, shirts, blouses, sweaters, hoodies, jackets and coats: a body, sleeves, then their details."""
    long = category not in ("t-shirt",) and not (category == "blouse" and g.rng.random() < 0.5)
    hem = {"coat": 0.93, "jacket": 0.78, "blouse": 0.78}.get(category, 0.84) + g.rng.uniform(-0.02, 0.02)
    sw = g.j(0.17)  # half shoulder width
    bw = sw + (0.03 if category == "blouse" else 0.0)
    neck, top = 0.07, 0.17
    g.polys.append([(0.5 - neck, top), (0.5 - sw, top + 0.03), (0.5 - sw + 0.01, 0.42), (0.5 - bw, hem),
                    (0.5 + bw, hem), (0.5 + sw - 0.01, 0.42), (0.5 + sw, top + 0.03), (0.5 + neck, top),
                    (0.5, top + (0.09 if category in ("blouse", "jacket", "coat") else 0.04))])
    for s in (-1, 1):
        if long:
            g.polys.append([(0.5 + s * sw, top + 0.03), (0.5 + s * (sw + 0.07), top + 0.10),
                            (0.5 + s * (sw + 0.13), 0.72), (0.5 + s * (sw + 0.06), 0.74),
                            (0.5 + s * (sw + 0.0), 0.36)])
            if category in ("sweater", "hoodie"):
                g.trims.append([(0.5 + s * (sw + 0.125), 0.68), (0.5 + s * (sw + 0.135), 0.725),
                                (0.5 + s * (sw + 0.06), 0.745), (0.5 + s * (sw + 0.055), 0.70)])
        else:
            g.polys.append([(0.5 + s * sw, top + 0.03), (0.5 + s * (sw + 0.12), top + 0.15),
                            (0.5 + s * (sw + 0.06), top + 0.22), (0.5 + s * (sw - 0.005), top + 0.17)])
    _top_details(category, g, sw, bw, neck, top, hem)


def _top_details(category: str, g: _Parts, sw: float, bw: float, neck: float, top: float, hem: float) -> None:
    """Ribbed hems, a hood and its pocket, collars with a button placket, a jacket's pockets, a coat's belt."""
    if category in ("sweater", "hoodie"):
        g.trims.append([(0.5 - bw, hem - 0.045), (0.5 + bw, hem - 0.045), (0.5 + bw, hem), (0.5 - bw, hem)])
    if category == "hoodie":
        g.polys.append([(0.5 - 0.11, top + 0.02), (0.5 - 0.1, top - 0.08), (0.5, top - 0.12),
                        (0.5 + 0.1, top - 0.08), (0.5 + 0.11, top + 0.02), (0.5, top + 0.07)])
        g.trims.append([(0.5 - 0.11, 0.58), (0.5 + 0.11, 0.58), (0.5 + 0.14, 0.74), (0.5 - 0.14, 0.74)])
        g.lines += [[(0.48, top + 0.06), (0.47, top + 0.2)], [(0.52, top + 0.06), (0.53, top + 0.2)]]
    if category in ("shirt", "coat", "jacket"):
        g.trims.append([(0.5 - neck, top), (0.5 - 0.02, top + 0.1), (0.5 - neck - 0.03, top + 0.06)])
        g.trims.append([(0.5 + neck, top), (0.5 + 0.02, top + 0.1), (0.5 + neck + 0.03, top + 0.06)])
        g.lines.append([(0.5, top + 0.08), (0.5, hem)])
        step = 0.09 if category != "coat" else 0.11
        for k in range(int((hem - top - 0.12) / step)):
            y = top + 0.14 + k * step
            g.dots += [(0.5 + 0.018, y)] if category != "coat" else [(0.46, y), (0.54, y)]
    if category == "jacket":
        g.trims.append([(0.5 - sw + 0.02, 0.5), (0.5 - 0.05, 0.5), (0.5 - 0.05, 0.56), (0.5 - sw + 0.02, 0.56)])
        g.trims.append([(0.5 + 0.05, 0.5), (0.5 + sw - 0.02, 0.5), (0.5 + sw - 0.02, 0.56), (0.5 + 0.05, 0.56)])
    if category == "coat":
        g.trims.append([(0.5 - bw + 0.005, 0.56), (0.5 + bw - 0.005, 0.56), (0.5 + bw, 0.6), (0.5 - bw, 0.6)])


def _dress(category: str, g: _Parts) -> None:
    waist = g.j(0.45)
    hem = g.j(0.92)
    flare = g.j(0.26, 0.04)
    g.polys.append([(0.42, 0.13), (0.40, 0.2), (0.39, waist), (0.5 - flare, hem), (0.5 + flare, hem),
                    (0.61, waist), (0.60, 0.2), (0.58, 0.13), (0.5, 0.22)])
    if g.rng.random() < 0.5:  # cap sleeves
        for s in (-1, 1):
            g.polys.append([(0.5 + s * 0.08, 0.13), (0.5 + s * 0.16, 0.2), (0.5 + s * 0.11, 0.27),
                            (0.5 + s * 0.1, 0.2)])
    g.trims.append([(0.39, waist - 0.02), (0.61, waist - 0.02), (0.612, waist + 0.015), (0.388, waist + 0.015)])


def _skirt(category: str, g: _Parts) -> None:
    hem = g.j(0.82, 0.05)
    flare = g.j(0.27, 0.04)
    g.polys.append([(0.36, 0.22), (0.64, 0.22), (0.5 + flare, hem), (0.5 - flare, hem)])
    g.trims.append([(0.36, 0.22), (0.64, 0.22), (0.645, 0.26), (0.355, 0.26)])
    for k in range(1, 6):
        x0 = 0.36 + k * 0.28 / 6
        g.lines.append([(x0, 0.27), (0.5 - flare + k * 2 * flare / 6, hem - 0.01)])


def _legs(category: str, g: _Parts) -> None:
    """Trousers, jeans and shorts."""
    hem = 0.58 if category == "shorts" else g.j(0.94)
    leg = 0.1 if category != "shorts" else 0.13
    g.polys.append([(0.36, 0.12), (0.64, 0.12), (0.66, 0.3), (0.5 + leg + 0.12, hem), (0.545, hem),
                    (0.5, 0.36), (0.455, hem), (0.5 - leg - 0.12, hem), (0.34, 0.3)])
    g.trims.append([(0.36, 0.12), (0.64, 0.12), (0.642, 0.155), (0.358, 0.155)])
    g.lines.append([(0.5, 0.155), (0.5, 0.3)])
    if category == "jeans":
        g.lines += [[(0.37, 0.16), (0.44, 0.24)], [(0.63, 0.16), (0.56, 0.24)]]
        g.lines += [[(0.345, 0.3), (0.5 - leg - 0.1, hem - 0.01)], [(0.655, 0.3), (0.5 + leg + 0.1, hem - 0.01)]]


def _sneakers(category: str, g: _Parts) -> None:
    toe = g.j(0.84)
    g.polys.append([(0.16, 0.62), (0.2, 0.44), (0.34, 0.40), (0.44, 0.42), (0.58, 0.5), (0.74, 0.54),
                    (toe, 0.6), (toe + 0.02, 0.66), (0.16, 0.66)])
    g.trims.append([(0.14, 0.64), (toe + 0.03, 0.64), (toe + 0.02, 0.71), (0.15, 0.71)])
    for k in range(4):
        x = 0.42 + k * 0.055
        g.lines.append([(x, 0.44 + k * 0.025), (x + 0.05, 0.47 + k * 0.025)])


def _bag(category: str, g: _Parts) -> None:
    w = g.j(0.28, 0.03)
    g.polys.append([(0.5 - w, 0.38), (0.5 + w, 0.38), (0.5 + w + 0.04, 0.82), (0.5 - w - 0.04, 0.82)])
    g.trims.append([(0.5 - w, 0.38), (0.5 + w, 0.38), (0.5 + w + 0.005, 0.43), (0.5 - w - 0.005, 0.43)])
    g.lines.append("handle")


_DRAWINGS = {**{c: _top for c in ("t-shirt", "shirt", "blouse", "sweater", "hoodie", "jacket", "coat")},
             "dress": _dress, "skirt": _skirt, **{c: _legs for c in ("trousers", "jeans", "shorts")},
             "sneakers": _sneakers, "bag": _bag}


def render_item(spec: SampleSpec, seed: int) -> Image.Image:
    return render_item_with_mask(spec, seed)[0]


def render_item_with_mask(spec: SampleSpec, seed: int) -> tuple[Image.Image, np.ndarray]:
    """The product shot and its true garment mask (the silhouette and its outline, at the shot's size): the ground
    truth that garment segmentation is measured against."""
    rng = random.Random(seed)
    n = SIZE * SCALE
    base = COLOURS[spec.colour]
    second = _contrast(spec.colour, rng)
    polys, trims, lines, dots = _shape(spec.category, rng, n)
    mask = Image.new("L", (n, n), 0)
    md = ImageDraw.Draw(mask)
    for p in polys:
        md.polygon(p, fill=255)
    if "handle" in lines:
        md.arc((n * 0.36, n * 0.18, n * 0.64, n * 0.5), 180, 360, fill=255, width=int(n * 0.025))
    if spec.category == "sneakers":  # sole is always light rubber
        md_trim_col = (236, 234, 228)
    else:
        md_trim_col = tuple(int(c * 0.82) for c in base)
    tex = _texture(spec.pattern, base, second, rng, n)
    td = ImageDraw.Draw(tex)
    for t in trims:
        td.polygon(t, fill=md_trim_col)
        md.polygon(t, fill=255)
    # Soft light from the upper left and darkening near the silhouette edge: reads as fabric volume.
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) / n
    light = 1.06 - 0.16 * np.hypot(xx - 0.35, yy - 0.25)
    edge = np.asarray(mask.filter(ImageFilter.GaussianBlur(n / 40)), np.float32) / 255.0
    shade = light * (0.78 + 0.22 * edge)
    garment = np.clip(np.asarray(tex, np.float32) * shade[..., None], 0, 255).astype(np.uint8)
    garment_img = Image.fromarray(garment)
    gd = ImageDraw.Draw(garment_img)
    stitch = tuple(int(c * 0.6) for c in base) if sum(base) > 200 else tuple(min(255, c + 70) for c in base)
    for ln in lines:
        if ln != "handle":
            gd.line(ln, fill=stitch, width=max(2, n // 300))
    for x, y in dots:
        r = n * 0.008
        gd.ellipse((x - r, y - r, x + r, y + r), fill=stitch)
    canvas = Image.new("RGB", (n, n), BACKGROUND)
    shadow = ImageChops.offset(mask, int(n * 0.012), int(n * 0.018)).filter(ImageFilter.GaussianBlur(n / 70))
    canvas.paste(Image.new("RGB", (n, n), (205, 203, 198)), (0, 0), shadow.point(lambda v: int(v * 0.55)))
    canvas.paste(garment_img, (0, 0), mask)
    outline = ImageChops.subtract(mask.filter(ImageFilter.MaxFilter(5)), mask)
    canvas.paste(Image.new("RGB", (n, n), tuple(int(c * 0.55) for c in base)), (0, 0), outline)
    truth = np.asarray(ImageChops.lighter(mask, outline).resize((SIZE, SIZE), Image.BILINEAR)) > 127
    return canvas.resize((SIZE, SIZE), Image.LANCZOS), truth


def sample_specs(per_category: int = 30, seed: int = 7) -> list[SampleSpec]:
    rng = random.Random(seed)
    specs = []
    colours = list(COLOURS)
    for cat in CATEGORIES:
        for i in range(per_category):
            colour = colours[(i * 7 + CATEGORIES.index(cat)) % len(colours)]
            if cat == "jeans":
                colour = DENIM[i % len(DENIM)]
            pattern = PATTERNS[i % len(PATTERNS)] if cat not in ("jeans", "sneakers") else (
                "solid" if i % 3 else PATTERNS[(i // 3) % len(PATTERNS)])
            price = round(BASE_PRICE[cat] * rng.uniform(0.7, 1.6)) - 0.01
            adj = PATTERN_IN_NAME[pattern]
            name = " ".join(w for w in (colour.capitalize(), adj, cat) if w)
            fit = rng.choice(["relaxed", "slim", "classic", "oversized", "tailored"])
            desc = (f"A {fit} {colour} {adj or 'plain'} {cat} in "
                    f"{MATERIAL[cat]}.")
            specs.append(SampleSpec(f"{cat.replace('-', '')}-{i:03d}", cat, colour, pattern, price, name, desc))
    return specs


def sample_seed(index: int, seed: int = 7) -> int:
    """The render seed of the index-th sample item (as generate_sample_catalog uses it)."""
    return seed * 100_003 + index


def generate_sample_catalog(out_dir: str | Path, per_category: int = 30, seed: int = 7) -> Path:
    """Write images/<id>.jpg and catalog.csv (id,file,name,category,colour,pattern,price,description)."""
    out = Path(out_dir)
    (out / "images").mkdir(parents=True, exist_ok=True)
    specs = sample_specs(per_category, seed)
    with open(out / "catalog.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "file", "name", "category", "colour", "pattern", "price", "description"])
        for k, s in enumerate(specs):
            render_item(s, sample_seed(k, seed)).save(out / "images" / f"{s.id}.jpg", quality=90)
            w.writerow([s.id, f"images/{s.id}.jpg", s.name, s.category, s.colour, s.pattern, s.price,
                        s.description])
    log.info("wrote %d sample items to %s", len(specs), out)
    return out


if __name__ == "__main__":
    import sys

    logging.basicConfig(level=logging.INFO)
    generate_sample_catalog(sys.argv[1] if len(sys.argv) > 1 else "assets/sample_catalog")
