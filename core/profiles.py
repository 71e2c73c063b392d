"""Client profiles in a real database: SQLite file by default, any SQLAlchemy URL (PostgreSQL ...) for teams.

Every read and write goes through a `ProfileStore` method that takes the profile id, so no caller can see
or change another profile's rows. Schema changes are numbered migrations recorded in `schema_version`.
"""
from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, insert, select, text)
from sqlalchemy.exc import IntegrityError, OperationalError

from core.errors import AtelierError

log = logging.getLogger(__name__)

KINDS = ("like", "dislike", "favourite", "cart")
MAX_NAME = 60

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True),
                       Column("applied_at", Float, nullable=False))
profiles = Table("profiles", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("name", String(MAX_NAME), nullable=False, unique=True),
                 Column("notes", Text, nullable=False, server_default=""),
                 Column("created_at", Float, nullable=False),
                 Column("budget", Float, nullable=True),  # added in v2
                 Column("name_key", String(4 * MAX_NAME), nullable=True))  # added in v3: unique, see name_key()
interactions = Table("interactions", metadata,
                     Column("id", Integer, primary_key=True),
                     Column("profile_id", Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True),
                     Column("item_id", String(200), nullable=False),
                     Column("kind", String(16), nullable=False),
                     Column("created_at", Float, nullable=False),
                     UniqueConstraint("profile_id", "item_id", "kind", name="one_mark_per_item"))
artefacts = Table("artefacts", metadata,  # saved designs and try-on results
                  Column("id", Integer, primary_key=True),
                  Column("profile_id", Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True),
                  Column("kind", String(16), nullable=False),  # design | tryon
                  Column("png", LargeBinary, nullable=False),
                  Column("spec", Text, nullable=False),  # JSON: prompt, seed, model, source item ...
                  Column("created_at", Float, nullable=False))
searches = Table("searches", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("profile_id", Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True),
                 Column("query", Text, nullable=False),
                 Column("created_at", Float, nullable=False))


def _migration_2(conn) -> None:
    """v2: profiles.budget, a stylist's default outfit budget."""
    from sqlalchemy import inspect

    if "budget" not in {c["name"] for c in inspect(conn).get_columns("profiles")}:
        conn.execute(text("ALTER TABLE profiles ADD COLUMN budget FLOAT"))


def _migration_3(conn) -> None:
    """v3: profiles.name_key (the normalised, case-folded name) with a unique index: one profile per person.

    Existing rows get their key; where two old profiles fold to one key ("Ada", "ADA"), the later one keeps
    working under its exact name and id with a key made unique by its id.
    """
    from sqlalchemy import inspect

    if "name_key" not in {c["name"] for c in inspect(conn).get_columns("profiles")}:
        conn.execute(text(f"ALTER TABLE profiles ADD COLUMN name_key VARCHAR({4 * MAX_NAME})"))
    seen: set[str] = set()
    for pid, name, key in conn.execute(select(profiles.c.id, profiles.c.name, profiles.c.name_key)
                                       .order_by(profiles.c.id)).all():
        want = name_key(name) or f"#{pid}"
        if want in seen:
            log.warning("profiles %r and an older one have the same normalised name; keeping both", name)
            want = f"{want}#{pid}"
        seen.add(want)
        if key != want:
            conn.execute(profiles.update().where(profiles.c.id == pid).values(name_key=want))
    conn.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS profiles_name_key ON profiles (name_key)"))


# Numbered migrations after the base schema (v1 = the tables above without later columns).
MIGRATIONS = {2: _migration_2, 3: _migration_3}

# Characters that draw nothing: zero-width spaces and joiners, bidi controls, soft hyphen, BOM, tags.
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]")
# Cyrillic and Greek letters drawn like Latin ones (from Unicode's confusables.txt, the letters names use).
_LOOKALIKE = str.maketrans("аеорсухіјѕԁһӏԛԝаеоАВЕКМНОРСТХІЈЅУԜαβεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
                           "aeopcyxijsdhlqwaeoABEKMHOPCTXIJSYWaBeiKvopTuxABEZHIKMNOPTYX")
# Beyond Cyrillic/Greek (confusables.txt): Armenian, Latin small capitals and IPA, Cherokee, Coptic, Lisu.
_LOOKALIKE.update({ord(a): b for a, b in (pair.split(":") for pair in (
    "օ:o ս:u ո:n հ:h ց:g զ:q վ:v ɑ:a ɡ:g ı:i ȷ:j ʀ:R ʏ:Y ᴀ:A ʙ:B ᴄ:C ᴅ:D ᴇ:E ɢ:G ʜ:H ɪ:I ᴊ:J ᴋ:K ʟ:L ᴍ:M ɴ:N "
    "ᴏ:O ᴘ:P ᴛ:T ᴜ:U ᴠ:V ᴡ:W ᴢ:Z Ꭺ:A Ᏼ:B Ꮯ:C Ꭼ:E Ꮋ:H Ꮖ:I Ꭻ:J Ꮶ:K Ꮮ:L Ꮇ:M Ꮎ:O Ꮲ:P Ꮪ:S Ꭲ:T Ꮩ:V Ꮃ:W Ꮓ:Z "
    "ⲟ:o ⲣ:p ⲥ:c ⲁ:a ⲉ:e ꓮ:A ꓐ:B ꓚ:C ꓓ:D ꓰ:E ꓝ:F ꓖ:G ꓧ:H ꓲ:I ꓙ:J ꓗ:K ꓡ:L ꓟ:M ꓠ:N ꓳ:O ꓑ:P ꓣ:R ꓢ:S ꓔ:T ꓴ:U "
    "ꓦ:V ꓪ:W ꓫ:X ꓬ:Y ꓜ:Z").split())})
_ZWJ = "\u200d"
MAX_NAME_INPUT = 10 * MAX_NAME  # longer input is refused with a message, never cut silently


def _keep_emoji_joiners(raw: str) -> str:
    """U+200D between two pictographs joins an emoji (family, profession, flag): keep it; elsewhere it draws nothing."""
    def pictograph(ch: str) -> bool:
        return ord(ch) >= 0x1F000 or 0x2600 <= ord(ch) <= 0x27BF or ch == "\ufe0f"

    out = []
    for i, ch in enumerate(raw):
        if ch == _ZWJ and 0 < i < len(raw) - 1 and pictograph(raw[i - 1]) and pictograph(raw[i + 1]):
            out.append("\x00")  # a placeholder the invisible-character pass leaves alone
        else:
            out.append(ch)
    return "".join(out)


def check_profile_name(raw: str) -> None:
    """Refuse, with a message, a name that would otherwise be cut (the store keeps MAX_NAME characters)."""
    shown = display_profile_name(str(raw or "")[: MAX_NAME_INPUT + 1], cut=False)
    if len(str(raw or "")) > MAX_NAME_INPUT or len(shown) > MAX_NAME:
        raise AtelierError(f"A profile name is at most {MAX_NAME} characters; this one has "
                           f"{len(shown) if len(str(raw or '')) <= MAX_NAME_INPUT else len(str(raw))}. Shorten it.")


def display_profile_name(raw: str, cut: bool = True) -> str:
    """The name as shown and stored: NFKC, invisible characters removed (emoji joiners kept), whitespace
    collapsed, at most MAX_NAME."""
    s = _keep_emoji_joiners(str(raw or ""))
    s = unicodedata.normalize("NFKC", _INVISIBLE.sub("", s).replace("\x00", "\ufffe")).replace("\ufffe", _ZWJ)
    s = "".join(ch if ch.isprintable() or ch.isspace() or ch == _ZWJ else " " for ch in s)
    s = " ".join(s.split())
    return (s[:MAX_NAME] if cut else s).strip()


def name_key(raw: str) -> str:
    """What makes two names the same profile: the display name, case-folded ("Ada", "ADA", "ada\u200b")."""
    return unicodedata.normalize("NFKC", display_profile_name(raw).casefold())


def lookalike_key(raw: str) -> str:
    """name_key with Cyrillic/Greek look-alike letters read as Latin: used to refuse a spoof at create time.

    Not used for lookup: a name written in Cyrillic is a real name, and folding it would merge real people.
    """
    return name_key(raw).translate(_LOOKALIKE).casefold()


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    notes: str = ""
    budget: float | None = None


def database_url(settings_or_url) -> str:
    if isinstance(settings_or_url, str):
        return settings_or_url
    s = settings_or_url
    if getattr(s, "profiles_url", None):
        return s.profiles_url
    path = Path(s.data_dir) / "profiles.sqlite3"
    return f"sqlite:///{path}"


def _writes(method):
    """Storage faults during a write become one clear message; nothing half-written stays (transactions)."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except OperationalError as exc:
            from core.store import storage_error

            raise (storage_error(exc, self.url) or AtelierError(f"Could not save to {self.url}: {exc.orig}.")) from exc
    return wrapper


class ProfileStore:
    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            path = Path(url[len("sqlite:///"):])
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise AtelierError(f"Cannot create the profile database folder {path.parent}: {exc.strerror}.") from exc
        self.engine = create_engine(url, future=True, pool_pre_ping=True,
                                    connect_args={"timeout": 30} if url.startswith("sqlite") else {})
        if url.startswith("sqlite"):
            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn, _):  # WAL: readers never block the writer; FKs on for cascades
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()
        try:
            self.migrate()
        except OperationalError as exc:
            raise AtelierError(f"The profile database {url} cannot be opened or written: {exc.orig}.") from exc

    # ---- schema -------------------------------------------------------------------------------------
    def migrate(self) -> int:
        with self.engine.begin() as conn:
            metadata.create_all(conn)
            current = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
            if current == 0:
                conn.execute(insert(schema_version).values(version=1, applied_at=time.time()))
                current = 1
            for version in sorted(v for v in MIGRATIONS if v > current):
                MIGRATIONS[version](conn)
                conn.execute(insert(schema_version).values(version=version, applied_at=time.time()))
                log.info("profile database migrated to v%d", version)
                current = version
            return current

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    # ---- profiles -----------------------------------------------------------------------------------
    @_writes
    def create(self, name: str, notes: str = "") -> Profile:
        check_profile_name(name)
        name = display_profile_name(name)
        key = name_key(name)
        if not key:
            raise AtelierError("Give the client profile a name (letters or digits, not only spaces or symbols that "
                               "draw nothing).")
        existing = self._find(name)
        if existing is not None:
            raise AtelierError(f"A profile named {existing.name!r} already exists; pick it from the list.")
        twin = next((p for p in self.list() if lookalike_key(p.name) == lookalike_key(name)), None)
        if twin is not None:
            raise AtelierError(f"{name!r} looks the same as the existing profile {twin.name!r} (letters from "
                               "another alphabet); pick that one, or add something to tell them apart.")
        try:
            with self.engine.begin() as conn:
                pid = conn.execute(insert(profiles).values(name=name, name_key=key, notes=(notes or "")[:2000],
                                                           created_at=time.time())).inserted_primary_key[0]
        except IntegrityError as exc:
            raise AtelierError(f"A profile named {name!r} already exists; pick it from the list.") from exc
        return Profile(int(pid), name, notes)

    def list(self) -> list[Profile]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(profiles).order_by(profiles.c.name)).mappings().all()
        return [Profile(r["id"], r["name"], r["notes"], r.get("budget")) for r in rows]

    def _find(self, name_or_id) -> Profile | None:
        """By id, or by name under the one normalisation (an old profile's exact stored name also works)."""
        if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
            where = profiles.c.id == name_or_id
        else:
            key = name_key(str(name_or_id))
            if not key:
                return None
            where = (profiles.c.name_key == key) | (profiles.c.name == str(name_or_id))
        with self.engine.connect() as conn:
            rows = conn.execute(select(profiles).where(where).order_by(profiles.c.id)).mappings().all()
        # An exact stored name first: two old profiles that fold to one key ("Ada", "ADA") both stay reachable.
        r = next((r for r in rows if r["name"] == name_or_id), rows[0] if rows else None)
        return None if r is None else Profile(r["id"], r["name"], r["notes"], r.get("budget"))

    def get(self, name_or_id) -> Profile:
        found = self._find(name_or_id)
        if found is None:
            shown = display_profile_name(str(name_or_id)) if not isinstance(name_or_id, int) else name_or_id
            raise AtelierError(f"No client profile {shown!r}. Create it first.")
        return found

    def get_or_create(self, name: str) -> Profile:
        found = self._find(name)
        if found is not None:
            return found
        try:
            return self.create(name)
        except AtelierError:
            found = self._find(name)  # created by a concurrent session in between
            if found is None:
                raise
            return found

    @_writes
    def set_budget(self, profile_id: int, budget: float | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(profiles.update().where(profiles.c.id == profile_id).values(budget=budget))

    # ---- marks (like / dislike / favourite / cart) --------------------------------------------------
    @_writes
    def mark(self, profile_id: int, item_id: str, kind: str, on: bool = True) -> None:
        if kind not in KINDS:
            raise AtelierError(f"Unknown mark {kind!r}.")
        with self.engine.begin() as conn:
            if on:
                if kind in ("like", "dislike"):  # a like replaces a dislike and vice versa
                    other = "dislike" if kind == "like" else "like"
                    conn.execute(interactions.delete().where((interactions.c.profile_id == profile_id) &
                                                             (interactions.c.item_id == item_id) &
                                                             (interactions.c.kind == other)))
                exists = conn.execute(select(interactions.c.id).where(
                    (interactions.c.profile_id == profile_id) & (interactions.c.item_id == item_id) &
                    (interactions.c.kind == kind))).first()
                if exists is None:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(interactions).values(profile_id=profile_id, item_id=item_id, kind=kind,
                                                                     created_at=time.time()))
                    except IntegrityError:
                        pass  # the same mark written by a concurrent session: already there
            else:
                conn.execute(interactions.delete().where((interactions.c.profile_id == profile_id) &
                                                         (interactions.c.item_id == item_id) &
                                                         (interactions.c.kind == kind)))

    def toggle(self, profile_id: int, item_id: str, kind: str) -> bool:
        now_on = item_id not in self.items(profile_id, kind)
        self.mark(profile_id, item_id, kind, now_on)
        return now_on

    def items(self, profile_id: int, kind: str) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(interactions.c.item_id).where(
                (interactions.c.profile_id == profile_id) & (interactions.c.kind == kind))
                .order_by(interactions.c.created_at, interactions.c.id)).all()
        return [r[0] for r in rows]

    def popularity(self, kind: str = "like") -> dict[str, int]:
        """How many profiles marked each item (counts only: no profile's identity leaves this method)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(interactions.c.item_id, func.count()).where(interactions.c.kind == kind)
                                .group_by(interactions.c.item_id)).all()
        return {r[0]: int(r[1]) for r in rows}

    # ---- saved designs / try-ons, search history ----------------------------------------------------
    @_writes
    def save_artefact(self, profile_id: int, kind: str, png: bytes, spec: dict) -> int:
        if kind not in ("design", "tryon"):
            raise AtelierError(f"Unknown artefact kind {kind!r}.")
        with self.engine.begin() as conn:
            return int(conn.execute(insert(artefacts).values(profile_id=profile_id, kind=kind, png=png,
                                                             spec=json.dumps(spec), created_at=time.time()))
                       .inserted_primary_key[0])

    def artefacts(self, profile_id: int, kind: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(artefacts).where((artefacts.c.profile_id == profile_id) & (artefacts.c.kind == kind))
                                .order_by(artefacts.c.id)).mappings().all()
        return [{"id": r["id"], "png": r["png"], "spec": json.loads(r["spec"]), "created_at": r["created_at"]} for r in rows]

    @_writes
    def log_search(self, profile_id: int, query: str) -> None:
        q = (query or "").strip()[:500]
        if q:
            with self.engine.begin() as conn:
                conn.execute(insert(searches).values(profile_id=profile_id, query=q, created_at=time.time()))

    def search_history(self, profile_id: int, limit: int = 50) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(searches.c.query).where(searches.c.profile_id == profile_id)
                                .order_by(searches.c.id.desc()).limit(limit)).all()
        return [r[0] for r in rows]
