"""Attributes measured from pixels: dominant colour names and a coarse pattern label.

Used to tag catalogs that come without metadata and by the `lite` encoder to put colour and pattern
words into an image's text-space vector.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from core.segmentation import subject_mask
from core.vocabulary import PATTERNS

# Reference colours for naming (sRGB), typical of garment photos rather than pure hues; names from core.vocabulary.
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (30, 30, 32), "white": (240, 240, 238), "grey": (135, 137, 140), "navy": (32, 44, 88),
    "blue": (55, 110, 195), "red": (192, 38, 44), "burgundy": (110, 26, 44), "pink": (235, 150, 175),
    "green": (45, 135, 75), "olive": (105, 110, 55), "yellow": (238, 200, 55), "orange": (232, 122, 40),
    "beige": (212, 192, 158), "brown": (115, 75, 45), "purple": (110, 65, 148),
}
PATTERN_WORDS = list(PATTERNS)
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
    img = img.convert("RGB")
    img.thumbnail((side, side))
    return img


def colour_shares(img: Image.Image) -> list[tuple[str, float]]:
    """Named colours of the subject (backdrop excluded), largest share first."""
    small = _small(img)
    mask = subject_mask(small)
    rgb = np.asarray(small, np.uint8)[mask]
    lab = cv2.cvtColor(rgb[None], cv2.COLOR_RGB2LAB)[0].astype(np.float32)
    nearest = np.argmin(((lab[:, None, :] - _LAB[None]) ** 2).sum(-1), axis=1)
    counts = np.bincount(nearest, minlength=len(_NAMES)) / max(1, len(nearest))
    named: dict[str, float] = {}
    for name, c in zip(_NAMES, counts):
        named[name] = named.get(name, 0.0) + float(c)
    return [(n, c) for n, c in sorted(named.items(), key=lambda t: -t[1]) if c > 0.0]


def dominant_colours(img: Image.Image, min_share: float = 0.2, max_n: int = 2) -> list[str]:
    shares = colour_shares(img)
    names = [n for n, s in shares[:max_n] if s >= min_share]
    return names or [shares[0][0]]


def _pattern_mask(small: Image.Image) -> np.ndarray:
    """The garment (the shared segmentation) less a rim proportional to its size: its outline, the shading that
    darkens towards it and the seams along it are construction, not print."""
    garment = subject_mask(small)
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
    base = np.median(lab[inner], axis=0)
    other = (np.linalg.norm(lab - base, axis=2) > 30) & inner
    other_share = other.sum() / inner.sum()
    strong = inner & (mag > 60)
    density = strong.mean() / max(inner.mean(), 1e-6)
    if density < 0.05 or other_share < 0.04:
        # A few seams, buttons or a trim line are edges too, but a print covers a good share of the garment.
        return "solid", float(np.clip(1 - min(density / 0.05, other_share / 0.04), 0.3, 1.0))
    ang = (np.degrees(np.arctan2(gy[strong], gx[strong])) + 180) % 180
    hist = np.bincount((ang // 15).astype(int) % 12, minlength=12) / max(1, strong.sum())
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
    # Blobs of a second colour: regular small round blobs read as dots, irregular ones as a print.
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

# ImageNet classes (EfficientNet-Lite0's labels) that name a garment, as evidence for a category. Classes that
# name a shape more than a garment (abaya: any long black piece; apron: any sleeveless front) count for less.
IMAGENET_EVIDENCE: dict[str, tuple[str, float]] = {
    "jersey": ("t-shirt", 1.0), "sweatshirt": ("sweater", 1.0), "cardigan": ("sweater", 1.0),
    "jean": ("jeans", 1.0), "miniskirt": ("skirt", 1.0), "overskirt": ("skirt", 0.7), "hoopskirt": ("skirt", 0.7),
    "sarong": ("skirt", 0.5), "gown": ("dress", 1.0), "abaya": ("dress", 0.3), "kimono": ("dress", 0.3),
    "apron": ("dress", 0.3), "brassiere": ("top", 1.0), "bikini": ("top", 0.5), "maillot": ("top", 0.5),
    "bulletproof vest": ("top", 0.5), "poncho": ("top", 0.5), "cuirass": ("top", 0.3), "breastplate": ("top", 0.3),
    "suit": ("jacket", 1.0), "trench coat": ("coat", 1.0), "fur coat": ("coat", 1.0), "lab coat": ("coat", 1.0),
    "swimming trunks": ("shorts", 0.5), "running shoe": ("sneakers", 1.0), "Loafer": ("shoes", 1.0),
    "clog": ("shoes", 0.7), "sandal": ("sandals", 1.0), "cowboy boot": ("boots", 1.0), "purse": ("bag", 1.0),
    "mailbag": ("bag", 1.0), "backpack": ("bag", 1.0), "plastic bag": ("bag", 0.5), "stole": ("scarf", 0.7),
    "sombrero": ("hat", 1.0), "cowboy hat": ("hat", 1.0), "bonnet": ("hat", 0.7),
}
_KIND = {"upper": ("t-shirt", "top", "shirt", "blouse", "sweater", "hoodie", "jacket", "coat"),
         "legs": ("trousers", "jeans", "shorts"), "long": ("dress",)}


def _runs(row: np.ndarray, min_len: float) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
    return [(int(a), int(b)) for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)) if b - a >= min_len]


def silhouette(mask: np.ndarray) -> dict[str, float]:
    """What the garment's outline says, from its mask (the shared garment segmentation), each 0..1 except aspect:

    * aspect: height / width of the garment (a top ~1, a dress or trousers 2-3);
    * legs: share of the lower rows crossed by two wide runs split near the middle (two trouser legs; two sleeve
      cuffs are narrow and far apart, so they do not count);
    * neckline: share of the top rows cut in two near the middle (a neck opening or two shoulders, where
      trousers have one straight waistband);
    * straps: share of the upper rows that are two thin runs far apart (a cami, a strappy dress);
    * waistband: the top edge's width against the garment's width (trousers start at their full width)."""
    ys, xs = np.nonzero(mask)
    if len(ys) < 50:
        return {"aspect": 1.0, "legs": 0.0, "neckline": 0.0, "straps": 0.0, "waistband": 0.0, "found": 0.0}
    c = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = c.shape
    min_run = max(2.0, 0.03 * w)

    def share(lo: float, hi: float, test) -> float:
        rows = range(int(lo * h), max(int(lo * h) + 1, int(hi * h)))
        return float(np.mean([test(_runs(c[r], min_run)) for r in rows]))

    def legs(rr) -> bool:
        if len(rr) != 2:
            return False
        (a, b), (p, q) = rr
        return min(b - a, q - p) >= 0.18 * w and (p - b) <= 0.45 * w and 0.3 <= (b + p) / 2 / w <= 0.7

    def split(rr) -> bool:
        return len(rr) == 2 and 0.3 <= (rr[0][1] + rr[1][0]) / 2 / w <= 0.7

    def straps(rr) -> bool:
        return len(rr) == 2 and max(b - a for a, b in rr) <= 0.2 * w and rr[1][0] - rr[0][1] > 0.2 * w

    # A product shot's garment fills a good part of the frame; a mask of a tenth of it (a white tee on white,
    # where only the print was found) says little about the garment's outline.
    found = float(np.clip(mask.mean() / 0.2, 0.0, 1.0))
    return {"aspect": h / w, "legs": share(0.6, 0.97, legs), "neckline": share(0.0, 0.06, split),
            "straps": share(0.0, 0.2, straps), "waistband": float(c[int(0.02 * h)].sum() / w), "found": found}


def _sig(x: float) -> float:
    return float(1.0 / (1.0 + np.exp(-x)))


def read_category(sil: dict[str, float], evidence: dict[str, float]) -> tuple[str, float]:
    """(category, confidence) of a product shot from its silhouette and the encoder's evidence (category ->
    probability mass, e.g. ImageNet classes that name garments, or CLIP's zero-shot shares).

    The outline decides the kind of garment: two legs (or a long piece starting at a straight waistband with no
    neckline) make trousers, a long piece a dress, the rest a top. The encoder's evidence moves that
    (P(kind) ~ outline x (0.05 + evidence)): a clear "jersey" keeps a t-shirt a t-shirt on a poor mask, and a
    garment that is no kind of clothing the outline knows (shoes, bags, hats) comes from the encoder alone."""
    other = max(((c, p) for c, p in evidence.items() if not any(c in cats for cats in _KIND.values())
                 and c not in ("skirt",)), key=lambda t: t[1], default=("", 0.0))
    if other[1] >= 0.5 or not sil.get("found"):
        best = max(evidence.items(), key=lambda t: t[1], default=("", 0.0))
        return (best[0] or "top"), float(min(best[1], 0.95)) if best[0] else 0.0
    p_legs = _sig((sil["legs"] - 0.25) / 0.06)
    p_long = _sig((sil["aspect"] - 1.8) / 0.12)
    p_band = _sig((sil["waistband"] - 0.7) / 0.04) * (1 - sil["neckline"])
    kind = {"legs": 1 - (1 - p_legs) * (1 - p_long * p_band)}
    kind["long"] = (1 - kind["legs"]) * p_long
    kind["upper"] = (1 - kind["legs"]) * (1 - p_long)
    trust = float(sil.get("found", 1.0))  # a poor mask's outline counts for less: towards no opinion
    kind = {k: trust * p + (1 - trust) / 3 for k, p in kind.items()}
    ev = {k: sum(evidence.get(c, 0.0) for c in cats) for k, cats in _KIND.items()}
    ev["long"] += 0.5 * evidence.get("skirt", 0.0)  # a skirt's flare is a dress's lower half
    post = {k: kind[k] * (0.05 + ev[k]) for k in kind}
    total = sum(post.values()) or 1.0
    k = max(post, key=post.get)
    p_kind = post[k] / total
    if k == "legs":
        cat, p_sub = ("jeans", evidence["jeans"]) if evidence.get("jeans", 0.0) >= 0.5 else ("trousers", 0.9)
    elif k == "long":
        cat, p_sub = "dress", 0.95
    else:
        upper = {c: evidence.get(c, 0.0) for c in _KIND["upper"]}
        best = max(upper, key=upper.get)
        if sil["straps"] >= 0.5:
            cat, p_sub = "top", 0.9  # a cami or a strappy top
        elif upper[best] >= 0.25:
            cat, p_sub = best, min(0.95, 0.5 + upper[best])
        else:
            cat, p_sub = "top", 0.8  # a top, no clearer word for it
    return cat, float(p_kind * p_sub)


@dataclass
class Tags:
    category: str
    colour: str
    pattern: str
    category_confidence: float
    colour_confidence: float
    pattern_confidence: float
    silhouette: dict[str, float] = field(default_factory=dict)

    def metadata(self) -> dict:
        """The tag fields an item's metadata carries (confidences rounded: they are shown and compared, not summed)."""
        return {"category": self.category, "colour": self.colour, "pattern": self.pattern,
                "category_confidence": round(self.category_confidence, 3),
                "colour_confidence": round(self.colour_confidence, 3),
                "pattern_confidence": round(self.pattern_confidence, 3)}


def colour_tag(img: Image.Image) -> tuple[str, float]:
    """The garment's main colour and a confidence: its share of the garment's pixels, a near-even split with a
    second colour (a two-tone or printed piece) lowering it."""
    shares = colour_shares(img)
    if not shares:
        return "", 0.0
    first = shares[0][1]
    second = shares[1][1] if len(shares) > 1 else 0.0
    return shares[0][0], float(np.clip(0.35 + first - 0.5 * second, 0.0, 1.0))


def read_tags(img: Image.Image, evidence: dict[str, float] | None = None) -> Tags:
    """Category, colour and pattern of a product shot, each with a confidence 0..1."""
    small = _small(img, 160)
    sil = silhouette(subject_mask(small))
    cat, cat_conf = read_category(sil, evidence or {})
    colour, colour_conf = colour_tag(img)
    pattern, pattern_conf = detect_pattern(img)
    return Tags(cat, colour, pattern, cat_conf, colour_conf, pattern_conf, sil)


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
