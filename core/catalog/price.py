"""The one price parser every reader uses: numbers and text in any common thousands/decimal style."""
from __future__ import annotations

import math
import re

from core.catalog.text import clean

MAX_PRICE = 1e9
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")  # thousands separators: spaces, NBSP, thin space, '
_CURRENCY_SIGNS = "$€£¥₹"
_CURRENCY_CODES = ("USD", "EUR", "GBP")


def parse_price(value) -> tuple[float | None, str | None]:
    """(price, problem). Thousands separators in any common style: '1,299', '1.299,00', '1 299', '$1,299.50'.

    One comma followed by exactly three digits is a thousands separator (prices do not have three decimals);
    one or two digits after the last separator make it the decimal mark. Anything else is reported, never
    guessed: an empty price is None without a problem.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):  # JSON true/false: not a price, and never silently nothing
        return None, f"price {value!r} is a yes/no value, not a number"
    if isinstance(value, (int, float)):
        return _number_price(value)
    # 1. the digits and separators, without currency and spaces
    raw = clean(value)
    s = _bare_digits(raw)
    if not s:
        return None, None
    if re.fullmatch(r"-\d[\d.,]*", s):
        return None, f"price {raw!r} is negative"
    if not re.fullmatch(r"\d[\d.,]*", s):
        return None, f"price {raw!r} is not a number"
    # 2. the separators read as thousands or decimals
    s, problem, note = _read_separators(s, raw)
    if problem:
        return None, problem
    # 3. the number, within range
    try:
        p = float(s)
    except ValueError:
        return None, f"price {raw!r} is not a number"
    if not (math.isfinite(p) and 0 <= p < MAX_PRICE):
        return None, f"price {raw!r} is out of range"
    return p, note


def _number_price(value: int | float) -> tuple[float | None, str | None]:
    p = float(value)
    if math.isnan(p):
        return None, f"price {value!r} is not a number"
    if p < 0:
        return None, f"price {value!r} is negative"
    return (p, None) if math.isfinite(p) and p < MAX_PRICE else (None, f"price {value!r} is out of range")


def _bare_digits(raw: str) -> str:
    s = raw.strip().strip(_CURRENCY_SIGNS).strip()
    for code in _CURRENCY_CODES:
        s = s.removeprefix(code)
    s = _SPACES.sub("", s)
    for code in _CURRENCY_CODES:
        s = s.removesuffix(code)
    return s.strip(_CURRENCY_SIGNS)


def _read_separators(s: str, raw: str) -> tuple[str, str | None, str | None]:
    """(digits with a '.' decimal mark, problem, note) for a price text of digits, commas and dots."""
    commas, dots = s.count(","), s.count(".")
    if commas and dots:  # the later one is the decimal mark: 1,299.50 / 1.299,50
        dec, thou = (".", ",") if s.rfind(".") > s.rfind(",") else (",", ".")
        whole, _, frac = s.rpartition(dec)
        if thou in frac or s.count(dec) > 1 or not re.fullmatch(r"\d{1,3}(\%s\d{3})*" % thou, whole):
            return s, f"price {raw!r} mixes separators in a way that is not a number", None
        return whole.replace(thou, "") + "." + frac, None, None
    if not (commas or dots):
        return s, None, None
    sep = "," if commas else "."
    parts = s.split(sep)
    if re.fullmatch(r"0+[.,]\d{3}", s):  # '0,999': no one writes 999 so; three decimals are no price either
        return s, (f"price {raw!r} is ambiguous ({s[-3:]} with a thousands separator, or 0.{s[-3:]} with "
                   f"three decimals?); write {s[-3:]} or 0.{s[-3:-1]}"), None
    if len(parts) > 2 or (sep == "," and len(parts[-1]) == 3):
        if not re.fullmatch(r"\d{1,3}(\%s\d{3})+" % sep, s):
            return s, f"price {raw!r} has thousands separators in the wrong places", None
        return s.replace(sep, ""), None, None
    note = None
    if sep == "." and len(parts[-1]) == 3:
        note = f"price {raw!r} read as {s} (write {s.replace('.', '')} if the dot separates thousands)"
    return s.replace(",", "."), None, note
