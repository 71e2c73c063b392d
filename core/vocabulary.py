"""The fashion words, once: categories with synonyms, colours with shades, patterns, materials, garment kinds.

Every part of Atelier that names a garment reads it from here: the sample generator, attribute tagging,
query parsing, the outfit rules, the offline design editor and the try-on garment kinds. A catalog's own
category labels ("Tshirts", "Casual Shoes") are mapped onto these canonical names with `canonical_category`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    name: str  # canonical, as stored in the sample catalog
    group: str  # outfit slot: top | bottom | outerwear | dress | shoes | bag | accessory
    tryon: str | None  # try-on garment kind: upper | lower | dress | None (not worn on the body)
    synonyms: tuple[str, ...] = ()
    material: str = ""  # the sample generator's default fabric


CATEGORIES: dict[str, Category] = {c.name: c for c in [
    Category("t-shirt", "top", "upper", ("tee", "tees", "tshirt", "tshirts", "t-shirts", "t shirt", "top", "tops",
                                         "tank", "tank top", "crop top"), "soft cotton jersey"),
    Category("shirt", "top", "upper", ("shirts", "button-down", "button down", "oxford", "flannel", "overshirt"),
             "crisp cotton poplin"),
    Category("blouse", "top", "upper", ("blouses", "tunic"), "fluid viscose"),
    Category("sweater", "top", "upper", ("sweaters", "jumper", "jumpers", "pullover", "pullovers", "knit", "knitwear",
                                         "cardigan", "cardigans", "sweatshirt", "sweatshirts", "turtleneck"),
             "merino wool knit"),
    Category("hoodie", "top", "upper", ("hoodies", "hooded sweatshirt", "hoody"), "brushed fleece"),
    Category("jacket", "outerwear", "upper", ("jackets", "blazer", "blazers", "bomber", "bombers", "windbreaker",
                                              "denim jacket", "biker jacket", "gilet"), "water-repellent twill"),
    Category("coat", "outerwear", "upper", ("coats", "overcoat", "parka", "parkas", "trench", "trench coat", "raincoat",
                                            "mac", "peacoat", "puffer"), "wool blend"),
    Category("dress", "dress", "dress", ("dresses", "gown", "gowns", "frock", "sundress", "maxi", "midi dress",
                                         "jumpsuit", "jumpsuits", "playsuit", "evening dress"), "lightweight crepe"),
    Category("skirt", "bottom", "lower", ("skirts", "miniskirt", "mini skirt", "midi skirt", "maxi skirt"),
             "pleated georgette"),
    Category("trousers", "bottom", "lower", ("trouser", "pants", "pant", "slacks", "chinos", "chino", "joggers",
                                             "track pants", "leggings", "culottes"), "tailored wool"),
    Category("jeans", "bottom", "lower", ("jean", "denims", "denim trousers", "denim pants"), "stretch denim"),
    Category("shorts", "bottom", "lower", ("bermudas", "bermuda shorts", "hot pants"), "cotton twill"),
    Category("sneakers", "shoes", None, ("sneaker", "trainers", "trainer", "runners", "running shoes",
                                         "sports shoes", "kicks", "plimsolls"), "leather and mesh"),
    Category("shoes", "shoes", None, ("shoe", "loafers", "heels", "pumps", "flats", "casual shoes", "formal shoes",
                                      "oxfords", "brogues"), "leather"),
    Category("boots", "shoes", None, ("boot", "ankle boots", "chelsea boots"), "leather"),
    Category("sandals", "shoes", None, ("sandal", "flip flops", "slides"), "leather"),
    Category("bag", "bag", None, ("bags", "handbag", "handbags", "tote", "totes", "purse", "clutch", "clutches",
                                  "backpack", "backpacks", "satchel", "shoulder bag", "crossbody"), "grained leather"),
    Category("hat", "accessory", None, ("hats", "cap", "caps", "beanie", "beret"), ""),
    Category("scarf", "accessory", None, ("scarves", "shawl", "stole"), ""),
    Category("swimwear", "accessory", None, ("swimsuit", "bikini", "swim shorts", "trunks"), ""),
    Category("suit", "outerwear", "upper", ("suits", "tuxedo", "two-piece"), "tailored wool"),
]}

# The fourteen categories the bundled sample catalog draws, in its order.
SAMPLE_CATEGORIES = ["t-shirt", "shirt", "blouse", "sweater", "hoodie", "jacket", "coat", "dress", "skirt",
                     "trousers", "jeans", "shorts", "sneakers", "bag"]

GROUPS = ("top", "bottom", "outerwear", "dress", "shoes", "bag", "accessory")


@dataclass(frozen=True)
class Colour:
    name: str
    rgb: tuple[int, int, int]  # the sample generator's swatch
    shades: tuple[str, ...] = ()
    neutral: bool = False


COLOURS: dict[str, Colour] = {c.name: c for c in [
    Colour("black", (34, 34, 38), ("jet", "onyx", "ebony", "noir"), True),
    Colour("white", (238, 238, 234), ("ivory", "cream white", "off-white", "off white", "snow", "optic white"), True),
    Colour("grey", (138, 140, 144), ("gray", "charcoal", "slate", "silver", "heather", "ash", "graphite"), True),
    Colour("navy", (30, 44, 92), ("navy blue", "midnight", "midnight blue", "dark blue", "indigo", "ink"), True),
    Colour("blue", (52, 110, 196), ("cobalt", "royal blue", "sky", "sky blue", "light blue", "azure", "denim blue",
                                     "cyan", "turquoise", "teal blue"), False),
    Colour("red", (196, 36, 42), ("crimson", "scarlet", "cherry", "ruby", "vermilion", "tomato"), False),
    Colour("burgundy", (112, 24, 44), ("maroon", "wine", "oxblood", "bordeaux", "claret", "plum"), False),
    Colour("pink", (236, 146, 172), ("rose", "blush", "fuchsia", "magenta", "salmon", "hot pink", "pastel pink"), False),
    Colour("green", (40, 140, 72), ("emerald", "forest", "forest green", "mint", "sage", "teal", "jade", "lime",
                                     "bottle green"), False),
    Colour("olive", (108, 112, 52), ("khaki", "military green", "army green", "moss"), False),
    Colour("yellow", (240, 200, 48), ("mustard", "gold", "golden", "lemon", "canary", "ochre"), False),
    Colour("orange", (236, 122, 34), ("coral", "rust", "tangerine", "amber", "peach", "apricot", "terracotta"), False),
    Colour("beige", (214, 192, 156), ("cream", "tan", "camel", "sand", "nude", "stone", "oatmeal", "ecru", "taupe"),
           True),
    Colour("brown", (116, 74, 44), ("chocolate", "cognac", "chestnut", "mocha", "coffee", "espresso", "caramel"), True),
    Colour("purple", (112, 62, 150), ("violet", "lilac", "lavender", "mauve", "aubergine", "eggplant", "amethyst"),
           False),
]}
NEUTRAL_COLOURS = frozenset(c.name for c in COLOURS.values() if c.neutral)


@dataclass(frozen=True)
class Pattern:
    name: str
    adjective: str  # "a striped shirt"
    synonyms: tuple[str, ...] = ()


PATTERNS: dict[str, Pattern] = {p.name: p for p in [
    Pattern("solid", "plain", ("plain", "block colour", "block color", "monochrome", "uni", "unpatterned")),
    Pattern("stripes", "striped", ("stripe", "striped", "stripy", "pinstripe", "pinstriped", "pinstripes",
                                   "breton", "striping")),
    Pattern("polka dots", "polka-dot", ("polka dot", "polka-dot", "polka", "dots", "dot", "dotted", "spotted",
                                        "spots", "spotty")),
    Pattern("checks", "checked", ("check", "checked", "checkered", "chequered", "plaid", "tartan", "gingham",
                                  "houndstooth", "windowpane")),
    Pattern("floral", "floral", ("flower", "flowers", "flowery", "floral print", "botanical", "blossom", "ditsy")),
    Pattern("chevron", "chevron", ("zigzag", "zig-zag", "herringbone")),
]}
STATEMENT_PATTERNS = frozenset(p for p in PATTERNS if p != "solid")


@dataclass(frozen=True)
class Material:
    name: str
    synonyms: tuple[str, ...] = ()


MATERIALS: dict[str, Material] = {m.name: m for m in [
    Material("cotton", ("poplin", "jersey", "cotton jersey", "organic cotton", "twill")),
    Material("denim", ("jean", "chambray")),
    Material("leather", ("faux leather", "vegan leather", "patent")),
    Material("suede", ("nubuck",)),
    Material("wool", ("merino", "cashmere", "tweed", "alpaca", "mohair")),
    Material("knit", ("knitted", "cable knit", "cable-knit", "ribbed", "cable")),
    Material("linen", ()),
    Material("silk", ("satin", "chiffon", "georgette")),
    Material("corduroy", ("cord", "cords")),
    Material("fleece", ("brushed fleece",)),
    Material("viscose", ("rayon", "crepe")),
    Material("velvet", ("velour",)),
]}

STOP_WORDS = frozenset(
    "a an the and or of in on with for to my me i im some any this that these those it its is are be "
    "looking look want need find show please something".split())


def normalise_text(text: str) -> str:
    """Lower case, NFKC, accents folded, punctuation to spaces (hyphens kept inside words)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s-]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _phrase_table() -> dict[str, tuple[str, str]]:
    """Every surface phrase -> (kind, canonical); longer phrases are matched first by `parse_query`."""
    table: dict[str, tuple[str, str]] = {}
    for kind, entries in (("material", {m.name: m.synonyms for m in MATERIALS.values()}),
                          ("pattern", {p.name: p.synonyms for p in PATTERNS.values()}),
                          ("colour", {c.name: c.shades for c in COLOURS.values()}),
                          ("category", {c.name: c.synonyms for c in CATEGORIES.values()})):
        for name, syns in entries.items():
            for phrase in (name, *syns):
                table[normalise_text(phrase)] = (kind, name)
    # Words that are a category and a material: a "denim jacket" is a jacket; "denim" alone means jeans.
    table["denim"] = ("material", "denim")
    table["knit"] = ("material", "knit")
    return table


PHRASES = _phrase_table()
_MAX_PHRASE_WORDS = max(len(p.split()) for p in PHRASES)


@dataclass
class ParsedQuery:
    categories: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    other_words: list[str] = field(default_factory=list)  # content words that are no fashion term

    def chips(self) -> list[tuple[str, str]]:
        """(filter key, value) pairs a page shows as chips: 'dress · red · floral'."""
        return ([("category", c) for c in self.categories] + [("colour", c) for c in self.colours]
                + [("pattern", p) for p in self.patterns])

    def is_empty(self) -> bool:
        return not (self.categories or self.colours or self.patterns or self.materials or self.other_words)


def parse_query(text: str) -> ParsedQuery:
    """Fashion terms in free text, longest phrase first ("navy blue" before "blue", "t shirt" before "shirt")."""
    words = normalise_text(text).split()
    out = ParsedQuery()
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            hit = PHRASES.get(phrase)
            if hit is None and n == 1 and phrase.endswith("s"):
                hit = PHRASES.get(phrase[:-1])  # plain plurals: "gowns", "totes"
            if hit:
                kind, name = hit
                bucket = {"category": out.categories, "colour": out.colours, "pattern": out.patterns,
                          "material": out.materials}[kind]
                if name not in bucket:
                    bucket.append(name)
                i += n
                break
        else:
            if words[i] not in STOP_WORDS and len(words[i]) > 1:
                out.other_words.append(words[i])
            i += 1
    # "denim" with no other garment named means jeans.
    if "denim" in out.materials and not out.categories and len(words) <= 3:
        out.categories.append("jeans")
    return out


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
