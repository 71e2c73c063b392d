"""How a recolour is judged, shared by tests/test_design_targets.py and bench/bench_design.py --targets.

Ground truth comes from the sample generator (core.samples.render_item_with_mask): the garment's true silhouette.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from core.attributes import PALETTE
from core.design import DesignRequest, OfflineEditor
from core.samples import render_item_with_mask, sample_seed, sample_specs

ROOT = Path(__file__).resolve().parent.parent
LIGHT = ("white", "beige", "grey")


def light_items() -> list[str]:
    rows = csv.DictReader(open(ROOT / "assets/sample_catalog/catalog.csv"))
    return [r["id"] for r in rows if r["colour"] in LIGHT]


def truth_of(item_id: str) -> tuple[Image.Image, np.ndarray]:
    """The catalog image (as shipped, JPEG) and the garment's true mask."""
    specs = sample_specs()
    k = next(i for i, s in enumerate(specs) if s.id == item_id)
    _, truth = render_item_with_mask(specs[k], sample_seed(k))
    return Image.open(ROOT / "assets/sample_catalog/images" / f"{item_id}.jpg").convert("RGB"), truth


def rough_rectangle(size: tuple[int, int], lo: float = 0.08, hi: float = 0.92) -> np.ndarray:
    w, h = size
    m = np.zeros((h, w), bool)
    m[int(lo * h):int(hi * h), int(lo * w):int(hi * w)] = True
    return m


def reads_as(rgb: np.ndarray, colour: str, hue_window: float = 20.0, min_chroma: float = 25.0) -> np.ndarray:
    """Pixels a viewer calls `colour` whatever their shading: Lab hue within the window, and clearly coloured."""
    lab = cv2.cvtColor(rgb.reshape(-1, 1, 3).astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB).reshape(-1, 3)
    ref = cv2.cvtColor(np.array([[PALETTE[colour]]], np.float32) / 255.0, cv2.COLOR_RGB2LAB)[0, 0]
    hue = np.degrees(np.arctan2(lab[:, 2], lab[:, 1]))
    ref_hue = np.degrees(np.arctan2(ref[2], ref[1]))
    dh = np.abs((hue - ref_hue + 180) % 360 - 180)
    return (dh < hue_window) & (np.hypot(lab[:, 1], lab[:, 2]) > min_chroma)


@dataclass
class RecolourScore:
    item: str
    backdrop_changed: float  # share of backdrop pixels inside the mask that changed
    garment_red: float  # share of garment pixels inside the mask that read as the asked colour
    outside_changed: int  # pixels outside the mask that differ (must be 0)
    same_size: bool


def score_recolour(item_id: str, prompt: str = "make it red", colour: str = "red",
                   editor: OfflineEditor | None = None, lo: float = 0.08, hi: float = 0.92) -> RecolourScore:
    img, truth = truth_of(item_id)
    mask = rough_rectangle(img.size, lo, hi)
    out = (editor or OfflineEditor()).generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255),
                                                             prompt)).images[0]
    a, b = np.asarray(img), np.asarray(out)
    changed = (a != b).any(axis=2)
    # The anti-aliased outline (one pixel either side of the true edge) is half garment, half backdrop: neither.
    k = np.ones((3, 3), np.uint8)
    edge = cv2.dilate(truth.astype(np.uint8), k).astype(bool) & ~cv2.erode(truth.astype(np.uint8), k).astype(bool)
    backdrop = mask & ~truth & ~edge
    garment = mask & truth & ~edge
    return RecolourScore(item_id, float(changed[backdrop].mean()), float(reads_as(b[garment], colour).mean()),
                         int(changed[~mask].sum()), out.size == img.size)


def edge_print_item(seed: int = 3, category: str = "shirt", pattern: str = "floral", colour: str = "red",
                    shaded_motifs: bool = False) -> tuple[Image.Image, np.ndarray]:
    """A garment whose print is the backdrop's own colour and runs off its edge (white flowers on a red shirt on a
    white backdrop), drawn like the sample generator's shots but without a drawn outline, as a real photo has none:
    where a motif touches the outline, fabric and backdrop meet with no edge between them. Returns the shot and the
    garment's true mask (motifs included)."""
    import random

    from PIL import ImageChops, ImageDraw, ImageFilter

    from core import samples

    rng = random.Random(seed)
    n = samples.SIZE * samples.SCALE
    polys, _, _, _ = samples._shape(category, rng, n)
    mask = Image.new("L", (n, n), 0)
    md = ImageDraw.Draw(mask)
    for p in polys:
        md.polygon(p, fill=255)
    tex = samples._texture(pattern, samples.COLOURS[colour], samples.BACKGROUND, rng, n)
    if pattern == "floral":  # every bloom the backdrop's colour (the generator mixes in a second colour)
        arr = np.asarray(tex).copy()
        ground = np.all(arr == samples.COLOURS[colour], axis=2)
        arr[~ground] = samples.BACKGROUND
        tex = Image.fromarray(arr)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) / n
    light = 1.06 - 0.16 * np.hypot(xx - 0.35, yy - 0.25)
    edge = np.asarray(mask.filter(ImageFilter.GaussianBlur(n / 40)), np.float32) / 255.0
    # The fabric's ground takes the shading; the motifs stay the backdrop's flat colour (printed white on a white
    # backdrop), unless shaded_motifs: then they darken towards the outline like the ground, as in a softly lit shot.
    motif = np.all(np.asarray(tex) == samples.BACKGROUND, axis=2)
    shade = light * (0.78 + 0.22 * edge)
    if not shaded_motifs:
        shade = np.where(motif, 1.0, shade)
    garment = Image.fromarray(np.clip(np.asarray(tex, np.float32) * shade[..., None], 0, 255).astype(np.uint8))
    canvas = Image.new("RGB", (n, n), samples.BACKGROUND)
    shadow = ImageChops.offset(mask, int(n * 0.012), int(n * 0.018)).filter(ImageFilter.GaussianBlur(n / 70))
    canvas.paste(Image.new("RGB", (n, n), (205, 203, 198)), (0, 0), shadow.point(lambda v: int(v * 0.55)))
    canvas.paste(garment, (0, 0), mask)
    truth = np.asarray(mask.resize((samples.SIZE, samples.SIZE), Image.BILINEAR)) > 127
    return canvas.resize((samples.SIZE, samples.SIZE), Image.LANCZOS), truth


# Garments whose print (the backdrop's colour) runs off the outline: (seed, category, pattern, colour).
EDGE_PRINTS = [(3, "shirt", "floral", "red"), (5, "t-shirt", "floral", "navy"), (11, "sweater", "floral", "green"),
               (17, "blouse", "floral", "grey"), (7, "dress", "polka dots", "red"), (13, "skirt", "polka dots", "black")]


def segmentation_score(img: Image.Image, truth: np.ndarray, fill_bites: bool = True) -> tuple[float, float]:
    """(share of the true garment found, share of the true backdrop taken as garment), the one-pixel anti-aliased
    outline counted as neither."""
    from core.segmentation import garment_mask

    m = garment_mask(img, fill_bites=fill_bites)
    k = np.ones((3, 3), np.uint8)
    edge = cv2.dilate(truth.astype(np.uint8), k).astype(bool) & ~cv2.erode(truth.astype(np.uint8), k).astype(bool)
    g, b = truth & ~edge, ~truth & ~edge
    return float((m & g).sum() / g.sum()), float((m & b).sum() / b.sum())


# ---- real product shots (../shared/realphotos: evaluation only, never copied into the repo) -----------------------
REAL = ROOT.parent / "shared/realphotos"
# Light garments on light backdrops: the white ones (labels.json), the beige trousers, and the white-ground prints and
# pastel blouses looked at by hand (g02 white/navy stripes, g08 white paisley, g09 white tee with flowers, g12 and g14
# pale pink, g38 white sports top).
REAL_LIGHT_EXTRA = (2, 8, 9, 12, 14, 38)


def real_light_items() -> list[int]:
    import json

    labels = json.loads((REAL / "labels.json").read_text())
    return sorted(set(labels["colour"].get("white", [])) | set(labels["colour"].get("beige", [])) |
                  set(REAL_LIGHT_EXTRA))


def real_shot(k: int) -> Image.Image:
    return Image.open(REAL / f"garments/g{k:02d}.jpg").convert("RGB")


def real_reference(img: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """(garment, backdrop) for scoring a real shot: the shared segmentation (its overlay on every shot checked by eye,
    bench/bench_segmentation.py --out) eroded by 2 px, and what lies 2 px or more outside it."""
    from core.segmentation import garment_mask

    m = garment_mask(img).astype(np.uint8)
    k = np.ones((5, 5), np.uint8)
    return cv2.erode(m, k).astype(bool), ~cv2.dilate(m, k).astype(bool)


def rectangle_round(garment: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """A rough rectangle painted round the garment: its bounding box grown by `margin` of the shot's size."""
    h, w = garment.shape
    ys, xs = np.nonzero(garment)
    my, mx = int(margin * h), int(margin * w)
    out = np.zeros((h, w), bool)
    out[max(0, ys.min() - my):min(h, ys.max() + my + 1), max(0, xs.min() - mx):min(w, xs.max() + mx + 1)] = True
    return out


def score_real_recolour(k: int, prompt: str = "make it red", colour: str = "red",
                        editor: OfflineEditor | None = None) -> tuple[RecolourScore, Image.Image]:
    img = real_shot(k)
    garment, backdrop = real_reference(img)
    mask = rectangle_round(garment)
    out = (editor or OfflineEditor()).generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255),
                                                             prompt)).images[0]
    a, b = np.asarray(img), np.asarray(out)
    changed = (a != b).any(axis=2)
    return RecolourScore(f"g{k:02d}", float(changed[backdrop & mask].mean()),
                         float(reads_as(b[garment & mask], colour).mean()), int(changed[~mask].sum()),
                         out.size == img.size), out


# ---- construction kept through a material edit -------------------------------------------------------------------
def structure_of(item_id: str) -> list[tuple[str, np.ndarray]]:
    """The sample item's construction as the generator drew it: (kind, mask at the shot's size) for each trim (lapels,
    pocket flaps, belt, waistband, cuffs), line (seams, placket, drawstrings) and dot (buttons)."""
    import random

    from PIL import ImageDraw

    from core import samples

    specs = samples.sample_specs()
    k = next(i for i, s in enumerate(specs) if s.id == item_id)
    spec = specs[k]
    rng = random.Random(samples.sample_seed(k))
    n = samples.SIZE * samples.SCALE
    samples._contrast(spec.colour, rng)
    _, trims, lines, dots = samples._shape(spec.category, rng, n)
    out = []

    def draw(kind: str, fn) -> None:
        m = Image.new("L", (n, n), 0)
        fn(ImageDraw.Draw(m))
        small = np.asarray(m.resize((samples.SIZE, samples.SIZE), Image.BILINEAR)) > 100
        if small.sum() >= 4:
            out.append((kind, small))

    for t in trims:
        draw("trim", lambda d, t=t: d.polygon(t, fill=255))
    for ln in lines:
        if ln != "handle":
            draw("line", lambda d, ln=ln: d.line(ln, fill=255, width=max(2, n // 300)))
    for x, y in dots:
        r = n * 0.008
        draw("button", lambda d, x=x, y=y: d.ellipse((x - r, y - r, x + r, y + r), fill=255))
    return out


def structure_kept(before: Image.Image, after: Image.Image, item_id: str) -> dict[str, tuple[int, int]]:
    """Per kind, (elements still standing out, elements) after an edit: an element stands out when the lightness
    step between it and the cloth right round it is at least 4 L and a quarter of what it was."""
    a = to_lab_l(before)
    b = to_lab_l(after)
    _, truth = truth_of(item_id)
    counts: dict[str, list[int]] = {}
    for kind, m in structure_of(item_id):
        ring = cv2.dilate(m.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~m & truth
        if ring.sum() < 4:
            continue
        c0 = abs(float(a[m].mean() - a[ring].mean()))
        c1 = abs(float(b[m].mean() - b[ring].mean()))
        got = counts.setdefault(kind, [0, 0])
        got[1] += 1
        got[0] += int(c1 >= max(4.0, 0.25 * c0))
    return {k: (v[0], v[1]) for k, v in counts.items()}


def to_lab_l(img: Image.Image) -> np.ndarray:
    return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32) * 100 / 255
