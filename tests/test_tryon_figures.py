"""The try-on CLI, the croquis figures (exact landmarks, bottoms reaching their length) and whole outfits."""
import json

import cv2

import numpy as np
import pytest
from PIL import Image

from core.config import REPO_ROOT
from core.tryon.classic import ClassicTryOn
from core.tryon.pose import TryOnInputError

CATALOG = REPO_ROOT / "assets" / "sample_catalog" / "images"


def test_cli_tryon_json(tmp_path, capsys, hopper):
    from core.__main__ import main

    hopper.save(tmp_path / "p.jpg")
    assert main(["tryon", "--person", str(tmp_path / "p.jpg"), "--garment", str(CATALOG / "shirt-002.jpg"),
                 "--kind", "upper", "--out", str(tmp_path / "o.png"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert {"landmarks", "openpose18", "region_share", "timings_s", "garment_share"} <= set(info)
    assert info["garment_share"] >= 0.2 and Image.open(tmp_path / "o.png").size == tuple(info["size"])
    assert main(["tryon", "--person", str(tmp_path / "p.jpg"), "--garment", str(CATALOG / "dress-001.jpg"),
                 "--kind", "dress", "--out", str(tmp_path / "d.png")]) == 1
    assert "hips" in capsys.readouterr().err


def test_cli_tryon_on_a_bundled_sample_person(tmp_path, capsys):
    from core.__main__ import main

    hoodie = str(CATALOG / "hoodie-004.jpg")
    assert main(["tryon", "--person", "sample:astronaut", "--garment", hoodie, "--out", str(tmp_path / "a.png"),
                 "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["size"] == [512, 512] and info["garment_share"] >= 0.2
    assert main(["tryon", "--person", "sample:nobody", "--garment", hoodie, "--out", str(tmp_path / "b.png")]) == 1
    err = capsys.readouterr().err
    assert "Grace Hopper" in err and "Astronaut" in err and "Traceback" not in err


def test_croquis_figures_have_exact_landmarks_masks_and_variety():
    from core.tryon.croquis import FIGURES, draw_figure
    from core.tryon.people import sample_person

    people = [draw_figure(k) for k in FIGURES]
    assert len(people) >= 3
    skins = {f.skin for f in FIGURES.values()}
    widths = {f.hip for f in FIGURES.values()}
    assert len(skins) >= 3 and len(widths) >= 3
    for p in people:
        kp = p.openpose18()
        assert (kp[:14, 2] > 0).all()  # every body joint, nose to ankles
        h = p.mask.shape[0]
        assert p.visible("l_ankle") and p.point("l_ankle")[1] > 0.85 * h  # full body, feet in the frame
        for name in ("l_shoulder", "r_hip", "l_knee", "r_ankle", "l_wrist"):
            x, y = np.int32(p.point(name))
            assert p.mask[y, x]  # the joints are inside the drawn silhouette
    img, person = sample_person("curvy")
    assert person is not None and person.image.size == img.size


@pytest.mark.parametrize("fig, item, kind", [("slim", "jeans-002", "lower"), ("average", "dress-003", "dress"),
                                             ("curvy", "skirt-004", "lower")])
def test_croquis_bottoms_reach_their_length(fig, item, kind):
    from core.tryon.croquis import draw_figure

    p = draw_figure(fig)
    r = ClassicTryOn().run(p.image, Image.open(CATALOG / f"{item}.jpg"), kind, person=p)
    changed = (np.asarray(p.image) != np.asarray(r.image)).any(axis=2)
    ys = np.nonzero(changed)[0]
    ankle, knee, hip = p.point("l_ankle")[1], p.point("l_knee")[1], p.point("l_hip")[1]
    if item.startswith("jeans"):
        assert ys.max() >= ankle - 0.05 * (ankle - hip)  # trousers reach the ankles
    else:
        assert ys.max() >= knee - 0.15 * (knee - hip)  # a skirt or dress hangs to about the knee
        cx = int(p.point("neck")[0])
        gap = slice(int(hip + 0.3 * (knee - hip)), int(knee))
        assert changed[gap, cx].mean() > 0.8  # it hangs across the gap between the legs
    if kind == "dress":
        assert ys.min() <= p.point("l_shoulder")[1]  # from the shoulders


def test_a_whole_outfit_is_dressed_in_layer_order_without_gaps(tmp_path, capsys):
    from core.__main__ import main
    from core.tryon.croquis import draw_figure
    from core.tryon.outfit import Piece, dress_outfit

    p = draw_figure("curvy")
    pieces = [Piece(Image.open(CATALOG / "sneakers-002.jpg"), "sneakers"), Piece(Image.open(CATALOG / "skirt-004.jpg"), "skirt"),
              Piece(Image.open(CATALOG / "shirt-002.jpg"), "shirt"), Piece(Image.open(CATALOG / "bag-002.jpg"), "bag")]
    r = dress_outfit(ClassicTryOn(), p.image, pieces, person=p)
    assert [layer.split(":")[0] for layer in r.layers] == ["bottom", "top", "shoes", "bag"]
    # No gap between top and skirt: along the body's centre line from the neck base to the skirt's hem, nothing of
    # the figure's own grey bodysuit still shows.
    before, after = np.asarray(p.image).astype(int), np.asarray(r.image).astype(int)
    cx = int(p.point("neck")[0])
    rows = slice(int(p.point("neck")[1] + 40), int(p.point("l_hip")[1] + 40))
    same = (np.abs(before[rows, cx - 30:cx + 30] - after[rows, cx - 30:cx + 30]).max(axis=2) < 6)
    assert same.mean() < 0.02
    ay = int(p.point("l_ankle")[1])
    assert (before[ay:ay + 40] != after[ay:ay + 40]).any()  # shoes on the feet
    from core.tryon.outfit import layer_order
    from core.tryon.pose import TryOnInputError

    with pytest.raises(TryOnInputError, match="dress or a top"):
        layer_order([Piece(p.image, "dress"), Piece(p.image, "skirt")])
    out = tmp_path / "look.png"
    assert main(["tryon-outfit", "--person", "sample:slim", "--piece", f"t-shirt={CATALOG / 'tshirt-003.jpg'}",
                 "--piece", f"jeans={CATALOG / 'jeans-002.jpg'}", "--out", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["layers"][0].startswith("bottom") and Image.open(out).size == (480, 1024)


def _figure_left_between_top_and_bottom(fig: str, top: str, bottom: str) -> float:
    """Share of the body between the top's shoulders and the bottom's crotch, across the hips' width, that still
    shows the figure itself (bodysuit or skin): a paper doll's gap between a top's hem and the waistband."""
    from core.tryon.croquis import draw_figure
    from core.tryon.outfit import Piece, dress_outfit

    p = draw_figure(fig)
    r = dress_outfit(ClassicTryOn(), p.image, [Piece(Image.open(CATALOG / f"{top}.jpg"), top.split("-")[0]),
                                                Piece(Image.open(CATALOG / f"{bottom}.jpg"), bottom.split("-")[0])],
                     person=p)
    before, after = np.asarray(p.image).astype(int), np.asarray(r.image).astype(int)
    (x0, _), (x1, hip_y) = p.point("r_hip"), p.point("l_hip")
    rows = slice(int(p.point("neck")[1] + 60), int(hip_y + 45))  # to just above the crotch
    cols = slice(int(x0 - 10), int(x1 + 10))
    same = np.abs(before[rows, cols] - after[rows, cols]).max(axis=2) < 6
    return float((same & p.mask[rows, cols]).mean())


@pytest.mark.parametrize("fig, top, bottom", [("average", "tshirt-007", "trousers-006"),
                                              ("curvy", "sweater-001", "jeans-002"),
                                              ("slim", "tshirt-003", "jeans-002")])
def test_an_outfits_top_falls_over_the_waistband(fig, top, bottom):
    # Before: the tee's hem ended above the trousers' waistband, a band of the grey bodysuit between (11% of the
    # body across the hips on the average figure); now the top is let down over the waistband.
    assert _figure_left_between_top_and_bottom(fig, top, bottom) < 0.01


def test_hem_over_waistband_leaves_a_cropped_top_and_a_hand_alone():
    from core.tryon.croquis import draw_figure
    from core.tryon.outfit import hem_over_waistband

    p = draw_figure("average")
    H, W = p.mask.shape
    top, bottom = np.zeros((H, W), np.float32), np.zeros((H, W), np.float32)
    top[200:300, 150:330] = 1  # a cropped top, far above the waistband: meant to show the midriff
    bottom[480:900, 170:310] = 1
    img, a = hem_over_waistband(p.image, top, bottom, p)
    assert np.array_equal(np.asarray(img), np.asarray(p.image)) and np.array_equal(a, top)
    top[200:455] = 0
    top[200:455, 150:330] = 1  # a top ending just above the waistband: let down over it
    img, a = hem_over_waistband(p.image, top, bottom, p)
    assert (a[455:485, 180:300] > 0.5).all() and (a[500:] == 0).all()


@pytest.mark.parametrize("item", ["hoodie-000", "sweater-001", "jacket-000"])
def test_long_sleeves_on_a_figure_have_no_backdrop_slit(item):
    """The thin gap between a long sleeve laid alongside the body in the product shot was sealed in as cloth and worn
    as a light slit down the upper arm (on every figure and photo). Now the sleeves cover the arms: between the
    shoulders and the elbows, the top's cloth holds no light backdrop-coloured run."""
    from core.tryon.croquis import draw_figure
    from core.tryon.flatlay import solid_garment
    from core.tryon.regions import garment_mask

    m = garment_mask(Image.open(CATALOG / f"{item}.jpg"))
    assert (solid_garment(m) & ~m).sum() < 40  # before: 551-638 px of backdrop sealed in beside the sleeves
    p = draw_figure("average")
    r = ClassicTryOn().run(p.image, Image.open(CATALOG / f"{item}.jpg"), "upper", person=p)
    a = np.asarray(r.image).astype(int)
    light = (a.min(axis=2) > 185) & (a.max(axis=2) - a.min(axis=2) < 30)
    on = r.garment_alpha > 0.5
    rows = slice(int(p.point("l_shoulder")[1] + 30), int(p.point("l_elbow")[1]))
    inside = on & (np.cumsum(on, axis=1) > 0) & (np.cumsum(on[:, ::-1], axis=1)[:, ::-1] > 0)  # within the top's span
    cloth = (on & ~light).astype(np.uint8)
    beside = cv2.dilate(cloth, np.ones((1, 15), np.uint8)) & cv2.erode(cv2.dilate(cloth, np.ones((1, 29), np.uint8)),
                                                                         np.ones((1, 15), np.uint8))
    slit = light & inside & beside.astype(bool)  # a light run with cloth close on either side
    assert slit[rows].sum() < 40, slit[rows].sum()


@pytest.mark.parametrize("fig", ["slim", "curvy"])
def test_a_top_alone_on_a_figure_is_not_flagged_for_its_bodysuit(fig):
    """The figure's own bodysuit below a top's hem is its body (like skin), not old clothing left showing: before,
    every top on every figure read "Check before showing: old clothing showing" (11-12%) on the page."""
    from core.tryon.croquis import draw_figure

    p = draw_figure(fig)
    assert p.base_layer is not None and (p.base_layer & ~p.mask).sum() == 0
    r = ClassicTryOn().run(p.image, Image.open(CATALOG / "sweater-001.jpg"), "upper", person=p)
    # Not "old clothing showing" for the bodysuit, and never "poor". (The verdict may be "check" for another reason:
    # since the ragged-outline check, the curvy figure's striped sweater reads "check" for the smeared, spiked
    # sleeve seams that were always in that picture, a fault of its own, not of the bodysuit.)
    assert r.quality.check("old_garment").passed and r.quality.verdict != "poor", r.quality.summary()
    assert {c.name for c in r.quality.checks if not c.passed} <= {"ragged"}, r.quality.summary()
    # The check still sees old clothing that is there: the same figure with its bodysuit taken for clothing.
    from core.tryon.pose import Person

    from core.tryon import quality

    plain = Person(p.image, p.landmarks, p.mask)
    r2 = ClassicTryOn().run(p.image, Image.open(CATALOG / "sweater-001.jpg"), "upper", person=plain)
    # (The try-on now hides an old top longer than the new one: below the hem the "bodysuit" becomes her skin. The
    # check is asked about the picture the try-on used to give: the bodysuit left below the new hem.)
    before, after = np.asarray(p.image), np.asarray(r2.image).copy()
    left = p.base_layer & (r2.garment_alpha < 0.5)
    after[left] = before[left]
    q = quality.assess(p.image, Image.fromarray(after), r2.region | left, r2.garment_alpha, "upper", person=plain)
    assert not q.check("old_garment").passed
