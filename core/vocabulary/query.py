"""Free text read as fashion terms (`parse_query`), and a catalog's own labels mapped onto canonical names."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.vocabulary.price_words import read_price
from core.vocabulary.typos import closest_word
from core.vocabulary.words import (CATEGORIES, COLOURS, FOREIGN, GROUP_WORDS, MATERIALS, MAX_QUERY_PHRASE_WORDS, PATTERNS,
                                   PHRASES, QUERY_PHRASES, STOP_WORDS, categories_of_group, normalise_text)


@dataclass
class ParsedQuery:
    categories: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    other_words: list[str] = field(default_factory=list)  # content words that are no fashion term
    price_min: float | None = None  # read from "under $40", "between 50 and 100", "over 80"
    price_max: float | None = None
    price_level: str | None = None  # "cheap" / "expensive": the catalog's own cheapest / dearest quarter
    price_text: str = ""  # the price phrase as typed
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, read): "flroal" -> "floral"
    translations: list[tuple[str, str]] = field(default_factory=list)  # (typed, read): "robe" -> "dress"
    groups: list[str] = field(default_factory=list)  # "tops": every category of the group was asked for
    text: str = ""  # the query as read: typos corrected, other languages' words in English, no price phrase

    def chips(self) -> list[tuple[str, str]]:
        """(filter key, value) pairs a page shows as chips: 'dress · red · floral'."""
        cats = [c for c in self.categories if not any(c in categories_of_group(g) for g in self.groups)]
        return ([("group", g) for g in self.groups] + [("category", c) for c in cats]
                + [("colour", c) for c in self.colours] + [("pattern", p) for p in self.patterns])

    def price_chip(self) -> str | None:
        """'under $40', '$50-$100', 'over $80', 'cheap' (what the price filter read), None without one."""
        lo, hi = self.price_min, self.price_max
        if lo is not None and hi is not None:
            return f"${lo:g}-${hi:g}"
        if hi is not None:
            return f"under ${hi:g}"
        if lo is not None:
            return f"over ${lo:g}"
        return self.price_level


def _lookup(phrase: str) -> tuple[str, str] | None:
    hit = QUERY_PHRASES.get(phrase)
    if hit is None and " " not in phrase:
        for cut in ("es", "s"):  # plain plurals: "gowns", "totes", "blouses"
            if phrase.endswith(cut) and len(phrase) > len(cut) + 2 and (hit := QUERY_PHRASES.get(phrase[:-len(cut)])):
                break
    return hit


def parse_query(text: str, known_words: set[str] | frozenset[str] = frozenset()) -> ParsedQuery:
    """Fashion terms in free text, longest phrase first ("navy blue" before "blue", "t shirt" before "shirt").

    Also read: a price phrase ("under $40", "between 50 and 100", "cheap"), group words ("tops": every top),
    the catalog's words in French, Spanish, German and Italian ("robe rouge": red dress), plurals, and typos
    (one or two edits from a vocabulary word or one of `known_words`, the catalog's own words)."""
    out = ParsedQuery()
    # 1. the price phrase, read and taken out of the text
    rest, out.price_min, out.price_max, out.price_level, out.price_text = read_price(normalise_text(text))
    words = rest.split()
    read: list[str] = []
    # 2. at each word the longest phrase: a group word, a fashion term, a corrected typo, or a plain word
    i = 0
    while i < len(words):
        i += _read_phrase(words, i, known_words, out, read)
    # 3. "denim" with no other garment named means jeans.
    if "denim" in out.materials and not out.categories and len(words) <= 3:
        out.categories.append("jeans")
    out.text = " ".join(read)
    return out


def _read_phrase(words: list[str], i: int, known_words, out: ParsedQuery, read: list[str]) -> int:
    """Read the longest phrase that starts at words[i] into `out` (and its reading into `read`); the words it took."""
    for n in range(min(MAX_QUERY_PHRASE_WORDS, len(words) - i), 0, -1):
        phrase = " ".join(words[i:i + n])
        typed = phrase
        group = GROUP_WORDS.get(phrase) if n == 1 else None
        hit = None if group else _lookup(phrase)
        if n == 1 and not hit and not group and (fixed := closest_word(phrase, known_words)):
            out.corrections.append((phrase, fixed))
            phrase = fixed
            group = GROUP_WORDS.get(phrase)
            hit = None if group else _lookup(phrase)
            if not hit and not group:  # a catalog word (no fashion term): a plain word, spelled right
                read.append(fixed)
                out.other_words.append(fixed)
                return 1
        if group:
            _add_group(out, group)
            read.append(phrase)
            return n
        if hit:
            _add_term(out, hit, phrase, typed, read)
            return n
    read.append(words[i])
    if words[i] not in STOP_WORDS and len(words[i]) > 1:
        out.other_words.append(words[i])
    return 1


def _add_group(out: ParsedQuery, group: str) -> None:
    if group not in out.groups:
        out.groups.append(group)
    for cat in categories_of_group(group):
        if cat not in out.categories:
            out.categories.append(cat)


def _add_term(out: ParsedQuery, hit: tuple[str, str], phrase: str, typed: str, read: list[str]) -> None:
    kind, name = hit
    if phrase not in PHRASES and _lookup(phrase) and phrase not in PHRASES.keys() \
            and (phrase in FOREIGN or phrase.rstrip("s") in FOREIGN):
        out.translations.append((typed, name))
        read.append(name)
    else:
        read.append(phrase)
    bucket = {"category": out.categories, "colour": out.colours, "pattern": out.patterns,
              "material": out.materials}[kind]
    if name not in bucket:
        bucket.append(name)


def _canonical(label: str, kind: str) -> str | None:
    """A label of one kind ("Tshirts", "Navy Blue", "Striped") -> its canonical name, or None."""
    key = normalise_text(label)
    hit = PHRASES.get(key) or (PHRASES.get(key[:-1]) if key.endswith("s") else None)
    if hit and hit[0] == kind:
        return hit[1]
    found = getattr(parse_query(label), {"category": "categories", "colour": "colours", "pattern": "patterns"}[kind])
    return (found[-1] if kind == "category" else found[0]) if found else None


def canonical_category(label: str) -> str | None:
    """A catalog's own category label ("Tshirts", "Casual Shoes", "Dresses") -> canonical name, or None."""
    return _canonical(label, "category")


def canonical_colour(label: str) -> str | None:
    return _canonical(label, "colour")


def canonical_pattern(label: str) -> str | None:
    return _canonical(label, "pattern")


def group_of(category: str) -> str | None:
    """Outfit slot of a category label (canonical or a catalog's own)."""
    name = canonical_category(category or "")
    return CATEGORIES[name].group if name else None


def tryon_kind(category: str) -> str | None:
    """Try-on garment kind (upper | lower | dress) of a category label, None for shoes, bags, accessories."""
    name = canonical_category(category or "")
    return CATEGORIES[name].tryon if name else None


def words_for(category: str = "", colour: str = "", pattern: str = "", material: str = "") -> list[str]:
    """The synonyms an item's lexical document carries, so 'trainers' finds an item labelled 'sneakers'."""
    out: list[str] = []
    if (name := canonical_category(category)) is not None:
        out += [name, *CATEGORIES[name].synonyms]
    if (name := canonical_colour(colour)) is not None:
        out += [name, *COLOURS[name].shades]
    if (name := canonical_pattern(pattern)) is not None:
        out += [name, *PATTERNS[name].synonyms]
    if material and (hit := PHRASES.get(normalise_text(material))) and hit[0] == "material":
        out += [hit[1], *MATERIALS[hit[1]].synonyms]
    return out
