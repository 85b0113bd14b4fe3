"""Events per period as DataFrames: a dyad's (or one party's, or several dyads') counts by quad
class and PLOVER type, Goldstein sum and mean, balance, and the documents behind them.

The rows are counted in plain Python (`parley.corpus.series_rows`, which says how events and
periods count); `common.frame` types their columns: nullable integer counts (missing in a gap),
float Goldstein figures and balance (NaN where there is no mean), period starts as dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from ..query import Filters
from ..series_rows import COLUMNS, QUADS, dyad_rows, many_rows, series_filters, series_rows
from ..store import Store
from .common import frame

__all__ = ["COLUMNS", "QUADS", "dyad_series", "frame", "many_series", "series_filters"]


def dyad_series(
    store: Store,
    a: str | None = None,
    b: str | None = None,
    *,
    by: str = "week",
    directed: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Events between parties `a` and `b` per period (day, week, month, quarter or year).

    Parties are countries or organisations, by code or name ("USA", "Russia", "UN"). Without
    `b`, every event with `a` as actor or recipient (as actor only if `directed`); with it,
    events either way unless `directed` (a -> b only); without either, every event the
    filters select. `filters` add any other condition (type, quad, source ...). Columns:
    `period` (start date: weeks start on Monday), `documents` (published in the period),
    `events`, `quad1`..`quad4`, one count per PLOVER type present (lower-case),
    `goldstein_sum`, `goldstein_mean` and `balance` ((quad1 + quad2 - quad3 - quad4) / events).
    """
    return frame(dyad_rows(store, a, b, by=by, directed=directed, since=since, until=until, filters=filters))


def many_series(
    store: Store, dyads: Sequence[tuple[str, str]], *, by: str = "week", filters: Filters | None = None
) -> pd.DataFrame:
    """Several dyads' series on one period axis, one block of rows per dyad (column `dyad`, "USA-RUS")."""
    return frame(many_rows(store, dyads, by=by, filters=filters))


def _series(store: Store, chosen: Filters, by: str) -> pd.DataFrame:
    """The series of the events these counted filters select (`series_filters`)."""
    return frame(series_rows(store, chosen, by))
