"""'Find similar real items' for a design: the same search as Discover, with the design's picture and words."""
from __future__ import annotations

import re

from PIL import Image

from core.search import SearchQuery
from core.vocabulary import PHRASES

# Words of an edit prompt that say nothing about the wanted item ("make it", "change the ... to").
_FILLER = frozenset({"make", "it", "the", "a", "an", "to", "with", "and", "in", "into", "change", "turn", "this", "that",
                     "please", "background", "backdrop", "all", "over", "more", "some", "add", "on"})


def similar_query(design: Image.Image, prompt: str, category: str = "", page_size: int = 8) -> SearchQuery:
    """The edited picture plus the prompt's fashion words (and the base item's category, when known), so a red
    edit of a white shirt finds red shirts."""
    words = [w for w in re.findall(r"[a-z]+(?:-[a-z]+)?", (prompt or "").lower()) if w not in _FILLER]
    fashion = [w for w in words if w in PHRASES]
    text = " ".join(dict.fromkeys(fashion + ([category.lower()] if category else [])))
    return SearchQuery(text=text, image=design, page_size=page_size)
