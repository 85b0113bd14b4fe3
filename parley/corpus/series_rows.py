"""Events per period, honestly counted, as plain rows: a dyad's (or one party's, or several
dyads') counts by quad class and PLOVER type, Goldstein sum and mean, balance, and the documents
behind them. `parley.corpus.analysis.series` makes DataFrames of them; `parley dyad` prints them
without importing pandas.

Events count as `query.counted` says (by default factual, not negated, dated within the
documents' coverage), selected by the same `Filters` as `parley events`, so a chart, its
totals and the event table count the same events. A series covers exactly `since`..`until`
(by default the coverage): a period in which documents were published but no event counted
is a row of zero counts with no mean; a period without documents is a gap (missing values).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..nlp.document import PLOVER_TYPES
from .periods import coverage, period_sql, period_starts
from .query import Filters, counted, date_bounds, where
from .store import Store
from .table import Table

QUADS = ("quad1", "quad2", "quad3", "quad4")  # verbal and material cooperation, verbal and material conflict
FLOATS = ("goldstein_sum", "goldstein_mean", "balance")
COLUMNS = ("period", "documents", "events", *QUADS, *FLOATS)


def _table(columns: list[str], rows: list[list[Any]]) -> Table:
    """Series rows: period starts, counts (None in a gap), the dyad's name, Goldstein figures."""
    kinds = {c: {"period": "date", "dyad": "text"}.get(c, "float" if c in FLOATS else "count") for c in columns}
    return Table(columns, rows, kinds)


def series_filters(
    a: str | None,
    b: str | None,
    *,
    directed: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    filters: Filters | None = None,
) -> Filters:
    """The counted filters of a series: what its chart, its totals and its event table all select."""
    changes: dict[str, Any] = {"directed": directed or (filters.directed if filters else False)}
    if since is not None:
        changes["since"] = since
    if until is not None:
        changes["until"] = until
    if a is not None and b is not None:
        changes["dyad"] = (a, b)
    elif a is not None:
        changes["actor" if directed else "party"] = a
    return counted(filters, **changes)


def dyad_rows(
    store: Store,
    a: str | None = None,
    b: str | None = None,
    *,
    by: str = "week",
    directed: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    filters: Filters | None = None,
) -> Table:
    """Events between parties `a` and `b` per period: see `parley.corpus.analysis.dyad_series`."""
    chosen = series_filters(a, b, directed=directed, since=since, until=until, filters=filters)
    return series_rows(store, chosen, by)


def many_rows(
    store: Store, dyads: Sequence[tuple[str, str]], *, by: str = "week", filters: Filters | None = None
) -> Table:
    """Several dyads' series on one period axis, one block of rows per dyad (column `dyad`,
    "USA-RUS"), with the PLOVER types any of them has: zero where a dyad has none in a period
    that is no gap."""
    blocks = []
    for a, b in dyads:
        chosen = series_filters(a, b, filters=filters)
        blocks.append((chosen.dyad, series_rows(store, chosen, by)))
    found = {c for _, table in blocks for c in table.columns}
    types = [t.lower() for t in PLOVER_TYPES if t.lower() in found]
    columns = ["dyad", "period", "documents", "events", *QUADS, *types, *FLOATS]
    rows = []
    for dyad, table in blocks:
        for record in table.records():
            gap = record["events"] is None
            rows.append([dyad, *(record.get(c, None if gap else 0) for c in columns[1:])])
    return _table(columns, rows)


def series_rows(store: Store, chosen: Filters, by: str) -> Table:
    """The series of the events these (counted) filters select, per period `by`."""
    clause, params = where(chosen)
    _, found = store.query(
        f"SELECT {period_sql(by)} AS period, e.event_type, e.quad_class, count(*) AS n, sum(e.goldstein) AS g"
        f" FROM events e{clause}{' AND' if clause else ' WHERE'} e.date IS NOT NULL GROUP BY 1, 2, 3",
        params,
    )
    first, last, documents = coverage(store, by, chosen)
    since, until = date_bounds(chosen)
    days = [r[0] for r in found]  # period starts with events: the range reaches them, whatever the coverage
    start = since or min([d for d in (first, *days) if d], default=None)
    periods = period_starts(by, start, until or max([d for d in (last, *days) if d], default=None))
    if periods is None:
        return _table(list(COLUMNS), [])
    at = {p: i for i, p in enumerate(periods)}
    n = len(periods)
    quads, types = [[0] * n for _ in QUADS], [[0] * n for _ in PLOVER_TYPES]
    goldstein = [0.0] * n
    kind = {t: i for i, t in enumerate(PLOVER_TYPES)}
    for day, event_type, quad, count, total in found:
        i = at.get(day)
        if i is not None:
            quads[int(quad) - 1][i] += int(count)
            types[kind[event_type]][i] += int(count)
            goldstein[i] += float(total)
    present = [(t.lower(), types[k]) for t, k in kind.items() if any(types[k])]
    rows = []
    for i, period in enumerate(periods):
        docs = documents.get(period, 0)
        events = sum(q[i] for q in quads)
        gap = docs == 0 and events == 0  # a period without documents or counted events
        counts = [None if gap else v for v in (events, *(q[i] for q in quads), *(t[i] for _, t in present))]
        mean = goldstein[i] / events if events else None
        balance = (quads[0][i] + quads[1][i] - quads[2][i] - quads[3][i]) / events if events else None
        rows.append([period, docs, *counts, None if gap else goldstein[i], mean, balance])
    return _table(["period", "documents", "events", *QUADS, *(name for name, _ in present), *FLOATS], rows)
