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
from core.vocabulary import CATEGORIES
from core.catalog import Item, display_name, read_catalog
from core.config import Settings
from core.encoders import Encoder
from core.errors import BadImageError
from core.images import file_fingerprint, load_image
from core.sketch import SHAPE_DIM, SKETCH_SLUG, SketchError, outline_of_product, shape_descriptor
from core.store import IndexStore, collection_name, fetch_rows

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
    updated: int = 0
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
        return (f"{self.collection}: {self.added} added, {self.updated} re-embedded, {self.unchanged} unchanged, "
                f"{self.removed} removed, {len(self.skipped)} skipped in {self.seconds:.1f}s")


def category_vocabulary() -> list[str]:
    return list(CATEGORIES)


def tag_categories(encoder: Encoder, vectors: np.ndarray, vocabulary: list[str]) -> list[str]:
    """Zero-shot category per image vector: nearest 'a photo of a {category}' text vector."""
    text = encoder.encode_texts([f"a photo of a {c}" for c in vocabulary])
    return [vocabulary[i] for i in np.argmax(vectors @ text.T, axis=1)]


def _skip(item: Item, reason: str) -> dict:
    return {"path": display_name(item.path), "reason": reason}


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
    t0 = time.perf_counter()
    listing = read_catalog(source, metadata)
    name = collection_name(catalog_name or settings.catalog_name, encoder.info.slug)
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
            report.skipped.append(_skip(item, f"cannot read file: {exc.strerror or exc}"))
    sketch_name = collection_name(catalog_name or settings.catalog_name, SKETCH_SLUG)
    published_col = store.reader_collection(name)
    published = _fingerprints(published_col)
    published_sketch = _fingerprints(store.reader_collection(sketch_name))
    listed = {it.id for it in listing.items}
    same_root = published_col is not None and (published_col.metadata or {}).get("catalog_root") == report.catalog_root
    if same_root and published is not None and published_sketch is not None \
            and not any(published.get(i) != fp or published_sketch.get(i) != fp for i, fp in fingerprints.items()) \
            and not any(i not in listed for i in published):
        report.unchanged = len(fingerprints)  # nothing to write: no private copy of the index needed
        progress(1, 1, "index is up to date")
        report.seconds = time.perf_counter() - t0
        report.report_path = str(_write_report(store, report))
        return report
    with store.writer(wait=wait_for_lock) as writer:
        col = writer.collection(name, {
            "encoder": encoder.info.name, "encoder_slug": encoder.info.slug, "dim": encoder.info.dim,
            "catalog_root": report.catalog_root, "layout": listing.layout,
        })
        # The same items in the sketch domain (outlines), for Sketch to Cloth; independent of the encoder.
        sketch_col = writer.collection(sketch_name, {"encoder": "outline shape (HOG + silhouette)",
                                                     "encoder_slug": SKETCH_SLUG, "dim": SHAPE_DIM,
                                                     "catalog_root": report.catalog_root, "layout": listing.layout})
        for c in (col, sketch_col):  # a moved catalog: stored paths are relative, so the new root is enough
            meta = dict(c.metadata or {})
            if meta.get("catalog_root") != report.catalog_root:
                log.info("%s: catalog root %s -> %s", c.name, meta.get("catalog_root"), report.catalog_root)
                meta.update(catalog_root=report.catalog_root, layout=listing.layout)
                c.modify(metadata={k: v for k, v in meta.items() if not k.startswith("hnsw:")})
                writer.mark_changed(c)
        existing = _fingerprints(col) or {}
        existing_sketch = _fingerprints(sketch_col) or {}

        def current(it: Item) -> bool:
            fp = fingerprints[it.id]
            return existing.get(it.id) == fp and existing_sketch.get(it.id) == fp

        todo = [it for it in listing.items if it.id in fingerprints and not current(it)]
        report.unchanged = sum(1 for it in listing.items if it.id in fingerprints and current(it))
        gone = [i for i in existing if i not in listed]
        gone_sketch = [i for i in existing_sketch if i not in listed]
        if gone_sketch:
            sketch_col.delete(ids=gone_sketch)
        if gone:
            col.delete(ids=gone)
            report.removed = len(gone)
            writer.mark_changed(col)
        done = 0
        progress(0, len(todo), f"embedding {len(todo)} new or changed images")
        # Decode ahead in threads while the encoder works: keeps ingest close to raw encoder speed.
        batches: queue.Queue = queue.Queue(maxsize=3)

        def produce() -> None:
            with ThreadPoolExecutor(max_workers=2) as pool:
                for i in range(0, len(todo), batch_size):
                    batches.put(list(pool.map(lambda it: _load(it, settings.max_image_pixels), todo[i : i + batch_size])))
            batches.put(None)

        threading.Thread(target=produce, daemon=True).start()
        while (batch := batches.get()) is not None:
            good = [(it, im) for it, im, err in batch if im is not None]
            for it, _, err in batch:
                if err is not None:
                    report.skipped.append(_skip(it, err))
            if good:
                te = time.perf_counter()
                vecs, evidence = encoder.encode_images_with_evidence([im for _, im in good])
                report.encode_seconds += time.perf_counter() - te
                metas = []
                for k, (it, im) in enumerate(good):
                    meta = it.metadata()
                    tagged = []
                    if not (it.colour and it.pattern and it.category):
                        # Read from the photo, each tag with its confidence (core.attributes.read_tags).
                        tags = read_tags(im, evidence[k] if k < len(evidence) else None).metadata()
                        for key in ("colour", "pattern", "category"):
                            if not getattr(it, key):
                                meta[key] = tags[key]
                                meta[f"{key}_confidence"] = tags[f"{key}_confidence"]
                                tagged.append(key)
                    if not it.name:
                        # Only what is trusted names the item; "looks like" guesses stay out of its words.
                        sure = [meta[key] for key in ("colour", "category")
                                if meta.get(key) and float(meta.get(f"{key}_confidence", 1.0)) >= TRUST]
                        meta["name"] = " ".join(sure).capitalize() if sure else it.path.stem
                    meta.update(path=it.path.relative_to(listing.root).as_posix(), fingerprint=fingerprints[it.id],
                                tagged_from_pixels=",".join(tagged), width=im.width, height=im.height)
                    metas.append(meta)
                kept = _upsert(col, [it for it, _ in good], vecs, metas, report)
                good = [g for g, k in zip(good, kept) if k]
                metas = [m for m, k in zip(metas, kept) if k]
                for it, _ in good:
                    if it.id in existing:
                        report.updated += 1
                    else:
                        report.added += 1
                shapes, shape_ids, shape_metas = [], [], []
                for (it, im), meta in zip(good, metas):
                    try:
                        shapes.append(shape_descriptor(outline_of_product(im)))
                    except SketchError:
                        continue  # no garment outline found: the item is still searchable by text and image
                    shape_ids.append(it.id)
                    shape_metas.append({k: meta[k] for k in ("fingerprint", "category", "colour", "pattern", "price", "path", "name")})
                if shapes:
                    try:
                        sketch_col.upsert(ids=shape_ids, embeddings=np.stack(shapes), metadatas=shape_metas)
                    except (ValueError, TypeError) as exc:  # the items stay searchable by text and image
                        log.warning("outline index refused a batch: %s", exc)
                writer.mark_changed(col)
            done += len(batch)
            progress(done, len(todo), f"embedded {done}/{len(todo)}")
    report.seconds = time.perf_counter() - t0
    report.report_path = str(_write_report(store, report))
    log.info(report.summary())
    return report


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
            report.skipped.append(_skip(it, f"the index refused its id or metadata ({type(exc).__name__}: {exc})"))
            kept.append(False)
    return kept


def _fingerprints(col) -> dict[str, str] | None:
    """id -> file fingerprint of what a collection holds (None when there is no collection)."""
    if col is None:
        return None
    out: dict[str, str] = {}
    for got in fetch_rows(col, ["metadatas"]):  # by ids, never by offset (its cost grows with the offset)
        out.update({i: (m or {}).get("fingerprint", "") for i, m in zip(got["ids"], got["metadatas"])})
    return out


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
