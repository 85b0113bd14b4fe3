"""Shared fixtures: one real pipeline per test session, the example articles, the databases."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from parley.nlp.pipeline import default_pipeline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"
PGTEST = ROOT / ".pgtest"
SESSION_APP = "parley-test-session"  # application_name of each test session's own connection


# markers (pyproject.toml): `make test-fast` leaves these out; the full suite runs them all
SLOW_FILES = {
    "test_classify_workers.py",
    "test_cluster.py",
    "test_faults.py",
    "test_fuzz.py",
    "test_learn.py",
    "test_tuned_layers.py",
    "test_heap.py",
}
POSTGRES = {"postgres_url", "pg_store_url", "postgres", "postgresql"}  # fixtures, and parameters that choose them


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow, PostgreSQL and browser tests from their file, fixtures and parameters."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        chosen = {v for v in params.values() if isinstance(v, str)}
        if POSTGRES & (set(getattr(item, "fixturenames", ())) | chosen):
            item.add_marker(pytest.mark.postgres)
        if item.path.name == "test_dashboard.py":
            item.add_marker(pytest.mark.browser)
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def pipeline():
    """The whole coder: verb patterns and the event classifier."""
    return default_pipeline()


@pytest.fixture(scope="session")
def patterns(pipeline):
    """The dictionary coder alone (no classifier), sharing the loaded spaCy model."""
    from parley.nlp.pipeline import Pipeline

    return Pipeline(pipeline.nlp, classifier=False)


@pytest.fixture(scope="session")
def scoring(pipeline):
    """The coder as `parley eval` runs it: every sentence's main verb typed."""
    from parley.nlp.pipeline import Pipeline

    return Pipeline(pipeline.nlp, score_all_sentences=True)


@pytest.fixture(scope="session")
def examples() -> dict[str, dict]:
    """The bundled example corpus, by id."""
    lines = (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def postgres(command: str) -> str:
    """Run `scripts/postgres.sh COMMAND .pgtest`: its output, or the test fails with its error."""
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh"), command, str(PGTEST)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"scripts/postgres.sh {command} failed: {done.stderr.strip()}", pytrace=False)
    return done.stdout.strip()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server on loopback (installed if needed), up for the whole session."""
    url = postgres("start")
    # this connection marks the session as a user of the server: the last session to end stops it
    with psycopg.connect(url, autocommit=True, application_name=SESSION_APP) as own:
        yield url
        others = own.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
            [SESSION_APP],
        ).fetchone()[0]
    if not others:
        postgres("stop")


@pytest.fixture
def pg_store_url(postgres_url: str) -> Iterator[str]:
    """A fresh empty PostgreSQL database for one test, dropped after it."""
    name = f"parley_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield f"{postgres_url.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def duckdb_url(tmp_path: Path) -> str:
    """A DuckDB database file not yet created, in the test's own directory."""
    return str(tmp_path / "parley.duckdb")


def countries(actors) -> set[str]:
    return {a.country for a in actors if a.country}


XSS_ARTICLE = {
    "id": "xss-1",
    "date": "2025-02-24",
    "source": "<b>wire</b>",
    "url": "javascript:window.__pwned=4",
    "title": '<img src=x onerror="window.__pwned=3">Raid',
    "text": "Russian troops attacked Ukrainian forces <script>window.__pwned=1</script> near Kharkiv on Monday, "
    '<img src=x onerror="window.__pwned=2"> officials said. Protesters said the attack killed two.',
}


@pytest.fixture(scope="session")
def web_db(pipeline, tmp_path_factory) -> str:
    """A DuckDB corpus of the bundled examples and one article carrying script payloads; read-only for tests."""
    import datetime as dt

    from parley.api import ReadOptions, ingest

    db = str(tmp_path_factory.mktemp("web") / "corpus.duckdb")
    hostile = tmp_path_factory.mktemp("hostile") / "xss.jsonl"
    hostile.write_text(json.dumps(XSS_ARTICLE) + "\n", encoding="utf-8")
    summary = ingest([str(EXAMPLES), str(hostile)], db, read=ReadOptions(date=dt.date(2025, 2, 28)), pipeline=pipeline)
    assert summary.failed == 0 and summary.new == 7
    return db
