"""A stylist's walk over every page in chromium, counting what a client would notice over the stylist's shoulder.

Per page and width: clipped button labels, error boxes, developer terms outside expanders, emoji (drawn as empty
boxes where no emoji font is installed: Debian's chromium here has none), plus Discover's cards in view and the
Creative Director's canvas toolbar over other controls. `walk(url, width, height, shots)` returns the counts;
tests/e2e/test_ui_walk.py asserts them; `python -m testkit.ui_walk URL` prints them for an already running server.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# Developer facts that belong under "About this installation" or an "Advanced" expander only.
DEV_TERMS = [r"\bseed\b", r"\b\d+(\.\d+)? ?ms\b", r"\bhnsw\b", r"exact search", r"stable-diffusion", r"runwayml",
             r"hf download", r"hugging ?face", r"\bfreedraw\b", r"\brect\b", r"\bbackend\b", r"\bcuda\b", r"\bfp16\b",
             r"\bchroma\b", r"\bcollection\b", r"traceback", r"ATELIER_", r"\bembeddings?\b", r"openai/",
             r"fashion-clip", r"siglip", r"clip-vit", r"\bencoder\b", r"\bmodel id\b", r"\bweights\b",
             r"\bdiffusers\b", r"\bpipeline\b", r"\btorch\b", r"\bcpu\b", r"\bvector\b"]
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")

# Buttons (as tests/e2e/test_e2e_day.py checks them) and widget labels' text (a radio option's <label> holds a hidden
# input wider than itself, so labels are checked by their text only).
CLIPPED_JS = """() => [...[...document.querySelectorAll('button')].filter(b => b.offsetParent !== null).flatMap(b =>
    [b, ...b.querySelectorAll('div, p, span')].filter(e => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1)
    .map(() => b.innerText.trim())),  // (a 1 px wide element is a screen reader's label, hidden on purpose)
    ...[...document.querySelectorAll('[data-testid="stWidgetLabel"] p, label p')].filter(e => e.offsetParent !== null
    && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.trim())]
    .filter((t, i, all) => t && all.indexOf(t) === i)"""
ERRORS_JS = """() => [...document.querySelectorAll('[data-testid="stAlertContentError"], [data-testid="stException"]')]
    .map(e => e.innerText.trim())"""
# The page's words outside expanders (and outside help tooltips, which are not in the DOM until hovered).
TEXT_JS = """() => { const root = document.querySelector('[data-testid="stApp"]') || document.body;
    const c = root.cloneNode(true);
    c.querySelectorAll('[data-testid="stExpander"], [data-testid="stIconMaterial"], style, script')
     .forEach(e => e.remove());
    return c.textContent; }"""
EMOJI_ICONS_JS = """() => document.querySelectorAll('[data-testid="stIconEmoji"]').length"""
# Result cards fully inside the viewport once the first card's top is scrolled to the top of the window.
CARDS_JS = """(prefix) => { const cards = [...document.querySelectorAll(`[class*="st-key-${prefix}"]`)];
    if (!cards.length) return [0, 0];
    return [cards.filter(c => { const r = c.getBoundingClientRect();
        return r.top >= 59 && r.bottom <= window.innerHeight + 1 && r.height > 0; }).length, cards.length]; }"""


def settle(page, timeout=120_000):
    page.wait_for_timeout(400)
    page.wait_for_function("""() => { const w = document.querySelector('[data-testid="stStatusWidget"]');
                                      return !w || !/Running|Stop/.test(w.innerText); }""", timeout=timeout)
    page.wait_for_timeout(400)


def dev_terms(text: str) -> list[str]:
    return sorted({m.group(0) for t in DEV_TERMS for m in re.finditer(t, text, re.I)})


def check(page, name: str, shots: Path | None, found: dict, full_page: bool = True) -> dict:
    settle(page)
    text = page.evaluate(TEXT_JS)
    row = {"clipped": page.evaluate(CLIPPED_JS), "errors": page.evaluate(ERRORS_JS), "dev_terms": dev_terms(text),
           "emoji": sorted(set(EMOJI.findall(text))) + ["icon"] * page.evaluate(EMOJI_ICONS_JS)}
    found[name] = row
    if shots is not None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=full_page)
    return row


def nav(page, title):
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=120_000)
    settle(page)


def overlaps(a, b) -> bool:
    return a and b and a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


def walk(url: str, width: int, height: int, shots: Path | None = None, client: str = "Walk Client") -> dict:
    from testkit.browser import browser_page

    found: dict = {}
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
    with browser_page(width, height, timeout_ms=120_000) as page:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("What you can do").wait_for(timeout=300_000)
        frame = page.frame_locator('iframe[title="st.iframe"]').first
        frame.locator("circle").first.wait_for()
        check(page, "1-home", shots, found)
        # A name on hover, drawn by the page itself (a native SVG title shows nothing in many set-ups).
        dot = frame.locator("circle").nth(7)
        dot.hover(force=True)
        page.wait_for_timeout(300)
        tip = frame.locator("#tip")
        found["map_hover"] = tip.inner_text() if tip.count() and tip.is_visible() else ""
        if shots is not None:
            page.frame_locator('iframe[title="st.iframe"]').first.locator("body").screenshot(
                path=str(shots / "1-home-map-hover.png"))

        sidebar = page.locator('[data-testid="stSidebar"]')
        if not sidebar.get_by_label("Client name").is_visible():  # folded once some client exists
            sidebar.get_by_text("New client profile").click()
        sidebar.get_by_label("Client name").fill(client)
        sidebar.get_by_role("button", name="Create profile").click()
        sidebar.get_by_text(f"Created {client}").wait_for()

        nav(page, "Discover")
        box = page.get_by_label("Describe what you are looking for")
        box.fill("dress")
        box.press("Enter")
        page.get_by_role("button", name="Like", exact=True).first.wait_for()
        settle(page)
        for label, n in (("Like", 0), ("Cart", 1), ("Pass", 2)):  # three cards, three states
            page.get_by_role("button", name=label, exact=True).nth(n).click()
            settle(page)
        first = page.locator('[class*="st-key-discover-card-"]').first
        if first.count():
            # Streamlit scrolls its own container, under a 60 px header: the first card just below the header.
            first.evaluate("""e => { e.scrollIntoView({block: 'start'}); let p = e.parentElement;
                while (p && !(p.scrollHeight > p.clientHeight && getComputedStyle(p).overflowY !== 'visible'))
                    p = p.parentElement;
                if (p) p.scrollBy(0, -64); }""")
            page.wait_for_timeout(300)
            found["cards_in_view"] = page.evaluate(CARDS_JS, "discover-card-")
        else:  # before cards had keys: bordered blocks holding a Like button
            found["cards_in_view"] = page.evaluate("""() => { const cards = [...document.querySelectorAll(
                '[data-testid="stVerticalBlock"]')].filter(b => b.querySelector('[class*="st-key-discover-mark-like"]')
                && b.querySelectorAll('[class*="st-key-discover-mark-like"]').length === 1 && b.querySelector('img'));
                if (!cards.length) return [0, 0];
                const t = cards[0].getBoundingClientRect().top; window.scrollBy(0, t - 4);
                return [cards.filter(c => { const r = c.getBoundingClientRect();
                  return r.top >= -1 && r.bottom <= window.innerHeight + 1; }).length, cards.length]; }""")
        check(page, "2-discover-cards", shots, found, full_page=False)
        first.evaluate("e => e.scrollIntoView({block: 'center'})") if first.count() else None
        check(page, "2-discover", shots, found)

        nav(page, "Creative Director")
        page.get_by_label("Search the catalog").fill("striped shirt")
        page.get_by_label("Search the catalog").press("Enter")
        settle(page)
        page.get_by_role("button", name="Use", exact=True).first.click()
        settle(page)
        canvas = page.locator(".dc-root").first
        canvas.wait_for()
        canvas.scroll_into_view_if_needed()
        settle(page)
        canvas.hover()  # the toolbar (undo, redo, clear) shows while the pointer is over the picture
        page.wait_for_timeout(600)
        bar = page.locator(".dc-toolbar-card").first.bounding_box()
        controls = page.locator('[data-testid="stSelectbox"], [data-testid="stSlider"], [data-testid="stButton"], '
                                '[data-testid="stHeading"], [data-testid="stExpander"], [data-testid="stCaption"]')
        found["canvas_covers"] = [controls.nth(i).inner_text()[:30] for i in range(controls.count())
                                  if overlaps(bar, controls.nth(i).bounding_box())]
        check(page, "3-design-canvas", shots, found, full_page=False)
        check(page, "3-design", shots, found)

        nav(page, "Sketch to Cloth")
        check(page, "4-sketch", shots, found)
        nav(page, "Try-On")
        check(page, "5-tryon", shots, found)
        nav(page, "Stylist")
        for tab in ("Profile", "For you", "Outfit builder", "Lookbook & export"):
            page.get_by_role("tab", name=tab).click()
            check(page, f"6-stylist-{tab.split()[0].lower()}", shots, found)
        # An office look around "black blazer": the page says there is no blazer and offers the nearest.
        page.get_by_role("tab", name="Outfit builder").click()
        q = page.get_by_label("Build around an item (search)")
        q.fill("black blazer")
        q.press("Enter")
        settle(page)
        found["anchor_note"] = page.get_by_text("No blazer").count() > 0
        page.locator('[data-testid="stButtonGroup"]').get_by_text("Office", exact=True).click()
        settle(page)
        page.get_by_role("button", name="Build outfits").click()
        page.get_by_text("Look 1").first.wait_for()
        check(page, "6-stylist-office-look", shots, found)
    return found


if __name__ == "__main__":
    import time

    out = {}
    widths = [int(w) for w in sys.argv[3].split(",")] if len(sys.argv) > 3 else [1366, 1920]
    for w in widths:
        h = {1366: 768, 1920: 1080}.get(w, 900)
        try:
            out[w] = walk(sys.argv[1], w, h, Path(sys.argv[2]) / str(w) if len(sys.argv) > 2 else None,
                          client=f"Walk {w} {int(time.time()) % 10000}")
        except Exception as exc:  # the counts so far are still worth printing
            out[w] = {"failed": f"{type(exc).__name__}: {str(exc)[:300]}"}
        print(json.dumps({w: out[w]}, indent=1), flush=True)
