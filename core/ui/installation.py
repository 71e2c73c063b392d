"""Home's "About this installation" widgets: model downloads (with size, licence and time per design here), the
licence table, and a real catalog from the Hub, with progress.

One call from a page: `installation_panel(studio)`. Nothing here contacts the Hub unless the user asks: no probe
at start and none on a timer. "Check the Hub connection" probes once, when pressed; a Download or Import button
asks the Hub as part of the download. With HF_HUB_OFFLINE set the panel shows the commands for a machine with
internet instead of buttons (the same core functions back `python -m core download` and `python -m core fetch-catalog`).
"""
from __future__ import annotations

import logging
import os

import streamlit as st

from core.errors import AtelierError

log = logging.getLogger(__name__)

HUB_CHECK = "atelier-hub-check"  # session key: the answer of the one probe the user asked for


@st.cache_data(ttl=30, show_spinner=False)
def _downloaded(repo_id: str, patterns: tuple[str, ...]) -> bool:
    from core.downloads import ModelDownload, is_downloaded

    return is_downloaded(ModelDownload("", "", repo_id, "", "", patterns))


def installation_panel(studio) -> None:
    """Model downloads, licences and catalog import; safe to call on every run (it never probes the Hub itself)."""
    from core.weights import hub_offline

    online = not hub_offline()
    if not online:
        st.info("The Hugging Face Hub cannot be reached from this server (HF_HUB_OFFLINE is set), so models and "
                "catalogs cannot be downloaded here. Run the commands below on a machine with internet, then copy "
                "the Hugging Face cache (or the folders) to this one.")
    else:
        hub_check(studio.settings)
    model_downloads(studio.settings, online)
    licence_table(studio.settings)
    catalog_fetch(studio, online)
    use_fetched_catalog_button()


def hub_check(settings) -> None:
    """One button that probes the Hub once, when pressed; the answer is said once, under the button."""
    from core.weights import hub_address, hub_reachable

    host, port = hub_address()
    st.caption("Atelier contacts the Hugging Face Hub only when you ask (a Download or Import button, or the check "
               "below); it never probes it at start or in the background.")
    if st.button("Check the Hub connection", key="hub-check"):
        st.session_state[HUB_CHECK] = hub_reachable(settings.auto_probe_timeout_s)
    answer = st.session_state.pop(HUB_CHECK, None)
    if answer is True:
        st.success(f"The Hub ({host}) answers: downloads and imports can run from here.")
    elif answer is False:
        st.warning(f"The Hub ({host}:{port}) did not answer within {settings.auto_probe_timeout_s:g} s: use the "
                   "commands shown with each model on a machine with internet.")


def model_downloads(settings, online: bool) -> None:
    from core.downloads import available_models

    st.markdown("**Models**")
    for model in available_models(settings):
        download_row(settings, model, online)


def _model_text(settings, model, have: bool) -> str:
    from core.weights import licence_line, model_card

    purpose = model.purpose[:1].upper() + model.purpose[1:]
    text = (f"**{model.label}**: `{model.repo_id}` ({model.size_hint}), {'downloaded' if have else 'not downloaded'}. "
            f"{purpose}. Licence: {licence_line(model.repo_id)}.")
    card = model_card(model.repo_id)
    if card is not None and card.gflop_per_run:
        from core.weights import estimate_run

        text += f" Here: {estimate_run(model.repo_id, settings.device, settings.design_cpu_budget_s).text}."
    return text


def download_row(settings, model, online: bool) -> None:
    """One model: what it is, its size and licence, and a Download button (the only way a download starts)."""
    from core.config import DEFAULT_CATVTON_ATTENTION
    from core.weights import licence_refusal

    refused = licence_refusal(model.repo_id, settings)
    if model.key == "catvton-base" and not refused:
        refused = licence_refusal(settings.catvton_attention if "/" in settings.catvton_attention
                                  else DEFAULT_CATVTON_ATTENTION, settings)
    if refused:
        st.caption(f"{model.label}: hidden. {refused}")
        return
    have = _downloaded(model.repo_id, model.allow_patterns)
    if not online or have:
        st.markdown(_model_text(settings, model, have))
        if not have:
            st.code(model.command, language="bash", wrap_lines=True)
        return
    left, right = st.columns([3, 1])
    left.markdown(_model_text(settings, model, have))
    download_button(right, settings, model, "Download", f"download-{model.key}")


def download_offer(settings, key: str) -> None:
    """The Download button for one model (by ModelDownload.key), for pages that offer a model beside its stand-in."""
    from core.downloads import available_models
    from core.weights import hub_offline

    model = next((m for m in available_models(settings) if m.key == key), None)
    if model is None:
        return
    if hub_offline() or _downloaded(model.repo_id, model.allow_patterns):
        st.code(model.command, language="bash", wrap_lines=True)
        return
    download_button(st, settings, model, f"Download {model.repo_id} ({model.size_hint})", f"offer-download-{key}")


def download_button(where, settings, model, label: str, key: str) -> None:
    """The one Download button (the Home panel's rows and the pages' offers): pressed, the download runs with
    progress; its help names the command that does the same."""
    if where.button(label, key=key, help=f"{model.command} (resumes if stopped)"):
        run_download(settings, model)


def run_download(settings, model) -> None:
    from core.downloads import download_model, human_size, plan_download

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
        return
    except Exception as exc:  # never a traceback in the UI
        log.exception("download failed")
        bar.empty()
        st.error(f"The download stopped ({type(exc).__name__}); press Download again to resume.")
        return
    _downloaded.clear()
    from core.ui.resources import get_design_backend, get_studio

    get_studio.clear()  # the encoder choice is made at load: the next run picks the new weights up
    get_design_backend.clear()
    st.success(f"Downloaded to {folder}. Atelier uses it from the next page load.")


def design_model_offer(settings, why: str) -> None:
    """Beside the offline editor: the generative model this machine could use, its download size, the time per
    design here (a timed probe x the model's FLOPs), whether it fits in memory, its licence, and a Download button."""
    from core.design import design_offer

    offer = design_offer(settings.inpaint_model, settings.device, settings.design_cpu_budget_s, settings)
    with st.expander("Generative designs (Stable Diffusion inpainting): download, time per design here, licence"):
        st.markdown(f"{offer.text}")
        st.caption(f"Why the offline editor is in use: {why}")
        if not offer.refused and not offer.on_disk:
            download_offer(settings, "inpaint")


def licence_table(settings) -> None:
    """Every model Atelier can load, its licence and whether it allows commercial use (core.weights.MODELS)."""
    from core.weights import MODELS, licence_refusal

    rows = []
    for card in MODELS.values():
        rows.append({"Model": card.id, "What": card.name, "Licence": card.licence,
                     "Commercial use": {True: "yes", False: "no", None: "your terms"}[card.commercial],
                     "Notes": card.terms + ("" if card.loads else " (not loadable here)"),
                     "Here": "refused: commercial-safe only" if licence_refusal(card.id, settings) else "allowed"})
    with st.container():
        st.markdown("**Model licences**" + (" · commercial-safe only (ATELIER_COMMERCIAL_SAFE_ONLY)"
                                            if settings.commercial_safe_only else ""))
        st.dataframe(rows, hide_index=True, width="stretch")


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
        from core.ui.resources import get_studio

        get_studio.clear()
        st.rerun()
