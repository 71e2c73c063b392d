"""What leaves the studio: the client's lookbook (A4 PDF) and print-ready design files (PNG at 300 dpi + JSON spec).

Everything in the lookbook is read by the client: no scores, no model talk. All text is drawn literally (a "$" in a
name, a price or a prompt is never read as mathtext); text in other scripts is drawn by core.textdraw.
"""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

from PIL import Image

from core import textdraw
from core.catalog import price_of
from core.errors import BadImageError
from core.images import analysis_view, load_image
from core.search import SearchHit
from core.stylist.profiles import Profile
from core.stylist.rules import Outfit, piece_name, price_or_zero

INK, ACCENT, MUTED, PAPER = "#2b2522", "#8a5a44", "#8c8279", "#faf7f2"
A4 = (8.27, 11.69)  # inches, portrait
PRINT_SIDE_PX = 1600  # pictures are printed at most this many pixels on their long side
PER_PAGE = 9  # favourites and designs: a 3 x 3 grid


def print_ready(design: Image.Image, spec: dict, out_dir: str | Path, name: str = "design", min_side_px: int = 2400) -> tuple[Path, Path]:
    """PNG at 300 dpi (upscaled so its long side is at least min_side_px, i.e. 8 in at 300 dpi) plus a JSON spec."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    img = design.convert("RGB")
    scale = max(1.0, min_side_px / max(img.size))
    if scale > 1:
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name)[:60] or "design"
    png, js = out_dir / f"{safe}.png", out_dir / f"{safe}.json"
    img.save(png, dpi=(300, 300))
    full = dict(spec, width_px=img.width, height_px=img.height, dpi=300,
                width_in=round(img.width / 300, 2), height_in=round(img.height / 300, 2), exported_at=time.time())
    js.write_text(json.dumps(full, indent=2))
    return png, js


def lookbook_pdf(profile: Profile, favourites: list[SearchHit], outfits: list[Outfit], designs: list[dict],
                 date: str | None = None) -> bytes:
    """The client's lookbook (A4 PDF): a cover with their name, the date and a hero image; each look as a board
    of its pieces with names, prices and a one-line note; then favourites and saved designs.

    Everything here is read by the client: no scores, no model talk. All text is drawn literally (a "$" in a
    name, a price or a prompt is never read as mathtext).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages

    date = date or time.strftime("%d %B %Y").lstrip("0")
    buf = io.BytesIO()
    meta = {"Title": f"Atelier lookbook: {profile.name}", "Author": "Atelier",
            "Subject": f"{len(outfits)} looks, {len(favourites)} favourites, {len(designs)} designs",
            "Keywords": ",".join(h.id for h in favourites)}
    textdraw.reset_missing()
    with PdfPages(buf, metadata=meta) as pdf:
        book = _Book(pdf, profile, date)
        # 1. the cover: the hero piece large, the client's name, the date, what is inside
        _cover(book, favourites, outfits, designs)
        # 2. each look: the anchor large on the left, the other pieces stacked on the right, the prices below
        for n, o in enumerate(outfits, 1):
            _look_page(book, n, o)
        # 3. favourites, nine a page
        _favourite_pages(book, favourites)
        # 4. saved designs, nine a page; a damaged one is left out and said so, never the end of the lookbook
        _design_pages(book, designs)
    return buf.getvalue()


class _Book:
    """The PDF being written and what every page shares: literal text in any script, the page frame, pictures."""

    def __init__(self, pdf, profile: Profile, date: str) -> None:
        import matplotlib.pyplot as plt
        from matplotlib import font_manager

        self.pdf, self.plt, self.fonts, self.profile, self.date = pdf, plt, font_manager, profile, date

    def primary_font(self, family: str = "DejaVu Serif", weight: str = "normal", style: str = "normal") -> str:
        return self.fonts.findfont(self.fonts.FontProperties(family=family, weight=weight, style=style))

    def text(self, fig_or_ax, x, y, s, **kw):
        kw.setdefault("color", INK)
        kw.setdefault("family", "DejaVu Serif")
        s = str(s)
        primary = self.primary_font(kw["family"], kw.get("weight", "normal"), kw.get("style", "normal"))
        if textdraw.needs_raster(s, primary):  # CJK, Arabic, emoji: shaped by Pillow/raqm in fonts found by path
            return textdraw.draw(fig_or_ax, x, y, s, kw.get("fontsize", 10), kw["color"], primary,
                                 bold=kw.get("weight") == "bold", ha=kw.get("ha", "left"))
        return fig_or_ax.text(x, y, s, parse_math=False, usetex=False, **kw)

    def page(self):
        return self.plt.figure(figsize=A4, facecolor=PAPER)

    def sheet(self, title: str | None = None, subtitle: str | None = None):
        """A page with its title, a rule under it and the footer naming the client and the date."""
        fig = self.page()
        if title:
            self.text(fig, 0.08, 0.935, title, fontsize=24, weight="bold")
        if subtitle:
            self.text(fig, 0.08, 0.905, _clip(subtitle, 110), fontsize=9.5, color=MUTED, style="italic")
        fig.add_artist(self.plt.Line2D([0.08, 0.92], [0.89, 0.89], color=ACCENT, lw=0.8))
        self.text(fig, 0.08, 0.03, f"Atelier · prepared for {_clip(self.profile.name, 40)} · {self.date}", fontsize=8,
                  color=MUTED)
        return fig

    def picture(self, fig, rect, img):
        ax = fig.add_axes(rect)
        ax.imshow(img)
        ax.set_axis_off()
        return ax

    def label(self, fig, x, y, h: SearchHit, width_chars: int = 30, size: float = 10, ha: str = "left"):
        self.text(fig, x, y, _clip(piece_name(h), width_chars), fontsize=size, weight="bold", ha=ha)
        price = price_of(h.metadata)
        if price is not None:
            self.text(fig, x, y - 0.018, f"${price:,.2f}", fontsize=size - 1, color=MUTED, ha=ha)

    def save(self, fig) -> None:
        self.pdf.savefig(fig, facecolor=PAPER)
        self.plt.close(fig)


def _cover(book: _Book, favourites: list[SearchHit], outfits: list[Outfit], designs: list[dict]) -> None:
    hero = (outfits[0].items[0] if outfits else favourites[0] if favourites else None)
    fig = book.page()
    if hero is not None:
        book.picture(fig, [0.14, 0.34, 0.72, 0.56], _piece_image(hero))
    else:
        fig.add_artist(book.plt.Rectangle((0.14, 0.34), 0.72, 0.56, color="#efe8de", transform=fig.transFigure))
    profile = book.profile
    book.text(fig, 0.08, 0.255, "LOOKBOOK", fontsize=13, color=ACCENT, weight="bold")
    book.text(fig, 0.08, 0.2, _clip(profile.name, 34), fontsize=34, weight="bold")
    book.text(fig, 0.08, 0.155, book.date, fontsize=14, color=MUTED)
    inside = [_count(len(outfits), "look"), _count(len(favourites), "favourite"), _count(len(designs), "design")]
    book.text(fig, 0.08, 0.115, " · ".join(x for x in inside if x) or "A first selection", fontsize=12)
    if profile.notes:
        book.text(fig, 0.08, 0.075, _clip(profile.notes, 110), fontsize=10, color=MUTED, style="italic")
    lost = textdraw.undrawable([profile.name, profile.notes or ""] + [o.note for o in outfits]
                               + [piece_name(h) for o in outfits for h in o.items] + [piece_name(h) for h in favourites]
                               + [str((d.get("spec") or {}).get("prompt", "")) for d in designs if isinstance(d, dict)],
                               book.primary_font())
    if lost:
        book.text(fig, 0.08, 0.045, f"Some {', '.join(sorted(lost))} text cannot be drawn with the fonts on this "
                  f"computer and shows as {textdraw.MARK}.", fontsize=8, color=MUTED)
    fig.add_artist(book.plt.Line2D([0.08, 0.92], [0.29, 0.29], color=ACCENT, lw=0.8))
    book.save(fig)


def _look_page(book: _Book, n: int, o: Outfit) -> None:
    fig = book.sheet(f"Look {n}", o.note)
    main, rest = o.items[0], o.items[1:]
    book.picture(fig, [0.08, 0.38, 0.5, 0.47], _piece_image(main))
    book.label(fig, 0.08, 0.355, main, 34, 12)
    cell = 0.47 / max(3, max(1, len(rest)))
    for j, h in enumerate(rest):
        y = 0.85 - (j + 1) * cell
        book.picture(fig, [0.62, y + 0.035, 0.3, cell - 0.045], _piece_image(h))
        book.label(fig, 0.77, y + 0.02, h, 26, 9, ha="center")
    book.text(fig, 0.08, 0.27, "The pieces", fontsize=13, weight="bold")
    for j, h in enumerate(o.items):
        y = 0.24 - j * 0.028
        book.text(fig, 0.08, y, _clip(piece_name(h), 60), fontsize=10)
        book.text(fig, 0.92, y, f"${price_or_zero(h):,.2f}", fontsize=10, ha="right")
    y = 0.24 - len(o.items) * 0.028 - 0.01
    fig.add_artist(book.plt.Line2D([0.08, 0.92], [y + 0.02, y + 0.02], color=MUTED, lw=0.5))
    book.text(fig, 0.08, y, "Total", fontsize=11, weight="bold")
    book.text(fig, 0.92, y, f"${o.total_price:,.2f}", fontsize=11, weight="bold", ha="right")
    book.save(fig)


def _favourite_pages(book: _Book, favourites: list[SearchHit]) -> None:
    for start in range(0, len(favourites), PER_PAGE):
        fig = book.sheet("Favourites", "Pieces kept for you")
        for j, h in enumerate(favourites[start:start + PER_PAGE]):
            x, y = _grid_cell(j)
            book.picture(fig, [x, y, 0.26, 0.22], _piece_image(h))
            book.label(fig, x, y - 0.012, h, 28, 9)
        book.save(fig)


def _design_pages(book: _Book, designs: list[dict]) -> None:
    readable, unreadable = _readable_designs(designs)
    if unreadable and not readable:  # every saved design was damaged: still say so, on a page of its own
        fig = book.sheet("Designs", "Made in the studio for you")
        book.text(fig, 0.08, 0.87, _left_out(unreadable), fontsize=8, color=MUTED)
        book.save(fig)
    for start in range(0, len(readable), PER_PAGE):
        fig = book.sheet("Designs", "Made in the studio for you")
        if unreadable and start == 0:
            book.text(fig, 0.08, 0.87, _left_out(unreadable), fontsize=8, color=MUTED)
        for j, (img, d) in enumerate(readable[start:start + PER_PAGE]):
            x, y = _grid_cell(j)
            book.picture(fig, [x, y, 0.26, 0.22], img)
            book.text(fig, x, y - 0.012, _clip(str((d.get("spec") or {}).get("prompt", "")), 30), fontsize=9,
                      style="italic")
        book.save(fig)


def _readable_designs(designs: list[dict]) -> tuple[list[tuple[Image.Image, dict]], int]:
    """The saved designs whose pictures can be read (with their record), and how many could not."""
    readable, unreadable = [], 0
    for d in designs:
        try:  # the PNG bytes, or a saved design's file (a FIFO or device there is refused, never waited on)
            src = d.get("png") or d.get("path") or b""
            src = src if isinstance(src, (str, Path)) else bytes(src)
            readable.append((analysis_view(load_image(src), PRINT_SIDE_PX), d))
        except (BadImageError, OSError, TypeError, ValueError, AttributeError):
            unreadable += 1
    return readable, unreadable


def _piece_image(h: SearchHit) -> Image.Image:
    try:  # checked like any upload (a catalog file replaced since ingest), and printed at most 1600 px
        return analysis_view(load_image(h.path), PRINT_SIDE_PX)
    except (OSError, BadImageError):
        return Image.new("RGB", (64, 64), "lightgrey")


def _grid_cell(j: int) -> tuple[float, float]:
    """The lower-left corner of the j-th picture of a 3 x 3 page."""
    r, c = divmod(j, 3)
    return 0.08 + c * 0.29, 0.62 - r * 0.27


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}" if n else ""


def _left_out(unreadable: int) -> str:
    said = "1 saved design could not be read and is" if unreadable == 1 else \
        f"{unreadable} saved designs could not be read and are"
    return f"{said} left out."


def _clip(s: str, n: int) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"
