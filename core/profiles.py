"""Client profiles: the store lives in core.stylist.profiles (names in profile_names, tables in profile_tables).

This module keeps `core.profiles` importable with the same public names.
"""
from core.stylist.profile_names import (MAX_NAME, MAX_NAME_INPUT, check_profile_name, display_profile_name,
                                        lookalike_key, name_key)
from core.stylist.profile_tables import (MIGRATIONS, artefacts, audit, interactions, metadata, profiles,
                                         schema_version, searches)
from core.stylist.profiles import MARK_KINDS, Profile, ProfileStore, database_url

__all__ = ["MARK_KINDS", "MAX_NAME", "MAX_NAME_INPUT", "MIGRATIONS", "Profile", "ProfileStore", "artefacts",
           "audit", "check_profile_name", "database_url", "display_profile_name", "interactions", "lookalike_key",
           "metadata", "name_key", "profiles", "schema_version", "searches"]
