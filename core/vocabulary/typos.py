"""Typos read as the word they most likely meant: a symmetric-delete index over the vocabulary and a catalog's words."""
from __future__ import annotations

from core.vocabulary.words import PHRASES, QUERY_PHRASES, STOP_WORDS

def _edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, stopping early above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


_SINGLE_WORDS = sorted({p for p in PHRASES if " " not in p and len(p) >= 3})


def _deletes(word: str, n: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(n):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _deletion_index(words) -> dict[str, set[str]]:
    """Symmetric-delete index (SymSpell): two words within k edits share a string left after <= k deletions
    from each, so a typo's candidates are a few dictionary lookups instead of a scan of every word."""
    index: dict[str, set[str]] = {}
    for w in words:
        for d in _deletes(w, 1 if len(w) <= 7 else 2):
            index.setdefault(d, set()).add(w)
    return index


_VOCAB_DELETES = _deletion_index(_SINGLE_WORDS)
_KNOWN_DELETES: dict[int, tuple[frozenset, dict[str, set[str]]]] = {}


def _candidates(word: str, known, limit: int) -> set[str]:
    found: set[str] = set()
    indexes = [_VOCAB_DELETES]
    if known:
        cached = _KNOWN_DELETES.get(id(known))
        if cached is None or cached[0] is not known:
            if len(_KNOWN_DELETES) > 8:
                _KNOWN_DELETES.clear()
            cached = _KNOWN_DELETES[id(known)] = (known, _deletion_index(w for w in known if len(w) >= 3))
        indexes.append(cached[1])
    for d in _deletes(word, limit):
        for index in indexes:
            found |= index.get(d, set())
    return found


def closest_word(word: str, known: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The vocabulary (or catalog) word a typo most likely meant: one edit for words of 4-7 letters, two beyond;
    None when the word is known already, too short, or two candidates tie."""
    if len(word) < 4 or word in QUERY_PHRASES or word in known or word in STOP_WORDS or not word.isalpha():
        return None
    limit = 1 if len(word) <= 7 else 2
    best, best_d, tie = None, limit + 1, False
    for cand in sorted(_candidates(word, known, limit)):
        if abs(len(cand) - len(word)) > limit or len(cand) < 3:
            continue
        if len(word) == 4 and len(cand) == 4 and sorted(cand) != sorted(word):
            continue  # a short word one letter off is often another word ("boat", "boot"): only swaps and gaps
        d = _edit_distance(word, cand, limit)
        if d < best_d:
            best, best_d, tie = cand, d, False
        elif d == best_d and cand != best and best is not None and PHRASES.get(cand) != PHRASES.get(best):
            tie = True
    return best if best is not None and not tie else None
