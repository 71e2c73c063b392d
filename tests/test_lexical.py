"""The lexical side of search (SQLite FTS5 + BM25) over the sample catalog's own words: no encoder needed."""
import csv

import pytest

from core.config import SAMPLE_CATALOG_DIR
from core.lexical import LexicalIndex, item_document, match_expression, query_terms
from core.search import Filters


@pytest.fixture(scope="module")
def rows():
    return list(csv.DictReader(open(SAMPLE_CATALOG_DIR / "catalog.csv")))


@pytest.fixture(scope="module")
def lexical(rows):
    return LexicalIndex(rows, "test")


def _categories(lexical, rows, text, k=10):
    found, _ = lexical.search(query_terms(text), k)
    return [rows[int(r)]["category"] for r in found]


@pytest.mark.parametrize("text,category", [("trainers", "sneakers"), ("gown", "dress"), ("gowns", "dress"),
                                           ("jumper", "sweater"), ("tote", "bag"), ("chinos", "trousers"),
                                           ("parka", "coat"), ("tee", "t-shirt"), ("running shoes", "sneakers")])
def test_synonyms_find_items_by_their_category(lexical, rows, text, category):
    cats = _categories(lexical, rows, text)
    assert len(cats) == 10 and set(cats) == {category}, cats


def test_a_t_shirt_is_not_a_shirt(lexical, rows):
    assert set(_categories(lexical, rows, "shirt", 30)) == {"shirt"}
    assert set(_categories(lexical, rows, "t-shirt", 30)) == {"t-shirt"}


def test_items_matching_more_query_words_rank_first(lexical, rows):
    found, scores = lexical.search(query_terms("red floral dress"), 5)
    top = rows[int(found[0])]
    assert (top["category"], top["colour"], top["pattern"]) == ("dress", "red", "floral")
    assert list(scores) == sorted(scores, reverse=True)


def test_tartan_and_gingham_find_checked_items(lexical, rows):
    found, _ = lexical.search(query_terms("tartan"), 50)
    assert found.size and {rows[int(r)]["pattern"] for r in found} == {"checks"}


@pytest.mark.parametrize("text", ['dress OR 1=1', 'dress" OR "1"="1', '"unbalanced', "NEAR(dress skirt)", "*", "-",
                                  "dress -skirt", "dress*", "'; DROP TABLE docs; --", "платье", "连衣裙", "👗",
                                  "x" * 10_000, "a the and of", "", "   ", "\x00dress"])
def test_query_syntax_typed_by_a_user_is_only_words(lexical, rows, text):
    terms = query_terms(text)
    assert len(terms) <= 32 and all(len(t) <= 64 for t in terms)
    found, _ = lexical.search(terms, 20)  # never raises
    if "dress" in text and "skirt" not in text:
        assert found.size and {rows[int(r)]["category"] for r in found} == {"dress"}
    if text.strip(" -*") in ("", "a the and of"):
        assert terms == [] and found.size == 0


def test_match_expression_quotes_every_term():
    assert match_expression(['say "hi"', "or"]) == '"say ""hi""" OR "or"'


def test_documents_carry_vocabulary_words(rows):
    text, tags = item_document(rows[0])  # a black t-shirt
    assert "black" in text and "tee" in tags.split() and "jet" in tags.split() and "cotton" in tags.split()


def test_count_and_matched_terms_explain_a_match(lexical, rows):
    terms = query_terms("floral gown")
    assert lexical.count(query_terms("dress")) == sum(r["category"] == "dress" for r in rows)
    found, _ = lexical.search(terms, 3)
    why = lexical.matched_terms([int(r) for r in found], terms)
    assert all(why[int(r)] for r in found)
    assert {"floral", "gown"} <= set(why[int(found[0])])


@pytest.mark.parametrize("selected,expected", [((5.0, 200.0), (None, None)), ((20.0, 200.0), (20.0, None)),
                                               ((5.0, 80.0), (None, 80.0)), ((80.0, 20.0), (20.0, 80.0)),
                                               (None, (None, None))])
def test_price_slider_ends_left_at_the_catalog_bounds_are_no_filter(selected, expected):
    assert Filters.price_range(selected, [5.0, 50.0, 200.0, -1.0]) == expected
    assert Filters.price_range((10.0, 20.0), []) == (None, None)


def test_wide_matches_rank_the_documents_with_every_word_first(rows, monkeypatch):
    """Above WIDE_MATCH any-word matches (a million-item catalog) the word list is built tier by tier: every
    word, then every word but the most common, ... scored exactly as the any-word query scores them."""
    import core.lexical as lexical_module

    lexical = LexicalIndex(rows, "wide")
    terms = query_terms("red floral dress")
    full_rows, full_scores = lexical.search(terms, 420)  # the any-word ranking (420 items: below WIDE_MATCH)
    monkeypatch.setattr(lexical_module, "WIDE_MATCH", 50)
    assert lexical.count(terms) > 50
    got, scores = lexical.search(terms, 60)
    assert len(got) == 60 and len(set(got.tolist())) == 60
    held = lexical.matched_terms(got.tolist(), terms)
    rarest = sorted(terms, key=lambda t: lexical.count([t]))
    tier = [max(k for k in range(len(terms) + 1) if set(rarest[:k]) <= set(held[int(r)])) for r in got]
    assert tier[0] == 3 and tier == sorted(tier, reverse=True), tier  # most words first, tier by tier
    assert 2 in tier  # the second tier (every word but the most common) joined
    full = dict(zip(full_rows.tolist(), full_scores.tolist()))
    n_every = tier.count(3)
    assert n_every == sum(1 for r in full_rows if len(lexical.matched_terms([int(r)], terms)[int(r)]) == 3)
    for r, s in zip(got[:n_every].tolist(), scores[:n_every].tolist()):
        assert abs(full[r] - s) < 1e-4  # the same BM25 as the any-word query
    assert list(scores[:n_every]) == sorted(scores[:n_every], reverse=True)
