"""Try-on verbs: tryon (one garment), tryon-outfit (a whole outfit), train-gmm (the geometric matching module)."""
from __future__ import annotations

from pathlib import Path

from core.cli.common import Bar, add_common, in_file, mkdir_for, out_image, settings_from, to_json
from core.errors import AtelierError
from core.tryon.registry import backends


def register(sub) -> None:
    sp = sub.add_parser("tryon", help="put a garment on a person photo")
    sp.add_argument("--person", required=True, help="a photo, or a bundled person: sample:grace, sample:astronaut, "
                    "sample:slim, sample:average, sample:curvy (full-body croquis figures)")
    sp.add_argument("--garment", help="garment product photo")
    sp.add_argument("--item", help="catalog item id")
    sp.add_argument("--kind", choices=["upper", "lower", "dress"],
                    help="garment kind; with --item it follows the item's category, else upper")
    sp.add_argument("--backend", choices=list(backends()), default="classic")
    sp.add_argument("--checkpoint", help="GMM checkpoint (gmm backend)")
    sp.add_argument("--model", help="inpainting model (diffusion backend; the SD-1.5 inpainting base for catvton)")
    sp.add_argument("--catvton", help="CatVTON attention weights: folder or Hub id (catvton backend)")
    sp.add_argument("--steps", type=int, help="denoising steps (diffusion 30, catvton 50 by default)")
    sp.add_argument("--size", help="catvton working size WIDTHxHEIGHT, multiples of 8 (default 384x512)")
    sp.add_argument("--out", required=True)
    add_common(sp)
    sp.set_defaults(func=cmd_tryon)

    sp = sub.add_parser("tryon-outfit", help="dress a whole outfit (top+bottom or dress, shoes, bag) on a person")
    sp.add_argument("--person", required=True, help="a full-body photo or sample:slim / sample:average / sample:curvy")
    sp.add_argument("--item", action="append", help="catalog item id (repeat for each piece)")
    sp.add_argument("--piece", action="append", help="CATEGORY=FILE, a product shot (repeat for each piece)")
    sp.add_argument("--backend", choices=["classic", "gmm", "diffusion"], default="classic")
    sp.add_argument("--out", required=True)
    add_common(sp)
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
    add_common(sp)
    sp.set_defaults(func=cmd_train_gmm)


def model_overrides(args) -> dict:
    """The try-on flags as settings: --model is the inpainting model, or with the catvton backend the SD-1.5
    inpainting base CatVTON sits on (the one model each backend reads)."""
    model_setting = "catvton_base" if args.backend == "catvton" else "inpaint_model"
    return {"gmm_checkpoint": args.checkpoint, "catvton_attention": args.catvton, model_setting: args.model}


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
        if max(w, h) > 2048:
            raise ValueError
    except ValueError:
        raise AtelierError(f"--size wants WIDTHxHEIGHT such as 384x512 (at most 2048 a side), not {text!r}.") from None
    if w < 64 or h < 64 or w % 8 or h % 8:
        raise AtelierError(f"--size {text}: both sides must be multiples of 8, at least 64.")
    return w, h


def kind_from_name(stem: str) -> str | None:
    """A product shot's garment kind from its file name ("jeans-002", "red_maxi_dress"): the last garment word."""
    import re

    from core.vocabulary import tryon_kind

    words = [w for w in re.split(r"[^a-z]+", stem.lower()) if w]
    for n in range(len(words), 0, -1):
        for k in (2, 1):
            if n - k >= 0 and (kind := tryon_kind(" ".join(words[n - k:n]))):
                return kind
    return None


def load_person(spec: str, settings):
    """--person FILE or sample:NAME -> (image, ready analysis or None)."""
    from core.images import load_image

    if spec.startswith("sample:"):
        from core.tryon.people import sample_person

        return sample_person(spec.removeprefix("sample:"))
    return load_image(spec, settings.max_image_pixels), None


def cmd_tryon(args) -> int:
    from core.tryon.registry import load_tryon

    # 1. the flags and input files, before any work
    if bool(args.garment) == bool(args.item):
        raise AtelierError("Give exactly one of --garment FILE or --item ID.")
    out = out_image(args.out)
    if args.steps is not None:
        from core.validate import whole

        whole(args.steps, "--steps", 1, 500)
    size = parse_size(args.size) if args.size else None
    if not args.person.startswith("sample:"):
        in_file(args.person, "--person")
    in_file(args.garment, "--garment")
    settings = settings_from(args, **model_overrides(args))
    # 2. the person, the garment and its kind
    person, analysed = load_person(args.person, settings)
    garment, kind = _garment(args, settings)
    # 3. the try-on, written
    backend, _ = load_tryon(settings, args.backend, steps=args.steps, size=size)
    result = backend.run(person, garment, kind, person=analysed)
    mkdir_for(out)
    result.image.save(out)
    info = result.summary() | {"output": str(out)}
    print(to_json(info) if args.json else f"wrote {out}: worn as {kind} with the {result.backend} backend in "
          f"{sum(result.timings.values()):.2f}s; quality {result.quality.score}/100: {result.quality.headline}")
    return 0


def _garment(args, settings):
    """(garment image, kind): the kind as asked, else the item's category, else the file name's, else upper."""
    from core.images import load_image

    kind = args.kind
    if args.item:
        from core.studio import open_studio
        from core.vocabulary import tryon_kind

        hit = open_studio(settings).index.item(args.item)
        garment = load_image(hit.path, settings.max_image_pixels)
        kind = kind or tryon_kind(hit.metadata.get("category", "")) or "upper"  # the kind follows the item
    else:
        garment = load_image(args.garment, settings.max_image_pixels)
        kind = kind or kind_from_name(Path(args.garment).stem)
    return garment, kind or "upper"


def cmd_tryon_outfit(args) -> int:
    from core.tryon.outfit import dress_outfit
    from core.tryon.registry import load_tryon

    out = out_image(args.out)  # checked before any work, as every verb's output is
    if not args.person.startswith("sample:"):
        in_file(args.person, "--person")
    for spec in args.piece or []:
        category, sep, path = spec.partition("=")
        if not sep or not path:
            raise AtelierError(f"--piece wants CATEGORY=FILE such as jeans=photos/jeans.jpg, not {spec!r}.")
        in_file(path, "--piece")
    settings = settings_from(args)
    pieces = _pieces(args, settings)
    if not pieces:
        raise AtelierError("Give the outfit's pieces: --item ID (repeat) or --piece CATEGORY=FILE (repeat).")
    person, analysed = load_person(args.person, settings)
    backend, _ = load_tryon(settings, args.backend)
    result = dress_outfit(backend, person, pieces, person=analysed)
    mkdir_for(out)
    result.image.save(out)
    info = result.summary() | {"output": str(out)}
    print(to_json(info) if args.json else f"wrote {out}: {'; '.join(result.layers)}")
    return 0


def _pieces(args, settings) -> list:
    from core.images import load_image
    from core.tryon.outfit import Piece

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
    return pieces


def cmd_train_gmm(args) -> int:
    from core.tryon.gmm import GmmConfig, train_gmm

    from core.validate import number, whole

    for flag, lo, hi in (("steps", 1, 10_000_000), ("batch_size", 1, 1024), ("height", 16, 2048), ("width", 16, 2048),
                         ("ngf", 1, 1024), ("save_every", 1, 10_000_000), ("sample_every", 1, 10_000_000)):
        whole(getattr(args, flag), "--" + flag.replace("_", "-"), lo, hi)
    number(args.lr, "--lr", 1e-12, 10.0)
    cfg = GmmConfig(height=args.height, width=args.width, ngf=args.ngf)
    bar = Bar(args.json)
    report = train_gmm(args.data, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr, cfg=cfg,
                       resume=not args.no_resume, save_every=args.save_every, sample_every=args.sample_every,
                       device=args.device, progress=lambda d, t, loss: bar(d, t, f"loss {loss:.4f}"))
    from dataclasses import asdict

    print(to_json(asdict(report)) if args.json else
          f"trained steps {report.start_step}..{report.start_step + report.steps}: loss {report.first_loss:.4f} -> "
          f"{report.last_loss:.4f}; checkpoint {report.checkpoint}")
    return 0
