"""glibc's allocator settings for a long-lived app process, and handing freed heap back to the system.

A replica is sized by its resident memory. With glibc's defaults, freeing a large block raises the size from
which blocks are mapped on their own (up to 32 MiB), so later blocks of a few MiB (a query's masks and score
arrays over a million rows, a page's images) come from the heap, and what the heap once held stays resident;
every thread that meets a locked heap also gets a heap of its own (up to 8 per core), and Streamlit runs each
session's script in its own thread. Fixed thresholds and two heaps keep resident memory near what is live:
a `streamlit run` replica at a million items after ten browser sessions on Discover and Home, 559-575 MiB
with the defaults, 514-517 MiB with these (bench/bench_scale.py --app). No-ops where there is no glibc.
"""
from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8
BLOCK = 128 * 1024


def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def tune_for_long_running_process() -> bool:
    """Blocks of 128 KiB and more mapped on their own and unmapped when freed, the heap trimmed above 128 KiB of
    free top, at most two heaps. Call once, early, in a process that serves for a long time (the app)."""
    libc = _libc()
    if libc is None or not hasattr(libc, "mallopt"):
        return False
    ok = all(libc.mallopt(param, value) == 1 for param, value in
             ((M_MMAP_THRESHOLD, BLOCK), (M_TRIM_THRESHOLD, BLOCK), (M_ARENA_MAX, 2)))
    if not ok:
        log.info("glibc refused an allocator setting; running with its defaults")
    return ok


def release_freed_memory() -> None:
    """After a large load, hand freed heap pages back to the system (glibc keeps them otherwise)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
