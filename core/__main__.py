"""Atelier's command line: `python -m core VERB ...` over the same core functions as the pages."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from core.errors import AtelierError

log = logging.getLogger("atelier")


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

    settings = _settings(args)
    studio = open_studio(settings)
    print(f"encoder: {studio.encoder.info.name} on {studio.encoder.info.device} ({studio.choice.reason})", file=sys.stderr)
    report = ingest_catalog(args.path, studio.store, studio.encoder, settings, catalog_name=settings.catalog_name,
                            metadata=args.metadata, progress=_Bar(args.json))
    if args.json:
        from dataclasses import asdict

        print(json.dumps(asdict(report) | {"images_per_second": report.images_per_second}))
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


def _query_from(obj: dict, base: Path | None = None):
    from core.images import load_image
    from core.search import Filters, SearchQuery

    def img(key):
        val = obj.get(key)
        if not val:
            return None
        p = Path(val)
        if base is not None and not p.is_absolute():
            p = base / p
        return load_image(p)

    image, sketch = img("image"), img("sketch")
    return SearchQuery(text=obj.get("text") or "", image=image, sketch=sketch,
                       image_weight=float(obj.get("image_weight", 0.5 if obj.get("text") else 1.0)),
                   shape_weight=float(obj.get("shape_weight", 0.7)),
                       filters=Filters.from_dict(obj.get("filters")), like_id=obj.get("like"),
                       page=int(obj.get("page", 0)), page_size=int(obj.get("k", obj.get("page_size", 10))))


def cmd_search(args) -> int:
    from core.search import Filters, search_catalog
    from core.studio import open_studio

    studio = open_studio(_settings(args), load_columns=bool(args.batch))  # one query: no column load
    if args.batch:
        base = Path(args.batch).resolve().parent
        with open(args.batch) as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    if not isinstance(obj, dict):
                        raise AtelierError("each line must be a JSON object")
                    obj.setdefault("k", args.k)
                    page = search_catalog(studio.index, studio.encoder, _query_from(obj, base), studio.sketch_index)
                    print(json.dumps([h.to_json() for h in page.hits]))
                except (AtelierError, json.JSONDecodeError, ValueError) as exc:
                    print(json.dumps({"error": str(exc), "line": n}))
        return 0
    obj = {"text": args.text, "image": args.image, "sketch": args.sketch, "like": args.like, "k": args.k,
           "page": args.page}
    if args.image_weight is not None:
        obj["image_weight"] = args.image_weight
    query = _query_from(obj)
    query.filters = Filters.from_pairs(args.filter)
    page = search_catalog(studio.index, studio.encoder, query, studio.sketch_index)
    if args.json:
        print(json.dumps([h.to_json() for h in page.hits]))
    else:
        print(f"{page.total} items match; page {page.page + 1}/{page.pages}; {page.method} search in {page.elapsed_ms:.0f} ms "
              f"with {studio.encoder.info.name}")
        for h in page.hits:
            m = h.metadata
            print(f"{h.score:6.3f}  {h.id:<28} {m.get('name', '')[:40]:<40} {m.get('category', '')}/{m.get('colour', '')}"
                  f"  {h.path}")
    return 0


def cmd_design(args) -> int:
    from core.design import DesignRequest, enhance_prompt, load_design_backend
    from core.images import load_image

    settings = _settings(args)
    if bool(args.image) == bool(args.item):
        raise AtelierError("Give exactly one of --image FILE or --item ID.")
    if args.item:
        from core.studio import open_studio

        studio = open_studio(settings)
        image = load_image(studio.index.item(args.item).path, settings.max_image_pixels)
    else:
        image = load_image(args.image, settings.max_image_pixels)
    mask = load_image(args.mask, settings.max_image_pixels)
    backend, why = load_design_backend(args.model or settings.inpaint_model, settings.device)
    prompt, negative = (args.prompt, "") if backend.name == "offline editor" else enhance_prompt(args.prompt)
    result = backend.generate(DesignRequest(image=image, mask=mask, prompt=prompt, negative_prompt=negative,
                                            steps=args.steps, guidance=args.guidance, seed=args.seed,
                                            strength=args.strength, variations=args.variations))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, img in enumerate(result.images):
        p = out if len(result.images) == 1 else out.with_name(f"{out.stem}-{n + 1}{out.suffix or '.png'}")
        img.save(p)
        paths.append(str(p))
    info = {"outputs": paths, "backend": result.backend, "model": result.model, "why": why, "prompt": result.prompt,
            "negative_prompt": result.negative_prompt, "seed": result.seed, "steps": result.steps,
            "seconds": round(result.seconds, 3), "notes": result.notes, "size": list(result.images[0].size)}
    print(json.dumps(info) if args.json else f"wrote {', '.join(paths)} with {result.backend} ({why})")
    return 0


def _profiles(settings):
    from core.profiles import ProfileStore, database_url

    return ProfileStore(database_url(settings))


def cmd_outfit(args) -> int:
    from core.stylist import build_outfits, taste_of
    from core.studio import open_studio

    settings = _settings(args)
    studio = open_studio(settings)
    taste = None
    anchors = [args.item] if args.item else []
    if args.profile:
        store = _profiles(settings)
        profile = store.get(args.profile)
        taste = taste_of(store, profile, studio.index)
        if not anchors:
            anchors = store.items(profile.id, "cart")
    outfits = build_outfits(studio.index, anchors, k=args.k, budget=args.budget, taste=taste)
    if args.json:
        print(json.dumps([o.to_json() for o in outfits]))
    else:
        for n, o in enumerate(outfits, 1):
            print(f"Outfit {n}: ${o.total_price:.2f}  score {o.score:.3f}")
            for h in o.items:
                print(f"   {h.id:<24} {h.metadata.get('name', '')}")
            print("   why: " + "; ".join(o.reasons))
    return 0


def cmd_profile(args) -> int:
    settings = _settings(args)
    store = _profiles(settings)
    if args.action == "list":
        rows = [{"id": p.id, "name": p.name} for p in store.list()]
        print(json.dumps(rows) if args.json else "\n".join(f"{r['id']:>4}  {r['name']}" for r in rows))
        return 0
    if not args.name:
        raise AtelierError("Give the profile name: python -m core profile create NAME")
    if args.action == "create":
        p = store.create(args.name)
        print(json.dumps({"id": p.id, "name": p.name}) if args.json else f"created profile {p.name}")
        return 0
    profile = store.get(args.name)
    if args.action == "show":
        data = {k: store.items(profile.id, k) for k in ("like", "dislike", "favourite", "cart")}
        data["searches"] = store.search_history(profile.id, 20)
        print(json.dumps(data) if args.json else "\n".join(f"{k}: {', '.join(v)}" for k, v in data.items()))
        return 0
    if not args.item:
        raise AtelierError(f"'{args.action}' needs --item ID.")
    store.mark(profile.id, args.item, args.action, True)
    print(json.dumps({"ok": True}) if args.json else f"{args.action}: {args.item} for {profile.name}")
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise AtelierError(f"--size wants WIDTHxHEIGHT such as 384x512, not {text!r}.") from None
    if w < 64 or h < 64 or w % 8 or h % 8:
        raise AtelierError(f"--size {text}: both sides must be multiples of 8, at least 64.")
    return w, h


def cmd_tryon(args) -> int:
    from core.images import load_image
    from core.tryon.backends import load_backend

    settings = _settings(args)
    if bool(args.garment) == bool(args.item):
        raise AtelierError("Give exactly one of --garment FILE or --item ID.")
    person_path = args.person
    if person_path.startswith("sample:"):
        from core.tryon.backends import sample_person

        person_path = sample_person(person_path.removeprefix("sample:"))
    person = load_image(person_path, settings.max_image_pixels)
    if args.item:
        from core.studio import open_studio

        garment = load_image(open_studio(settings).index.item(args.item).path, settings.max_image_pixels)
    else:
        garment = load_image(args.garment, settings.max_image_pixels)
    backend = load_backend(args.backend, gmm_checkpoint=args.checkpoint or settings.gmm_checkpoint,
                           inpaint_model=args.model or settings.inpaint_model, device=settings.device,
                           catvton_attention=args.catvton or settings.catvton_attention,
                           catvton_base=args.model or settings.catvton_base, steps=args.steps,
                           size=_size(args.size) if args.size else None)
    result = backend.run(person, garment, args.kind)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    result.image.save(out)
    info = result.summary() | {"output": str(out)}
    print(json.dumps(info) if args.json else f"wrote {out} with the {result.backend} backend in "
          f"{sum(result.timings.values()):.2f}s; torso coverage {info['torso_coverage']:.0%}")
    return 0


def cmd_train_gmm(args) -> int:
    from core.tryon.gmm import GmmConfig, train_gmm

    cfg = GmmConfig(height=args.height, width=args.width, ngf=args.ngf)
    bar = _Bar(args.json)
    report = train_gmm(args.data, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr, cfg=cfg,
                       resume=not args.no_resume, save_every=args.save_every, sample_every=args.sample_every,
                       device=args.device, progress=lambda d, t, loss: bar(d, t, f"loss {loss:.4f}"))
    from dataclasses import asdict

    print(json.dumps(asdict(report)) if args.json else
          f"trained steps {report.start_step}..{report.start_step + report.steps}: loss {report.first_loss:.4f} -> "
          f"{report.last_loss:.4f}; checkpoint {report.checkpoint}")
    return 0


def cmd_info(args) -> int:
    from core.studio import open_studio

    studio = open_studio(_settings(args))
    status = studio.status()
    print(json.dumps(status, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in status.items()))
    return 0


def cmd_sample(args) -> int:
    from core.samples import generate_sample_catalog

    out = generate_sample_catalog(args.out, per_category=args.per_category, seed=args.seed)
    print(f"sample catalog written to {out}")
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
    sp.add_argument("--filter", action="append", default=[], help="KEY=VALUE: category, colour, pattern, price_min, price_max")
    sp.add_argument("--k", type=int, default=10)
    sp.add_argument("--page", type=int, default=0)
    sp.add_argument("--batch", help="JSON lines file, one query object per line")
    common(sp)
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("design", help="repaint the masked part of a garment (inpainting or the offline editor)")
    sp.add_argument("--image", help="garment photo")
    sp.add_argument("--item", help="catalog item id")
    sp.add_argument("--mask", required=True, help="white (or opaque) = change")
    sp.add_argument("--prompt", required=True)
    sp.add_argument("--model", help="inpainting model id or folder, or 'offline' (default: ATELIER_INPAINT_MODEL)")
    sp.add_argument("--steps", type=int, default=30)
    sp.add_argument("--guidance", type=float, default=7.5)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--strength", type=float, default=1.0)
    sp.add_argument("--variations", type=int, default=1)
    sp.add_argument("--out", required=True)
    common(sp)
    sp.set_defaults(func=cmd_design)

    sp = sub.add_parser("outfit", help="complete outfits around an item (or a profile's cart)")
    sp.add_argument("--item")
    sp.add_argument("--profile")
    sp.add_argument("--budget", type=float)
    sp.add_argument("--k", type=int, default=3)
    common(sp)
    sp.set_defaults(func=cmd_outfit)

    sp = sub.add_parser("profile", help="client profiles: list, create, show, like, dislike, favourite, cart")
    sp.add_argument("action", choices=["list", "create", "show", "like", "dislike", "favourite", "cart"])
    sp.add_argument("name", nargs="?")
    sp.add_argument("--item")
    common(sp)
    sp.set_defaults(func=cmd_profile)

    sp = sub.add_parser("tryon", help="put a garment on a person photo")
    sp.add_argument("--person", required=True, help="a photo, or sample:grace / sample:astronaut (bundled)")
    sp.add_argument("--garment", help="garment product photo")
    sp.add_argument("--item", help="catalog item id")
    sp.add_argument("--kind", choices=["upper", "lower", "dress"], default="upper")
    sp.add_argument("--backend", choices=["classic", "gmm", "diffusion", "catvton"], default="classic")
    sp.add_argument("--checkpoint", help="GMM checkpoint (gmm backend)")
    sp.add_argument("--model", help="inpainting model (diffusion backend; the SD-1.5 inpainting base for catvton)")
    sp.add_argument("--catvton", help="CatVTON attention weights: folder or Hub id (catvton backend)")
    sp.add_argument("--steps", type=int, help="denoising steps (diffusion 30, catvton 50 by default)")
    sp.add_argument("--size", help="catvton working size WIDTHxHEIGHT, multiples of 8 (default 384x512)")
    sp.add_argument("--out", required=True)
    common(sp)
    sp.set_defaults(func=cmd_tryon)

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

    sp = sub.add_parser("info", help="active encoder, device, index and item count")
    common(sp)
    sp.set_defaults(func=cmd_info)

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
    except KeyboardInterrupt:
        print("interrupted; re-run the same command to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
