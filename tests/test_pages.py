"""Home and Discover under AppTest: search flow, filters, pagination, bad upload."""
import io

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.config import REPO_ROOT

HOME = str(REPO_ROOT / "Home.py")
DISCOVER = str(REPO_ROOT / "pages" / "1_Discover.py")


@pytest.fixture
def app_env(sample_studio, monkeypatch):
    monkeypatch.setenv("ATELIER_DB_DIR", str(sample_studio.settings.index_dir))
    monkeypatch.setenv("ATELIER_ENCODER", "lite")
    from core.ui import get_studio

    get_studio.clear()
    yield
    get_studio.clear()


def _errors(at):
    return [e.value for e in at.error]


def test_home_shows_catalog_size_encoder_and_map(app_env):
    at = AppTest.from_file(HOME, default_timeout=180).run()
    assert not at.exception and not _errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Catalog items"] == "420" and metrics["Encoder"] == "lite (offline)"
    assert any("offline" in i.value for i in at.info)


def test_discover_text_search_filters_and_pages(app_env):
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.text_input(key="q_text").set_value("red").run()
    assert not at.exception and not _errors(at)
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(names) == 12 and sum("Red" in n for n in names) >= 10
    at.multiselect(key="f_category").set_value(["dress"]).run()
    captions = [c.value for c in at.caption]
    assert any(c.endswith("$") is False and "dress ·" in c for c in captions)
    assert all("dress ·" in c for c in captions if "score" in c)
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
    assert any("broken.jpg" in e for e in _errors(at))


def test_discover_image_upload_searches_by_image(app_env):
    buf = io.BytesIO()
    Image.open(REPO_ROOT / "assets/sample_catalog/images/bag-004.jpg").save(buf, "PNG")
    at = AppTest.from_file(DISCOVER, default_timeout=180).run()
    at.file_uploader(key="q_image").upload("bag.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not _errors(at)
    names = [m.value for m in at.markdown if m.value.startswith("**")]
    assert names and "bag" in names[0].lower()
