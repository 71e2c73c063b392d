"""Session keys that carry state between pages, defined once.

A page that hands something to another page (an item to try on, a base for the Creative Director, "more like
this") writes it under one of these keys; the receiving page pops it. The values are the historical key strings,
so code that still spells them out keeps working.
"""
from __future__ import annotations

PROFILE_NAME = "profile_name"  # the active client profile's name (None: no client)
PROFILE_SELECT = "profile_select"  # the sidebar's selectbox (kept in step with PROFILE_NAME)
PROFILE_NEW_NAME = "profile_new_name"  # the "New profile" text box
PROFILE_MESSAGE = "profile_message"  # (kind, text) shown once under the picker after Create
GOTO = "goto"  # the page a button callback asked for; the entry switches to it
DISCOVER_LIKE = "discover_like"  # item id: Discover shows items like it
DISCOVER_PAGE = "discover_page"  # Discover's result page
DESIGN_BASE_ID = "design_base_id"  # item id: the Creative Director's base garment
TRYON_ITEM = "tryon_item"  # item id: the garment Try-On starts with
TRYON_DESIGN = "tryon_design"  # {"image", "prompt"}: a generated design to try on
TRYON_OUTFIT = "tryon_outfit"  # item ids: a whole outfit to dress on a figure
