"""Home's "About this installation" widgets: model downloads and a real catalog from the Hub, with progress.

One call from a page: `installation_panel(studio)`. With the Hub reachable it offers buttons; offline it says
so and shows the commands for a machine with internet (the same core functions back `python -m core download`
and `python -m core fetch-catalog`).
"""
from __future__ import annotations

import logging
import os

import streamlit as st

from core.errors import AtelierError

log = logging.getLogger(__name__)


@st.cache_data(ttl=60, show_spinner=False)
def _hub_reachable(timeout_s: float) -> bool:
    from core.weights import hub_reachable

    return hub_reachable(timeout_s)


@st.cache_data(ttl=30, show_spinner=False)
def _downloaded(repo_id: str, patterns: tuple[str, ...]) -> bool:
    from core.downloads import ModelDownload, is_downloaded

    return is_downloaded(ModelDownload("", "", repo_id, "", "", patterns))


def installation_panel(studio) -> None:
    """Model downloads and catalog import; safe to call on every run (the Hub is probed at most once a minute)."""
    online = _hub_reachable(studio.settings.auto_probe_timeout_s)
    if not online:
        st.info("The Hugging Face Hub cannot be reached from this server, so models and catalogs cannot be "
                "downloaded here. Run the commands below on a machine with internet, then copy the Hugging Face "
                "cache (or the folders) to this one.")
    model_downloads(studio.settings, online)
    catalog_fetch(studio, online)
    use_fetched_catalog_button()


def model_downloads(settings, online: bool) -> None:
    from core.downloads import available_models, download_model, human_size, plan_download

    st.markdown("**Models**")
    for model in available_models(settings):
        have = _downloaded(model.repo_id, model.allow_patterns)
        purpose = model.purpose[:1].upper() + model.purpose[1:]
        if not online or have:
            st.markdown(f"**{model.label}**: `{model.repo_id}` ({model.size_hint}), "
                        f"{'downloaded' if have else 'not downloaded'}. {purpose}.")
            if not have:
                st.code(model.command, language="bash", wrap_lines=True)
            continue
        left, right = st.columns([3, 1])
        left.markdown(f"**{model.label}**: `{model.repo_id}` ({model.size_hint}), not downloaded. {purpose}.")
        if right.button("Download", key=f"download-{model.key}", help=f"{model.command} (resumes if stopped)"):
            bar = st.progress(0.0, text=f"Asking the Hub about {model.repo_id} ...")
            try:
                plan = plan_download(model, settings.auto_probe_timeout_s)

                def progress(done: int, total: int, name: str) -> None:
                    share = done / total if total else 0.0
                    bar.progress(min(1.0, share), text=f"{model.repo_id}: {human_size(done)} of "
                                                       f"{human_size(total)} · {name}")

                folder = download_model(plan, progress)
            except AtelierError as exc:
                bar.empty()
                st.error(str(exc))
                continue
            except Exception as exc:  # never a traceback in the UI
                log.exception("download failed")
                bar.empty()
                st.error(f"The download stopped ({type(exc).__name__}); press Download again to resume.")
                continue
            _downloaded.clear()
            from core.ui import get_studio

            get_studio.clear()  # the encoder choice is made at load: the next run picks the new weights up
            st.success(f"Downloaded to {folder}. Atelier uses it from the next page load.")


def catalog_fetch(studio, online: bool) -> None:
    from core.fetch import DATASETS, catalog_name_for, default_folder, fetch_catalog
    from core.ingest import ingest_catalog

    st.markdown("**A real catalog from the Hugging Face Hub**")
    default = next(iter(DATASETS))
    if not online:
        st.code(f"python -m core fetch-catalog {default} --limit 1000", language="bash", wrap_lines=True)
        return
    with st.form("fetch-catalog"):
        left, right = st.columns([3, 1])
        name = left.text_input("Dataset (Hub id or short name)", value=default,
                               help="A parquet dataset with an image column and product fields, e.g. "
                                    + ", ".join(DATASETS.values()))
        limit = right.number_input("Items", min_value=10, max_value=100_000, value=1000, step=100)
        go = st.form_submit_button("Import and index")
    if not go:
        return
    folder = default_folder(name, studio.settings.data_dir)
    catalog_name = catalog_name_for(name)
    bar = st.progress(0.0, text=f"Fetching {name} ...")
    try:
        report = fetch_catalog(name, folder, limit=int(limit), timeout_s=studio.settings.auto_probe_timeout_s,
                               max_pixels=studio.settings.max_image_pixels,
                               progress=lambda d, t, m: bar.progress(0.5 * min(1.0, d / t) if t else 0.0,
                                                                     text=f"Importing: {m}"))
        ingest = ingest_catalog(folder, studio.store, studio.encoder, studio.settings, catalog_name=catalog_name,
                                metadata=folder / "catalog.csv",
                                progress=lambda d, t, m: bar.progress(0.5 + 0.5 * min(1.0, d / t) if t else 0.5,
                                                                      text=f"Indexing: {m}"))
    except AtelierError as exc:
        bar.empty()
        st.error(str(exc))
        return
    except Exception as exc:  # never a traceback in the UI
        log.exception("catalog fetch failed")
        bar.empty()
        st.error(f"The import stopped ({type(exc).__name__}); run it again to resume where it stopped.")
        return
    bar.empty()
    st.success(f"{report.summary()}. Indexed: {ingest.summary()}")
    if report.skipped:
        st.caption("Skipped rows: " + "; ".join(f"row {s['row']}: {s['reason']}" for s in report.skipped[:8])
                   + (" ..." if len(report.skipped) > 8 else ""))
    st.session_state["atelier-fetched-catalog"] = (str(folder), catalog_name)


def use_fetched_catalog_button() -> None:
    """After an import: switch this server to the new catalog (every session; restart to go back)."""
    fetched = st.session_state.get("atelier-fetched-catalog")
    if fetched and st.button(f"Show the '{fetched[1]}' catalog in Atelier", type="primary"):
        os.environ["ATELIER_CATALOG"], os.environ["ATELIER_CATALOG_NAME"] = fetched
        from core.ui import get_studio

        get_studio.clear()
        st.rerun()
