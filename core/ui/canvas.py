"""The drawing canvas behind one small function, so pages can be tested without a browser."""
from __future__ import annotations

import numpy as np
from PIL import Image


def canvas_image(result) -> Image.Image | None:
    """RGBA drawing from a st_canvas result; None when nothing has been drawn."""
    data = getattr(result, "image_data", None) if result is not None else None
    if data is None:
        return None
    arr = np.asarray(data)
    if arr.ndim != 3 or arr.shape[2] != 4:
        return None
    arr = arr.astype(np.uint8)
    rgb, alpha = arr[..., :3].astype(np.int16), arr[..., 3]
    drawn = (alpha > 0) & (rgb.mean(axis=2) < 200) if alpha.min() == 255 else alpha > 0
    if not drawn.any():
        return None
    return Image.fromarray(arr, "RGBA")


def drawing_canvas(key: str, stroke_width: int = 6, mode: str = "freedraw", height: int = 400, width: int = 400,
                   background: Image.Image | None = None, stroke_color: str = "#000000") -> Image.Image | None:
    from streamlit_drawable_canvas import st_canvas

    result = st_canvas(
        fill_color="rgba(0, 0, 0, 0)" if background is None else "rgba(255, 80, 80, 0.45)",
        stroke_width=stroke_width, stroke_color=stroke_color,
        background_color="" if background is not None else "#ffffff",
        background_image=background, height=height, width=width, drawing_mode=mode,
        return_image_data=True, update_streamlit=True, key=key,
    )
    return canvas_image(result)
