"""Every cached getter (st.cache_resource: models and clients, loaded once per process and shared by every
session), and studio_or_stop, the pages' way to the studio with the first start's progress shown."""
from __future__ import annotations

import logging
import os

import streamlit as st

from core.errors import AtelierError
from core.ui.widgets import ingest_problems, without_server_paths

log = logging.getLogger("core.ui")


@st.cache_resource(show_spinner=False)
def get_studio():
    """Models and the Chroma client, loaded once per process and shared by every session (studio_or_stop shows
    the first start's progress around it)."""
    from core.studio import open_studio

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    return open_studio()


_started = False  # this process has loaded the studio once (get_studio's cache holds it)


@st.cache_resource(show_spinner="Loading the design model ...")
def get_design_backend(settings):
    """(the inpainting pipeline or the offline editor, DesignChoice), loaded once per process and settings:
    diffusion only when its weights are on disk and this machine runs it in time and memory
    (core.design.loader); never a download."""
    from core.design import load_design

    return load_design(settings)


@st.cache_resource(show_spinner="Loading the try-on model ...")
def get_tryon_backend(settings, name: str):
    """(the try-on backend, BackendChoice), loaded once per process, settings and backend name."""
    from core.tryon.registry import load_tryon

    return load_tryon(settings, name)


@st.cache_resource(show_spinner="Looking at the person photo ...", max_entries=16)
def get_person_analysis(key: str, _img):
    """MediaPipe's analysis of a person photo (key: the sample's name or the upload's digest); None if it fails
    (pressing "Try it on" then shows why)."""
    from core.tryon.pose import analyse_person

    try:
        return analyse_person(_img)
    except Exception:
        return None


@st.cache_resource(show_spinner=False)
def get_profile_store(url: str):
    from core.profiles import ProfileStore

    return ProfileStore(url)


@st.cache_data(show_spinner=False, max_entries=8)
def catalog_map(_studio, collection: str, version: str | None) -> dict:
    """The Home page's 2-D map, computed once per published index version (not on every rerun)."""
    from core.studio import embedding_map

    return embedding_map(_studio)


def studio_or_stop():
    """The studio with its catalog index built; shows a progress bar on first start, a clear error if it fails."""
    global _started
    # The bar comes first, before any heavy import: a first start shows where it is from its first second.
    # (Stages are shown here, outside the cached loader: Streamlit cannot replay elements a cached call updates.)
    bar = None if _started else st.progress(0.0, text="Starting Atelier: loading the libraries")
    try:
        import core.studio  # noqa: F401  (torch, transformers, chromadb: most of a cold start)

        if bar is not None:
            bar.progress(0.4, text="Starting Atelier: loading the search model and opening the catalog index")
        studio = get_studio()
    except AtelierError as exc:
        log.error("startup: %s", exc)
        st.error(without_server_paths(exc))
        st.stop()
    except Exception as exc:  # never a traceback in the UI
        log.exception("startup failed")
        st.error(without_server_paths(f"Atelier could not start: {type(exc).__name__}: {exc}"))
        st.stop()
    _started = True
    if studio.index.count() == 0 or studio.sketch_index.count() == 0:
        _build_index(studio, bar or st.progress(0.0))
    elif bar is not None:
        bar.empty()
    return studio


def _build_index(studio, bar) -> None:
    """The first start's index build under the bar, with the time left; a clear error (and stop) if it fails."""
    from core.progress import TimeLeft
    from core.studio import ensure_catalog_index

    bar.progress(0.0, text="Building the catalog index (first start only): estimating the time left")
    left = TimeLeft()

    def progress(done: int, total: int, msg: str) -> None:
        bar.progress(min(1.0, done / total) if total else 0.0,
                     text=f"Building the catalog index (first start only): {msg} · {left.text(done, total)}")

    try:
        report = ensure_catalog_index(studio, progress)
    except AtelierError as exc:
        bar.empty()
        log.error("first-start index build: %s", exc)
        st.error(without_server_paths(exc))
        st.stop()
    except (MemoryError, RuntimeError) as exc:  # e.g. torch "can't allocate memory" on a small Cloud box
        log.exception("index build failed")
        bar.empty()
        memory = isinstance(exc, MemoryError) or "allocate" in str(exc)
        st.error("Building the catalog index stopped: " + (
            "this server ran out of memory. Build the index on a larger machine (`python -m core ingest`) "
            "and ship it, or give the app more memory; items indexed so far are kept." if memory else
            f"{type(exc).__name__}. Reload the page to resume; items indexed so far are kept."))
        st.stop()
    bar.empty()
    if report is not None:
        st.toast(f"Indexed {report.added} items in {report.seconds:.0f}s")
        ingest_problems(report)
