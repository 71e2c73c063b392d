"""The design backends by name: name -> (module, class), imported on first use. The loader (core.design.loader)
picks one; adding a backend is one file with a DesignBackend and one line here (built by `cls.from_settings(settings)`
when it has one, else `cls()`)."""
from __future__ import annotations

import importlib

DESIGN_BACKENDS: dict[str, tuple[str, str]] = {
    "offline": ("core.design.offline", "OfflineEditor"),
    "diffusion": ("core.design.diffusion", "DiffusersInpaint"),
}


def design_class(name: str) -> type:
    module, cls = DESIGN_BACKENDS[name]
    return getattr(importlib.import_module(module), cls)


def build_registered(name: str, settings):
    """A registered backend that needs no weights check (the offline editor, a test's tiny backend)."""
    cls = design_class(name)
    return cls.from_settings(settings) if hasattr(cls, "from_settings") else cls()
