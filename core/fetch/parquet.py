"""Parquet rows read within a memory budget: every row measured in Arrow before it becomes Python objects."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from core.fetch.source import FetchError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
# A row is measured in Arrow (lengths only) before it becomes Python objects: over this it is skipped, named.
MAX_ROW_BYTES = MAX_IMAGE_BYTES + 4 * 1024 * 1024
BATCH_BYTES = 64 * 1024 * 1024  # what one read batch may hold, from the row group's uncompressed size


def open_parquet(path: Path):
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise FetchError(f"{path.name} is not a readable parquet file ({exc}).") from exc


def _cell_bytes(arr) -> "np.ndarray":
    """Bytes each row of an Arrow column holds, measured without making Python objects of it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    t = arr.type
    if pa.types.is_dictionary(t):
        lengths = _cell_bytes(arr.dictionary)
        idx = arr.indices.fill_null(0).to_numpy(zero_copy_only=False)
        return lengths[idx] if len(lengths) else np.zeros(len(arr))
    if pa.types.is_binary(t) or pa.types.is_string(t) or pa.types.is_large_binary(t) or pa.types.is_large_string(t):
        return pc.binary_length(arr).fill_null(0).to_numpy(zero_copy_only=False).astype(np.float64)
    if pa.types.is_struct(t):
        out = np.zeros(len(arr))
        for j in range(t.num_fields):
            out += _cell_bytes(pc.struct_field(arr, [j]))
        return out
    return np.full(len(arr), arr.nbytes / max(1, len(arr)), np.float64)


def parquet_rows(files: list[Path]) -> Iterator[tuple[dict | None, list[str], str | None]]:
    """(row, columns, None), or (None, columns, why) for a row too large to read. Batches are sized from each row
    group's uncompressed size, and every row is measured in Arrow before it becomes Python objects: a small file
    of rows padded with zeros costs one batch of BATCH_BYTES, not the gigabytes it expands to."""
    import numpy as np

    for path in files:
        pf = open_parquet(path)
        columns = pf.schema_arrow.names
        for g in range(pf.metadata.num_row_groups):
            rg = pf.metadata.row_group(g)
            per_row = max(1.0, rg.total_byte_size / max(1, rg.num_rows))
            size = int(max(1, min(256, BATCH_BYTES // per_row)))
            try:
                batches = pf.iter_batches(batch_size=size, row_groups=[g])
                for batch in batches:
                    sizes = np.zeros(batch.num_rows)
                    for col in batch.columns:
                        sizes += _cell_bytes(col)
                    if (sizes <= MAX_ROW_BYTES).all():
                        yield from ((row, columns, None) for row in batch.to_pylist())
                        continue
                    for i in range(batch.num_rows):
                        if sizes[i] > MAX_ROW_BYTES:
                            yield None, columns, f"row holds {sizes[i] / 2**20:,.0f} MB; the limit is " \
                                                 f"{MAX_ROW_BYTES >> 20} MB a row"
                        else:
                            yield batch.slice(i, 1).to_pylist()[0], columns, None
            except (OSError, ValueError, MemoryError) as exc:  # pyarrow's ArrowInvalid/ArrowIOError are these
                raise FetchError(f"{path.name}: row group {g} cannot be read ({type(exc).__name__}: "
                                 f"{str(exc)[:200]}). Rows before it were imported; re-export the file.") from exc
