"""The app's pages and the set-up every page shares, in one place.

`Home.py` (the entry) calls `run_app()`: page config, `st.navigation` over `pages/`, the pending page switch,
the studio (index build with a progress bar on first start) and the client picker in the sidebar; then it runs
the chosen page. A page asks for what the set-up made with `page_context()`. When a page file is run on its
own (AppTest.from_file on a page), `page_context()` does the set-up itself.

The set-up is also the one gate: with an `[auth]` section in secrets.toml (Streamlit's OpenID Connect
sign-in) no page runs until a stylist is signed in with an unexpired ID token, and the profile store the pages
get acts as that stylist (core/profiles.py checks ownership on every call). Without `[auth]` the app serves
the one local user and says so. In demo mode (ATELIER_DEMO=1) the store is a throw-away in-memory database of
sample clients, one per session, and no real profile is reachable.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the entry file; also what st.switch_page takes
    title: str
    icon: str  # Material Symbols (bundled with Streamlit: no emoji font needed)
    default: bool = False


PAGES = [
    PageSpec("pages/0_Overview.py", "Home", ":material/home:", default=True),
    PageSpec("pages/1_Discover.py", "Discover", ":material/search:"),
    PageSpec("pages/2_Creative_Director.py", "Creative Director", ":material/palette:"),
    PageSpec("pages/3_Sketch_to_Cloth.py", "Sketch to Cloth", ":material/draw:"),
    PageSpec("pages/4_Try_On.py", "Try-On", ":material/accessibility_new:"),
    PageSpec("pages/5_Stylist.py", "Stylist", ":material/checkroom:"),
]


@dataclass
class PageContext:
    studio: Any
    profiles: Any  # ProfileStore, or None when the profile database cannot be opened
    profile: Any  # the active client's Profile, or None

    def __iter__(self):  # studio, profiles, profile = page_context()
        return iter((self.studio, self.profiles, self.profile))


def setup(stylist=None) -> PageContext:
    """The signed-in stylist (or the sign-in page and a stop), the studio, and the sidebar's client picker."""
    from core.ui.profiles import profile_picker
    from core.ui.resources import studio_or_stop

    stylist = stylist or signed_in_stylist()
    studio = studio_or_stop()
    demo = demo_store(studio, stylist) if studio.settings.is_demo else None
    profiles, profile = profile_picker(studio, stylist, store=demo)
    if profiles is not None and profile is not None:
        client_data(profiles, profile)
    return PageContext(studio, profiles, profile)


# ---- the active client's data: history, export, erase, hand over ----------------------------------------
def _erase_client(store, profile_id: int) -> None:
    from core.errors import AtelierError
    from core.ui import state as keys

    try:
        store.erase(profile_id)
    except AtelierError as exc:
        st.session_state[keys.PROFILE_MESSAGE] = ("error", str(exc))
        return
    st.session_state.pop("client_export", None)
    st.session_state[keys.PROFILE_NAME] = None
    st.session_state[keys.PROFILE_MESSAGE] = ("success", "The client's data is erased.")


def _reassign_client(store, profile_id: int) -> None:
    from core.errors import AtelierError
    from core.ui import state as keys

    try:
        p = store.reassign(profile_id, st.session_state.get("client_reassign_to", ""))
    except AtelierError as exc:
        st.session_state[keys.PROFILE_MESSAGE] = ("error", str(exc))
        return
    st.session_state[keys.PROFILE_MESSAGE] = ("success", f"The client now belongs to {p.owner}.")


def client_data(store, profile) -> None:
    """Sidebar: the change history, one-file export (JSON + images in a zip), erase, and (admins) hand over."""
    from core.ui.widgets import md

    with st.sidebar.expander("Client data: history, export, erase"):
        history = store.history(profile.id)
        st.caption(f"{len(history)} recorded changes; the last: " + (
            f"{history[-1]['action']} by {md(history[-1]['actor'])}" if history else "none"))
        if st.button("Prepare export (zip)", key="client_export_go"):
            st.session_state["client_export"] = (profile.id, store.export(profile.id))
        ready = st.session_state.get("client_export")
        if ready and ready[0] == profile.id:
            st.download_button("Download client data", ready[1], file_name=f"client-{profile.id}.zip",
                               mime="application/zip", key="client_export_dl")
        sure = st.checkbox("Erase this client's data for good", key=f"client_erase_sure_{profile.id}")
        st.button("Erase client", key="client_erase", disabled=not sure, type="primary",
                  on_click=_erase_client, args=(store, profile.id))
        if store.actor.admin and auth_configured():
            st.text_input("Hand to stylist (e-mail)", key="client_reassign_to")
            st.button("Reassign", key="client_reassign", on_click=_reassign_client, args=(store, profile.id))


# ---- sign-in ------------------------------------------------------------------------------------------
def auth_configured() -> bool:
    """Streamlit's st.login is set up: an `[auth]` section in .streamlit/secrets.toml."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _auth_provider() -> str | None:
    """st.login() for one unnamed provider; st.login(name) when [auth.NAME] sections list several."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if hasattr(v, "get") and v.get("client_id")]
    return named[0] if named else None


def _sign_in_page(message: str | None = None) -> None:
    """All a signed-out visitor gets: no page, no menu, no studio, no profile store."""
    from streamlit.source_util import page_icon_and_name

    # The studio's page addresses (a bookmark, a deep link, a session that expired on /Stylist) answer with
    # this same sign-in page, not Streamlit's "Page not found" dialog over it.
    gates = [st.Page(_sign_in_body, title="Sign in", icon=":material/login:", url_path="sign-in")]
    gates += [st.Page(_sign_in_body, title="Sign in", icon=":material/login:",
                      url_path=page_icon_and_name(Path(spec.path))[1]) for spec in PAGES if not spec.default]
    st.navigation(gates, position="hidden")
    st.title("Atelier")
    st.write("Stylists sign in to reach the studio and their client book.")
    if message:
        st.warning(message)
    provider = _auth_provider()
    st.button("Sign in", key="auth_sign_in", type="primary", on_click=st.login,
              args=(provider,) if provider else ())
    st.stop()


def _sign_in_body() -> None:  # the hidden sign-in page's body is drawn by _sign_in_page itself
    pass


def signed_in_stylist():
    """The acting stylist: from st.user when sign-in is configured (else the sign-in page and a stop), or the
    local user. Also draws who is signed in (and Sign out) at the top of the sidebar."""
    from core.auth import LOCAL, session_expired, stylist_from_claims

    if not auth_configured():
        from core.config import load_settings

        with st.sidebar:
            if load_settings().is_demo:  # a public demo: many visitors, sample clients only, nothing kept
                st.caption(":material/lock_open: Demo: no sign-in. The clients here are samples; what you change "
                           "is yours for this visit and is reset when the demo restarts.")
            else:
                st.caption(":material/lock_open: Sign-in is off: this app serves one person on this computer "
                           "(localhost). A team sets up sign-in (README: Team set-up).")
        return LOCAL
    user = st.user
    if not user.get("is_logged_in"):
        _sign_in_page()
    claims = user.to_dict()
    if session_expired(claims):
        _sign_in_page("Your session has expired: sign in again.")
    try:
        from core.config import load_settings

        stylist = stylist_from_claims(claims, load_settings())
    except Exception:  # a token without e-mail or subject: not a stylist
        _sign_in_page("This sign-in carries no e-mail or subject; ask your administrator.")
    with st.sidebar:
        from core.ui.widgets import md

        st.caption(f":material/person: Signed in as **{md(stylist.shown)}**" + (" (admin)" if stylist.admin else ""))
        st.button("Sign out", key="auth_sign_out", on_click=st.logout)
    return stylist


# ---- demo mode ----------------------------------------------------------------------------------------
DEMO_CLIENTS = ("Sample client Ava", "Sample client Ben")
_DEMO_KEY = "_atelier_demo_profiles"


def demo_store(studio, stylist):
    """This session's throw-away profile database (in memory), seeded with sample clients; never a real one."""
    from core.profiles import ProfileStore

    store = st.session_state.get(_DEMO_KEY)
    if store is None:
        store = ProfileStore("sqlite://", stylist)
        ids = []
        try:
            ids = list(studio.index.snapshot().ids[:6])
        except Exception:  # an index without sample ids: the clients start empty
            pass
        for n, name in enumerate(DEMO_CLIENTS):
            p = store.create(name, "A sample client of the demo: nothing here is saved.")
            for item in ids[n * 3:(n + 1) * 3]:
                store.mark(p.id, item, "like")
        st.session_state[_DEMO_KEY] = store
    st.info(":material/science: **Demo**: the sample catalog with throw-away sample clients. Nothing you do "
            "here is saved, and no real client's profile is reachable.")
    return store


# The entry and the page it runs share one script thread per run; a thread-local hands the context over
# without putting the studio into session state (which may have to stay serialisable).
_run = threading.local()


def page_context() -> PageContext:
    """What the entry set up for this run; set up here when the page runs on its own."""
    ctx, _run.ctx = getattr(_run, "ctx", None), None
    if ctx is not None:
        return ctx
    if _in_legacy_pages_mode():
        # A page opened by its own address (a bookmark, a shared link) before any session of this server ran
        # the entry: Streamlit then runs the page alone, in its pages/-folder mode, with that folder's menu
        # ("Overview", "Try On" and two homes). Declaring the app's navigation ends that mode for every session;
        # the rerun goes through the entry to the same page.
        _navigation()
        st.rerun()
    return setup()


def _in_legacy_pages_mode() -> bool:
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return False
    return bool(PagesManager.uses_pages_directory)


def _navigation():
    return st.navigation([st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in PAGES])


def run_app() -> None:
    from core.ui.links import follow_link

    st.set_page_config(page_title="Atelier", page_icon=":material/checkroom:", layout="wide")
    stylist = signed_in_stylist()  # first: a signed-out visitor gets the sign-in page and nothing else
    nav = _navigation()
    follow_link()  # a button on the last page asked for another page
    _run.ctx = setup(stylist)
    try:
        nav.run()
    finally:  # what the run freed goes back to the system (about 1 ms): a replica serves for days
        from core.allocator import release_freed_memory

        release_freed_memory()
