"""Client books per stylist, enforced in core: ownership on every ProfileStore call, the v4 migration, the audit
record, export to one zip, erasure that leaves no byte naming the client, the CLI's --as, crafted session state,
demo mode's throw-away store.
"""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.auth import LOCAL, Stylist, stylist_from_claims, session_expired
from core.errors import AtelierError
from core.profiles import ProfileStore

REPO = Path(__file__).resolve().parent.parent
ANA, BEN, BOSS = Stylist("ana@x.test", "Ana"), Stylist("ben@x.test", "Ben"), Stylist("boss@x.test", "Boss", admin=True)


def _store(tmp_path, actor=LOCAL):
    return ProfileStore(f"sqlite:///{tmp_path / 'profiles.sqlite3'}", actor)


def test_a_stylist_never_reads_or_changes_another_stylists_client(tmp_path):
    base = _store(tmp_path)
    ana, ben, boss = base.acting_as(ANA), base.acting_as(BEN), base.acting_as(BOSS)
    clara = ana.create("Clara")
    ana.mark(clara.id, "item-1", "like")
    ana.save_artefact(clara.id, "tryon", b"\x89PNG-clara", {"garment": "x"})
    bruno = ben.create("Bruno")
    assert [p.name for p in ana.list()] == ["Clara"] and [p.name for p in ben.list()] == ["Bruno"]
    assert {p.name for p in boss.list()} == {"Clara", "Bruno"}
    # Every call that takes a profile id or name, as Ben on Ana's client: the same answer as "no such profile".
    calls = {
        "get by name": lambda: ben.get("Clara"), "get by id": lambda: ben.get(clara.id),
        "items": lambda: ben.items(clara.id, "like"), "mark": lambda: ben.mark(clara.id, "item-2", "cart"),
        "unmark": lambda: ben.mark(clara.id, "item-1", "like", False), "toggle": lambda: ben.toggle(clara.id, "i", "like"),
        "budget": lambda: ben.set_budget(clara.id, 1.0), "artefacts": lambda: ben.artefacts(clara.id, "tryon"),
        "save artefact": lambda: ben.save_artefact(clara.id, "design", b"x", {}),
        "log search": lambda: ben.log_search(clara.id, "red"), "history": lambda: ben.history(clara.id),
        "search history": lambda: ben.search_history(clara.id), "export": lambda: ben.export(clara.id),
        "erase": lambda: ben.erase(clara.id), "reassign": lambda: ben.reassign(clara.id, BEN.id),
    }
    for what, call in calls.items():
        with pytest.raises(AtelierError, match="No client profile|Only an admin"):
            call()
    assert ben._find("Clara") is None
    with pytest.raises(AtelierError, match="another stylist's book"):  # a name clash says no more than that
        ben.create("clara")
    # Nothing changed by all that.
    assert ana.items(clara.id, "like") == ["item-1"] and ana.items(clara.id, "cart") == []
    assert len(ana.artefacts(clara.id, "tryon")) == 1 and ana.get(clara.id).budget is None
    # The admin sees and changes both, and can hand a client over.
    assert boss.items(clara.id, "like") == ["item-1"] and boss.items(bruno.id, "like") == []
    boss.reassign(clara.id, BEN.id)
    assert [p.name for p in ana.list()] == [] and {p.name for p in ben.list()} == {"Bruno", "Clara"}
    with pytest.raises(AtelierError):
        ana.items(clara.id, "like")


def test_every_change_is_on_record_who_when_what(tmp_path):
    ana = _store(tmp_path, ANA)
    p = ana.create("Clara")
    ana.mark(p.id, "item-1", "like")
    ana.mark(p.id, "item-1", "like", False)
    ana.set_budget(p.id, 250.0)
    ana.log_search(p.id, "red dress")
    aid = ana.save_artefact(p.id, "design", b"png", {})
    ana.acting_as(BOSS).reassign(p.id, BEN.id)
    rows = ana.acting_as(BOSS).history(p.id)
    assert [(r["actor"], r["action"]) for r in rows] == [
        (ANA.id, "create"), (ANA.id, "like"), (ANA.id, "unlike"), (ANA.id, "budget"), (ANA.id, "search"),
        (ANA.id, "save-design"), (BOSS.id, "reassign")]
    assert rows[1]["item"] == "item-1" and rows[3]["budget"] == 250.0 and rows[5]["artefact"] == aid
    assert rows[6]["previous"] == ANA.id and rows[6]["owner"] == BEN.id
    assert all(r["at"] > 1.7e9 for r in rows)
    db = sqlite3.connect(tmp_path / "profiles.sqlite3")  # in the same database
    assert db.execute("SELECT count(*) FROM profile_audit").fetchone()[0] == 7


def test_existing_profiles_migrate_to_the_local_user_without_loss(tmp_path):
    path = tmp_path / "profiles.sqlite3"
    db = sqlite3.connect(path)  # a v3 database as the app wrote it before owners
    db.executescript("""
        CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at FLOAT NOT NULL);
        INSERT INTO schema_version VALUES (1, 0), (2, 0), (3, 0);
        CREATE TABLE profiles (id INTEGER PRIMARY KEY, name VARCHAR(60) NOT NULL UNIQUE, notes TEXT DEFAULT '' NOT NULL,
                               created_at FLOAT NOT NULL, budget FLOAT, name_key VARCHAR(240));
        CREATE UNIQUE INDEX profiles_name_key ON profiles (name_key);
        CREATE TABLE interactions (id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
                                   item_id VARCHAR(200) NOT NULL, kind VARCHAR(16) NOT NULL, created_at FLOAT NOT NULL,
                                   CONSTRAINT one_mark_per_item UNIQUE (profile_id, item_id, kind));
        INSERT INTO profiles VALUES (1, 'Ada', 'vip', 1.0, 300.0, 'ada'), (2, 'Grace', '', 2.0, NULL, 'grace');
        INSERT INTO interactions VALUES (1, 1, 'item-7', 'cart', 1.0), (2, 2, 'item-8', 'like', 2.0);
    """)
    db.commit()
    db.close()
    store = ProfileStore(f"sqlite:///{path}")  # auth off: the local user
    assert store.version() == 4
    assert [(p.name, p.owner, p.notes, p.budget) for p in store.list()] == [
        ("Ada", "local", "vip", 300.0), ("Grace", "local", "", None)]
    assert store.items(1, "cart") == ["item-7"] and store.items(2, "like") == ["item-8"]
    assert store.acting_as(ANA).list() == []  # a signed-in stylist does not inherit the local book
    assert {p.name for p in store.acting_as(BOSS).list()} == {"Ada", "Grace"}


def test_export_is_one_zip_with_json_and_images(tmp_path):
    ana = _store(tmp_path, ANA)
    p = ana.create("Clara Export", notes="size 38")
    ana.mark(p.id, "item-1", "favourite")
    ana.mark(p.id, "item-2", "cart")
    ana.log_search(p.id, "linen trousers")
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    aid = ana.save_artefact(p.id, "tryon", buf.getvalue(), {"garment": "linen trousers"})
    blob = ana.export(p.id)
    zf = zipfile.ZipFile(io.BytesIO(blob))
    data = json.loads(zf.read("client.json"))
    assert data["profile"]["name"] == "Clara Export" and data["profile"]["notes"] == "size 38"
    assert data["marks"]["favourite"] == ["item-1"] and data["marks"]["cart"] == ["item-2"]
    assert data["searches"] == ["linen trousers"]
    assert data["saved"][0]["image"] == f"images/tryon-{aid}.png"
    assert zf.read(f"images/tryon-{aid}.png") == buf.getvalue()
    assert Image.open(io.BytesIO(zf.read(f"images/tryon-{aid}.png"))).size == (8, 8)
    assert [h["action"] for h in data["history"]][0] == "create"


def _scan(folder: Path, needles: list[bytes]) -> list[str]:
    """Every file under the data folder (database, WAL, shm, index, exports ...) searched byte by byte."""
    found = []
    for f in folder.rglob("*"):
        if f.is_file():
            raw = f.read_bytes()
            for n in needles:
                for enc in (n, n.decode().encode("utf-16-le")):
                    if enc in raw:
                        found.append(f"{f.relative_to(folder)}: {n!r}")
    return found


def test_erase_leaves_nothing_naming_the_client(tmp_path):
    data = tmp_path / "data"
    store = ProfileStore(f"sqlite:///{data / 'profiles.sqlite3'}", ANA)
    keep = store.create("Kept Client")
    store.mark(keep.id, "item-keep", "like")
    p = store.create("Zelda Erasable", notes="allergic-to-wool-zq")
    for kind, item in (("like", "item-z1"), ("dislike", "item-z2"), ("favourite", "item-z3"), ("cart", "item-z4")):
        store.mark(p.id, item, kind)
    store.set_budget(p.id, 123.0)
    store.log_search(p.id, "zelda-secret-search")
    store.save_artefact(p.id, "tryon", b"\x89PNG" + b"ZELDA-TRYON-PIXELS" * 50, {"person": "zelda-photo"})
    store.save_artefact(p.id, "design", b"\x89PNG" + b"ZELDA-DESIGN-PIXELS" * 50, {"prompt": "zelda gown"})
    needles = [b"Zelda Erasable", b"zelda erasable", b"allergic-to-wool-zq", b"zelda-secret-search",
               b"ZELDA-TRYON-PIXELS", b"ZELDA-DESIGN-PIXELS", b"zelda-photo", b"zelda gown"]
    assert _scan(data, needles)  # the scan finds the client before the erase (the test of the test)
    store.erase(p.id)
    assert _scan(data, needles) == []
    db = sqlite3.connect(data / "profiles.sqlite3")
    for table in ("interactions", "artefacts", "searches", "profile_audit"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE profile_id = ?", (p.id,)).fetchone()[0] == (
            1 if table == "profile_audit" else 0)
    assert db.execute("SELECT action, actor, detail FROM profile_audit WHERE profile_id = ?", (p.id,)).fetchone() == (
        "erase", ANA.id, "{}")
    assert store.popularity("like") == {"item-keep": 1}  # others' data intact
    assert store.items(keep.id, "like") == ["item-keep"] and [x.name for x in store.list()] == ["Kept Client"]


def test_claims_expiry_and_admins():
    s = type("S", (), {"admins": "boss@x.test, Chief@X.test"})()
    assert stylist_from_claims({"email": "Ana@X.test", "name": "Ana"}, s) == Stylist("ana@x.test", "Ana", False)
    assert stylist_from_claims({"email": "chief@x.test"}, s).admin
    assert stylist_from_claims({"sub": "u1", "roles": ["atelier-admin"]}, s).admin
    assert not stylist_from_claims({"sub": "u1", "roles": ["admin"]}, s).admin
    with pytest.raises(AtelierError):
        stylist_from_claims({"name": "nobody"}, s)
    with pytest.raises(AtelierError):  # a provider account named "local" does not inherit the local book
        stylist_from_claims({"sub": "local"}, s)
    assert session_expired({"exp": 100}, now=101) and not session_expired({"exp": 200}, now=101)


def _cli(env, *args):
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=REPO, env=env, capture_output=True, text=True)


def test_cli_acts_as_a_stylist_and_is_checked(tmp_path):
    import os

    env = dict(os.environ, ATELIER_DATA_DIR=str(tmp_path), ATELIER_ADMINS="boss@x.test", HF_HUB_OFFLINE="1")
    assert _cli(env, "profile", "create", "Clara", "--as", "ana@x.test").returncode == 0
    assert _cli(env, "profile", "create", "Bruno", "--as", "ben@x.test").returncode == 0
    listed = json.loads(_cli(env, "profile", "list", "--as", "ben@x.test", "--json").stdout)
    assert [r["name"] for r in listed] == ["Bruno"]
    for args in (("show", "Clara"), ("like", "Clara", "--item", "i1"), ("history", "Clara"),
                 ("export", "Clara", "--out", str(tmp_path / "x.zip")), ("erase", "Clara", "--yes"),
                 ("reassign", "Bruno", "--to", "ana@x.test")):
        done = _cli(env, "profile", *args, "--as", "ben@x.test")
        assert done.returncode != 0 and "Traceback" not in done.stderr, args
        assert "No client profile" in done.stderr or "Only an admin" in done.stderr
    assert not (tmp_path / "x.zip").exists()
    done = _cli(env, "outfit", "--profile", "Clara", "--as", "ben@x.test", "--item", "x")
    assert done.returncode != 0 and "Clara" not in done.stdout
    boss = json.loads(_cli(env, "profile", "list", "--as", "boss@x.test", "--json").stdout)
    assert {r["name"]: r["owner"] for r in boss} == {"Clara": "ana@x.test", "Bruno": "ben@x.test"}
    assert _cli(env, "profile", "reassign", "Bruno", "--to", "ana@x.test", "--as", "boss@x.test").returncode == 0
    assert [r["name"] for r in json.loads(_cli(env, "profile", "list", "--as", "ana@x.test", "--json").stdout)] == [
        "Bruno", "Clara"]
    # Without --as and without sign-in configured: the local user, an admin of this one machine (as before).
    assert {r["name"] for r in json.loads(_cli(env, "profile", "list", "--json").stdout)} == {"Bruno", "Clara"}
    # Erase through the CLI, then export is refused (gone).
    assert _cli(env, "profile", "erase", "Clara", "--yes", "--as", "ana@x.test").returncode == 0
    assert _cli(env, "profile", "show", "Clara", "--as", "boss@x.test").returncode != 0


def test_cli_requires_as_when_sign_in_is_configured(tmp_path, monkeypatch):
    from core import auth

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nclient_id = "x"\nclient_secret = "y"\n')
    s = type("S", (), {"admins": "", "secrets_path": secrets})()
    with pytest.raises(AtelierError, match="--as"):
        auth.cli_stylist(None, s)
    assert auth.cli_stylist("Ana@x.test", s) == Stylist("ana@x.test", "ana@x.test", False)
    with pytest.raises(AtelierError):
        auth.cli_stylist("   ", s)
    # "local" is no back door to the pre-sign-in profiles when sign-in is on.
    with pytest.raises(AtelierError, match="admin"):
        auth.cli_stylist("local", s)


CRAFTED = """
import streamlit as st
from core.auth import Stylist
from core.ui import profile_picker
from core.profiles import ProfileStore

class Studio:  # what profile_picker reads: settings
    pass

def studio():
    from core.config import load_settings
    s = Studio(); s.settings = load_settings(); return s

profiles, profile = profile_picker(studio(), Stylist("ben@x.test", "Ben"))
st.write("ACTIVE:", profile.name if profile else "none")
st.write("LISTED:", ",".join(p.name for p in profiles.list()))
"""


def test_crafted_session_state_cannot_open_another_stylists_client(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    base = _store(tmp_path)
    clara = base.acting_as(ANA).create("Clara")
    base.acting_as(BEN).create("Bruno")
    from core.ui import state as keys

    for crafted in ("Clara", clara.id, "clara", " Clara\u200b"):
        at = AppTest.from_string(CRAFTED, default_timeout=60)
        at.session_state[keys.PROFILE_NAME] = crafted
        at.session_state[keys.PROFILE_SELECT] = crafted
        at.run()
        assert not at.exception
        text = " ".join(str(m.value) for m in at.markdown)
        assert "ACTIVE: none" in text and "LISTED: Bruno" in text and "Clara" not in text.replace("ACTIVE: none", "")
        assert at.session_state[keys.PROFILE_NAME] is None


def test_demo_mode_serves_the_sample_catalog_and_no_real_profile(tmp_path, monkeypatch):
    from core.config import SAMPLE_CATALOG_DIR, load_settings

    monkeypatch.setenv("ATELIER_DEMO", "1")
    monkeypatch.setenv("ATELIER_CATALOG", str(tmp_path / "real-catalog"))
    s = load_settings()
    assert s.is_demo and s.catalog_dir == SAMPLE_CATALOG_DIR and s.catalog_name == "sample"
    monkeypatch.delenv("ATELIER_DEMO")
    assert not load_settings().is_demo
    demo = ProfileStore("sqlite://", LOCAL)  # the demo's per-session store: in memory, nothing on disk
    p = demo.create("Sample client Ava")
    demo.mark(p.id, "i", "like")
    assert demo.items(p.id, "like") == ["i"]
    assert not list(tmp_path.rglob("*.sqlite3"))


DATA_TOOLS = """
import streamlit as st
from core.auth import LOCAL
from core.profiles import ProfileStore
from core.ui.page import client_data
import os
store = ProfileStore("sqlite:///" + os.environ["ATELIER_DATA_DIR"] + "/profiles.sqlite3", LOCAL)
p = next((x for x in store.list() if x.name == "Clara"), None)
if p is not None:
    client_data(store, p)
st.write("CLIENTS:", ",".join(x.name for x in store.list()) or "none")
"""


def test_sidebar_exports_and_erases_the_active_client(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ATELIER_DATA_DIR", str(tmp_path))
    store = _store(tmp_path)
    clara = store.create("Clara")
    store.mark(clara.id, "item-1", "cart")
    at = AppTest.from_string(DATA_TOOLS, default_timeout=60).run()
    at.button(key="client_export_go").click().run()
    assert not at.exception
    blob = at.session_state["client_export"][1]
    assert json.loads(zipfile.ZipFile(io.BytesIO(blob)).read("client.json"))["marks"]["cart"] == ["item-1"]
    assert at.button(key="client_erase").disabled  # only after the confirmation box
    at.checkbox(key=f"client_erase_sure_{clara.id}").check().run()
    at.button(key="client_erase").click().run()
    assert not at.exception
    assert "CLIENTS: none" in " ".join(str(m.value) for m in at.markdown)
    assert "client_export" not in at.session_state
    assert store.list() == []


GATE = """
import streamlit as st
from core.ui.page import signed_in_stylist
stylist = signed_in_stylist()
st.write("PAGE BODY for", stylist.id)
"""


def test_the_page_frame_gates_on_sign_in_only_when_auth_is_configured():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(GATE, default_timeout=30).run()  # auth off: the local user, and the sidebar says so
    assert not at.exception
    assert any("PAGE BODY for local" in str(m.value) for m in at.markdown)
    assert any("Sign-in is off" in str(c.value) for c in at.sidebar.caption)
    at = AppTest.from_string(GATE, default_timeout=30)
    at.secrets["auth"] = {"client_id": "x", "client_secret": "y", "redirect_uri": "http://localhost/oauth2callback",
                          "cookie_secret": "z" * 32, "server_metadata_url": "http://localhost:1/.well-known/x"}
    at.run()
    assert not at.exception
    assert not any("PAGE BODY" in str(m.value) for m in at.markdown)  # nothing of the page ran
    assert at.button(key="auth_sign_in").label == "Sign in"
