"""Price phrases in a query: "under $40", "between 50 and 100", "50-100", "over 80", "a $40 dress", "cheap"."""
from __future__ import annotations

import re

# Price phrases: "under $40", "below 40 euros", "between 50 and 100", "50-100", "over 80", "cheap".
_NUM = r"(?:[$\u20ac\u00a3]\s?)?(\d+(?:[.,]\d{1,2})?)\s?(?:[$\u20ac\u00a3]|usd|eur|euros?|dollars?|gbp|pounds?|bucks)?"
_UNDER = r"(?:under|below|less than|cheaper than|max|maximum|up to|at most|<|<=|moins de|jusqu a|menos de|hasta|unter|bis|meno di|sotto|fino a)"
_OVER = r"(?:over|above|more than|at least|from|min|minimum|>|>=|plus de|a partir de|mas de|desde|uber|ab|piu di|sopra|da)"
_PRICE_PATTERNS = [
    (re.compile(rf"(?:between|entre|zwischen|tra|fra)\s{_NUM}\s(?:and|et|y|und|e|-|to)\s{_NUM}"), "between"),
    (re.compile(rf"(?<![\w-]){_NUM}\s?(?:-|to|a)\s?{_NUM}(?![\w-])"), "range"),
    (re.compile(rf"(?<!\w){_UNDER}\s{_NUM}(?!\w)"), "under"),
    (re.compile(rf"(?<!\w){_OVER}\s{_NUM}(?!\w)"), "over"),
    (re.compile(r"[$\u20ac\u00a3]\s?(\d+(?:[.,]\d{1,2})?)(?!\w)|(?<!\w)(\d+(?:[.,]\d{1,2})?)\s?(?:[$\u20ac\u00a3]|usd|eur|euros?|dollars?|gbp|pounds?|bucks)(?!\w)"), "about"),
]
CHEAP_WORDS = ("cheap", "cheapest", "inexpensive", "affordable", "budget", "bargain", "pas cher", "barato", "barata",
               "baratos", "baratas", "gunstig", "gunstige", "billig", "economico", "economica", "economici")
DEAR_WORDS = ("expensive", "luxury", "luxurious", "premium", "high end", "high-end", "designer", "cher", "caro", "cara",
              "teuer", "costoso", "costosa")


def _amount(text: str) -> float:
    return float(text.replace(",", "."))


def read_price(text: str) -> tuple[str, float | None, float | None, str | None, str]:
    """(text without the price phrase, price_min, price_max, 'cheap'|'expensive'|None, the phrase as typed)."""
    lo = hi = None
    said = []
    for rx, kind in _PRICE_PATTERNS:
        m = rx.search(text)
        if not m:
            continue
        nums = [_amount(g) for g in m.groups() if g]
        if kind in ("between", "range") and len(nums) == 2:
            lo, hi = sorted(nums)
        elif kind == "under":
            hi = nums[0]
        elif kind == "over":
            lo = nums[0]
        elif kind == "about":  # "a $40 dress": around that price
            lo, hi = round(nums[0] * 0.8, 2), round(nums[0] * 1.2, 2)
        said.append(m.group(0).strip())
        text = (text[:m.start()] + " " + text[m.end():]).strip()
        break
    level = None
    for words, name in ((CHEAP_WORDS, "cheap"), (DEAR_WORDS, "expensive")):
        for w in sorted(words, key=len, reverse=True):
            m = re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)
            if m and lo is None and hi is None:
                level = name
                said.append(w)
                text = (text[:m.start()] + " " + text[m.end():]).strip()
                break
        if level:
            break
    return re.sub(r"\s+", " ", text).strip(), lo, hi, level, " ".join(said)
