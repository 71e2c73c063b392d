"""Moving between pages: a button callback cannot switch pages itself; it leaves what the next page needs in the
session and names that page; follow_link() (run by the entry before every page) does the switch."""
from __future__ import annotations

import streamlit as st

from core.ui import state as keys

PAGES = {"discover": "pages/1_Discover.py", "design": "pages/2_Creative_Director.py", "tryon": "pages/4_Try_On.py",
         "stylist": "pages/5_Stylist.py"}


def follow_link() -> None:
    target = st.session_state.pop(keys.GOTO, None)
    if target:
        st.switch_page(PAGES[target])


def more_like(item_id: str, go: bool = True) -> None:
    """Discover, showing items like this one (go=False: already on Discover)."""
    st.session_state.update({keys.DISCOVER_LIKE: item_id, keys.DISCOVER_PAGE: 0})
    if go:
        st.session_state[keys.GOTO] = "discover"


def edit_in_design(item_id: str) -> None:
    """The Creative Director, with this catalog item as the base."""
    st.session_state.update({keys.DESIGN_BASE_ID: item_id, keys.GOTO: "design"})


def try_on(item_id: str | None = None, design: dict | None = None, outfit: list[str] | None = None) -> None:
    """Try-On, with a catalog item, a generated design ({"image", "prompt"}) or a whole outfit (item ids)."""
    if outfit is not None:
        st.session_state[keys.TRYON_OUTFIT] = list(outfit)
    elif design is not None:
        st.session_state[keys.TRYON_DESIGN] = design
    else:
        st.session_state[keys.TRYON_ITEM] = item_id
    st.session_state[keys.GOTO] = "tryon"
