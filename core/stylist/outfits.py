"""Complete looks around the anchor piece(s): each slot's candidates from the catalog, every combination that keeps
the rules scored by style coherence (the pieces' similarity in the encoder space) and colour harmony, and the best
looks kept with no piece in two of them. The rules themselves are in core.stylist.rules."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from core.encoders import l2_normalize
from core.errors import AtelierError
from core.search import CatalogIndex, SearchHit
from core.stylist.rules import (DARK_COLOURS, MAX_STATEMENT_PATTERNS, SLOTS, Occasion, Outfit, Outfits,
                                colour_harmony, colour_story, garment_kind, is_statement, occasion_of, piece_name,
                                price_or_zero)
from core.stylist.taste import Taste
from core.vocabulary import group_of

SLOT_POOL = 400  # a large catalog's pieces per slot: the nearest this many to the anchor's style (HNSW)
GROUP_ORDER = ("dress", "top", "bottom", "outerwear", "shoes", "bag")  # which anchor the look is built around


@dataclass
class _Piece:
    hit: SearchHit
    vector: np.ndarray
    price: float  # 0 when unknown
    statement: bool


@dataclass
class _Brief:
    """What the looks are built around and under which rules."""
    anchors: list[SearchHit]
    vectors: np.ndarray  # the anchors' rows in the encoder space
    anchor_vec: np.ndarray  # their mean direction: the look's style
    required: list[str]  # slots every look fills
    optional: list[str]  # slots a look fills when they help its score
    budget: float | None
    fixed_cost: float  # what the anchors cost together
    anchor_statements: int  # statement patterns among the anchors
    taste: Taste | None
    occ: Occasion | None

    @property
    def anchor_ids(self) -> list[str]:
        return [a.id for a in self.anchors]


@dataclass
class _Slots:
    """Each slot's candidates (ids, best first) and the pieces behind them."""
    required: list[str]  # the brief's, less the slots left to the stylist
    pieces: dict[str, _Piece] = field(default_factory=dict)  # id -> the piece's hit and vector, for scoring looks
    candidates: dict[str, list[str]] = field(default_factory=dict)
    fitting: dict[str, int] = field(default_factory=dict)  # per slot: pieces that fit the rules on their own
    left_to_stylist: list[str] = field(default_factory=list)  # required slots nothing fills for the occasion


def build_outfits(index: CatalogIndex, anchor_ids: list[str], k: int = 3, budget: float | None = None,
                  taste: Taste | None = None, per_slot: int = 6, occasion: str | None = None) -> Outfits:
    """Complete looks around the anchor item(s) that keep the rules; ranked by colour harmony and style.

    Fewer than k looks when the catalog cannot fill k looks within the rules; `shortfall` then says why.
    `occasion` (office, evening, weekend) keeps out what is not worn there (no hoodie or sneakers at the office)
    and favours what suits it; a slot nothing in the catalog fills for the occasion is left to the stylist, said.
    """
    occ = occasion_of(occasion)
    # 1. the anchors, the slots left to fill, and what the anchors already settle (cost, statement pattern)
    brief = _brief(index, anchor_ids, budget, taste, occ)
    # 2. each slot's best candidates among the pieces that keep the rules on their own
    slots = _fill_slots(index, brief, k, per_slot)
    # 3. every combination of candidates that keeps the rules, scored as a look
    looks = _score_combinations(brief, slots)
    # 4. the best looks, no piece in two of them
    out = _best_distinct(looks, len(brief.anchors), k)
    # 5. what the stylist should know: an anchor not worn there, slots left to them, fewer looks than asked
    return Outfits(out, asked=k, shortfall=_shortfall(brief, slots, len(out), k))


def _brief(index: CatalogIndex, anchor_ids: list[str], budget: float | None, taste: Taste | None,
           occ: Occasion | None) -> _Brief:
    anchors = [index.item(a) for a in anchor_ids]
    if not anchors:
        raise AtelierError("Pick an item (or fill the cart) to build an outfit around.")
    groups = {group_of(a.metadata.get("category", "")) for a in anchors}
    main = next((g for g in GROUP_ORDER if g in groups), None)
    if main is None:
        raise AtelierError(f"Atelier cannot build outfits around a {anchors[0].metadata.get('category') or 'item'} yet; "
                           "pick clothing, shoes or a bag.")
    required, optional = SLOTS[main]
    fixed_cost = sum(price_or_zero(a) for a in anchors)
    if budget is not None and fixed_cost > budget:
        raise AtelierError(f"The chosen piece(s) already cost ${fixed_cost:.2f}, over the ${budget:.2f} budget.")
    anchor_statements = sum(is_statement(a) for a in anchors)
    if anchor_statements > MAX_STATEMENT_PATTERNS:
        raise AtelierError("The chosen pieces already have more than one statement pattern; keep one and build again.")
    vectors = index.vectors([a.id for a in anchors])
    return _Brief(anchors, vectors, l2_normalize(vectors.mean(0)), [s for s in required if s not in groups],
                  [s for s in optional if s not in groups], budget, fixed_cost, anchor_statements, taste, occ)


def _fill_slots(index: CatalogIndex, brief: _Brief, k: int, per_slot: int) -> _Slots:
    slots = _Slots(list(brief.required))
    for slot in brief.required + brief.optional:
        pool = _slot_pool(index, slot, brief)
        if brief.occ is not None and pool:
            suited = [p for p in pool if garment_kind(p.hit) not in brief.occ.exclude]
            if not suited and slot in slots.required:
                slots.left_to_stylist.append(slot)
                slots.required.remove(slot)
                continue
            pool = suited
        if not pool:
            if slot in slots.required:
                raise AtelierError(f"The catalog has no {slot} to complete this look.")
            continue
        pool = _keeping_rules(pool, brief)
        slots.fitting[slot] = len(pool)
        if not pool:
            if slot in slots.required:
                slots.candidates[slot] = []
            continue
        slots.candidates[slot] = _shortlist(pool, brief, k, per_slot)
        slots.pieces.update({p.hit.id: p for p in pool})
    for a, v in zip(brief.anchors, brief.vectors):
        slots.pieces[a.id] = _Piece(a, v, price_or_zero(a), is_statement(a))
    missing = [s for s in slots.required if not slots.candidates.get(s)]
    if missing:
        raise AtelierError(_why_none(missing[0], brief))
    return slots


def _slot_pool(index: CatalogIndex, slot: str, brief: _Brief) -> list[_Piece]:
    """The catalog's pieces for one outfit slot: all of them up to the exact-search threshold; above it the
    SLOT_POOL nearest to the anchor (and taste) among the slot's categories and the budget."""
    cats = [c for c in (index.facets() or {}).get("category", []) if group_of(c) == slot] or [slot]
    taste = brief.taste
    q = brief.anchor_vec if taste is None or taste.vector is None else l2_normalize(brief.anchor_vec + 0.3 * taste.vector)
    price_max = brief.budget - brief.fixed_cost if brief.budget is not None else None
    hits, vecs = index.candidates(q, cats, SLOT_POOL, set(brief.anchor_ids), price_max)
    return [_Piece(h, v, price_or_zero(h), is_statement(h)) for h, v in zip(hits, vecs)]


def _keeping_rules(pool: list[_Piece], brief: _Brief) -> list[_Piece]:
    """The pieces that keep the rules on their own: within what the budget leaves, solid beside a statement anchor."""
    if brief.budget is not None:
        pool = [p for p in pool if p.price <= brief.budget - brief.fixed_cost]
    if brief.anchor_statements:  # the anchor is the statement piece: everything else solid
        pool = [p for p in pool if not p.statement]
    return pool


def _shortlist(pool: list[_Piece], brief: _Brief, k: int, per_slot: int) -> list[str]:
    """A slot's candidates, best styled with the anchors first."""
    vecs = np.stack([p.vector for p in pool])
    style = vecs @ brief.anchor_vec
    if brief.taste is not None and brief.taste.vector is not None:
        style = style + 0.3 * (vecs @ brief.taste.vector)
    harmony = np.array([np.mean([colour_harmony(p.hit.metadata.get("colour", ""), a.metadata.get("colour", ""))[0]
                                 for a in brief.anchors]) for p in pool])
    ranked = [pool[r] for r in np.argsort(-(style + harmony), kind="stable")]
    # Enough solid pieces to fill k distinct looks, plus a few statement pieces to choose from.
    solid = [p.hit.id for p in ranked if not p.statement][: max(per_slot, k + 1)]
    loud = [p.hit.id for p in ranked if p.statement][:2]
    # Under a budget the best-styled pieces may all be too dear together: keep the cheapest in reach too.
    cheap = [p.hit.id for p in sorted(pool, key=lambda p: p.price)[:2]] if brief.budget is not None else []
    return list(dict.fromkeys(solid + loud + cheap))


def _score_combinations(brief: _Brief, slots: _Slots) -> list[Outfit]:
    """Every look the candidates make (with and without the optional slots) that keeps the rules, best first."""
    filled = [s for s in slots.required + brief.optional if slots.candidates.get(s)]
    looks = []
    for choice in itertools.product(*[slots.candidates[s] for s in filled]):
        for use_optional in ([True, False] if any(s in brief.optional for s in filled) else [True]):
            picked = [c for s, c in zip(filled, choice) if use_optional or s in slots.required]
            look = _score_look(slots.pieces, brief, picked)
            if look is not None:
                looks.append(look)
    looks.sort(key=lambda o: -o.score)
    return looks


def _best_distinct(looks: list[Outfit], n_anchors: int, k: int) -> list[Outfit]:
    out: list[Outfit] = []
    used: set[str] = set()
    for look in looks:  # each piece at most once across the suggestions
        ids = [h.id for h in look.items[n_anchors:]]
        if used.intersection(ids):
            continue
        out.append(look)
        used.update(ids)
        if len(out) == k:
            break
    if not out:
        raise AtelierError("No complete look keeps the rules (one statement pattern, the budget); raise the budget "
                           "or pick another piece.")
    return out


def _shortfall(brief: _Brief, slots: _Slots, found: int, k: int) -> str:
    notes = []
    occ = brief.occ
    if occ is not None:
        unsuited = [piece_name(a) for a in brief.anchors if garment_kind(a) in occ.exclude]
        if unsuited:
            notes.append(f"The {unsuited[0].lower()} is not {occ.label.lower()} wear; the other pieces are.")
        for slot in slots.left_to_stylist:
            notes.append(f"No {slot} for the {occ.label.lower()} in this catalog: the looks leave the {slot} to you.")
    shortfall = ""
    if found < k:
        fitting = slots.fitting
        tight = min((s for s in slots.required if s in fitting), key=lambda s: fitting[s], default=None)
        limit = (f" the catalog has {fitting[tight]} {tight} piece(s) that fit" if tight is not None else "")
        shortfall = (f"Only {found} of {k} looks keep the rules (one statement pattern, no piece twice"
                     + (f", ${brief.budget:,.0f} budget" if brief.budget is not None else "") + ")"
                     + (f":{limit}." if limit else "."))
    return " ".join(notes + ([shortfall] if shortfall else []))


def _why_none(slot: str, brief: _Brief) -> str:
    parts = []
    if brief.budget is not None:
        parts.append(f"costs at most ${brief.budget - brief.fixed_cost:,.2f}")
    if brief.anchor_statements:
        parts.append("is solid (the chosen piece is already the statement pattern)")
    return (f"No {slot} in the catalog " + (" and ".join(parts) if parts else "fits") +
            "; raise the budget or pick another piece.")


def _score_look(pieces: dict[str, _Piece], brief: _Brief, picked: list[str]) -> Outfit | None:
    extra = [SearchHit(pieces[i].hit.id, 0.0, pieces[i].hit.path, pieces[i].hit.metadata) for i in picked]
    hits = brief.anchors + extra
    statements = [h for h in hits if is_statement(h)]
    if len(statements) > MAX_STATEMENT_PATTERNS:
        return None
    total = brief.fixed_cost + sum(price_or_zero(h) for h in extra)
    if brief.budget is not None and total > brief.budget + 1e-9:
        return None
    vecs = np.stack([pieces[h.id].vector for h in hits])
    colours = [h.metadata.get("colour", "") for h in hits]
    score = _look_score(vecs, colours, hits, brief)
    # Reasons are written for the client: colours, the one statement piece, the price. No scores.
    reasons = [colour_story(colours)]
    reasons.append(f"one statement piece: the {piece_name(statements[0]).lower()}" if statements
                   else "all solid pieces, clean lines")
    budget = brief.budget
    reasons.append(f"${total:,.2f} in total" + (f", within the ${budget:,.0f} budget" if budget is not None else ""))
    return Outfit(hits, score, total, reasons)


def _look_score(vecs: np.ndarray, colours: list, hits: list[SearchHit], brief: _Brief) -> float:
    """Style coherence (mean pairwise similarity) + colour harmony, nudged by taste and occasion."""
    n = len(hits)
    sims = vecs @ vecs.T
    coherence = float((sims.sum() - n) / max(1, n * (n - 1)))
    pair_h = [colour_harmony(a, b) for a, b in itertools.combinations(colours, 2)]
    harmony = float(np.mean([p[0] for p in pair_h])) if pair_h else 1.0
    score = coherence + harmony + 0.02 * (n - 3)
    if brief.taste is not None and brief.taste.vector is not None:
        score += 0.3 * float((vecs @ brief.taste.vector).mean())
    occ = brief.occ
    if occ is not None:
        score += 0.15 * float(np.mean([garment_kind(h) in occ.prefer for h in hits]))
        if occ.dark:
            score += 0.1 * float(np.mean([str(c).lower() in DARK_COLOURS for c in colours]))
    return score

