"""The stylist's screens (issue 25): Discover's pages end with the matches, compact cards with states, the Creative
Director's Result follows the garment, looks whose notes say what the pieces are, occasions, anchors as asked,
For-you in the likes' mix, a map that groups kinds."""
import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.profiles import ProfileStore
from core.search import SearchHit
from core.stylist import (OCCASIONS, Outfit, anchor_candidates, build_outfits, category_mix_distance, colour_story,
                          for_you, note_problems)
from testkit.apptest import DESIGN, DISCOVER, errors


def _hit(i, category, colour, pattern="solid", name=None):
    return SearchHit(i, 0.0, "", {"category": category, "colour": colour, "pattern": pattern,
                                  "name": name or f"{colour} {pattern} {category}".capitalize()})


# ---- looks: notes describe the look as it is --------------------------------------------------------------------
def test_three_pink_pieces_are_not_one_pink_accent():
    look = [_hit("a", "hoodie", "pink"), _hit("b", "sneakers", "pink"), _hit("c", "bag", "pink"),
            _hit("d", "jeans", "black")]
    story = colour_story([h.metadata["colour"] for h in look])
    assert "accent" not in story and story == "tonal pink: three pink pieces, with black"
    assert colour_story(["pink", "pink", "pink"]) == "head to toe in pink"
    assert colour_story(["pink", "black", "white"]) == "one pink accent on neutrals"
    o = Outfit(look, 1.0, 100.0, ["one pink accent on neutrals", "all solid pieces, clean lines", "$100.00 in total"])
    assert note_problems(o)  # the old note over these pieces is caught
    o.reasons[0] = story
    assert note_problems(o) == []


def test_every_suggested_look_has_a_note_that_matches_its_pieces(sample_studio):
    index, checked = sample_studio.index, 0
    for anchor in ("hoodie-001", "dress-008", "shirt-015"):  # all 360 looks: bench/bench_stylist.py
        for occasion in (None, *OCCASIONS):
            try:
                looks = build_outfits(index, [anchor], k=3, occasion=occasion)
            except Exception:
                continue
            for o in looks:
                checked += 1
                assert note_problems(o) == [], (o.note, note_problems(o))
    assert checked >= 20


def test_office_looks_hold_no_hoodies_or_sneakers_and_say_what_is_left_out(sample_studio):
    looks = build_outfits(sample_studio.index, ["shirt-004"], k=3, occasion="office")
    kinds = {h.metadata["category"] for o in looks for h in o.items[1:]}
    assert kinds and not kinds & {"hoodie", "sneakers", "shorts", "t-shirt"}
    assert "shoes" in looks.shortfall  # the sample catalog's only shoes are sneakers: said, not slipped in
    weekend = build_outfits(sample_studio.index, ["shirt-004"], k=3, occasion="weekend")
    assert any(h.metadata["category"] == "sneakers" for o in weekend for h in o.items)


def test_an_anchor_word_is_honoured_or_its_absence_said(sample_studio):
    found = anchor_candidates(sample_studio.index, sample_studio.encoder, "black blazer")
    assert "No blazer" in found.note  # the sample catalog files jackets, none named a blazer
    assert {h.metadata["category"] for h in found[:2]} == {"jacket"} and found[0].metadata["colour"] == "black"
    plain = anchor_candidates(sample_studio.index, sample_studio.encoder, "grey jacket")
    assert plain[0].metadata["name"] == "Grey jacket"  # no pattern asked: the plain one before the checked one
    dress = anchor_candidates(sample_studio.index, sample_studio.encoder, "floral dress")
    assert not dress.note and dress[0].metadata["category"] == "dress" and dress[0].metadata["pattern"] == "floral"


def test_for_you_follows_the_mix_of_the_likes(sample_studio, tmp_path):
    store = ProfileStore(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    p = store.create("Mixed")
    likes = ["dress-001", "dress-008", "dress-015", "dress-022", "blouse-001", "blouse-008"]
    for i in likes:
        store.mark(p.id, i, "like")
    feed = for_you(store, p, sample_studio.index, k=12)
    cats = [h.metadata["category"] for h, _ in feed]
    assert cats.count("dress") == 8 and cats.count("blouse") == 4
    assert category_mix_distance(cats, ["dress"] * 4 + ["blouse"] * 2) == 0.0
    assert len({h.metadata["colour"] for h, _ in feed}) >= 5  # variety, not twelve near twins
    assert not set(likes) & {h.id for h, _ in feed}
    assert all(w.startswith("similar to ") for _, w in feed)


# ---- Home's map ----------------------------------------------------------------------------------------------
def test_the_map_puts_kinds_together(sample_studio):
    from core.maplayout import neighbour_agreement
    from core.studio import embedding_map

    points = embedding_map(sample_studio)
    xy = np.c_[points["x"], points["y"]]
    assert len(xy) == 420
    assert neighbour_agreement(xy, points["category"]) >= 0.7  # PCA of the same vectors: 0.24


def test_map_names_show_on_hover_from_the_page_itself():
    from core.ui.charts import catalog_map_html

    html = catalog_map_html({"x": [0.0, 1.0], "y": [0.0, 1.0], "category": ["bag", "dress"], "name": ["Tote", "Gown"]})
    assert 'id="tip"' in html and "mouseover" in html and "<title>Tote · bag</title>" in html


# ---- Discover ------------------------------------------------------------------------------------------------
def test_discover_pages_end_with_the_matches_then_one_close_in_meaning_section(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value("dress").run()
    assert not at.exception and not errors(at)
    caption = next(c.value for c in at.caption if "items match your words" in c.value)
    matched = int(caption.split(" items match")[0].replace(",", ""))
    pages = -(-matched // 12)
    assert f"page 1 of {pages}" in caption and pages < 35
    for _ in range(pages - 1):
        next(b for b in at.button if b.label == "Next →").click().run()
    nxt = next(b for b in at.button if b.label == "Next →")
    assert nxt.disabled  # the last page of matches is the last page
    assert [s.value for s in at.subheader].count("More, close in meaning") == 1
    more = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(more) > 12 - (pages * 12 - matched)  # the section adds pieces after the matches
    assert not any(" ms" in c.value for c in at.main.caption if "search over" not in c.value)


def test_discover_cards_show_states_at_a_glance(app_env):
    store = ProfileStore(f"sqlite:///{app_env / 'profiles.sqlite3'}")
    ada = store.get_or_create("Ada")
    at = AppTest.from_file(DISCOVER, default_timeout=180)
    at.session_state["profile_name"] = "Ada"
    at.run()
    at.text_input(key="q_text").set_value("red").run()
    first = next(b for b in at.button if b.key and b.key.startswith("discover-mark-like-"))
    item = first.key.removeprefix("discover-mark-like-")
    first.click().run()
    at.button(key=f"discover-mark-cart-{item}").click().run()
    at.button(key=f"discover-fav-{item}").click().run()
    assert store.items(ada.id, "like") == [item] and store.items(ada.id, "cart") == [item]
    badges = [m.value for m in at.markdown if "badge[" in m.value]
    assert any(":green-badge[Liked]" in b and ":blue-badge[In cart]" in b and "Saved" in b for b in badges)
    assert at.button(key=f"discover-mark-like-{item}").label == "Liked"
    # The saved item in the sidebar: its picture and a remove button.
    assert len(at.sidebar.get("image")) >= 1 and at.sidebar.button(key=f"unfav-{item}").help.startswith("Remove ")


# ---- Creative Director ---------------------------------------------------------------------------------------
def test_the_result_belongs_to_the_garment_picked(offline_design):
    at = AppTest.from_file(DESIGN, default_timeout=180).run()
    at.text_input(key="design_search").set_value("shirt").run()
    next(b for b in at.button if b.label == "Use").click().run()
    mask = Image.new("L", (384, 384), 0)
    mask.paste(255, (100, 100, 250, 250))
    import io

    buf = io.BytesIO()
    mask.save(buf, "PNG")
    at.file_uploader(key="design_mask_upload").upload("m.png", buf.getvalue(), "image/png").run()
    at.text_input(key="design_prompt").set_value("make it red").run()
    next(b for b in at.button if b.label == "Generate").click().run()
    assert not at.exception and not errors(at)
    heads = [s.value for s in at.subheader]
    assert "Result" in heads and "History (1 design this session)" in heads
    assert not any("seed" in c.value for c in at.main.caption)  # developer facts stay in the expanders
    uses = [b for b in at.button if b.label == "Use"]
    uses[1].click().run()  # another garment
    heads = [s.value for s in at.subheader]
    assert "Result" not in heads and "History (1 design this session)" in heads


def test_map_layout_survives_a_degenerate_catalog():
    """A dozen identical vectors (a tiny random model's view of a small catalog) still get finite map positions."""
    import numpy as np

    from core.maplayout import layout

    x = np.ones((12, 8))
    xy = layout(x, ["dress", "jeans", "t-shirt", "coat"] * 3)
    assert xy.shape == (12, 2) and np.isfinite(xy).all()
