"""Atelier's entry point (`streamlit run Home.py`): navigation over pages/ and the set-up every page shares.

The overview a stylist lands on is pages/0_Overview.py; the pages, their titles and icons are listed once in
core/ui/page.py.
"""
from core.ui.page import run_app

run_app()
