"""Worker processes keep large buffers from one task to the next, within a limit
(``pipeline/memory.py``): fewer page faults, memory given back after a very large photo."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = r"""
import resource, sys
from standpress.pipeline.memory import keep_large_buffers, resident_bytes, trim_if_over

if sys.argv[1] == "keep":
    assert keep_large_buffers()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):  # a photo task's buffers: allocated, written, freed
    a = b"\x01" * (40 << 20)
    del a
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
big = b"\x01" * (200 << 20)  # a very large photo (below the 256 MB of mmap)
del big
held = resident_bytes()
trimmed = trim_if_over(150 << 20)
print(faults, held >> 20, trimmed, resident_bytes() >> 20)
"""


def _run(mode: str) -> tuple[int, int, bool, int]:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1]), out[2] == "True", int(out[3])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_worker_keeps_large_buffers_and_gives_back_memory_over_the_limit():
    plain_faults, plain_held, _, _ = _run("plain")
    kept_faults, kept_held, trimmed, after = _run("keep")
    # 20 × 40 MB written: ~200,000 page faults when each buffer is mapped afresh
    assert plain_faults > 150_000
    assert kept_faults < plain_faults / 10
    assert plain_held < 150  # (freed big buffers are unmapped at once by default)
    assert kept_held > 200 and trimmed and after < 150  # kept, then given back
