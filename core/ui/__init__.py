"""Shared Streamlit widgets: the only part of core that imports Streamlit. Split by job (resources.py: every cached
getter; widgets.py; results.py: item cards; profiles.py; links.py; state.py: session keys; page.py; canvas.py;
charts.py; installation.py); this file only re-exports the names pages import from `core.ui`."""
from core.ui import state  # noqa: F401  (`from core.ui import state as keys`)
from core.ui.links import PAGES, edit_in_design, follow_link, more_like, try_on
from core.ui.profiles import NO_CLIENT, profile_picker
from core.ui.resources import (catalog_map, get_design_backend, get_person_analysis, get_profile_store, get_studio,
                               get_tryon_backend, studio_or_stop)
from core.ui.results import CARD_CSS, STATE_STYLE, card_states, item_grid
from core.ui.widgets import (catalog_picker, ingest_problems, installation_facts, md, model_banner, read_upload,
                             show_error, without_server_paths)

__all__ = ["CARD_CSS", "NO_CLIENT", "PAGES", "STATE_STYLE", "card_states", "catalog_map", "catalog_picker",
           "edit_in_design", "follow_link", "get_design_backend", "get_person_analysis", "get_profile_store",
           "get_studio", "get_tryon_backend", "ingest_problems", "installation_facts", "item_grid", "md",
           "model_banner", "more_like", "profile_picker", "read_upload", "show_error", "state", "studio_or_stop",
           "try_on", "without_server_paths"]
