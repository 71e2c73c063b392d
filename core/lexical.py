"""Lexical ranking (BM25) over each item's own words, with SQLite FTS5.

An item's document is its name and description plus the fashion vocabulary's words for its category,
colour, pattern and material (`core.vocabulary.words_for`), so "trainers" finds an item labelled
"sneakers" and a catalog tagged from pixels (auto-tags) is searchable by words too.

Where it lives: the documents are derived from the published collection's metadata, which the ingest
writes and the generation swap (or the Chroma server) publishes. Each process keeps an in-memory FTS5
table per published version and rebuilds it when the version changes, the same way it keeps its vector
snapshot. One source of truth, no second file to keep in step with a generation swap, identical in
Chroma server mode, and a vocabulary change applies without re-embedding the catalog.

User text never reaches FTS5's query syntax: `match_expression` builds quoted tokens itself, so
`dress OR 1=1`, unbalanced quotes, NEAR, `*` or `-` are just words (or nothing).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from core.attributes import trusted
from core.vocabulary import PHRASES, STOP_WORDS, normalise_text, words_for

log = logging.getLogger(__name__)

MAX_PHRASE_WORDS = max(len(p.split()) for p in PHRASES)  # the longest vocabulary phrase, in words

MAX_QUERY_TERMS = 32
TAG_KEYS = ("category", "colour", "pattern")
WIDE_MATCH = 50_000  # above this many any-word matches, documents with more of the words are ranked first
# Hyphens and underscores stay inside tokens: "t-shirt" is not a "shirt"; "navy_blue" is one vocabulary phrase.
TOKENIZER = "porter unicode61 remove_diacritics 2 tokenchars '-_'"


def _terms(text: str, keep_words_of_phrases: bool) -> list[str]:
    """Words of `text`, vocabulary phrases joined into one token ("navy blue" -> "navy_blue"), longest first."""
    words = normalise_text(text).split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 1, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in PHRASES:
                out.append(phrase.replace(" ", "_"))
                if keep_words_of_phrases:
                    out += words[i:i + n]
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def query_terms(text: str) -> list[str]:
    """The distinct content words of a query, as FTS5 tokens (stop words and punctuation-only tokens dropped)."""
    seen: dict[str, None] = {}
    for term in _terms(text, keep_words_of_phrases=False):
        if term in STOP_WORDS or not any(ch.isalnum() for ch in term):
            continue
        seen.setdefault(term.strip("-_")[:64], None)
        if len(seen) >= MAX_QUERY_TERMS:
            break
    return [t for t in seen if t]


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expression(terms: list[str]) -> str:
    """FTS5 MATCH text for any of `terms`, each a quoted string (so no user text is read as query syntax)."""
    return " OR ".join(_quoted(t) for t in terms)


@lru_cache(maxsize=65536)
def _tag_words(category: str, colour: str, pattern: str, material: str, tags: str, materials: tuple) -> str:
    """The tags column: an item's labels and the vocabulary's words for them (few distinct combinations)."""
    own = " ".join(_terms(" ".join((category, colour, pattern, material, tags)), True))
    vocab = [words_for(category, colour, pattern, m) for m in (materials or ("",))]
    return own + " " + " ".join(w.replace(" ", "_") for words in vocab for w in words)


def item_document(meta: dict) -> tuple[str, str]:
    """(free text, vocabulary words) of one item's metadata: the two columns of its lexical document."""
    text = _terms(" ".join(str(meta.get(k) or "") for k in ("name", "description", "material")), True)
    materials = tuple(sorted({hit[1] for t in text if (hit := PHRASES.get(t.replace("_", " "))) and hit[0] == "material"}))
    # A tag read from pixels below its confidence (`core.attributes.TRUST`) is no word of the item: a wrong
    # guess would otherwise match the query as well as a catalog's own label.
    tags = _tag_words(*(str(meta.get(k) or "") if k not in TAG_KEYS or trusted(meta, k) else ""
                        for k in ("category", "colour", "pattern", "material", "tags")), materials)
    return " ".join(text), tags


class LexicalIndex:
    """An FTS5 table over a snapshot's items; rowid = the item's row in the snapshot.

    In memory for catalogs up to the exact-search threshold (`LexicalIndex(metadatas)`); on disk above it
    (`build_catalog_file` + `LexicalIndex.open`), where the same file also holds each row's id and filter
    columns, so a restarted process (or a second app process on the host) reads them from local disk
    instead of asking the Chroma server for every item's metadata again.
    """

    def __init__(self, metadatas: list[dict] | None = None, version: str = "", db: sqlite3.Connection | None = None,
                 size: int | None = None) -> None:
        self.version = version
        self.has_meta = False  # a catalog file (format 2) holds each row's metadata
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, ...], int] = {}
        if db is not None:
            self._db, self.size = db, int(size or 0)
            return
        metadatas = metadatas or []
        self.size = len(metadatas)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(text, tags, tokenize=\"{TOKENIZER}\")")
        self._db.executemany("INSERT INTO docs(rowid, text, tags) VALUES (?, ?, ?)",
                             ((n, *item_document(m)) for n, m in enumerate(metadatas)))
        self._db.commit()

    @classmethod
    def open(cls, path: Path, version: str = "") -> "LexicalIndex":
        """A built catalog file, read-only (any number of processes may read it at once)."""
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        size = db.execute("SELECT count(*) FROM items").fetchone()[0]
        index = cls(version=version, db=db, size=size)
        if any(col[1] == "meta" for col in db.execute("PRAGMA table_info(items)")):
            index.has_meta = True
        return index

    def search(self, terms: list[str], limit: int = 1000) -> tuple[np.ndarray, np.ndarray]:
        """Rows matching any term, best first, and their BM25 scores (higher is better).

        Ranking every document that holds any of the words costs about 0.6 us per match, 180 ms for "red floral
        dress" over a million items (278k matches). When one of the words alone matches more than WIDE_MATCH / 2
        documents, the documents holding every word come first, ranked by BM25 (scored exactly as in the
        any-word query), then those missing only the most common word, and so on down to the rarest word alone,
        until `limit` rows are found (most words matched first, each tier costing what its own matches cost);
        short of that, the rest come in the any-word ranking."""
        if not terms or not self.size:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # Single-word counts are cached per version (vocabulary words recur across queries); the widest word
        # bounds the any-word count from below.
        if len(terms) > 1 and self.size > WIDE_MATCH and max(self.count([t]) for t in terms) > WIDE_MATCH // 2:
            rows: dict[int, float] = {}
            by_rarity = sorted(terms, key=lambda t: self.count([t]))
            for k in range(len(by_rarity), 0, -1):
                for row, score in self._ranked(" AND ".join(_quoted(t) for t in by_rarity[:k]), limit + len(rows)):
                    rows.setdefault(row, score)
                if len(rows) >= limit:
                    break
            else:  # the rarest word alone falls short: the rest in the any-word ranking
                for row, score in self._ranked(match_expression(terms), limit + len(rows)):
                    rows.setdefault(row, score)
            got = list(rows.items())[:limit]
        else:
            got = self._ranked(match_expression(terms), limit)
        if not got:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids, scores = zip(*got)
        return np.array(ids, np.int64), np.array(scores, np.float32)

    def _ranked(self, expression: str, limit: int) -> list[tuple[int, float]]:
        sql = "SELECT rowid, -bm25(docs, 1.0, 1.0) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 1.0, 1.0) LIMIT ?"
        try:
            with self._lock:
                return self._db.execute(sql, (expression, int(limit))).fetchall()
        except sqlite3.OperationalError as exc:  # never expected with quoted terms; a query must not fail on it
            log.warning("lexical search failed for %r: %s", expression, exc)
            return []

    def count(self, terms: list[str]) -> int:
        """How many documents hold any of `terms` (cached per version: a count is a pass over the doclists)."""
        if not terms or not self.size:
            return 0
        key = tuple(terms)
        if (n := self._counts.get(key)) is not None:
            return n
        with self._lock:
            n = int(self._db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?",
                                     (match_expression(terms),)).fetchone()[0])
        if len(self._counts) > 1024:
            self._counts.clear()
        self._counts[key] = n
        return n

    def metadatas(self, rows: list[int]) -> dict[int, dict] | None:
        """Each row's metadata as the catalog file holds it (None: an in-memory index, which holds none)."""
        if not self.has_meta:
            return None
        marks = ",".join(str(int(r)) for r in rows)
        with self._lock:
            got = self._db.execute(f"SELECT row, meta FROM items WHERE row IN ({marks})").fetchall() if rows else []
        return {int(r): json.loads(m) for r, m in got}

    def matched_terms(self, rows: list[int], terms: list[str]) -> dict[int, list[str]]:
        """For each of `rows`, which of `terms` its document contains (for "why was this found")."""
        out: dict[int, list[str]] = {r: [] for r in rows}
        if not rows or not terms:
            return out
        marks = ",".join(str(int(r)) for r in rows)
        with self._lock:
            for term in terms:
                for (row,) in self._db.execute(f"SELECT rowid FROM docs WHERE docs MATCH ? AND rowid IN ({marks})",
                                               (match_expression([term]),)):
                    out[int(row)].append(term.replace("_", " "))
        return out


CATALOG_FILE_COLUMNS = ("category", "colour", "pattern")
CATALOG_FILE_FORMAT = 2  # 2: `items.meta` holds each item's metadata (a page's hits without a round trip)


def build_catalog_file(path: Path, batches: Iterable[tuple[list[str], list[dict]]]) -> int:
    """Writes one SQLite file from (ids, metadatas) batches: the FTS5 documents (rowid = row) and an
    `items` table of id, category, colour, pattern, price and the whole metadata (JSON) per row. Returns
    the number of rows."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(text, tags, tokenize=\"{TOKENIZER}\")")
        db.execute("CREATE TABLE items(row INTEGER PRIMARY KEY, id TEXT, category TEXT, colour TEXT, pattern TEXT, "
                   "price REAL, meta TEXT)")
        n = 0
        for ids, metas in batches:
            metas = [m or {} for m in metas]
            db.executemany("INSERT INTO docs(rowid, text, tags) VALUES (?, ?, ?)",
                           ((n + k, *item_document(m)) for k, m in enumerate(metas)))
            db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
                           ((n + k, i, *(str(m.get(c, "") or "").lower() for c in CATALOG_FILE_COLUMNS),
                             float(m.get("price", -1.0) or -1.0), json.dumps(m, separators=(",", ":")))
                            for k, (i, m) in enumerate(zip(ids, metas))))
            n += len(ids)
        db.execute("INSERT INTO docs(docs) VALUES('optimize')")
        db.commit()
        return n
    finally:
        db.close()


def read_catalog_file(path: Path, batch: int = 20000) -> Iterator[tuple[list[str], list[dict]]]:
    """The `items` table of a catalog file as (ids, metadata-like dicts) batches, in row order."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cur = db.execute("SELECT id, category, colour, pattern, price FROM items ORDER BY row")
        while rows := cur.fetchmany(batch):
            yield [r[0] for r in rows], [{"category": r[1], "colour": r[2], "pattern": r[3], "price": r[4]}
                                         for r in rows]
    finally:
        db.close()


def build_from_server(host: str, port: int, name: str, out: Path) -> int:
    """The catalog file of collection `name` on a Chroma server (what `CatalogIndex` runs in a child process)."""
    from core.chroma_client import fetch_rows, http_client

    col = http_client(host, port, os.environ.get("CHROMA_TOKEN") or None).get_collection(name, embedding_function=None)
    return build_catalog_file(out, ((got["ids"], got["metadatas"]) for got in fetch_rows(col, ["metadatas"])))


if __name__ == "__main__":  # python -m core.lexical build-from-server HOST PORT COLLECTION OUT
    import sys

    if len(sys.argv) != 6 or sys.argv[1] != "build-from-server":
        sys.exit("usage: python -m core.lexical build-from-server HOST PORT COLLECTION OUT")
    try:
        os.nice(10)  # a background build: the replica's first queries, answered meanwhile, go first
    except (AttributeError, OSError):
        pass
    try:
        print(build_from_server(sys.argv[2], int(sys.argv[3]), sys.argv[4], Path(sys.argv[5])))
    except Exception as exc:  # one line for the parent's message
        sys.exit(f"{type(exc).__name__}: {exc}")
