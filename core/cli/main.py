"""The parser (each verb family registers its own verbs) and the run: user errors as one line and exit 1."""
from __future__ import annotations

import argparse
import logging
import sys

from core.cli import catalog, design, install, search, stylist, tryon
from core.errors import AtelierError

log = logging.getLogger("atelier")

VERB_FAMILIES = (catalog, search, design, stylist, tryon, install)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m core", description="Atelier: AI fashion studio (command line)")
    sub = p.add_subparsers(dest="verb", required=True)
    for family in VERB_FAMILIES:
        family.register(sub)
    return p


def _error(args, message: str, kind: str) -> None:
    """One way for every verb: the line on stderr, and with --json also {"error", "kind"} as JSON on stdout (a
    script reading stdout gets an answer it can parse; the exit code says it failed)."""
    print(f"error: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        from core.cli.common import to_json

        print(to_json({"error": message, "kind": kind}), flush=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except AtelierError as exc:
        _error(args, str(exc), "input")
        return 1
    except BrokenPipeError:  # `python -m core search ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug, not the user's doing: one line and what to do, details with -v
        log.debug("unexpected failure", exc_info=True)
        _error(args, f"unexpected {type(exc).__name__}: {exc}. Re-run with -v for details and report it.", "bug")
        if getattr(args, "verbose", False):
            import traceback

            traceback.print_exc()
        return 2
    except KeyboardInterrupt:
        print("interrupted; re-run the same command to resume", file=sys.stderr)
        return 130
