"""Shared widgets and what they show: user text made literal, errors, uploads, the search-model line, the
installation facts, a catalog picker, and what an ingest skipped."""
from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import streamlit as st

from core.errors import AtelierError
from core.images import load_image

log = logging.getLogger("core.ui")

_MARKDOWN_SPECIAL = set("\\`*_[]<>$~|#")


def md(text) -> str:
    """User text (names, prompts, prices) made literal for st.markdown/caption/labels: a "$" is never math."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


_SERVER_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/'\"():,;]+/)+([^\s/'\"():,;]*)")


def without_server_paths(text: str) -> str:
    """A message fit for the browser: absolute server paths shortened to their last part (".../index"); the log
    keeps the whole message for the operator."""
    return _SERVER_PATH.sub(lambda m: ".../" + m.group(1), str(text))


def ingest_problems(report) -> None:
    """What an ingest skipped or could not read, each file or row named (the full list is in the JSON report)."""
    root = report.catalog_root.rstrip("/") + "/"  # paths inside the catalog, not the server's folders
    lines = [f"{s['path'].removeprefix(root)}: {s['reason']}" for s in report.skipped] + list(report.metadata_problems)
    if not lines:
        return
    with st.expander(f"{len(report.skipped)} files skipped, {len(report.metadata_problems)} metadata problems "
                     "while indexing the catalog", icon="⚠️"):
        st.text("\n".join(lines[:50]) + (f"\n... and {len(lines) - 50} more" if len(lines) > 50 else ""))
        if report.report_path:
            st.caption(f"Full report: {Path(report.report_path).name} in the index's reports folder")


def model_banner(studio) -> None:
    """One line on the search model, for pages where it changes what results mean."""
    info = studio.encoder.info
    if info.full_model:
        from core.weights import licence_line

        st.caption(f"Search model: {info.name} · licence: {licence_line(getattr(studio.encoder, 'model_id', None))}")
    else:
        st.caption("Search model: the built-in offline model (good on colours and shapes; a full model, set up "
                   "under About this installation on Home, understands richer descriptions) · licence: "
                   "EfficientNet-Lite0 and all-MiniLM-L6-v2, both Apache-2.0 (commercial use allowed).")


def installation_facts(studio) -> None:
    """Model, device and index facts and how to get the full models: for whoever runs the installation."""
    status = studio.status()
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Catalog items", f"{status['items']:,}")
    c2.metric("Encoder", "lite (offline)" if not status["full_model"] else "CLIP family")
    c3.metric("Device", status["device"])
    c4.metric("Vector size", status["dim"])
    st.markdown(
        f"- **Search encoder**: {status['encoder']}: {status['encoder_detail']}\n"
        f"- **Why this one**: {status['why']}\n"
        f"- **Index**: {status['store']} · collection `{status['collection']}`\n"
        f"- **Full search model**: `{studio.settings.clip_model}` (FashionCLIP by "
        "default; `ATELIER_CLIP_MODEL=openai/clip-vit-base-patch32` or `google/siglip-base-patch16-224` for the "
        "general ones) is used once its weights are on disk: download it below, then restart. A GPU is optional "
        "(fp16 is used when present). Each encoder keeps its own collection.")


def show_error(exc: Exception) -> None:
    if isinstance(exc, AtelierError):
        st.error(str(exc))
    else:
        log.exception("unexpected error")
        st.error(f"Something went wrong ({type(exc).__name__}). Nothing was lost; please try again.")


def read_upload(uploaded, max_pixels: int, as_mask: bool = False):
    """An uploaded file as an RGB image (as_mask: an "L" mask, alpha where it has one), or None after showing why
    it cannot be used."""
    if uploaded is None:
        return None
    data = io.BytesIO(uploaded.getvalue())
    data.name = uploaded.name  # the message names the file ("shoe.jpg is not an image ..."), once
    try:
        return load_image(data, max_pixels=max_pixels, as_mask=as_mask)
    except AtelierError as exc:
        st.error(md(exc))
        return None


def catalog_picker(studio, key: str, on_use, label: str = "Search the catalog", n: int = 8) -> None:
    """A search box and a row of results, each with a "Use" button that calls on_use(item_id)."""
    from core.search import SearchQuery, search_catalog

    q = st.text_input(label, key=key, placeholder="striped shirt")
    if not q.strip():
        return
    try:
        hits = search_catalog(studio.index, studio.encoder, SearchQuery(text=q, page_size=n)).hits
    except Exception as exc:
        show_error(exc)
        return
    for col, hit in zip(st.columns(n), hits):
        col.image(hit.path, caption=hit.metadata.get("name") or hit.id, width="stretch")
        col.button("Use", key=f"{key}-use-{hit.id}", on_click=on_use, args=(hit.id,), width="stretch")
