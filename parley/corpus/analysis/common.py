"""What the analyses share, as pandas takes it: period starts as timestamps, the documents'
coverage as a Series (the arithmetic is `parley.corpus.periods`, in plain Python), and a
plain `Table` as a DataFrame."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import periods
from ..periods import period_sql
from ..query import Filters
from ..store import Store
from ..table import Table

__all__ = ["coverage", "frame", "period_range", "period_sql", "start_of"]


def start_of(day: dt.date, by: str) -> pd.Timestamp:
    """The start of the period that holds `day`."""
    return pd.Timestamp(periods.period_start(day, by)).as_unit("us")


def period_range(by: str, start: dt.date | None, end: dt.date | None) -> pd.DatetimeIndex | None:
    """Every period start from the period of `start` to that of `end`; None when there is none.
    A range of more than MAX_PERIODS periods is refused (ValueError) before it is built."""
    starts = periods.period_starts(by, start, end)
    return None if starts is None else pd.DatetimeIndex(starts, name="period").as_unit("us")


def coverage(store: Store, by: str, filters: Filters | None = None) -> tuple[dt.date | None, dt.date | None, pd.Series]:
    """(first, last publication date, documents published per period): what the corpus can
    see. With a source filter, that publisher's documents only."""
    first, last, documents = periods.coverage(store, by, filters)
    return first, last, pd.Series({pd.Timestamp(p): n for p, n in documents.items()}, dtype="int64")


def frame(table: Table) -> pd.DataFrame:
    """A Table as a DataFrame: counts as nullable integers (Int64), floats with NaN, dates as
    timestamps (NaT where missing), text and lists as they are. An empty table keeps its
    column names only."""
    if not table.rows:
        return pd.DataFrame(columns=table.columns)
    columns: dict = {}
    for name, values in zip(table.columns, zip(*table.rows)):
        kind = table.kind(name)
        if kind == "date":
            columns[name] = pd.DatetimeIndex(values, name=name).as_unit("us")
        elif kind == "count":
            columns[name] = pd.array(values, dtype="Int64")
        elif kind == "int":
            columns[name] = np.array(values, dtype=np.int64)
        elif kind == "float":
            columns[name] = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        else:
            columns[name] = list(values)
    return pd.DataFrame(columns)
