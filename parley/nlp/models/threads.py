"""PyTorch's threads for the models. Models are built on one thread: merging the adapters
into the weights is many small tensor operations, and on a busy machine each one
parallelized over the cores can wait on a core that another process holds (building the
classifier took 0.5 s on one thread and up to 4 s on two, measured on the project's shared
2-core machine). The weights built are the same (`tests/test_startup.py`); coding
afterwards uses every thread again, except in the pipeline's classifier workers, which run
PyTorch on one thread each (`single_threaded`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with PyTorch on one thread, then restore the thread count it had."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def single_threaded() -> None:
    """Run this thread's PyTorch operations on one thread (OpenMP's thread count is kept per
    calling thread: the others keep theirs). A thread takes the count last set in any thread
    when it first asks for its own, so it asks first: a later setting elsewhere (`one_thread`
    restoring the count) would otherwise become this thread's."""
    torch.get_num_threads()
    torch.set_num_threads(1)
