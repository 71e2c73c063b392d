"""Client profiles in a real database: SQLite file by default, any SQLAlchemy URL (PostgreSQL ...) for teams.

Every read and write goes through a `ProfileStore` method that takes the profile id, so no caller can see
or change another profile's rows. Schema changes are numbered migrations recorded in `schema_version`.

A store acts for one stylist (`ProfileStore(url, actor)`, `store.acting_as(stylist)`): each profile has an
owner, and every method that takes a profile id checks that the actor owns it (or is an admin) before it
reads or writes; a profile the actor may not see answers exactly like one that does not exist. Every change is
written to `profile_audit` (who, when, what) in the same transaction. `export` puts one client's data in one
zip; `erase` removes it so that no byte of the database names the client any more.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select, text, true
from sqlalchemy.exc import IntegrityError, OperationalError

from core.auth import LOCAL, LOCAL_OWNER, Stylist
from core.errors import AtelierError
from core.stylist.profile_names import check_profile_name, display_profile_name, lookalike_key, name_key
from core.stylist.profile_tables import (artefacts, audit, interactions, migrate_database, open_engine, profiles,
                                         schema_version, searches)

log = logging.getLogger(__name__)

MARK_KINDS = ("like", "dislike", "favourite", "cart")  # what a client marks an item as


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    notes: str = ""
    budget: float | None = None
    owner: str = LOCAL_OWNER


def _profile(r) -> Profile:
    return Profile(r["id"], r["name"], r["notes"], r.get("budget"), r.get("owner") or LOCAL_OWNER)


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
    def __init__(self, url: str, actor: Stylist = LOCAL) -> None:
        self.url = url
        self.actor = actor
        self.engine = open_engine(url)
        try:
            self.migrate()
        except OperationalError as exc:
            raise AtelierError(f"The profile database {url} cannot be opened or written: {exc.orig}.") from exc

    # ---- schema -------------------------------------------------------------------------------------
    def migrate(self) -> int:
        return migrate_database(self.engine)

    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0

    def acting_as(self, actor: Stylist) -> "ProfileStore":
        """The same database, acting for another stylist (the engine and its connections are shared)."""
        import copy

        twin = copy.copy(self)
        twin.actor = actor
        return twin

    # ---- whose profile -------------------------------------------------------------------------------
    def _visible(self):
        return true() if self.actor.admin else profiles.c.owner == self.actor.id

    def _owned(self, conn, profile_id) -> dict:
        """The profile row when the actor may use it; otherwise the same error as for a missing profile."""
        row = None
        if isinstance(profile_id, int) and not isinstance(profile_id, bool):
            row = conn.execute(select(profiles).where((profiles.c.id == profile_id) & self._visible())).mappings().first()
        if row is None:
            raise AtelierError(f"No client profile #{profile_id} in your client book.")
        return row

    def _audit(self, conn, profile_id: int, action: str, **detail) -> None:
        conn.execute(insert(audit).values(profile_id=profile_id, actor=self.actor.id, at=time.time(), action=action,
                                          detail=json.dumps(detail, ensure_ascii=False)))

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
        if self._find(name, everyone=True) is not None:  # in another stylist's book: say no more than that
            raise AtelierError(f"The name {name!r} is taken by a client in another stylist's book; add something to "
                               "tell them apart (a surname initial).")
        twin = next((p for p in self._all() if lookalike_key(p.name) == lookalike_key(name)), None)
        if twin is not None:
            shown = repr(twin.name) if self.actor.admin or twin.owner == self.actor.id else "one in another book"
            raise AtelierError(f"{name!r} looks the same as the existing profile {shown} (letters from "
                               "another alphabet); pick that one, or add something to tell them apart.")
        try:
            with self.engine.begin() as conn:
                pid = conn.execute(insert(profiles).values(name=name, name_key=key, notes=(notes or "")[:2000],
                                                           created_at=time.time(), owner=self.actor.id)
                                   ).inserted_primary_key[0]
                self._audit(conn, int(pid), "create", name=name)
        except IntegrityError as exc:
            raise AtelierError(f"A profile named {name!r} already exists; pick it from the list.") from exc
        return Profile(int(pid), name, notes, None, self.actor.id)

    def _all(self) -> list[Profile]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(profiles).order_by(profiles.c.name)).mappings().all()
        return [_profile(r) for r in rows]

    def list(self) -> list[Profile]:
        """The actor's client book (an admin's: every profile)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(profiles).where(self._visible()).order_by(profiles.c.name)).mappings().all()
        return [_profile(r) for r in rows]

    def _find(self, name_or_id, everyone: bool = False) -> Profile | None:
        """By id, or by name under the one normalisation (an old profile's exact stored name also works)."""
        if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
            where = profiles.c.id == name_or_id
        else:
            key = name_key(str(name_or_id))
            if not key:
                return None
            where = (profiles.c.name_key == key) | (profiles.c.name == str(name_or_id))
        if not everyone:
            where = where & self._visible()
        with self.engine.connect() as conn:
            rows = conn.execute(select(profiles).where(where).order_by(profiles.c.id)).mappings().all()
        # An exact stored name first: two old profiles that fold to one key ("Ada", "ADA") both stay reachable.
        r = next((r for r in rows if r["name"] == name_or_id), rows[0] if rows else None)
        return None if r is None else _profile(r)

    def get(self, name_or_id) -> Profile:
        found = self._find(name_or_id)
        if found is None:
            shown = display_profile_name(str(name_or_id)) if not isinstance(name_or_id, int) else name_or_id
            raise AtelierError(f"No client profile {shown!r} in your client book. Create it first.")
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
            self._owned(conn, profile_id)
            conn.execute(profiles.update().where(profiles.c.id == profile_id).values(budget=budget))
            self._audit(conn, profile_id, "budget", budget=budget)

    @_writes
    def reassign(self, profile_id: int, owner: str) -> Profile:
        """Hand a client to another stylist (admins only)."""
        from core.auth import stylist_id

        if not self.actor.admin:
            raise AtelierError("Only an admin can hand a client to another stylist.")
        owner = stylist_id(owner)
        with self.engine.begin() as conn:
            row = self._owned(conn, profile_id)
            conn.execute(profiles.update().where(profiles.c.id == profile_id).values(owner=owner))
            self._audit(conn, profile_id, "reassign", previous=row["owner"], owner=owner)
        return self.get(profile_id)

    # ---- marks (like / dislike / favourite / cart) --------------------------------------------------
    @_writes
    def mark(self, profile_id: int, item_id: str, kind: str, on: bool = True) -> None:
        if kind not in MARK_KINDS:
            raise AtelierError(f"Unknown mark {kind!r}.")
        with self.engine.begin() as conn:
            self._owned(conn, profile_id)
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
            self._audit(conn, profile_id, kind if on else f"un{kind}", item=item_id)

    def toggle(self, profile_id: int, item_id: str, kind: str) -> bool:
        now_on = item_id not in self.items(profile_id, kind)
        self.mark(profile_id, item_id, kind, now_on)
        return now_on

    def items(self, profile_id: int, kind: str) -> list[str]:
        with self.engine.connect() as conn:
            self._owned(conn, profile_id)
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
            self._owned(conn, profile_id)
            aid = int(conn.execute(insert(artefacts).values(profile_id=profile_id, kind=kind, png=png,
                                                            spec=json.dumps(spec), created_at=time.time()))
                      .inserted_primary_key[0])
            self._audit(conn, profile_id, f"save-{kind}", artefact=aid)
            return aid

    def artefacts(self, profile_id: int, kind: str) -> list[dict]:
        with self.engine.connect() as conn:
            self._owned(conn, profile_id)
            rows = conn.execute(select(artefacts).where((artefacts.c.profile_id == profile_id) & (artefacts.c.kind == kind))
                                .order_by(artefacts.c.id)).mappings().all()
        return [{"id": r["id"], "png": r["png"], "spec": json.loads(r["spec"]), "created_at": r["created_at"]} for r in rows]

    @_writes
    def log_search(self, profile_id: int, query: str) -> None:
        q = (query or "").strip()[:500]
        if q:
            with self.engine.begin() as conn:
                self._owned(conn, profile_id)
                conn.execute(insert(searches).values(profile_id=profile_id, query=q, created_at=time.time()))
                self._audit(conn, profile_id, "search", chars=len(q))

    def search_history(self, profile_id: int, limit: int = 50) -> list[str]:
        with self.engine.connect() as conn:
            self._owned(conn, profile_id)
            rows = conn.execute(select(searches.c.query).where(searches.c.profile_id == profile_id)
                                .order_by(searches.c.id.desc()).limit(limit)).all()
        return [r[0] for r in rows]

    # ---- accountability: history, export, erase -----------------------------------------------------
    def history(self, profile_id: int) -> list[dict]:
        """Every recorded change to this profile, oldest first: who, when (epoch seconds), what."""
        with self.engine.connect() as conn:
            self._owned(conn, profile_id)
            rows = conn.execute(select(audit).where(audit.c.profile_id == profile_id).order_by(audit.c.id)).mappings().all()
        return [{"actor": r["actor"], "at": r["at"], "action": r["action"], **json.loads(r["detail"] or "{}")}
                for r in rows]

    @_writes
    def export(self, profile_id: int) -> bytes:
        """One zip: client.json (profile, marks, searches, saved items' specs, the change history) + images/*.png."""
        import io
        import zipfile

        with self.engine.begin() as conn:
            row = self._owned(conn, profile_id)
            self._audit(conn, profile_id, "export")
        p = _profile(row)
        arts = [dict(a, kind=k) for k in ("design", "tryon") for a in self.artefacts(profile_id, k)]
        data = {"format": "atelier-client-export/1", "exported_at": time.time(), "exported_by": self.actor.id,
                "profile": {"id": p.id, "name": p.name, "notes": p.notes, "budget": p.budget, "owner": p.owner,
                            "created_at": row["created_at"]},
                "marks": {k: self.items(profile_id, k) for k in MARK_KINDS},
                "searches": self.search_history(profile_id, 10_000),
                "saved": [{"id": a["id"], "kind": a["kind"], "spec": a["spec"], "created_at": a["created_at"],
                           "image": f"images/{a['kind']}-{a['id']}.png"} for a in arts],
                "history": self.history(profile_id)}
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("client.json", json.dumps(data, ensure_ascii=False, indent=1))
            for a in arts:
                zf.writestr(f"images/{a['kind']}-{a['id']}.png", a["png"])
        return buf.getvalue()

    @_writes
    def erase(self, profile_id: int) -> None:
        """Remove the client completely: profile, marks, carts, searches, saved designs and try-ons, and the
        change history that named them; one audit row keeps that #id was erased, by whom and when (no name).
        SQLite: deleted bytes are overwritten (secure_delete), the WAL is emptied and the file rebuilt (VACUUM).
        """
        with self.engine.begin() as conn:
            self._owned(conn, profile_id)
            for table in (interactions, artefacts, searches):
                conn.execute(table.delete().where(table.c.profile_id == profile_id))
            conn.execute(audit.delete().where(audit.c.profile_id == profile_id))
            conn.execute(profiles.delete().where(profiles.c.id == profile_id))
            self._audit(conn, profile_id, "erase")
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM"))
                conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
