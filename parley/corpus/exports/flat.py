"""The flat events table (`query.FLAT_COLUMNS`: every event column, names beside codes, the
first report's sentence, title and URL) as CSV, as Parquet with list columns, and as a
pandas DataFrame: what analysts load into pandas, R or a spreadsheet."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..query import FLAT_COLUMNS, LIST_COLUMNS, Filters, flat
from ..store import Store
from .common import cell

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

BATCH = 10_000  # rows per Parquet row group and per pandas chunk
DATES = ("date", "end_date", "published")
INTEGERS = ("quad_class", "num_mentions", "num_sources", "num_articles")
FLOATS = ("goldstein", "place_lat", "place_lon", "confidence")
BOOLEANS = ("negated", "reciprocal")


def write_csv(store: Store, filters: Filters, stream: TextIO, null: str = "") -> int:
    """The flat table with a header; lists as JSON arrays, `null` for a missing value."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(FLAT_COLUMNS)
    n = 0
    for row in flat(store, filters):
        writer.writerow([_csv_cell(row[c], null) for c in FLAT_COLUMNS])
        n += 1
    return n


def _csv_cell(value: Any, null: str) -> str:
    if value is None:
        return null
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return cell(value)


def arrow_schema() -> pa.Schema:
    """The Parquet schema: typed columns, contexts and issues as lists of strings."""
    import pyarrow as pa

    def kind(column: str) -> pa.DataType:
        if column in DATES:
            return pa.date32()
        if column in INTEGERS:
            return pa.int32()
        if column == "place_geonameid":
            return pa.int64()
        if column in FLOATS:
            return pa.float64()
        if column in BOOLEANS:
            return pa.bool_()
        if column in LIST_COLUMNS:
            return pa.list_(pa.string())
        if column == "added_at":
            return pa.timestamp("us")
        return pa.string()

    return pa.schema([(c, kind(c)) for c in FLAT_COLUMNS])


def write_parquet(store: Store, filters: Filters, path: Path) -> int:
    """The flat table as Parquet (pyarrow), written a row group at a time: any size, any backend."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema()
    n = 0
    rows = flat(store, filters)
    with pq.ParquetWriter(str(path), schema) as writer:
        while chunk := list(itertools.islice(rows, BATCH)):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
        if not n:
            writer.write_table(schema.empty_table())
    return n


def events_frame(store: Store, filters: Filters) -> pd.DataFrame:
    """The flat table as a DataFrame: dates as datetimes, counts as integers, lists as lists."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(flat(store, filters)), columns=list(FLAT_COLUMNS))
    for column in DATES:
        frame[column] = pd.to_datetime(frame[column])
    frame["added_at"] = pd.to_datetime(frame["added_at"])
    frame = frame.astype({**{c: "int64" for c in INTEGERS}, "place_geonameid": "Int64"})
    return frame.astype({**{c: "float64" for c in FLOATS}, **{c: "bool" for c in BOOLEANS}})
