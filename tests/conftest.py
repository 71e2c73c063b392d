"""Shared fixtures. Tests never touch the network: HF_HUB_OFFLINE=1 and tiny models built here."""
from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_VERBOSITY"] = "error"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from core.config import SAMPLE_CATALOG_DIR, load_settings  # noqa: E402
from testkit.browser import require_browser  # noqa: E402
from testkit.tiny_models import build_tiny_clip, build_tiny_siglip  # noqa: E402


def pytest_runtest_setup(item):
    """A `browser` test skips, before its fixtures start anything, with the reason (CI: fails) when chromium or
    Playwright is missing."""
    if item.get_closest_marker("browser"):
        require_browser()


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("atelier")


@pytest.fixture(scope="session")
def tiny_clip_dir(session_dir) -> Path:
    return build_tiny_clip(session_dir / "tiny-clip")


@pytest.fixture(scope="session")
def tiny_siglip_dir(session_dir) -> Path:
    return build_tiny_siglip(session_dir / "tiny-siglip")


@pytest.fixture(scope="session")
def tiny_clip(tiny_clip_dir):
    from core.encoders.clip import ClipEncoder

    return ClipEncoder(tiny_clip_dir)


@pytest.fixture(scope="session")
def lite():
    from core.encoders.lite import LiteEncoder

    return LiteEncoder()


@pytest.fixture(scope="session")
def sample_studio(session_dir, lite):
    """The bundled sample catalog indexed once with the real offline encoder (about 30 s)."""
    from core.studio import ensure_catalog_index, open_studio

    settings = load_settings(db_dir=session_dir / "sample-index", encoder="lite", catalog_dir=SAMPLE_CATALOG_DIR)
    studio = open_studio(settings, encoder=lite)
    ensure_catalog_index(studio)
    return studio


@pytest.fixture
def small_catalog(tmp_path) -> Path:
    """Twelve sample items copied into a writable folder with their metadata."""
    import csv

    from testkit.catalog_copy import write_catalog_subset

    rows = list(csv.DictReader(open(SAMPLE_CATALOG_DIR / "catalog.csv")))[::35][:12]
    return write_catalog_subset(SAMPLE_CATALOG_DIR, rows, tmp_path / "catalog")


# Try-On: the bundled person photos, analysed once a session (tests/test_tryon_*.py).
@pytest.fixture(scope="session")
def hopper():
    from PIL import Image

    from core.tryon.people import sample_photos as sample_people

    return Image.open(sample_people()["Grace Hopper (matplotlib)"]).convert("RGB")


@pytest.fixture(scope="session")
def hopper_person(hopper):
    from core.tryon.pose import analyse_person

    return analyse_person(hopper)


@pytest.fixture(scope="session")
def sample_persons():
    """Every bundled person photo, analysed once."""
    from PIL import Image

    from core.tryon.people import sample_photos as sample_people
    from core.tryon.pose import analyse_person

    out = {}
    for name, path in sample_people().items():
        img = Image.open(path).convert("RGB")
        out[name] = (img, analyse_person(img))
    return out


# The pages under AppTest (tests/test_pages.py and the screens, discover and try-on tests).
@pytest.fixture
def app_env(sample_studio, monkeypatch, tmp_path):
    monkeypatch.setenv("ATELIER_DB_DIR", str(sample_studio.settings.index_dir))
    monkeypatch.setenv("ATELIER_ENCODER", "lite")
    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))  # a fresh profile database per test
    from core.ui import get_profile_store, get_studio

    get_studio.clear()
    get_profile_store.clear()
    yield tmp_path
    get_studio.clear()
    get_profile_store.clear()


@pytest.fixture
def offline_design(app_env, monkeypatch):
    monkeypatch.setenv("ATELIER_INPAINT_MODEL", "offline")
    from core.ui import get_design_backend

    get_design_backend.clear()
    yield
    get_design_backend.clear()


def pytest_sessionfinish(session, exitstatus):
    """MediaPipe logs a line as each task closes; close them before pytest prints its closing summary line."""
    mp = sys.modules.get("core.tryon.mediapipe_models")
    if mp is not None:
        mp.close_all()
