"""What a catalog row says, as ingest compares and rewrites it: a digest of each row (so an edited name or price is
seen with the image unchanged), the fingerprints a collection holds, and metadata-only updates."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from core.catalog import Item, display_name
from core.chroma_client import fetch_rows

log = logging.getLogger(__name__)

# Keys ingest writes from the file and pixels, not from the metadata row.
_INGEST_KEYS = ("path", "fingerprint", "tagged_from_pixels", "width", "height", "lightness",
                "narrower_share")
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


def row_changed(rows: dict, item: Item) -> bool:
    stored = rows.get(item.id)
    return stored is None or stored[0] != row_digest(item.metadata(), made_name=stored[1])


def skip_entry(item: Item, reason: str) -> dict:
    return {"path": display_name(item.path), "reason": reason}


def update_metadata(col, sketch_col, items: list[Item], root: Path, report) -> int:
    """Write changed metadata rows over unchanged images: no decoding, no embedding. Values measured from the
    pixels stay where the row still leaves them empty; keys the row no longer has are removed. Refused rows are
    added to `report.skipped` (an IngestReport)."""
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
                    if k == "colour" and old.get("lightness") is not None:
                        meta["lightness"] = old["lightness"]
                    if k == "category" and old.get("narrower_share") is not None:
                        meta["narrower_share"] = old["narrower_share"]
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
                    report.skipped.append(skip_entry(it, f"the index refused its new metadata ({type(exc1).__name__}: "
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


def stored_fingerprints(col, rows: dict | None = None) -> dict[str, str] | None:
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
