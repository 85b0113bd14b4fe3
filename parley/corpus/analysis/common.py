"""What the analyses share: periods and their dates, and the documents' coverage."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..query import Filters
from ..store import Store

PERIODS = ("day", "week", "month", "quarter", "year")
FREQ = {"day": "D", "week": "W-MON", "month": "MS", "quarter": "QS-JAN", "year": "YS"}  # pandas: period starts
SPANS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}  # pandas: the period holding a day
MAX_PERIODS = 10_000  # the longest series: 27 years of days, 190 of weeks (a since of 0001-01-01 is refused)
APPROX_DAYS = {"day": 1, "week": 7, "month": 30.4, "quarter": 91.3, "year": 365.25}


def period_sql(by: str, column: str = "e.date") -> str:
    """SQL for the start of a date's period (weeks start on Monday on both backends)."""
    if by not in FREQ:
        raise ValueError(f"bad period {by!r}: one of {', '.join(PERIODS)}")
    return f"CAST(date_trunc('{by}', {column}) AS DATE)"


def start_of(day: dt.date, by: str) -> pd.Timestamp:
    """The start of the period that holds `day`."""
    return pd.Timestamp(day).to_period(SPANS[by]).start_time


def period_range(by: str, start: dt.date | None, end: dt.date | None) -> pd.DatetimeIndex | None:
    """Every period start from the period of `start` to that of `end`; None when there is none.
    A range of more than MAX_PERIODS periods is refused (ValueError) before it is built."""
    if start is None or end is None or start > end:
        return None
    if (end - start).days / APPROX_DAYS[by] > MAX_PERIODS:
        raise ValueError(
            f"{start}..{end} is more than {MAX_PERIODS:,} {by}s: give a later --since, an earlier --until"
            " or a longer period"
        )
    return pd.date_range(start_of(start, by), start_of(end, by), freq=FREQ[by], name="period")


def coverage(store: Store, by: str, filters: Filters | None = None) -> tuple[dt.date | None, dt.date | None, pd.Series]:
    """(first, last publication date, documents published per period): what the corpus can
    see. With a source filter, that publisher's documents only."""
    cond, params = " WHERE published IS NOT NULL", []
    if filters is not None and filters.source:
        cond, params = f"{cond} AND lower(source) = ?", [filters.source.lower()]
    _, rows = store.query(
        f"SELECT {period_sql(by, 'published')} AS period, count(*), min(published), max(published)"
        f" FROM documents{cond} GROUP BY 1",
        params,
    )
    documents = pd.Series({pd.Timestamp(p): int(n) for p, n, _, _ in rows}, dtype="int64")
    first = min((r[2] for r in rows), default=None)
    last = max((r[3] for r in rows), default=None)
    return first, last, documents
