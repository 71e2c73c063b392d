"""Handing freed heap back to the system, so a long-lived replica's resident memory stays near what is live.

glibc keeps what a process frees for reuse. Freeing a large block raises the size from which blocks are mapped
on their own (up to 32 MiB), so a query's arrays over a million rows, a page's images and a design's buffers
come from the heap, and what the heap once held stays resident; Streamlit runs each session's script in its own
thread, and each thread that meets a busy heap gets one of its own. `malloc_trim(0)` returns every whole free
page of every heap: about 1 ms. The app calls it after each page run (core/ui/page.py) and after a large load:
a `streamlit run` replica at a million items after ten browser sessions on Discover and Home held 559-575 MiB
without it (bench/bench_scale.py --app). Fixed allocator thresholds did as well for memory but made every
large array a fresh mapping: a try-on took 0.21 s instead of 0.11 s. A no-op where there is no glibc.
"""
from __future__ import annotations

import ctypes
import functools


@functools.lru_cache(maxsize=1)
def _trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def limit_arenas(count: int = 2) -> bool:
    """At most `count` malloc arenas (glibc's MALLOC_ARENA_MAX, set from inside: Streamlit Community Cloud gives
    no way to set the environment before the process starts). glibc otherwise reserves a 64 MiB arena per busy
    thread, up to 8 per core: 16 of them (1 GiB of address space, little of it resident) in a `streamlit run` that
    built the sample index, which alone put the app over a 2.7 GB address-space limit (bench/bench_cloud.py).
    An explicit MALLOC_ARENA_MAX in the environment wins. True when applied.

    glibc fixes its arena limit once a process has more than 8 arenas; under `streamlit run` (1.67) Streamlit
    already has 18 threads and 15 arenas when Home.py imports core, so there the cap comes too late and only
    MALLOC_ARENA_MAX in the environment works (scripts/run-app.sh sets it). It works for the CLI and workers."""
    import os

    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(-8, int(count)))  # M_ARENA_MAX
    except (OSError, AttributeError):
        return False


def release_freed_memory() -> None:
    """Hand every whole free page of the heap back to the system (after a page run, after a large load)."""
    trim = _trim()
    if trim is not None:
        trim(0)
