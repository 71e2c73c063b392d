"""Stylist: taste from likes/dislikes, personal ranking, For-you feed, complete outfits, exports.

Everything is written against the encoder space: a taste is a direction in it, an outfit's style coherence
is the similarity of its pieces there, so any encoder (CLIP or lite) works the same way.
"""
from __future__ import annotations

import io
import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from core.encoders import l2_normalize
from core.errors import AtelierError
from core.profiles import Profile, ProfileStore
from core.search import CatalogIndex, SearchHit
from core.vocabulary import NEUTRAL_COLOURS, group_of

log = logging.getLogger(__name__)

# Which slots complete a look, by the anchor's group (optional slots are added when they help the score).
SLOTS = {
    "top": (["bottom", "shoes"], ["outerwear", "bag"]),
    "bottom": (["top", "shoes"], ["outerwear", "bag"]),
    "outerwear": (["top", "bottom", "shoes"], ["bag"]),
    "dress": (["shoes", "bag"], ["outerwear"]),
    "shoes": (["top", "bottom"], ["bag"]),
    "bag": (["top", "bottom", "shoes"], []),
}
NEUTRALS = NEUTRAL_COLOURS
# Colour families on a wheel; neighbours are analogous, opposites complementary.
WHEEL = ["red", "orange", "yellow", "olive", "green", "blue", "purple", "pink"]
ALIAS = {"burgundy": "red"}


def colour_harmony(a: str, b: str) -> tuple[float, str]:
    a, b = (a or "").lower(), (b or "").lower()
    if a in NEUTRALS or b in NEUTRALS:
        return 1.0, f"{a if a in NEUTRALS else b} is a neutral"
    a, b = ALIAS.get(a, a), ALIAS.get(b, b)
    if a == b:
        return 0.9, f"tonal {a}"
    if a in WHEEL and b in WHEEL:
        d = abs(WHEEL.index(a) - WHEEL.index(b))
        d = min(d, len(WHEEL) - d)
        if d == 1:
            return 0.8, f"{a} and {b} are analogous"
        if d == len(WHEEL) // 2:
            return 0.65, f"{a} and {b} are complementary"
    return 0.2, f"{a} and {b} clash"


# ---- taste & personal ranking ------------------------------------------------------------------------
@dataclass
class Taste:
    vector: np.ndarray | None  # None: cold start
    liked: list[str]
    disliked: list[str]


def taste_of(store: ProfileStore, profile: Profile, index: CatalogIndex) -> Taste:
    snap = index.snapshot()
    liked = [i for i in store.items(profile.id, "like") + store.items(profile.id, "favourite") if i in snap.index_of]
    liked = list(dict.fromkeys(liked))
    disliked = [i for i in store.items(profile.id, "dislike") if i in snap.index_of]
    if not liked:
        return Taste(None, liked, disliked)
    pos = snap.embeddings[[snap.index_of[i] for i in liked]].mean(0)
    neg = snap.embeddings[[snap.index_of[i] for i in disliked]].mean(0) if disliked else 0.0
    return Taste(l2_normalize(pos - 0.5 * neg), liked, disliked)


def explain(hit: SearchHit, taste: Taste, index: CatalogIndex) -> str:
    """Why an item was suggested: the liked item it is closest to."""
    if not taste.liked:
        return "popular pick"
    snap = index.snapshot()
    if hit.id not in snap.index_of:
        return ""
    v = snap.embeddings[snap.index_of[hit.id]]
    sims = [(float(snap.embeddings[snap.index_of[i]] @ v), i) for i in taste.liked if i != hit.id]
    if not sims:
        return ""
    sim, best = max(sims)
    name = snap.metadatas[snap.index_of[best]].get("name") or best
    return f"because you liked {name} (similarity {sim:.2f})"


def for_you(store: ProfileStore, profile: Profile, index: CatalogIndex, k: int = 12) -> list[tuple[SearchHit, str]]:
    """The profile's feed: nearest to its taste, minus what it already marked; cold start: popular, diverse."""
    snap = index.snapshot()
    taste = taste_of(store, profile, index)
    seen = set(taste.liked) | set(taste.disliked)
    if taste.vector is not None:
        scores = snap.embeddings @ taste.vector
        order = [n for n in np.argsort(-scores) if snap.ids[n] not in seen][:k]
        hits = [index._hit(snap, int(n), float(scores[n])) for n in order]
        return [(h, explain(h, taste, index)) for h in hits]
    popular = store.popularity("like")
    return [(h, "popular with other clients" if popular.get(h.id) else "a diverse pick to start from")
            for h in diverse_picks(index, k, popular, exclude=seen)]


def diverse_picks(index: CatalogIndex, k: int, popularity: dict[str, int], exclude: set[str] = frozenset()) -> list[SearchHit]:
    """Farthest-point sampling in the encoder space, starting from (and preferring) popular items."""
    snap = index.snapshot()
    n = len(snap.ids)
    if n == 0:
        return []
    pop = np.array([popularity.get(i, 0) for i in snap.ids], np.float32)
    allowed = np.array([i not in exclude for i in snap.ids])
    first = int(np.argmax(np.where(allowed, pop + 1e-3 * -np.arange(n), -np.inf)))
    chosen = [first]
    dist = 1 - snap.embeddings @ snap.embeddings[first]
    while len(chosen) < min(k, int(allowed.sum())):
        score = np.where(allowed, dist + 0.05 * np.log1p(pop), -np.inf)
        score[chosen] = -np.inf
        nxt = int(np.argmax(score))
        chosen.append(nxt)
        dist = np.minimum(dist, 1 - snap.embeddings @ snap.embeddings[nxt])
    return [index._hit(snap, c, float(pop[c])) for c in chosen]


# ---- outfits -----------------------------------------------------------------------------------------
@dataclass
class Outfit:
    items: list[SearchHit]
    score: float
    total_price: float
    reasons: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"items": [h.to_json() for h in self.items], "score": round(self.score, 4),
                "total_price": round(self.total_price, 2), "why": self.reasons}


def _price(h: SearchHit) -> float:
    p = h.metadata.get("price", -1)
    return float(p) if isinstance(p, (int, float)) and p >= 0 else 0.0


def build_outfits(index: CatalogIndex, anchor_ids: list[str], k: int = 3, budget: float | None = None,
                  taste: Taste | None = None, per_slot: int = 6) -> list[Outfit]:
    """Complete looks around the anchor item(s): slots, colour harmony, style coherence, budget, diversity."""
    snap = index.snapshot()
    anchors = [index.item(a) for a in anchor_ids]
    if not anchors:
        raise AtelierError("Pick an item (or fill the cart) to build an outfit around.")
    groups = {group_of(a.metadata.get("category", "")) for a in anchors}
    main = next((g for g in ("dress", "top", "bottom", "outerwear", "shoes", "bag") if g in groups), None)
    if main is None:
        raise AtelierError(f"Atelier cannot build outfits around a {anchors[0].metadata.get('category') or 'item'} yet; "
                           "pick clothing, shoes or a bag.")
    required, optional = SLOTS[main]
    required = [s for s in required if s not in groups]
    optional = [s for s in optional if s not in groups]
    fixed_cost = sum(_price(a) for a in anchors)
    if budget is not None and fixed_cost > budget:
        raise AtelierError(f"The chosen piece(s) already cost ${fixed_cost:.2f}, over the ${budget:.2f} budget.")
    anchor_vec = l2_normalize(snap.embeddings[[snap.index_of[a.id] for a in anchors]].mean(0))
    slot_of = np.array([group_of(str(c)) or "" for c in snap.columns["category"]])
    candidates: dict[str, list[int]] = {}
    for slot in required + optional:
        rows = np.flatnonzero(slot_of == slot)
        rows = np.array([r for r in rows if snap.ids[r] not in anchor_ids])
        if len(rows) == 0:
            if slot in required:
                raise AtelierError(f"The catalog has no {slot} to complete this look.")
            continue
        if budget is not None:
            prices = snap.columns["price"][rows]
            rows = rows[(prices < 0) | (prices <= budget - fixed_cost)]
        style = snap.embeddings[rows] @ anchor_vec
        if taste is not None and taste.vector is not None:
            style = style + 0.3 * (snap.embeddings[rows] @ taste.vector)
        harmony = np.array([np.mean([colour_harmony(snap.metadatas[r].get("colour", ""), a.metadata.get("colour", ""))[0]
                                     for a in anchors]) for r in rows])
        ranked = rows[np.argsort(-(style + harmony))][: per_slot * 3]
        candidates[slot] = [int(r) for r in ranked]
    slots = [s for s in required + optional if s in candidates]
    looks = []
    for choice in itertools.product(*[candidates[s][:per_slot] for s in slots]):
        for use_optional in ([True, False] if any(s in optional for s in slots) else [True]):
            picked = [c for s, c in zip(slots, choice) if use_optional or s in required]
            look = _score_look(index, snap, anchors, picked, budget, fixed_cost, taste)
            if look is not None:
                looks.append(look)
    looks.sort(key=lambda o: -o.score)
    out: list[Outfit] = []
    used: dict[str, int] = {}
    for look in looks:  # diversity: each piece at most once across the suggestions
        ids = [h.id for h in look.items[len(anchors):]]
        if any(used.get(i) for i in ids):
            continue
        out.append(look)
        for i in ids:
            used[i] = 1
        if len(out) == k:
            break
    if not out:
        raise AtelierError("No complete look fits these constraints; raise the budget or pick another item.")
    return out


def _score_look(index, snap, anchors, picked, budget, fixed_cost, taste) -> Outfit | None:
    hits = anchors + [index._hit(snap, r, 0.0) for r in picked]
    total = fixed_cost + sum(_price(index._hit(snap, r, 0.0)) for r in picked)
    if budget is not None and total > budget:
        return None
    vecs = snap.embeddings[[snap.index_of[h.id] for h in hits]]
    sims = vecs @ vecs.T
    n = len(hits)
    coherence = float((sims.sum() - n) / max(1, n * (n - 1)))
    colours = [h.metadata.get("colour", "") for h in hits]
    pair_h = [colour_harmony(a, b) for a, b in itertools.combinations(colours, 2)]
    harmony = float(np.mean([p[0] for p in pair_h])) if pair_h else 1.0
    patterned = [h for h in hits if (h.metadata.get("pattern") or "solid") not in ("solid", "")]
    pattern_ok = len(patterned) <= 1
    score = coherence + harmony - (0.4 if not pattern_ok else 0.0) + 0.02 * (n - 3)
    if taste is not None and taste.vector is not None:
        score += 0.3 * float((vecs @ taste.vector).mean())
    reasons = []
    worst = min(pair_h, key=lambda p: p[0])[1] if pair_h else ""
    non_neutral = sorted({c for c in colours if c and c not in NEUTRALS})
    if not non_neutral:
        reasons.append("all neutrals: " + ", ".join(sorted(set(colours))))
    elif len(non_neutral) == 1:
        reasons.append(f"one accent colour ({non_neutral[0]}) on neutrals")
    else:
        reasons.append(f"colours: {worst}" if harmony < 1 else "colours work together")
    reasons.append(f"one statement pattern ({patterned[0].metadata.get('pattern')})" if len(patterned) == 1
                   else "solid pieces, no competing prints" if not patterned else f"{len(patterned)} patterns compete")
    reasons.append(f"style match {coherence:.2f} in the encoder's space")
    reasons.append(f"total ${total:.2f}" + (f" within the ${budget:.0f} budget" if budget is not None else ""))
    return Outfit(hits, score, total, reasons)


# ---- exports -----------------------------------------------------------------------------------------
def print_ready(design: Image.Image, spec: dict, out_dir: str | Path, name: str = "design", min_side_px: int = 2400) -> tuple[Path, Path]:
    """PNG at 300 dpi (upscaled so its long side is at least min_side_px, i.e. 8 in at 300 dpi) plus a JSON spec."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    img = design.convert("RGB")
    scale = max(1.0, min_side_px / max(img.size))
    if scale > 1:
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:60] or "design"
    png, js = out_dir / f"{safe}.png", out_dir / f"{safe}.json"
    img.save(png, dpi=(300, 300))
    full = dict(spec, width_px=img.width, height_px=img.height, dpi=300,
                width_in=round(img.width / 300, 2), height_in=round(img.height / 300, 2), exported_at=time.time())
    js.write_text(json.dumps(full, indent=2))
    return png, js


def lookbook_pdf(profile: Profile, favourites: list[SearchHit], outfits: list[Outfit], designs: list[dict]) -> bytes:
    """A PDF for stakeholder reviews: cover, favourites, outfits with reasons, saved designs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    meta = {"Title": f"Atelier lookbook: {profile.name}", "Author": "Atelier",
            "Subject": f"{len(favourites)} favourites, {len(outfits)} outfits, {len(designs)} designs",
            "Keywords": ",".join(h.id for h in favourites)}

    def page(title: str):
        fig = plt.figure(figsize=(8.27, 11.69))  # A4 portrait
        fig.text(0.07, 0.95, title, fontsize=20, weight="bold")
        return fig

    def grid(fig, entries, top=0.9, cols=3, rows=4):
        for n, (img, caption) in enumerate(entries[: cols * rows]):
            r, c = divmod(n, cols)
            ax = fig.add_axes([0.07 + c * 0.3, top - (r + 1) * 0.21, 0.26, 0.18])
            ax.imshow(img)
            ax.set_axis_off()
            ax.set_title(caption[:38], fontsize=8)

    def load(h: SearchHit):
        try:
            return Image.open(h.path).convert("RGB")
        except OSError:
            return Image.new("RGB", (64, 64), "lightgrey")

    with PdfPages(buf, metadata=meta) as pdf:
        fig = page(f"Lookbook: {profile.name}")
        fig.text(0.07, 0.9, time.strftime("%d %B %Y"), fontsize=12)
        fig.text(0.07, 0.86, meta["Subject"], fontsize=12)
        if profile.notes:
            fig.text(0.07, 0.82, profile.notes[:300], fontsize=10, wrap=True)
        pdf.savefig(fig)
        plt.close(fig)
        for start in range(0, len(favourites), 12):
            fig = page("Favourites")
            grid(fig, [(load(h), f"{h.metadata.get('name', h.id)} ${_price(h):.0f}") for h in favourites[start:start + 12]])
            pdf.savefig(fig)
            plt.close(fig)
        for n, o in enumerate(outfits):
            fig = page(f"Outfit {n + 1}  (${o.total_price:.2f})")
            grid(fig, [(load(h), h.metadata.get("name", h.id)) for h in o.items], rows=2)
            for j, reason in enumerate(o.reasons):
                fig.text(0.07, 0.4 - j * 0.03, f"• {reason}", fontsize=11)
            pdf.savefig(fig)
            plt.close(fig)
        for start in range(0, len(designs), 12):
            fig = page("Designs")
            grid(fig, [(Image.open(io.BytesIO(d["png"])).convert("RGB"), d["spec"].get("prompt", "")) for d in designs[start:start + 12]])
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()
