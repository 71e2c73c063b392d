"""`python -m core VERB ...`: the parser is built from core/cli/* (one module per verb family)."""
import sys

from core.cli.main import build_parser, main
from core.cli.search import batch_answer as _batch_answer, read_lines as _lines  # noqa: F401  (older imports)

__all__ = ["build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
