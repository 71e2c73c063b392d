"""The process-wide objects a page or CLI verb needs: settings, encoder, store, catalog index.

`open_studio` loads everything once (pages cache it with st.cache_resource); `ensure_catalog_index`
builds the configured catalog's index on first start and reuses it afterwards.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from core.config import Settings, load_settings
from core.encoders import Encoder, EncoderChoice, load_encoder
from core.ingest import IngestReport, Progress, ingest_catalog
from core.search import CatalogIndex, SearchPage, SearchQuery, search_catalog
from core.store import IndexStore, catalog_collections

log = logging.getLogger(__name__)


@dataclass
class Studio:
    settings: Settings
    encoder: Encoder
    choice: EncoderChoice
    store: IndexStore
    index: CatalogIndex
    sketch_index: CatalogIndex

    def status(self) -> dict:
        info = self.encoder.info
        return {
            "encoder": info.name, "encoder_detail": info.detail, "full_model": info.full_model,
            "device": info.device, "dim": info.dim, "why": self.choice.reason, "store": self.store.describe(),
            "collection": self.index.name, "items": self.index.count(),
        }

    def search(self, query: SearchQuery, outlines: bool = True) -> SearchPage:
        """One query against this studio's catalog: its encoder, and its sketch index for sketch queries and for the
        outline shapes a photo query weighs in. outlines=False leaves the shapes out: a design's look-alikes follow
        its colour and print (an outline match put the white original among a red edit's look-alikes)."""
        return search_catalog(self.index, self.encoder, query, self.sketch_index if outlines else None)


def open_studio(settings: Settings | None = None, encoder: Encoder | None = None, load_columns: bool = True) -> Studio:
    """load_columns=False: a large catalog's filter columns are never loaded (a one-shot CLI query filters
    in Chroma instead of reading every item's metadata first)."""
    settings = settings or load_settings()
    if encoder is None:
        encoder, choice = load_encoder(settings)
    else:
        choice = EncoderChoice("given", None, "encoder passed in by the caller")
    store = IndexStore(settings)
    name, sketch_name = catalog_collections(settings.catalog_name, encoder.info.slug)
    index = CatalogIndex(store, name, settings.exact_search_threshold, load_columns=load_columns)
    sketch_index = CatalogIndex(store, sketch_name, settings.exact_search_threshold, load_columns=load_columns)
    return Studio(settings, encoder, choice, store, index, sketch_index)


FIRST_START_BATCH = 8  # images per encode batch when the app builds its catalog index


def ensure_catalog_index(studio: Studio, progress: Progress | None = None) -> IngestReport | None:
    """Build the configured catalog's index if it is missing or empty; None when it was already there."""
    if studio.index.count() > 0 and studio.sketch_index.count() > 0:
        return None
    log.info("building the index for %s", studio.settings.catalog_dir)
    # Several first visitors at once: the later ones wait for the first build instead of failing.
    # Batches of 8: the sample build peaks at 677 MiB resident instead of 1014 MiB with 32, so a 1 GB box (Cloud's
    # smallest) can build it (README: Deployment, bench/bench_cloud.py).
    return ingest_catalog(studio.settings.catalog_dir, studio.store, studio.encoder, studio.settings,
                          catalog_name=studio.settings.catalog_name, progress=progress, wait_for_lock=True,
                          batch_size=FIRST_START_BATCH)


def embedding_map(studio: Studio, max_points: int = 3000) -> dict:
    """2-D map of the catalog's vectors for the Home page's picture of the catalog (core.maplayout: supervised by
    category so that what a stylist sees as alike sits together).

    Above the exact-search threshold the process holds no vectors: the first `max_points` items' ids come in
    one call (no offset, so no cost that grows with the catalog), their vectors 500 at a time.
    """
    ids, metas, x = studio.index.items_with_vectors(studio.index.sample_ids(max_points, spread=True))
    if len(x) < 3:
        return {"x": [], "y": [], "category": [], "name": [], "id": []}
    from core.maplayout import layout

    cats = [m.get("category", "") or "untagged" for m in metas]
    xy = layout(x, cats)  # kinds together (5 nearest on the map, same category: 24% with PCA, 81% here)
    return {
        "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
        "category": [m.get("category", "") or "untagged" for m in metas],
        "name": [m.get("name", "") for m in metas], "id": list(ids),
    }
