"""Above the exact-search threshold: no vectors in the process, vectors and metadata by id, filters that
keep recall, snapshots loaded without offset paging."""
import sys

import numpy as np
import pytest

from core.errors import IndexUnavailableError
from core.search import CatalogIndex, Filters, SearchQuery, search_catalog
from core.store import IdTable


def _lean(studio, **kw) -> CatalogIndex:
    return CatalogIndex(studio.store, studio.index.name, exact_threshold=0, **kw)


def test_id_table_finds_every_id_and_is_smaller_than_a_list_and_dict():
    ids = [f"item-{n:07d}" for n in range(20_000)] + ["robe-été", "ü"]
    table = IdTable(ids)
    assert len(table) == len(ids) and table[5] == ids[5] and table[-1] == "ü" and table[20_000] == "robe-été"
    assert all(table.positions[i] == n for n, i in enumerate(ids[::997]) for n in [ids.index(i)])
    assert "robe-été" in table.positions and "item-9999999" not in table.positions and 3 not in table.positions
    assert table.positions.get("nope", -1) == -1
    as_python = sys.getsizeof(ids) + sum(sys.getsizeof(i) for i in ids) + sys.getsizeof({i: 0 for i in ids})
    assert table.nbytes < as_python / 2
    # The batch lookup (an over-fetched HNSW answer): same rows as one by one, -1 for ids it does not hold.
    asked = ids[::1013] + ["nope", "ü", "item-0000000", "robe-ete"]
    assert table.rows_of(asked).tolist() == [table.positions.get(i, -1) for i in asked]
    assert table.rows_of([]).tolist() == []


def test_id_table_batch_lookup_confirms_the_text_on_a_hash_collision(monkeypatch):
    table = IdTable(["a", "b", "c"])
    h = hash("b")  # pretend "zz" hashes like "b": the batch lookup must not return b's row for it
    real = hash
    monkeypatch.setattr("builtins.hash", lambda x: h if x == "zz" else real(x))
    assert table.rows_of(["zz", "b", "c"]).tolist() == [-1, 1, 2]


def test_lean_index_holds_no_vectors_and_fetches_them_by_id(sample_studio):
    lean = _lean(sample_studio)
    snap = lean.snapshot()
    assert lean.is_lean() and snap.lean and snap.embeddings is None and snap.metadatas is None
    full = sample_studio.index.snapshot()
    assert len(snap.ids) == len(full.ids) == 420
    some = ["dress-005", "coat-003", "jeans-001"]
    np.testing.assert_allclose(lean.vectors(some), sample_studio.index.vectors(some), atol=1e-6)
    assert lean.item("coat-003").path == sample_studio.index.item("coat-003").path
    assert lean.item("coat-003").metadata["category"] == "coat"
    # The filter columns agree with the full snapshot's, row by row.
    for n in (0, 100, 419):
        row = full.index_of[snap.ids[n]]
        assert snap.label("category", n) == full.columns["category"][row] == full.label("category", row)
        assert "category" not in snap.columns  # codes only: no per-row string objects in a lean process
        assert snap.columns["price"][n] == full.columns["price"][row]


def test_more_like_this_on_a_lean_index_matches_exact(sample_studio):
    q = SearchQuery(like_id="dress-005", page_size=10)
    exact = search_catalog(sample_studio.index, sample_studio.encoder, q)
    lean = search_catalog(_lean(sample_studio), sample_studio.encoder, q)
    assert lean.method == "hnsw" and "dress-005" not in {h.id for h in lean.hits}
    assert len({h.id for h in exact.hits} & {h.id for h in lean.hits}) >= 9
    assert lean.hits[0].path == exact.hits[0].path


def test_filtered_lean_search_post_filters_on_columns_with_the_exact_total(sample_studio):
    lean = _lean(sample_studio)
    assert lean.wait_for_columns(timeout=120) is not None
    for filters in (Filters(category=["dress", "coat"], price_max=200.0), Filters(colour=["red"])):
        q = SearchQuery(text="elegant evening wear", filters=filters, page_size=10)
        exact = search_catalog(sample_studio.index, sample_studio.encoder, q)
        got = search_catalog(lean, sample_studio.encoder, q)
        assert got.method in ("hnsw+postfilter", "hnsw-where")
        assert got.total == exact.total
        assert [h.id for h in got.hits][:5] == [h.id for h in exact.hits][:5]
        snap = lean.snapshot()
        assert filters.mask(snap)[[snap.index_of[h.id] for h in got.hits]].all()


def test_filtered_search_without_columns_asks_chroma_to_filter(sample_studio):
    lean = _lean(sample_studio, load_columns=False)
    page = search_catalog(lean, sample_studio.encoder,
                          SearchQuery(text="dress", filters=Filters(category=["dress"]), page_size=10))
    assert page.method == "hnsw-where" and len(page.hits) == 10
    assert {h.metadata["category"] for h in page.hits} == {"dress"}
    assert lean._snap is None  # nothing loaded in the process


def test_lean_sketch_search_ranks_like_the_exact_one(sample_studio):
    from testkit.sketches import dress_outline

    q = SearchQuery(sketch=dress_outline(), page_size=10)
    exact = search_catalog(sample_studio.index, sample_studio.encoder, q, sample_studio.sketch_index)
    sketch_lean = CatalogIndex(sample_studio.store, sample_studio.sketch_index.name, exact_threshold=0)
    lean = search_catalog(_lean(sample_studio), sample_studio.encoder, q, sketch_lean)
    assert lean.method == "hnsw-pool"
    assert [h.id for h in lean.hits][:3] == [h.id for h in exact.hits][:3]
    assert [h.metadata["category"] for h in lean.hits].count("dress") >= 6


def test_snapshots_load_without_offset_paging(sample_studio, monkeypatch):
    calls = []
    store = sample_studio.store
    real = store.reader_collection

    class Spy:
        def __init__(self, col):
            self._col = col

        def __getattr__(self, name):
            return getattr(self._col, name)

        def get(self, *args, **kw):
            calls.append(kw)
            return self._col.get(*args, **kw)

    monkeypatch.setattr(store, "reader_collection", lambda name: (lambda c: c and Spy(c))(real(name)))
    for lean in (True, False):
        calls.clear()
        snap = store.load_snapshot(sample_studio.index.name, batch=100, lean=lean)
        assert len(snap.ids) == 420 and (snap.embeddings is None) == lean
        assert calls and not any(kw.get("offset") for kw in calls)
        assert sum(len(kw.get("ids") or []) for kw in calls) == 420


def test_generation_copy_is_byte_identical_and_leaves_the_source_alone(tmp_path):
    from core.store import copy_generation

    src = tmp_path / "g1"
    (src / "seg").mkdir(parents=True)
    (src / "chroma.sqlite3").write_bytes(bytes(range(256)) * 400)
    (src / "seg" / "data_level0.bin").write_bytes(b"\x01\x02" * 5000)
    copy_generation(src, tmp_path / "g2")
    for rel in ("chroma.sqlite3", "seg/data_level0.bin"):
        assert (tmp_path / "g2" / rel).read_bytes() == (src / rel).read_bytes()
    (tmp_path / "g2" / "chroma.sqlite3").write_bytes(b"changed")  # a write to the copy never reaches the source
    assert (src / "chroma.sqlite3").read_bytes() == bytes(range(256)) * 400


def test_lean_taste_feed_and_outfits_match_the_full_index(sample_studio, tmp_path):
    """Stylist features above the threshold: vectors by id, HNSW feed, slot pools; the same rules hold."""
    from core.profiles import ProfileStore
    from core.stylist import MAX_STATEMENT_PATTERNS, build_outfits, diverse_picks, for_you, is_statement, taste_of

    lean = _lean(sample_studio)
    assert lean.wait_for_columns(timeout=120) is not None
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    ada = store.create("Ada")
    for item in ("dress-003", "dress-007", "skirt-002"):
        store.mark(ada.id, item, "like")
    full_taste, lean_taste = taste_of(store, ada, sample_studio.index), taste_of(store, ada, lean)
    np.testing.assert_allclose(full_taste.vector, lean_taste.vector, atol=1e-6)
    full_feed = [h.id for h, _ in for_you(store, ada, sample_studio.index, k=10)]
    lean_feed = [(h.id, why) for h, why in for_you(store, ada, lean, k=10)]
    assert len({i for i, _ in lean_feed} & set(full_feed)) >= 9
    assert not {i for i, _ in lean_feed} & {"dress-003", "dress-007", "skirt-002"}
    assert all(why.startswith("similar to ") for _, why in lean_feed)
    cold = diverse_picks(lean, 8, {"coat-003": 4})
    assert cold[0].id == "coat-003" and len({h.metadata["category"] for h in cold}) >= 5
    for anchor in ("dress-005", "shirt-002", "jeans-001", "sneakers-003"):
        looks = build_outfits(lean, [anchor], k=3, budget=400.0)
        assert looks, anchor
        pieces = [h.id for look in looks for h in look.items[1:]]
        assert len(pieces) == len(set(pieces)), "no piece in two looks"
        for look in looks:
            assert look.items[0].id == anchor and look.total_price <= 400.0
            assert sum(is_statement(h) for h in look.items) <= MAX_STATEMENT_PATTERNS


def test_discover_page_on_a_lean_index(sample_studio, monkeypatch, tmp_path):
    """The page above the threshold: filters from the columns, chips, results with reasons, no error."""
    from streamlit.testing.v1 import AppTest
    from testkit.apptest import DISCOVER

    monkeypatch.setenv("ATELIER_DB_DIR", str(sample_studio.settings.index_dir))
    monkeypatch.setenv("ATELIER_ENCODER", "lite")
    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ATELIER_EXACT_SEARCH_THRESHOLD", "0")
    from core.ui import get_profile_store, get_studio

    get_studio.clear()
    get_profile_store.clear()
    try:
        at = AppTest.from_file(DISCOVER, default_timeout=180).run()
        at.text_input(key="q_text").set_value("red floral dress").run()
        assert not at.exception and not at.error
        studio = get_studio()
        assert studio.index.is_lean() and studio.index.wait_for_columns(120) is not None
        at.run()  # the columns are in: filters, chips and word matches as on a small catalog
        assert not at.exception and not at.error
        assert "dress" in at.multiselect(key="f_category").options
        assert [b.label for b in at.button if b.label.startswith("+ ")] == ["+ dress", "+ red", "+ floral"]
        assert any("items match your words" in c.value for c in at.caption)
        cards = [c.value for c in at.caption if "$" in c.value]
        exact = search_catalog(sample_studio.index, sample_studio.encoder, SearchQuery(text="red floral dress",
                                                                                      page_size=len(cards)))
        dresses = sum(h.metadata["category"] == "dress" for h in exact.hits)
        assert cards and sum(c.startswith("dress ·") for c in cards) >= dresses - 1 >= len(cards) // 2
    finally:
        get_studio.clear()
        get_profile_store.clear()


def test_words_that_match_nothing_ask_hnsw_for_the_page_alone_and_rank_as_exact(sample_studio, monkeypatch):
    lean = _lean(sample_studio)
    assert lean.wait_for_columns(timeout=120) is not None
    asked = []
    real = CatalogIndex._query
    monkeypatch.setattr(CatalogIndex, "_query", lambda self, col, q, n, where, ex: asked.append(n) or real(self, col, q, n, where, ex))
    for filters in (Filters(), Filters(category=["dress", "coat"])):
        q = SearchQuery(text="zzqx vvkk", filters=filters, page=1, page_size=6)  # no word matches, nothing parsed
        asked.clear()
        got = search_catalog(lean, sample_studio.encoder, q)
        exact = search_catalog(sample_studio.index, sample_studio.encoder, q)
        assert got.matched == 0 and [h.id for h in got.hits] == [h.id for h in exact.hits] and got.total == exact.total
        share = exact.total / 420
        assert asked and asked[0] <= (12 if not filters.active() else int(np.ceil(24 / share * 2)) + 10)  # not 300
    asked.clear()
    search_catalog(lean, sample_studio.encoder, SearchQuery(text="red dress", page_size=6))
    assert asked[0] >= 300  # words that match fuse a deep dense list


def test_a_lean_page_reads_its_hits_from_the_catalog_file_not_from_chroma(sample_studio, monkeypatch):
    lean = _lean(sample_studio)
    assert lean.wait_for_columns(timeout=120) is not None
    q = SearchQuery(text="navy striped shirt", page_size=8)
    want = search_catalog(sample_studio.index, sample_studio.encoder, q)
    monkeypatch.setattr(CatalogIndex, "_get", lambda *a, **k: (_ for _ in ()).throw(AssertionError("asked Chroma")))
    got = search_catalog(lean, sample_studio.encoder, q)
    assert [(h.id, h.path, h.metadata) for h in got.hits] == [(h.id, h.path, h.metadata) for h in want.hits]


def test_a_local_index_asks_chroma_for_its_collection_once_per_generation(sample_studio, monkeypatch):
    lean = _lean(sample_studio)
    assert lean.wait_for_columns(timeout=120) is not None
    calls = []
    real = type(sample_studio.store).reader_collection
    monkeypatch.setattr(type(sample_studio.store), "reader_collection", lambda self, name: calls.append(name) or real(self, name))
    for text in ("zzqx", "red dress", "navy coat"):
        search_catalog(lean, sample_studio.encoder, SearchQuery(text=text, page_size=4))
    assert calls == []  # the generation pointer is unchanged: the collection in hand is still the published one
    pointer = sample_studio.store.root / "CURRENT"
    published = pointer.read_text()
    pointer.write_text("no-such-generation")  # a swap (here: to nothing) is seen by the next query
    try:
        with pytest.raises(IndexUnavailableError):
            search_catalog(lean, sample_studio.encoder, SearchQuery(text="zzqx", page_size=4))
    finally:
        pointer.write_text(published)
    assert search_catalog(lean, sample_studio.encoder, SearchQuery(text="zzqx", page_size=4)).hits


def test_queries_answer_while_the_columns_load_in_the_background(sample_studio, monkeypatch):
    import threading
    import time

    lean = _lean(sample_studio)
    release = threading.Event()
    real = CatalogIndex._load_lean

    def slow(self, version):  # a million items' catalog file: a minute
        release.wait(60)
        return real(self, version)

    monkeypatch.setattr(CatalogIndex, "_load_lean", slow)
    try:
        assert lean.facets() is None  # starts the load (what Discover does first)
        t0 = time.perf_counter()
        pages = [search_catalog(lean, sample_studio.encoder, SearchQuery(text=t, page_size=6))
                 for t in ("red dress", "navy coat", "zzqx")]
        assert time.perf_counter() - t0 < 20  # never waits for the load
        assert all(p.note and "still loading" in p.note and len(p.hits) == 6 for p in pages)
        assert lean.columns_if_ready() is None and lean.facets() is None
    finally:
        release.set()
    assert lean.wait_for_columns(timeout=120) is not None and lean.facets() is not None


def test_the_home_map_of_a_lean_index_is_the_full_indexs_map(sample_studio):
    from types import SimpleNamespace

    from core.studio import embedding_map

    full = embedding_map(sample_studio)
    lean = embedding_map(SimpleNamespace(index=_lean(sample_studio)))  # vectors fetched 500 at a time
    assert len(lean["id"]) == len(full["id"]) == 420
    where = {i: n for n, i in enumerate(full["id"])}
    order = [where[i] for i in lean["id"]]
    assert [full["category"][n] for n in order] == lean["category"]
    for axis in ("x", "y"):  # the same projection, up to the sign of each principal axis
        np.testing.assert_allclose(np.abs(np.asarray(full[axis])[order]), np.abs(lean[axis]), atol=1e-4)
