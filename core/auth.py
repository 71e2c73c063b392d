"""Who is acting: the signed-in stylist (from Streamlit's OpenID Connect sign-in), the CLI's `--as`, or the one
local user when sign-in is not configured. No Streamlit here: the page frame (core/ui/page.py) reads `st.user`
and hands the claims to `stylist_from_claims`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from core.errors import AtelierError

LOCAL_OWNER = "local"  # the owner of every profile made without sign-in (and of profiles from before v4)
ADMIN_ROLE = "atelier-admin"  # a provider's `roles` / `groups` claim holding this makes an admin


@dataclass(frozen=True)
class Stylist:
    id: str  # the owner key stored on profiles: the e-mail, lower-cased (else the provider's `sub`)
    name: str = ""
    admin: bool = False

    @property
    def shown(self) -> str:
        return self.name or self.id


# Without sign-in the app serves one person on localhost: that person owns and sees every profile.
LOCAL = Stylist(LOCAL_OWNER, "local user", admin=True)


def admin_list(settings) -> set[str]:
    raw = getattr(settings, "admins", "") or ""
    return {a.strip().lower() for a in str(raw).replace(";", ",").split(",") if a.strip()}


def stylist_id(raw: str) -> str:
    sid = " ".join(str(raw or "").split()).lower()
    if not sid or len(sid) > 320:
        raise AtelierError("A stylist is named by an e-mail address (or the provider's subject id), up to 320 "
                           "characters.")
    return sid


def stylist_from_claims(claims: dict, settings=None) -> Stylist:
    """The stylist an ID token names; admin when the provider says so (roles/groups) or the settings list them."""
    sid = stylist_id(claims.get("email") or claims.get("sub") or "")
    if sid == LOCAL_OWNER:  # the local user's book is no provider account's (an admin reassigns it)
        raise AtelierError("This account's id is reserved; ask your administrator.")
    roles = []
    for key in ("roles", "groups"):
        value = claims.get(key)
        roles += value if isinstance(value, list) else [value] if isinstance(value, str) else []
    admin = ADMIN_ROLE in roles or sid in admin_list(settings)
    return Stylist(sid, str(claims.get("name") or claims.get("email") or sid), admin)


def session_expired(claims: dict, now: float | None = None) -> bool:
    """The ID token's own expiry (`exp`): Streamlit's sign-in cookie lives 30 days, the provider's token less."""
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return False
    return exp <= (time.time() if now is None else now)


def cli_stylist(name: str | None, settings) -> Stylist:
    """The CLI's `--as STYLIST`. With sign-in configured it is required (the CLI can reach every profile's
    rows, so it acts as one stylist like the pages do); an admin is one in ATELIER_ADMINS.
    """
    if not name:
        if auth_configured(settings):
            raise AtelierError("Sign-in is configured for this app: say who you are with --as STYLIST (your "
                               "e-mail); admins are listed in ATELIER_ADMINS.")
        return LOCAL
    sid = stylist_id(name)
    if sid == LOCAL_OWNER:
        if auth_configured(settings):
            raise AtelierError("With sign-in configured, the local user's profiles (from before sign-in) are "
                               "reached by an admin (--as an ATELIER_ADMINS e-mail), who can reassign them.")
        return LOCAL
    return Stylist(sid, sid, sid in admin_list(settings))


def auth_configured(settings=None) -> bool:
    """An `[auth]` section in .streamlit/secrets.toml (what st.login reads)."""
    from core.config import REPO_ROOT

    import tomllib

    path = getattr(settings, "secrets_path", None) or REPO_ROOT / ".streamlit" / "secrets.toml"
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return False
    section = data.get("auth")
    return isinstance(section, dict) and bool(section.get("client_id") or any(
        isinstance(v, dict) and v.get("client_id") for v in section.values()))
