"""Try-On: the garment kind follows the garment on every path (catalog pick, design, CLI), and a bottom or a dress
moves a portrait cut at the chest onto a full-body figure, saying so."""
import json

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.config import REPO_ROOT

TRYON = str(REPO_ROOT / "pages" / "4_Try_On.py")
CATALOG = REPO_ROOT / "assets" / "sample_catalog" / "images"


@pytest.fixture
def app_env(sample_studio, monkeypatch, tmp_path):
    monkeypatch.setenv("ATELIER_DB_DIR", str(sample_studio.settings.index_dir))
    monkeypatch.setenv("ATELIER_ENCODER", "lite")
    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    from core.ui import get_profile_store, get_studio

    get_studio.clear()
    get_profile_store.clear()
    yield tmp_path
    get_studio.clear()
    get_profile_store.clear()


def _pick(at, query: str) -> None:
    at.text_input(key="tryon_search").set_value(query).run()
    next(b for b in at.button if b.label == "Use").click().run()
    assert not at.exception


def _errors(at):
    return [e.value for e in at.error]


def test_kind_follows_each_picked_garment_and_a_dress_moves_to_a_full_body_figure(app_env):
    at = AppTest.from_file(TRYON, default_timeout=180).run()
    assert at.selectbox(key="tryon_sample").value == "Grace Hopper · portrait"
    _pick(at, "shirt")
    assert at.radio(key="tryon_kind").value == "upper"
    assert at.selectbox(key="tryon_sample").value == "Grace Hopper · portrait"  # a top stays on the portrait
    assert not at.info
    _pick(at, "jeans")
    assert "jeans" in at.session_state["tryon_garment"]["label"].lower()
    assert at.radio(key="tryon_kind").value == "lower"  # not the previous garment's "upper"
    assert at.selectbox(key="tryon_sample").value.startswith("Croquis")  # the portrait ends at the chest
    said = " ".join(i.value for i in at.info)
    assert "switched" in said and "Grace Hopper" in said and "full-body" in said
    _pick(at, "dress")
    assert at.radio(key="tryon_kind").value == "dress"
    _pick(at, "t-shirt")
    assert at.radio(key="tryon_kind").value == "upper"
    _pick(at, "dress")
    next(b for b in at.button if b.label == "Try it on").click().run()
    assert not at.exception and not _errors(at)
    result = at.session_state["tryon_result"]
    assert result.kind == "dress" and result.person.image.size == (480, 1024)  # worn as a dress on a figure
    assert "worn as a dress, on Croquis" in at.session_state["tryon_said"]  # the After caption says what it is


def test_a_design_is_tried_on_as_its_source_items_kind(app_env):
    dress = Image.open(CATALOG / "dress-003.jpg").convert("RGB")
    at = AppTest.from_file(TRYON, default_timeout=180)
    at.session_state["tryon_design"] = {"image": dress, "prompt": "make it red", "category": "dress"}
    at.run()
    assert not at.exception and not _errors(at)
    assert at.radio(key="tryon_kind").value == "dress"
    assert at.selectbox(key="tryon_sample").value.startswith("Croquis")
    next(b for b in at.button if b.label == "Try it on").click().run()
    assert not at.exception and not _errors(at)
    assert at.session_state["tryon_result"].kind == "dress"


def test_a_dress_chosen_by_hand_on_a_portrait_still_explains_the_crop(app_env):
    at = AppTest.from_file(TRYON, default_timeout=180).run()
    _pick(at, "dress")
    at.selectbox(key="tryon_sample").set_value("Grace Hopper · portrait").run()  # the stylist goes back on purpose
    assert at.radio(key="tryon_kind").value == "dress"
    next(b for b in at.button if b.label == "Try it on").click().run()
    assert any("hips are not in the photo" in e for e in _errors(at))


def test_page_speaks_plainly_backend_and_timings_under_advanced(app_env):
    at = AppTest.from_file(TRYON, default_timeout=180).run()
    options = at.selectbox(key="tryon_sample").options
    assert not any("matplotlib" in o or "scikit-image" in o for o in options)
    advanced = next(e for e in at.expander if e.label == "Advanced")
    assert [s.key for s in advanced.selectbox] == ["tryon_backend"]
    assert any("matplotlib" in c.value for c in advanced.caption)  # provenance is kept, under Advanced
    _pick(at, "shirt")
    next(b for b in at.button if b.label == "Try it on").click().run()
    timings = next(e for e in at.expander if e.label.startswith("Advanced: model"))
    assert any("pose and segmentation" in c.value for c in timings.caption)
    outside = [c.value for c in at.caption if c not in list(timings.caption)]
    assert not any("pose and segmentation" in c or "was asked for" in c for c in outside)


def test_cli_kind_follows_the_item_or_the_file_name(tmp_path, capsys):
    from core.__main__ import main

    code = main(["tryon", "--person", "sample:average", "--garment", str(CATALOG / "dress-003.jpg"),
                 "--out", str(tmp_path / "d.png"), "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["kind"] == "dress"
    code = main(["tryon", "--person", "sample:average", "--garment", str(CATALOG / "jeans-002.jpg"),
                 "--out", str(tmp_path / "j.png"), "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["kind"] == "lower"
    code = main(["tryon", "--person", "sample:average", "--garment", str(CATALOG / "dress-003.jpg"), "--kind",
                 "upper", "--out", str(tmp_path / "u.png"), "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["kind"] == "upper"  # an explicit kind wins
