"""Progress of ingest and recode: loading as a phase of its own, then documents with a rate and
an ETA from the recent rate; a line every N seconds where standard error is not a terminal."""

from __future__ import annotations

import io
import subprocess
import sys

from parley.cli.progress import Progress, duration

from .conftest import EXAMPLES


class Clock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_durations_read_as_people_write_them() -> None:
    assert [duration(s) for s in (0, 9.6, 61, 3599, 7380)] == ["0s", "10s", "1m01s", "59m59s", "2h03m"]


def test_the_eta_leaves_the_load_out_and_follows_the_recent_rate() -> None:
    clock, out = Clock(), io.StringIO()
    progress = Progress(100, stream=out, terminal=True, clock=clock)
    progress.phase("loading")
    clock.now += 20  # 20 s of loading: no rate, no ETA yet
    assert progress._status(clock.now).startswith("loading models: 20s (100 documents to read)")
    progress.phase("coding")
    clock.now += 10
    progress.update(10)  # 1 document/s since the models loaded, not 10 in 30 s
    assert "coding: 10/100 documents, 1.0/s, about 1m30s left" in progress._status(clock.now)
    for _ in range(6):  # then 4 documents/s for 60 s: the estimate follows the recent rate
        clock.now += 10
        progress.update(40)
    assert progress.rate() == 4.0 and "about 0s left" not in progress._status(clock.now)
    progress.close()
    assert out.getvalue().startswith("\rloading models (100 documents to read)") and out.getvalue().endswith("\n")


def test_a_non_terminal_gets_a_line_every_n_seconds_and_no_carriage_returns() -> None:
    clock, out = Clock(), io.StringIO()
    progress = Progress(50, stream=out, terminal=False, every=5, clock=clock)
    progress.phase("loading")
    clock.now += 12
    progress.phase("coding")
    for _ in range(10):
        clock.now += 1
        progress.update(5)
    progress.write("parley: bad.txt: empty")
    progress.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0] == "progress: loading models (50 documents to read)"
    assert lines[1] == "progress: models loaded in 12s"
    coding = [line for line in lines if line.startswith("progress: coding:")]
    assert len(coding) == 2  # at 5 s and 10 s of coding, not at every document
    assert coding[-1].startswith("progress: coding: 50/50 documents, 5.0/s")
    assert lines[-1] == "parley: bad.txt: empty"


def test_quiet_writes_nothing() -> None:
    out = io.StringIO()
    progress = Progress(3, stream=out, quiet=True, terminal=True)
    progress.phase("loading")
    progress.phase("coding")
    progress.update(3)
    progress.close()
    assert out.getvalue() == ""


def test_an_ingest_to_a_pipe_logs_its_phases(tmp_path) -> None:
    """A real `parley ingest` with standard error a pipe: the loading phase, then its end."""
    db = tmp_path / "c.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "parley", "ingest", str(EXAMPLES / "istanbul-talks.txt"), "--db", str(db)]
        + ["--date", "2025-02-28", "--progress-every", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "progress: loading models (1 document to read)"
    assert any(line.startswith("progress: loading models: ") for line in lines[1:])  # a line a second while it loads
    assert any(line.startswith("progress: models loaded in ") for line in lines)
    assert "documents: 1 new" in done.stdout
