"""The rules a look keeps and how it is described: which slots complete it, colours that go together, occasions,
statement patterns, prices; the Outfit types, their client-facing colour story and the check of their notes."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from core.catalog import price_of
from core.errors import AtelierError
from core.search import SearchHit
from core.vocabulary import COLOURS, NEUTRAL_COLOURS, canonical_category, canonical_colour

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


def garment_kind(h) -> str:
    """The canonical garment kind of a hit (or a metadata row): "blazer" and "blazers" are both jacket."""
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


def price_or_zero(h: SearchHit) -> float:
    """The piece's price, 0 when unknown (what a look's total counts for it)."""
    return price_of(h.metadata) or 0.0


def cart_total(items: list[SearchHit]) -> float:
    """What the pieces cost together (items without a price count as 0)."""
    return round(sum(price_or_zero(h) for h in items), 2)


def is_statement(h) -> bool:
    """A non-solid pattern (floral, stripes, checks ...): a look carries at most one."""
    meta = h.metadata if hasattr(h, "metadata") else h
    return str(meta.get("pattern") or "solid").lower() not in ("solid", "", "plain")


def piece_name(h: SearchHit) -> str:
    """The piece's name as a client reads it (its id when it has none)."""
    return str(h.metadata.get("name") or h.id)


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
    if "one statement piece" in said and (len(statements) != 1 or piece_name(statements[0]).lower() not in said):
        problems.append("names a statement piece the look does not have")
    return problems

