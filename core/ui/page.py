"""The app's pages and the set-up every page shares, in one place.

`Home.py` (the entry) calls `run_app()`: page config, `st.navigation` over `pages/`, the pending page switch,
the studio (index build with a progress bar on first start) and the client picker in the sidebar; then it runs
the chosen page. A page asks for what the set-up made with `page_context()`. When a page file is run on its
own (AppTest.from_file on a page), `page_context()` does the set-up itself.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
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


def setup() -> PageContext:
    """The studio (or a clear stop) and the sidebar's client picker."""
    from core.ui import profile_picker, studio_or_stop

    studio = studio_or_stop()
    profiles, profile = profile_picker(studio)
    return PageContext(studio, profiles, profile)


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
    from core.ui import follow_link

    st.set_page_config(page_title="Atelier", page_icon=":material/checkroom:", layout="wide")
    nav = _navigation()
    follow_link()  # a button on the last page asked for another page
    _run.ctx = setup()
    try:
        nav.run()
    finally:  # what the run freed goes back to the system (about 1 ms): a replica serves for days
        from core.allocator import release_freed_memory

        release_freed_memory()
