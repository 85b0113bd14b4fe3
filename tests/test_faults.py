"""Faults during `parley ingest`, each injected for real into a running `parley ingest`
process: its PostgreSQL server stopped, its disk filled, a Dask worker killed, Ctrl-C, its
DuckDB file locked by another process. Each run must say what happened in one line with
the documented exit status, and a rerun must leave exactly the rows of a clean run:
nothing lost, nothing doubled.

The faulty run is the real CLI in a child process. To hit it mid-run without racing it,
the test waits until some batches are stored, then either makes its next write block (a
table lock) or pauses it (SIGSTOP), injects the fault and lets it go on."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import psutil
import psycopg
import pytest
from psycopg import sql

from parley.api import ingest
from parley.cli import EXIT_CLUSTER, EXIT_DATABASE, EXIT_OK, main

from .conftest import ROOT

DOCS = 256  # 8 write batches of 32, 4 cluster tasks of 64
STARTED = 32  # documents stored before a fault is injected: one batch
WAIT_S = 240  # the longest wait for a child to get somewhere (a loaded 2-core machine is slow)
# per table, the columns that say which rows there are and what they count
KEYS = {
    "documents": "doc_key, story_id, n_events",
    "doc_bands": "bucket, doc_key",
    "events": "event_key, num_mentions, num_sources, num_articles, first_doc_key",
    "event_actors": "event_key, role, position, code",
    "event_dyads": "event_key, actor_country, recipient_country",
    "mentions": "mention_id, event_key, doc_key",
}
PARQUET_TABLES = ("documents", "events", "event_actors", "event_dyads", "mentions")
NATIONS = (
    "Russia",
    "Ukraine",
    "China",
    "Japan",
    "France",
    "Germany",
    "Turkey",
    "Iran",
    "Israel",
    "Egypt",
    "India",
    "Pakistan",
    "Brazil",
    "Mexico",
    "Kenya",
    "Nigeria",
)
ACTS = (
    "met officials from",
    "accused",
    "threatened",
    "praised",
    "signed a trade deal with",
    "condemned",
    "demanded concessions from",
    "agreed to cooperate with",
)
CITIES = ("Geneva", "Istanbul", "Nairobi", "Paris", "Cairo", "Delhi", "Tokyo", "Berlin")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> str:
    """DOCS short distinct articles, many of them near-duplicates (stories span batches)."""
    lines = []
    for i in range(DOCS):
        actor, target = NATIONS[i % 16], NATIONS[(i * 7 + 3) % 16]
        target = NATIONS[(i + 1) % 16] if target == actor else target
        text = (
            f"The government of {actor} {ACTS[i % 8]} {target} in {CITIES[i // 8 % 8]} on Tuesday, report {i}. "
            "Officials said talks would continue."
        )
        lines.append(json.dumps({"id": f"doc-{i}", "text": text, "date": f"2025-03-{1 + i % 28:02d}"}) + "\n")
    path = tmp_path_factory.mktemp("faults") / "corpus.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def reference(corpus, pipeline, tmp_path_factory) -> dict[str, list[tuple]]:
    """The rows of a clean single-process run into a DuckDB file."""
    db = str(tmp_path_factory.mktemp("reference") / "clean.duckdb")
    assert ingest([corpus], db, pipeline=pipeline).new == DOCS
    return _content(db)


def _content(url: str) -> dict[str, list[tuple]]:
    """Per table, the sorted key and count columns of every row (a doubled row shows twice)."""
    from parley.corpus.store import open_store

    store = open_store(url)
    try:
        return {t: sorted(store.query(f"SELECT {cols} FROM {t}")[1]) for t, cols in KEYS.items()}
    finally:
        store.close()


class Server:
    """A private PostgreSQL server (scripts/postgres.sh) that a test may stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _script(self, command: str) -> str:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "postgres.sh"), command, str(self.folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"postgres.sh {command}: {done.stderr.strip()}"
        return done.stdout.strip()

    def start(self) -> str:
        """Start it (or find it running); its URL, whose port may change between starts."""
        return self._script("start")

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended, their transactions rolled back."""
        self._script("stop")

    def database(self, name: str) -> str:
        """A fresh empty database on the running server, by name: its URL is `url(name)`."""
        with psycopg.connect(self.start(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def url(self, name: str) -> str:
        return f"{self.start().rsplit('/', 1)[0]}/{name}"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("pgfaults")
    own = Server(folder)
    own.start()
    yield own
    own.stop()
    home = (folder / "home").read_text().strip()
    if home != str(folder):  # postgres.sh put the server's files in a directory of its own
        shutil.rmtree(home, ignore_errors=True)


def _launch(*args: str) -> subprocess.Popen:
    """`parley ARGS` in a child process of its own session (so a signal can reach all it starts),
    with Ctrl-C's default action, as a terminal starts it: a suite run as a background job of a
    script ignores SIGINT, and its children would inherit that."""
    return subprocess.Popen(
        [sys.executable, "-m", "parley", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait(condition: Callable[[], bool], child: subprocess.Popen, what: str) -> None:
    """Until `condition()` holds; fails if the child ends first or it takes too long."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if child.poll() is not None:
            pytest.fail(f"parley ended (status {child.returncode}) before {what}: {child.stderr.read()}")
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


def _finish(child: subprocess.Popen) -> tuple[int, list[str]]:
    """The child's exit status and its lines on standard error, once it ends."""
    _, err = child.communicate(timeout=WAIT_S)
    return child.returncode, err.strip().splitlines()


@contextlib.contextmanager
def _paused_when(condition: Callable[[], bool], child: subprocess.Popen, what: str) -> Iterator[None]:
    """The child and all it started stopped (SIGSTOP) once `condition()` holds, for the duration.

    The condition is only read while they stand still, so a fast run cannot finish between
    the test seeing it and pausing it; between reads they run for a moment."""
    deadline = time.monotonic() + WAIT_S
    while True:
        if child.poll() is not None:  # reaped only here: until then an ended child stays a signallable zombie
            pytest.fail(f"parley ended (status {child.returncode}) before {what}: {child.stderr.read()}")
        os.killpg(child.pid, signal.SIGSTOP)
        if condition():
            break
        os.killpg(child.pid, signal.SIGCONT)
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)
    try:
        yield
    finally:
        os.killpg(child.pid, signal.SIGCONT)


def _stored(url: str) -> int:
    """Documents committed so far in a PostgreSQL database (0 before its tables exist)."""
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except psycopg.Error:
        return 0


def test_postgres_stopped_mid_ingest_then_rerun(corpus, reference, server, capsys):
    name = f"stopped_{uuid.uuid4().hex[:8]}"
    url = server.database(name)
    child = _launch("ingest", corpus, "--db", url, "--quiet")
    _wait(lambda: _stored(url) >= STARTED, child, "a batch was stored")
    # block the run inside its next batch's transaction, then stop the server under it
    with contextlib.closing(psycopg.connect(url)) as blocker, psycopg.connect(url, autocommit=True) as watcher:
        blocker.execute("LOCK TABLE mentions IN EXCLUSIVE MODE")
        _wait(
            lambda: (
                watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [name]
                ).fetchone()[0]
                > 0
            ),
            child,
            "its next batch waited on the lock",
        )
        server.stop()
    status, err = _finish(child)
    assert status == EXIT_DATABASE, err
    assert len(err) == 1 and err[0].startswith(f"parley: {url}: ") and "connection" in err[0], err

    # a run started while the server is down: one line, nothing else
    status, err = _finish(_launch("ingest", corpus, "--db", url, "--quiet"))
    assert status == EXIT_DATABASE and len(err) == 1, err
    assert err[0].startswith(f"parley: {url}: cannot connect"), err

    again = server.url(name)  # the server is started again (on a new port)
    partial = _content(again)
    assert 0 < len(partial["documents"]) < DOCS and len(partial["documents"]) % 32 == 0
    assert main(["ingest", corpus, "--db", again]) == EXIT_OK
    assert (
        f"{DOCS - len(partial['documents'])} new, {len(partial['documents'])} already present"
        in capsys.readouterr().out
    )
    assert _content(again) == reference


class Disk:
    """A small filesystem that can be filled while a run writes to it: a tmpfs of its own
    (mounting needs root), else writes made to fail through the writer's RLIMIT_FSIZE
    (EFBIG, "File too large"), where mounting is not permitted."""

    SIZE = "16m"

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.SIZE}", "tmpfs", str(path)], capture_output=True, check=False
        )
        self.tmpfs = mounted.returncode == 0
        self.filler = path / "filler"

    def fill(self, child: subprocess.Popen) -> str:
        """Make the child's next writes here fail; the reason they will give."""
        if not self.tmpfs:
            import resource

            resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
            return os.strerror(27)  # EFBIG: Python ignores SIGXFSZ, so the write fails instead
        block = b"\0" * 2**20
        with self.filler.open("wb") as f, contextlib.suppress(OSError):
            while True:
                f.write(block)
                f.flush()
        return os.strerror(28)  # ENOSPC

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def close(self) -> None:
        if self.tmpfs:
            subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Disk]:
    own = Disk(tmp_path / "disk")
    yield own
    own.close()


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _committed(db: Path) -> Callable[[], bool]:
    """A condition for `_paused_when`: a batch was committed to the DuckDB file `db`, as a
    rerun will find it. DuckDB appends each commit to the file's log (the schema's own is
    ~6 KB); once that passes 64 KB, a copy of the file and its log, taken while the run stands
    still, is opened and its documents counted (a batch's commit can itself pass 64 KB, and a
    run stopped halfway through writing it has committed nothing)."""

    def condition() -> bool:
        wal = Path(f"{db}.wal")
        if _size(wal) <= 64 * 1024:
            return False
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / db.name
            shutil.copyfile(db, copy)
            shutil.copyfile(wal, f"{copy}.wal")
            try:
                with duckdb.connect(str(copy)) as con:
                    return con.execute("SELECT count(*) FROM documents").fetchone()[0] > 0
            except duckdb.Error:  # the log's last commit half written: nothing to count yet
                return False

    return condition


def test_a_full_disk_under_a_duckdb_file_then_rerun(corpus, reference, disk, capsys):
    db = disk.path / "corpus.duckdb"
    child = _launch("ingest", corpus, "--db", str(db), "--quiet")
    with _paused_when(_committed(db), child, "a batch was committed"):
        reason = disk.fill(child)
    status, err = _finish(child)
    assert status == EXIT_DATABASE, err
    assert len(err) == 1 and err[0].startswith(f"parley: {db}: ") and err[0].endswith(reason), err

    disk.free()
    assert main(["ingest", corpus, "--db", str(db)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "already present" in out and f"{DOCS} new" not in out  # the batches committed before were kept
    assert _content(str(db)) == reference


def _parquet(root: Path) -> dict[str, list[tuple]]:
    """Per table, the sorted key and count columns of every row of the Parquet files."""
    return {
        t: sorted(
            duckdb.sql(f"SELECT {KEYS[t]} FROM read_parquet(?)", params=[str(root / t / "*" / "*.parquet")]).fetchall()
        )
        for t in PARQUET_TABLES
    }


def test_a_full_disk_under_parquet_output_then_rerun(corpus, pipeline, disk, tmp_path, capsys):
    clean = tmp_path / "clean"
    assert ingest([corpus], out=str(clean), pipeline=pipeline).new == DOCS
    out = disk.path / "out"
    child = _launch("ingest", corpus, "--out", str(out), "--quiet")
    with _paused_when(lambda: any((out / "_batches").glob("*.done")), child, "a batch was written"):
        reason = disk.fill(child)
    status, err = _finish(child)
    assert status == EXIT_DATABASE, err
    assert len(err) == 1 and err[0].startswith(f"parley: {out}: cannot write Parquet files (") and reason in err[0], err

    disk.free()
    assert main(["ingest", corpus, "--out", str(out)]) == EXIT_OK
    assert "already present" in capsys.readouterr().out
    assert _parquet(out) == _parquet(clean)


def _workers(child: subprocess.Popen) -> list[psutil.Process]:
    """The Dask worker processes a `parley ingest --workers N` started (its spawned children)."""
    return [p for p in psutil.Process(child.pid).children() if "spawn_main" in " ".join(p.cmdline())]


def test_a_dask_worker_killed_mid_run_then_rerun(corpus, reference, server, capsys):
    url = server.database(f"killed_{uuid.uuid4().hex[:8]}")
    child = _launch("ingest", corpus, "--db", url, "--workers", "2", "--quiet")
    _wait(lambda: _stored(url) >= STARTED, child, "a batch was stored")
    workers = _workers(child)
    assert len(workers) == 2
    for worker in workers:
        worker.cpu_percent()
    time.sleep(0.5)
    busiest = max(workers, key=lambda w: w.cpu_percent())  # coding a task now
    busiest.send_signal(signal.SIGKILL)
    status, err = _finish(child)
    # its task runs again on a worker (Dask's retries), else the run says so in one line
    assert status == EXIT_OK and not err or status == EXIT_CLUSTER and len(err) == 1, (status, err)
    if status == EXIT_OK:
        assert _content(url) == reference

    assert main(["ingest", corpus, "--db", url]) == EXIT_OK
    assert _content(url) == reference
    assert all(not w.is_running() for w in workers)  # the run closed its cluster


def test_ctrl_c_mid_cluster_ingest_then_rerun(corpus, reference, tmp_path, capsys):
    db = tmp_path / "corpus.duckdb"
    child = _launch("ingest", corpus, "--db", str(db), "--workers", "2", "--quiet")
    with _paused_when(_committed(db), child, "a batch was committed"):
        workers = _workers(child)
        os.killpg(child.pid, signal.SIGINT)  # what a terminal's Ctrl-C sends: the driver and its workers
    status, err = _finish(child)
    assert (status, err) == (130, ["parley: interrupted"])
    assert workers and all(not w.is_running() for w in workers)

    assert main(["ingest", corpus, "--db", str(db)]) == EXIT_OK
    assert "already present" in capsys.readouterr().out
    assert _content(str(db)) == reference


def test_sigterm_mid_ingest_then_rerun(corpus, reference, tmp_path, capsys):
    """What a service manager or Kubernetes sends to stop a run: the open transaction rolls back."""
    db = tmp_path / "corpus.duckdb"
    child = _launch("ingest", corpus, "--db", str(db), "--quiet")
    _wait(lambda: _size(Path(f"{db}.wal")) > 64 * 1024, child, "a batch was committed")
    child.terminate()
    assert _finish(child) == (128 + signal.SIGTERM, ["parley: terminated"])

    assert main(["ingest", corpus, "--db", str(db)]) == EXIT_OK
    assert "already present" in capsys.readouterr().out
    assert _content(str(db)) == reference


def test_a_duckdb_file_locked_by_another_process(corpus, tmp_path):
    db = tmp_path / "corpus.duckdb"
    with duckdb.connect(str(db)) as holder:  # this process holds the file's lock
        holder.execute("CREATE TABLE mine (x INTEGER)")
        status, err = _finish(_launch("ingest", corpus, "--db", str(db), "--quiet"))
        assert status == EXIT_DATABASE and len(err) == 1, err
        assert err[0].startswith(f"parley: {db}: cannot open the database (") and "lock" in err[0], err
        assert holder.execute("SELECT table_name FROM information_schema.tables").fetchall() == [("mine",)]
