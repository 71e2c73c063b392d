"""Catalog readers: folders with or without metadata, VITON-HD, Kaggle, and bad metadata."""
import json

from PIL import Image

from core.catalog import read_catalog, safe_id


def _img(path, colour=(200, 0, 0)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64), colour).save(path)


def test_folder_without_metadata_uses_relative_path_without_extension_as_id(tmp_path):
    _img(tmp_path / "tops" / "red.jpg")
    _img(tmp_path / "shoes" / "blue.png")
    (tmp_path / "notes.txt").write_text("ignore me")
    listing = read_catalog(tmp_path)
    assert sorted(i.id for i in listing.items) == ["shoes/blue", "tops/red"]
    assert listing.layout == "folder"


def test_csv_metadata_is_matched_by_file_name(tmp_path):
    _img(tmp_path / "a.jpg")
    (tmp_path / "meta.csv").write_text("filename,name,Color,category,price\na.jpg,Red top,Red,Top,$12.50\n")
    item = read_catalog(tmp_path, tmp_path / "meta.csv").items[0]
    assert (item.name, item.colour, item.category, item.price) == ("Red top", "red", "top", 12.5)


def test_jsonl_metadata_with_bad_lines_reports_them(tmp_path):
    _img(tmp_path / "a.jpg")
    (tmp_path / "m.jsonl").write_text(json.dumps({"file": "a.jpg", "name": "Thing"}) + "\n{broken\n[1,2]\n")
    listing = read_catalog(tmp_path, tmp_path / "m.jsonl")
    assert listing.items[0].name == "Thing"
    assert len(listing.problems) == 2


def test_viton_hd_layout_is_recognised(tmp_path):
    _img(tmp_path / "train" / "cloth" / "00001_00.jpg")
    _img(tmp_path / "test" / "cloth" / "00002_00.jpg")
    _img(tmp_path / "train" / "image" / "00001_00.jpg")  # person photos are not catalog items
    listing = read_catalog(tmp_path)
    assert listing.layout == "viton-hd"
    assert sorted(i.id for i in listing.items) == ["test/00002_00", "train/00001_00"]


def test_kaggle_fashion_product_images_layout_is_recognised(tmp_path):
    _img(tmp_path / "images" / "15970.jpg")
    (tmp_path / "styles.csv").write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"
        "15970,Men,Apparel,Topwear,Shirts,Navy Blue,Fall,2011,Casual,Turtle Check Men Navy Blue Shirt\n")
    item = read_catalog(tmp_path).items[0]
    assert (item.id, item.category, item.colour) == ("15970", "shirts", "navy blue")
    assert item.name == "Turtle Check Men Navy Blue Shirt"


def test_ids_from_metadata_cannot_climb_out_of_the_catalog():
    assert safe_id("../../etc/passwd") == "etc/passwd"
    assert safe_id("a\\..\\b\x00c") == "a/bc"
