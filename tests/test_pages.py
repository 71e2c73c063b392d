"""Home and Discover under AppTest: search flow, filters, pagination, bad upload."""
import io

import numpy as np
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.config import REPO_ROOT
from testkit.apptest import DESIGN, DISCOVER, HOME, SKETCH, STYLIST, TRYON, errors, try_on


def test_home_speaks_to_stylists_and_keeps_installation_facts_in_about(app_env):
    at = AppTest.from_file(HOME, default_timeout=180).run()
    assert not at.exception and not errors(at)
    assert [s.value for s in at.subheader][:3] == ["What you can do", "Your clients", "The catalog at a glance"]
    assert any(c.value.startswith("420 pieces. Each dot is one piece") for c in at.caption)  # all of them drawn
    about = next(e for e in at.expander if e.label == "About this installation")
    metrics = {m.label: m.value for m in about.metric}
    assert metrics["Catalog items"] == "420" and metrics["Encoder"] == "lite (offline)"
    assert any("hf download" in c.value for c in about.code)  # the commands for a machine with internet
    outside = [m.value for m in at.main.markdown if m not in list(about.markdown)]
    assert not any("hf download" in v or "Vector size" in v for v in outside)


def test_every_page_runs_through_the_navigation_entry(app_env):
    at = AppTest.from_file(HOME, default_timeout=180).run()
    for page, title in (("pages/1_Discover.py", "Discover"), ("pages/2_Creative_Director.py", "Creative Director"),
                        ("pages/3_Sketch_to_Cloth.py", "Sketch to Cloth"), ("pages/4_Try_On.py", "Try-On"),
                        ("pages/5_Stylist.py", "Stylist")):
        at.switch_page(page).run()
        assert not at.exception and not errors(at), page
        assert [t.value for t in at.title] == [title]
        assert at.sidebar.selectbox(key="profile_select").label == "Active client"  # the set-up ran once


def test_creating_a_profile_makes_it_active_at_once_and_likes_go_to_it(app_env):
    at = AppTest.from_file(HOME, default_timeout=180).run()
    at.switch_page("pages/1_Discover.py").run()
    at.sidebar.text_input(key="profile_new_name").set_value("  Ada   Lovelace ")
    at.sidebar.button(key="profile_create").click().run()
    assert not at.exception and not errors(at)
    assert at.sidebar.selectbox(key="profile_select").value == "Ada Lovelace"
    assert at.session_state["profile_name"] == "Ada Lovelace"
    at.text_input(key="q_text").set_value("red").run()  # the next click keeps the new profile
    assert at.session_state["profile_name"] == "Ada Lovelace"
    next(b for b in at.button if b.label == "Like").click().run()
    from core.profiles import ProfileStore

    store = ProfileStore(f"sqlite:///{app_env / 'profiles.sqlite3'}")
    assert len(store.items(store.get("Ada Lovelace").id, "like")) == 1


def test_discover_text_search_filters_and_pages(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value("red").run()
    assert not at.exception and not errors(at)
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(names) == 12 and sum("Red" in n for n in names) >= 10
    at.multiselect(key="f_category").set_value(["dress"]).run()
    captions = [c.value for c in at.caption]
    assert any(c.endswith("$") is False and "dress ·" in c for c in captions)
    assert all("dress ·" in c for c in captions if "$" in c)  # every card's attribute line
    at.multiselect(key="f_category").set_value([]).run()
    first = [m.value for m in at.markdown if m.value.startswith("**")]
    next(b for b in at.button if b.label == "Next →").click().run()
    second = [m.value for m in at.markdown if m.value.startswith("**")]
    assert any("page 2 of" in c.value for c in at.caption) and first != second


def test_discover_more_like_this(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value("coat").run()
    like = next(b for b in at.button if b.label == "More like this")
    like.click().run()
    assert not at.exception
    assert any("Showing items like" in i.value for i in at.info)


def test_discover_bad_upload_shows_a_message_not_a_traceback(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.file_uploader(key="q_image").upload("broken.jpg", b"\xff\xd8\xff garbage", "image/jpeg").run()
    assert not at.exception
    assert any(e.startswith("broken.jpg is not an image Atelier can read") for e in errors(at)), errors(at)
    assert not any("the image is not an image" in e for e in errors(at))


def test_discover_image_upload_searches_by_image(app_env):
    buf = io.BytesIO()
    Image.open(REPO_ROOT / "assets/sample_catalog/images/bag-004.jpg").save(buf, "PNG")
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.file_uploader(key="q_image").upload("bag.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not errors(at)
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert names and "bag" in names[0].lower()


def test_sketch_page_upload_finds_dresses_and_shows_the_normalised_sketch(app_env):
    from testkit.sketches import dress_outline

    buf = io.BytesIO()
    dress_outline(rgba=False).save(buf, "PNG")
    at = AppTest.from_file(SKETCH, default_timeout=180).run()
    assert not at.exception
    go = next(b for b in at.button if b.label == "Find matching garments")
    assert go.disabled  # nothing drawn or uploaded yet
    at.file_uploader(key="sketch_upload").upload("dress.png", buf.getvalue(), "image/png").run()
    next(b for b in at.button if b.label == "Find matching garments").click().run()
    assert not at.exception and not errors(at)
    cats = [c.value.split(" · ")[0] for c in at.caption if "$" in c.value and " · " in c.value]  # item cards
    assert cats[0] == "dress" and cats.count("dress") >= 6
    assert any("outlines compared" in c.value for c in at.caption)


def test_sketch_page_photo_upload_gets_guidance(app_env):
    at = AppTest.from_file(SKETCH, default_timeout=180).run()
    data = open(REPO_ROOT / "assets/sample_catalog/images/coat-005.jpg", "rb").read()
    at.file_uploader(key="sketch_upload").upload("coat.jpg", data, "image/jpeg").run()
    next(b for b in at.button if b.label == "Find matching garments").click().run()
    assert not at.exception
    assert any("looks like a photo" in e for e in errors(at))


def _pick_shirt(at):
    at.text_input(key="design_search").set_value("shirt").run()
    next(b for b in at.button if b.label == "Use").click().run()
    return at


def test_creative_director_paints_generates_and_finds_similar(offline_design, monkeypatch):
    from core.ui import canvas as canvas_ui

    def fake_canvas(key, **kw):  # what the real canvas returns after a brush stroke (RGBA, painted = opaque)
        w, h = kw["width"], kw["height"]
        arr = np.zeros((h, w, 4), np.uint8)
        arr[h // 3 : 2 * h // 3, w // 3 : 2 * w // 3] = (255, 60, 60, 153)
        return Image.fromarray(arr, "RGBA")

    monkeypatch.setattr(canvas_ui, "drawing_canvas", fake_canvas)
    at = _pick_shirt(AppTest.from_file(DESIGN, default_timeout=180).run())
    assert not at.exception and not errors(at)
    at.text_input(key="design_prompt").set_value("make it red").run()
    next(b for b in at.button if b.label == "Generate").click().run()
    assert not at.exception and not errors(at)
    assert any("History (1 design this" in s.value for s in at.subheader)
    next(b for b in at.button if b.label == "Find similar real items").click().run()
    assert any("Real catalog items like design 1" in s.value for s in at.subheader)
    names = [m.value for m in at.markdown if m.value.startswith("**") and "Design" not in m.value]
    assert len(names) >= 4


def test_creative_director_bad_prompt_and_empty_mask_keep_history(offline_design):
    at = _pick_shirt(AppTest.from_file(DESIGN, default_timeout=180).run())
    mask = Image.new("L", (384, 384), 0)
    buf = io.BytesIO()
    mask.save(buf, "PNG")
    at.file_uploader(key="design_mask_upload").upload("mask.png", buf.getvalue(), "image/png").run()
    at.text_input(key="design_prompt").set_value("make it red").run()
    next(b for b in at.button if b.label == "Generate").click().run()
    assert not at.exception and any("mask is empty" in e for e in errors(at))
    full = Image.new("L", (384, 384), 0)
    full.paste(255, (100, 100, 250, 250))
    buf = io.BytesIO()
    full.save(buf, "PNG")
    at.file_uploader(key="design_mask_upload").upload("mask2.png", buf.getvalue(), "image/png").run()
    next(b for b in at.button if b.label == "Generate").click().run()
    assert any("History (1 design this" in s.value for s in at.subheader)
    at.text_input(key="design_prompt").set_value("sparkly unicorn vibes").run()
    next(b for b in at.button if b.label == "Generate").click().run()
    assert not at.exception and any("does not understand" in e for e in errors(at))
    assert any("History (1 design this" in s.value for s in at.subheader)  # nothing lost


def _with_profile(app_env, name="Ada"):
    from core.profiles import ProfileStore

    store = ProfileStore(f"sqlite:///{app_env / 'profiles.sqlite3'}")
    return store, store.get_or_create(name)


def test_stylist_without_a_profile_explains_what_to_do(app_env):
    at = AppTest.from_file(STYLIST, default_timeout=180).run()
    assert not at.exception and any("Pick a client profile" in i.value for i in at.info)


def test_sidebar_says_what_is_kept_in_the_demo_and_on_a_local_install(app_env, monkeypatch):
    at = AppTest.from_file(STYLIST, default_timeout=180).run()
    local = " ".join(c.value for c in at.sidebar.caption)
    assert "serves one person on this computer" in local and "Demo" not in local
    monkeypatch.setenv("ATELIER_DEMO", "1")
    at = AppTest.from_file(STYLIST, default_timeout=180).run()
    assert not at.exception and not errors(at)
    demo = " ".join(c.value for c in at.sidebar.caption)
    assert "reset when the demo restarts" in demo and "one person on this computer" not in demo
    assert not any("survive restarts" in i.value for i in at.info)


def test_stylist_feed_outfits_and_shop_the_look(app_env):
    store, ada = _with_profile(app_env)
    store.mark(ada.id, "dress-002", "like")
    at = AppTest.from_file(STYLIST, default_timeout=180)
    at.session_state["profile_name"] = "Ada"
    at.run()
    assert not at.exception and not errors(at)
    assert any(c.value.startswith("similar to ") for c in at.caption)
    at.text_input(key="outfit_search").set_value("dress").run()
    next(b for b in at.button if b.label == "Build outfits").click().run()
    assert not at.exception and not errors(at)
    assert any(m.value.startswith("**Look 1**") for m in at.markdown)
    next(b for b in at.button if b.label == "Add the look to the cart").click().run()
    assert len(store.items(ada.id, "cart")) >= 3
    assert sum(b.label == "Try on" for b in at.button) >= 1  # garments of each look go to Try-On


def test_discover_like_button_writes_to_the_active_profile(app_env):
    store, ada = _with_profile(app_env, "Bea")
    other = store.get_or_create("Cy")
    at = AppTest.from_file(DISCOVER, default_timeout=180)
    at.session_state["profile_name"] = "Bea"
    at.run()
    at.text_input(key="q_text").set_value("red").run()
    next(b for b in at.button if b.label == "Like").click().run()
    assert not at.exception
    assert len(store.items(ada.id, "like")) == 1 and store.items(other.id, "like") == []
    assert store.search_history(ada.id) == ["red"]


def test_try_on_page_dresses_the_sample_person_and_shows_steps(app_env):
    at = try_on("shirt", tryon_steps=("toggle", True))
    assert not errors(at)
    assert any("pose and segmentation" in c.value for c in at.caption)


def test_try_on_page_offers_both_sample_people_and_dresses_the_astronaut(app_env):
    at = AppTest.from_file(TRYON, default_timeout=180).run()
    options = set(at.selectbox(key="tryon_sample").options)
    assert {"Grace Hopper · portrait", "Astronaut · portrait"} <= options  # plain names (provenance: Advanced)
    assert sum(o.startswith("Croquis") for o in options) >= 3  # full-body figures for bottoms and dresses
    at = try_on("hoodie", sample="Astronaut · portrait")
    assert not errors(at) and any("pose and segmentation" in c.value for c in at.caption)
    result = at.session_state["tryon_result"]
    assert result.person.image.size == (512, 512) and result.summary()["garment_share"] >= 0.2  # the astronaut


def test_try_on_page_dresses_a_whole_outfit_from_the_stylist_on_a_croquis_figure(app_env):
    at = AppTest.from_file(TRYON, default_timeout=180)
    at.session_state["tryon_outfit"] = ["dress-003", "sneakers-004", "bag-005"]  # what the Stylist's button sends
    at.run()
    assert not at.exception and not errors(at)
    assert at.selectbox(key="tryon_sample").value.startswith("Croquis")  # a full-body figure for an outfit
    next(b for b in at.button if b.label == "Dress the outfit").click().run()
    assert not at.exception and not errors(at)
    result = at.session_state["tryon_result"]
    assert [layer.split(":")[0] for layer in result.layers] == ["dress", "shoes", "bag"]
    assert any(b.label == "Download PNG" for b in at.get("download_button"))


def test_try_on_page_catvton_without_weights_says_what_to_download(app_env):
    at = try_on("shirt", tryon_backend=("selectbox", "catvton"))
    assert any("hf download zhengchong/CatVTON" in e for e in errors(at))


def test_try_on_page_dress_on_a_portrait_explains_the_crop(app_env):
    # Picking a dress moves to a full-body figure; a stylist who goes back to the portrait is told why it fails.
    at = try_on("dress", tryon_sample=("selectbox", "Grace Hopper · portrait"), tryon_kind=("radio", "dress"))
    assert any("hips are not in the photo" in e for e in errors(at))


def test_stylist_export_offers_print_ready_files_for_saved_designs(app_env):
    store, ada = _with_profile(app_env, "Eve")
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), "navy").save(buf, "PNG")
    store.save_artefact(ada.id, "design", buf.getvalue(), {"prompt": "navy stripes", "seed": 3})
    at = AppTest.from_file(STYLIST, default_timeout=180)
    at.session_state["profile_name"] = "Eve"
    at.run()
    assert not at.exception and not errors(at)
    labels = [b.label for b in at.get("download_button")]
    assert "PNG 300 dpi" in labels and "JSON spec" in labels


def test_user_text_is_literal_in_captions_and_labels():
    from core.ui import md

    at = AppTest.from_string(
        "import streamlit as st\nfrom core.ui import md\n"
        "st.caption(md('total $20.00 within the $250 budget'))\nst.markdown(md('**Ada $ _Love_ lace**'))\n",
        default_timeout=60).run()
    assert not at.exception
    assert at.caption[0].value == r"total \$20.00 within the \$250 budget"  # Streamlit shows the $ signs as typed
    assert md("a*b_c`d[e]<f>") == r"a\*b\_c\`d\[e\]\<f\>"


def test_every_page_run_ends_by_handing_freed_memory_back(app_env, monkeypatch):
    import core.allocator

    calls = []
    monkeypatch.setattr(core.allocator, "release_freed_memory", lambda: calls.append(1))
    at = AppTest.from_file(HOME, default_timeout=180).run()
    assert not at.exception and calls  # run_app hands back what the run freed (core/allocator.py)
    at.switch_page("pages/5_Stylist.py").run()
    assert not at.exception and len(calls) >= 2
