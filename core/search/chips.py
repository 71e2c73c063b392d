"""The page's words about a query: which catalog values a chip filters on, and how the words were read."""
from __future__ import annotations

from core.vocabulary import ParsedQuery, canonical_category, canonical_colour, canonical_pattern


def filter_values(facets: dict, column: str, canonical: str) -> list[str]:
    """The catalog's own values of `column` (from `CatalogIndex.facets()`) that read as the vocabulary word
    `canonical` (a chip -> a filter)."""
    canon = {"category": canonical_category, "colour": canonical_colour, "pattern": canonical_pattern}[column]
    return sorted(v for v in facets.get(column, []) if v and (v == canonical or canon(v) == canonical))


def chip_filter_values(facets: dict, key: str, value: str) -> list[str]:
    """The catalog's values a chip filters on: a group chip ("tops") is every category of the group."""
    if key == "group":
        from core.vocabulary import categories_of_group

        return sorted({v for cat in categories_of_group(value) for v in filter_values(facets, "category", cat)})
    return filter_values(facets, key, value)


def reading_notes(parsed: ParsedQuery) -> list[str]:
    """How the words were read, for the page: "'flroal' as floral", "'robe' as dress"."""
    return [f"“{typed}” as {read}" for typed, read in parsed.corrections + parsed.translations]
