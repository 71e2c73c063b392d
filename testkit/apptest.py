"""The app's pages under Streamlit's AppTest: their paths, the error boxes shown, the Try-On walk."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.config import REPO_ROOT

HOME = str(REPO_ROOT / "Home.py")
DISCOVER = str(REPO_ROOT / "pages" / "1_Discover.py")
DESIGN = str(REPO_ROOT / "pages" / "2_Creative_Director.py")
SKETCH = str(REPO_ROOT / "pages" / "3_Sketch_to_Cloth.py")
TRYON = str(REPO_ROOT / "pages" / "4_Try_On.py")
STYLIST = str(REPO_ROOT / "pages" / "5_Stylist.py")


def errors(at):
    return [e.value for e in at.error]


def try_on(query: str, sample: str | None = None, **widgets):
    """Open Try-On, pick the first catalog hit for query (and a sample person), set widgets by key, press Try."""
    at = AppTest.from_file(TRYON, default_timeout=180).run()
    assert not at.exception and not errors(at)
    if sample:
        at.selectbox(key="tryon_sample").set_value(sample).run()
    at.text_input(key="tryon_search").set_value(query).run()
    next(b for b in at.button if b.label == "Use").click().run()
    for key, value in widgets.items():
        next(w for w in at.get(value[0]) if w.key == key).set_value(value[1]).run()
    next(b for b in at.button if b.label == "Try it on").click().run()
    assert not at.exception
    return at
