"""The one fashion vocabulary: synonyms resolve, catalog labels map, every consumer reads the same words."""
import pytest

from core import vocabulary as v


@pytest.mark.parametrize("query,category", [
    ("an elegant black gown", "dress"), ("trainers", "sneakers"), ("tote", "bag"), ("jumper", "sweater"),
    ("tee", "t-shirt"), ("chinos", "trousers"), ("parka", "coat"), ("denim", "jeans"), ("navy blue t shirt", "t-shirt"),
    ("gowns", "dress"), ("bomber jacket", "jacket"),
])
def test_synonyms_resolve_to_canonical_categories(query, category):
    assert v.parse_query(query).categories == [category]


def test_attribute_words_are_parsed_longest_phrase_first():
    q = v.parse_query("navy blue striped t shirt")
    assert (q.categories, q.colours, q.patterns) == (["t-shirt"], ["navy"], ["stripes"])
    assert v.parse_query("plaid skirt").patterns == ["checks"]
    assert v.parse_query("gingham dress").patterns == ["checks"]
    assert v.parse_query("tartan").patterns == ["checks"]
    assert v.parse_query("an elegant black gown").other_words == ["elegant"]
    assert v.parse_query("red floral dress").chips() == [("category", "dress"), ("colour", "red"), ("pattern", "floral")]


@pytest.mark.parametrize("text", ["", "   ", "the and of", "dress OR 1=1", '"unbalanced', "NEAR * -", "x" * 10_000,
                                  "красное платье", "连衣裙", "\u200b\u2028"])
def test_hostile_text_parses_without_error(text):
    assert isinstance(v.parse_query(text), v.ParsedQuery)


def test_catalog_labels_map_to_groups_and_tryon_kinds():
    assert v.canonical_category("Tshirts") == "t-shirt"
    assert v.canonical_category("Casual Shoes") == "shoes"
    assert v.group_of("Handbags") == "bag" and v.group_of("blazers") == "outerwear"
    assert v.tryon_kind("Jeans") == "lower" and v.tryon_kind("dress") == "dress" and v.tryon_kind("bag") is None
    assert v.group_of("spaceship") is None


def test_consumers_share_the_vocabulary():
    from core import attributes, design, samples, stylist

    assert samples.CATEGORIES == v.SAMPLE_CATEGORIES
    assert set(samples.COLOURS) == set(v.COLOURS) and set(attributes.PALETTE) == set(v.COLOURS)
    assert samples.PATTERNS == attributes.PATTERN_NAMES == list(v.PATTERNS)
    assert design.COLOUR_WORDS["maroon"] == "burgundy" and design.PATTERN_WORDS["gingham"] == "checks"
    assert stylist.group_of is v.group_of
    assert all(v.CATEGORIES[c].group for c in v.SAMPLE_CATEGORIES)


def test_lexical_words_carry_synonyms():
    words = v.words_for("sneakers", "navy", "stripes", "leather")
    assert {"trainers", "navy blue", "striped", "faux leather"} <= set(words)
