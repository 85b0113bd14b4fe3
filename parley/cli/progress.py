"""Progress of a long command (ingest, recode) on standard error, in two phases: loading the
models, then documents with a rate and an ETA from the recent rate (the last WINDOW seconds,
so the loading time and old bursts do not distort it). On a terminal one line is redrawn; on
anything else (a log file, a pipe, a job scheduler) a plain line starting `progress: ` (not
`parley: `, which starts the error lines) is written every `every` seconds, and once when the
models are loaded."""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TextIO

WINDOW = 30.0  # seconds of recent progress the rate is taken over
REDRAW = 0.2  # at most this often on a terminal


def duration(seconds: float) -> str:
    """12s, 4m05s, 2h03m."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Counts documents done out of `total` (None: unknown) and reports as the module says."""

    def __init__(
        self,
        total: int | None,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        every: float = 10.0,
        terminal: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.stream, self.every, self.clock = total, stream or sys.stderr, every, clock
        self.quiet = quiet
        self.terminal = self.stream.isatty() if terminal is None else terminal
        self.done = 0
        self.started = self.clock()
        self.loading_since: float | None = None
        self.loaded_in: float | None = None
        self.recent: deque[tuple[float, int]] = deque([(self.started, 0)])
        self.shown = self.logged = self.started
        self.width = 0
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # ---- the phases ------------------------------------------------------------------

    def phase(self, name: str) -> None:
        """ "loading": the models start loading, shown as a phase of its own with its time ticking;
        "coding": they are loaded, and the documents' rate starts from now. From the load on the
        line keeps moving on its own (see `_tick`)."""
        now = self.clock()
        if name == "loading":
            self.loading_since = now
            self._line(f"loading models{self._of()}", force=True)
            if not self.quiet and self._ticker is None:
                self._ticker = threading.Thread(target=self._tick, name="parley-progress", daemon=True)
                self._ticker.start()
        elif name == "coding" and self.loading_since is not None:
            with self._lock:
                self.loaded_in = now - self.loading_since
                self.recent = deque([(now, self.done)])  # the rate leaves the load out
            if not self.terminal and not self.quiet:
                self._log(f"models loaded in {duration(self.loaded_in)}")

    def update(self, n: int = 1) -> None:
        """`n` more documents done (coded and stored, skipped as present, or failed)."""
        now = self.clock()
        with self._lock:
            self.done += n
            self.recent.append((now, self.done))
            while len(self.recent) > 2 and now - self.recent[1][0] > WINDOW:
                self.recent.popleft()
        self._line(self._status(now))

    def write(self, message: str) -> None:
        """A message of its own line (a failed input), the progress line kept below it."""
        with self._lock:
            if self.terminal and self.width and not self.quiet:
                self.stream.write("\r" + " " * self.width + "\r")
                self.width = 0
            print(message, file=self.stream, flush=True)

    def close(self) -> None:
        """End the line on a terminal; a last line elsewhere when anything was logged."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.quiet:
            return
        with self._lock:
            if self.terminal and self.width:
                self.stream.write("\r" + self._status(self.clock()).ljust(self.width) + "\n")
                self.stream.flush()
                self.width = 0

    # ---- what is shown ---------------------------------------------------------------

    def rate(self) -> float | None:
        """Documents per second over the recent window, None before there is one."""
        (t0, n0), (t1, n1) = self.recent[0], self.recent[-1]
        return (n1 - n0) / (t1 - t0) if t1 > t0 and n1 > n0 else None

    def _of(self) -> str:
        return f" ({self.total} document{'s' * (self.total != 1)} to read)" if self.total else ""

    def _status(self, now: float) -> str:
        if self.loading_since is not None and self.loaded_in is None:
            return f"loading models: {duration(now - self.loading_since)}{self._of()}"
        rate = self.rate()
        line = f"{self.done}/{self.total} documents" if self.total else f"{self.done} documents"
        if self.loaded_in is not None:
            line = "coding: " + line
        if rate:
            line += f", {rate:.1f}/s"
            if self.total and self.total > self.done:
                line += f", about {duration((self.total - self.done) / rate)} left"
        return line + f", {duration(now - self.started)} so far"

    def _tick(self) -> None:
        """From the load on, keep the line moving while nothing finishes (a load, a long batch):
        on a terminal its time, elsewhere a line every `every` seconds."""
        while not self._stop.wait(1.0):
            self._line(self._status(self.clock()))

    def _line(self, text: str, force: bool = False) -> None:
        if self.quiet:
            return
        now = self.clock()
        with self._lock:
            if self.terminal:
                if force or now - self.shown >= REDRAW:
                    self.stream.write("\r" + text.ljust(self.width))
                    self.stream.flush()
                    self.width, self.shown = len(text), now
            elif force or now - self.logged >= self.every:
                self._log(text)

    def _log(self, text: str) -> None:
        self.logged = self.clock()
        print(f"progress: {text}", file=self.stream, flush=True)
