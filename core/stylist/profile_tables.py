"""The profile database's tables and its numbered migrations (recorded in `schema_version`), and the engine."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy import (Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text,
                        UniqueConstraint, create_engine, event, func, insert, select, text)

from core.auth import LOCAL_OWNER
from core.errors import AtelierError
from core.stylist.profile_names import MAX_NAME, name_key

log = logging.getLogger(__name__)


metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True),
                       Column("applied_at", Float, nullable=False))
profiles = Table("profiles", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("name", String(MAX_NAME), nullable=False, unique=True),
                 Column("notes", Text, nullable=False, server_default=""),
                 Column("created_at", Float, nullable=False),
                 Column("budget", Float, nullable=True),  # added in v2
                 Column("name_key", String(4 * MAX_NAME), nullable=True),  # added in v3: unique, see name_key()
                 Column("owner", String(320), nullable=True, index=True))  # added in v4: the stylist's id
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


# Who changed which profile, when, and what (v4). profile_id is no foreign key: the record of an erasure stays.
audit = Table("profile_audit", metadata,
              Column("id", Integer, primary_key=True),
              Column("profile_id", Integer, nullable=False, index=True),
              Column("actor", String(320), nullable=False),
              Column("at", Float, nullable=False),
              Column("action", String(32), nullable=False),
              Column("detail", Text, nullable=False, server_default="{}"))


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


def _migration_4(conn) -> None:
    """v4: profiles.owner; every existing profile belongs to the local user (what the app had until now)."""
    from sqlalchemy import inspect

    if "owner" not in {c["name"] for c in inspect(conn).get_columns("profiles")}:
        conn.execute(text("ALTER TABLE profiles ADD COLUMN owner VARCHAR(320)"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_profiles_owner ON profiles (owner)"))
    conn.execute(profiles.update().where(profiles.c.owner.is_(None)).values(owner=LOCAL_OWNER))


# Numbered migrations after the base schema (v1 = the tables above without later columns).
MIGRATIONS = {2: _migration_2, 3: _migration_3, 4: _migration_4}


def open_engine(url: str):
    """The SQLAlchemy engine for a profile database URL (a SQLite file's folder made; WAL, foreign keys, secure delete)."""
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AtelierError(f"Cannot create the profile database folder {path.parent}: {exc.strerror}.") from exc
    if url in ("sqlite://", "sqlite:///:memory:"):  # demo mode: one in-memory database, gone with the store
        from sqlalchemy.pool import StaticPool

        engine = create_engine(url, future=True, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True,
                               connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):  # WAL: readers never block the writer; FKs on for cascades
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA secure_delete=ON")  # an erased client's bytes are overwritten, not just unlinked
            cur.close()
    return engine


def migrate_database(engine) -> int:
    """Creates the tables and runs the migrations the database has not had; returns its schema version."""
    with engine.begin() as conn:
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
