"""Browser tests: a real `streamlit run` on loopback, Playwright on Debian's chromium (testkit.browser,
testkit.servers). Every module here is marked `browser` (and `server`, `slow`); tests/conftest.py skips them, before any
fixture starts, with the reason when chromium or Playwright is missing (ATELIER_REQUIRE_BROWSER=1: fails)."""
from __future__ import annotations

import pytest


@pytest.fixture
def sample_app_env(sample_studio, tmp_path) -> dict:
    """The environment of an app server on the indexed sample catalog with the offline encoder and a fresh data
    folder (the test's own tmp_path)."""
    return {"ATELIER_DB_DIR": str(sample_studio.settings.index_dir), "ATELIER_ENCODER": "lite",
            "ATELIER_DATA_DIR": str(tmp_path), "HF_HUB_OFFLINE": "1"}


@pytest.fixture
def offline_app_env(sample_app_env) -> dict:
    """sample_app_env with the offline Creative Director (no diffusion weights)."""
    return {**sample_app_env, "ATELIER_INPAINT_MODEL": "offline"}
