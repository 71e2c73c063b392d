"""Settings for a test: the index in the test's own folder unless told otherwise."""
from __future__ import annotations

from core.config import load_settings


def tiny_settings(tmp_path, **kw):
    kw.setdefault("db_dir", tmp_path / "index")
    return load_settings(**kw)
