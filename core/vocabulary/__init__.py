"""The fashion words, once: categories with synonyms, colours with shades, patterns, materials, garment kinds,
and free text read as those words (`parse_query`)."""
from core.vocabulary.price_words import CHEAP_WORDS, DEAR_WORDS
from core.vocabulary.query import (ParsedQuery, canonical_category, canonical_colour, canonical_pattern, group_of,
                                   parse_query, tryon_kind, words_for)
from core.vocabulary.typos import closest_word
from core.vocabulary.words import (CATEGORIES, COLOURS, FOREIGN, GARMENT_KINDS, GROUP_WORDS, GROUPS, MATERIALS,
                                   MAX_PHRASE_WORDS, MAX_QUERY_PHRASE_WORDS, NEUTRAL_COLOURS, PATTERNS, PHRASES,
                                   QUERY_PHRASES, RELATED_CATEGORIES, SAMPLE_CATEGORIES, STATEMENT_PATTERNS, STOP_WORDS,
                                   Category, Colour, Material, Pattern, categories_of_group, category_weights,
                                   normalise_text)


__all__ = ["CHEAP_WORDS", "DEAR_WORDS", "ParsedQuery", "canonical_category", "canonical_colour", "canonical_pattern",
           "group_of", "parse_query", "tryon_kind", "words_for", "closest_word", "CATEGORIES", "COLOURS", "FOREIGN",
           "GARMENT_KINDS", "GROUP_WORDS", "GROUPS", "MATERIALS", "MAX_PHRASE_WORDS", "MAX_QUERY_PHRASE_WORDS",
           "NEUTRAL_COLOURS", "PATTERNS", "PHRASES", "QUERY_PHRASES", "RELATED_CATEGORIES", "SAMPLE_CATEGORIES",
           "STATEMENT_PATTERNS", "STOP_WORDS", "Category", "Colour", "Material", "Pattern", "categories_of_group",
           "category_weights", "normalise_text"]
