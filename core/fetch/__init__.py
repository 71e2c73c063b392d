"""A real catalog in one command: a Hugging Face dataset of product photos -> folder + catalog.csv -> ingest."""
from core.fetch.parquet import BATCH_BYTES, MAX_IMAGE_BYTES, MAX_ROW_BYTES, open_parquet, parquet_rows
from core.fetch.rows import (CSV_FIELDS, MAX_NAME_BYTES, MAX_TEXT, FetchReport, catalog_name_for, default_folder,
                             fetch_catalog, file_stem, import_rows)
from core.fetch.source import (DATASETS, FetchError, Progress, download_parquet_files, local_parquet_files,
                               resolve_source)

__all__ = ["BATCH_BYTES", "MAX_IMAGE_BYTES", "MAX_ROW_BYTES", "open_parquet", "parquet_rows", "CSV_FIELDS",
           "MAX_NAME_BYTES", "MAX_TEXT", "FetchReport", "catalog_name_for", "default_folder", "fetch_catalog",
           "file_stem", "import_rows", "DATASETS", "FetchError", "Progress", "download_parquet_files",
           "local_parquet_files", "resolve_source"]
