"""Sketch normalisation, the sketch-domain index, and sketch retrieval on the sample catalog."""
import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.search import SearchQuery, search_catalog
from core.sketch import SketchError, normalise_sketch, outline_of_product, shape_descriptor
from testkit.sketches import dress_outline, sketch_from_product


def test_normalised_sketch_is_centred_with_fixed_line_width():
    thin = Image.new("RGB", (500, 300), "white")
    ImageDraw.Draw(thin).rectangle((40, 40, 140, 200), outline="black", width=2)
    thick = Image.new("RGB", (300, 600), "white")
    ImageDraw.Draw(thick).rectangle((100, 200, 250, 440), outline="black", width=14)
    a, b = normalise_sketch(thin), normalise_sketch(thick)
    assert a.image.size == b.image.size == (256, 256)
    for sk in (a, b):
        ys, xs = np.nonzero(sk.strokes)
        assert abs((xs.min() + xs.max()) / 2 - 128) < 12 and abs((ys.min() + ys.max()) / 2 - 128) < 12
    assert abs(a.strokes.mean() - b.strokes.mean()) < 0.02  # pen thickness no longer matters


def test_paper_photo_with_shading_and_exif_rotation_normalises_like_the_drawing():
    clean = dress_outline(rgba=False)
    arr = np.asarray(clean, np.float32)
    yy, xx = np.mgrid[0:400, 0:400]
    shade = (0.55 + 0.4 * xx / 400)[..., None]  # paper lit from one side
    paper = Image.fromarray(np.clip(arr * shade * np.array([1.0, 0.97, 0.9]), 0, 255).astype(np.uint8))
    rotated = paper.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # tells viewers to rotate 90° clockwise, undoing the scan
    buf = io.BytesIO()
    rotated.save(buf, "JPEG", exif=exif)
    from core.images import load_image

    a = shape_descriptor(normalise_sketch(load_image(buf.getvalue())))
    b = shape_descriptor(normalise_sketch(clean))
    assert float(a @ b) > 0.9


@pytest.mark.parametrize("make, message", [
    (lambda: Image.new("RGBA", (400, 400), (0, 0, 0, 0)), "empty"),
    (lambda: _dot(), "too small"),
    (lambda: _scribble(), "filled"),
    (lambda: Image.open("assets/sample_catalog/images/dress-001.jpg").convert("RGB"), "photo"),
])
def test_bad_sketches_get_guidance(make, message):
    with pytest.raises(SketchError, match=message):
        normalise_sketch(make())


def _dot():
    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(img).ellipse((200, 200, 212, 212), fill=(0, 0, 0, 255))
    return img


def _scribble():
    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    for y in range(20, 380, 6):
        d.line([(20, y), (380, y + 3)], fill=(0, 0, 0, 255), width=8)
    return img


def test_catalog_outline_matches_a_sketch_of_the_same_item_better_than_other_categories():
    prod = Image.open("assets/sample_catalog/images/dress-007.jpg").convert("RGB")
    own = shape_descriptor(outline_of_product(prod))
    sk = shape_descriptor(normalise_sketch(sketch_from_product(prod, seed=3)))
    trousers = shape_descriptor(outline_of_product(Image.open("assets/sample_catalog/images/trousers-007.jpg")))
    assert float(sk @ own) > float(sk @ trousers) + 0.1


def test_drawn_dress_outline_ranks_dresses_first(sample_studio):
    page = search_catalog(sample_studio.index, sample_studio.encoder, SearchQuery(sketch=dress_outline(), page_size=10),
                          sample_studio.sketch_index)
    cats = [h.metadata["category"] for h in page.hits]
    assert cats[0] == "dress" and cats.count("dress") >= 6, cats
    assert page.normalised_sketch is not None


def test_text_hint_moves_sketch_results_towards_the_words(sample_studio):
    base = search_catalog(sample_studio.index, sample_studio.encoder, SearchQuery(sketch=dress_outline(), page_size=10),
                          sample_studio.sketch_index)
    hinted = search_catalog(sample_studio.index, sample_studio.encoder,
                            SearchQuery(sketch=dress_outline(), text="red", image_weight=0.5, page_size=10),
                            sample_studio.sketch_index)
    red = lambda page: sum(h.metadata["colour"] == "red" for h in page.hits)  # noqa: E731
    assert red(hinted) > red(base)
    assert sum(h.metadata["category"] == "dress" for h in hinted.hits) >= 3


def test_sketch_index_holds_every_sample_item(sample_studio):
    assert sample_studio.sketch_index.count() == sample_studio.index.count() == 420


def test_sketch_search_works_with_a_clip_family_encoder(tmp_path, small_catalog, tiny_clip):
    from testkit.settings import tiny_settings
    from core.studio import ensure_catalog_index, open_studio

    studio = open_studio(tiny_settings(tmp_path, catalog_dir=small_catalog), encoder=tiny_clip)
    ensure_catalog_index(studio)
    assert studio.sketch_index.count() == 12
    page = search_catalog(studio.index, studio.encoder, SearchQuery(sketch=dress_outline(), page_size=5),
                          studio.sketch_index)
    assert len(page.hits) == 5 and page.hits[0].score >= page.hits[-1].score


def test_cli_sketch_and_batch_sketch_key(sample_studio, tmp_path, capsys):
    import json

    from core.__main__ import main

    path = tmp_path / "dress.png"
    dress_outline().save(path)
    db = str(sample_studio.settings.index_dir)
    assert main(["search", "--sketch", str(path), "--k", "5", "--db", db, "--encoder", "lite", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["metadata"]["category"] == "dress"
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"sketch": "dress.png", "text": "red", "image_weight": 0.6}) + "\n"
                     + json.dumps({"sketch": "dress.png"}) + "\n")
    assert main(["search", "--batch", str(batch), "--k", "5", "--db", db, "--encoder", "lite"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    assert len(lines) == 2 and all(len(x) == 5 for x in lines)


def _shirt_shot(print_lines: bool, seam: bool) -> Image.Image:
    img = Image.new("RGB", (400, 400), (244, 242, 238))
    d = ImageDraw.Draw(img)
    d.rectangle((110, 60, 290, 340), fill=(40, 120, 60), outline=(20, 60, 30), width=3)
    if print_lines:  # a chevron print: many repeats of the backdrop's colour across the garment
        for y in range(75, 330, 22):
            d.line([(x, y + (10 if (x // 20) % 2 else 0)) for x in range(114, 290, 20)], fill=(244, 242, 238), width=6)
    if seam:  # a patch pocket's stitched outline
        d.rectangle((140, 200, 260, 300), outline=(230, 200, 60), width=5)
    return img


def test_catalog_outline_keeps_a_pocket_but_not_a_prints_repeats():
    """The shared garment mask covers a print's backdrop-coloured parts (white chevrons), so the print's edges lie
    inside it; they are the print, not structure: a printed shot's outline is its plain twin's, while a pocket's
    stitching stays (drawing them was part of the sample catalog's photo -> photo fall, 0.783 -> 0.768)."""
    plain = outline_of_product(_shirt_shot(False, False)).strokes
    printed = outline_of_product(_shirt_shot(True, False)).strokes
    seamed = outline_of_product(_shirt_shot(False, True)).strokes
    assert np.mean(plain ^ printed) < 0.02, np.mean(plain ^ printed)
    assert np.mean(seamed & ~plain) > 0.01  # the pocket is drawn
    sample = outline_of_product(Image.open("assets/sample_catalog/images/skirt-005.jpg"))  # a chevron skirt
    deep = cv2.erode(sample.silhouette.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    assert np.mean(sample.strokes[deep]) < 0.01  # only the silhouette is drawn, none of the chevrons inside it


def test_catalog_outline_leaves_out_a_two_colour_prints_bands_and_keeps_a_seam():
    """A print in two colours, neither the backdrop's (yellow chevrons on red, pink and blue stripes): its bands meet
    in steps between wide areas of colour, not in thin lines, so they are the print, not seams (drawing them kept
    the sample catalog's photo -> photo under its figure); a top-stitched seam across the same print is still drawn."""
    def shot(bands: bool, seam: bool) -> Image.Image:
        img = Image.new("RGB", (400, 400), (244, 242, 238))
        d = ImageDraw.Draw(img)
        d.rectangle((110, 60, 290, 340), fill=(200, 30, 30))
        if bands:
            for y in range(72, 300, 36):
                d.line([(x, y + (12 if (x // 24) % 2 else 0)) for x in range(122, 279, 24)], fill=(240, 200, 40),
                       width=14)
            for x in range(120, 262, 40):
                d.rectangle((x, 250, x + 18, 340), fill=(60, 90, 200))
        if seam:
            d.rectangle((130, 120, 270, 235), outline=(250, 235, 150), width=4)  # a yoke's top-stitching
        return img

    plain = outline_of_product(shot(False, False)).strokes
    printed = outline_of_product(shot(True, False)).strokes
    seamed = outline_of_product(shot(True, True)).strokes
    assert np.mean(plain ^ printed) < 0.02, np.mean(plain ^ printed)
    assert np.mean(seamed & ~printed) > 0.005, np.mean(seamed & ~printed)  # the seam is drawn
    sample = outline_of_product(Image.open("assets/sample_catalog/images/tshirt-005.jpg"))  # yellow-on-red chevrons
    deep = cv2.erode(sample.silhouette.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool)
    assert np.mean(sample.strokes[deep]) < 0.01
