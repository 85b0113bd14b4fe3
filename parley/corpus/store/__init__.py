"""The corpus database: an embedded DuckDB file by default, PostgreSQL for teams.

One schema for both (`migrations/NNNN_name.sql`, applied in order and recorded in
`schema_migrations`; a `NNNN_name.<dialect>.sql` beside one adds statements for that
database alone). SQL in parley is written once with `?` placeholders; the PostgreSQL
connection turns them into its own. `open_store(url)` takes a file path, `duckdb:PATH`, or
a `postgresql://` URL; without one, `PARLEY_DB`, else the default DuckDB file. DuckDB
settings may follow a `duckdb:` path as a query (`duckdb:corpus.duckdb?memory_limit=512MB`).

A DuckDB file is locked by the process that opens it: readers (`read_only=True`) share it,
a writer has it alone. Opening waits up to LOCK_WAIT seconds ($PARLEY_LOCK_WAIT) for a
conflicting process to let go, then fails with a message naming it.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

DEFAULT_PATH = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "parley" / "parley.duckdb"
POSTGRES = re.compile(r"^postgres(?:ql)?://")
LOCKED = "Could not set lock on file"  # DuckDB's words when another process holds the file
OTHER_CONFIG = "different configuration"  # DuckDB's words when this process holds it otherwise opened
# the columns of `events` in the schema's order: what ingest writes and csv/parquet exports give
EVENT_COLUMNS = (
    "event_key",
    "event_type",
    "mode",
    "cameo",
    "cameo_root",
    "quad_class",
    "goldstein",
    "date",
    "end_date",
    "date_precision",
    "status",
    "negated",
    "reciprocal",
    "actor_code",
    "actor_country",
    "actor_sector",
    "actor_name",
    "recipient_code",
    "recipient_country",
    "recipient_sector",
    "recipient_name",
    "place_name",
    "place_country",
    "place_admin1",
    "place_lat",
    "place_lon",
    "place_geonameid",
    "place_precision",
    "contexts",
    "issues",
    "confidence",
    "num_mentions",
    "num_sources",
    "num_articles",
    "first_doc_key",
    "first_url",
    "added_at",
    "coder_version",
)


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says which and why."""


def default_url() -> str:
    """PARLEY_DB if set, else the default DuckDB file."""
    return os.environ.get("PARLEY_DB") or str(DEFAULT_PATH)


def describe(url: str) -> str:
    """A URL fit to print: a PostgreSQL password is masked."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def lock_wait() -> float:
    """Seconds to wait for another process's lock on a DuckDB file: $PARLEY_LOCK_WAIT, else 5."""
    try:
        return max(0.0, float(os.environ.get("PARLEY_LOCK_WAIT", "5")))
    except ValueError:
        return 5.0


class Store:
    """A connection to the corpus database with the schema migrated to the latest version;
    `read_only`: for reading only (a DuckDB file then shared with other readers)."""

    dialect = ""
    driver_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        self._connect()
        if not read_only:
            self.migrate()
        elif not self.current():
            self._upgrade()

    def current(self) -> bool:
        """Whether every shipped migration is applied."""
        try:
            done = {r[0] for r in self.query("SELECT version FROM schema_migrations")[1]}
        except StoreError:  # no such table: a database of no schema yet
            return False
        return {version for version, _, _ in migrations(self.dialect)} <= done

    def _upgrade(self) -> None:
        """Migrate a store opened for reading whose schema is behind."""
        self.migrate()

    def _connect(self) -> None:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.guard():
            self._cursor().execute(self._sql(sql), list(params))

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert rows in bulk, the fastest way the database offers."""
        raise NotImplementedError

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Driver errors (a lost connection, a locked file, a full disk) come out as StoreError."""
        try:
            yield
        except self.driver_errors as e:
            raise StoreError(f"{describe(self.url)}: {first_line(e)}") from None

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """(column names, rows) of a SELECT."""
        with self.guard():
            cur = self._cursor()
            cur.execute(self._sql(sql), list(params))
            return [d[0] for d in cur.description], [tuple(r) for r in cur.fetchall()]

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> tuple[list[str], Iterator[tuple]]:
        """(column names, rows fetched a block at a time): for exports of any size."""
        with self.guard():
            cur = self._cursor(server_side=True)
            cur.execute(self._sql(sql), list(params))
        columns = [d[0] for d in cur.description]

        def rows() -> Iterator[tuple]:
            with self.guard():
                while block := cur.fetchmany(size):
                    yield from (tuple(r) for r in block)

        return columns, rows()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)[1]
        return rows[0][0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a crash inside leaves the database as it was before."""
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            with suppress(StoreError):  # a lost connection has rolled back already
                self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def migrate(self) -> None:
        """Apply every migration not yet applied, each in its own transaction."""
        self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        done = {r[0] for r in self.query("SELECT version FROM schema_migrations")[1]}
        for version, name, sql in migrations(self.dialect):
            if version in done:
                continue
            with self.transaction():
                for statement in (s.strip() for s in re.sub(r"--[^\n]*", "", sql).split(";")):
                    if statement:
                        self.execute(statement)
                self.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])

    def close(self) -> None:
        raise NotImplementedError

    def _cursor(self, server_side: bool = False):
        raise NotImplementedError


class DuckDBStore(Store):
    dialect = "duckdb"

    def _connect(self) -> None:
        import duckdb

        self.driver_errors = (duckdb.Error,)
        path, settings = duckdb_target(self.url)
        memory = str(path) == ":memory:"
        deadline = time.monotonic() + lock_wait()
        while True:
            try:
                if not self.read_only:
                    path.parent.mkdir(parents=True, exist_ok=True)
                self.conn = duckdb.connect(str(path), read_only=self.read_only and not memory, config=settings)
                return
            except duckdb.ConnectionException as e:
                if not (self.read_only and OTHER_CONFIG in str(e)):
                    raise StoreError(f"{path}: cannot open the database ({first_line(e)})") from None
                self.read_only = False  # this process has it open for writing: read through that
            except (OSError, duckdb.Error) as e:
                if LOCKED in str(e) and time.monotonic() < deadline:
                    time.sleep(0.1)  # another process writes (or, for a writer, reads): wait for it
                    continue
                raise StoreError(f"{path}: cannot open the database ({_lock_reason(e, self.read_only)})") from None

    def _upgrade(self) -> None:
        """Reopen for writing just long enough to migrate, then for reading again."""
        self.conn.close()
        self.read_only = False
        self._connect()
        try:
            self.migrate()
        finally:
            self.conn.close()
        self.read_only = True
        self._connect()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """As Store's; and Ctrl-C during a statement, which DuckDB turns into a RuntimeError,
        stays a KeyboardInterrupt (the CLI's "interrupted", not a traceback)."""
        try:
            with super().guard():
                yield
        except RuntimeError as e:
            if str(e) != "Query interrupted":
                raise
            raise KeyboardInterrupt from None

    def _cursor(self, server_side: bool = False):
        # a stream reads through a cursor of its own, so queries run meanwhile do not cut it short
        return self.conn.cursor() if server_side else self.conn

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """DuckDB binds a list per column and unnests them: fifteen times faster than VALUES rows."""
        if not rows:
            return
        cols = [list(c) for c in zip(*rows)]
        self.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(['unnest(?)'] * len(columns))}", cols
        )

    def close(self) -> None:
        self.conn.close()


class PostgresStore(Store):
    dialect = "postgresql"

    def _connect(self) -> None:
        import psycopg

        self.driver_errors = (psycopg.Error,)
        try:
            self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as e:
            raise StoreError(f"{describe(self.url)}: cannot connect ({first_line(e)})") from None
        self._plain = self.conn.cursor()

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def _cursor(self, server_side: bool = False):
        return self._plain

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """PostgreSQL's COPY: rows streamed in one command, several times faster than VALUES rows."""
        if not rows:
            return
        with self.guard(), self._plain.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def stream(self, sql: str, params: Sequence[Any] = (), size: int = 10_000) -> tuple[list[str], Iterator[tuple]]:
        """A server-side cursor on a connection of its own: this store's own transactions and
        queries are untouched while the rows are read."""
        import psycopg

        conn = psycopg.connect(self.url, connect_timeout=10)
        cur = conn.cursor(name="parley_stream")
        try:
            cur.execute(self._sql(sql), list(params))
            first = cur.fetchmany(size)  # a named cursor knows its columns only after a fetch
        except BaseException:
            conn.close()
            raise
        columns = [d[0] for d in cur.description]

        def rows() -> Iterator[tuple]:
            block = first
            try:
                while block:
                    yield from (tuple(r) for r in block)
                    block = cur.fetchmany(size)
            finally:
                conn.close()

        return columns, rows()

    def close(self) -> None:
        self.conn.close()


def duckdb_target(url: str) -> tuple[Path, dict[str, str]]:
    """(file, settings) of a DuckDB URL: a path, or `duckdb:PATH` with an optional query of
    DuckDB settings (`?memory_limit=512MB&threads=2`)."""
    if not url.startswith("duckdb:"):
        return Path(url).expanduser(), {}
    path, _, query = url.removeprefix("duckdb:").partition("?")
    return Path(path).expanduser(), dict(parse_qsl(query, keep_blank_values=True))


def open_store(url: str | None = None, *, read_only: bool = False) -> Store:
    """The database at `url` (a path, duckdb:PATH or postgresql://...), migrated; `read_only`
    for commands that only read (a DuckDB file is then shared with other readers)."""
    url = url or default_url()
    return PostgresStore(url, read_only) if POSTGRES.match(url) else DuckDBStore(url, read_only)


def _lock_reason(e: BaseException, read_only: bool) -> str:
    """The driver's first line, and for a lock held elsewhere what it means and how long was waited."""
    line = first_line(e)
    if LOCKED not in str(e):
        return line
    holder = re.search(r"\(PID (\d+)\)", str(e))
    who = f"process {holder.group(1)}" if holder else "another process"
    need = "it is being written" if read_only else "a writer needs it alone"
    return f"{line.split(':')[0]}: Could not set lock: {who} has it open and {need}; waited {lock_wait():g} s"


def migrations(dialect: str = "") -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every shipped migration, in order; with a dialect, each one's
    statements for that database alone follow its shared ones."""
    folder = resources.files(__package__).joinpath("migrations")
    files = {entry.name: entry for entry in folder.iterdir()}
    out = []
    for filename in sorted(files):
        m = re.match(r"^(\d+)_([^.]+)\.sql$", filename)
        if m:
            own = files.get(f"{m.group(1)}_{m.group(2)}.{dialect}.sql")
            sql = files[filename].read_text(encoding="utf-8") + (";\n" + own.read_text(encoding="utf-8") if own else "")
            out.append((int(m.group(1)), m.group(2), sql))
    return out


def first_line(e: BaseException) -> str:
    """The first line of an error's message: one line for the user. DuckDB gives some I/O
    errors as a JSON object after their kind; then the kind and the object's message."""
    line = (str(e).strip().splitlines() or [type(e).__name__])[0]
    start = line.find('{"exception_type"')
    if start > 0:
        with suppress(ValueError, KeyError, TypeError):
            return f"{line.split(':', 1)[0]}: {json.loads(line[start:])['exception_message']}"
    return line
