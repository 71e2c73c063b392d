"""Stylist: persistent isolated profiles, concurrent writers, migrations, taste, outfits, exports, CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from core.errors import AtelierError
from core.profiles import MIGRATIONS, ProfileStore
from core.search import SearchQuery, search_catalog
from core.stylist import build_outfits, colour_harmony, explain, for_you, group_of, lookbook_pdf, print_ready, taste_of

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path):
    return ProfileStore(f"sqlite:///{tmp_path / 'profiles.sqlite3'}")


def test_profiles_survive_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    s1 = ProfileStore(url)
    ada = s1.create("Ada Lovelace")
    s1.mark(ada.id, "dress-001", "like")
    s1.mark(ada.id, "bag-002", "cart")
    s1.save_artefact(ada.id, "design", b"\x89PNG fake", {"prompt": "red"})
    s1.log_search(ada.id, "red dress")
    s1.engine.dispose()
    s2 = ProfileStore(url)
    p = s2.get("Ada Lovelace")
    assert s2.items(p.id, "like") == ["dress-001"] and s2.items(p.id, "cart") == ["bag-002"]
    assert s2.artefacts(p.id, "design")[0]["spec"] == {"prompt": "red"}
    assert s2.search_history(p.id) == ["red dress"]


def test_profiles_are_isolated(store):
    a, b = store.create("A"), store.create("B")
    store.mark(a.id, "x", "like")
    store.mark(a.id, "y", "cart")
    store.save_artefact(a.id, "design", b"png", {"prompt": "secret"})
    store.log_search(a.id, "a's query")
    assert store.items(b.id, "like") == [] and store.items(b.id, "cart") == []
    assert store.artefacts(b.id, "design") == [] and store.search_history(b.id) == []
    store.mark(b.id, "x", "like", on=False)  # B un-liking x must not touch A's like
    assert store.items(a.id, "like") == ["x"]


def test_like_replaces_dislike_and_duplicate_names_are_refused(store):
    p = store.create("C")
    store.mark(p.id, "i", "dislike")
    store.mark(p.id, "i", "like")
    store.mark(p.id, "i", "like")
    assert store.items(p.id, "like") == ["i"] and store.items(p.id, "dislike") == []
    with pytest.raises(AtelierError, match="already exists"):
        store.create("  C ")


def test_an_old_database_is_migrated(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at FLOAT NOT NULL);
        INSERT INTO schema_version VALUES (1, 0);
        CREATE TABLE profiles (id INTEGER PRIMARY KEY, name VARCHAR(60) NOT NULL UNIQUE, notes TEXT NOT NULL DEFAULT '',
                               created_at FLOAT NOT NULL);
        INSERT INTO profiles (name, created_at) VALUES ('Grace', 0);
    """)
    con.commit()
    con.close()
    s = ProfileStore(f"sqlite:///{path}")
    assert s.version() == max(MIGRATIONS)
    g = s.get("grace")  # v3's normalised key was filled in for the old row
    s.set_budget(g.id, 250.0)
    assert s.get("Grace").budget == 250.0


WRITER = """
import sys
from core.profiles import ProfileStore
s = ProfileStore(sys.argv[1])
for name in sys.argv[3:]:
    p = s.get_or_create(name)
    for i in range(int(sys.argv[2])):
        s.mark(p.id, f"{sys.argv[2]}-{name}-{i}", "like")
        s.mark(p.id, f"shared-{i}", "cart")
"""


def test_concurrent_processes_lose_no_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    ProfileStore(url)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, "60", *names], cwd=REPO,
                              env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
             for names in (["same", "p1"], ["same", "p2"], ["same"], ["p3"])]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    s = ProfileStore(url)
    same = s.get("same")
    assert len(s.items(same.id, "like")) == 60  # three writers, identical ids: each once
    assert len(s.items(same.id, "cart")) == 60
    for name in ("p1", "p2", "p3"):
        assert len(s.items(s.get(name).id, "like")) == 60


def test_colour_rules():
    assert colour_harmony("navy", "red")[0] == 1.0
    assert colour_harmony("red", "orange")[0] > colour_harmony("red", "green")[0] > colour_harmony("red", "purple")[0]
    assert group_of("Jeans") == "bottom" and group_of("sneakers") == "shoes"


def test_personal_ranking_pulls_results_towards_liked_items(sample_studio, store):
    p = store.create("Red lover")
    snap = sample_studio.index.snapshot()
    reds = [i for i, m in zip(snap.ids, snap.metadatas) if m["colour"] == "red"][:8]
    for i in reds:
        store.mark(p.id, i, "like")
    taste = taste_of(store, p, sample_studio.index)
    base = search_catalog(sample_studio.index, sample_studio.encoder, SearchQuery(text="a shirt", page_size=12))
    mine = search_catalog(sample_studio.index, sample_studio.encoder,
                          SearchQuery(text="a shirt", page_size=12, bias=taste.vector, bias_strength=0.6))
    # Search is hybrid now: "a shirt" returns shirts either way, and taste reorders them towards the liked colour.
    assert all(h.metadata["category"] == "shirt" for h in base.hits + mine.hits)
    red_ranks = lambda page: [n for n, h in enumerate(page.hits) if h.metadata["colour"] == "red"]  # noqa: E731
    reds_in_catalog = sum(m["category"] == "shirt" and m["colour"] == "red" for m in snap.metadatas)
    assert len(red_ranks(mine)) == reds_in_catalog  # every red shirt makes the personal top 12
    assert sum(red_ranks(mine)) / reds_in_catalog < (sum(red_ranks(base)) + 12 * (reds_in_catalog - len(red_ranks(base)))) / reds_in_catalog
    assert red_ranks(mine)[0] <= 1
    assert explain(mine.hits[0], taste, sample_studio.index).startswith("similar to ")


def test_for_you_feed_and_cold_start(sample_studio, store):
    new = store.create("New client")
    cold = for_you(store, new, sample_studio.index, k=12)
    assert len(cold) == 12 and len({h.metadata["category"] for h, _ in cold}) >= 6
    store.mark(new.id, "dress-003", "like")
    store.mark(new.id, "dress-004", "like")
    warm = for_you(store, new, sample_studio.index, k=8)
    assert all(h.id not in ("dress-003", "dress-004") for h, _ in warm)
    assert all(w.startswith("similar to ") for _, w in warm)


def test_outfits_fill_slots_respect_budget_and_do_not_repeat(sample_studio):
    outfits = build_outfits(sample_studio.index, ["tshirt-000"], k=3, budget=300)
    assert len(outfits) == 3
    seen = set()
    for o in outfits:
        groups = [group_of(h.metadata["category"]) for h in o.items]
        assert groups[0] == "top" and "bottom" in groups and "shoes" in groups and groups.count("top") == 1
        assert o.total_price <= 300 and len(o.reasons) >= 3
        extra = {h.id for h in o.items[1:]}
        assert not extra & seen
        seen |= extra
    assert sum(h.metadata["pattern"] != "solid" for h in outfits[0].items) <= 1




def _anchor_set(index):
    """12 anchors across categories, half of them patterned (the harder case: the anchor is the statement)."""
    snap = index.snapshot()
    picks = []
    for n, cat in enumerate(["dress", "t-shirt", "shirt", "blouse", "sweater", "hoodie", "jeans", "trousers", "skirt",
                             "shorts", "coat", "jacket", "sneakers", "bag"][:12]):
        rows = [i for i, m in zip(snap.ids, snap.metadatas) if m["category"] == cat
                and (m["pattern"] != "solid") == (n % 2 == 0)]
        picks.append(rows[0])
    return picks


def test_outfit_rules_hold_for_12_anchors_across_categories(sample_studio):
    anchors = _anchor_set(sample_studio.index)
    assert len({sample_studio.index.item(a).metadata["category"] for a in anchors}) == 12
    for anchor in anchors:
        outfits = build_outfits(sample_studio.index, [anchor], k=3)
        assert len(outfits) == 3 or outfits.shortfall, anchor
        seen: set[str] = set()
        for o in outfits:
            ids = [h.id for h in o.items]
            assert ids[0] == anchor
            assert sum(h.metadata["pattern"] != "solid" for h in o.items) <= 1, (anchor, ids)
            assert not seen & set(ids[1:]), (anchor, ids)
            seen |= set(ids[1:])
            assert not any("encoder" in r or "compete" in r or "score" in r for r in o.reasons)


def test_outfit_budget_is_a_hard_limit_and_fewer_looks_say_why(sample_studio):
    snap = sample_studio.index.snapshot()
    anchor = sample_studio.index.item("dress-000")
    cheapest = {g: sorted(m["price"] for m in snap.metadatas if group_of(m["category"]) == g) for g in ("shoes", "bag")}
    budget = anchor.metadata["price"] + cheapest["shoes"][1] + cheapest["bag"][1]  # room for very few looks
    looks = build_outfits(sample_studio.index, ["dress-000"], k=6, budget=budget)
    assert 1 <= len(looks) < 6
    assert all(o.total_price <= budget for o in looks)
    assert looks.shortfall.startswith(f"Only {len(looks)} of 6 looks keep the rules") and "budget" in looks.shortfall
    assert len(build_outfits(sample_studio.index, ["dress-000"], k=3)) == 3 and not build_outfits(
        sample_studio.index, ["dress-000"], k=3).shortfall


def test_dress_outfits_take_shoes_and_bag_and_budget_errors_are_clear(sample_studio):
    o = build_outfits(sample_studio.index, ["dress-000"], k=2)[0]
    groups = {group_of(h.metadata["category"]) for h in o.items}
    assert {"dress", "shoes", "bag"} <= groups and not groups & {"top", "bottom"}
    with pytest.raises(AtelierError, match="budget"):
        build_outfits(sample_studio.index, ["dress-000"], budget=5)


def test_print_ready_export_is_300_dpi_with_a_spec(tmp_path):
    png, js = print_ready(Image.new("RGB", (384, 300), "red"), {"prompt": "red", "seed": 4, "model": "offline-editor",
                                                                "source_item": "dress-001"}, tmp_path, "d1")
    img = Image.open(png)
    assert max(img.size) >= 2400 and round(img.info["dpi"][0]) == 300
    spec = json.loads(js.read_text())
    assert spec["prompt"] == "red" and spec["seed"] == 4 and spec["dpi"] == 300 and spec["source_item"] == "dress-001"


def test_lookbook_is_client_facing_and_draws_dollars_literally(sample_studio, store):
    import dataclasses
    import io

    from pypdf import PdfReader

    p = store.create("Ada $ Lovelace")
    favs = [sample_studio.index.item(i) for i in ("dress-001", "bag-003", "coat-002")]
    favs[0] = dataclasses.replace(favs[0], metadata=dict(favs[0].metadata, name="The $5 dress $ for $ her"))
    outfits = build_outfits(sample_studio.index, ["dress-001"], k=2, budget=1000)
    designs = [{"png": _png(), "spec": {"prompt": "navy $stripes$ and $x^2$"}}]
    pdf = PdfReader(io.BytesIO(lookbook_pdf(p, favs, outfits, designs, date="1 December 2026")))
    assert len(pdf.pages) == 1 + 2 + 1 + 1  # cover, two looks, favourites, designs
    assert pdf.metadata.title == "Atelier lookbook: Ada $ Lovelace"
    pages = [page.extract_text() for page in pdf.pages]
    assert "Ada $ Lovelace" in pages[0] and "1 December 2026" in pages[0] and "2 looks" in pages[0]
    for n, o in enumerate(outfits, 1):
        look = pages[n]
        assert f"Look {n}" in look and f"${o.total_price:,.2f}" in look
        for h in o.items:
            assert h.metadata["name"] in look and f"${h.metadata['price']:,.2f}" in look
    text = " ".join(pages)
    assert "The $5 dress $ for $ her" in text and "navy $stripes$ and $x^2$" in text  # literal, not mathtext
    for jargon in ("encoder", "style match", "compete", "score", "similarity", "embedding"):
        assert jargon not in text.lower(), jargon


def _png():
    import io

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(buf, "PNG")
    return buf.getvalue()


def test_cli_profile_and_outfit(sample_studio, tmp_path, capsys, monkeypatch):
    from core.__main__ import main

    monkeypatch.setenv("ATELIER_PROFILES_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    db = str(sample_studio.settings.index_dir)
    assert main(["profile", "create", "Zoe", "--json"]) == 0
    assert main(["profile", "cart", "Zoe", "--item", "jeans-002"]) == 0
    assert main(["profile", "create", "Yan"]) == 0
    capsys.readouterr()
    assert main(["profile", "show", "Yan", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cart"] == []  # Zoe's cart is not Yan's
    assert main(["outfit", "--profile", "Zoe", "--budget", "400", "--k", "2", "--db", db, "--encoder", "lite",
                 "--json"]) == 0
    outfits = json.loads(capsys.readouterr().out)
    assert len(outfits) == 2 and outfits[0]["items"][0]["id"] == "jeans-002" and outfits[0]["total_price"] <= 400
    assert main(["outfit", "--item", "no-such", "--db", db, "--encoder", "lite"]) == 1


def test_time_left_follows_the_rate_seen_so_far():
    from core.progress import TimeLeft, format_time_left

    now = [100.0]
    left = TimeLeft(clock=lambda: now[0])
    assert left.seconds(0, 400) is None  # nothing to go on yet
    now[0] += 10
    assert left.seconds(100, 400) == 30.0  # 100 items in 10 s: 300 more take 30 s
    assert left.text(100, 400) == "about 30 s left"
    now[0] += 290
    assert left.text(200, 400) == "about 5 min left"
    assert format_time_left(2) == "a few seconds left" and format_time_left(None) == "estimating the time left"


def test_typing_floral_dress_finds_floral_dresses_to_build_around(sample_studio):
    from core.stylist import anchor_candidates

    hits = anchor_candidates(sample_studio.index, sample_studio.encoder, "floral dress")
    assert hits and all(h.metadata["category"] == "dress" and h.metadata["pattern"] == "floral" for h in hits)
    red = anchor_candidates(sample_studio.index, sample_studio.encoder, "red floral dress", n=1)[0]
    assert red.metadata["colour"] == "red" and red.metadata["pattern"] == "floral"


def test_cli_outfit_around_a_query_keeps_the_rules(sample_studio, capsys):
    from core.__main__ import main

    db = str(sample_studio.settings.index_dir)
    assert main(["outfit", "--query", "floral dress", "--k", "3", "--db", db, "--encoder", "lite", "--json"]) == 0
    looks = json.loads(capsys.readouterr().out)
    assert len(looks) == 3
    anchor = looks[0]["items"][0]
    assert anchor["metadata"]["category"] == "dress" and anchor["metadata"]["pattern"] == "floral"
    seen: set[str] = set()
    for look in looks:
        assert look["items"][0]["id"] == anchor["id"]
        assert sum(i["metadata"]["pattern"] != "solid" for i in look["items"]) <= 1
        ids = {i["id"] for i in look["items"][1:]}
        assert not ids & seen
        seen |= ids


def test_cart_total_adds_prices_and_counts_unpriced_pieces_as_zero():
    from core.search import SearchHit
    from core.stylist import cart_total

    hits = [SearchHit("a", 0, "", {"price": 19.99}), SearchHit("b", 0, "", {"price": -1}),
            SearchHit("c", 0, "", {}), SearchHit("d", 0, "", {"price": 0.02})]
    assert cart_total(hits) == 20.01 and cart_total([]) == 0
