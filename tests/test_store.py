"""The corpus database layer on both backends: DuckDB and a real PostgreSQL server."""

from __future__ import annotations

import pytest

from parley.corpus.store import StoreError, migrations, open_store

ROWS = 25_000


@pytest.fixture(params=["duckdb_url", "pg_store_url"], ids=["duckdb", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    """A new, empty database of each backend."""
    return request.getfixturevalue(request.param)


def test_migrations_are_recorded_once(url: str) -> None:
    store = open_store(url)
    recorded = store.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")[1]
    store.close()
    assert [(v, n) for v, n, _ in recorded] == [(v, n) for v, n, _ in migrations()]
    store = open_store(url)  # a second apply would fail: CREATE TABLE of an existing table
    assert store.query("SELECT version, name, applied_at FROM schema_migrations ORDER BY version")[1] == recorded
    assert store.scalar("SELECT count(*) FROM documents") == 0
    store.close()


def test_a_first_schema_database_is_upgraded_with_its_rows(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus written under migration 1 alone keeps its bands through migration 2, whose
    band table has no unique key; PostgreSQL gains an index on the bucket, DuckDB keeps no
    secondary index (each would live in its memory)."""
    import parley.corpus.store

    shipped = parley.corpus.store.migrations
    monkeypatch.setattr(parley.corpus.store, "migrations", lambda dialect="": shipped(dialect)[:1])
    store = open_store(url)
    store.execute("INSERT INTO doc_bands (bucket, doc_key) VALUES ('0:ab', 'k1'), ('1:cd', 'k1')")
    store.close()
    monkeypatch.setattr(parley.corpus.store, "migrations", shipped)
    store = open_store(url)
    assert store.query("SELECT bucket, doc_key FROM doc_bands ORDER BY bucket")[1] == [("0:ab", "k1"), ("1:cd", "k1")]
    store.execute("INSERT INTO doc_bands (bucket, doc_key) VALUES ('0:ab', 'k1')")
    assert store.scalar("SELECT count(*) FROM doc_bands") == 3
    if store.dialect == "postgresql":
        assert (
            store.scalar("SELECT count(*) FROM pg_indexes WHERE indexname IN ('doc_bands_bucket', 'mentions_event')")
            == 2
        )
    else:
        assert store.scalar("SELECT count(*) FROM duckdb_indexes()") == 0
    assert store.scalar("SELECT max(version) FROM schema_migrations") == shipped()[-1][0]
    store.close()


def test_duckdb_settings_ride_on_the_url(tmp_path) -> None:
    from parley.corpus.query import open_existing

    url = f"duckdb:{tmp_path / 'c.duckdb'}?memory_limit=200MB&threads=1"
    with pytest.raises(StoreError, match=f"no database at {tmp_path / 'c.duckdb'}; run parley ingest first"):
        open_existing(url)
    open_store(url).close()
    store = open_existing(url)
    assert store.scalar("SELECT current_setting('threads')") == 1
    assert store.scalar("SELECT current_setting('memory_limit')").startswith("190")  # DuckDB shows MiB
    store.close()
    with pytest.raises(StoreError, match="cannot open the database.*no_such_setting"):
        open_store(f"duckdb:{tmp_path / 'c.duckdb'}?no_such_setting=1")


def test_failed_transaction_leaves_nothing(url: str) -> None:
    store = open_store(url)
    store.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError, match="crash"), store.transaction():
        store.execute("INSERT INTO t VALUES (?)", [1])
        store.execute("CREATE TABLE u (y INTEGER)")
        raise RuntimeError("crash")
    with store.transaction():
        store.execute("INSERT INTO t VALUES (?)", [2])
    store.close()
    store = open_store(url)
    assert store.query("SELECT x FROM t")[1] == [(2,)]
    assert store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'u'") == 0
    store.close()


def test_stream_returns_every_row_in_order(url: str) -> None:
    store = open_store(url)
    store.execute("CREATE TABLE n (i INTEGER, label TEXT)")
    store.execute(f"INSERT INTO n SELECT g.i, 'row ' || g.i FROM generate_series(1, {ROWS}) AS g(i)")
    columns, rows = store.stream("SELECT i, label FROM n ORDER BY i DESC", size=4_096)
    assert columns == ["i", "label"]
    assert list(rows) == [(i, f"row {i}") for i in range(ROWS, 0, -1)]
    assert store.scalar("SELECT count(*) FROM n") == ROWS  # the connection is usable afterwards
    store.close()


def test_failed_stream_leaves_the_store_usable(url: str) -> None:
    store = open_store(url)
    with pytest.raises(Exception, match="no_such_column"):
        store.stream("SELECT no_such_column FROM documents")
    assert store.scalar("SELECT count(*) FROM documents") == 0
    columns, rows = store.stream("SELECT version FROM schema_migrations ORDER BY version")
    assert (columns, list(rows)) == (["version"], [(v,) for v, _, _ in migrations()])
    store.close()


def test_bad_duckdb_paths_raise_store_error(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    not_a_database = tmp_path / "notes.duckdb"
    not_a_database.write_text("plain text, not a DuckDB database\n" * 200)
    for path in (blocker / "sub" / "parley.duckdb", not_a_database):
        with pytest.raises(StoreError) as error:
            open_store(str(path))
        message = str(error.value)
        assert message.startswith(f"{path}: cannot open the database (")
        assert "\n" not in message


def test_unreachable_postgres_raises_store_error() -> None:
    with pytest.raises(StoreError) as error:
        open_store("postgresql://parley:s3cret@127.0.0.1:1/parley_test")
    message = str(error.value)
    assert message.startswith("postgresql://parley:***@127.0.0.1:1/parley_test: cannot connect (")
    assert "s3cret" not in message
    assert "\n" not in message
