"""In-memory columns of a collection: a Snapshot (full: vectors + metadata; lean: ids + filter columns only, for
catalogs above the exact-search threshold) and the compact id table lean snapshots keep."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


class IdTable(Sequence):
    """A million ids in ~30 bytes each: one utf-8 blob + offsets, found by (process-local) hash.

    A list of str plus a dict id -> row costs ~150 bytes per item; this is what lean snapshots keep.
    Reads like `list[str]` (`ids[n]`), and `positions` reads like `dict[str, int]`.
    """

    def __init__(self, ids: list[str]) -> None:
        self._build([self.encode_batch(ids)])

    @staticmethod
    def encode_batch(ids: list[str]) -> tuple[bytes, np.ndarray, np.ndarray]:
        """One batch of ids as (utf-8 blob, lengths, hashes): what the table keeps of them."""
        encoded = [i.encode() for i in ids]
        return (b"".join(encoded), np.fromiter(map(len, encoded), np.int64, len(encoded)),
                np.fromiter(map(hash, ids), np.int64, len(ids)))

    @classmethod
    def from_parts(cls, parts: list[tuple[bytes, np.ndarray, np.ndarray]]) -> "IdTable":
        """From `encode_batch` results in row order: a million ids never exist as a million str objects at once
        (a load that did that peaked 250 MiB above its result and left a replica's heap fragmented)."""
        table = cls.__new__(cls)
        table._build(parts)
        return table

    def _build(self, parts: list[tuple[bytes, np.ndarray, np.ndarray]]) -> None:
        lengths = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        hashes = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
        small = int(lengths.sum()) < 2**31
        self._offsets = np.zeros(len(lengths) + 1, np.int32 if small else np.int64)
        np.cumsum(lengths, out=self._offsets[1:])
        self._blob = b"".join(p[0] for p in parts)
        self._order = np.argsort(hashes, kind="stable").astype(np.int32 if len(hashes) < 2**31 else np.int64)
        self._sorted = hashes[self._order]
        self.positions = _Positions(self)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, n):
        if isinstance(n, slice):
            return [self[k] for k in range(*n.indices(len(self)))]
        n = int(n)
        if n < 0:
            n += len(self)
        return self._blob[self._offsets[n] : self._offsets[n + 1]].decode()

    def position(self, item_id: str) -> int | None:
        h = hash(item_id)
        k = int(np.searchsorted(self._sorted, h))
        while k < len(self._sorted) and self._sorted[k] == h:
            row = int(self._order[k])
            if self[row] == item_id:
                return row
            k += 1
        return None

    def rows_of(self, ids: list[str]) -> np.ndarray:
        """The row of each id (-1 where absent), one vectorised search for the lot (an over-fetched HNSW
        answer is thousands of ids)."""
        if not ids:
            return np.zeros(0, np.int64)
        hashes = np.fromiter((hash(i) for i in ids), np.int64, len(ids))
        k = np.searchsorted(self._sorted, hashes)
        k_safe = np.minimum(k, len(self._sorted) - 1)
        rows = np.where(self._sorted[k_safe] == hashes, self._order[k_safe], -1).astype(np.int64)
        for n in np.flatnonzero(rows >= 0):  # confirm the text (hash collisions walk on)
            if self[int(rows[n])] != ids[n]:
                rows[n] = -1 if (row := self.position(ids[n])) is None else row
        return rows

    @property
    def nbytes(self) -> int:
        return len(self._blob) + self._offsets.nbytes + self._order.nbytes + self._sorted.nbytes


class _Positions(Mapping):
    def __init__(self, table: IdTable) -> None:
        self._table = table

    def __getitem__(self, item_id: str) -> int:
        row = self._table.position(item_id) if isinstance(item_id, str) else None
        if row is None:
            raise KeyError(item_id)
        return row

    def __contains__(self, item_id) -> bool:
        return isinstance(item_id, str) and self._table.position(item_id) is not None

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


@dataclass
class Snapshot:
    """An in-memory copy of a collection for exact search and metadata filters.

    A *lean* snapshot (collections above the exact-search threshold) keeps only the ids and the filter
    columns (~50 bytes per item): `embeddings` and `metadatas` are None, and both are fetched by id.
    """

    version: str
    ids: Sequence[str]
    index_of: Mapping[str, int]
    embeddings: np.ndarray | None  # (n, dim) float32, L2-normalised; None when lean
    metadatas: list[dict] | None  # None when lean
    columns: dict[str, np.ndarray]  # category/colour/pattern (lower-case str) and price (float) as arrays
    collection_metadata: dict
    codes: dict[str, tuple[dict[str, int], np.ndarray]]  # categorical column -> (value -> code, int32 codes)

    @property
    def lean(self) -> bool:
        return self.embeddings is None

    def isin(self, column: str, values: list[str]) -> np.ndarray:
        """Rows whose `column` is one of `values`, on integer codes (string compares cost ~30 ms at 100k)."""
        vocab, codes = self.codes[column]
        table = np.zeros(len(vocab), bool)  # code -> wanted: one gather per row (np.isin sorts them)
        table[[vocab[v] for v in values if v in vocab]] = True
        return table[codes]

    def rows_of(self, ids: list[str]) -> np.ndarray:
        """The row of each id, -1 where this snapshot does not hold it (published since)."""
        if isinstance(self.ids, IdTable):
            return self.ids.rows_of(ids)
        get = self.index_of.get
        return np.fromiter((get(i, -1) for i in ids), np.int64, len(ids))

    def label(self, column: str, row: int) -> str:
        """The (lower-case) category/colour/pattern of one row, read from its code (lean snapshots keep no strings)."""
        vocab, codes = self.codes[column]
        names = getattr(self, "_names", None) or {}
        if column not in names:
            names[column] = list(vocab)
            self._names = names
        return names[column][int(codes[row])]

    def column_bytes(self) -> int:
        """Memory held for ids and filter columns (the string columns share one object per distinct value)."""
        ids = self.ids.nbytes if isinstance(self.ids, IdTable) else 0
        return ids + sum(c.nbytes for _, c in self.codes.values()) + sum(c.nbytes for c in self.columns.values())

    @classmethod
    def build(cls, version: str, ids, embeddings, metadatas, collection_metadata) -> "Snapshot":
        emb = np.asarray(embeddings, np.float32).reshape(len(ids), -1) if len(ids) else np.zeros((0, 1), np.float32)
        columns, codes = _columns([metadatas])
        return cls(version, list(ids), {i: n for n, i in enumerate(ids)}, emb, list(metadatas), columns,
                   dict(collection_metadata or {}), codes)

    @classmethod
    def build_lean(cls, version: str, batches, collection_metadata) -> "Snapshot":
        """From (ids, metadatas) fetched in batches, kept only as integer codes and a price array."""
        parts: list[tuple[bytes, np.ndarray, np.ndarray]] = []  # ids batch by batch, compact

        def metadatas():
            for batch_ids, metas in batches:
                parts.append(IdTable.encode_batch(batch_ids))
                yield metas

        columns, codes = _columns(metadatas(), strings=False)
        table = IdTable.from_parts(parts)
        del parts
        return cls(version, table, table.positions, None, None, columns, dict(collection_metadata or {}), codes)


def tag_weight(meta: dict, key: str) -> float:
    from core.attributes import tag_weight as weight

    return weight(meta, key)


def _float(value) -> float:
    try:
        return float(value) if value is not None else np.nan
    except (TypeError, ValueError):
        return np.nan


def _columns(metadata_batches, strings: bool = True) -> tuple[dict[str, np.ndarray], dict]:
    """category/colour/pattern as int32 codes (+, when `strings`, an object array sharing one str per value:
    8 bytes a row that lean snapshots do without) and price."""
    vocabs: dict[str, dict[str, int]] = {k: {} for k in ("category", "colour", "pattern")}
    parts: dict[str, list[np.ndarray]] = {k: [] for k in (*vocabs, "price", *(f"{v}_weight" for v in vocabs))}
    # a greyscale photo's garment lightness (L*); a tag's evidence for its narrower kind (jeans); NaN elsewhere
    parts["lightness"], parts["narrower_share"] = [], []
    for metas in metadata_batches:
        for key in ("lightness", "narrower_share"):
            parts[key].append(np.array([_float((m or {}).get(key)) for m in metas], np.float16)
                              if any(key in (m or {}) for m in metas) else None)
        for k in vocabs:
            key = f"{k}_confidence"
            parts[f"{k}_weight"].append(np.array([tag_weight(m or {}, k) for m in metas], np.float16)
                                        if any(key in (m or {}) for m in metas) else None)
        for k, vocab in vocabs.items():
            parts[k].append(np.array([vocab.setdefault(str((m or {}).get(k, "") or "").lower(), len(vocab))
                                      for m in metas], np.int32))
        parts["price"].append(np.array([float((m or {}).get("price", -1.0) or -1.0) for m in metas], np.float64))
    columns: dict[str, np.ndarray] = {}
    codes = {}
    for k, vocab in vocabs.items():
        c = np.concatenate(parts[k]) if parts[k] else np.zeros(0, np.int32)
        codes[k] = (vocab, c)
        if strings:
            values = np.empty(len(vocab), dtype=object)
            values[:] = list(vocab)  # one str object per distinct value, shared by every row
            columns[k] = values[c] if len(vocab) else np.zeros(0, dtype=object)
    columns["price"] = np.concatenate(parts["price"]) if parts["price"] else np.zeros(0, np.float64)
    for k in vocabs:  # tags read from pixels: how much each counts in ranking (absent when every tag is a label)
        if parts[f"{k}_weight"] and any(p is not None for p in parts[f"{k}_weight"]):
            columns[f"{k}_weight"] = np.concatenate([np.ones(n, np.float16) if p is None else p for p, n in
                                                    zip(parts[f"{k}_weight"], (len(c) for c in parts[k]))])
    for key in ("lightness", "narrower_share"):
        if any(p is not None for p in parts[key]):
            columns[key] = np.concatenate([np.full(n, np.nan, np.float16) if p is None else p for p, n in
                                           zip(parts[key], (len(c) for c in parts["category"]))])
    return columns, codes
