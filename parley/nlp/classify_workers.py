"""The shipped classifier's passes in worker processes of their own, beside the process that parses.

The classifier's pass (encoder, event detector, span tagger: `EventClassifierStage.predict`)
is about three fifths of coding's work and runs beside the parse of the next batch. In a
thread of the coding process it shares that process's lock on the interpreter (the GIL) with
the parse and the rule stages, and their pure-Python work holds up each tensor operation the
thread starts: a pass that takes 4.4 s alone took 166 s beside a pure-Python loop. In worker
processes it shares nothing: on 300 stories coding took 23.2 s against 27.9 s in threads (two
cores). Each process loads the shipped models once (about 2.5 s and 0.5 GB) and reads the
batches through a pipe; it runs the same code on the same weights with PyTorch on one thread,
as a thread does, so every number is the same (`tests/test_classify_workers.py`).

A worker is started as `python -m parley.nlp.classify_workers`, not by `multiprocessing`,
whose spawned children import the caller's main module again (a script coding at its top
level would start them over and over). A process that cannot start or stops is replaced by
the pass run in its thread, with the same results.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from pathlib import Path
from typing import Any, BinaryIO

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where `parley` is imported from

Pass = Callable[[Any], Any]  # EventClassifierStage.predict
Requests = queue.SimpleQueue  # of (Future, batch), or None: the serving thread stops


class ClassifierProcesses:
    """`count` worker processes, started on the first `submit`, each served by a daemon thread
    of this process that sends it batches and sets their futures: `submit(batch)` gives a
    Future of `EventClassifierStage.predict(batch)`. A run that stops early cancels the
    futures it no longer wants; the process exits without waiting for the workers."""

    def __init__(self, count: int, in_thread: Pass) -> None:
        """`in_thread`: the pass itself, run in the serving thread where a worker is missing."""
        self.count = count
        self.in_thread = in_thread
        self._running: _Running | None = None
        self._stop: weakref.finalize | None = None
        self._starting = threading.Lock()  # two threads coding at once start one set of workers

    @property
    def started(self) -> bool:
        """Whether the workers have been started (by a first `submit`)."""
        return self._running is not None

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers running now."""
        return [w.pid for w in self._running.workers if w.poll() is None] if self._running else []

    def submit(self, batch: Any) -> Future:
        with self._starting:
            if self._running is None:
                self._running = _Running(self.count, self.in_thread)
                self._stop = weakref.finalize(self, self._running.stop)  # when collected, or at exit
            running = self._running
        future: Future = Future()
        running.requests.put((future, batch))
        return future

    def close(self) -> None:
        """Stop the workers and their threads; a later `submit` starts new ones."""
        with self._starting:
            if self._stop is not None:
                self._stop()
            self._running = self._stop = None


class _Running:
    """One start of the workers: the queue of batches, the processes and their serving threads
    (which hold no reference to the `ClassifierProcesses`, so that it can be collected)."""

    def __init__(self, count: int, in_thread: Pass) -> None:
        self.requests: Requests = queue.SimpleQueue()
        self.workers: list[subprocess.Popen] = []
        self.closing = threading.Event()
        args = (self.requests, self.workers, self.closing, in_thread)
        for _ in range(count):
            threading.Thread(target=_serve_batches, args=args, name="parley-classify-process", daemon=True).start()
        self.count = count

    def stop(self) -> None:
        """Stop the serving threads once their current batch is done, and the workers now:
        they hold nothing that is not coded again."""
        self.closing.set()
        for _ in range(self.count):
            self.requests.put(None)
        for worker in self.workers:
            worker.kill()
            worker.wait()
            for pipe in (worker.stdin, worker.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):  # a batch half written to it: nobody reads it now
                        pipe.close()


def _serve_batches(
    requests: Requests, workers: list[subprocess.Popen], closing: threading.Event, in_thread: Pass
) -> None:
    """A serving thread: start a worker process, then pass it each batch queued and set the
    batch's future, until told to stop. Holds no reference to its `ClassifierProcesses`, so
    that one can be collected and stop it."""
    from .models.threads import single_threaded

    single_threaded()  # for the pass run here where the worker is missing
    worker = _started()
    if worker is not None:
        workers.append(worker)
    while (request := requests.get()) is not None:
        future, batch = request
        if not future.set_running_or_notify_cancel():
            continue
        try:
            result, worker = _passed(worker, batch, closing, in_thread)
        except BaseException as error:  # the future carries it to whoever waits for the result
            future.set_exception(error)
        else:
            future.set_result(result)


def _started() -> subprocess.Popen | None:
    """A worker process, or None where none can start."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH")) if p)
    try:
        command = [sys.executable, "-m", __name__]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    except OSError:
        return None


def _passed(
    worker: subprocess.Popen | None, batch: Any, closing: threading.Event, in_thread: Pass
) -> tuple[Any, subprocess.Popen | None]:
    """The pass over a batch, by the worker if it has one and it answers, else here; and the
    worker still answering."""
    if worker is not None and worker.stdin is not None and worker.stdout is not None:
        try:
            pickle.dump(batch, worker.stdin, pickle.HIGHEST_PROTOCOL)
            worker.stdin.flush()
            ok, result = pickle.load(worker.stdout)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError):
            if closing.is_set():
                raise CancelledError from None
            worker = None  # it stopped: this thread runs the passes from now on
        else:
            if not ok:
                raise RuntimeError(f"the classifier's worker process failed: {result}")
            return result, worker
    return in_thread(batch), worker


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """A worker's loop: read a batch, write (True, the pass's result) or (False, the error),
    until its input is closed."""
    from .models.threads import single_threaded
    from .stages.classify import EventClassifierStage

    single_threaded()
    stage = EventClassifierStage()
    while True:
        try:
            batch = pickle.load(requests)
        except EOFError:
            return
        try:
            reply: tuple[bool, Any] = (True, stage.predict(batch))
        except Exception as error:  # reported to the coding process, which raises it
            reply = (False, f"{type(error).__name__}: {error}")
        pickle.dump(reply, replies, pickle.HIGHEST_PROTOCOL)
        replies.flush()


def main() -> None:
    """The worker process: replies on the stdout it was given; anything else written to stdout
    goes to stderr. Ctrl-C is the coding process's to handle: it stops the worker when it exits."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
