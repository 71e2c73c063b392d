"""`python -m core VERB ...`: the parser is built from core/cli/* (one module per verb family)."""
import sys

from core.cli.main import build_parser, main

__all__ = ["build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
