"""The search verb: one query from flags, or a batch file of JSON lines (one answer line per query line)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from core.cli.common import add_common, settings_from
from core.errors import AtelierError

log = logging.getLogger("atelier")

MAX_BATCH_LINE = 1 << 20  # bytes; a longer line answers an error instead of being parsed


def register(sub) -> None:
    sp = sub.add_parser("search", help="search the catalog by text, image, both, sketch or item")
    sp.add_argument("--text", default="")
    sp.add_argument("--image")
    sp.add_argument("--sketch")
    sp.add_argument("--like", help="item id: more like this")
    sp.add_argument("--image-weight", type=float, help="0 = text only, 1 = image only (default 0.5 with both)")
    sp.add_argument("--lexical-weight", type=float,
                    help="text: 0 = encoder ranking only, 1 = the items' words only (default ATELIER_LEXICAL_WEIGHT)")
    sp.add_argument("--filter", action="append", default=[], help="KEY=VALUE: category, colour, pattern, price_min, price_max")
    sp.add_argument("--k", type=int, default=10)
    sp.add_argument("--page", type=int, default=0)
    sp.add_argument("--batch", help="JSON lines file, one query object per line")
    add_common(sp)
    sp.set_defaults(func=cmd_search)


def read_lines(fh):
    """Lines of a binary file split on \\n only, each read at most MAX_BATCH_LINE + 1 bytes into memory."""
    while True:
        raw = fh.readline(MAX_BATCH_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_BATCH_LINE and not raw.endswith(b"\n"):
            while (more := fh.readline(MAX_BATCH_LINE)) and not more.endswith(b"\n"):
                pass  # skip the rest of an overlong line without holding it
        yield raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw


def batch_answer(studio, raw: bytes, n: int, base: Path, default_k: int) -> dict | list:
    """The answer to one batch line: its hits, or {"error": ..., "line": n}; never an exception."""
    from core.search import search_catalog
    from core.validate import query_from_json

    try:
        if len(raw) > MAX_BATCH_LINE:
            raise AtelierError(f"the line is {len(raw)} bytes long; the limit is {MAX_BATCH_LINE}.")
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            raise AtelierError("the line is not UTF-8 text.") from None
        if not line.strip():
            raise AtelierError("empty line; each line is one JSON object such as {\"text\": \"red dress\"}.")
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise AtelierError(f"not valid JSON ({getattr(exc, 'msg', 'nested too deeply')}).") from None
        query = query_from_json(obj, base, default_k, studio.settings.max_image_pixels)
        page = search_catalog(studio.index, studio.encoder, query, studio.sketch_index)
        return [h.to_json() for h in page.hits]
    except AtelierError as exc:
        return {"error": str(exc), "line": n}
    except Exception as exc:  # one line never ends the batch; the message says what kind of failure it was
        log.warning("batch line %d failed (%s: %s)", n, type(exc).__name__, str(exc)[:200])  # no traceback
        log.debug("batch line %d", n, exc_info=True)
        return {"error": f"could not answer this line ({type(exc).__name__}: {exc})", "line": n}


def cmd_search(args) -> int:
    from core.catalog import check_regular_file
    from core.search import Filters, search_catalog
    from core.studio import open_studio
    from core.validate import json_line, query_from_json

    # 1. check the flags before anything loads
    _check_flags(args)
    filters = Filters.from_pairs(args.filter)
    if args.batch:
        return _run_batch(args)
    # 2. one query: its files checked, then the studio opened without reading every item's metadata
    for flag in ("image", "sketch"):
        if getattr(args, flag):
            check_regular_file(getattr(args, flag), f"--{flag} file")
    studio = open_studio(settings_from(args), load_columns=False)
    obj = {"text": args.text, "image": args.image, "sketch": args.sketch, "like": args.like, "k": args.k,
           "page": args.page}
    if args.image_weight is not None:
        obj["image_weight"] = args.image_weight
    if args.lexical_weight is not None:
        obj["lexical_weight"] = args.lexical_weight
    query = query_from_json({k: v for k, v in obj.items() if v is not None}, None, args.k,
                            studio.settings.max_image_pixels)
    query.filters = filters
    page = search_catalog(studio.index, studio.encoder, query, studio.sketch_index)
    # 3. the answer
    if args.json:
        print(json_line([h.to_json() for h in page.hits]))
    else:
        _print_page(page, studio.encoder.info.name)
    return 0


def _check_flags(args) -> None:
    from core.validate import MAX_PAGE, MAX_PAGE_SIZE, weight, whole

    whole(args.k, "--k", 1, MAX_PAGE_SIZE)
    whole(args.page, "--page", 0, MAX_PAGE)
    if args.image_weight is not None:
        weight(args.image_weight, "--image-weight")


def _run_batch(args) -> int:
    from core.catalog import check_regular_file
    from core.studio import open_studio
    from core.validate import json_line

    batch = check_regular_file(args.batch, "batch file")
    studio = open_studio(settings_from(args))
    base = batch.resolve().parent
    with open(batch, "rb") as fh:
        for n, raw in enumerate(read_lines(fh), 1):
            print(json_line(batch_answer(studio, raw, n, base, args.k)), flush=True)
    return 0


def _print_page(page, encoder_name: str) -> None:
    if page.parsed is not None:
        from core.search import reading_notes

        if notes := reading_notes(page.parsed):
            print("read " + " · ".join(notes))
        if page.price and page.parsed.price_chip():
            print(f"price from the words: {page.parsed.price_chip()} (a filter)")
    if page.note:
        print(page.note)
    if page.matched is not None:
        asked = [v for _, v in page.parsed.chips()] if page.parsed else []
        if page.price and page.parsed.price_chip():
            asked.append(page.parsed.price_chip())
        chips = " · ".join(asked)
        print(f"{page.matched} items match the words" + (f" ({page.matched_all} have all of: {chips})" if chips else "")
              + f"; {page.total} ranked; page {page.page + 1}/{page.pages}; {page.method} search in "
              f"{page.elapsed_ms:.0f} ms with {encoder_name}")
    else:
        print(f"{page.total} items ranked by {page.space}; page {page.page + 1}/{page.pages}; {page.method} search "
              f"in {page.elapsed_ms:.0f} ms with {encoder_name}")
    for h in page.hits:
        m = h.metadata
        rel = f"{h.relevance:4.0%}" if h.relevance is not None else f"{h.score:6.3f}"
        print(f"{rel}  {h.id:<28} {m.get('name', '')[:40]:<40} {m.get('category', '')}/{m.get('colour', '')}"
              f"  {'; '.join(h.why)}")
