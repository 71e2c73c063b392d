"""Catalog items and readers (folder, CSV/JSONL, VITON-HD, Kaggle) and the unknown-price rule: price_of()."""
from core.catalog.item import UNKNOWN_PRICE, CatalogListing, Item, MetadataRow, price_of, stored_price
from core.catalog.metadata import MAX_METADATA_BYTES, check_regular_file, read_metadata
from core.catalog.price import MAX_PRICE, parse_price
from core.catalog.readers import INGEST_SUFFIXES, OTHER_IMAGE_SUFFIXES, read_catalog
from core.catalog.text import (MAX_ID, MAX_KEY, MAX_TEXT, META_FIELDS, RESERVED_KEYS, clean_text, decode_text,
                               display_name, fallback_id, metadata_key, safe_id)

__all__ = ["UNKNOWN_PRICE", "CatalogListing", "Item", "MetadataRow", "price_of", "stored_price", "MAX_METADATA_BYTES",
           "check_regular_file", "read_metadata", "MAX_PRICE", "parse_price", "INGEST_SUFFIXES",
           "OTHER_IMAGE_SUFFIXES", "read_catalog", "MAX_ID", "MAX_KEY", "MAX_TEXT", "META_FIELDS", "RESERVED_KEYS",
           "clean_text", "decode_text", "display_name", "fallback_id", "metadata_key", "safe_id"]
