"""core/stylist/ as a package (issue 24): every name callers imported from core.stylist and core.profiles still
imports, the client book loads without the search stack, and the stylist asks the index only through its front door."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The public names of core/stylist.py and core/profiles.py before the split.
STYLIST_NAMES = ["ACCENT", "ALIAS", "Anchors", "DARK_COLOURS", "DIVERSE_POOL", "INK", "MAX_STATEMENT_PATTERNS", "MUTED",
                 "NEUTRALS", "NUMBER_WORDS", "OCCASIONS", "Occasion", "Outfit", "Outfits", "PAPER", "Profile",
                 "ProfileStore", "SLOTS", "SLOT_POOL", "Taste", "WHEEL", "anchor_candidates", "build_outfits",
                 "cart_total", "category_mix_distance", "colour_harmony", "colour_story", "diverse_picks", "explain",
                 "for_you", "group_of", "is_statement", "lookbook_pdf", "note_problems", "occasion_of", "print_ready",
                 "taste_of"]
PROFILES_NAMES = ["MARK_KINDS", "MAX_NAME", "MAX_NAME_INPUT", "MIGRATIONS", "Profile", "ProfileStore", "artefacts", "audit",
                  "check_profile_name", "database_url", "display_profile_name", "interactions", "lookalike_key",
                  "metadata", "name_key", "profiles", "schema_version", "searches"]


def test_every_old_stylist_and_profiles_name_still_imports():
    import core.profiles
    import core.stylist
    from core.vocabulary import group_of

    missing = [n for n in STYLIST_NAMES if not hasattr(core.stylist, n)]
    missing += [f"profiles.{n}" for n in PROFILES_NAMES if not hasattr(core.profiles, n)]
    assert missing == []
    assert core.stylist.group_of is group_of
    assert core.profiles.ProfileStore is core.stylist.ProfileStore
    assert core.profiles.MARK_KINDS == core.stylist.MARK_KINDS == ("like", "dislike", "favourite", "cart")
    assert set(STYLIST_NAMES) <= set(core.stylist.__all__) and set(core.stylist.__all__) <= set(dir(core.stylist))


def test_an_unknown_stylist_name_is_an_attribute_error():
    import core.stylist

    try:
        core.stylist.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("core.stylist.no_such_name did not raise")


def test_the_client_book_loads_without_the_search_stack():
    code = ("import sys, core.profiles; "
            "print(sorted(m for m in ('core.search', 'core.stylist.taste', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_stylist_asks_the_index_only_through_its_front_door():
    found = []
    for path in sorted((ROOT / "core" / "stylist").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and (node.attr == "is_lean" or node.attr in ("snapshot", "rows_hits")
                                                    or (node.attr.startswith("_") and not node.attr.startswith("__"))):
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []


def test_stylist_files_stay_well_under_the_house_limits():
    for path in sorted((ROOT / "core" / "stylist").glob("*.py")) + [ROOT / "core" / "profiles.py"]:
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= 350, path.name
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert node.end_lineno - node.lineno + 1 <= 50, f"{path.name}:{node.name}"
