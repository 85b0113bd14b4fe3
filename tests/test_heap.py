"""The heap helpers of long coding runs, on this process's real glibc heap."""

from __future__ import annotations

import ctypes

import psutil
import pytest

from parley.nlp.heap import _libc, return_freed_memory

BLOCK = 64 * 1024  # below glibc's mmap threshold: taken from the heap
BLOCKS = 3000


@pytest.mark.skipif(_libc() is None, reason="glibc only")
def test_freed_heap_pages_go_back_to_the_system() -> None:
    libc = _libc()
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(BLOCK) for _ in range(BLOCKS)]
    for block in blocks:
        ctypes.memset(block, 1, BLOCK)  # touched: resident
    for block in blocks[:-1]:  # the last one stays: the freed space is not at the heap's top
        libc.free(block)
    held = psutil.Process().memory_info().rss
    assert return_freed_memory()
    given_back = held - psutil.Process().memory_info().rss
    libc.free(blocks[-1])
    assert given_back > BLOCK * BLOCKS // 2  # most of the ~190 MiB freed
