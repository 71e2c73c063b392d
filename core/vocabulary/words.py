"""The fashion words, once: categories with synonyms, colours with shades, patterns, materials, garment kinds.

Every part of Atelier that names a garment reads it from here: the sample generator, attribute tagging,
query parsing, the outfit rules, the offline design editor and the try-on garment kinds. A catalog's own
category labels ("Tshirts", "Casual Shoes") are mapped onto these canonical names with `canonical_category`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


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
# Try-on garment kinds: where on the body a garment is worn (Category.tryon). Not a profile's marks (like, cart...).
GARMENT_KINDS = ("upper", "lower", "dress")


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
MAX_PHRASE_WORDS = max(len(p.split()) for p in PHRASES)  # the longest English phrase, in words
MAX_QUERY_PHRASE_WORDS = max(len(p.split()) for p in QUERY_PHRASES)

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
