"""The index's front door (issue 24): what callers outside search ask for answers the same whether the catalog
is held in memory or lean, so no caller branches on the storage strategy or reaches a private name."""
import numpy as np

from core.search import CatalogIndex, SearchQuery, search_catalog


def _lean(studio) -> CatalogIndex:
    return CatalogIndex(studio.store, studio.index.name, exact_threshold=0)


def test_sample_ids_and_catalog_root_are_the_same_in_memory_and_lean(sample_studio):
    full, lean = sample_studio.index, _lean(sample_studio)
    assert not full.is_lean() and lean.is_lean()
    every = list(full.snapshot().ids)
    assert full.sample_ids(5) == every[:5]
    assert set(lean.sample_ids(5)) <= set(every) and len(lean.sample_ids(5)) == 5
    spread = full.sample_ids(4, spread=True)
    assert spread[0] == every[0] and spread[-1] == every[-1] and len(set(spread)) == 4
    assert full.catalog_root == lean.catalog_root and full.catalog_root
    assert full.hits([(every[0], 1.0)])[0].path.startswith(full.catalog_root)


def test_candidate_vectors_are_every_item_in_memory_and_the_preferred_first_when_lean(sample_studio):
    full, lean = sample_studio.index, _lean(sample_studio)
    ids, emb = full.candidate_vectors(["ignored"], 10)
    assert ids == list(full.snapshot().ids) and emb.shape == (len(ids), sample_studio.encoder.info.dim)
    prefer = ids[-3:] + ["no-such-item"]
    got, vecs = lean.candidate_vectors(prefer, 10)
    assert got[:3] == ids[-3:] and "no-such-item" not in got and len(got) <= 13
    np.testing.assert_allclose(vecs, full.vectors(got), atol=1e-6)


def test_slot_candidates_hold_only_the_asked_categories_with_their_own_vectors(sample_studio):
    full, lean = sample_studio.index, _lean(sample_studio)
    cats = [c for c in full.facets()["category"] if "dress" in c]
    assert cats
    q = full.vectors([full.snapshot().ids[0]])[0]
    every = [r for r, c in enumerate(full.snapshot().columns["category"]) if c in cats]
    hits, vecs = full.candidates(q, cats, 5, excluded={full.snapshot().ids[every[0]]})
    assert len(hits) == len(every) - 1 and all(h.metadata["category"] in cats for h in hits)
    np.testing.assert_allclose(vecs, full.vectors([h.id for h in hits]), atol=1e-6)
    near, near_vecs = lean.candidates(q, cats, 5)
    assert len(near) == 5 and all(h.metadata["category"] in cats for h in near)
    np.testing.assert_allclose(near_vecs, full.vectors([h.id for h in near]), atol=1e-6)


def test_studio_search_is_search_catalog_with_the_studios_own_parts(sample_studio):
    query = SearchQuery(text="red floral dress", page_size=8)
    a = sample_studio.search(query)
    b = search_catalog(sample_studio.index, sample_studio.encoder, query, sample_studio.sketch_index)
    assert [h.id for h in a.hits] == [h.id for h in b.hits] and len(a.hits) == 8
    assert [h.score for h in a.hits] == [h.score for h in b.hits]
