"""Creative Director's targets, measured on the sample catalog against the generator's true garment masks:
light garments, a rough rectangle mask, "make it red" (see testkit/design_measures.py; bench/bench_design.py --targets
prints the same figures for every light item)."""
import numpy as np
import pytest
from PIL import Image

from core.design import (OFFLINE_HELP, DesignRequest, OfflineEditor, close_strokes, edit_region, mask_from_drawing,
                         parse_edit)
from core.errors import AtelierError
from core.segmentation import garment_mask
from testkit.design_measures import light_items, reads_as, rough_rectangle, score_recolour, truth_of

# One of each light colour and pattern family; the bench runs all 90 light items.
ITEMS = ["tshirt-028", "shirt-000", "shirt-013", "shirt-015", "blouse-002", "sweater-012", "dress-010", "jeans-004",
         "sneakers-005", "bag-024"]


def test_the_sample_items_measured_are_light_garments():
    assert set(ITEMS) <= set(light_items()) and len(light_items()) >= 80


@pytest.mark.parametrize("item", ITEMS)
def test_make_it_red_changes_the_garment_not_the_backdrop(item):
    s = score_recolour(item)
    assert s.outside_changed == 0 and s.same_size
    assert s.backdrop_changed <= 0.02, s
    assert s.garment_red >= 0.70, s


@pytest.mark.parametrize("lo, hi", [(0.08, 0.92), (0.15, 0.85), (0.2, 0.8)])
def test_any_rough_rectangle_keeps_the_backdrop(lo, hi):
    s = score_recolour("shirt-000", lo=lo, hi=hi)  # white shirt on a near-white backdrop
    assert s.backdrop_changed <= 0.02 and s.garment_red >= 0.7 and s.outside_changed == 0


@pytest.mark.parametrize("item", ["shirt-000", "bag-024", "tshirt-028", "jeans-004", "sneakers-005", "skirt-012"])
def test_garment_segmentation_matches_the_true_silhouette(item):
    img, truth = truth_of(item)
    m = garment_mask(img)
    assert (m & ~truth).sum() <= 0.01 * (~truth).sum()  # hardly any backdrop (shadows included)
    assert (m & truth).sum() >= 0.97 * truth.sum()


def test_a_bag_handle_keeps_its_hole():
    img, truth = truth_of("bag-024")  # white bag: the backdrop shows through the handle
    m = garment_mask(img)
    h = img.height
    # Backdrop enclosed by the handle stays out of the mask.
    ys, xs = np.nonzero(truth[: h // 3])
    inside = np.zeros(truth[: h // 3].shape, bool)
    inside[ys.min() + 8:, xs.min() + 8: xs.max() - 8] = True
    assert (m[: h // 3] & inside & ~truth[: h // 3]).sum() < 0.05 * (inside & ~truth[: h // 3]).sum()


@pytest.mark.parametrize("item, min_print, min_readable", [
    ("tshirt-028", 0.05, 0.85),  # white t-shirt with red and black flowers (the red ones take the old white)
    ("blouse-010", 0.1, 0.8),  # beige and grey grounds with many yellow and red blooms: more than a quarter of
    ("shirt-028", 0.1, 0.8),  # the cloth is print, yet printed motifs, not a woven pattern (0.2-0.3 tone on tone)
])
def test_a_print_stays_readable_when_the_ground_is_recoloured(item, min_print, min_readable):
    """'make it red' turns the ground red and the printed motifs still stand out from it."""
    img, truth = truth_of(item)
    mask = rough_rectangle(img.size)
    out = OfflineEditor().generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255),
                                                 "make it red")).images[0]
    lab_in, lab_out = _lab(np.asarray(img)), _lab(np.asarray(out))
    inner = truth & mask
    ground_in = np.median(lab_in[inner], axis=0)
    motif = inner & (np.linalg.norm(lab_in - ground_in, axis=2) > 30)
    assert motif.sum() > min_print * inner.sum()
    assert reads_as(np.asarray(out)[inner & ~motif], "red").mean() > 0.9  # the fabric is red now
    ground_out = np.median(lab_out[inner & ~motif], axis=0)
    assert (np.linalg.norm(lab_out[motif] - ground_out, axis=1) > 20).mean() > min_readable


def _lab(rgb):
    import cv2

    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def _thumbnail_stats(prompt, item="sweater-012"):
    img, truth = truth_of(item)
    mask = rough_rectangle(img.size)
    out = OfflineEditor().generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255), prompt)).images[0]
    small = np.asarray(out.resize((64, 64), Image.LANCZOS))
    inner = np.asarray(Image.fromarray((truth & mask).astype(np.uint8) * 255).resize((64, 64))) > 200
    L = _lab(small)[..., 0][inner]
    chroma = np.hypot(*_lab(small)[..., 1:][inner].T)
    return float(np.mean(L > np.median(L) + 12)), float(np.percentile(L, 95) - np.percentile(L, 5)), float(np.median(chroma))


def test_leather_and_suede_read_differently_at_thumbnail_size():
    gloss_leather, range_leather, _ = _thumbnail_stats("brown leather")
    gloss_suede, range_suede, _ = _thumbnail_stats("brown suede")
    assert gloss_leather > 0.05 and gloss_leather > 4 * max(gloss_suede, 0.005)  # leather: glossy highlights
    assert range_leather > 1.5 * range_suede  # suede: matte, an even nap


def test_remove_continues_the_garments_own_pattern_rather_than_a_blur():
    img, truth = truth_of("shirt-015")  # checks: the filled area must still be checked, not a smooth smear
    w, h = img.size
    mask = np.zeros((h, w), bool)
    mask[int(0.4 * h):int(0.6 * h), int(0.4 * w):int(0.6 * w)] = True
    out = OfflineEditor().generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255),
                                                 "remove this")).images[0]
    inner = np.zeros_like(mask)
    inner[int(0.43 * h):int(0.57 * h), int(0.43 * w):int(0.57 * w)] = True
    before = np.asarray(img.convert("L"), np.float32)
    after = np.asarray(out.convert("L"), np.float32)
    assert after[inner].std() > 0.6 * before[truth & ~mask].std()  # the check's contrast is there


def test_change_the_background_edits_only_the_backdrop():
    img, truth = truth_of("shirt-000")
    mask = rough_rectangle(img.size)
    plan = parse_edit("change the background to navy")
    assert plan.backdrop and plan.kind == "recolour"
    out = np.asarray(OfflineEditor().generate(DesignRequest(img, Image.fromarray(mask.astype(np.uint8) * 255),
                                                            "change the background to navy")).images[0])
    import cv2

    core_garment = cv2.erode(truth.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert (out[core_garment] == np.asarray(img)[core_garment]).all()
    assert reads_as(out[mask & ~cv2.dilate(truth.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)],
                    "navy", min_chroma=15).mean() > 0.9


def test_a_mask_that_misses_the_garment_says_so():
    img, _ = truth_of("shirt-000")
    corner = np.zeros((img.height, img.width), bool)
    corner[:30, :30] = True
    with pytest.raises(AtelierError, match="does not touch the garment"):
        edit_region(img, corner, "make it red")


def test_unknown_prompts_list_what_the_editor_understands():
    with pytest.raises(AtelierError) as exc:
        parse_edit("make it look like the ocean at dawn")
    for word in ("colours", "stripes", "leather", "suede", "remove", "background"):
        assert word in str(exc.value) and word in OFFLINE_HELP


def test_strokes_with_gaps_become_one_closed_mask():
    drawn = np.zeros((200, 300), bool)
    for y in range(40, 160, 24):  # horizontal strokes 14 px thick, 10 px apart
        drawn[y:y + 14, 60:240] = True
    closed = close_strokes(drawn, brush=7)
    assert closed[40:150, 70:230].all()  # no unpainted stripe left between the strokes
    assert not closed[:30].any() and not closed[:, :50].any()  # and nothing grown far beyond them


def test_a_ring_drawn_on_purpose_keeps_its_hole_and_small_holes_fill():
    import cv2

    ring = np.zeros((200, 200), np.uint8)
    cv2.circle(ring, (100, 100), 70, 1, 12)
    cv2.circle(ring, (40, 40), 3, 0, -1)
    closed = close_strokes(ring.astype(bool), brush=6)
    assert not closed[100, 100]  # the big hole is meant
    speck = np.ones((100, 100), bool)
    speck[50:53, 50:53] = False
    assert close_strokes(speck, brush=6)[51, 51]


def test_the_preview_mask_is_the_sent_mask_at_the_images_size():
    drawing = np.zeros((112, 112, 4), np.uint8)
    drawing[30:40, 20:90] = (255, 60, 60, 153)
    drawing[46:56, 20:90] = (255, 60, 60, 153)  # a 6 px gap
    m = mask_from_drawing(Image.fromarray(drawing, "RGBA"), (384, 384), brush=5)
    assert m.shape == (384, 384)
    assert m[int(43 * 384 / 112), int(50 * 384 / 112)]  # the gap is painted


def test_similar_real_items_use_the_designs_words_and_picture(sample_studio, tmp_path, capsys):
    """'Find similar real items' (page and CLI) searches with the edited picture and the prompt's words: a red edit of
    the white shirt finds red items, shirts among them."""
    import json

    from core.__main__ import main
    from core.design import similar_query

    q = similar_query(Image.new("RGB", (8, 8)), "make it red with white polka dots", "shirt")
    assert q.text == "red white polka dots shirt" and q.image is not None
    img, _ = truth_of("shirt-000")
    mask = rough_rectangle(img.size)
    Image.fromarray(mask.astype(np.uint8) * 255).save(tmp_path / "m.png")
    db = str(sample_studio.settings.index_dir)
    assert main(["design", "--item", "shirt-000", "--mask", str(tmp_path / "m.png"), "--prompt", "make it red",
                 "--model", "offline", "--out", str(tmp_path / "o.png"), "--similar", "8", "--db", db,
                 "--encoder", "lite", "--json"]) == 0
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    items = {i: sample_studio.index.item(i).metadata for i in info["similar"]}
    assert len(items) == 8
    # The catalog's red shirts (the design's colour and kind) lead, then more red pieces and more shirts.
    snap = sample_studio.index.snapshot()
    red_shirts = {i for i, m in zip(snap.ids, snap.metadatas) if m.get("category") == "shirt" and m.get("colour") == "red"}
    assert set(info["similar"][: len(red_shirts)]) == red_shirts
    assert sum(m.get("colour") == "red" for m in items.values()) >= 3
    assert "shirt-000" not in items  # the white original is not "like" the red design
