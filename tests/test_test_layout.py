"""The tests' own shape (issue 24, point 6): chosen by kind through registered markers, browser tests apart in
tests/e2e/, shared code in testkit/ found without import-path inserts, no test file importing another."""
import ast
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules(node: ast.AST) -> set[str]:
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Import):
            out |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
            out.add(n.module)
    return out


def _edits_the_import_path(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "path" and getattr(n.value, "id", "") == "sys"
               for n in ast.walk(tree))


def _marks(tree: ast.Module) -> set[str]:
    """The markers a module's `pytestmark` names."""
    for n in tree.body:
        if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "pytestmark" for t in n.targets):
            return {a.attr for a in ast.walk(n.value) if isinstance(a, ast.Attribute) and a.attr != "mark"}
    return set()


def test_tests_are_chosen_by_kind_and_share_code_through_testkit():
    ini = configparser.ConfigParser()
    ini.read(ROOT / "pytest.ini")
    registered = {line.split(":")[0].strip() for line in ini["pytest"]["markers"].strip().splitlines()}
    assert {"browser", "server", "slow"} <= registered and "--strict-markers" in ini["pytest"]["addopts"]
    assert ini["pytest"]["pythonpath"].strip() == "."
    tests = {p: ast.parse(p.read_text()) for p in sorted((ROOT / "tests").rglob("*.py"))}
    own = {p.stem for p in tests}
    for path, tree in tests.items():
        name = str(path.relative_to(ROOT))
        assert not _edits_the_import_path(tree), name
        assert not {m for m in _modules(tree) if m.split(".")[0] in own}, f"{name} imports a test module"
        if path.parent.name == "e2e" and path.stem.startswith("test_"):
            assert {"browser", "server"} <= _marks(tree), f"{name} is a browser test without its markers"
        elif path.stem.startswith("test_"):
            assert "browser" not in _marks(tree) and "playwright" not in _modules(tree), f"{name}: move it to e2e/"
    for path in sorted((ROOT / "bench").glob("*.py")) + sorted((ROOT / "testkit").glob("*.py")):
        tree = ast.parse(path.read_text())
        assert not _edits_the_import_path(tree), path.name
        assert not {m for m in _modules(tree) if m.split(".")[0] == "tests" or m.startswith("test_")}, path.name
