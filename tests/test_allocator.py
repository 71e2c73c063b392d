"""A long-lived app process hands freed blocks back to the system (core/allocator.py)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = """
import sys
import numpy as np
from core.allocator import tune_for_long_running_process

def rss():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1]) // 1024

if sys.argv[1] == 'tuned':
    assert tune_for_long_running_process()
big = np.ones(16 * 2**17); del big          # freeing a 16 MiB block raises glibc's default mmap threshold to it
before = rss()
b, c, d = (np.ones(8 * 2**17) for _ in range(3))  # three 8 MiB query-sized arrays
del b, c                                           # d stays: b and c cannot be trimmed off the heap's top
print(rss() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_freed_query_sized_arrays_leave_the_process_once_tuned():
    def kept(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", SCRIPT, mode], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr[-1500:]
        return int(out.stdout.split()[-1])

    default, tuned = kept("default"), kept("tuned")
    assert tuned <= 10  # only d (8 MiB) is still held
    assert default >= tuned + 12  # with glibc's defaults b and c (16 MiB) stayed resident
