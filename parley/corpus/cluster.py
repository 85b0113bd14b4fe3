"""Coding on a Dask cluster (`parley ingest --workers N` or `--scheduler tcp://host:8786`).

Workers code batches of documents; the process that runs `ingest` reads the inputs, skips
documents already stored, and writes what comes back in input order. The database keeps a
single writer with its one-transaction-per-batch commits, so a cluster run is as
idempotent and crash-safe as a single process and stores exactly the same rows.

Each worker process builds its pipeline once, on its first task, and codes with one thread
(start workers with one thread each and one worker per core).
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from ..nlp.document import Document, batched
from ..nlp.heap import reuse_freed_memory

if TYPE_CHECKING:
    from distributed import Client

    from ..nlp.pipeline import Pipeline

TASK_DOCS = 64  # documents per task: one spaCy batch
TASKS_PER_THREAD = 2  # tasks in flight per worker thread: the next one waits while one is coded
RETRIES = 2  # a task whose worker died is run again this many times
# Dask's statistical profiler samples a worker's stack every 10 ms and keeps the call trees:
# it was most of what a worker's memory grew by over a long run (traced: over 12,000
# documents a worker's Python objects grew by 45 MiB with it, by 3 MiB without)
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
_lock = threading.Lock()


class ClusterError(RuntimeError):
    """The cluster cannot be reached or a task failed on it; the message says which and why."""


@lru_cache(maxsize=1)
def worker_pipeline() -> Pipeline:
    """The pipeline of this worker process: built on first use, one thread, no overlap."""
    import torch

    from ..nlp.pipeline import Pipeline

    reuse_freed_memory()
    torch.set_num_threads(1)
    return Pipeline(overlap=False)


def dask_setup(worker: object) -> None:
    """Run in each local worker process as it starts (a Dask preload): a terminal's Ctrl-C
    reaches the whole process group, but the driver stops its workers itself when it is
    interrupted, so they ignore it rather than each print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def code_batch(docs: list[Document]) -> list[Document]:
    """A task: code documents with this process's pipeline (one task at a time per process,
    since a memory zone frees what any concurrent user of the model allocated)."""
    with _lock:
        return list(worker_pipeline()(docs, free_memory=True))


def warm() -> int:
    """Build the worker's pipeline before the first task (for timing); returns its pid."""
    worker_pipeline()
    return os.getpid()


def peak_memory() -> int:
    """This process's peak resident memory in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class ClusterPipeline:
    """A Pipeline whose coding runs on a Dask cluster: same interface, same output, same order."""

    def __init__(self, client: Client, task_docs: int = TASK_DOCS) -> None:
        self.client = client
        self.task_docs = task_docs

    def __call__(self, docs: Iterable[Document], *, free_memory: bool = True) -> Iterator[Document]:
        """Code documents on the workers; at most TASKS_PER_THREAD tasks per worker thread
        are in flight, so memory stays bounded here too. `free_memory` is accepted for the
        Pipeline interface: workers always free their parses' memory."""
        window = TASKS_PER_THREAD * max(1, sum(self.client.nthreads().values()))
        pending: deque = deque()
        for batch in batched(docs, self.task_docs):
            pending.append(self.client.submit(code_batch, batch, pure=False, retries=RETRIES))
            if len(pending) >= window:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())


def _result(future) -> list[Document]:
    try:
        return future.result()
    except Exception as e:  # a worker's exception or the scheduler's: one clear line
        raise ClusterError(f"a coding task failed on the cluster: {type(e).__name__}: {e}".splitlines()[0]) from e


@contextmanager
def cluster_pipeline(workers: int | None = None, scheduler: str | None = None) -> Iterator[ClusterPipeline]:
    """A ClusterPipeline on the scheduler at `scheduler`, else on a local cluster of
    `workers` processes with one thread each, closed on exit."""
    import dask
    from distributed import Client, LocalCluster

    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
            cluster = None
        else:
            # Dask's own log lines stay quiet: what fails reaches the driver, which says it in one
            # line; a worker's heartbeat that meets the scheduler closing on Ctrl-C logs a traceback
            with dask.config.set(WORKER_CONFIG):  # the nannies hand it to the worker processes they start
                cluster = LocalCluster(
                    n_workers=workers or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.CRITICAL,
                    preload=[__name__],
                )
            client = Client(cluster)
    except OSError as e:
        raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {e}".splitlines()[0]) from e
    try:
        yield ClusterPipeline(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
