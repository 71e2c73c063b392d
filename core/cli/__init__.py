"""Atelier's command line: `python -m core VERB ...` over the same core functions as the pages; one module per verb
family (catalog, search, design, stylist, tryon, install), each registering its own verbs; common.py shared."""
from core.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
