"""Search that understands fashion, on the sample catalog with the real offline encoder: the issue's queries,
synonyms, soft attributes, honest counts, reasons, photo and "more like this" in the image-to-image space."""
import numpy as np
import pytest
from PIL import Image

from core.search import CatalogIndex, Filters, SearchQuery, search_catalog


def _search(studio, **kw):
    kw.setdefault("page_size", 10)
    return search_catalog(studio.index, studio.encoder, SearchQuery(**kw), studio.sketch_index)


def _share(page, **want):
    return np.mean([all(h.metadata[k] == v for k, v in want.items()) for h in page.hits])


@pytest.mark.parametrize("text,category", [("dress", "dress"), ("hoodie", "hoodie"), ("sneakers", "sneakers"),
                                           ("trainers", "sneakers"), ("jumper", "sweater"), ("a gown", "dress"),
                                           ("tote", "bag"), ("chinos", "trousers")])
def test_a_garment_word_returns_that_garment(sample_studio, text, category):
    page = _search(sample_studio, text=text)
    assert _share(page, category=category) == 1.0, [h.metadata["name"] for h in page.hits]


def test_floral_dress_puts_floral_dresses_first_then_other_dresses(sample_studio):
    page = _search(sample_studio, text="floral dress")
    n_floral = sum(1 for h in page.hits if h.metadata["pattern"] == "floral" and h.metadata["category"] == "dress")
    assert n_floral == page.matched_all == 5
    assert all(h.metadata["category"] == "dress" and h.metadata["pattern"] == "floral" for h in page.hits[:5])
    assert _share(page, category="dress") == 1.0


def test_an_elegant_black_gown_finds_black_dresses(sample_studio):
    page = _search(sample_studio, text="an elegant black gown")
    assert [(h.metadata["category"], h.metadata["colour"]) for h in page.hits[:2]] == [("dress", "black")] * 2


def test_navy_striped_shirt_returns_shirts_with_those_attributes_first(sample_studio):
    page = _search(sample_studio, text="navy striped shirt")
    top = page.hits[:7]  # the sample catalog has 2 navy shirts and 5 striped shirts, no navy striped one
    assert all(h.metadata["category"] == "shirt" for h in top)
    assert all(h.metadata["colour"] == "navy" or h.metadata["pattern"] == "stripes" for h in top)


def test_parsed_attributes_are_soft_boosts_not_filters(sample_studio):
    page = _search(sample_studio, text="red dress", page_size=40)
    assert page.total == sample_studio.index.count()  # nothing silently filtered out
    cats = [h.metadata["category"] for h in page.hits]
    colours = [h.metadata["colour"] for h in page.hits]
    first_other = next(i for i, h in enumerate(page.hits) if h.metadata["colour"] != "red")
    assert all(c == "red" for c in colours[:first_other]) and first_other >= 2
    assert cats[:15] == ["dress"] * 15  # then other dresses ...
    assert any(c != "dress" and col == "red" for c, col in zip(cats, colours))  # ... and other red things too
    assert [c for _, c in page.parsed.chips()] == ["dress", "red"]


def test_counts_say_how_many_items_match_not_the_catalog_size(sample_studio):
    page = _search(sample_studio, text="dress")
    assert page.matched == page.matched_all == 30 and page.total == sample_studio.index.count()
    none = _search(sample_studio, text="qwertyuiop")
    assert none.matched == 0 and none.hits and all(h.relevance <= 0.5 for h in none.hits)


def test_each_hit_says_why_it_was_found(sample_studio):
    hit = _search(sample_studio, text="floral gown").hits[0]
    assert any(w.startswith("words:") and "floral" in w and "gown" in w for w in hit.why), hit.why
    assert "is dress · floral" in hit.why
    assert 0 < hit.relevance <= 1


@pytest.mark.parametrize("text", ["dress OR 1=1", '"dress', "NEAR(dress, 2)", "dress*", "-dress", "*", "-",
                                  "a the of", "платье", "连衣裙", "dress " * 2000])
def test_query_syntax_and_odd_text_answer_sensibly(sample_studio, text):
    page = _search(sample_studio, text=text)
    assert len(page.hits) == 10
    if "dress" in text:
        assert _share(page, category="dress") == 1.0


def test_a_photo_of_a_dress_returns_dresses_first(sample_studio):
    for item_id in ("dress-005", "dress-012"):
        photo = Image.open(sample_studio.index.item(item_id).path).convert("RGB")
        page = _search(sample_studio, image=photo, exclude_ids=(item_id,))
        assert item_id not in [h.id for h in page.hits] and page.space == "image"
        assert _share(page, category="dress") >= 0.8, [h.metadata["name"] for h in page.hits]
        assert all(h.why and "looks alike" in h.why for h in page.hits)


def test_more_like_this_ranks_by_looks_and_keeps_the_kind(sample_studio):
    page = _search(sample_studio, like_id="shirt-011")
    assert "shirt-011" not in [h.id for h in page.hits] and page.space == "image"
    assert _share(page, category="shirt") >= 0.8
    assert page.matched is None  # no words involved: nothing to count as "matching words"


def test_hybrid_agrees_on_the_hnsw_path(sample_studio):
    hnsw = CatalogIndex(sample_studio.store, sample_studio.index.name, exact_threshold=0)
    early = search_catalog(hnsw, sample_studio.encoder, SearchQuery(text="navy striped shirt", page_size=10))
    assert early.note and _share(early, category="shirt") >= 0.5  # before the word index: attributes still count
    assert hnsw.wait_for_columns(120) is not None
    for text, category in (("navy striped shirt", "shirt"), ("trainers", "sneakers")):
        exact = _search(sample_studio, text=text)
        approx = search_catalog(hnsw, sample_studio.encoder, SearchQuery(text=text, page_size=10),
                                sample_studio.sketch_index)
        assert approx.method.startswith("hnsw") and exact.method == "exact"
        assert _share(approx, category=category) >= _share(exact, category=category) - 0.1
        assert len({h.id for h in exact.hits} & {h.id for h in approx.hits}) >= 8


def test_lexical_weight_zero_is_the_encoder_alone(sample_studio):
    dense = _search(sample_studio, text="sneakers", lexical_weight=0.0, attribute_boost=0.0)
    words = _search(sample_studio, text="sneakers", lexical_weight=1.0, attribute_boost=0.0)
    assert _share(words, category="sneakers") == 1.0
    assert [h.id for h in dense.hits] != [h.id for h in words.hits]


def test_filters_still_restrict_hybrid_results(sample_studio):
    page = _search(sample_studio, text="dress", filters=Filters(colour=["red"]), page_size=50)
    assert page.hits and all(h.metadata["colour"] == "red" for h in page.hits)
    assert page.total == len(page.hits) and page.matched <= page.total
