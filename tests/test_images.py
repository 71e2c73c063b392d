"""Bad and odd images become clean RGB images or a clear BadImageError."""
import io

import numpy as np
import pytest
from PIL import Image

from core.errors import BadImageError
from core.images import foreground_mask, load_image


def _bytes(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def test_zero_byte_file_is_reported_as_empty(tmp_path):
    p = tmp_path / "empty.jpg"
    p.write_bytes(b"")
    with pytest.raises(BadImageError, match="empty"):
        load_image(p)


def test_random_bytes_are_not_an_image():
    with pytest.raises(BadImageError, match="not an image"):
        load_image(b"this is not a picture at all" * 10)


def test_truncated_jpeg_is_reported_as_damaged():
    data = _bytes(Image.new("RGB", (300, 300), (200, 10, 10)), "JPEG")
    with pytest.raises(BadImageError, match="damaged|truncated|could not be read"):
        load_image(data[: len(data) // 3])


def test_decompression_bomb_is_refused_before_decoding():
    data = _bytes(Image.new("1", (12000, 12000)), "PNG")  # tiny file, 144 megapixels
    with pytest.raises(BadImageError, match="megapixels|too large"):
        load_image(data, max_pixels=40_000_000)


def test_animated_gif_uses_first_frame():
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:])
    img = load_image(buf.getvalue())
    r, g, b = img.getpixel((32, 32))
    assert img.mode == "RGB" and r > 200 and b < 50


def test_cmyk_jpeg_becomes_rgb():
    img = load_image(_bytes(Image.new("CMYK", (64, 64), (0, 255, 255, 0)), "JPEG"))
    r, g, b = img.getpixel((10, 10))
    assert img.mode == "RGB" and r > 200 and g < 60


def test_16bit_greyscale_is_stretched_not_clipped():
    arr = np.linspace(0, 65535, 64 * 64).reshape(64, 64).astype(np.uint16)
    img = load_image(_bytes(Image.fromarray(arr), "PNG"))
    px = np.asarray(img)
    assert img.mode == "RGB" and px.min() == 0 and px.max() == 255 and 100 < px.mean() < 155


def test_palette_with_transparency_is_composited_on_white():
    rgba = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    rgba.paste((0, 128, 0, 255), (16, 16, 48, 48))
    img = load_image(_bytes(rgba.convert("P"), "PNG"))
    assert img.getpixel((2, 2)) == (255, 255, 255)
    assert img.getpixel((32, 32))[1] > 100


def test_exif_rotation_is_applied():
    img = Image.new("RGB", (200, 100), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 on display
    out = load_image(_bytes(img, "JPEG", exif=exif))
    assert out.size == (100, 200)


def test_tiny_image_is_refused():
    with pytest.raises(BadImageError, match="at least"):
        load_image(_bytes(Image.new("RGB", (3, 3)), "PNG"))


def test_missing_file_and_folder_are_reported(tmp_path):
    with pytest.raises(BadImageError, match="does not exist"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(BadImageError, match="folder"):
        load_image(tmp_path)


def test_foreground_mask_finds_garment_on_plain_backdrop():
    img = Image.new("RGB", (100, 100), (244, 243, 240))
    img.paste((200, 20, 20), (30, 30, 70, 70))
    m = foreground_mask(img)
    assert m[50, 50] and not m[5, 5] and abs(m.mean() - 0.16) < 0.02


def test_fuzz_found_gif_that_crashed_pil_is_refused_cleanly():
    """bench/fuzz.py found this file: PIL's GIF reader raised IndexError on it."""
    from pathlib import Path

    data = (Path(__file__).parent / "data" / "fuzz-gif-indexerror.bin").read_bytes()
    with pytest.raises(BadImageError, match="could not be read"):
        load_image(data)
