"""Stylist: taste from likes/dislikes, personal ranking, For-you feed, complete outfits, exports.

Everything is written against the encoder space: a taste is a direction in it, an outfit's style coherence
is the similarity of its pieces there, so any encoder (CLIP or lite) works the same way.
"""
from __future__ import annotations

import io
import itertools
import json
import logging
import re
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
    marked = list(dict.fromkeys(store.items(profile.id, "like") + store.items(profile.id, "favourite")))
    disliked_all = store.items(profile.id, "dislike")
    vecs = index.vectors(marked + disliked_all, missing_ok=True)  # by id: a large catalog holds no vectors
    present = np.abs(vecs).sum(1) > 0  # items since removed from the catalog come back as zero rows
    liked = [i for i, ok in zip(marked, present[: len(marked)]) if ok]
    disliked = [i for i, ok in zip(disliked_all, present[len(marked):]) if ok]
    if not liked:
        return Taste(None, liked, disliked)
    pos = vecs[: len(marked)][present[: len(marked)]].mean(0)
    neg = vecs[len(marked):][present[len(marked):]].mean(0) if disliked else 0.0
    return Taste(l2_normalize(pos - 0.5 * neg), liked, disliked)


def explain(hit: SearchHit, taste: Taste, index: CatalogIndex) -> str:
    """Why an item was suggested: the liked item it is closest to."""
    if not taste.liked:
        return "popular pick"
    others = [i for i in taste.liked if i != hit.id]
    if not others:
        return ""
    vecs = index.vectors([hit.id] + others, missing_ok=True)
    if not np.abs(vecs[0]).sum():
        return ""
    metas = index.metadatas(others)
    same = np.array([m.get("category") == hit.metadata.get("category") for m in metas], np.float32)
    best = int(np.argmax(vecs[1:] @ vecs[0] + same))  # a liked piece of the same kind first: "like the blue dress"
    name = metas[best].get("name") or others[best]
    return f"similar to {name}, which the client liked"


def for_you(store: ProfileStore, profile: Profile, index: CatalogIndex, k: int = 12) -> list[tuple[SearchHit, str]]:
    """The profile's feed, minus what it already marked; cold start: popular, diverse.

    The feed follows the mix of the client's likes: each liked category gets places in proportion to its likes
    (4 dresses and 2 blouses of 6: 8 dresses and 4 blouses of 12), filled with the pieces nearest to what was
    liked in that category (and away from what was passed), varied so that no two picks are near twins."""
    from collections import Counter

    from core.search import Filters

    taste = taste_of(store, profile, index)
    seen = set(taste.liked) | set(taste.disliked)
    if taste.vector is not None:
        cats = [str(m.get("category") or "") for m in index.metadatas(taste.liked)]
        counts = Counter(cats)
        vecs = index.vectors(taste.liked, missing_ok=True)
        neg = index.vectors(taste.disliked, missing_ok=True).mean(0) if taste.disliked else 0.0
        picked: list[SearchHit] = []
        for cat, n in sorted(_apportion(dict(counts), k).items(), key=lambda kv: -counts[kv[0]]):
            if n <= 0:
                continue
            rows = [i for i, c in enumerate(cats) if c == cat]
            q = l2_normalize(vecs[rows].mean(0) - 0.5 * neg)
            filters = Filters(category=[cat]) if cat else Filters()
            ranked = index.dense_search(q, 4 * n + 8, filters, seen | {h.id for h in picked}).ranked
            if not ranked:
                continue
            cand_vecs = index.vectors([i for i, _ in ranked], missing_ok=True)
            picked += index.hits([ranked[j] for j in _varied(ranked, cand_vecs, n)])
        if len(picked) < k:  # a liked category with too few other pieces: the rest nearest to the whole taste
            ranked = index.dense_search(taste.vector, k, Filters(), seen | {h.id for h in picked}).ranked
            picked += index.hits(ranked[: k - len(picked)])
        return [(h, explain(h, taste, index)) for h in picked[:k]]
    popular = store.popularity("like")
    return [(h, "popular with other clients" if popular.get(h.id) else "a diverse pick to start from")
            for h in diverse_picks(index, k, popular, exclude=seen)]


def _share(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values()) or 1
    return {c: n / total for c, n in counts.items()}


def category_mix_distance(a: list[str], b: list[str]) -> float:
    """Total variation distance between two lists' category shares: 0 = the same mix, 1 = nothing shared."""
    from collections import Counter

    pa, pb = _share(Counter(a)), _share(Counter(b))
    return 0.5 * sum(abs(pa.get(c, 0.0) - pb.get(c, 0.0)) for c in set(pa) | set(pb))


def _apportion(counts: dict[str, int], k: int) -> dict[str, int]:
    """k places shared in proportion to counts (largest remainder; every liked category gets one when k allows)."""
    total = sum(counts.values())
    exact = {c: k * n / total for c, n in counts.items()}
    seats = {c: int(v) for c, v in exact.items()}
    for c in sorted(counts, key=lambda c: (-(exact[c] - seats[c]), -counts[c], c))[: k - sum(seats.values())]:
        seats[c] += 1
    for c in sorted(counts, key=lambda c: -counts[c]):  # a category liked once still shows up when k allows
        if seats[c] == 0 and len(counts) <= k:
            donor = max(seats, key=lambda d: (seats[d] - exact[d], seats[d]))
            if seats[donor] > 1:
                seats[donor] -= 1
                seats[c] = 1
    return seats


def _varied(cands: list[tuple[str, float]], vecs: np.ndarray, n: int, lam: float = 0.7) -> list[int]:
    """n of the candidates, best first, each new one also far from those already picked (maximal marginal relevance)."""
    if not cands:
        return []
    rel = np.array([s for _, s in cands], np.float32)
    chosen: list[int] = []
    near = np.full(len(cands), -np.inf, np.float32)
    while len(chosen) < min(n, len(cands)):
        score = lam * rel - (1 - lam) * np.where(np.isfinite(near), near, 0.0)
        score[chosen] = -np.inf
        pick = int(np.argmax(score))
        chosen.append(pick)
        near = np.maximum(near, vecs @ vecs[pick])
    return chosen


DIVERSE_POOL = 3000  # a large catalog's cold-start picks come from its popular items plus this many others


def diverse_picks(index: CatalogIndex, k: int, popularity: dict[str, int], exclude: set[str] = frozenset()) -> list[SearchHit]:
    """Farthest-point sampling in the encoder space, starting from (and preferring) popular items.
    Over the whole catalog up to the exact-search threshold; above it over the popular items and a sample."""
    if not index.is_lean():
        snap = index.snapshot()
        ids, emb = list(snap.ids), snap.embeddings
    else:
        sample = index._call(index._collection().get, limit=DIVERSE_POOL, include=[])["ids"]
        ids = list(dict.fromkeys(sorted(popularity, key=lambda i: -popularity[i])[:DIVERSE_POOL] + sample))
        emb = index.vectors(ids, missing_ok=True)
        keep = np.abs(emb).sum(1) > 0
        ids, emb = [i for i, ok in zip(ids, keep) if ok], emb[keep]
    n = len(ids)
    if n == 0:
        return []
    pop = np.array([popularity.get(i, 0) for i in ids], np.float32)
    allowed = np.array([i not in exclude for i in ids])
    first = int(np.argmax(np.where(allowed, pop + 1e-3 * -np.arange(n), -np.inf)))
    chosen = [first]
    dist = 1 - emb @ emb[first]
    while len(chosen) < min(k, int(allowed.sum())):
        score = np.where(allowed, dist + 0.05 * np.log1p(pop), -np.inf)
        score[chosen] = -np.inf
        nxt = int(np.argmax(score))
        chosen.append(nxt)
        dist = np.minimum(dist, 1 - emb @ emb[nxt])
    return index.hits([(ids[c], float(pop[c])) for c in chosen])


# ---- outfits ----------------------------------------------------------------------------------------
# The rules a look must keep (hard constraints, never traded against a score): the anchor piece(s) always in,
# at most one statement (non-solid) pattern, within the budget, and no piece used in two of the suggestions.
MAX_STATEMENT_PATTERNS = 1


@dataclass(frozen=True)
class Occasion:
    """Where the look is worn: categories that never go in, categories that suit it (a small bonus)."""
    label: str
    exclude: frozenset
    prefer: frozenset
    dark: bool = False  # deep colours suit it (evening)


OCCASIONS = {
    "office": Occasion("Office", frozenset({"hoodie", "sneakers", "shorts", "t-shirt", "swimwear", "sandals"}),
                       frozenset({"shirt", "blouse", "trousers", "skirt", "jacket", "coat", "suit", "dress", "shoes",
                                  "boots", "bag"})),
    "evening": Occasion("Evening", frozenset({"hoodie", "sneakers", "shorts", "t-shirt", "swimwear"}),
                        frozenset({"dress", "blouse", "skirt", "coat", "suit", "shoes", "bag", "trousers"}), dark=True),
    "weekend": Occasion("Weekend", frozenset({"suit"}),
                        frozenset({"t-shirt", "jeans", "hoodie", "sneakers", "shorts", "sweater", "sandals", "bag"})),
}
DARK_COLOURS = frozenset({"black", "navy", "burgundy", "charcoal", "grey", "purple", "green"})


def _kind(h) -> str:
    from core.vocabulary import canonical_category

    cat = str((h.metadata if hasattr(h, "metadata") else h).get("category") or "")
    return canonical_category(cat) or cat.lower()


def occasion_of(name: str | None) -> Occasion | None:
    if not name:
        return None
    try:
        return OCCASIONS[name.lower()]
    except KeyError:
        raise AtelierError(f"Unknown occasion '{name}'; choose one of {', '.join(OCCASIONS)}.") from None


@dataclass
class Outfit:
    items: list[SearchHit]
    score: float
    total_price: float
    reasons: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        """One line a client can read: what goes with the first piece, and the colour story (no price, no scores)."""
        names = [str(h.metadata.get("name") or h.id).lower() for h in self.items[1:]]
        pieces = (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names)
        line = f"With {pieces}: {self.reasons[0]}" if pieces else self.reasons[0].capitalize()
        return line + "."

    def to_json(self) -> dict:
        return {"items": [h.to_json() for h in self.items], "score": round(self.score, 4),
                "total_price": round(self.total_price, 2), "why": self.reasons}


class Outfits(list):
    """The suggested looks (best first) and, when fewer than asked fit the rules, why (`shortfall`)."""

    def __init__(self, looks=(), asked: int = 0, shortfall: str = "") -> None:
        super().__init__(looks)
        self.asked = asked
        self.shortfall = shortfall


def _price(h: SearchHit) -> float:
    p = h.metadata.get("price", -1)
    return float(p) if isinstance(p, (int, float)) and p >= 0 else 0.0


def cart_total(items: list[SearchHit]) -> float:
    """What the pieces cost together (items without a price count as 0)."""
    return round(sum(_price(h) for h in items), 2)


def is_statement(h) -> bool:
    """A non-solid pattern (floral, stripes, checks ...): a look carries at most one."""
    meta = h.metadata if hasattr(h, "metadata") else h
    return str(meta.get("pattern") or "solid").lower() not in ("solid", "", "plain")


def _name(h: SearchHit) -> str:
    return str(h.metadata.get("name") or h.id)


@dataclass
class _Piece:
    hit: SearchHit
    vector: np.ndarray
    price: float  # 0 when unknown
    statement: bool


SLOT_POOL = 400  # a large catalog's pieces per slot: the nearest this many to the anchor's style (HNSW)


def _slot_pool(index: CatalogIndex, slot: str, anchor_ids: list[str], anchor_vec: np.ndarray, taste: Taste | None,
               budget: float | None, fixed_cost: float) -> list[_Piece]:
    """The catalog's pieces for one outfit slot: all of them up to the exact-search threshold; above it the
    SLOT_POOL nearest to the anchor (and taste) among the slot's categories and the budget, fetched by id."""
    from core.search import Filters

    if not index.is_lean():
        snap = index.snapshot()
        rows = [r for r in range(len(snap.ids)) if group_of(str(snap.columns["category"][r])) == slot
                and snap.ids[r] not in anchor_ids]
        hits = index.rows_hits(snap, rows, [0.0] * len(rows))
        vecs = snap.embeddings[rows] if rows else np.zeros((0, snap.embeddings.shape[1]), np.float32)
    else:
        facets = index.facets() or {}
        cats = [c for c in facets.get("category", []) if group_of(c) == slot] or [slot]
        q = anchor_vec if taste is None or taste.vector is None else l2_normalize(anchor_vec + 0.3 * taste.vector)
        price_max = budget - fixed_cost if budget is not None else None
        ranked = index.dense_search(q, SLOT_POOL, Filters(category=cats, price_max=price_max), set(anchor_ids)).ranked
        hits = index.hits([(i, 0.0) for i, _ in ranked])
        vecs = index.vectors([h.id for h in hits]) if hits else np.zeros((0, 1), np.float32)
    return [_Piece(h, v, _price(h), is_statement(h)) for h, v in zip(hits, vecs)]


def build_outfits(index: CatalogIndex, anchor_ids: list[str], k: int = 3, budget: float | None = None,
                  taste: Taste | None = None, per_slot: int = 6, occasion: str | None = None) -> Outfits:
    """Complete looks around the anchor item(s) that keep the rules; ranked by colour harmony and style.

    Fewer than k looks when the catalog cannot fill k looks within the rules; `shortfall` then says why.
    `occasion` (office, evening, weekend) keeps out what is not worn there (no hoodie or sneakers at the office)
    and favours what suits it; a slot nothing in the catalog fills for the occasion is left to the stylist, said.
    """
    occ = occasion_of(occasion)
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
    anchor_statements = sum(is_statement(a) for a in anchors)
    if anchor_statements > MAX_STATEMENT_PATTERNS:
        raise AtelierError("The chosen pieces already have more than one statement pattern; keep one and build again.")
    anchor_vec = l2_normalize(index.vectors([a.id for a in anchors]).mean(0))
    pieces: dict[str, _Piece] = {}  # id -> the piece's hit and vector, for scoring looks
    candidates: dict[str, list[str]] = {}
    fitting: dict[str, int] = {}  # per slot: pieces that fit the rules on their own (budget, pattern)
    left_to_stylist: list[str] = []  # required slots nothing in the catalog fills for the occasion
    for slot in required + optional:
        pool = _slot_pool(index, slot, anchor_ids, anchor_vec, taste, budget, fixed_cost)
        if occ is not None and pool:
            suited = [p for p in pool if _kind(p.hit) not in occ.exclude]
            if not suited and slot in required:
                left_to_stylist.append(slot)
                required = [s for s in required if s != slot]
                continue
            pool = suited
        if not pool:
            if slot in required:
                raise AtelierError(f"The catalog has no {slot} to complete this look.")
            continue
        if budget is not None:
            pool = [p for p in pool if p.price <= budget - fixed_cost]
        if anchor_statements:  # the anchor is the statement piece: everything else solid
            pool = [p for p in pool if not p.statement]
        fitting[slot] = len(pool)
        if not pool:
            if slot in required:
                candidates[slot] = []
            continue
        vecs = np.stack([p.vector for p in pool])
        style = vecs @ anchor_vec
        if taste is not None and taste.vector is not None:
            style = style + 0.3 * (vecs @ taste.vector)
        harmony = np.array([np.mean([colour_harmony(p.hit.metadata.get("colour", ""), a.metadata.get("colour", ""))[0]
                                     for a in anchors]) for p in pool])
        ranked = [pool[r] for r in np.argsort(-(style + harmony), kind="stable")]
        # Enough solid pieces to fill k distinct looks, plus a few statement pieces to choose from.
        solid = [p.hit.id for p in ranked if not p.statement][: max(per_slot, k + 1)]
        loud = [p.hit.id for p in ranked if p.statement][:2]
        # Under a budget the best-styled pieces may all be too dear together: keep the cheapest in reach too.
        cheap = [p.hit.id for p in sorted(pool, key=lambda p: p.price)[:2]] if budget is not None else []
        candidates[slot] = list(dict.fromkeys(solid + loud + cheap))
        pieces.update({p.hit.id: p for p in pool})
    for a, v in zip(anchors, index.vectors([a.id for a in anchors])):
        pieces[a.id] = _Piece(a, v, _price(a), is_statement(a))
    missing = [s for s in required if not candidates.get(s)]
    if missing:
        raise AtelierError(_why_none(missing[0], budget, fixed_cost, anchor_statements))
    slots = [s for s in required + optional if candidates.get(s)]
    looks = []
    for choice in itertools.product(*[candidates[s] for s in slots]):
        for use_optional in ([True, False] if any(s in optional for s in slots) else [True]):
            picked = [c for s, c in zip(slots, choice) if use_optional or s in required]
            look = _score_look(pieces, anchors, picked, budget, fixed_cost, taste, occ)
            if look is not None:
                looks.append(look)
    looks.sort(key=lambda o: -o.score)
    out: list[Outfit] = []
    used: set[str] = set()
    for look in looks:  # each piece at most once across the suggestions
        ids = [h.id for h in look.items[len(anchors):]]
        if used.intersection(ids):
            continue
        out.append(look)
        used.update(ids)
        if len(out) == k:
            break
    if not out:
        raise AtelierError("No complete look keeps the rules (one statement pattern, the budget); raise the budget "
                           "or pick another piece.")
    shortfall = ""
    notes = []
    if occ is not None:
        unsuited = [_name(a) for a in anchors if _kind(a) in occ.exclude]
        if unsuited:
            notes.append(f"The {unsuited[0].lower()} is not {occ.label.lower()} wear; the other pieces are.")
        for slot in left_to_stylist:
            notes.append(f"No {slot} for the {occ.label.lower()} in this catalog: the looks leave the {slot} to you.")
    if len(out) < k:
        tight = min((s for s in required if s in fitting), key=lambda s: fitting[s], default=None)
        limit = (f" the catalog has {fitting[tight]} {tight} piece(s) that fit" if tight is not None else "")
        shortfall = (f"Only {len(out)} of {k} looks keep the rules (one statement pattern, no piece twice"
                     + (f", ${budget:,.0f} budget" if budget is not None else "") + ")"
                     + (f":{limit}." if limit else "."))
    shortfall = " ".join(notes + ([shortfall] if shortfall else []))
    return Outfits(out, asked=k, shortfall=shortfall)


class Anchors(list):
    """Pieces to build a look around, best first; `note` says when the catalog has no piece of the kind asked."""

    def __init__(self, hits=(), note: str = "") -> None:
        super().__init__(hits)
        self.note = note


def _kind_words(text: str) -> list[str]:
    """The garment words as typed when they name a kind finer than its category ("blazer" is filed under jacket)."""
    from core.vocabulary import PHRASES, normalise_text

    out = []
    for w in normalise_text(text).split():
        hit = PHRASES.get(w) or (PHRASES.get(w[:-1]) if w.endswith("s") else None)
        if hit and hit[0] == "category" and w.rstrip("s") != hit[1].rstrip("s"):
            out.append(w[:-1] if w.endswith("s") and PHRASES.get(w[:-1]) else w)
    return out


def anchor_candidates(index: CatalogIndex, encoder, text: str, n: int = 8) -> Anchors:
    """Pieces to build a look around, for what a stylist typed ("floral dress", "black blazer").

    The garment, pattern and colour words are kept as filters (relaxed one by one when nothing matches), the rest
    ranks within them. A kind finer than its category ("blazer", filed under jacket) comes first when some piece
    is named so; when none is, `note` says so and the nearest pieces are offered. With no pattern asked, solid
    pieces come before patterned ones (a "black blazer" is not a black floral jacket)."""
    from core.search import Filters, SearchQuery, search_catalog
    from core.vocabulary import parse_query

    parsed = parse_query(text)
    tries = [Filters(category=parsed.categories, pattern=parsed.patterns, colour=parsed.colours),
             Filters(category=parsed.categories, pattern=parsed.patterns),
             Filters(category=parsed.categories), Filters()]
    hits: list[SearchHit] = []
    for filters in tries:
        hits = search_catalog(index, encoder, SearchQuery(text=text, filters=filters, page_size=max(n, 40))).hits
        if hits:
            break
    if not hits:
        return Anchors()
    words = _kind_words(text)
    note = ""

    def named(h: SearchHit) -> bool:
        blob = f"{h.metadata.get('name', '')} {h.metadata.get('description', '')}".lower()
        return any(re.search(rf"\b{re.escape(w)}s?\b", blob) for w in words)

    if words:
        if not any(named(h) for h in hits):
            kinds = sorted({str(h.metadata.get("category") or "piece") for h in hits[:n]})
            note = (f"No {words[0]} in the catalog; the nearest are shown ({', '.join(kinds)}). "
                    "Pick one, or search for another piece.")
    order = sorted(range(len(hits)), key=lambda r: (not named(hits[r]) if words else False,
                                                    is_statement(hits[r]) if not parsed.patterns else False, r))
    return Anchors([hits[r] for r in order[:n]], note)


def _why_none(slot: str, budget: float | None, fixed_cost: float, anchor_statements: int) -> str:
    parts = []
    if budget is not None:
        parts.append(f"costs at most ${budget - fixed_cost:,.2f}")
    if anchor_statements:
        parts.append("is solid (the chosen piece is already the statement pattern)")
    return (f"No {slot} in the catalog " + (" and ".join(parts) if parts else "fits") +
            "; raise the budget or pick another piece.")


def _score_look(pieces: dict[str, "_Piece"], anchors, picked, budget, fixed_cost, taste,
                occ: Occasion | None = None) -> Outfit | None:
    extra = [SearchHit(pieces[i].hit.id, 0.0, pieces[i].hit.path, pieces[i].hit.metadata) for i in picked]
    hits = anchors + extra
    statements = [h for h in hits if is_statement(h)]
    if len(statements) > MAX_STATEMENT_PATTERNS:
        return None
    total = fixed_cost + sum(_price(h) for h in extra)
    if budget is not None and total > budget + 1e-9:
        return None
    vecs = np.stack([pieces[h.id].vector for h in hits])
    sims = vecs @ vecs.T
    n = len(hits)
    coherence = float((sims.sum() - n) / max(1, n * (n - 1)))
    colours = [h.metadata.get("colour", "") for h in hits]
    pair_h = [colour_harmony(a, b) for a, b in itertools.combinations(colours, 2)]
    harmony = float(np.mean([p[0] for p in pair_h])) if pair_h else 1.0
    score = coherence + harmony + 0.02 * (n - 3)
    if taste is not None and taste.vector is not None:
        score += 0.3 * float((vecs @ taste.vector).mean())
    if occ is not None:
        score += 0.15 * float(np.mean([_kind(h) in occ.prefer for h in hits]))
        if occ.dark:
            score += 0.1 * float(np.mean([str(c).lower() in DARK_COLOURS for c in colours]))
    # Reasons are written for the client: colours, the one statement piece, the price. No scores.
    reasons = [colour_story(colours)]
    reasons.append(f"one statement piece: the {_name(statements[0]).lower()}" if statements
                   else "all solid pieces, clean lines")
    reasons.append(f"${total:,.2f} in total" + (f", within the ${budget:,.0f} budget" if budget is not None else ""))
    return Outfit(hits, score, total, reasons)


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def colour_story(colours: list[str]) -> str:
    """The look's colours as they are: "calm neutrals", "one pink accent on neutrals" (one pink piece only),
    "tonal pink: three pieces, with black", "head to toe in pink", or how its colours go together."""
    named = [str(c).lower() for c in colours if c]
    neutral = sorted({c for c in named if c in NEUTRALS})
    bright = [c for c in named if c not in NEUTRALS]
    kinds = list(dict.fromkeys(bright))
    if not bright:
        return "calm neutrals: " + ", ".join(neutral) if neutral else "calm, quiet colours"
    if len(kinds) == 1:
        c = kinds[0]
        if len(bright) == 1:
            return f"one {c} accent on neutrals" if neutral else f"all in {c}"
        if not neutral:
            return f"head to toe in {c}"
        return f"tonal {c}: {NUMBER_WORDS.get(len(bright), len(bright))} {c} pieces, with {' and '.join(neutral)}"
    pairs = [colour_harmony(a, b) for a, b in itertools.combinations(kinds, 2)]
    worst = min(pairs, key=lambda p: p[0])
    if "clash" in worst[1]:
        return "a bold mix: " + worst[1].replace(" clash", "")
    return worst[1] if worst[0] < 0.9 else "colours that work together"


def note_problems(outfit: "Outfit") -> list[str]:
    """What the look's note says that its pieces contradict (empty: the note describes the look as it is)."""
    from core.vocabulary import COLOURS, canonical_colour

    colours = [str(h.metadata.get("colour") or "").lower() for h in outfit.items]
    bright = [c for c in colours if c and c not in NEUTRALS]
    statements = [h for h in outfit.items if is_statement(h)]
    story = outfit.note.split(": ", 1)[-1].lower()  # after the pieces' names (which hold colours of their own)
    said = " ".join([story] + [r.lower() for r in outfit.reasons[1:2]])
    problems = []
    have = {canonical_colour(c) or c for c in colours if c}
    for name in COLOURS:
        if re.search(rf"\b{re.escape(name)}\b", story) and (canonical_colour(name) or name) not in have:
            problems.append(f"names {name}, which no piece is")
    if "accent" in story and len(bright) != 1:
        problems.append(f"says one accent over {len(bright)} coloured pieces")
    if "calm neutrals" in story and bright:
        problems.append("says neutrals over coloured pieces")
    if ("tonal" in story or "head to toe" in story) and (len(set(bright)) != 1 or len(bright) < 2):
        problems.append("says tonal over pieces of different colours")
    m = re.search(r"(two|three|four|five|six|\d+) \w+ pieces", story)
    if m and {v: k for k, v in NUMBER_WORDS.items()}.get(m.group(1), m.group(1)) != len(bright):
        problems.append(f"counts {m.group(1)} coloured pieces, the look has {len(bright)}")
    if "all solid" in said and statements:
        problems.append("says all solid over a patterned piece")
    if "one statement piece" in said and (len(statements) != 1 or _name(statements[0]).lower() not in said):
        problems.append("names a statement piece the look does not have")
    return problems


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


INK, ACCENT, MUTED, PAPER = "#2b2522", "#8a5a44", "#8c8279", "#faf7f2"


def lookbook_pdf(profile: Profile, favourites: list[SearchHit], outfits: list[Outfit], designs: list[dict],
                 date: str | None = None) -> bytes:
    """The client's lookbook (A4 PDF): a cover with their name, the date and a hero image; each look as a board
    of its pieces with names, prices and a one-line note; then favourites and saved designs.

    Everything here is read by the client: no scores, no model talk. All text is drawn literally (a "$" in a
    name, a price or a prompt is never read as mathtext).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    date = date or time.strftime("%d %B %Y").lstrip("0")
    buf = io.BytesIO()
    meta = {"Title": f"Atelier lookbook: {profile.name}", "Author": "Atelier",
            "Subject": f"{len(outfits)} looks, {len(favourites)} favourites, {len(designs)} designs",
            "Keywords": ",".join(h.id for h in favourites)}

    from matplotlib import font_manager

    from core import textdraw

    textdraw.reset_missing()

    def text(fig_or_ax, x, y, s, **kw):
        kw.setdefault("color", INK)
        kw.setdefault("family", "DejaVu Serif")
        s = str(s)
        primary = font_manager.findfont(font_manager.FontProperties(
            family=kw["family"], weight=kw.get("weight", "normal"), style=kw.get("style", "normal")))
        if textdraw.needs_raster(s, primary):  # CJK, Arabic, emoji: shaped by Pillow/raqm in fonts found by path
            return textdraw.draw(fig_or_ax, x, y, s, kw.get("fontsize", 10), kw["color"], primary,
                                 bold=kw.get("weight") == "bold", ha=kw.get("ha", "left"))
        return fig_or_ax.text(x, y, s, parse_math=False, usetex=False, **kw)

    def sheet(title: str | None = None, subtitle: str | None = None):
        fig = plt.figure(figsize=(8.27, 11.69), facecolor=PAPER)  # A4 portrait
        if title:
            text(fig, 0.08, 0.935, title, fontsize=24, weight="bold")
        if subtitle:
            text(fig, 0.08, 0.905, _clip(subtitle, 110), fontsize=9.5, color=MUTED, style="italic")
        fig.add_artist(plt.Line2D([0.08, 0.92], [0.89, 0.89], color=ACCENT, lw=0.8))
        text(fig, 0.08, 0.03, f"Atelier · prepared for {_clip(profile.name, 40)} · {date}", fontsize=8, color=MUTED)
        return fig

    def picture(fig, rect, img):
        ax = fig.add_axes(rect)
        ax.imshow(img)
        ax.set_axis_off()
        return ax

    def label(fig, x, y, h: SearchHit, width_chars: int = 30, size: float = 10, ha: str = "left"):
        text(fig, x, y, _clip(_name(h), width_chars), fontsize=size, weight="bold", ha=ha)
        price = h.metadata.get("price", -1)
        if isinstance(price, (int, float)) and price >= 0:
            text(fig, x, y - 0.018, f"${price:,.2f}", fontsize=size - 1, color=MUTED, ha=ha)

    def load(h: SearchHit):
        from core.errors import BadImageError
        from core.images import analysis_view, load_image

        try:  # checked like any upload (a catalog file replaced since ingest), and printed at most 1600 px
            return analysis_view(load_image(h.path), 1600)
        except (OSError, BadImageError):
            return Image.new("RGB", (64, 64), "lightgrey")

    hero = (outfits[0].items[0] if outfits else favourites[0] if favourites else None)
    with PdfPages(buf, metadata=meta) as pdf:
        # Cover: the hero piece large, the client's name, the date, what is inside.
        fig = plt.figure(figsize=(8.27, 11.69), facecolor=PAPER)
        if hero is not None:
            picture(fig, [0.14, 0.34, 0.72, 0.56], load(hero))
        else:
            fig.add_artist(plt.Rectangle((0.14, 0.34), 0.72, 0.56, color="#efe8de", transform=fig.transFigure))
        text(fig, 0.08, 0.255, "LOOKBOOK", fontsize=13, color=ACCENT, weight="bold")
        text(fig, 0.08, 0.2, _clip(profile.name, 34), fontsize=34, weight="bold")
        text(fig, 0.08, 0.155, date, fontsize=14, color=MUTED)
        inside = [f"{len(outfits)} look{'s' if len(outfits) != 1 else ''}" if outfits else "",
                  f"{len(favourites)} favourite{'s' if len(favourites) != 1 else ''}" if favourites else "",
                  f"{len(designs)} design{'s' if len(designs) != 1 else ''}" if designs else ""]
        text(fig, 0.08, 0.115, " · ".join(x for x in inside if x) or "A first selection", fontsize=12)
        if profile.notes:
            text(fig, 0.08, 0.075, _clip(profile.notes, 110), fontsize=10, color=MUTED, style="italic")
        lost = textdraw.undrawable([profile.name, profile.notes or ""] + [o.note for o in outfits]
                                   + [_name(h) for o in outfits for h in o.items] + [_name(h) for h in favourites]
                                   + [str((d.get("spec") or {}).get("prompt", "")) for d in designs if isinstance(d, dict)],
                                   font_manager.findfont(font_manager.FontProperties(family="DejaVu Serif")))
        if lost:
            text(fig, 0.08, 0.045, f"Some {', '.join(sorted(lost))} text cannot be drawn with the fonts on this "
                 f"computer and shows as {textdraw.MARK}.", fontsize=8, color=MUTED)
        fig.add_artist(plt.Line2D([0.08, 0.92], [0.29, 0.29], color=ACCENT, lw=0.8))
        pdf.savefig(fig, facecolor=PAPER)
        plt.close(fig)
        # Each look: the anchor large on the left, the other pieces stacked on the right.
        for n, o in enumerate(outfits, 1):
            fig = sheet(f"Look {n}", o.note)
            main, rest = o.items[0], o.items[1:]
            picture(fig, [0.08, 0.38, 0.5, 0.47], load(main))
            label(fig, 0.08, 0.355, main, 34, 12)
            rows = max(1, len(rest))
            cell = 0.47 / max(3, rows)
            for j, h in enumerate(rest):
                y = 0.85 - (j + 1) * cell
                picture(fig, [0.62, y + 0.035, 0.3, cell - 0.045], load(h))
                label(fig, 0.77, y + 0.02, h, 26, 9, ha="center")
            text(fig, 0.08, 0.27, "The pieces", fontsize=13, weight="bold")
            for j, h in enumerate(o.items):
                y = 0.24 - j * 0.028
                text(fig, 0.08, y, _clip(_name(h), 60), fontsize=10)
                text(fig, 0.92, y, f"${_price(h):,.2f}", fontsize=10, ha="right")
            y = 0.24 - len(o.items) * 0.028 - 0.01
            fig.add_artist(plt.Line2D([0.08, 0.92], [y + 0.02, y + 0.02], color=MUTED, lw=0.5))
            text(fig, 0.08, y, "Total", fontsize=11, weight="bold")
            text(fig, 0.92, y, f"${o.total_price:,.2f}", fontsize=11, weight="bold", ha="right")
            pdf.savefig(fig, facecolor=PAPER)
            plt.close(fig)
        for start in range(0, len(favourites), 9):
            fig = sheet("Favourites", "Pieces kept for you")
            for j, h in enumerate(favourites[start:start + 9]):
                r, c = divmod(j, 3)
                x, y = 0.08 + c * 0.29, 0.62 - r * 0.27
                picture(fig, [x, y, 0.26, 0.22], load(h))
                label(fig, x, y - 0.012, h, 28, 9)
            pdf.savefig(fig, facecolor=PAPER)
            plt.close(fig)
        from core.errors import BadImageError
        from core.images import analysis_view, load_image

        readable, unreadable = [], 0
        for d in designs:  # a damaged saved design is left out and said so, never the end of the lookbook
            try:  # the PNG bytes, or a saved design's file (a FIFO or device there is refused, never waited on)
                src = d.get("png") or d.get("path") or b""
                src = src if isinstance(src, (str, Path)) else bytes(src)
                readable.append((analysis_view(load_image(src), 1600), d))
            except (BadImageError, OSError, TypeError, ValueError, AttributeError):
                unreadable += 1
        if unreadable and not readable:  # every saved design was damaged: still say so, on a page of its own
            fig = sheet("Designs", "Made in the studio for you")
            said = "1 saved design could not be read and is" if unreadable == 1 else \
                f"{unreadable} saved designs could not be read and are"
            text(fig, 0.08, 0.87, f"{said} left out.", fontsize=8, color=MUTED)
            pdf.savefig(fig, facecolor=PAPER)
            plt.close(fig)
        for start in range(0, len(readable), 9):
            fig = sheet("Designs", "Made in the studio for you")
            if unreadable and start == 0:
                said = "1 saved design could not be read and is" if unreadable == 1 else \
                    f"{unreadable} saved designs could not be read and are"
                text(fig, 0.08, 0.87, f"{said} left out.", fontsize=8, color=MUTED)
            for j, (img, d) in enumerate(readable[start:start + 9]):
                r, c = divmod(j, 3)
                x, y = 0.08 + c * 0.29, 0.62 - r * 0.27
                picture(fig, [x, y, 0.26, 0.22], img)
                text(fig, x, y - 0.012, _clip(str((d.get("spec") or {}).get("prompt", "")), 30), fontsize=9,
                     style="italic")
            pdf.savefig(fig, facecolor=PAPER)
            plt.close(fig)
    return buf.getvalue()


def _clip(s: str, n: int) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"
