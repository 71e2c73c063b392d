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

import logging
import sqlite3
import threading
from functools import lru_cache

import numpy as np

from core.vocabulary import PHRASES, STOP_WORDS, _MAX_PHRASE_WORDS, normalise_text, words_for

log = logging.getLogger(__name__)

MAX_QUERY_TERMS = 32
# Hyphens and underscores stay inside tokens: "t-shirt" is not a "shirt"; "navy_blue" is one vocabulary phrase.
TOKENIZER = "porter unicode61 remove_diacritics 2 tokenchars '-_'"


def _terms(text: str, keep_words_of_phrases: bool) -> list[str]:
    """Words of `text`, vocabulary phrases joined into one token ("navy blue" -> "navy_blue"), longest first."""
    words = normalise_text(text).split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_PHRASE_WORDS, len(words) - i), 1, -1):
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


def match_expression(terms: list[str]) -> str:
    """FTS5 MATCH text for any of `terms`, each a quoted string (so no user text is read as query syntax)."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


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
    tags = _tag_words(*(str(meta.get(k) or "") for k in ("category", "colour", "pattern", "material", "tags")), materials)
    return " ".join(text), tags


class LexicalIndex:
    """An in-memory FTS5 table over a snapshot's items; rowid = the item's row in the snapshot."""

    def __init__(self, metadatas: list[dict], version: str = "") -> None:
        self.version = version
        self.size = len(metadatas)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(text, tags, tokenize=\"{TOKENIZER}\")")
        self._db.executemany("INSERT INTO docs(rowid, text, tags) VALUES (?, ?, ?)",
                             ((n, *item_document(m)) for n, m in enumerate(metadatas)))
        self._db.commit()

    def search(self, terms: list[str], limit: int = 1000) -> tuple[np.ndarray, np.ndarray]:
        """Rows matching any term, best BM25 first, and their scores (higher is better)."""
        if not terms or not self.size:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        sql = "SELECT rowid, -bm25(docs, 1.0, 1.0) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 1.0, 1.0) LIMIT ?"
        try:
            with self._lock:
                rows = self._db.execute(sql, (match_expression(terms), int(limit))).fetchall()
        except sqlite3.OperationalError as exc:  # never expected with quoted terms; a query must not fail on it
            log.warning("lexical search failed for %r: %s", terms, exc)
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        ids, scores = zip(*rows)
        return np.array(ids, np.int64), np.array(scores, np.float32)

    def count(self, terms: list[str]) -> int:
        if not terms or not self.size:
            return 0
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?",
                                        (match_expression(terms),)).fetchone()[0])

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
