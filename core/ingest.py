"""Ingest a catalog into its (catalog, encoder) collection: idempotent, resumable, never aborted by one file."""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from core.attributes import TRUST, read_tags
from core.catalog import Item, display_name, read_catalog
from core.config import Settings
from core.encoders import Encoder
from core.errors import BadImageError
from core.images import file_fingerprint, load_image
from core.sketch import SHAPE_DIM, SKETCH_SLUG, SketchError, outline_of_product, shape_descriptor
from core.ingest_rows import SKETCH_KEYS, row_changed, skip_entry, stored_fingerprints, update_metadata
from core.store import IndexStore, catalog_collections

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (done, total, message)


@dataclass
class IngestReport:
    collection: str
    catalog_root: str
    layout: str
    encoder: str
    total: int = 0
    added: int = 0
    updated: int = 0  # images changed: re-embedded
    metadata_updated: int = 0  # images unchanged, metadata rows changed: written without re-embedding
    unchanged: int = 0
    removed: int = 0
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason"}: every file not indexed, named
    metadata_problems: list[str] = field(default_factory=list)  # rows, columns, values, encodings: file and line named
    seconds: float = 0.0
    encode_seconds: float = 0.0
    report_path: str = ""

    @property
    def images_per_second(self) -> float:
        n = self.added + self.updated
        return n / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (f"{self.collection}: {self.added} added, {self.updated} re-embedded, {self.metadata_updated} updated "
                f"(metadata only), {self.unchanged} unchanged, {self.removed} removed, {len(self.skipped)} skipped "
                f"in {self.seconds:.1f}s")


def _load(item: Item, max_pixels: int):
    try:
        return item, load_image(item.path, max_pixels=max_pixels), None
    except BadImageError as exc:
        return item, None, str(exc)
    except Exception as exc:  # one bad file never aborts the run
        return item, None, f"{type(exc).__name__}: {exc}"


def ingest_catalog(
    source: str | Path,
    store: IndexStore,
    encoder: Encoder,
    settings: Settings,
    catalog_name: str | None = None,
    metadata: str | Path | None = None,
    progress: Progress | None = None,
    batch_size: int = 32,
    wait_for_lock: bool = False,
) -> IngestReport:
    """Index a catalog (a folder, CSV/JSONL, ...): new or changed images embedded, edited rows rewritten, removed
    items deleted, into a private copy of the index that is published when done (core.store)."""
    t0 = time.perf_counter()
    # 1. the catalog's items and their files' fingerprints
    listing = read_catalog(source, metadata)
    name, sketch_name = catalog_collections(catalog_name or settings.catalog_name, encoder.info.slug)
    report = IngestReport(name, display_name(listing.root.resolve()), listing.layout, encoder.info.name,
                          total=len(listing.items) + len(listing.skipped), skipped=list(listing.skipped),
                          metadata_problems=listing.problems)
    progress = progress or (lambda done, total, msg: None)
    progress(0, len(listing.items), "checking what changed")
    fingerprints = {}
    for item in listing.items:
        try:
            fingerprints[item.id] = file_fingerprint(item.path)
        except OSError as exc:
            report.skipped.append(skip_entry(item, f"cannot read file: {exc.strerror or exc}"))
    # 2. nothing changed: nothing to write, so no private copy of the index is needed
    if _published_is_current(store, name, sketch_name, listing, fingerprints, report.catalog_root):
        report.unchanged = len(fingerprints)
        progress(1, 1, "index is up to date")
        report.seconds = time.perf_counter() - t0
        report.report_path = str(_write_report(store, report))
        return report
    # 3. the changes written to a private copy of the index, published when the writer closes
    with store.writer(wait=wait_for_lock) as writer:
        run = _Run(listing, fingerprints, report, progress, encoder, settings, writer, batch_size)
        run.open_collections(name, sketch_name)
        todo = run.edit_and_remove()
        run.embed(todo)
    report.seconds = time.perf_counter() - t0
    report.report_path = str(_write_report(store, report))
    log.info(report.summary())
    return report


def _published_is_current(store: IndexStore, name: str, sketch_name: str, listing, fingerprints: dict[str, str],
                          catalog_root: str) -> bool:
    """The published index already holds every listed item at its fingerprint and row, and nothing else."""
    published_col = store.reader_collection(name)
    published_rows: dict[str, tuple[str, str | None]] = {}
    published = stored_fingerprints(published_col, published_rows)
    published_sketch = stored_fingerprints(store.reader_collection(sketch_name))
    listed = {it.id for it in listing.items}
    same_root = published_col is not None and (published_col.metadata or {}).get("catalog_root") == catalog_root
    return bool(same_root and published is not None and published_sketch is not None
                and not any(published.get(i) != fp or published_sketch.get(i) != fp for i, fp in fingerprints.items())
                and not any(row_changed(published_rows, it) for it in listing.items if it.id in fingerprints)
                and not any(i not in listed for i in published))


@dataclass
class _Run:
    """One ingest's writing steps, on the writer's private copy."""

    listing: object  # core.catalog's listing: items, root, layout
    fingerprints: dict[str, str]
    report: IngestReport
    progress: Progress
    encoder: Encoder
    settings: Settings
    writer: object
    batch_size: int
    col: object = None
    sketch_col: object = None
    existing: dict = field(default_factory=dict)
    existing_sketch: dict = field(default_factory=dict)

    def open_collections(self, name: str, sketch_name: str) -> None:
        """The catalog's collection and its outline twin, with the catalog's current root."""
        info, root, layout = self.encoder.info, self.report.catalog_root, self.listing.layout
        self.col = self.writer.collection(name, {
            "encoder": info.name, "encoder_slug": info.slug, "dim": info.dim, "catalog_root": root, "layout": layout,
        })
        # The same items in the sketch domain (outlines), for Sketch to Cloth; independent of the encoder.
        self.sketch_col = self.writer.collection(sketch_name, {"encoder": "outline shape (HOG + silhouette)",
                                                               "encoder_slug": SKETCH_SLUG, "dim": SHAPE_DIM,
                                                               "catalog_root": root, "layout": layout})
        for c in (self.col, self.sketch_col):  # a moved catalog: stored paths are relative, so the new root is enough
            meta = dict(c.metadata or {})
            if meta.get("catalog_root") != root:
                log.info("%s: catalog root %s -> %s", c.name, meta.get("catalog_root"), root)
                meta.update(catalog_root=root, layout=layout)
                c.modify(metadata={k: v for k, v in meta.items() if not k.startswith("hnsw:")})
                self.writer.mark_changed(c)

    def edit_and_remove(self) -> list[Item]:
        """Rows edited over unchanged images rewritten, items no longer listed deleted; the items to embed."""
        col, sketch_col, report, fingerprints = self.col, self.sketch_col, self.report, self.fingerprints
        items = self.listing.items
        existing_rows: dict[str, tuple[str, str | None]] = {}
        existing = self.existing = stored_fingerprints(col, existing_rows) or {}
        existing_sketch = self.existing_sketch = stored_fingerprints(sketch_col) or {}

        def current(it: Item) -> bool:
            fp = fingerprints[it.id]
            return existing.get(it.id) == fp and existing_sketch.get(it.id) == fp

        todo = [it for it in items if it.id in fingerprints and not current(it)]
        edited = [it for it in items if it.id in fingerprints and current(it) and row_changed(existing_rows, it)]
        report.unchanged = sum(1 for it in items if it.id in fingerprints and current(it)) - len(edited)
        if edited:
            self.progress(0, len(edited), f"updating the metadata of {len(edited)} items")
            report.metadata_updated = update_metadata(col, sketch_col, edited, self.listing.root, report)
            self.writer.mark_changed(col)
        listed = {it.id for it in items}
        gone = [i for i in existing if i not in listed]
        gone_sketch = [i for i in existing_sketch if i not in listed]
        if gone_sketch:
            sketch_col.delete(ids=gone_sketch)
        if gone:
            col.delete(ids=gone)
            report.removed = len(gone)
            self.writer.mark_changed(col)
        return todo

    def embed(self, todo: list[Item]) -> None:
        """New and changed images decoded ahead in threads while the encoder works (close to raw encoder speed)."""
        done = 0
        self.progress(0, len(todo), f"embedding {len(todo)} new or changed images")
        batches: queue.Queue = queue.Queue(maxsize=3)
        size, max_pixels = self.batch_size, self.settings.max_image_pixels

        def produce() -> None:
            with ThreadPoolExecutor(max_workers=2) as pool:
                for i in range(0, len(todo), size):
                    batches.put(list(pool.map(lambda it: _load(it, max_pixels), todo[i : i + size])))
            batches.put(None)

        threading.Thread(target=produce, daemon=True).start()
        while (batch := batches.get()) is not None:
            good = [(it, im) for it, im, err in batch if im is not None]
            for it, _, err in batch:
                if err is not None:
                    self.report.skipped.append(skip_entry(it, err))
            if good:
                self.write_batch(good)
            done += len(batch)
            self.progress(done, len(todo), f"embedded {done}/{len(todo)}")

    def write_batch(self, good: list) -> None:
        """One batch of decoded images: encoded, tagged where the row is silent, written with their outlines."""
        report = self.report
        te = time.perf_counter()
        vecs, evidence = self.encoder.encode_images_with_evidence([im for _, im in good])
        report.encode_seconds += time.perf_counter() - te
        metas = [self.item_metadata(it, im, evidence[k] if k < len(evidence) else None)
                 for k, (it, im) in enumerate(good)]
        kept = _upsert(self.col, [it for it, _ in good], vecs, metas, report)
        good = [g for g, k in zip(good, kept) if k]
        metas = [m for m, k in zip(metas, kept) if k]
        for it, _ in good:
            if it.id in self.existing:
                report.updated += 1
            else:
                report.added += 1
        _write_outlines(self.sketch_col, good, metas)
        self.writer.mark_changed(self.col)

    def item_metadata(self, it: Item, im, evidence) -> dict:
        """The row's metadata; what it leaves empty read from the photo, each tag with its confidence."""
        meta = it.metadata()
        tagged = []
        if not (it.colour and it.pattern and it.category):
            # Read from the photo, each tag with its confidence (core.attributes.read_tags).
            tags = read_tags(im, evidence).metadata()
            for key in ("colour", "pattern", "category"):
                if not getattr(it, key):
                    meta[key] = tags[key]
                    meta[f"{key}_confidence"] = tags[f"{key}_confidence"]
                    tagged.append(key)
            if "colour" in tagged and "lightness" in tags:  # a greyscale photo: its lightness, not its colour
                meta["lightness"] = tags["lightness"]
            if "category" in tagged and "narrower_share" in tags:  # trousers: how much they look like jeans
                meta["narrower_share"] = tags["narrower_share"]
        if not it.name:
            # Only what is trusted names the item; "looks like" guesses stay out of its words.
            sure = [meta[key] for key in ("colour", "category")
                    if meta.get(key) and float(meta.get(f"{key}_confidence", 1.0)) >= TRUST]
            meta["name"] = " ".join(sure).capitalize() if sure else it.path.stem
            tagged.append("name")
        meta.update(path=it.path.relative_to(self.listing.root).as_posix(), fingerprint=self.fingerprints[it.id],
                    tagged_from_pixels=",".join(tagged), width=im.width, height=im.height)
        return meta


def _write_outlines(sketch_col, good: list, metas: list[dict]) -> None:
    """Each item's outline shape into the sketch collection (an item without an outline stays searchable)."""
    shapes, shape_ids, shape_metas = [], [], []
    for (it, im), meta in zip(good, metas):
        try:
            shapes.append(shape_descriptor(outline_of_product(im)))
        except SketchError:
            continue  # no garment outline found: the item is still searchable by text and image
        shape_ids.append(it.id)
        shape_metas.append({k: meta[k] for k in SKETCH_KEYS})
    if shapes:
        try:
            sketch_col.upsert(ids=shape_ids, embeddings=np.stack(shapes), metadatas=shape_metas)
        except (ValueError, TypeError) as exc:  # the items stay searchable by text and image
            log.warning("outline index refused a batch: %s", exc)


def _upsert(col, items: list[Item], vecs: np.ndarray, metas: list[dict], report: IngestReport) -> list[bool]:
    """Write a batch; if the store refuses it, write item by item so one bad item is skipped, not the batch."""
    try:
        col.upsert(ids=[it.id for it in items], embeddings=vecs, metadatas=metas)
        return [True] * len(items)
    except (ValueError, TypeError) as exc:  # chromadb's InvalidArgumentError is a ValueError
        log.warning("batch refused by the index (%s); writing item by item", exc)
    kept = []
    for it, vec, meta in zip(items, vecs, metas):
        try:
            col.upsert(ids=[it.id], embeddings=vec[None], metadatas=[meta])
            kept.append(True)
        except (ValueError, TypeError) as exc:
            report.skipped.append(skip_entry(it, f"the index refused its id or metadata ({type(exc).__name__}: {exc})"))
            kept.append(False)
    return kept


def _write_report(store: IndexStore, report: IngestReport) -> Path | str:
    if store.remote:
        return ""
    folder = store.root / "reports"
    try:
        folder.mkdir(exist_ok=True)
        path = folder / f"ingest-{time.strftime('%Y%m%d-%H%M%S')}-{report.collection[:60]}.json"
        path.write_text(json.dumps(asdict(report), indent=2))
        return path
    except OSError as exc:
        log.warning("could not write the ingest report: %s", exc)
        return ""
