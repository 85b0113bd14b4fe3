"""The flat events table, as CSV or Parquet."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import TextIO

from ..query import EVENT_COLUMNS, Filters, select
from ..store import Store, open_store
from .common import cell


def write_csv(store: Store, filters: Filters, stream: TextIO, null: str = "") -> int:
    """The flat events table with a header; `null` stands for a missing value."""
    names, rows = store.stream(*select(filters, ", ".join(f"e.{c}" for c in EVENT_COLUMNS)))
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    n = 0
    for row in rows:
        writer.writerow([null if v is None else cell(v) for v in row])
        n += 1
    return n


def write_parquet(store: Store, filters: Filters, path: Path) -> int:
    """The flat events table as Parquet, by DuckDB's COPY. PostgreSQL rows are streamed to a
    temporary CSV file, loaded into an in-memory DuckDB table with the same schema, and copied."""
    if store.dialect == "duckdb":
        sql, params = select(filters, ", ".join(f"e.{c}" for c in EVENT_COLUMNS))
        store.execute(f"COPY ({sql}) TO ? (FORMAT PARQUET)", [*params, str(path)])
        return int(store.scalar("SELECT count(*) FROM read_parquet(?)", [str(path)]))
    with tempfile.TemporaryDirectory(prefix="parley-export-") as folder:
        rows = Path(folder) / "events.csv"
        with rows.open("w", encoding="utf-8", newline="") as stream:
            n = write_csv(store, filters, stream, null="\\N")
        memory = open_store("duckdb::memory:")
        try:
            memory.execute("COPY events FROM ? (FORMAT CSV, HEADER, NULLSTR '\\N')", [str(rows)])
            memory.execute("COPY events TO ? (FORMAT PARQUET)", [str(path)])  # in the order loaded
        finally:
            memory.close()
    return n
