"""Ingest a catalog into its (catalog, encoder) collection: idempotent, resumable, never aborted by one file."""
from __future__ import annotations

import hashlib
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


def category_vocabulary() -> list[str]:
    return list(CATEGORIES)


def tag_categories(encoder: Encoder, vectors: np.ndarray, vocabulary: list[str]) -> list[str]:
    """Zero-shot category per image vector: nearest 'a photo of a {category}' text vector."""
    text = encoder.encode_texts([f"a photo of a {c}" for c in vocabulary])
    return [vocabulary[i] for i in np.argmax(vectors @ text.T, axis=1)]


# Keys ingest writes from the file and pixels, not from the metadata row.
_INGEST_KEYS = ("path", "fingerprint", "tagged_from_pixels", "width", "height")
_FILLED = ("name", "colour", "pattern", "category")  # filled from the pixels when the row leaves them empty
SKETCH_KEYS = ("fingerprint", "category", "colour", "pattern", "price", "path", "name")


def _made_name(meta: dict) -> str:
    """The name ingest makes from the pixels when a row has none ("Red dress")."""
    return " ".join(w for w in (str(meta.get("colour", "") or "").capitalize(), str(meta.get("category", "") or ""))
                    if w)


def row_digest(meta: dict, stored: bool = False, made_name: str | None = None) -> str:
    """A digest of what a metadata row says about an item. For a stored record, the values ingest measured from
    the pixels (named in tagged_from_pixels, and a name it made from them) are left out, so the digest of a row
    and of the record it wrote agree until the row changes: a changed name, price or any column is then seen
    with the image unchanged. `made_name`: the stored record's made name, which a row may also spell out."""
    tagged = set(str(meta.get("tagged_from_pixels", "")).split(",")) if stored else set()
    if stored and meta.get("name") and meta.get("name") == _made_name(meta):
        tagged.add("name")
    if not stored and made_name and meta.get("name") == made_name:
        tagged.add("name")
    view = {k: v for k, v in meta.items()
            if k not in _INGEST_KEYS and k not in tagged and k.removesuffix("_confidence") not in tagged
            and not (k in _FILLED and v in ("", None))}
    return hashlib.sha1(json.dumps(view, sort_keys=True, default=str).encode()).hexdigest()


def _row_changed(rows: dict, item: Item) -> bool:
    stored = rows.get(item.id)
    return stored is None or stored[0] != row_digest(item.metadata(), made_name=stored[1])


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
    published_rows: dict[str, tuple[str, str | None]] = {}
    published = _fingerprints(published_col, published_rows)
    published_sketch = _fingerprints(store.reader_collection(sketch_name))
    listed = {it.id for it in listing.items}
    same_root = published_col is not None and (published_col.metadata or {}).get("catalog_root") == report.catalog_root
    if same_root and published is not None and published_sketch is not None \
            and not any(published.get(i) != fp or published_sketch.get(i) != fp for i, fp in fingerprints.items()) \
            and not any(_row_changed(published_rows, it) for it in listing.items if it.id in fingerprints) \
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
        existing_rows: dict[str, tuple[str, str | None]] = {}
        existing = _fingerprints(col, existing_rows) or {}
        existing_sketch = _fingerprints(sketch_col) or {}

        def current(it: Item) -> bool:
            fp = fingerprints[it.id]
            return existing.get(it.id) == fp and existing_sketch.get(it.id) == fp

        todo = [it for it in listing.items if it.id in fingerprints and not current(it)]
        edited = [it for it in listing.items if it.id in fingerprints and current(it)
                  and _row_changed(existing_rows, it)]
        report.unchanged = sum(1 for it in listing.items if it.id in fingerprints and current(it)) - len(edited)
        if edited:
            progress(0, len(edited), f"updating the metadata of {len(edited)} items")
            report.metadata_updated = _update_metadata(col, sketch_col, edited, listing.root, report)
            writer.mark_changed(col)
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
                        tagged.append("name")
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
                    shape_metas.append({k: meta[k] for k in SKETCH_KEYS})
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


def _update_metadata(col, sketch_col, items: list[Item], root: Path, report: IngestReport) -> int:
    """Write changed metadata rows over unchanged images: no decoding, no embedding. Values measured from the
    pixels stay where the row still leaves them empty; keys the row no longer has are removed."""
    done = 0
    for start in range(0, len(items), 500):
        batch = items[start : start + 500]
        stored = dict(zip(*(lambda g: (g["ids"], g["metadatas"]))(col.get(ids=[it.id for it in batch],
                                                                                include=["metadatas"]))))
        ids, metas, sketch_metas = [], [], []
        for it in batch:
            old = stored.get(it.id) or {}
            meta = it.metadata()
            tagged = []
            for k in str(old.get("tagged_from_pixels", "")).split(","):
                if k in _FILLED and not meta.get(k) and old.get(k):
                    meta[k] = old[k]  # a tag read from the pixels stays, with its confidence
                    if old.get(f"{k}_confidence") is not None:
                        meta[f"{k}_confidence"] = old[f"{k}_confidence"]
                    tagged.append(k)
            if not meta.get("name"):
                meta["name"] = _made_name(meta)
            meta.update(path=it.path.relative_to(root).as_posix(), fingerprint=old.get("fingerprint", ""),
                        tagged_from_pixels=",".join(dict.fromkeys(tagged)), width=old.get("width", 0),
                        height=old.get("height", 0))
            meta.update({k: None for k in old if k not in meta})  # a column dropped from the sheet
            ids.append(it.id)
            metas.append(meta)
            sketch_metas.append({k: meta[k] for k in SKETCH_KEYS})
        try:
            col.update(ids=ids, metadatas=metas)
        except (ValueError, TypeError) as exc:
            for it, meta in zip(batch, metas):
                try:
                    col.update(ids=[it.id], metadatas=[meta])
                except (ValueError, TypeError) as exc1:
                    report.skipped.append(_skip(it, f"the index refused its new metadata ({type(exc1).__name__}: "
                                                    f"{exc1}); the old metadata is kept"))
                    ids.remove(it.id)
            log.warning("metadata batch refused (%s); written item by item", exc)
        kept = set(ids)
        sketch_ids = set(sketch_col.get(ids=ids, include=[])["ids"]) if ids else set()
        pairs = [(i, m) for i, m in zip([it.id for it in batch], sketch_metas) if i in kept and i in sketch_ids]
        if pairs:
            try:
                sketch_col.update(ids=[i for i, _ in pairs], metadatas=[m for _, m in pairs])
            except (ValueError, TypeError) as exc:
                log.warning("outline index refused a metadata update: %s", exc)
        done += len(ids)
    return done


def _fingerprints(col, rows: dict | None = None) -> dict[str, str] | None:
    """id -> file fingerprint of what a collection holds (None when there is no collection); with `rows`, also
    fills id -> row_digest of each stored record (what its metadata row said)."""
    if col is None:
        return None
    out: dict[str, str] = {}
    for got in fetch_rows(col, ["metadatas"]):  # by ids, never by offset (its cost grows with the offset)
        out.update({i: (m or {}).get("fingerprint", "") for i, m in zip(got["ids"], got["metadatas"])})
        if rows is not None:
            rows.update({i: (row_digest(m or {}, stored=True),
                             _made_name(m) if (m or {}).get("name") == _made_name(m or {}) else None)
                         for i, m in zip(got["ids"], got["metadatas"])})
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
