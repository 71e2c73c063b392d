"""A client's taste and the personal feed: taste from likes and dislikes (a direction in the encoder space), why a
piece was suggested, the For-you feed following the mix of the likes, and diverse cold-start picks."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from core.encoders import l2_normalize
from core.search import CatalogIndex, Filters, SearchHit
from core.stylist.profiles import Profile, ProfileStore

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
    ids, emb = index.candidate_vectors(sorted(popularity, key=lambda i: -popularity[i])[:DIVERSE_POOL], DIVERSE_POOL)
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
