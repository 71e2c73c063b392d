"""Installation verbs: download (model weights, with progress) and chroma-serve (the shared Chroma server)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from core.cli.common import Bar, add_common, settings_from
from core.errors import AtelierError


def register(sub) -> None:
    sp = sub.add_parser("chroma-serve", help="the shared Chroma server behind a bearer token (nginx in front of "
                        "`chroma run`); the token comes from CHROMA_TOKEN")
    sp.add_argument("--path", default="data/chroma-server", help="the server's data folder")
    sp.add_argument("--host", default="127.0.0.1", help="where the gate listens (0.0.0.0: every interface)")
    sp.add_argument("--port", type=int, default=8000)
    sp.set_defaults(func=cmd_chroma_serve)

    sp = sub.add_parser("download", help="download model weights from the Hub (CLIP, inpainting, CatVTON) with progress")
    sp.add_argument("models", nargs="*", help="clip, inpaint, catvton-attention, catvton-base or all (none: list them)")
    sp.add_argument("--list", action="store_true", help="what can be downloaded, and what is already here")
    add_common(sp)
    sp.set_defaults(func=cmd_download)


def cmd_chroma_serve(args) -> int:
    from core.chroma_gate import check_token, serve

    token = check_token(os.environ.get("CHROMA_TOKEN") or settings_from(args).chroma_token)
    return serve(Path(args.path), args.host, args.port, token)


def cmd_download(args) -> int:
    from core.downloads import available_models, download_model, human_size, is_downloaded, plan_download

    settings = settings_from(args)
    models = {m.key: m for m in available_models(settings)}
    if args.list or not args.models:
        from core.weights import licence_line

        for m in models.values():
            print(f"{m.key:<18} {'downloaded' if is_downloaded(m) else 'missing':<10} {m.repo_id} ({m.size_hint}): "
                  f"{m.command}  # licence: {licence_line(m.repo_id)}")
        return 0
    wanted = list(models) if args.models == ["all"] else args.models
    unknown = [k for k in wanted if k not in models]
    if unknown:
        raise AtelierError(f"unknown model {', '.join(unknown)}; choose from {', '.join(models)} or all")
    from core.weights import check_licence

    for key in wanted:
        check_licence(models[key].repo_id, settings)  # commercial-safe mode refuses, naming the licence
        plan = plan_download(models[key], settings.auto_probe_timeout_s)
        bar = Bar(args.json)
        folder = download_model(plan, lambda d, t, m: bar(d, t, f"{human_size(d)} {m}"))
        print(json.dumps({"model": key, "repo_id": plan.model.repo_id, "bytes": plan.total_bytes,
                          "folder": str(folder)}) if args.json else f"{key}: {folder}")
    return 0
