"""A product shot's category tag: its outline's scores (legs, neckline, straps, waistband) and the encoder's evidence.

The outline's scores here are numbers read by `read_category`; `core.segmentation.silhouette` names an outline's
features instead (sleeves, legs, straps, length)."""
from __future__ import annotations

import cv2
import numpy as np

from core.segmentation import backdrop_of, silhouette


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
# A tag that names the wider kind keeps the encoder's evidence for its narrower one (a pair of trousers with some
# "jean" in it): a shopper's "jeans" then prefers the trousers that look most like jeans, where no colour (blue
# denim) told them apart and the tag could not be sure (`narrower_share`).
NARROWER = {"trousers": "jeans"}
_KIND = {"upper": ("t-shirt", "top", "shirt", "blouse", "sweater", "hoodie", "jacket", "coat"),
         "legs": ("trousers", "jeans", "shorts"), "long": ("dress",)}


def _runs(row: np.ndarray, min_len: float) -> list[tuple[int, int]]:
    d = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
    return [(int(a), int(b)) for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)) if b - a >= min_len]


def outline_scores(mask: np.ndarray, rgb: np.ndarray | None = None) -> dict[str, float]:
    """What the garment's outline says, from its mask (the shared garment segmentation), each 0..1 except aspect
    and length (with the photo `rgb` the mask was read from, the backdrop between two legs too):

    * aspect: height / width of the garment (a top ~1, a dress or trousers 2-3);
    * legs: share of the lower rows crossed by two wide runs split near the middle (two trouser legs; two sleeve
      cuffs are narrow and far apart, so they do not count);
    * neckline: share of the top rows cut in two near the middle (a neck opening or two shoulders, where
      trousers have one straight waistband);
    * straps: share of the upper rows that are two thin runs far apart (a cami, a strappy dress);
    * waistband: the top edge's width against the garment's width (trousers start at their full width);
    * gap: share of the lower rows where the backdrop, reached from outside the garment, parts it in two near the
      middle (trouser legs that the mask, closing narrow gaps, joined); 0 without `rgb`;
    * sleeves: 0 none (sleeveless: a tank, a halter, a bra top), 0.5 short, 1 long, 0.25 unknown (legs, straps);
    * length: the body's length below the sleeves over its width (a t-shirt's sleeves widen its box, so a short
      sleeved dress has a top's aspect but a dress's body); the aspect where no short sleeves are read."""
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
    sleeves, length = _sleeves_and_length(mask, h / w)
    return {"aspect": h / w, "legs": share(0.6, 0.97, legs), "neckline": share(0.0, 0.06, split),
            "straps": share(0.0, 0.2, straps), "waistband": float(c[int(0.02 * h)].sum() / w), "found": found,
            "gap": _legs_gap(mask, rgb) if rgb is not None else 0.0, "sleeves": sleeves, "length": length}


_SLEEVES = {"none": 0.0, "short": 0.5, "long": 1.0}


def _centre_width(row: np.ndarray, w: int) -> int:
    """Width of the row's run at (or nearest) the middle of the garment: its body, not a sleeve beside it."""
    runs = _runs(row, 1)
    if not runs:
        return 0
    a, b = min(runs, key=lambda r: 0 if r[0] <= w / 2 < r[1] else min(abs(r[0] - w / 2), abs(r[1] - w / 2)))
    return b - a


def _sleeves_and_length(mask: np.ndarray, aspect: float) -> tuple[float, float]:
    """(sleeves, length) of `outline_scores`, from the garment's largest part (segmentation's Silhouette). A mask in
    pieces (a white tee on white, found in parts) says nothing of either: (0.25, aspect)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), 8)
    if n <= 1:
        return 0.25, aspect
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[big, cv2.CC_STAT_AREA] < 0.9 * mask.sum():
        return 0.25, aspect
    sil = silhouette(mask)
    if sil.legs or sil.straps:
        return 0.25, aspect
    if sil.sleeves != "short":
        return _SLEEVES[sil.sleeves], aspect
    x, y, w, h = stats[big, :4]
    c = labels[y:y + h, x:x + w] == big
    filled = c.any(axis=1)
    span = np.where(filled, w - np.argmax(c[:, ::-1], axis=1) - np.argmax(c, axis=1), 0).astype(float)
    body = np.array([_centre_width(r, w) for r in c], float)
    waist = body[int(0.35 * h):max(int(0.35 * h) + 1, int(0.7 * h))].min()
    wide = span > 1.33 * max(waist, 1.0)  # the rows the sleeves widen (as Silhouette reads them)
    start = next((i for i in range(int(0.45 * h)) if wide[i]), 0)
    armpit = start + int(np.argmin(wide[start:])) if not wide[start:].all() else h
    if not 0.15 * h <= armpit <= 0.6 * h:
        return 0.5, aspect
    width = float(np.median(body[armpit:int(0.95 * h)]))
    # never longer than the box allows: a quarter over the aspect at most (a stray part cannot make a tee a gown)
    return 0.5, float(max(aspect, min((h - armpit) / max(width, 1.0), 1.25 * aspect)))


def _legs_gap(mask: np.ndarray, rgb: np.ndarray, tolerance: float = 12.0) -> float:
    """Share of the garment's lower rows (60-97% of its height) where backdrop-coloured pixels connected to the
    frame's border part it near the middle, with a good width of garment on each side: the backdrop between two
    trouser legs. A print's light motifs lie inside the garment (not reached from outside); a garment of the
    backdrop's own colour cannot show such a gap and reads 0."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3], np.uint8), cv2.COLOR_RGB2LAB).astype(np.float32)
    plain = np.linalg.norm(lab - np.asarray(backdrop_of(rgb).colour, np.float32), axis=2) < tolerance
    ys, xs = np.nonzero(mask)
    if len(ys) < 50 or (plain & mask).sum() > 0.3 * mask.sum():
        return 0.0
    _, labels = cv2.connectedComponents(plain.astype(np.uint8), connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    outside = np.isin(labels, border[border > 0])
    y0, x0 = ys.min(), xs.min()
    cloth = (mask & ~plain)[y0:ys.max() + 1, x0:xs.max() + 1]
    out = outside[y0:ys.max() + 1, x0:xs.max() + 1]
    h, w = cloth.shape
    rows = range(int(0.6 * h), max(int(0.6 * h) + 1, int(0.97 * h)))
    return float(np.mean([_parted(cloth[r], out[r], w) for r in rows]))


def _parted(cloth: np.ndarray, outside: np.ndarray, w: int) -> bool:
    """A row of cloth parted once, near its middle, by backdrop reached from outside, into two parts of about one
    width."""
    xs = np.flatnonzero(cloth)
    if len(xs) < 2:
        return False
    between = outside.copy()
    between[:xs[0]] = between[xs[-1] + 1:] = False
    runs = _runs(between, 1)  # one parting: two legs (a top's two hanging sleeves part it twice)
    if len(runs) != 1 or not 0.3 * w <= sum(runs[0]) / 2 <= 0.7 * w:
        return False
    left, right = cloth[:runs[0][0]].sum(), cloth[runs[0][1]:].sum()
    # two legs of about one width (a sleeve hanging beside a body is a narrow part beside a wide one)
    return min(left, right) >= max(0.15 * w, 0.5 * max(left, right))


def narrower_share(category: str, evidence: dict[str, float]) -> float | None:
    """The encoder's evidence (0..1) for the narrower kind of a tag's category (jeans for trousers); None where
    the category has no narrower kind."""
    narrower = NARROWER.get(category)
    return None if narrower is None else float(min(1.0, max(0.0, evidence.get(narrower, 0.0))))


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
    # two legs in the mask, or the backdrop parting them most of the way from the hem to above 60% of the height
    # (a curved hem between two hanging sleeves parts only the last rows)
    p_legs = 1 - (1 - _sig((sil["legs"] - 0.25) / 0.06)) * (1 - _sig((sil.get("gap", 0.0) - 0.5) / 0.06))
    p_long = _sig((sil.get("length", sil["aspect"]) - 1.8) / 0.12)
    # A long piece from a straight top edge with no neckline may be trousers whose legs touch; half the say of two
    # legs seen (a sheath dress's straight shoulders read the same), the encoder's evidence decides between them.
    p_band = 0.5 * _sig((sil["waistband"] - 0.7) / 0.04) * (1 - sil["neckline"])
    kind = {"legs": 1 - (1 - p_legs) * (1 - p_long * p_band)}
    kind["long"] = (1 - kind["legs"]) * p_long
    kind["upper"] = (1 - kind["legs"]) * (1 - p_long)
    trust = float(sil.get("found", 1.0))  # a poor mask's outline counts for less: towards no opinion
    kind = {k: trust * p + (1 - trust) / 3 for k, p in kind.items()}
    ev = {k: sum(evidence.get(c, 0.0) for c in cats) for k, cats in _KIND.items()}
    # a skirt's flare is a dress's lower half, a top's bodice its upper half (only a long outline makes it a dress);
    # a clear upper word (>= 0.5) is the garment itself, as a clear "jersey" keeps a t-shirt on a poor mask
    ev["long"] += 0.5 * (evidence.get("skirt", 0.0) + (ev["upper"] if ev["upper"] < 0.5 else 0.0))
    post = {k: kind[k] * (0.05 + ev[k]) for k in kind}
    total = sum(post.values()) or 1.0
    k = max(post, key=post.get)
    p_kind = post[k] / total
    if k == "legs":
        cat, p_sub = ("jeans", evidence["jeans"]) if evidence.get("jeans", 0.0) >= 0.5 else ("trousers", 0.9)
    elif k == "long":
        cat, p_sub = "dress", 0.95
    else:
        # the outline's sleeves count where the outline itself reads a top (not where the encoder overruled it)
        cat, p_sub = _upper_word(sil, evidence, trust >= 0.9 and kind["upper"] >= 0.5)
    return cat, float(p_kind * p_sub)


# The upper garments whose word the outline's sleeves bear out: short sleeves a t-shirt's, long a sweater's.
_SLEEVES_OF = {"t-shirt": 0.5, "sweater": 1.0}


def _upper_word(sil: dict[str, float], evidence: dict[str, float], clear: bool) -> tuple[str, float]:
    """(category, its share of confidence) of an upper garment: the encoder's clear word among the upper ones, a
    weaker word where it is the only one and the sleeves bear it out, else "top". A t-shirt has sleeves: a
    sleeveless outline (a tank, a bra top) is a top whatever "jersey" says. `clear`: the outline is whole and
    reads an upper garment itself, so its sleeves can be taken at their word."""
    sleeves = sil.get("sleeves", 0.25)
    upper = {c: evidence.get(c, 0.0) for c in _KIND["upper"]
             if not (clear and c == "t-shirt" and sleeves == 0.0)}
    best = max(upper, key=upper.get)
    borne_out = clear and _SLEEVES_OF.get(best) == sleeves and upper[best] >= 0.6 * sum(upper.values())
    if sil["straps"] >= 0.5:
        return "top", 0.9  # a cami or a strappy top
    runner = max((c for c in upper if c != best), key=upper.get, default="")
    second = upper.get(runner, 0.0)
    # Two garment words splitting the encoder's vote (a long-sleeved tee: "jersey" or "sweatshirt"), together as
    # strong as one clear word, name a garment of that sort rather than a plain "top"; which one stays a guess.
    split = "top" not in (best, runner) and upper[best] + second >= 0.25 and upper[best] - second < 0.1
    if upper[best] >= 0.25 or (borne_out and upper[best] >= 0.1) or split:
        # a near tie with another upper word (a long-sleeved tee: "jersey" or "sweatshirt") is less sure
        return best, min(0.95, 0.5 + upper[best] - second)
    return "top", 0.8  # a top, no clearer word for it
