"""A worn dress's outer edge is smooth and in its own colour (core/tryon/dress_outline.py): a product shot warped up
to three times its size leaves teeth along the skirt's sides and pale wisps of the shot's backdrop inside its edge;
the torn-outline measure (quality_shape.torn_hem along the hem and both sides) sees the teeth. The real-photo test
reads ../shared/realphotos and skips cleanly where it is absent."""
import numpy as np
import pytest
from PIL import Image

from core.tryon.dress_outline import clean_outline, pale_rim, torn_outline
from testkit.realphotos import REAL, needs_real

W = 130.0  # shoulders' width, px


def _torn_skirt(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(rgb, alpha): an orange trapezoid skirt whose right side steps by up to 2 px every 3 rows (a matte's pixel
    steps blown up three times) and whose outer 4 px on that side are orange blended half with white (the shot's
    backdrop), in wisps: every other run of 3 rows."""
    H, Wd = 500, 400
    rng = np.random.default_rng(seed)
    ys = np.arange(H)
    left = 120 - 0.1 * ys
    right = 280 + 0.1 * ys + np.repeat(rng.integers(0, 3, H // 3 + 1), 3)[:H]
    xs = np.arange(Wd)[None, :]
    on = (xs >= left[:, None]) & (xs <= right[:, None]) & (ys[:, None] >= 40) & (ys[:, None] <= 460)
    rgb = np.zeros((H, Wd, 3), np.float32)
    rgb[on] = (1.0, 0.45, 0.1)
    pale = on & (xs > right[:, None] - 4) & ((ys[:, None] // 3) % 2 == 0)
    rgb[pale] = 0.5 * np.array([1.0, 0.45, 0.1]) + 0.5
    return rgb, on.astype(np.float32)


def test_the_torn_edge_check_sees_the_pale_wisps_and_not_a_clean_edge():
    rgb, alpha = _torn_skirt()
    on = alpha > 0.5
    img = np.rint(rgb * 255).astype(np.uint8)
    assert pale_rim(img, on, W) > 0.03  # the torn_edge check's limit
    clean = img.copy()
    clean[on] = np.rint(np.array([1.0, 0.45, 0.1]) * 255).astype(np.uint8)
    assert pale_rim(clean, on, W) == 0.0
    out, a = clean_outline(rgb, alpha, W)
    assert pale_rim(np.rint(out * 255).astype(np.uint8), a > 0.5, W) < 0.01


def test_the_torn_outline_measure_falls_when_the_outline_is_smoothed():
    rgb, alpha = _torn_skirt()
    _, a = clean_outline(rgb, alpha, W)
    assert torn_outline(a > 0.5, W) < 0.7 * torn_outline(alpha > 0.5, W)


def test_the_outline_is_smoothed_and_its_pale_rim_takes_the_cloths_colour():
    rgb, alpha = _torn_skirt()
    out, a = clean_outline(rgb, alpha, W)
    on = a > 0.5
    light = out.mean(2)
    # no pixel of the worn skirt paler than its orange (0.52 mean) by the white blended in (0.76)
    assert light[on].max() < 0.6
    # the clean left side and the inside keep the shot's own colour
    assert np.allclose(out[250, 150:250], rgb[250, 150:250])


@needs_real
def test_real_dresses_have_clean_edges():
    """g32:p13 (orange cabbage-print dress warped up from a small shot: its right side torn with white wisps) and
    g30:p09 (blue, white flowers: the sleeves' and skirt's edges fringed white): the torn_edge check passes (0.048
    and 0.160 before), and the dresses with clean edges before stay clean."""
    from core.tryon.classic import ClassicTryOn
    from core.tryon.pose import analyse_person
    be = ClassicTryOn()
    for g, p in (("g32", "p13"), ("g30", "p09"), ("g35", "p03")):
        person = analyse_person(Image.open(REAL / "people" / f"{p}.jpg").convert("RGB"))
        r = be.run(person.image, Image.open(REAL / "garments" / f"{g}.jpg").convert("RGB"), "dress", person=person)
        c = {c.name: c for c in r.quality.checks}["torn_edge"]
        assert c.passed and c.value < 0.03, (g, p, c.value)
