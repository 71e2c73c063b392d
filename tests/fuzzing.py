"""Hostile and malformed inputs: hypothesis strategies shared by tests/test_fuzz.py and bench/fuzz.py."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from hypothesis import strategies as st
from PIL import Image

FORMATS = {"PNG": ["1", "L", "P", "RGB", "RGBA", "I;16", "LA"], "JPEG": ["L", "RGB", "CMYK"],
           "GIF": ["L", "P"], "WEBP": ["RGB", "RGBA"], "BMP": ["1", "L", "RGB"], "TIFF": ["L", "RGB", "CMYK", "I;16"]}


def encode(fmt: str, mode: str, w: int, h: int, seed: int, frames: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    base = Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8), "RGB")
    img = base.convert("I;16") if mode == "I;16" else base.convert(mode)
    buf = io.BytesIO()
    if frames > 1 and fmt in ("GIF", "WEBP", "PNG"):
        img.save(buf, fmt, save_all=True, append_images=[img.rotate(90 * k) for k in range(1, frames)])
    else:
        img.save(buf, fmt)
    return buf.getvalue()


def png_bomb(w: int, h: int) -> bytes:
    """A valid tiny PNG file that claims w x h pixels (a decompression bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = b"\0" + b"\0" * ((w + 7) // 8)
    comp = zlib.compressobj()
    body = b"".join(comp.compress(row) for _ in range(min(h, 2000))) + comp.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@st.composite
def valid_images(draw):
    fmt = draw(st.sampled_from(sorted(FORMATS)))
    mode = draw(st.sampled_from(FORMATS[fmt]))
    return encode(fmt, mode, draw(st.integers(1, 48)), draw(st.integers(1, 48)), draw(st.integers(0, 2**16)),
                  draw(st.integers(1, 3)))


@st.composite
def hostile_images(draw):
    kind = draw(st.sampled_from(["random", "truncated", "flipped", "bomb", "valid", "header-only", "empty"]))
    if kind == "random":
        return draw(st.binary(min_size=0, max_size=3000))
    if kind == "empty":
        return b""
    if kind == "bomb":
        return png_bomb(draw(st.integers(7000, 60000)), draw(st.integers(7000, 60000)))
    data = draw(valid_images())
    if kind == "truncated":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if kind == "header-only":
        return data[:32]
    if kind == "flipped":
        b = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            b[draw(st.integers(0, len(b) - 1))] = draw(st.integers(0, 255))
        return bytes(b)
    return data


metadata_text = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Z", "Cc")),
                        max_size=2000)


@st.composite
def hostile_metadata(draw):
    """CSV/JSONL-ish text: real headers and rows mixed with quotes, NULs, path tricks and garbage."""
    header = draw(st.sampled_from(["file,name,category,colour,price", "id,filename,price", "", "file"]))
    cells = st.one_of(metadata_text, st.sampled_from(["../../etc/passwd", "/etc/shadow", "a.jpg", '"', '""', "\x00",
                                                      "1e309", "-5", "NaN", "💥", "a" * 600]))
    rows = draw(st.lists(st.lists(cells, max_size=8), max_size=30))
    text = header + "\n" + "\n".join(",".join(r) for r in rows)
    if draw(st.booleans()):
        text += "\n" + "\n".join(draw(st.lists(st.sampled_from(['{"file": "a.jpg", "price": "x"}', "{broken", "[]",
                                                                 '{"id": "../../x", "file": null}', "null"]), max_size=10)))
    return text
