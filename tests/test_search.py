"""Search on the sample catalog with the real offline encoder: text, image, both, filters, pages, similar."""
import numpy as np
import pytest
from PIL import Image

from core.errors import AtelierError, EmptyQueryError
from core.search import CatalogIndex, Filters, SearchQuery, search_catalog


def _search(studio, **kw):
    return search_catalog(studio.index, studio.encoder, SearchQuery(**kw))


@pytest.mark.parametrize("colour", ["red", "black", "yellow", "green"])
def test_text_query_ranks_items_of_that_colour_first(sample_studio, colour):
    page = _search(sample_studio, text=f"a {colour} garment", page_size=10)
    share = np.mean([h.metadata["colour"] == colour for h in page.hits])
    assert share >= 0.8, [h.metadata["name"] for h in page.hits]


def test_text_query_finds_jeans_and_coats(sample_studio):
    for cat in ("jeans", "coat", "bag"):
        page = _search(sample_studio, text=cat, page_size=10)
        assert np.mean([h.metadata["category"] == cat for h in page.hits]) >= 0.6, cat


def test_image_query_returns_the_item_itself_first(sample_studio):
    hit = sample_studio.index.item("dress-005")
    page = _search(sample_studio, image=Image.open(hit.path).convert("RGB"), page_size=5)
    assert page.hits[0].id == "dress-005" and page.hits[0].score > 0.99


def test_image_weight_moves_between_text_and_image_rankings(sample_studio):
    img = Image.open(sample_studio.index.item("jeans-001").path).convert("RGB")
    text_only = [h.id for h in _search(sample_studio, text="red", page_size=10).hits]
    image_only = [h.id for h in _search(sample_studio, image=img, page_size=10).hits]
    at0 = [h.id for h in _search(sample_studio, text="red", image=img, image_weight=0.0, page_size=10).hits]
    at1 = [h.id for h in _search(sample_studio, text="red", image=img, image_weight=1.0, page_size=10).hits]
    assert at0 == text_only and at1 == image_only
    mid = _search(sample_studio, text="red", image=img, image_weight=0.5, page_size=10).hits
    # Both at once: red things shaped like the jeans in the photo.
    assert any(h.metadata["colour"] == "red" for h in mid)
    assert any(h.metadata["category"] in ("jeans", "trousers") for h in mid)
    assert any("looks alike" in h.why for h in mid) and any("words: red" in h.why for h in mid)


def test_filters_restrict_every_result(sample_studio):
    f = Filters(category=["dress", "skirt"], colour=["red", "pink", "burgundy"], price_max=120)
    page = _search(sample_studio, text="floral", filters=f, page_size=50)
    assert page.total == len(page.hits) > 0
    for h in page.hits:
        m = h.metadata
        assert m["category"] in ("dress", "skirt") and m["colour"] in ("red", "pink", "burgundy") and 0 <= m["price"] <= 120


def test_pages_do_not_overlap_and_cover_the_ranking(sample_studio):
    full = [h.id for h in _search(sample_studio, text="striped", page_size=36).hits]
    paged = []
    for p in range(3):
        paged += [h.id for h in _search(sample_studio, text="striped", page=p, page_size=12).hits]
    assert paged == full and len(set(paged)) == 36


def test_more_like_this_excludes_the_item_and_stays_close(sample_studio):
    page = _search(sample_studio, like_id="coat-003", page_size=10)
    assert "coat-003" not in [h.id for h in page.hits]
    src = sample_studio.index.item("coat-003").metadata
    shared = [any(h.metadata[k] == src[k] for k in ("colour", "category", "pattern")) for h in page.hits]
    assert np.mean(shared) >= 0.8


def test_empty_query_gets_a_clear_message(sample_studio):
    with pytest.raises(EmptyQueryError, match="Type a description"):
        _search(sample_studio, text="   ")


def test_unknown_item_and_bad_filters_are_user_errors(sample_studio):
    with pytest.raises(AtelierError, match="No item"):
        _search(sample_studio, like_id="no-such-item")
    with pytest.raises(AtelierError, match="Unknown filter"):
        Filters.from_pairs(["size=XL"])
    with pytest.raises(AtelierError, match="KEY=VALUE"):
        Filters.from_pairs(["dress"])


def test_hnsw_path_agrees_with_exact_search(sample_studio):
    """Above the threshold (here 0) the process holds no vectors: HNSW + the on-disk word index and columns
    rank like the exact path once the columns are loaded; before that it answers by meaning and says so."""
    hnsw_index = CatalogIndex(sample_studio.store, sample_studio.index.name, exact_threshold=0)
    for old in (sample_studio.store.root / "cache").glob("*.sqlite"):
        old.unlink()  # another test's catalog file: this one starts as a fresh replica would
    early = search_catalog(hnsw_index, sample_studio.encoder, SearchQuery(text="navy shirt", page_size=10))
    assert early.note and "loading" in early.note and len(early.hits) == 10
    snap = hnsw_index.wait_for_columns(120)
    assert snap is not None and snap.lean and snap.embeddings is None
    assert list((sample_studio.store.root / "cache").glob("*.sqlite")), "words and columns live in a local file"
    for kw in ({"text": "navy shirt"}, {"text": "dots", "filters": Filters(category=["dress"])}):
        exact = _search(sample_studio, page_size=10, **kw)
        approx = search_catalog(hnsw_index, sample_studio.encoder, SearchQuery(page_size=10, **kw))
        assert approx.method.startswith("hnsw") and exact.method == "exact" and approx.note is None
        overlap = len({h.id for h in exact.hits} & {h.id for h in approx.hits})
        assert overlap >= 9
        assert abs(exact.hits[0].score - approx.hits[0].score) < 1e-4
        assert approx.matched == exact.matched and approx.matched_all == exact.matched_all
        assert [h.why for h in approx.hits[:3]] == [h.why for h in exact.hits[:3]]
