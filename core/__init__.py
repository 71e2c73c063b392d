"""Atelier core: all logic and model loading. Never imports Streamlit (except core/ui)."""

from core.allocator import limit_arenas as _limit_arenas  # noqa: E402

_limit_arenas()  # before any thread allocates: bounds the address space Community Cloud's memory limit sees
