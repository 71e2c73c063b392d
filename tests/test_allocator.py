"""A long-lived app process hands freed heap back to the system (core/allocator.py), after every page run."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import numpy as np
from core.allocator import release_freed_memory

def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) // 1024

big = np.ones(16 * 2**17); del big          # freeing a 16 MiB block raises glibc's mmap threshold to it
before = rss()
b, c, d = (np.ones(8 * 2**17) for _ in range(3))  # three 8 MiB query-sized arrays, now from the heap
del b, c                                           # d stays: b and c are free pages below it
kept = rss() - before
release_freed_memory()
print(kept, rss() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_freed_query_sized_arrays_leave_the_process_once_released():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-1500:]
    kept, released = map(int, out.stdout.split()[-2:])
    assert kept >= 20  # glibc held b and c (16 MiB) besides d
    assert released <= 10  # only d (8 MiB) is still resident
