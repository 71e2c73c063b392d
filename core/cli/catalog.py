"""Catalog verbs: ingest, fetch-catalog, make-sample, info, train-tagger."""
from __future__ import annotations

import sys
from pathlib import Path

from core.cli.common import MAX_SEED, Bar, add_common, in_file, settings_from, to_json
from core.errors import AtelierError


def register(sub) -> None:
    sp = sub.add_parser("ingest", help="index a folder of images (+ CSV/JSONL metadata, VITON-HD, Kaggle layouts)")
    sp.add_argument("path")
    sp.add_argument("--metadata", help="CSV or JSONL keyed by file name")
    add_common(sp)
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("train-tagger", help="learn tags from the catalog's labelled items to tag the unlabelled ones")
    sp.add_argument("--out", help="folder for the head (config.json + weights.npz); default DATA_DIR/tag-heads/INDEX")
    sp.add_argument("--holdout", type=float, default=0.2, help="share of labelled items held out for the metrics")
    sp.add_argument("--apply", action="store_true", help="re-tag the items whose tags were read from pixels")
    add_common(sp)
    sp.set_defaults(func=cmd_train_tagger)

    sp = sub.add_parser("info", help="active encoder, device, index and item count")
    add_common(sp)
    sp.set_defaults(func=cmd_info)

    sp = sub.add_parser("fetch-catalog", help="import a Hugging Face product-photo dataset (or local parquet), then ingest it")
    sp.add_argument("dataset", help="dataset id (owner/name), a short name (fashion-product-images-small) or a .parquet file/folder")
    sp.add_argument("--limit", type=int, help="import at most this many rows")
    sp.add_argument("--out", help="folder for images + catalog.csv (default: data/catalogs/<dataset>)")
    add_common(sp)
    sp.set_defaults(func=cmd_fetch_catalog)

    sp = sub.add_parser("make-sample", help="regenerate the bundled sample catalog")
    sp.add_argument("--out", default="assets/sample_catalog")
    sp.add_argument("--per-category", type=int, default=30)
    sp.add_argument("--seed", type=int, default=7)
    sp.set_defaults(func=cmd_sample)


def cmd_ingest(args) -> int:
    from core.studio import open_studio
    from core.ingest import ingest_catalog

    in_file(args.metadata, "--metadata")
    root = Path(args.path).expanduser()
    if not root.is_dir():  # said before the encoder loads
        raise AtelierError(f"Catalog folder {args.path} does not exist." if not root.exists() else
                           f"{args.path} is not a folder; point ingest at a folder of images.")
    settings = settings_from(args)
    studio = open_studio(settings)
    print(f"encoder: {studio.encoder.info.name} on {studio.encoder.info.device} ({studio.choice.reason})", file=sys.stderr)
    report = ingest_catalog(args.path, studio.store, studio.encoder, settings, catalog_name=settings.catalog_name,
                            metadata=args.metadata, progress=Bar(args.json))
    if args.json:
        from dataclasses import asdict

        print(to_json(asdict(report) | {"images_per_second": report.images_per_second}))
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


def cmd_info(args) -> int:
    from core.studio import open_studio

    studio = open_studio(settings_from(args))
    status = studio.status()
    print(to_json(status, indent=2) if args.json else "\n".join(f"{k}: {v}" for k, v in status.items()))
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
    settings = settings_from(args)
    folder = Path(args.out) if args.out else default_folder(args.dataset, settings.data_dir)
    report = fetch_catalog(args.dataset, folder, limit=args.limit, progress=Bar(args.json),
                           timeout_s=settings.auto_probe_timeout_s, max_pixels=settings.max_image_pixels)
    print(f"{report.summary()}; catalog.csv: {report.catalog_csv}", file=sys.stderr)
    for s in report.skipped[:10]:
        print(f"  skipped row {s['row']} ({s['id']}): {s['reason']}", file=sys.stderr)
    if report.unmapped_categories:
        print(f"  categories outside the vocabulary (left to zero-shot tagging): "
              f"{', '.join(sorted(report.unmapped_categories)[:10])}", file=sys.stderr)
    args.path, args.metadata = str(folder), str(folder / "catalog.csv")
    return cmd_ingest(args)


def cmd_train_tagger(args) -> int:
    from core.studio import open_studio
    from core.tagger import apply_head, train_head
    from core.validate import number

    number(args.holdout, "--holdout", 0.0, 0.9)
    studio = open_studio(settings_from(args))
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
        print(to_json(result, indent=2))
    else:
        _print_tagger(head, out, changed, args.apply)
    return 0


def _print_tagger(head, out: Path, changed: list, applied: bool) -> None:
    for key, m in head.metrics.items():
        held = (f"held out {m['held_out']}: accuracy {m['accuracy']:.3f}, "
                + ", ".join(f"{k} {v:.3f}" for k, v in m.items() if k.startswith("recall@"))) if "accuracy" in m \
            else "too few labelled items to hold some out"
        print(f"{key}: {m['labelled']} labelled items, {m['classes']} labels; {held}")
    print(f"saved to {out}" + (f"; {len(changed)} items re-tagged" if applied else
                               " (--apply re-tags the items whose tags were read from pixels)"))
