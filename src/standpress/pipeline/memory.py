"""glibc's allocator in a worker process: large image buffers reused, not mapped afresh.

A photo task allocates a dozen buffers of 20–60 MB (decoded pixels, CMYK, the JPEG
decoded back for the ink check). glibc maps each of them afresh and unmaps it when freed,
so every one costs its size in page faults, which the kernel zeroes: about 4 s of
system time in the photos of a 100-case campaign, 12 % of their CPU (measured with
``benchmarks/bench_build.py``'s campaign). :func:`keep_large_buffers` has them come from
the heap and stay there for the next task; :func:`trim_if_over` gives the memory back when
a process holds more than :data:`RSS_LIMIT` after a task (after a very large photo), so
that a worker's memory stays about what one ordinary photo needs.

Elsewhere than glibc (``mallopt`` missing) both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

__all__ = ["RSS_LIMIT", "keep_large_buffers", "trim_if_over"]

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 << 20  # buffers below this come from the heap
TRIM_THRESHOLD = 1 << 30  # free memory at the heap's top kept up to this
RSS_LIMIT = 400 << 20  # resident bytes above which a task's leftovers are given back


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 - glibc has both
    except (OSError, AttributeError):
        return None
    return libc


def keep_large_buffers() -> bool:
    """Serve large buffers from the heap and keep freed memory for the next task (this
    process, from now on). Whether the allocator took it."""
    libc = _libc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def resident_bytes() -> int:
    """This process's resident memory (from /proc; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def trim_if_over(limit: int = RSS_LIMIT) -> bool:
    """Give free heap memory back to the system when this process holds more than
    ``limit`` bytes. Whether it did."""
    libc = _libc()
    if libc is None or resident_bytes() <= limit:
        return False
    libc.malloc_trim(0)
    return True
