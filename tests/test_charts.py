"""The Home page's catalog map: one SVG dot per piece, coloured by category, names escaped."""
import re

from core.ui.charts import PALETTE, catalog_map_height, catalog_map_html


def test_one_dot_per_piece_in_its_categorys_colour_with_its_name_on_hover():
    points = {"x": [0.0, 1.0, 2.0, 3.0], "y": [0.0, 2.0, 1.0, 3.0], "category": ["dress", "shirt", "dress", ""],
              "name": ["Red dress", "Navy shirt", "Blue dress", "Mystery"]}
    html = catalog_map_html(points)
    dots = re.findall(r'<circle cx="([\d.]+)%" cy="([\d.]+)" r="4" fill="(#[0-9a-f]{6})"><title>([^<]*)</title>', html)
    assert len(dots) == 4
    assert [d[3] for d in dots] == ["Red dress · dress", "Navy shirt · shirt", "Blue dress · dress", "Mystery · untagged"]
    assert dots[0][2] == dots[2][2] != dots[1][2]  # one colour per category
    xs, ys = [float(d[0]) for d in dots], [float(d[1]) for d in dots]
    assert xs == sorted(xs) and ys[0] > ys[2] > ys[1] > ys[3]  # larger y is higher on the page
    assert all(0 < x < 100 for x in xs) and all(0 <= y <= 380 for y in ys)  # across in percent: round dots at any width
    legend = re.findall(r"background:(#[0-9a-f]{6});[^>]*></span>([^<]*)</span>", html)
    assert legend == [(dots[0][2], "dress"), (dots[1][2], "shirt"), (dots[3][2], "untagged")]
    assert {c for c, _ in legend} <= set(PALETTE)
    assert catalog_map_height(points) == 380 + 16 + 26  # one legend line for three categories


def test_catalog_text_is_never_markup():
    html = catalog_map_html({"x": [0.0, 1.0], "y": [0.0, 1.0], "category": ["<b>x</b>", "a&b"],
                             "name": ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>']})
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a&amp;b" in html
    assert html.count("<script") == 1 and "alert" not in html.split("<script")[1]  # only the page's own hover script


def test_an_empty_catalog_draws_nothing_and_one_piece_does_not_divide_by_zero():
    assert catalog_map_html({"x": [], "y": [], "category": [], "name": []}) == ""
    assert catalog_map_html({"x": [1.0], "y": [1.0], "category": ["bag"], "name": ["Tote"]}).count("<circle") == 1
