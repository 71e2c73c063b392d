"""The dependency file alone gives every page: each module the app imports is installed, and comes from a
package that requirements.txt names (directly or as a dependency of one), so a requirements-only install
(Streamlit Community Cloud, scripts/setup-env.sh, CI) has it too."""
from __future__ import annotations

import ast
import importlib
import importlib.metadata as md
import importlib.util
import pkgutil
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "core").rglob("*.py"))]


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> files importing it (function-level imports too: models load lazily)."""
    found: dict[str, set[str]] = {}
    for path in APP_FILES:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "core":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def _requirement_names(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[<>=!~;\[ @]", line)[0])
    return names


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(roots: list[str]) -> set[str]:
    """The distributions pip installs for `roots`: each one and, recursively, what its metadata requires
    (markers evaluated for this interpreter; extras not followed)."""
    from packaging.requirements import Requirement

    seen, todo = set(), [_norm(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for spec in requires:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(_norm(req.name))
    return seen


def test_every_module_the_app_imports_is_installed():
    missing = {m: files for m, files in _third_party_imports().items()
               if importlib.util.find_spec(m) is None}
    assert not missing, f"imported but not installed: {missing}"


def test_every_third_party_import_comes_from_requirements_txt():
    installed_by_requirements = _closure(_requirement_names(ROOT / "requirements.txt"))
    providers = md.packages_distributions()
    outside = {}
    for module, files in _third_party_imports().items():
        dists = {_norm(d) for d in providers.get(module, [])}
        assert dists, f"{module} (imported by {sorted(files)}) is provided by no installed distribution"
        if not dists & installed_by_requirements:
            outside[module] = sorted(dists)
    assert not outside, (f"installed here, but not through requirements.txt: {outside} (a venv from older "
                         "requirements? scripts/setup-env.sh rebuilds it when the dependency files change)")


def test_requirements_name_mediapipe_and_one_opencv():
    names = {_norm(n) for n in _requirement_names(ROOT / "requirements.txt")}
    assert "mediapipe" in names and "accelerate" in names
    assert len({n for n in names if n.startswith("opencv")}) == 1  # two OpenCV wheels overwrite each other's cv2


@pytest.mark.parametrize("module", sorted(m.name for m in pkgutil.walk_packages([str(ROOT / "core")], "core.")
                                          if m.name != "core.__main__"))
def test_every_core_module_imports(module):
    importlib.import_module(module)


def test_tryon_models_are_in_the_repository_and_load():
    from core.tryon import mediapipe_models as mpm

    for path in (mpm.POSE_MODEL, mpm.SEGMENTATION_MODEL, mpm.FACE_MODEL):
        assert path.is_file() and path.stat().st_size > 100_000
    import numpy as np
    import skimage.data

    result = mpm.Pose().process(skimage.data.astronaut())
    assert result.pose_landmarks is not None and len(result.pose_landmarks.landmark) == 33
    assert result.segmentation_mask.shape == (512, 512) and 0.1 < (result.segmentation_mask > 0.5).mean() < 0.9
    mask = mpm.SelfieSegmentation().process(np.ascontiguousarray(skimage.data.astronaut())).segmentation_mask
    assert mask.shape == (512, 512) and 0.1 < (mask > 0.5).mean() < 0.9
