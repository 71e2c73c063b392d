"""Atelier core: all logic and model loading. Never imports Streamlit (except core/ui)."""
