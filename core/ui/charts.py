"""The Home page's catalog map as one SVG page (for `components.html`): a dot per piece, coloured by category,
its name on hover.

Why not `st.altair_chart`: a chart through Streamlit imports pandas and altair, 95 MiB in every app process
that ever shows Home (bench_scale --app), more than the catalog columns of a million items. The SVG is the
same picture: circles with a native hover title, a legend of the categories. (`st.html` would strip the SVG:
its sanitiser keeps HTML only; the component frame shows it as it is.)
"""
from __future__ import annotations

from html import escape

# Tableau 20: distinct at a glance, the palette Vega-Lite uses for many categories.
PALETTE = ["#4c78a8", "#9ecae9", "#f58518", "#ffbf79", "#54a24b", "#88d27a", "#b79a20", "#f2cf5b", "#439894",
           "#83bcb6", "#e45756", "#ff9d98", "#79706e", "#bab0ac", "#d67195", "#fcbfd2", "#b279a2", "#d6a5c9",
           "#9e765f", "#d8b5a5"]


TIP_STYLE = ("position:absolute;display:none;pointer-events:none;background:#fff;color:#31333f;padding:3px 8px;"
             "border-radius:6px;box-shadow:0 1px 6px rgba(0,0,0,.25);font:13px 'Source Sans Pro',sans-serif;"
             "white-space:nowrap;z-index:5")
TIP_JS = """
const tip = document.getElementById('tip'), box = tip.parentElement;
function show(e) {
  const c = e.target.closest('circle'); if (!c) { tip.style.display = 'none'; return; }
  tip.textContent = c.querySelector('title').textContent;
  const r = box.getBoundingClientRect(), cr = c.getBoundingClientRect();
  tip.style.display = 'block';
  const x = cr.left - r.left + 10, y = cr.top - r.top - 30;
  tip.style.left = Math.max(0, Math.min(x, r.width - tip.offsetWidth - 4)) + 'px';
  tip.style.top = (y < 0 ? y + 44 : y) + 'px';
  c.setAttribute('r', 6);
}
box.addEventListener('mouseover', show);
box.addEventListener('mouseout', e => { const c = e.target.closest('circle'); if (c) c.setAttribute('r', 4);
                                        tip.style.display = 'none'; });
"""


def catalog_map_html(points: dict, height: int = 380) -> str:
    """points: {"x", "y", "category", "name"} lists (core.studio.embedding_map). Text is escaped: names come
    from the catalog."""
    xs, ys = points.get("x") or [], points.get("y") or []
    if not xs:
        return ""
    cats = [str(c or "untagged") for c in points.get("category") or [""] * len(xs)]
    names = [str(n or "") for n in points.get("name") or [""] * len(xs)]
    order = sorted(set(cats))
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(order)}
    pad = 8
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = 100.0 / ((x1 - x0) or 1.0)  # across: percent of the frame's width, so dots stay round at any width
    sy = (height - 2 * pad) / ((y1 - y0) or 1.0)
    dots = "".join(
        f'<circle cx="{min(99.2, max(0.8, (x - x0) * sx)):.2f}%" cy="{height - pad - (y - y0) * sy:.1f}" r="4" '
        f'fill="{colour[c]}"><title>{escape(n)} · {escape(c)}</title></circle>'
        for x, y, c, n in zip(xs, ys, cats, names))
    legend = "".join(
        f'<span style="white-space:nowrap;margin-right:14px"><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:5px;background:{colour[c]};margin-right:5px"></span>{escape(c)}</span>' for c in order)
    # The name on hover is drawn by the page (#tip): a native SVG <title> shows nothing in many browsers and
    # never on touch screens; the <title> stays for screen readers.
    return (f'<div style="position:relative">'
            f'<svg width="100%" height="{height}" role="img" style="display:block" '
            f'aria-label="Map of the catalog: {len(xs)} pieces, similar pieces close together">'
            f'<g fill-opacity="0.75">{dots}</g></svg>'
            f'<div id="tip" role="tooltip" style="{TIP_STYLE}"></div></div>'
            f'<div style="font:14px/1.8 \'Source Sans Pro\',sans-serif;color:#31333f;margin-top:6px">{legend}</div>'
            f'<script type="text/javascript">{TIP_JS}</script>')


def catalog_map_height(points: dict, height: int = 380) -> int:
    """The frame height the map needs: the dots, then the legend's lines (about eight categories a line)."""
    cats = len({str(c or "untagged") for c in points.get("category") or []})
    return height + 16 + 26 * max(1, -(-cats // 8))
