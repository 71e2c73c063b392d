"""Safe image loading: every odd file becomes a clear BadImageError or a clean RGB image."""
from __future__ import annotations

import hashlib
import io
import logging
import stat
import warnings
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, UnidentifiedImageError

from core.errors import BadImageError

log = logging.getLogger(__name__)

MIN_SIDE = 8
DEFAULT_MAX_PIXELS = 40_000_000
# Longest side over shortest side. A garment photo is at most a few to one (a belt or a scarf laid flat ~10:1);
# a 600 x 65,000 "photo" is an attack on every step that pads to a square or scales the short side up.
MAX_ASPECT = 20.0
# Analysis (encoders, outlines) never needs more than this many pixels on the long side: every image is scaled
# down to it first, so what the models and masks cost is bounded by this size, not by the upload's.
ANALYSIS_SIDE = 1024

# EXIF orientation -> the turn that makes the picture upright (what ImageOps.exif_transpose does, applied to the
# converted copy so the decoded original is not copied once more).
_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
          5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}

ImageSource = bytes | bytearray | str | Path | BinaryIO


def _describe(source) -> str:
    if isinstance(source, (str, Path)):
        return Path(source).name
    return getattr(source, "name", None) or "the image"


def check_size(w: int, h: int, name: str = "the image", max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
    """Refuse, from the header's size alone (before a pixel buffer exists), what no request may decode: too many
    pixels, too small, or a long thin strip (aspect over MAX_ASPECT)."""
    if w * h > max_pixels:
        raise BadImageError(
            f"{name} is {w}x{h} ({w * h / 1e6:.0f} megapixels); the limit is "
            f"{max_pixels / 1e6:.0f} megapixels. Please downscale it."
        )
    if min(w, h) < MIN_SIDE:
        raise BadImageError(f"{name} is only {w}x{h} pixels; at least {MIN_SIDE}x{MIN_SIDE} is needed.")
    if max(w, h) / min(w, h) > MAX_ASPECT:
        raise BadImageError(
            f"{name} is {w}x{h} pixels, a strip {_ratio(max(w, h) / min(w, h))} times longer than it is wide; "
            f"the most Atelier takes is {MAX_ASPECT:g}:1. Crop it to the garment."
        )


def _ratio(r: float) -> str:
    return f"{r:,.0f}" if r >= 100 else f"{r:.3f}".rstrip("0").rstrip(".")


def _to_8bit_rgb(img: Image.Image) -> Image.Image:
    """A new 8-bit RGB image (never `img` itself). Peak extra memory: about one RGBA copy of the image."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit / float greyscale: stretch to 8 bits instead of PIL's clipping to 255 (float32, in place:
        # a 40-megapixel frame costs 160 MB here, not the 1.3 GB of float64 temporaries).
        arr = np.asarray(img, dtype=np.float32)
        lo, hi = float(arr.min()), float(arr.max())
        if hi > lo:
            arr -= lo
            arr *= 255.0 / (hi - lo)
        else:
            arr[:] = 0
        return Image.fromarray(arr.astype(np.uint8), "L").convert("RGB")
    if mode == "P":
        img = img.convert("RGBA") if "transparency" in img.info else img.convert("RGB")
        mode = img.mode
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # Onto white by the alpha channel: one RGB canvas and one alpha plane, not three RGBA copies.
        if mode not in ("RGBA", "LA"):
            img = img.convert("RGBA")
        canvas = Image.new("RGB", img.size, (255, 255, 255))
        canvas.paste(img.convert("RGB") if img.mode == "LA" else img, mask=img.getchannel("A"))
        return canvas
    if mode == "RGB":
        return img.copy()
    return img.convert("RGB")  # CMYK, YCbCr, LAB, HSV, L, 1


def _as_mask(img: Image.Image) -> Image.Image:
    """A mask file as "L" (255 = change), as the README says: by its alpha channel where it has a real one
    (opaque strokes = change, whatever their colour), else by lightness (white = change)."""
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (img.mode == "P" and "transparency" in img.info):
        alpha = img.convert("RGBA").getchannel("A")
        if alpha.getextrema()[0] < 255:
            return alpha.point(lambda v: 255 if v > 0 else 0)
    return _to_8bit_rgb(img).convert("L")


def load_image(source: ImageSource, max_pixels: int = DEFAULT_MAX_PIXELS, as_mask: bool = False) -> Image.Image:
    """Open any image file/bytes as an upright 8-bit RGB image, or raise BadImageError saying why.

    as_mask=True: an upright "L" mask instead (alpha where the file has transparency, else lightness)."""
    name = _describe(source)
    # 1. a stream to read (a file is checked before it is opened: a FIFO would never end)
    fh = _stream(source, name)
    try:
        # 2. decoded within the limits, upright, as 8-bit RGB (or an L mask)
        return _decode(fh, name, max_pixels, as_mask)
    except BadImageError:
        raise
    except Exception as exc:  # PIL's decoders raise many types on hostile data (IndexError in GIF, struct.error ...)
        raise BadImageError(f"{name} could not be read as an image ({type(exc).__name__}).") from exc
    finally:
        if isinstance(source, (str, Path)):
            fh.close()


def _stream(source: ImageSource, name: str) -> BinaryIO:
    if isinstance(source, (bytes, bytearray)):
        if len(source) == 0:
            raise BadImageError(f"{name} is empty (0 bytes).")
        return io.BytesIO(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            st = path.stat()
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(str(path))
            if not stat.S_ISREG(st.st_mode):  # a FIFO, socket or device would block or never end: never opened
                raise BadImageError(f"{name} is not a regular file (a pipe or device), so it is not read.")
            if st.st_size == 0:
                raise BadImageError(f"{name} is empty (0 bytes).")
            return open(path, "rb")
        except FileNotFoundError as exc:
            raise BadImageError(f"{name} does not exist.") from exc
        except IsADirectoryError as exc:
            raise BadImageError(f"{name} is a folder, not an image.") from exc
        except PermissionError as exc:
            raise BadImageError(f"{name} cannot be read (permission denied).") from exc
    data = source.read()
    if not data:
        raise BadImageError(f"{name} is empty (0 bytes).")
    return io.BytesIO(data)


def _decode(fh: BinaryIO, name: str, max_pixels: int, as_mask: bool) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = _open_checked(fh, name, max_pixels)
        try:
            img.load()
        except (OSError, SyntaxError, ValueError) as exc:
            raise BadImageError(f"{name} is damaged or truncated and cannot be decoded.") from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise BadImageError(f"{name} is too large to open safely.") from exc
        try:
            turn = _TURNS.get(img.getexif().get(0x0112, 1))
        except Exception:  # a broken EXIF block should not lose the picture
            log.warning("ignoring unreadable EXIF orientation in %s", name)
            turn = None
        rgb = _as_mask(img) if as_mask else _to_8bit_rgb(img)  # a new image: the original goes now
        del img
        if turn is not None:
            rgb = rgb.transpose(turn)
        rgb.info.pop("exif", None)  # upright now: a kept orientation tag would turn it twice when saved
        return rgb


def _open_checked(fh: BinaryIO, name: str, max_pixels: int) -> Image.Image:
    """The image opened (its header read, nothing decoded) and its size checked; the first frame of an animation."""
    try:
        img = Image.open(fh)
    except UnidentifiedImageError as exc:
        raise BadImageError(f"{name} is not an image Atelier can read (JPEG, PNG, WebP, ...).") from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadImageError(f"{name} is too large to open safely.") from exc
    w, h = img.size
    check_size(w, h, name, max_pixels)  # from the header: nothing decoded yet
    if getattr(img, "n_frames", 1) > 1:
        img.seek(0)  # animated GIF/WebP/APNG: use the first frame
    return img


def analysis_view(img: Image.Image, max_side: int = ANALYSIS_SIDE) -> Image.Image:
    """The image at most `max_side` pixels on its long side (aspect kept), for models and masks: what they cost
    is then bounded by max_side, whatever the upload's size. Unchanged when it already fits."""
    w, h = img.size
    if max(w, h) <= max_side:
        return img
    f = max_side / max(w, h)
    size = (max(1, round(w * f)), max(1, round(h * f)))
    return img.resize(size, Image.BILINEAR if img.mode in ("RGB", "RGBA", "L") else Image.NEAREST, reducing_gap=2.0)


def fit_to_pixels(img: Image.Image, max_pixels: int) -> Image.Image:
    """The image scaled down (aspect kept) to at most max_pixels; unchanged when it already fits.

    The memory ceiling of one edit: work happens at this size, so a 40-megapixel upload costs what a
    4-megapixel one does once decoded.
    """
    w, h = img.size
    if w * h <= max_pixels:
        return img
    f = (max_pixels / (w * h)) ** 0.5
    size = (max(1, int(w * f)), max(1, int(h * f)))
    return img.resize(size, Image.LANCZOS if img.mode in ("RGB", "RGBA", "L") else Image.NEAREST, reducing_gap=2.0)


def file_fingerprint(path: str | Path) -> str:
    """Content hash used to decide whether a catalog file changed since it was indexed."""
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def background_colour(rgb: np.ndarray) -> np.ndarray:
    """Median colour of the outer border: the backdrop of a product shot."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).astype(np.float32)
    return np.median(border, axis=0)


def foreground_mask(img: Image.Image, threshold: float = 28.0) -> np.ndarray:
    """Boolean mask of pixels that differ from the plain backdrop (product shots, sketches)."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32)
    off = rgb - background_colour(rgb)
    mask = np.einsum("ijk,ijk->ij", off, off) > threshold * threshold  # distance > threshold, without the root
    if mask.mean() < 0.005:  # no clear backdrop: treat the whole frame as the subject
        mask[:] = True
    return mask
