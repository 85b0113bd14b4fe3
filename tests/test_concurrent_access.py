"""Several processes on one DuckDB file (issues 23 and 24): commands that only read open it
read-only, so they run side by side, on a read-only mount, and while `parley serve` runs;
a writer waits for readers (and readers for a writer) up to $PARLEY_LOCK_WAIT, then fails
with one line naming the holder; nothing is lost or doubled. Every party is a real process."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .serving import serving

ROOT = Path(__file__).resolve().parent.parent
HOLD = (  # a child that holds a DuckDB file open (argv: path, read_only 0/1, seconds), saying when it has it
    "import duckdb, sys, time\n"
    "conn = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == '1')\n"
    "print('holding', flush=True)\n"
    "time.sleep(float(sys.argv[3]))\n"
)
ARTICLE = {"id": "new-1", "text": "Russia and Ukraine met in Istanbul on Monday.", "date": "2025-05-20"}


def parley(*args: str, wait: float | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    if wait is not None:
        env["PARLEY_LOCK_WAIT"] = str(wait)
    return subprocess.Popen(
        [sys.executable, "-m", "parley", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode(), err.decode()


def hold(db: str, read_only: bool, seconds: float) -> subprocess.Popen:
    """A process holding the file, once it has it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, db, "1" if read_only else "0", str(seconds)], stdout=subprocess.PIPE
    )
    assert proc.stdout.readline() == b"holding\n"
    return proc


@pytest.fixture
def corpus(web_db, tmp_path) -> str:
    """A copy of the web corpus this test may write to."""
    db = tmp_path / "corpus.duckdb"
    shutil.copy(web_db, db)
    return str(db)


def test_reading_commands_run_side_by_side(corpus):
    alone = finish(parley("events", "--db", corpus, "--format", "jsonl"))
    assert alone[0] == 0 and alone[1].count("\n") > 5
    holder = hold(corpus, read_only=True, seconds=30)  # a notebook's read-only connection, left open
    try:
        readers = [parley("events", "--db", corpus, "--format", "jsonl", wait=0) for _ in range(3)]
        readers += [parley("dyad", "USA", "RUS", "--db", corpus, wait=0), parley("network", "--db", corpus, wait=0)]
        results = [finish(r) for r in readers]
    finally:
        holder.kill()
        holder.wait()
    assert [r[0] for r in results] == [0] * 5, [r[2] for r in results]
    assert [r[1] for r in results[:3]] == [alone[1]] * 3  # each sees all of it


def test_reading_commands_work_on_a_read_only_mount(corpus, tmp_path):
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        pytest.skip("no private mount namespace here (unshare -m) to make a read-only mount in")
    folder = Path(corpus).parent
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} || exit 77; "
        f"touch {folder}/probe 2>/dev/null && exit 78; "
        f"exec {sys.executable} -m parley events --db {corpus} --format csv"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, timeout=120)
    if done.returncode == 77:
        pytest.skip(f"mounting is not permitted here: {done.stderr.decode()[-200:]}")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().count("\n") > 5


def test_a_reader_waits_for_a_writer_then_fails_with_one_line(corpus):
    writer = hold(corpus, read_only=False, seconds=1.5)  # as `parley ingest` holds it
    started = time.monotonic()
    waited = finish(parley("events", "--db", corpus, wait=10))  # the writer is gone within the wait
    assert waited[0] == 0 and time.monotonic() - started >= 1, waited[2]
    writer.wait()
    writer = hold(corpus, read_only=False, seconds=30)
    try:
        status, out, err = finish(parley("events", "--db", corpus, wait=1))
    finally:
        writer.kill()
        writer.wait()
    assert status == 3 and out == "" and len(err.splitlines()) == 1, err
    assert err.startswith(f"parley: {corpus}: cannot open the database (IO Error: Could not set lock: process ")
    assert err.rstrip().endswith("has it open and it is being written; waited 1 s)")


def test_a_writer_waits_for_readers_then_fails_with_one_line(corpus, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    reader = hold(corpus, read_only=True, seconds=30)
    try:
        status, _, err = finish(parley("ingest", str(empty), "--db", corpus, "--quiet", wait=1))
    finally:
        reader.kill()
        reader.wait()
    assert status == 3 and len(err.splitlines()) == 1, err
    assert "has it open and a writer needs it alone; waited 1 s)" in err


def request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        headers = {"Authorization": "Bearer s3cret", "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


@pytest.fixture
def served(corpus) -> Iterator[int]:
    """`parley serve` with ingestion enabled, over the copy, in its own process; its port."""
    with serving(corpus, "--token", "s3cret", env={**os.environ, "PARLEY_LOCK_WAIT": "3"}) as port:
        yield port


def test_the_cli_and_a_notebook_read_while_parley_serve_runs(served, corpus):
    status, page = request(served, "GET", "/api/events?limit=1000")
    assert status == 200 and page["total"] > 5  # the server has the file open now
    cli = finish(parley("events", "--db", corpus, "--format", "jsonl", wait=0))
    assert cli[0] == 0 and cli[1].count("\n") == page["total"], cli[2]
    notebook = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
            " print(c.execute('SELECT count(*) FROM events').fetchone()[0])",
            corpus,
        ],
        capture_output=True,
        timeout=60,
    )
    assert notebook.returncode == 0 and int(notebook.stdout) == page["total"], notebook.stderr.decode()
    assert request(served, "GET", "/api/events?limit=1")[0] == 200  # and the server still answers


def count_documents(db: str) -> tuple[int, int]:
    """(documents, distinct ids) as a separate read-only process sees them."""
    code = (
        "import duckdb, json, sys; c = duckdb.connect(sys.argv[1], read_only=True);"
        " print(json.dumps(c.execute('SELECT count(*), count(DISTINCT doc_id) FROM documents').fetchone()))"
    )
    done = subprocess.run([sys.executable, "-c", code, db], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    return tuple(json.loads(done.stdout))


@pytest.mark.slow
def test_an_api_ingest_waits_for_a_reader_or_fails_clearly_and_loses_nothing(served, corpus):
    status, summary = request(served, "POST", "/api/ingest", ARTICLE)  # the model loads: later posts are quick
    assert status == 200 and summary["new"] == 1, summary
    before = count_documents(corpus)
    reader = hold(corpus, read_only=True, seconds=1.5)  # shorter than the server's wait (3 s)
    second = dict(ARTICLE, id="new-2", text="Turkey and Greece held talks in Ankara on Tuesday.")
    status, summary = request(served, "POST", "/api/ingest", second)
    reader.wait()
    assert status == 200 and summary["new"] == 1, summary
    assert count_documents(corpus) == (before[0] + 1, before[1] + 1)
    reader = hold(corpus, read_only=True, seconds=60)  # longer than the wait: the write is refused, said plainly
    third = dict(ARTICLE, id="new-3", text="France and Germany signed a trade agreement in Paris on Friday.")
    try:
        status, answer = request(served, "POST", "/api/ingest", third)
        assert status == 503 and "a writer needs it alone; waited 3 s" in answer["detail"], answer
        assert request(served, "GET", "/api/events?limit=1")[0] == 200  # reads go on meanwhile
    finally:
        reader.kill()
        reader.wait()
    status, summary = request(served, "POST", "/api/ingest", third)  # once the reader is gone, the same post
    assert status == 200 and summary["new"] == 1, summary
    assert count_documents(corpus) == (before[0] + 2, before[1] + 2)  # nothing lost, nothing doubled
    stored = finish(parley("events", "--db", corpus, "--format", "jsonl"))[1].splitlines()
    assert len(stored) == request(served, "GET", "/api/events?limit=1")[1]["total"]
