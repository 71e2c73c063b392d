"""Where a catalog's rows come from: a Hub dataset id, a short name from DATASETS, or local parquet files."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from core.errors import AtelierError

Progress = Callable[[int, int, str], None]

# Short names for public product-photo datasets (parquet with an image column and product fields).
DATASETS = {
    "fashion-product-images-small": "ashraq/fashion-product-images-small",
}


class FetchError(AtelierError):
    """The dataset cannot be fetched or read; the message says what to do."""


def resolve_source(name_or_id: str) -> tuple[str, Path | None]:
    """(dataset id, None) for the Hub, or ("", path) for a local parquet file or folder."""
    text = name_or_id.strip()
    if not text:
        raise FetchError("Name a dataset: a Hugging Face dataset id (owner/name), "
                         f"one of {', '.join(DATASETS)}, or a local .parquet file or folder.")
    local = Path(text).expanduser()
    if local.exists():
        return "", local
    if text in DATASETS:
        return DATASETS[text], None
    if text.endswith(".parquet") or text.startswith((".", "/", "~")):
        raise FetchError(f"{text} does not exist.")
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", text):
        raise FetchError(f"'{text}' is not a dataset id (owner/name), a known name ({', '.join(DATASETS)}) "
                         "or an existing parquet file.")
    return text, None


def local_parquet_files(path: Path) -> list[Path]:
    files = [path] if path.is_file() else sorted(path.rglob("*.parquet"))
    if not files:
        raise FetchError(f"No .parquet files in {path}.")
    return files


def download_parquet_files(repo_id: str, limit: int | None = None, progress: Progress | None = None,
                           timeout_s: float = 3.0) -> list[Path]:
    """The dataset's parquet files from the Hub (resumed from the local cache after a kill). With `limit`, files
    are fetched in order only until they hold that many rows."""
    from core.weights import hub_reachable

    if not hub_reachable(timeout_s):
        raise FetchError("The Hugging Face Hub cannot be reached from this machine (or HF_HUB_OFFLINE is set), so "
                         f"{repo_id} cannot be downloaded. Copy its parquet files here and pass their folder "
                         "instead, or ingest a local image folder with `python -m core ingest`.")
    import pyarrow.parquet as pq
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    progress = progress or (lambda done, total, msg: None)
    try:
        names = sorted(f for f in HfApi().list_repo_files(repo_id, repo_type="dataset") if f.endswith(".parquet"))
    except RepositoryNotFoundError as exc:
        raise FetchError(f"There is no public dataset {repo_id} on the Hugging Face Hub.") from exc
    except (HfHubHTTPError, OSError) as exc:
        raise FetchError(f"Could not list {repo_id} on the Hub: {exc}") from exc
    if not names:
        raise FetchError(f"{repo_id} has no parquet files; fetch-catalog reads parquet datasets "
                         "(an image column plus product fields).")
    # Training split first, so --limit takes the bulk of a dataset rather than its test shard.
    names.sort(key=lambda n: (0 if "train" in n else 1, n))
    files, rows = [], 0
    for k, name in enumerate(names):
        progress(k, len(names), f"downloading {name}")
        try:
            files.append(Path(hf_hub_download(repo_id, name, repo_type="dataset")))
        except (HfHubHTTPError, OSError) as exc:
            raise FetchError(f"Downloading {name} from {repo_id} failed ({exc}); run the command again to resume.") \
                from exc
        rows += pq.ParquetFile(files[-1]).metadata.num_rows
        if limit and rows >= limit:
            break
    progress(len(names), len(names), "downloaded")
    return files
