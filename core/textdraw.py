"""Text in any script for the lookbook: CJK, Arabic (shaped, right to left), emoji.

Matplotlib draws a string with one font and no shaping, so a CJK name came out as boxes and Arabic as unjoined
letters. Text the primary font cannot draw on its own is laid out here with Pillow (raqm: HarfBuzz shaping and
FriBiDi ordering) in fonts found at run time by path (Debian's fonts-noto-core, fonts-noto-cjk,
fonts-noto-color-emoji) and placed on the page as an image. What no installed font can draw (or Arabic/Hebrew
without raqm) is replaced by a visible "[…]", and `missing()` says which scripts were left out, never silent tofu.
"""
from __future__ import annotations

import functools
import os
import unicodedata
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, features

FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
             str(Path.home() / ".local/share/fonts")]
MARK = "[…]"
RENDER_DPI = 300
EMOJI_PX = 109  # Noto Color Emoji is a bitmap font with this one size
# Fallback chain after the primary (Latin) font: (file name, bold file name, script name for the report).
CHAIN = [
    ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "Latin"),
    ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "Chinese/Japanese/Korean"),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "Chinese/Japanese/Korean"),
    ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "Arabic"),
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", "Arabic"),
    ("NotoSerifHebrew-Regular.ttf", "NotoSerifHebrew-Bold.ttf", "Hebrew"),
    ("NotoSerifDevanagari-Regular.ttf", "NotoSerifDevanagari-Bold.ttf", "Devanagari"),
    ("NotoSerifThai-Regular.ttf", "NotoSerifThai-Bold.ttf", "Thai"),
    ("NotoColorEmoji.ttf", "NotoColorEmoji.ttf", "emoji"),
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "symbols"),
]
_missing: set[str] = set()


def has_raqm() -> bool:
    return bool(features.check("raqm"))


@functools.lru_cache(maxsize=1)
def _font_files() -> dict[str, str]:
    found: dict[str, str] = {}
    extra = os.environ.get("ATELIER_FONT_DIRS", "")
    for root in [d for d in extra.split(os.pathsep) if d] + FONT_DIRS:
        for dirpath, _dirs, files in os.walk(root):
            for f in files:
                found.setdefault(f, os.path.join(dirpath, f))
    return found


def find_font(name: str) -> str | None:
    """The path of an installed font file by its file name, or None."""
    return _font_files().get(name)


@functools.lru_cache(maxsize=64)
def _coverage(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.lower().endswith(".ttc"):
            font = TTCollection(path, lazy=True).fonts[0]
        else:
            font = TTFont(path, lazy=True)
        return frozenset(font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 - an unreadable font file is a font we do not have
        return frozenset()


@functools.lru_cache(maxsize=64)
def _pil_font(path: str, px: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if has_raqm() else ImageFont.Layout.BASIC
    if path.endswith("NotoColorEmoji.ttf"):
        return ImageFont.truetype(path, EMOJI_PX, layout_engine=layout)
    return ImageFont.truetype(path, px, layout_engine=layout)


def _sticky(ch: str) -> bool:
    """Characters that belong to the run before them (joiners, selectors, marks, skin tones, tags)."""
    cp = ord(ch)
    return (cp in (0x200D, 0x200C, 0xFE0E, 0xFE0F, 0x20E3) or 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F
            or unicodedata.category(ch).startswith("M"))


def _rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def _neutral(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("WS", "ON", "CS", "ES", "ET", "BN", "S", "B")


def runs(s: str, primary: str, bold: bool = False) -> list[tuple[str, str | None]]:
    """The string cut into (text, font path or None) runs: the first font in the chain that draws each char."""
    chain = [primary] + [p for p in (find_font(b if bold else r) for r, b, _ in CHAIN) if p]
    out: list[list] = []
    for i, ch in enumerate(s):
        if out and (_sticky(ch) or (_neutral(ch) and out[-1][1] is not None and ord(ch) in _coverage(out[-1][1])
                                        and not out[-1][1].endswith("NotoColorEmoji.ttf"))):
            out[-1][0] += ch
            continue
        cp = ord(ch)
        emoji_next = i + 1 < len(s) and s[i + 1] in "\ufe0f\u200d" or 0x1F000 <= cp <= 0x1FAFF
        emoji = find_font("NotoColorEmoji.ttf")
        if emoji_next and emoji and cp in _coverage(emoji):
            font = emoji
        else:
            font = next((p for p in chain if cp in _coverage(p)), None)
        if out and out[-1][1] == font:
            out[-1][0] += ch
        else:
            out.append([ch, font])
    return [(t, f) for t, f in out]


def _script_of(text: str) -> str:
    for ch in text:
        name = unicodedata.name(ch, "")
        for key, script in (("CJK", "Chinese/Japanese/Korean"), ("HIRAGANA", "Chinese/Japanese/Korean"),
                            ("KATAKANA", "Chinese/Japanese/Korean"), ("HANGUL", "Chinese/Japanese/Korean"),
                            ("ARABIC", "Arabic"), ("HEBREW", "Hebrew")):
            if key in name:
                return script
    return "emoji and symbols"


def needs_raster(s: str, primary: str) -> bool:
    """True when matplotlib alone would draw s wrongly: a char the primary font lacks, or right-to-left text."""
    cov = _coverage(primary)
    return any(ord(ch) not in cov or _rtl(ch) for ch in s if not ch.isspace())


def undrawable(strings: list[str], primary: str) -> set[str]:
    """The scripts in strings that no installed font draws (or that need shaping raqm cannot give): the note."""
    lost = set()
    for s in strings:
        if not needs_raster(str(s), primary):
            continue
        for text, path in runs(str(s), primary):
            if path is None:
                lost.add(_script_of(text))
            elif not has_raqm() and any(_rtl(c) for c in text):
                lost.add(_script_of(text) + " (shaping needs libraqm)")
    return lost


def missing() -> set[str]:
    return set(_missing)


def reset_missing() -> None:
    _missing.clear()


def render(s: str, pt: float, color: str, primary: str, bold: bool = False) -> tuple[Image.Image, float]:
    """s drawn at pt points (RENDER_DPI) as an RGBA image; returns (image, baseline fraction from the bottom)."""
    from matplotlib.colors import to_rgba

    px = max(4, round(pt * RENDER_DPI / 72))
    fill = tuple(round(v * 255) for v in to_rgba(color))
    pieces = []
    base_rtl = next((_rtl(ch) for ch in s if unicodedata.bidirectional(ch) in ("L", "R", "AL")), False)
    for text, path in runs(s, primary, bold):
        if path is None or (not has_raqm() and any(_rtl(c) for c in text) and "Arabic" in _script_of(text)):
            _missing.add(_script_of(text) + ("" if path is None else " (shaping needs libraqm)"))
            text, path = MARK, primary
        pieces.append((text, path))
    if base_rtl:
        pieces.reverse()
    ref = _pil_font(primary, px)
    ascent, descent = ref.getmetrics()
    height = ascent + descent + px // 2
    base = ascent + px // 4
    imgs = []
    for text, path in pieces:
        font = _pil_font(path, px)
        if path.endswith("NotoColorEmoji.ttf"):
            w = max(1, round(font.getlength(text)))
            im = Image.new("RGBA", (w + 4, EMOJI_PX * 2), (0, 0, 0, 0))
            ImageDraw.Draw(im).text((2, EMOJI_PX * 3 // 2), text, font=font, anchor="ls", embedded_color=True)
            box = im.getbbox() or (0, 0, 1, 1)
            im = im.crop((box[0], 0, box[2], im.height))
            k = px / EMOJI_PX
            im = im.resize((max(1, round(im.width * k)), max(1, round(im.height * k))), Image.LANCZOS)
            emoji_base = round(EMOJI_PX * 3 // 2 * k)
            canvas = Image.new("RGBA", (im.width + px // 8, height), (0, 0, 0, 0))
            canvas.alpha_composite(im, (0, max(0, base - emoji_base + round(descent * 0.6))))
            imgs.append(canvas)
            continue
        w = max(1, round(font.getlength(text)))
        canvas = Image.new("RGBA", (w + px // 4, height), (0, 0, 0, 0))
        ImageDraw.Draw(canvas).text((0, base), text, font=font, fill=fill, anchor="ls")
        imgs.append(canvas)
    total = sum(i.width for i in imgs) or 1
    out = Image.new("RGBA", (total, height), (0, 0, 0, 0))
    x = 0
    for i in imgs:
        out.alpha_composite(i, (x, 0))
        x += i.width
    box = out.getbbox()
    if box:
        out = out.crop((0, 0, box[2], height))
    return out, (height - base) / height


def draw(fig, x: float, y: float, s: str, fontsize: float, color: str, primary: str, bold: bool = False,
         ha: str = "left"):
    """Place s on fig at (x, y) in figure fraction, baseline at y, like fig.text(..., va="baseline")."""
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    img, baseline = render(s, fontsize, color, primary, bold)
    box = OffsetImage(np.asarray(img), zoom=72 / RENDER_DPI)
    ab = AnnotationBbox(box, (x, y), xycoords="figure fraction", frameon=False, pad=0,
                        box_alignment=({"left": 0.0, "center": 0.5, "right": 1.0}[ha], baseline))
    fig.add_artist(ab)
    return ab
