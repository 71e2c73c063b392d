"""Atelier's command line: `python -m core VERB ...` over the same core functions as the pages."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from core.errors import AtelierError
from core.tryon.registry import BACKENDS as TRYON_BACKENDS

log = logging.getLogger("atelier")


def _json(obj, indent: int | None = None) -> str:
    from core.validate import json_line

    return json_line(obj, indent)


def _settings(args):
    from core.config import load_settings

    over = {}
    if getattr(args, "db", None):
        over["db_dir"] = Path(args.db)
    if getattr(args, "collection", None):
        over["catalog_name"] = args.collection
    if getattr(args, "encoder", None):
        over["encoder"] = args.encoder
    return load_settings(**over)


IMAGE_OUT_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MAX_SEED = 2**32 - 1


def _out_image(path: str, flag: str = "--out") -> Path:
    """An output image path checked before any work: an image extension, not a folder, a folder (or none) above."""
    from core.catalog import display_name

    out = Path(path).expanduser()
    if out.is_dir() or path.endswith(("/", os.sep)):
        raise AtelierError(f"{flag} {display_name(path)} is a folder; give a file name such as {Path(path) / 'design.png'}.")
    if out.suffix.lower() not in IMAGE_OUT_SUFFIXES:
        raise AtelierError(f"{flag} {display_name(path)} needs an image extension: {', '.join(IMAGE_OUT_SUFFIXES)}.")
    parent = next((p for p in out.absolute().parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise AtelierError(f"{flag} {display_name(path)}: {display_name(parent)} is a file, not a folder.")
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        raise AtelierError(f"{flag} {display_name(path)}: the folder {display_name(parent)} is not writable.")
    if out.exists() and not os.access(out, os.W_OK):
        raise AtelierError(f"{flag} {display_name(path)} exists and cannot be overwritten (read-only).")
    return out


def _in_file(path: str | None, flag: str) -> None:
    from core.catalog import check_regular_file

    if path:
        check_regular_file(path, f"{flag} file")


class _Bar:
    """A plain-text progress bar on stderr (no extra dependency)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty() and os.environ.get("ATELIER_PROGRESS") != "1"
        self.last = -1

    def __call__(self, done: int, total: int, msg: str) -> None:
        if self.quiet or total <= 0:
            return
        pct = int(100 * done / total)
        if pct != self.last:
            self.last = pct
            bar = "#" * (pct // 4)
            print(f"\r[{bar:<25}] {pct:3d}% {msg[:50]:<50}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)


def cmd_ingest(args) -> int:
    from core.studio import open_studio
    from core.ingest import ingest_catalog

    _in_file(args.metadata, "--metadata")
    root = Path(args.path).expanduser()
    if not root.is_dir():  # said before the encoder loads
        raise AtelierError(f"Catalog folder {args.path} does not exist." if not root.exists() else
                           f"{args.path} is not a folder; point ingest at a folder of images.")
    settings = _settings(args)
    studio = open_studio(settings)
    print(f"encoder: {studio.encoder.info.name} on {studio.encoder.info.device} ({studio.choice.reason})", file=sys.stderr)
    report = ingest_catalog(args.path, studio.store, studio.encoder, settings, catalog_name=settings.catalog_name,
                            metadata=args.metadata, progress=_Bar(args.json))
    if args.json:
        from dataclasses import asdict

        print(_json(asdict(report) | {"images_per_second": report.images_per_second}))
    else:
        print(report.summary())
        for s in report.skipped[:20]:
            print(f"  skipped {s['path']}: {s['reason']}")
        if len(report.skipped) > 20:
            print(f"  ... and {len(report.skipped) - 20} more (see {report.report_path})")
        for p in report.metadata_problems[:10]:
            print(f"  metadata: {p}")
        if report.report_path:
            print(f"report: {report.report_path}")
    return 0


MAX_BATCH_LINE = 1 << 20  # bytes; a longer line answers an error instead of being parsed


def _lines(fh):
    """Lines of a binary file split on \\n only, each read at most MAX_BATCH_LINE + 1 bytes into memory."""
    while True:
        raw = fh.readline(MAX_BATCH_LINE + 1)
        if not raw:
            return
        if len(raw) > MAX_BATCH_LINE and not raw.endswith(b"\n"):
            while (more := fh.readline(MAX_BATCH_LINE)) and not more.endswith(b"\n"):
                pass  # skip the rest of an overlong line without holding it
        yield raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw


def _batch_answer(studio, raw: bytes, n: int, base: Path, default_k: int) -> dict | list:
    """The answer to one batch line: its hits, or {"error": ..., "line": n}; never an exception."""
    from core.search import query_from_json, search_catalog

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
    from core.search import Filters, query_from_json, search_catalog
    from core.studio import open_studio
    from core.validate import MAX_PAGE, MAX_PAGE_SIZE, json_line, weight, whole

    whole(args.k, "--k", 1, MAX_PAGE_SIZE)
    whole(args.page, "--page", 0, MAX_PAGE)
    if args.image_weight is not None:
        weight(args.image_weight, "--image-weight")
    filters = Filters.from_pairs(args.filter)
    if args.batch:
        batch = check_regular_file(args.batch, "batch file")
        studio = open_studio(_settings(args))
        base = batch.resolve().parent
        with open(batch, "rb") as fh:
            for n, raw in enumerate(_lines(fh), 1):
                print(json_line(_batch_answer(studio, raw, n, base, args.k)), flush=True)
        return 0
    for flag in ("image", "sketch"):
        if getattr(args, flag):
            check_regular_file(getattr(args, flag), f"--{flag} file")
    studio = open_studio(_settings(args), load_columns=False)  # one query: never reads every item's metadata
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
    if args.json:
        print(json_line([h.to_json() for h in page.hits]))
    else:
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
                  f"{page.elapsed_ms:.0f} ms with {studio.encoder.info.name}")
        else:
            print(f"{page.total} items ranked by {page.space}; page {page.page + 1}/{page.pages}; {page.method} search "
                  f"in {page.elapsed_ms:.0f} ms with {studio.encoder.info.name}")
        for h in page.hits:
            m = h.metadata
            rel = f"{h.relevance:4.0%}" if h.relevance is not None else f"{h.score:6.3f}"
            print(f"{rel}  {h.id:<28} {m.get('name', '')[:40]:<40} {m.get('category', '')}/{m.get('colour', '')}"
                  f"  {'; '.join(h.why)}")
    return 0


def cmd_design(args) -> int:
    from core.design import DesignRequest, load_design_backend
    from core.images import load_image

    from core.validate import number, whole

    if bool(args.image) == bool(args.item):
        raise AtelierError("Give exactly one of --image FILE or --item ID.")
    out = _out_image(args.out)  # checked before the work, not after it
    whole(args.seed, "--seed", 0, MAX_SEED)
    whole(args.steps, "--steps", 1, 500)
    whole(args.variations, "--variations", 1, 16)
    number(args.guidance, "--guidance", 0.0, 50.0)
    number(args.strength, "--strength", 0.01, 1.0)
    _in_file(args.image, "--image")
    whole_garment = args.mask.strip().lower() == "garment"
    if not whole_garment:
        _in_file(args.mask, "--mask")
    if not args.prompt.strip():
        raise AtelierError("--prompt is empty; say what to change, e.g. 'red silk'.")
    settings = _settings(args)
    if args.item:
        from core.studio import open_studio

        studio = open_studio(settings)
        image = load_image(studio.index.item(args.item).path, settings.max_image_pixels)
    else:
        image = load_image(args.image, settings.max_image_pixels)
    if whole_garment:
        from PIL import Image

        from core.segmentation import whole_garment_mask

        mask = Image.fromarray(whole_garment_mask(image)).convert("L")
    else:
        mask = load_image(args.mask, settings.max_image_pixels, as_mask=True)  # RGBA by alpha, else white = change
    if image.width * image.height > settings.max_edit_pixels:  # the memory ceiling of one edit
        from core.images import fit_to_pixels

        log.info("design: working at %d megapixels instead of %.0f", settings.max_edit_pixels // 10**6,
                 image.width * image.height / 1e6)
        image = fit_to_pixels(image, settings.max_edit_pixels)
        mask = fit_to_pixels(mask, settings.max_edit_pixels)  # same proportions: prepare_mask still checks them
    backend, why = load_design_backend(args.model or settings.inpaint_model, settings.device, settings=settings,
                                       explicit=bool(args.model))
    prompt, negative = backend.prepare_prompt(args.prompt)
    result = backend.generate(DesignRequest(image=image, mask=mask, prompt=prompt, negative_prompt=negative,
                                            steps=args.steps, guidance=args.guidance, seed=args.seed,
                                            strength=args.strength, variations=args.variations))
    _mkdir_for(out)
    paths = []
    for n, img in enumerate(result.images):
        p = out if len(result.images) == 1 else out.with_name(f"{out.stem}-{n + 1}{out.suffix or '.png'}")
        img.save(p)
        paths.append(str(p))
    info = {"outputs": paths, "backend": result.backend, "model": result.model, "why": why, "prompt": result.prompt,
            "negative_prompt": result.negative_prompt, "seed": result.seed, "steps": result.steps,
            "seconds": round(result.seconds, 3), "notes": result.notes, "size": list(result.images[0].size)}
    if args.similar > 0:
        from core.design import similar_query
        from core.search import search_catalog
        from core.studio import open_studio

        studio = open_studio(settings)
        category = studio.index.item(args.item).metadata.get("category", "") if args.item else ""
        hits = search_catalog(studio.index, studio.encoder,
                              similar_query(result.images[0], args.prompt, category, args.similar)).hits
        info["similar"] = [h.id for h in hits]
        if not args.json:
            print("similar real items: " + ", ".join(info["similar"]))
    print(_json(info) if args.json else f"wrote {', '.join(paths)} with {result.backend} ({why})")
    return 0


def _mkdir_for(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AtelierError(f"Cannot create the folder for {out}: {exc.strerror or exc}.") from exc


def _profiles(settings, args=None):
    """The profile store acting as `--as STYLIST` (required when sign-in is configured; see core.auth)."""
    from core.auth import cli_stylist
    from core.profiles import ProfileStore, database_url

    return ProfileStore(database_url(settings), cli_stylist(getattr(args, "as_stylist", None), settings))


def cmd_outfit(args) -> int:
    from core.stylist import build_outfits, taste_of
    from core.studio import open_studio

    from core.validate import price, whole

    whole(args.k, "--k", 1, 50)
    if args.budget is not None:
        price(args.budget, "--budget")
    settings = _settings(args)
    studio = open_studio(settings)
    taste = None
    anchors = [args.item] if args.item else []
    if not anchors and args.query:  # "floral dress": the best matching piece is the anchor
        from core.stylist import anchor_candidates

        found = anchor_candidates(studio.index, studio.encoder, args.query, n=1)
        anchors = [found[0].id] if found else []
        if found.note:  # no piece of the kind asked ("blazer"): said, the nearest used
            print(found.note, file=sys.stderr)
    if args.profile:
        store = _profiles(settings, args)
        profile = store.get(args.profile)
        taste = taste_of(store, profile, studio.index)
        if not anchors:
            anchors = store.items(profile.id, "cart")
    outfits = build_outfits(studio.index, anchors, k=args.k, budget=args.budget, taste=taste, occasion=args.occasion)
    if args.json:
        print(_json([o.to_json() for o in outfits]))
    else:
        for n, o in enumerate(outfits, 1):
            print(f"Look {n}: ${o.total_price:.2f}  score {o.score:.3f}")
            for h in o.items:
                print(f"   {h.metadata.get('name', '') or h.id:<32} {h.id}")
            print("   why: " + "; ".join(o.reasons))
        if getattr(outfits, "shortfall", ""):
            print(outfits.shortfall)
    return 0


def cmd_profile(args) -> int:
    settings = _settings(args)
    store = _profiles(settings, args)
    if args.action == "list":
        rows = [{"id": p.id, "name": p.name, "owner": p.owner} for p in store.list()]
        print(_json(rows) if args.json else "\n".join(f"{r['id']:>4}  {r['name']}  ({r['owner']})" for r in rows))
        return 0
    if not args.name:
        raise AtelierError("Give the profile name: python -m core profile create NAME")
    if args.action == "create":
        p = store.create(args.name)
        print(_json({"id": p.id, "name": p.name}) if args.json else f"created profile {p.name}")
        return 0
    profile = store.get(args.name)
    if args.action == "history":
        rows = store.history(profile.id)
        print(_json(rows) if args.json else "\n".join(
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(r['at']))}Z  {r['actor']}  {r['action']}  "
            + ", ".join(f"{k}={v}" for k, v in r.items() if k not in ("actor", "at", "action")) for r in rows))
        return 0
    if args.action == "export":
        out = Path(args.out or f"client-{profile.id}.zip")
        _mkdir_for(out)
        out.write_bytes(store.export(profile.id))
        print(_json({"ok": True, "out": str(out)}) if args.json else f"exported {profile.name} to {out}")
        return 0
    if args.action == "erase":
        if not args.yes:
            raise AtelierError(f"Erasing {profile.name!r} deletes all of the client's data for good; add --yes.")
        store.erase(profile.id)
        print(_json({"ok": True, "erased": profile.id}) if args.json else f"erased client #{profile.id}")
        return 0
    if args.action == "reassign":
        if not args.to:
            raise AtelierError("'reassign' needs --to STYLIST (the new owner's e-mail).")
        p = store.reassign(profile.id, args.to)
        print(_json({"ok": True, "id": p.id, "owner": p.owner}) if args.json else f"{p.name} now belongs to {p.owner}")
        return 0
    if args.action == "show":
        data = {k: store.items(profile.id, k) for k in ("like", "dislike", "favourite", "cart")}
        data["searches"] = store.search_history(profile.id, 20)
        print(_json(data) if args.json else "\n".join(f"{k}: {', '.join(v)}" for k, v in data.items()))
        return 0
    if not args.item:
        raise AtelierError(f"'{args.action}' needs --item ID.")
    _check_catalog_item(settings, args.item)
    store.mark(profile.id, args.item, args.action, True)
    print(_json({"ok": True}) if args.json else f"{args.action}: {args.item} for {profile.name}")
    return 0


def cmd_chroma_serve(args) -> int:
    from core.chroma_gate import check_token, serve

    token = check_token(os.environ.get("CHROMA_TOKEN") or _settings(args).chroma_token)
    return serve(Path(args.path), args.host, args.port, token)


def _check_catalog_item(settings, item_id: str) -> None:
    """A like, dislike, favourite or cart entry names a catalog item: refused when the catalog's index is built
    and holds no such id (a typo would otherwise be stored and never shown). No index yet: nothing to check."""
    from core.store import IndexStore, collection_name

    store = IndexStore(settings)
    prefix = collection_name(settings.catalog_name, "x")[:-1]
    names = [n for n in store.list_collections() if n.startswith(prefix)]
    if not names:
        return
    for name in names:
        col = store.reader_collection(name)
        if col is not None and col.get(ids=[item_id], include=[])["ids"]:
            return
    raise AtelierError(f"No item {item_id!r} in the catalog '{settings.catalog_name}'; check the id "
                       "(`python -m core search --text ...` lists ids).")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
        if max(w, h) > 2048:
            raise ValueError
    except ValueError:
        raise AtelierError(f"--size wants WIDTHxHEIGHT such as 384x512 (at most 2048 a side), not {text!r}.") from None
    if w < 64 or h < 64 or w % 8 or h % 8:
        raise AtelierError(f"--size {text}: both sides must be multiples of 8, at least 64.")
    return w, h


def _kind_from_name(stem: str) -> str | None:
    """A product shot's garment kind from its file name ("jeans-002", "red_maxi_dress"): the last garment word."""
    import re

    from core.vocabulary import tryon_kind

    words = [w for w in re.split(r"[^a-z]+", stem.lower()) if w]
    for n in range(len(words), 0, -1):
        for k in (2, 1):
            if n - k >= 0 and (kind := tryon_kind(" ".join(words[n - k:n]))):
                return kind
    return None


def cmd_tryon(args) -> int:
    from core.images import load_image
    from core.tryon.registry import load_backend

    if bool(args.garment) == bool(args.item):
        raise AtelierError("Give exactly one of --garment FILE or --item ID.")
    out = _out_image(args.out)
    if args.steps is not None:
        from core.validate import whole

        whole(args.steps, "--steps", 1, 500)
    size = _size(args.size) if args.size else None
    if not args.person.startswith("sample:"):
        _in_file(args.person, "--person")
    _in_file(args.garment, "--garment")
    settings = _settings(args)
    person, analysed = _person(args.person, settings)
    kind = args.kind
    if args.item:
        from core.studio import open_studio
        from core.vocabulary import tryon_kind

        hit = open_studio(settings).index.item(args.item)
        garment = load_image(hit.path, settings.max_image_pixels)
        kind = kind or tryon_kind(hit.metadata.get("category", "")) or "upper"  # the kind follows the item
    else:
        garment = load_image(args.garment, settings.max_image_pixels)
        kind = kind or _kind_from_name(Path(args.garment).stem)
    kind = kind or "upper"
    backend = load_backend(args.backend, gmm_checkpoint=args.checkpoint or settings.gmm_checkpoint,
                           inpaint_model=args.model or settings.inpaint_model, device=settings.device,
                           catvton_attention=args.catvton or settings.catvton_attention,
                           catvton_base=args.model or settings.catvton_base, steps=args.steps,
                           size=size)
    result = backend.run(person, garment, kind, person=analysed)
    _mkdir_for(out)
    result.image.save(out)
    info = result.summary() | {"output": str(out)}
    print(_json(info) if args.json else f"wrote {out}: worn as {kind} with the {result.backend} backend in "
          f"{sum(result.timings.values()):.2f}s; quality {result.quality.score}/100: {result.quality.headline}")
    return 0


def cmd_tryon_outfit(args) -> int:
    from core.images import load_image
    from core.tryon.outfit import Piece, dress_outfit
    from core.tryon.registry import load_backend

    out = _out_image(args.out)  # checked before any work, as every verb's output is
    if not args.person.startswith("sample:"):
        _in_file(args.person, "--person")
    for spec in args.piece or []:
        category, sep, path = spec.partition("=")
        if not sep or not path:
            raise AtelierError(f"--piece wants CATEGORY=FILE such as jeans=photos/jeans.jpg, not {spec!r}.")
        _in_file(path, "--piece")
    settings = _settings(args)
    pieces = []
    for spec in args.piece or []:
        category, sep, path = spec.partition("=")
        pieces.append(Piece(load_image(path, settings.max_image_pixels), category.strip(), Path(path).stem))
    if args.item:
        from core.studio import open_studio

        index = open_studio(settings).index
        for item_id in args.item:
            hit = index.item(item_id)
            pieces.append(Piece(load_image(hit.path, settings.max_image_pixels), hit.metadata.get("category", ""),
                                hit.metadata.get("name") or item_id))
    if not pieces:
        raise AtelierError("Give the outfit's pieces: --item ID (repeat) or --piece CATEGORY=FILE (repeat).")
    person, analysed = _person(args.person, settings)
    result = dress_outfit(load_backend(args.backend, device=settings.device, gmm_checkpoint=settings.gmm_checkpoint,
                                       inpaint_model=settings.inpaint_model), person, pieces, person=analysed)
    _mkdir_for(out)
    result.image.save(out)
    info = result.summary() | {"output": str(out)}
    print(_json(info) if args.json else f"wrote {out}: {'; '.join(result.layers)}")
    return 0


def _person(spec: str, settings):
    """--person FILE or sample:NAME -> (image, ready analysis or None)."""
    from core.images import load_image

    if spec.startswith("sample:"):
        from core.tryon.people import sample_person

        return sample_person(spec.removeprefix("sample:"))
    return load_image(spec, settings.max_image_pixels), None


def cmd_train_gmm(args) -> int:
    from core.tryon.gmm import GmmConfig, train_gmm

    from core.validate import number, whole

    for flag, lo, hi in (("steps", 1, 10_000_000), ("batch_size", 1, 1024), ("height", 16, 2048), ("width", 16, 2048),
                         ("ngf", 1, 1024), ("save_every", 1, 10_000_000), ("sample_every", 1, 10_000_000)):
        whole(getattr(args, flag), "--" + flag.replace("_", "-"), lo, hi)
    number(args.lr, "--lr", 1e-12, 10.0)
    cfg = GmmConfig(height=args.height, width=args.width, ngf=args.ngf)
    bar = _Bar(args.json)
    report = train_gmm(args.data, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr, cfg=cfg,
                       resume=not args.no_resume, save_every=args.save_every, sample_every=args.sample_every,
                       device=args.device, progress=lambda d, t, loss: bar(d, t, f"loss {loss:.4f}"))
    from dataclasses import asdict

    print(_json(asdict(report)) if args.json else
          f"trained steps {report.start_step}..{report.start_step + report.steps}: loss {report.first_loss:.4f} -> "
          f"{report.last_loss:.4f}; checkpoint {report.checkpoint}")
    return 0


def cmd_train_tagger(args) -> int:
    from core.studio import open_studio
    from core.tagger import apply_head, train_head
    from core.validate import number

    number(args.holdout, "--holdout", 0.0, 0.9)
    studio = open_studio(_settings(args))
    snap = studio.index.snapshot()
    if snap.lean:
        raise AtelierError("train-tagger reads the catalog's vectors in memory: this catalog is above the "
                           "exact-search threshold (ATELIER_EXACT_SEARCH_THRESHOLD).")
    head = train_head(snap.embeddings, snap.metadatas, studio.encoder.info.slug, holdout=args.holdout)
    out = Path(args.out or (Path(studio.settings.data_dir) / "tag-heads" / studio.index.name))
    head.save_pretrained(out)
    changed = []
    if args.apply:
        changed = apply_head(head, snap.embeddings, snap.metadatas)
        if changed:
            with studio.store.writer() as writer:
                col = writer.collection(studio.index.name, dict(snap.collection_metadata))
                col.update(ids=[snap.ids[n] for n, _ in changed], metadatas=[m for _, m in changed])
                writer.mark_changed(col)
    result = {"saved": str(out), "metrics": head.metrics, "retagged": len(changed)}
    if args.json:
        print(_json(result, indent=2))
    else:
        for key, m in head.metrics.items():
            held = (f"held out {m['held_out']}: accuracy {m['accuracy']:.3f}, "
                    + ", ".join(f"{k} {v:.3f}" for k, v in m.items() if k.startswith("recall@"))) if "accuracy" in m \
                else "too few labelled items to hold some out"
            print(f"{key}: {m['labelled']} labelled items, {m['classes']} labels; {held}")
        print(f"saved to {out}" + (f"; {len(changed)} items re-tagged" if args.apply else
                                   " (--apply re-tags the items whose tags were read from pixels)"))
    return 0


def cmd_info(args) -> int:
    from core.studio import open_studio

    studio = open_studio(_settings(args))
    status = studio.status()
    print(_json(status, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in status.items()))
    return 0


def cmd_sample(args) -> int:
    from core.samples import generate_sample_catalog

    from core.validate import whole

    whole(args.per_category, "--per-category", 1, 10_000)
    whole(args.seed, "--seed", 0, MAX_SEED)
    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise AtelierError(f"--out {args.out} is a file; give a folder.")
    out = generate_sample_catalog(args.out, per_category=args.per_category, seed=args.seed)
    print(f"sample catalog written to {out}")
    return 0


def cmd_fetch_catalog(args) -> int:
    from core.fetch import catalog_name_for, default_folder, fetch_catalog

    if args.collection is None:
        args.collection = catalog_name_for(args.dataset)
    settings = _settings(args)
    folder = Path(args.out) if args.out else default_folder(args.dataset, settings.data_dir)
    report = fetch_catalog(args.dataset, folder, limit=args.limit, progress=_Bar(args.json),
                           timeout_s=settings.auto_probe_timeout_s, max_pixels=settings.max_image_pixels)
    print(f"{report.summary()}; catalog.csv: {report.catalog_csv}", file=sys.stderr)
    for s in report.skipped[:10]:
        print(f"  skipped row {s['row']} ({s['id']}): {s['reason']}", file=sys.stderr)
    if report.unmapped_categories:
        print(f"  categories outside the vocabulary (left to zero-shot tagging): "
              f"{', '.join(sorted(report.unmapped_categories)[:10])}", file=sys.stderr)
    args.path, args.metadata = str(folder), str(folder / "catalog.csv")
    return cmd_ingest(args)


def cmd_download(args) -> int:
    from core.downloads import available_models, download_model, human_size, is_downloaded, plan_download

    settings = _settings(args)
    models = {m.key: m for m in available_models(settings)}
    if args.list or not args.models:
        from core.weights import licence_line

        for m in models.values():
            print(f"{m.key:<18} {'downloaded' if is_downloaded(m) else 'missing':<10} {m.repo_id} ({m.size_hint}): "
                  f"{m.command}  # licence: {licence_line(m.repo_id)}")
        return 0
    wanted = list(models) if args.models == ["all"] else args.models
    unknown = [k for k in wanted if k not in models]
    if unknown:
        raise AtelierError(f"unknown model {', '.join(unknown)}; choose from {', '.join(models)} or all")
    from core.weights import check_licence

    for key in wanted:
        check_licence(models[key].repo_id, settings)  # commercial-safe mode refuses, naming the licence
        plan = plan_download(models[key], settings.auto_probe_timeout_s)
        bar = _Bar(args.json)
        folder = download_model(plan, lambda d, t, m: bar(d, t, f"{human_size(d)} {m}"))
        print(json.dumps({"model": key, "repo_id": plan.model.repo_id, "bytes": plan.total_bytes,
                          "folder": str(folder)}) if args.json else f"{key}: {folder}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m core", description="Atelier: AI fashion studio (command line)")
    sub = p.add_subparsers(dest="verb", required=True)

    def common(sp):
        sp.add_argument("--db", help="index folder (default: data/index or ATELIER_DB_DIR)")
        sp.add_argument("--collection", help="catalog name; the collection is <name>--<encoder>")
        sp.add_argument("--encoder", help="auto | lite | clip | a CLIP-family Hugging Face id or folder")
        sp.add_argument("--json", action="store_true", help="machine-readable output")
        sp.add_argument("-v", "--verbose", action="store_true")

    sp = sub.add_parser("ingest", help="index a folder of images (+ CSV/JSONL metadata, VITON-HD, Kaggle layouts)")
    sp.add_argument("path")
    sp.add_argument("--metadata", help="CSV or JSONL keyed by file name")
    common(sp)
    sp.set_defaults(func=cmd_ingest)

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
    common(sp)
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("design", help="repaint the masked part of a garment (inpainting or the offline editor)")
    sp.add_argument("--image", help="garment photo")
    sp.add_argument("--item", help="catalog item id")
    sp.add_argument("--mask", required=True,
                    help="white (or opaque) = change; or 'garment': the whole garment, found by segmentation")
    sp.add_argument("--prompt", required=True)
    sp.add_argument("--model", help="inpainting model id or folder, or 'offline' (default: ATELIER_INPAINT_MODEL)")
    sp.add_argument("--steps", type=int, default=30)
    sp.add_argument("--guidance", type=float, default=7.5)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--strength", type=float, default=1.0)
    sp.add_argument("--variations", type=int, default=1)
    sp.add_argument("--out", required=True)
    sp.add_argument("--similar", type=int, default=0, metavar="N",
                    help="also list N real catalog items like the design (the page's 'Find similar real items')")
    common(sp)
    sp.set_defaults(func=cmd_design)

    sp = sub.add_parser("outfit", help="complete outfits around an item (or a profile's cart)")
    sp.add_argument("--item")
    sp.add_argument("--query", help='build around the best match for these words, e.g. "floral dress"')
    sp.add_argument("--profile")
    sp.add_argument("--as", dest="as_stylist", metavar="STYLIST", help="act as this stylist (with --profile)")
    sp.add_argument("--budget", type=float)
    sp.add_argument("--k", type=int, default=3)
    sp.add_argument("--occasion", choices=["office", "evening", "weekend"],
                    help="keep out what is not worn there (office: no hoodies or sneakers)")
    common(sp)
    sp.set_defaults(func=cmd_outfit)

    sp = sub.add_parser("profile", help="client profiles: list, create, show, like, dislike, favourite, cart, "
                        "history, export, erase, reassign")
    sp.add_argument("action", choices=["list", "create", "show", "like", "dislike", "favourite", "cart", "history",
                                       "export", "erase", "reassign"])
    sp.add_argument("name", nargs="?")
    sp.add_argument("--item")
    sp.add_argument("--out", help="export: the zip to write (default client-<id>.zip)")
    sp.add_argument("--to", help="reassign: the new owner (admins only)")
    sp.add_argument("--yes", action="store_true", help="erase: confirm")
    sp.add_argument("--as", dest="as_stylist", metavar="STYLIST",
                    help="act as this stylist (e-mail); required when sign-in is configured")
    common(sp)
    sp.set_defaults(func=cmd_profile)

    sp = sub.add_parser("chroma-serve", help="the shared Chroma server behind a bearer token (nginx in front of "
                        "`chroma run`); the token comes from CHROMA_TOKEN")
    sp.add_argument("--path", default="data/chroma-server", help="the server's data folder")
    sp.add_argument("--host", default="127.0.0.1", help="where the gate listens (0.0.0.0: every interface)")
    sp.add_argument("--port", type=int, default=8000)
    sp.set_defaults(func=cmd_chroma_serve)

    sp = sub.add_parser("tryon", help="put a garment on a person photo")
    sp.add_argument("--person", required=True, help="a photo, or a bundled person: sample:grace, sample:astronaut, "
                    "sample:slim, sample:average, sample:curvy (full-body croquis figures)")
    sp.add_argument("--garment", help="garment product photo")
    sp.add_argument("--item", help="catalog item id")
    sp.add_argument("--kind", choices=["upper", "lower", "dress"],
                    help="garment kind; with --item it follows the item's category, else upper")
    sp.add_argument("--backend", choices=list(TRYON_BACKENDS), default="classic")
    sp.add_argument("--checkpoint", help="GMM checkpoint (gmm backend)")
    sp.add_argument("--model", help="inpainting model (diffusion backend; the SD-1.5 inpainting base for catvton)")
    sp.add_argument("--catvton", help="CatVTON attention weights: folder or Hub id (catvton backend)")
    sp.add_argument("--steps", type=int, help="denoising steps (diffusion 30, catvton 50 by default)")
    sp.add_argument("--size", help="catvton working size WIDTHxHEIGHT, multiples of 8 (default 384x512)")
    sp.add_argument("--out", required=True)
    common(sp)
    sp.set_defaults(func=cmd_tryon)

    sp = sub.add_parser("tryon-outfit", help="dress a whole outfit (top+bottom or dress, shoes, bag) on a person")
    sp.add_argument("--person", required=True, help="a full-body photo or sample:slim / sample:average / sample:curvy")
    sp.add_argument("--item", action="append", help="catalog item id (repeat for each piece)")
    sp.add_argument("--piece", action="append", help="CATEGORY=FILE, a product shot (repeat for each piece)")
    sp.add_argument("--backend", choices=["classic", "gmm", "diffusion"], default="classic")
    sp.add_argument("--out", required=True)
    common(sp)
    sp.set_defaults(func=cmd_tryon_outfit)

    sp = sub.add_parser("train-gmm", help="train the geometric matching module on a VITON-HD folder")
    sp.add_argument("--data", required=True)
    sp.add_argument("--out", default="data/gmm")
    sp.add_argument("--steps", type=int, default=1000)
    sp.add_argument("--batch-size", type=int, default=4)
    sp.add_argument("--lr", type=float, default=1e-4)
    sp.add_argument("--height", type=int, default=256)
    sp.add_argument("--width", type=int, default=192)
    sp.add_argument("--ngf", type=int, default=64)
    sp.add_argument("--save-every", type=int, default=200)
    sp.add_argument("--sample-every", type=int, default=200)
    sp.add_argument("--device", default="cpu")
    sp.add_argument("--no-resume", action="store_true")
    common(sp)
    sp.set_defaults(func=cmd_train_gmm)

    sp = sub.add_parser("train-tagger", help="learn tags from the catalog's labelled items to tag the unlabelled ones")
    sp.add_argument("--out", help="folder for the head (config.json + weights.npz); default DATA_DIR/tag-heads/INDEX")
    sp.add_argument("--holdout", type=float, default=0.2, help="share of labelled items held out for the metrics")
    sp.add_argument("--apply", action="store_true", help="re-tag the items whose tags were read from pixels")
    common(sp)
    sp.set_defaults(func=cmd_train_tagger)

    sp = sub.add_parser("info", help="active encoder, device, index and item count")
    common(sp)
    sp.set_defaults(func=cmd_info)

    sp = sub.add_parser("fetch-catalog", help="import a Hugging Face product-photo dataset (or local parquet), then ingest it")
    sp.add_argument("dataset", help="dataset id (owner/name), a short name (fashion-product-images-small) or a .parquet file/folder")
    sp.add_argument("--limit", type=int, help="import at most this many rows")
    sp.add_argument("--out", help="folder for images + catalog.csv (default: data/catalogs/<dataset>)")
    common(sp)
    sp.set_defaults(func=cmd_fetch_catalog)

    sp = sub.add_parser("download", help="download model weights from the Hub (CLIP, inpainting, CatVTON) with progress")
    sp.add_argument("models", nargs="*", help="clip, inpaint, catvton-attention, catvton-base or all (none: list them)")
    sp.add_argument("--list", action="store_true", help="what can be downloaded, and what is already here")
    common(sp)
    sp.set_defaults(func=cmd_download)

    sp = sub.add_parser("make-sample", help="regenerate the bundled sample catalog")
    sp.add_argument("--out", default="assets/sample_catalog")
    sp.add_argument("--per-category", type=int, default=30)
    sp.add_argument("--seed", type=int, default=7)
    sp.set_defaults(func=cmd_sample)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except AtelierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `python -m core search ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug, not the user's doing: one line and what to do, details with -v
        log.debug("unexpected failure", exc_info=True)
        print(f"error: unexpected {type(exc).__name__}: {exc}. Re-run with -v for details and report it.",
              file=sys.stderr)
        if getattr(args, "verbose", False):
            import traceback

            traceback.print_exc()
        return 2
    except KeyboardInterrupt:
        print("interrupted; re-run the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
