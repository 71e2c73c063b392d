"""A product shot's category tag: its outline's scores (legs, neckline, straps, waistband) and the encoder's evidence.

The outline's scores here are numbers read by `read_category`; `core.segmentation.silhouette` names an outline's
features instead (sleeves, legs, straps, length)."""
from __future__ import annotations

import numpy as np


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


def outline_scores(mask: np.ndarray) -> dict[str, float]:
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
