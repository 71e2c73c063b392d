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
    Category("t-shirt", "top", "upper", ("tee", "tees", "tshirt", "tshirts", "t-shirts", "t shirt", "t shirts",
                                         "tee shirt", "tee-shirt", "long sleeve tee", "graphic tee"),
             "soft cotton jersey"),
    # Any other top: what a photo shows when it is a top but not clearly a tee, shirt, blouse or sweater (a cami,
    # a crop top, a bodysuit). The word "top(s)" itself means every top (`CATEGORY_WORDS_FOR_GROUP`).
    Category("top", "top", "upper", ("tops", "tank", "tanks", "tank top", "tank tops", "crop top", "crop tops", "cami",
                                     "camisole", "camis", "bodysuit", "halter", "halter top", "bustier", "vest top"),
             "soft cotton jersey"),
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

# Shoppers' words in French, Spanish, German and Italian (accents folded, as `normalise_text` leaves them):
# garments, colours and prints, with their common plurals and feminine forms.
FOREIGN: dict[str, tuple[str, str]] = {}
for _kind, _entries in (
    ("category", {
        "dress": "robe robes vestido vestidos kleid kleider abito abiti vestito vestiti",
        "skirt": "jupe jupes falda faldas rock rocke gonna gonne minijupe",
        "trousers": "pantalon pantalons pantalones hose hosen pantaloni",
        "jeans": "vaquero vaqueros jeanshose",
        "shorts": "bermuda pantalones cortos kurze hose pantaloncini",
        "t-shirt": "tee-shirt camiseta camisetas maglietta magliette",
        "shirt": "chemise chemises camisa camisas hemd hemden camicia camicie",
        "blouse": "chemisier chemisiers blusa blusas bluse blusen camicetta camicette",
        "sweater": "pull pulls jersey jerseis pullover pulli maglione maglioni strickjacke gilet",
        "hoodie": "sweat a capuche sudadera sudaderas kapuzenpullover felpa felpe",
        "jacket": "veste vestes blouson chaqueta chaquetas jacke jacken giacca giacche",
        "coat": "manteau manteaux abrigo abrigos mantel cappotto cappotti",
        "sneakers": "baskets basket zapatillas zapatilla turnschuhe sneaker scarpe da ginnastica",
        "shoes": "chaussures chaussure zapatos zapato schuhe schuh scarpe scarpa",
        "boots": "bottes botte botas bota stiefel stivali stivale",
        "sandals": "sandales sandalias sandalen sandali",
        "bag": "sac sacs sac a main bolso bolsos tasche taschen handtasche borsa borse",
        "hat": "chapeau sombrero mutze cappello",
        "scarf": "echarpe foulard bufanda schal sciarpa",
        "top": "debardeur caraco canotta",
    }),
    ("colour", {
        "red": "rouge rouges rojo roja rojos rojas rot rote roter rosso rossa rossi rosse",
        "blue": "bleu bleue bleus azul azules blau blaue blauer blu azzurro azzurra",
        "green": "vert verte verts vertes verde verdes grun grune gruner gruen verdi",
        "black": "noir noire noirs noires negro negra negros negras schwarz schwarze schwarzer nero nera neri nere",
        "white": "blanc blanche blancs blanches blanco blanca blancos blancas weiss weisse weisser bianco bianca bianchi",
        "yellow": "jaune jaunes amarillo amarilla gelb gelbe giallo gialla",
        "pink": "rosa rosado rosada pinke rosafarben",
        "purple": "violet violette morado morada lila viola",
        "brown": "marron brun brune marrones braun braune marrone",
        "grey": "gris grise grau graue grigio grigia",
        "orange": "naranja arancione arancio",
        "navy": "bleu marine marine azul marino dunkelblau blu navy",
        "burgundy": "bordeaux burdeos granate weinrot bordo",
        "beige": "crema",
    }),
    ("pattern", {
        "stripes": "raye rayee rayures rayas a rayas de rayas gestreift gestreifte a righe righe rigato rigata",
        "floral": "fleuri fleurie a fleurs fleurs flores de flores floreado floreada geblumt geblumte blumen "
                  "a fiori fiori floreale",
        "checks": "a carreaux carreaux cuadros de cuadros kariert karierte a quadri quadri",
        "polka dots": "a pois pois lunares de lunares gepunktet a pois pois",
    }),
):
    for _name, _words in _entries.items():
        _toks = _words.split()
        # multi-word phrases are written joined by the entries above only where listed; single words here
        for _w in _toks:
            FOREIGN.setdefault(_w, (_kind, _name))
# Multi-word foreign phrases (matched before their words).
for _phrase, _hit in {"sac a main": ("category", "bag"), "a capuche": ("category", "hoodie"),
                      "pantalones cortos": ("category", "shorts"), "kurze hose": ("category", "shorts"),
                      "scarpe da ginnastica": ("category", "sneakers"), "bleu marine": ("colour", "navy"),
                      "azul marino": ("colour", "navy"), "a rayas": ("pattern", "stripes"),
                      "de rayas": ("pattern", "stripes"), "a righe": ("pattern", "stripes"),
                      "a fleurs": ("pattern", "floral"), "de flores": ("pattern", "floral"),
                      "a fiori": ("pattern", "floral"), "a carreaux": ("pattern", "checks"),
                      "de cuadros": ("pattern", "checks"), "a quadri": ("pattern", "checks"),
                      "a pois": ("pattern", "polka dots"), "de lunares": ("pattern", "polka dots")}.items():
    FOREIGN[_phrase] = _hit
# Words that are single tokens of a phrase but mean little alone ("a", "de", "da", "main", "sweat") stay out.
for _w in ("a", "de", "da", "main", "cortos", "ginnastica", "marino", "sweat", "capuche"):
    FOREIGN.pop(_w, None)


def normalise_text(text: str) -> str:
    """Lower case, NFKC, accents folded, punctuation to spaces (hyphens kept inside words)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("\u00df", "ss")  # German sharp s: "weiß" -> "weiss"
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s$\u20ac\u00a3-]+", " ", text)
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
# Query words: the English phrases, then the other languages' (an English word keeps its English meaning).
QUERY_PHRASES = {**{k: v for k, v in FOREIGN.items() if k not in PHRASES}, **PHRASES}
_MAX_PHRASE_WORDS = max(len(p.split()) for p in PHRASES)
_MAX_QUERY_PHRASE_WORDS = max(len(p.split()) for p in QUERY_PHRASES)

# A word that names a group means every category of it ("tops": t-shirts, shirts, blouses, sweaters...).
GROUP_WORDS = {"top": "top", "tops": "top", "haut": "top", "hauts": "top", "oberteil": "top", "oberteile": "top",
               "bottoms": "bottom", "shoes": "shoes", "footwear": "shoes", "outerwear": "outerwear"}


def categories_of_group(group: str) -> list[str]:
    return [c.name for c in CATEGORIES.values() if c.group == group]


# Categories a query word reaches beyond its own, with a partial match (0..1): trousers include jeans, a generic
# "top" may be the blouse or shirt asked for. Used by search's attribute boost, not by filters.
RELATED_CATEGORIES: dict[str, dict[str, float]] = {
    "trousers": {"jeans": 0.5}, "jeans": {"trousers": 0.3},
    "blouse": {"top": 0.3}, "shirt": {"top": 0.2}, "sweater": {"top": 0.2}, "t-shirt": {"top": 0.2},
    "top": {cat: 1.0 for cat in ("t-shirt", "shirt", "blouse", "sweater", "hoodie")},
}


def category_weights(wanted: list[str]) -> dict[str, float]:
    """Every category an item may have for a query asking for `wanted`, with how well it answers (1 = exactly)."""
    out: dict[str, float] = {}
    for cat in wanted:
        out[cat] = 1.0
        for other, w in RELATED_CATEGORIES.get(cat, {}).items():
            out[other] = max(out.get(other, 0.0), w)
    return out


# Price phrases: "under $40", "below 40 euros", "between 50 and 100", "50-100", "over 80", "cheap".
_NUM = r"(?:[$\u20ac\u00a3]\s?)?(\d+(?:[.,]\d{1,2})?)\s?(?:[$\u20ac\u00a3]|usd|eur|euros?|dollars?|gbp|pounds?|bucks)?"
_UNDER = r"(?:under|below|less than|cheaper than|max|maximum|up to|at most|<|<=|moins de|jusqu a|menos de|hasta|unter|bis|meno di|sotto|fino a)"
_OVER = r"(?:over|above|more than|at least|from|min|minimum|>|>=|plus de|a partir de|mas de|desde|uber|ab|piu di|sopra|da)"
_PRICE_PATTERNS = [
    (re.compile(rf"(?:between|entre|zwischen|tra|fra)\s{_NUM}\s(?:and|et|y|und|e|-|to)\s{_NUM}"), "between"),
    (re.compile(rf"(?<![\w-]){_NUM}\s?(?:-|to|a)\s?{_NUM}(?![\w-])"), "range"),
    (re.compile(rf"(?<!\w){_UNDER}\s{_NUM}(?!\w)"), "under"),
    (re.compile(rf"(?<!\w){_OVER}\s{_NUM}(?!\w)"), "over"),
    (re.compile(r"[$\u20ac\u00a3]\s?(\d+(?:[.,]\d{1,2})?)(?!\w)|(?<!\w)(\d+(?:[.,]\d{1,2})?)\s?(?:[$\u20ac\u00a3]|usd|eur|euros?|dollars?|gbp|pounds?|bucks)(?!\w)"), "about"),
]
CHEAP_WORDS = ("cheap", "cheapest", "inexpensive", "affordable", "budget", "bargain", "pas cher", "barato", "barata",
               "baratos", "baratas", "gunstig", "gunstige", "billig", "economico", "economica", "economici")
DEAR_WORDS = ("expensive", "luxury", "luxurious", "premium", "high end", "high-end", "designer", "cher", "caro", "cara",
              "teuer", "costoso", "costosa")


def _amount(text: str) -> float:
    return float(text.replace(",", "."))


def _read_price(text: str) -> tuple[str, float | None, float | None, str | None, str]:
    """(text without the price phrase, price_min, price_max, 'cheap'|'expensive'|None, the phrase as typed)."""
    lo = hi = None
    said = []
    for rx, kind in _PRICE_PATTERNS:
        m = rx.search(text)
        if not m:
            continue
        nums = [_amount(g) for g in m.groups() if g]
        if kind in ("between", "range") and len(nums) == 2:
            lo, hi = sorted(nums)
        elif kind == "under":
            hi = nums[0]
        elif kind == "over":
            lo = nums[0]
        elif kind == "about":  # "a $40 dress": around that price
            lo, hi = round(nums[0] * 0.8, 2), round(nums[0] * 1.2, 2)
        said.append(m.group(0).strip())
        text = (text[:m.start()] + " " + text[m.end():]).strip()
        break
    level = None
    for words, name in ((CHEAP_WORDS, "cheap"), (DEAR_WORDS, "expensive")):
        for w in sorted(words, key=len, reverse=True):
            m = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
            if m and lo is None and hi is None:
                level = name
                said.append(w)
                text = (text[:m.start()] + " " + text[m.end():]).strip()
                break
        if level:
            break
    return re.sub(r"\s+", " ", text).strip(), lo, hi, level, " ".join(said)


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

    def is_empty(self) -> bool:
        return not (self.categories or self.colours or self.patterns or self.materials or self.other_words)


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, stopping early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


_SINGLE_WORDS = sorted({p for p in PHRASES if " " not in p and len(p) >= 3})


def _deletes(word: str, n: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(n):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _deletion_index(words) -> dict[str, set[str]]:
    """Symmetric-delete index (SymSpell): two words within k edits share a string left after <= k deletions
    from each, so a typo's candidates are a few dictionary lookups instead of a scan of every word."""
    index: dict[str, set[str]] = {}
    for w in words:
        for d in _deletes(w, 1 if len(w) <= 7 else 2):
            index.setdefault(d, set()).add(w)
    return index


_VOCAB_DELETES = _deletion_index(_SINGLE_WORDS)
_KNOWN_DELETES: dict[int, tuple[frozenset, dict[str, set[str]]]] = {}


def _candidates(word: str, known, limit: int) -> set[str]:
    found: set[str] = set()
    indexes = [_VOCAB_DELETES]
    if known:
        cached = _KNOWN_DELETES.get(id(known))
        if cached is None or cached[0] is not known:
            if len(_KNOWN_DELETES) > 8:
                _KNOWN_DELETES.clear()
            cached = _KNOWN_DELETES[id(known)] = (known, _deletion_index(w for w in known if len(w) >= 3))
        indexes.append(cached[1])
    for d in _deletes(word, limit):
        for index in indexes:
            found |= index.get(d, set())
    return found


def closest_word(word: str, known: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The vocabulary (or catalog) word a typo most likely meant: one edit for words of 4-7 letters, two beyond;
    None when the word is known already, too short, or two candidates tie."""
    if len(word) < 4 or word in QUERY_PHRASES or word in known or word in STOP_WORDS or not word.isalpha():
        return None
    limit = 1 if len(word) <= 7 else 2
    best, best_d, tie = None, limit + 1, False
    for cand in sorted(_candidates(word, known, limit)):
        if abs(len(cand) - len(word)) > limit or len(cand) < 3:
            continue
        if len(word) == 4 and len(cand) == 4 and sorted(cand) != sorted(word):
            continue  # a short word one letter off is often another word ("boat", "boot"): only swaps and gaps
        d = _edit_distance(word, cand, limit)
        if d < best_d:
            best, best_d, tie = cand, d, False
        elif d == best_d and cand != best and best is not None and PHRASES.get(cand) != PHRASES.get(best):
            tie = True
    return best if best is not None and not tie else None


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
    rest, out.price_min, out.price_max, out.price_level, out.price_text = _read_price(normalise_text(text))
    words = rest.split()
    read: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_QUERY_PHRASE_WORDS, len(words) - i), 0, -1):
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
                    i += 1
                    break
            if group:
                if group not in out.groups:
                    out.groups.append(group)
                for cat in categories_of_group(group):
                    if cat not in out.categories:
                        out.categories.append(cat)
                read.append(phrase)
                i += n
                break
            if hit:
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
                i += n
                break
        else:
            read.append(words[i])
            if words[i] not in STOP_WORDS and len(words[i]) > 1:
                out.other_words.append(words[i])
            i += 1
    # "denim" with no other garment named means jeans.
    if "denim" in out.materials and not out.categories and len(words) <= 3:
        out.categories.append("jeans")
    out.text = " ".join(read)
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
