"""The sidebar's client picker: pick or create the active client profile."""
from __future__ import annotations

import streamlit as st

from core.errors import AtelierError
from core.ui import state as keys
from core.ui.resources import get_profile_store
from core.ui.widgets import md

NO_CLIENT = "No client"


def _select_profile() -> None:
    choice = st.session_state.get(keys.PROFILE_SELECT)
    st.session_state[keys.PROFILE_NAME] = None if choice in (None, NO_CLIENT) else choice


def _create_profile(store) -> None:
    """Create the profile and make it the active one at once (a callback: it runs before the picker is drawn)."""
    state = st.session_state
    try:
        profile = store.create(state.get(keys.PROFILE_NEW_NAME, ""))
    except AtelierError as exc:
        state[keys.PROFILE_MESSAGE] = ("error", md(exc))
        return
    state[keys.PROFILE_NAME] = profile.name
    state[keys.PROFILE_SELECT] = profile.name
    state[keys.PROFILE_NEW_NAME] = ""
    state[keys.PROFILE_MESSAGE] = ("success", f"Created {md(profile.name)}: likes and the cart now save to this client.")


def profile_picker(studio, stylist=None, store=None):
    """Sidebar: pick or create the active client profile; returns (store acting as `stylist`, profile or None)."""
    from core.auth import LOCAL
    from core.profiles import database_url

    if store is None:
        try:
            store = get_profile_store(database_url(studio.settings))
        except AtelierError as exc:
            st.sidebar.error(str(exc))
            return None, None
    store = store.acting_as(stylist or LOCAL)  # every call from the pages is checked against this stylist
    state = st.session_state
    names = [p.name for p in store.list()]
    current = state.get(keys.PROFILE_NAME)
    if current not in names:
        current = state[keys.PROFILE_NAME] = None
    if state.get(keys.PROFILE_SELECT) != (current or NO_CLIENT):  # set from elsewhere (another page, a test)
        state[keys.PROFILE_SELECT] = current or NO_CLIENT
    with st.sidebar:
        st.header("Client")
        st.selectbox("Active client", [NO_CLIENT] + names, key=keys.PROFILE_SELECT, on_change=_select_profile)
        message = state.pop(keys.PROFILE_MESSAGE, None)
        if message:
            (st.error if message[0] == "error" else st.success)(message[1])
        with st.expander("New client profile", expanded=not names):
            st.text_input("Client name", key=keys.PROFILE_NEW_NAME, max_chars=60)
            st.button("Create profile", key="profile_create", on_click=_create_profile, args=(store,))
    if current is None:
        return store, None
    try:
        return store, store.get(current)
    except AtelierError:
        state[keys.PROFILE_NAME] = None
        return store, None
