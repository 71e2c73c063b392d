"""Hostile and malformed inputs: hypothesis strategies shared by tests/test_fuzz.py and bench/fuzz.py."""
from __future__ import annotations

import io
import json
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


# ---- hostile input beyond images: file names, metadata in several encodings, batch lines, CLI arguments -------

# Characters that break naive code: invisible, bidi, line separators, NUL-adjacent controls, look-alikes, emoji.
TRICKY = ["\u200b", "\u2060", "\ufeff", "\u202e", "\u2028", "\u2029", "\x85", "\t", " ", "\u00a0", "$", "#", "..", "/",
          "\\", "'", '"', ",", ";", "%", "é", "Ä", "ß", "а", "е", "Ω", "💥", "👩‍🔧", "\ud800"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252"]


@st.composite
def file_names(draw) -> bytes:
    """A file name as bytes (POSIX names are bytes): may clean to nothing, be invalid UTF-8 or carry tricks."""
    kind = draw(st.sampled_from(["text", "tricky", "bytes", "empty-stem"]))
    ext = draw(st.sampled_from([".jpg", ".png", ".JPG", ".webp"]))
    if kind == "bytes":
        stem = draw(st.binary(min_size=1, max_size=12)).replace(b"/", b"_").replace(b"\0", b"_")
    elif kind == "empty-stem":
        stem = draw(st.sampled_from([" ", "\u200b", "\u2060 ", "\ufeff", " . ", "\u202e"])).encode()
    else:
        alphabet = st.sampled_from(TRICKY[:-1]) if kind == "tricky" else st.characters(
            codec="utf-8", exclude_characters="/\x00", categories=("L", "N", "P", "S", "Z", "Cf"))
        stem = "".join(draw(st.lists(alphabet, min_size=1, max_size=10))).encode("utf-8", "surrogatepass")
    name = stem.replace(b"/", b"_").replace(b"\0", b"_") + ext.encode()
    return name if name not in (b".jpg", b"..jpg") and not name.startswith(b".") else b"x" + name


price_texts = st.sampled_from(["1,299", "1.299,00", "1 299", "$1,299.50", "12,50", "12.5", "€ 1 299,50", "abc", "-5",
                               "1e400", "NaN", "", "1,2,3", "0", "999999999999", "1\u202f299"])


@st.composite
def metadata_rows(draw):
    """(header, rows) of a plausible catalog sheet with hostile cells; rows are lists of str."""
    header = draw(st.sampled_from([["file", "name", "price"], ["file", "name", "price", "#"],
                                   ["file", "name", "price", "$and"], ["filename", "title", "price", "Notes !"]]))
    cell = st.one_of(st.lists(st.sampled_from(TRICKY[:-1] + list("abcXYZ019 -")), max_size=8).map("".join),
                     st.text(max_size=12).map(lambda s: s.encode("utf-8", "replace").decode("utf-8")))
    rows = draw(st.lists(st.tuples(st.integers(0, 9), cell, price_texts, cell), min_size=1, max_size=12))
    return header, [[f"f{n}.jpg", name, price, extra][: len(header)] for n, name, price, extra in rows]


def csv_text(header, rows) -> str:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf).writerows([header] + rows)
    return buf.getvalue()


batch_values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                         st.text(max_size=20), st.lists(st.integers(), max_size=3),
                         st.dictionaries(st.sampled_from(["category", "colour", "price_min", "price_max", "price", "x"]),
                                         st.one_of(st.text(max_size=8), st.floats(), st.integers()), max_size=3))


@st.composite
def batch_lines(draw) -> bytes:
    """One line of a `search --batch` file: good queries, wrong types, NaN, huge numbers, garbage bytes."""
    kind = draw(st.sampled_from(["object", "object", "object", "json", "bytes", "text"]))
    if kind == "bytes":
        return draw(st.binary(max_size=60)).replace(b"\n", b" ")
    if kind == "text":
        return draw(st.sampled_from(["", "   ", "{", '{"text": "red"', "[]", "null", "1e400", '{"k": 1e400}',
                                     '{"text": "red", "image_weight": NaN}', '{"text": "red", "k": Infinity}',
                                     '{"text": "a", "page": 1e9}', "[" * 5000])).encode()
    if kind == "json":
        return json.dumps(draw(batch_values)).encode()
    keys = st.sampled_from(["text", "k", "page", "image_weight", "shape_weight", "like", "filters", "image", "bogus"])
    obj = draw(st.dictionaries(keys, batch_values, max_size=4))
    if draw(st.booleans()):
        obj["text"] = draw(st.sampled_from(["red dress", "coat", "striped shirt", "\u2028", "💥"]))
    return json.dumps(obj, allow_nan=True).encode()


cli_values = st.sampled_from(["-1", "0", "nan", "inf", "-inf", "1e400", "abc", "", " ", "2.5", "999999999999", "3",
                              "\u200b", "$x", "../../etc/passwd", "/dev/null", "/dev/zero", "/tmp", "a.txt", "x.png",
                              "price_max=nan", "price=5-", "category", "=", "price_min=abc"])


@st.composite
def cli_arguments(draw) -> list[str]:
    """argv for the verbs that take user numbers and paths (work-free: every file named is missing or special)."""
    verb = draw(st.sampled_from(["search", "design", "tryon", "outfit", "profile"]))
    flags = {"search": ["--text", "--k", "--page", "--image-weight", "--filter", "--batch", "--image", "--sketch"],
             "design": ["--seed", "--steps", "--guidance", "--strength", "--variations", "--out", "--image", "--mask"],
             "tryon": ["--steps", "--size", "--out", "--garment", "--person"],
             "outfit": ["--k", "--budget"], "profile": []}[verb]
    argv = [verb]
    if verb == "profile":
        argv += [draw(st.sampled_from(["show", "create", "like"])), draw(st.text(max_size=12))]
    for flag in draw(st.lists(st.sampled_from(flags), max_size=4, unique=True)) if flags else []:
        argv += [flag, draw(cli_values)]
    if verb == "design":
        argv += ["--prompt", draw(st.sampled_from(["red", "", "$\\frac{1}{0}$"]))]
        if "--mask" not in argv:
            argv += ["--mask", "/dev/null"]
        if "--out" not in argv:
            argv += ["--out", draw(cli_values)]
    if verb == "tryon":
        if "--person" not in argv:
            argv += ["--person", draw(cli_values)]
        if "--out" not in argv:
            argv += ["--out", draw(cli_values)]
    return argv
