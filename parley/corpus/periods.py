"""The analyses' periods (day, week, month, quarter, year) in plain Python: the start of the
period that holds a day, every period start of a range, the SQL for a date's period, and the
documents' coverage. No pandas here: `parley dyad` counts and prints a series without it
(importing pandas took half of that command's time)."""

from __future__ import annotations

import datetime as dt

from .query import Filters
from .store import Store

PERIODS = ("day", "week", "month", "quarter", "year")
MAX_PERIODS = 10_000  # the longest series: 27 years of days, 190 of weeks (a since of 0001-01-01 is refused)
APPROX_DAYS = {"day": 1, "week": 7, "month": 30.4, "quarter": 91.3, "year": 365.25}
MONTHS = {"month": 1, "quarter": 3, "year": 12}  # months a period spans (weeks start on Monday)


def _checked(by: str) -> str:
    if by not in PERIODS:
        raise ValueError(f"bad period {by!r}: one of {', '.join(PERIODS)}")
    return by


def period_sql(by: str, column: str = "e.date") -> str:
    """SQL for the start of a date's period (weeks start on Monday on both backends)."""
    return f"CAST(date_trunc('{_checked(by)}', {column}) AS DATE)"


def period_start(day: dt.date, by: str) -> dt.date:
    """The start of the period that holds `day`: the day, its week's Monday, or the first day
    of its month, quarter (January, April, July, October) or year."""
    if _checked(by) == "day":
        return day
    if by == "week":
        return day - dt.timedelta(days=day.weekday())
    months = MONTHS[by]
    return dt.date(day.year, (day.month - 1) // months * months + 1, 1)


def next_start(start: dt.date, by: str) -> dt.date:
    """The start of the period after the one that starts on `start`."""
    if by in ("day", "week"):
        return start + dt.timedelta(days=1 if by == "day" else 7)
    month = start.month - 1 + MONTHS[by]
    return dt.date(start.year + month // 12, month % 12 + 1, 1)


def period_starts(by: str, start: dt.date | None, end: dt.date | None) -> list[dt.date] | None:
    """Every period start from the period of `start` to that of `end`; None when there is none.
    A range of more than MAX_PERIODS periods is refused (ValueError) before it is built."""
    _checked(by)
    if start is None or end is None or start > end:
        return None
    if (end - start).days / APPROX_DAYS[by] > MAX_PERIODS:
        raise ValueError(
            f"{start}..{end} is more than {MAX_PERIODS:,} {by}s: give a later --since, an earlier --until"
            " or a longer period"
        )
    day, last = period_start(start, by), period_start(end, by)
    out = []
    while day <= last:
        out.append(day)
        if day == last:
            break  # the last period may start on the calendar's last representable day
        day = next_start(day, by)
    return out


def coverage(store: Store, by: str, filters: Filters | None = None) -> tuple[dt.date | None, dt.date | None, dict]:
    """(first, last publication date, {period start: documents published in it}): what the
    corpus can see. With a source filter, that publisher's documents only."""
    cond, params = " WHERE published IS NOT NULL", []
    if filters is not None and filters.source:
        cond, params = f"{cond} AND lower(source) = ?", [filters.source.lower()]
    _, rows = store.query(
        f"SELECT {period_sql(by, 'published')} AS period, count(*), min(published), max(published)"
        f" FROM documents{cond} GROUP BY 1",
        params,
    )
    documents = {p: int(n) for p, n, _, _ in rows}
    first = min((r[2] for r in rows), default=None)
    last = max((r[3] for r in rows), default=None)
    return first, last, documents
