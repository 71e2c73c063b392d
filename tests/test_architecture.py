"""The house's shape, measured (issue 24, ../shared/DESIGN.md): file and function sizes in core/, no import circle,
no import back up the layers (only core/ui imports Streamlit), no caller of another module's private name."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(CORE.rglob("*.py")):
        parts = p.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


MODULES = _modules()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not MODULES[module].name == "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str, top_level_only: bool) -> set[str]:
    """core modules this one imports (a `from pkg import name` counts pkg.name when that is a module)."""
    tree = _tree(MODULES[module])
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    if top_level_only:  # an import under `if TYPE_CHECKING:` runs no code
        nodes = [n for n in nodes if not (isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))]
        nodes = [m for n in nodes for m in (ast.walk(n) if isinstance(n, (ast.If, ast.Try)) else [n])]
    out = set()
    for n in nodes:
        if isinstance(n, ast.Import):
            out |= {a.name for a in n.names if a.name.startswith("core")}
        elif isinstance(n, ast.ImportFrom):
            target = _resolve(module, n)
            if not target.startswith("core"):
                continue
            for a in n.names:
                out.add(f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target)
    return {m for m in out if m in MODULES and m != module}


def _cycles(top_level_only: bool) -> list[list[str]]:
    graph = {m: _imports(m, top_level_only) for m in MODULES}
    # a package's __init__ importing its own submodules is how a package re-exports; a circle through it is not a
    # circle of ideas
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for m in graph:
        if m not in index:
            visit(m)
    return out


def test_no_core_file_reaches_the_size_limit():
    big = {str(p.relative_to(ROOT)): n for p in CORE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_FILE_LINES}
    assert not big, f"files of {MAX_FILE_LINES}+ lines: {big}"


def test_no_core_function_reaches_the_length_limit():
    long = {}
    for p in CORE.rglob("*.py"):
        for n in ast.walk(_tree(p)):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = n.end_lineno - n.lineno + 1
                if length >= MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(ROOT)}:{n.name}"] = length
    assert not long, f"functions of {MAX_FUNCTION_LINES}+ lines: {long}"


def test_core_has_no_import_circle():
    # lazy imports inside functions count too: a circle of ideas is one whenever it runs
    assert _cycles(top_level_only=False) == []


def test_only_core_ui_imports_streamlit():
    offenders = []
    for m, p in MODULES.items():
        if m == "core.ui" or m.startswith("core.ui."):
            continue
        for n in ast.walk(_tree(p)):
            names = ([a.name for a in n.names] if isinstance(n, ast.Import)
                     else [n.module or ""] if isinstance(n, ast.ImportFrom) else [])
            if any(x == "streamlit" or x.startswith("streamlit.") for x in names):
                offenders.append(f"{m}:{n.lineno}")
    assert not offenders, offenders


def _private_uses(path: Path) -> list[str]:
    uses = []
    for n in ast.walk(_tree(path)):
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("core"):
            uses += [f"{path.name}:{n.lineno} imports {a.name}" for a in n.names
                     if a.name.startswith("_") and not a.name.startswith("__")]
        elif isinstance(n, ast.Attribute) and n.attr.startswith("_") and not n.attr.startswith("__"):
            owner = n.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            uses.append(f"{path.name}:{n.lineno} {ast.unparse(owner)[:40]}.{n.attr}")
    return uses


# Private names of other libraries' objects that the library itself documents no public way to reach.
THIRD_PARTY_PRIVATE = {"_interrupt", "_fc", "_atelier_timed", "_build", "_run", "_get_websocket_headers"}


@pytest.mark.parametrize("root", ["core", "pages", "Home.py"])
def test_no_caller_reaches_another_modules_private_name(root):
    base = ROOT / root
    files = [base] if base.is_file() else sorted(base.rglob("*.py"))
    found = [u for p in files for u in _private_uses(p) if u.rsplit(".", 1)[-1] not in THIRD_PARTY_PRIVATE]
    assert not found, found
