"""Attributes measured from pixels: dominant colour names and a coarse pattern label.

Used to tag catalogs that come without metadata and by the `lite` encoder to put colour and pattern
words into an image's text-space vector.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from core.category_tag import (IMAGENET_EVIDENCE, narrower_share, outline_scores,  # noqa: F401 (re-exported)
                               read_category)
from core.segmentation.reading import reading_view, remembered_subject_mask
from core.vocabulary import PATTERNS

# Reference colours for naming (sRGB), typical of garment photos rather than pure hues; names from core.vocabulary.
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (30, 30, 32), "white": (240, 240, 238), "grey": (135, 137, 140), "navy": (32, 44, 88),
    "blue": (55, 110, 195), "red": (192, 38, 44), "burgundy": (110, 26, 44), "pink": (235, 150, 175),
    "green": (45, 135, 75), "olive": (105, 110, 55), "yellow": (238, 200, 55), "orange": (232, 122, 40),
    "beige": (212, 192, 158), "brown": (115, 75, 45), "purple": (110, 65, 148),
}
# The old name of outline_scores (a dict of scores, not segmentation's Silhouette): kept for callers not yet moved.
silhouette = outline_scores
PATTERN_NAMES = list(PATTERNS)  # the canonical pattern names, in the vocabulary's order
# The lite encoder's caption wording ("a floral print dress" reads better to MiniLM than "a floral dress").
PATTERN_ADJ = {name: p.adjective for name, p in PATTERNS.items()} | {"floral": "floral print"}

# Light and dark tints of the chromatic names, as photographed garments show them (a pale pink blouse is nearer
# beige than the saturated pink above, a lavender tee nearer pink than purple): more anchors, the same names.
TINTS: list[tuple[str, tuple[int, int, int]]] = [
    ("pink", (240, 188, 200)), ("pink", (225, 170, 180)), ("blue", (160, 195, 230)), ("blue", (110, 150, 200)),
    ("purple", (185, 165, 215)), ("purple", (150, 120, 190)), ("green", (150, 200, 160)), ("yellow", (245, 230, 140)),
    ("red", (150, 30, 40)),
]
_NAMES = list(PALETTE) + [n for n, _ in TINTS]
_LAB = cv2.cvtColor(np.array([list(PALETTE.values()) + [rgb for _, rgb in TINTS]], np.uint8),
                    cv2.COLOR_RGB2LAB)[0].astype(np.float32)


def _small(img: Image.Image, side: int = 128) -> Image.Image:
    # The segmentation's own reading view: the same pixels, so a mask segmented by one reader serves the next.
    return reading_view(img, side)


# A photo whose 99th-percentile chroma (a*b* distance from neutral, 8-bit LAB units) stays under this shows no hue
# anywhere (a greyscale photo; ~1 JND): its garment's colour cannot be read, only its lightness.
COLOURLESS_CHROMA = 3.0
ACHROMATIC = ("black", "grey", "white")
_ACHROMATIC_ROWS = np.array([_NAMES.index(n) for n in ACHROMATIC])


def _colourless_lab(lab: np.ndarray) -> bool:
    return float(np.percentile(np.hypot(lab[..., 1] - 128, lab[..., 2] - 128), 99)) < COLOURLESS_CHROMA


def is_colourless(img: Image.Image) -> bool:
    """Whether the photo shows no hue at all (greyscale): colour words read from it are guesses."""
    return _colourless_lab(cv2.cvtColor(np.asarray(_small(img), np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32))


# A colour name spans its palette anchors' L* and this much beyond (a dark green, a pale pink are still green, pink).
LIGHTNESS_MARGIN = 15.0


def lightness_fit(lightness: np.ndarray, colour: str) -> np.ndarray:
    """0..1 per value: how well a greyscale garment's lightness (L*) fits a colour name: 1 within the name's span,
    falling off beyond it (a black tee is no "white t-shirt"; a mid grey could be red, green or blue)."""
    ls = [float(lab[0]) / 2.55 for name, lab in zip(_NAMES, _LAB) if name == colour]
    light = np.asarray(lightness, np.float32)
    if not ls:
        return np.zeros_like(light)
    off = np.maximum(min(ls) - LIGHTNESS_MARGIN - light, 0) + np.maximum(light - max(ls) - LIGHTNESS_MARGIN, 0)
    return np.exp(-((off / 10.0) ** 2))


def _colour_reading(img: Image.Image) -> tuple[list[tuple[str, float]], bool, float]:
    """The subject's named colours (largest share first), whether the photo is colourless, the subject's median
    lightness L* 0..100. A colourless (greyscale) photo is named by lightness alone (black / grey / white): a light
    grey pixel is no evidence of pink."""
    small = _small(img)
    whole = cv2.cvtColor(np.asarray(small, np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    lab = whole[remembered_subject_mask(small)]
    colourless = _colourless_lab(whole)
    rows = _ACHROMATIC_ROWS if colourless else np.arange(len(_NAMES))
    nearest = rows[np.argmin(((lab[:, None, :] - _LAB[rows][None]) ** 2).sum(-1), axis=1)]
    counts = np.bincount(nearest, minlength=len(_NAMES)) / max(1, len(nearest))
    named: dict[str, float] = {}
    for name, c in zip(_NAMES, counts):
        named[name] = named.get(name, 0.0) + float(c)
    lightness = float(np.median(lab[:, 0]) / 2.55) if len(lab) else float("nan")
    return [(n, c) for n, c in sorted(named.items(), key=lambda t: -t[1]) if c > 0.0], colourless, lightness


def colour_shares(img: Image.Image) -> list[tuple[str, float]]:
    """Named colours of the subject (backdrop excluded), largest share first (`_colour_reading`)."""
    return _colour_reading(img)[0]


def dominant_colours(img: Image.Image, min_share: float = 0.2, max_n: int = 2) -> list[str]:
    shares = colour_shares(img)
    names = [n for n, s in shares[:max_n] if s >= min_share]
    return names or [shares[0][0]]


def _pattern_mask(small: Image.Image) -> np.ndarray:
    """The garment (the shared segmentation) less a rim proportional to its size: its outline, the shading that
    darkens towards it and the seams along it are construction, not print."""
    garment = remembered_subject_mask(small)
    margin = max(4, int(round(0.045 * np.sqrt(garment.sum()))))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    return cv2.erode(garment.astype(np.uint8), disc).astype(bool)


def _without_plain_parts(inner: np.ndarray, other: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """Drop large plain parts of another colour (a sneaker's sole, a cuff, a pocket) and their rims: a print is many
    small repeats, a part is one big smooth region."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(other.astype(np.uint8), 8)
    k3 = np.ones((3, 3), np.uint8)
    for k in range(1, n):
        if stats[k, cv2.CC_STAT_AREA] < 0.08 * inner.sum():
            continue
        part = (labels == k).astype(np.uint8)
        # A part is one solid piece; a check's grid of darker bands is full of holes.
        outline, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        filled = cv2.drawContours(np.zeros_like(part), outline, -1, 1, -1)
        if part.sum() < 0.85 * filled.sum():
            continue
        core = cv2.erode(part, k3, iterations=2).astype(bool)
        if core.any() and strong[core].mean() < 0.03:
            inner = inner & ~cv2.dilate(part, k3, iterations=3).astype(bool)
    return inner


def _coverage(inner: np.ndarray, other: np.ndarray, grid: int = 4) -> float:
    """Share of the garment's cells (a grid x grid split of its box, cells at least a third garment) in which
    `other` (the print's second colour) covers at least 15%."""
    ys, xs = np.nonzero(inner)
    if not len(ys):
        return 0.0
    yb = np.linspace(ys.min(), ys.max() + 1, grid + 1).astype(int)
    xb = np.linspace(xs.min(), xs.max() + 1, grid + 1).astype(int)
    cells = hit = 0
    for i in range(grid):
        for j in range(grid):
            cell = inner[yb[i]:yb[i + 1], xb[j]:xb[j + 1]]
            if cell.size == 0 or cell.mean() < 0.33:
                continue
            cells += 1
            hit += other[yb[i]:yb[i + 1], xb[j]:xb[j + 1]][cell].mean() >= 0.15
    return hit / cells if cells else 0.0


def detect_pattern(img: Image.Image) -> tuple[str, float]:
    """Coarse pattern from edge statistics inside the garment: (label, confidence 0..1)."""
    # 1. the garment's inside, less its large plain parts (a sole, a cuff), and the edges in it
    small = _small(img, 160)
    inner = _pattern_mask(small)
    if inner.sum() < 200:
        return "solid", 0.3
    grey = np.asarray(small.convert("L"), np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    lab = cv2.cvtColor(np.asarray(small, np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    base = np.median(lab[inner], axis=0)
    far = np.linalg.norm(lab - base, axis=2) > 30
    inner = _without_plain_parts(inner, far & inner, mag > 60)
    if inner.sum() < 200:
        return "solid", 0.3
    # 2. the print's second colour, and how densely strong edges cover the garment
    base = np.median(lab[inner], axis=0)
    other = (np.linalg.norm(lab - base, axis=2) > 30) & inner
    other_share = other.sum() / inner.sum()
    strong = inner & (mag > 60)
    density = strong.mean() / max(inner.mean(), 1e-6)
    if density < 0.05 or other_share < 0.04:
        # A few seams, buttons or a trim line are edges too, but a print covers a good share of the garment.
        return "solid", float(np.clip(1 - min(density / 0.05, other_share / 0.04), 0.3, 1.0))
    # 3. lines, read from the edges' directions: stripes, checks, chevron
    lined = _lined_pattern(gx[strong], gy[strong], int(strong.sum()), other_share, density)
    if lined is not None:
        return lined
    # 4. blobs of the second colour: dots, or a print
    return _blob_pattern(inner, other)


def _lined_pattern(gx: np.ndarray, gy: np.ndarray, n_strong: int, other_share: float,
                   density: float) -> tuple[str, float] | None:
    """Stripes (one direction), checks (two at right angles), chevron (crossing diagonals), or None."""
    ang = (np.degrees(np.arctan2(gy, gx)) + 180) % 180
    hist = np.bincount((ang // 15).astype(int) % 12, minlength=12) / max(1, n_strong)
    peak = int(np.argmax(hist))
    peak_share = hist[(peak - 1) % 12] + hist[peak] + hist[(peak + 1) % 12]
    ortho = (peak + 6) % 12
    ortho_share = hist[(ortho - 1) % 12] + hist[ortho] + hist[(ortho + 1) % 12]
    diag = [(peak + 3) % 12, (peak + 9) % 12]
    diag_share = sum(hist[d] for d in diag)
    if peak_share > 0.6 and ortho_share < 0.15 and other_share > 0.1:
        return "stripes", float(min(1.0, peak_share))
    if peak_share > 0.3 and ortho_share > 0.25 and diag_share < 0.15:
        if peak in (2, 3, 4, 8, 9, 10):  # crossing diagonals: zigzag, not an axis-aligned grid
            return "chevron", float(min(1.0, peak_share + ortho_share - 0.3))
        return "checks", float(min(1.0, peak_share + ortho_share - 0.3))
    if diag_share > 0.3 and peak_share + ortho_share < 0.5 and density > 0.15:
        return "chevron", 0.4
    return None


def _blob_pattern(inner: np.ndarray, other: np.ndarray) -> tuple[str, float]:
    """Blobs of a second colour: regular small round blobs read as dots, irregular ones as a print."""
    n, _, stats, centres = cv2.connectedComponentsWithStats(other.astype(np.uint8), 8)
    keep = stats[1:, cv2.CC_STAT_AREA] >= 4
    blobs, centres = stats[1:][keep], centres[1:][keep]
    areas = blobs[:, cv2.CC_STAT_AREA]
    # A print is scattered over the garment; buttons down a placket line up (seam slivers left out, and the median
    # deviation ignores a collar's two points).
    w, h = blobs[:, cv2.CC_STAT_WIDTH], blobs[:, cv2.CC_STAT_HEIGHT]
    dots = centres[np.maximum(w, h) <= 3 * np.minimum(w, h)]
    dots = dots if len(dots) >= 3 else centres
    ys, xs = np.nonzero(inner)
    mad = [np.median(np.abs(c - np.median(c))) for c in dots.T] if len(dots) else [0.0, 0.0]
    scatter = min(mad[0] / max(np.ptp(xs), 1), mad[1] / max(np.ptp(ys), 1))
    if len(areas) >= 8 and scatter >= 0.04:
        fill = areas / np.maximum(1, blobs[:, cv2.CC_STAT_WIDTH] * blobs[:, cv2.CC_STAT_HEIGHT])
        # Dots repeat one size (a few merge or are cut by the rim, so the spread is read from the quantiles).
        spread = np.percentile(areas, 90) / max(np.median(areas), 1e-6)
        if spread < 1.5 and np.median(fill) > 0.6:
            return "polka dots", float(np.clip(2.0 - spread, 0.5, 1.0))
        # A print covers the garment; a graphic (a logo, a picture on a tee) sits in one place: the share of the
        # garment's cells the second colour reaches is how sure "floral" is.
        return "floral", float(np.clip(0.25 + 0.6 * _coverage(inner, other), 0.3, 0.85))
    return "solid", 0.3


# ---- tags a stylist can trust: category, colour and pattern, each with a confidence ----------------------------
# A tag below TRUST is shown as "looks like ..." and is neither a search word nor an attribute boost.
TRUST = 0.6
COLOURLESS_CONFIDENCE = 0.3  # a colour read from a greyscale photo: "looks like" on the card, never a word or boost

@dataclass
class Tags:
    category: str
    colour: str
    pattern: str
    category_confidence: float
    colour_confidence: float
    pattern_confidence: float
    silhouette: dict[str, float] = field(default_factory=dict)
    lightness: float | None = None  # L* of a greyscale photo's garment (its colour cannot be read; this can)
    narrower: float | None = None  # the encoder's evidence for the category's narrower kind (jeans for trousers)

    def metadata(self) -> dict:
        """The tag fields an item's metadata carries (confidences rounded: they are shown and compared, not summed)."""
        out = {"category": self.category, "colour": self.colour, "pattern": self.pattern,
               "category_confidence": round(self.category_confidence, 3),
               "colour_confidence": round(self.colour_confidence, 3),
               "pattern_confidence": round(self.pattern_confidence, 3)}
        if self.lightness is not None and np.isfinite(self.lightness):
            out["lightness"] = round(self.lightness, 1)
        if self.narrower is not None:
            out["narrower_share"] = round(self.narrower, 3)
        return out


def colour_tag(img: Image.Image) -> tuple[str, float]:
    """The garment's main colour and a confidence: its share of the garment's pixels, a near-even split with a
    second colour (a two-tone or printed piece) lowering it."""
    return _colour_of(*_colour_reading(img)[:2])


def _colour_of(shares: list[tuple[str, float]], colourless: bool) -> tuple[str, float]:
    if not shares:
        return "", 0.0
    first = shares[0][1]
    second = shares[1][1] if len(shares) > 1 else 0.0
    conf = float(np.clip(0.35 + first - 0.5 * second, 0.0, 1.0))
    if colourless:  # lightness is all a greyscale photo shows: a navy tee reads black, a pink one white
        conf = min(conf, COLOURLESS_CONFIDENCE)
    return shares[0][0], conf


def read_tags(img: Image.Image, evidence: dict[str, float] | None = None) -> Tags:
    """Category, colour and pattern of a product shot, each with a confidence 0..1."""
    small = _small(img, 160)
    sil = outline_scores(remembered_subject_mask(small), np.asarray(small))
    cat, cat_conf = read_category(sil, evidence or {})
    shares, colourless, lightness = _colour_reading(img)
    colour, colour_conf = _colour_of(shares, colourless)
    pattern, pattern_conf = detect_pattern(img)
    return Tags(cat, colour, pattern, cat_conf, colour_conf, pattern_conf, sil, lightness if colourless else None,
                narrower_share(cat, evidence or {}))


def trusted(meta: dict, key: str) -> bool:
    """Whether an item's tag `key` (category / colour / pattern) may be used as a word and a boost: labels from
    the catalog always; tags read from pixels when their confidence reaches TRUST."""
    conf = meta.get(f"{key}_confidence")
    return conf is None or float(conf) >= TRUST


def tag_weight(meta: dict, key: str) -> float:
    """How much a tag counts in ranking: 1 for the catalog's labels, its confidence for a trusted pixel tag,
    0 below TRUST."""
    conf = meta.get(f"{key}_confidence")
    if conf is None:
        return 1.0
    return float(conf) if float(conf) >= TRUST else 0.0


def tag_text(meta: dict) -> str:
    """A card's tag line: labels and trusted tags stated, guesses below TRUST as "looks like ..."
    ("t-shirt · black · looks like floral"; "looks like a red dress")."""
    stated, guessed = [], {}
    for key in ("category", "colour", "pattern"):
        value = str(meta.get(key) or "")
        if not value or (key == "pattern" and value == "solid" and not trusted(meta, key)):
            continue
        if trusted(meta, key):
            stated.append(value)
        else:
            guessed[key] = value
    if guessed:
        words = " ".join(guessed[k] for k in ("colour", "pattern", "category") if k in guessed)
        stated.append(f"looks like {'a ' if 'category' in guessed else ''}{words}")
    return " · ".join(stated)
