"""What the analyses share: periods and their dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..query import Filters

FREQ = {"day": "D", "week": "W-MON", "month": "MS"}  # pandas frequencies of the period starts


def period_sql(by: str) -> str:
    """SQL for the start of an event's period (weeks start on Monday on both backends)."""
    if by not in FREQ:
        raise ValueError(f"bad period {by!r}: one of {', '.join(FREQ)}")
    return f"CAST(date_trunc('{by}', e.date) AS DATE)"


def dates(since: dt.date | str | None, until: dt.date | str | None) -> tuple[str, list[Any]]:
    """Conditions (each starting with AND) on `e.date` for checked, inclusive bounds."""
    checked = Filters(since=since, until=until)
    sql, params = "", []
    for cond, value in (("e.date >= ?", checked.since), ("e.date <= ?", checked.until)):
        if value:
            sql, params = f"{sql} AND {cond}", params + [value]
    return sql, params


def continuous(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """`frame` indexed by period start, with the missing periods between its first and last as zeros."""
    if frame.empty:
        return frame
    full = pd.date_range(frame.index.min(), frame.index.max(), freq=FREQ[by], name="period")
    return frame.reindex(full, fill_value=0)


def start_of(day: dt.date, by: str) -> pd.Timestamp:
    """The start of the period that holds `day`."""
    return pd.Timestamp(day).to_period({"day": "D", "week": "W-SUN", "month": "M"}[by]).start_time
