"""The design verb: repaint the masked part of a garment, write the image(s), optionally list similar real items."""
from __future__ import annotations

import logging

from core.cli.common import MAX_SEED, add_common, in_file, mkdir_for, out_image, settings_from, to_json
from core.errors import AtelierError

log = logging.getLogger("atelier")


def register(sub) -> None:
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
    add_common(sp)
    sp.set_defaults(func=cmd_design)


def cmd_design(args) -> int:
    from core.design import DesignRequest, load_design

    # 1. every flag checked before the work, the output path first
    out = _check_flags(args)
    settings = settings_from(args)
    # 2. the garment and the region to change, within the memory ceiling of one edit
    image, mask = _image_and_mask(args, settings)
    # 3. the design
    backend, choice = load_design(settings, args.model)
    prompt, negative = backend.prepare_prompt(args.prompt)
    result = backend.generate(DesignRequest(image=image, mask=mask, prompt=prompt, negative_prompt=negative,
                                            steps=args.steps, guidance=args.guidance, seed=args.seed,
                                            strength=args.strength, variations=args.variations))
    # 4. the images written, and what was made said
    paths = _save(result.images, out)
    why = choice.reason
    info = {"outputs": paths, "backend": result.backend, "model": result.model, "why": why, "prompt": result.prompt,
            "negative_prompt": result.negative_prompt, "seed": result.seed, "steps": result.steps,
            "seconds": round(result.seconds, 3), "notes": result.notes, "size": list(result.images[0].size)}
    if args.similar > 0:
        info["similar"] = _similar(args, settings, result.images[0])
        if not args.json:
            print("similar real items: " + ", ".join(info["similar"]))
    print(to_json(info) if args.json else f"wrote {', '.join(paths)} with {result.backend} ({why})")
    return 0


def _check_flags(args):
    from core.validate import number, whole

    if bool(args.image) == bool(args.item):
        raise AtelierError("Give exactly one of --image FILE or --item ID.")
    out = out_image(args.out)  # checked before the work, not after it
    whole(args.seed, "--seed", 0, MAX_SEED)
    whole(args.steps, "--steps", 1, 500)
    whole(args.variations, "--variations", 1, 16)
    number(args.guidance, "--guidance", 0.0, 50.0)
    number(args.strength, "--strength", 0.01, 1.0)
    in_file(args.image, "--image")
    if not _whole_garment(args):
        in_file(args.mask, "--mask")
    if not args.prompt.strip():
        raise AtelierError("--prompt is empty; say what to change, e.g. 'red silk'.")
    return out


def _whole_garment(args) -> bool:
    return args.mask.strip().lower() == "garment"


def _image_and_mask(args, settings):
    from core.images import load_image

    if args.item:
        from core.studio import open_studio

        studio = open_studio(settings)
        image = load_image(studio.index.item(args.item).path, settings.max_image_pixels)
    else:
        image = load_image(args.image, settings.max_image_pixels)
    if _whole_garment(args):
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
    return image, mask


def _save(images, out) -> list[str]:
    mkdir_for(out)
    paths = []
    for n, img in enumerate(images):
        p = out if len(images) == 1 else out.with_name(f"{out.stem}-{n + 1}{out.suffix or '.png'}")
        img.save(p)
        paths.append(str(p))
    return paths


def _similar(args, settings, design) -> list[str]:
    from core.design import similar_query
    from core.studio import open_studio

    studio = open_studio(settings)
    category = studio.index.item(args.item).metadata.get("category", "") if args.item else ""
    hits = studio.search(similar_query(design, args.prompt, category, args.similar), outlines=False).hits
    return [h.id for h in hits]
