"""Events per period, honestly counted: a dyad's (or one party's, or several dyads') counts by
quad class and PLOVER type, Goldstein sum and mean, balance, and the documents behind them.

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

import numpy as np
import pandas as pd

from ...nlp.document import PLOVER_TYPES
from ..query import Filters, counted, date_bounds, where
from ..store import Store
from .common import coverage, period_range, period_sql

QUADS = ("quad1", "quad2", "quad3", "quad4")  # verbal and material cooperation, verbal and material conflict
COLUMNS = ("period", "documents", "events", *QUADS, "goldstein_sum", "goldstein_mean", "balance")


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
    chosen = series_filters(a, b, directed=directed, since=since, until=until, filters=filters)
    return _series(store, chosen, by)


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


def many_series(
    store: Store, dyads: Sequence[tuple[str, str]], *, by: str = "week", filters: Filters | None = None
) -> pd.DataFrame:
    """Several dyads' series on one period axis, one block of rows per dyad (column `dyad`, "USA-RUS")."""
    frames = []
    for a, b in dyads:
        chosen = series_filters(a, b, filters=filters)
        frame = _series(store, chosen, by)
        frame.insert(0, "dyad", chosen.dyad)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["dyad", *COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    types = [t.lower() for t in PLOVER_TYPES if t.lower() in out.columns]
    out = out[["dyad", "period", "documents", "events", *QUADS, *types, "goldstein_sum", "goldstein_mean", "balance"]]
    return out.astype({c: "Int64" for c in ("documents", "events", *QUADS, *types)})


def _series(store: Store, chosen: Filters, by: str) -> pd.DataFrame:
    period = period_sql(by)
    clause, params = where(chosen)
    _, rows = store.query(
        f"SELECT {period} AS period, e.event_type, e.quad_class, count(*) AS n, sum(e.goldstein) AS g"
        f" FROM events e{clause}{' AND' if clause else ' WHERE'} e.date IS NOT NULL GROUP BY 1, 2, 3",
        params,
    )
    first, last, documents = coverage(store, by, chosen)
    since, until = date_bounds(chosen)
    days = [r[0] for r in rows]  # period starts with events: the range reaches them, whatever the coverage
    start = since or min([d for d in (first, *days) if d], default=None)
    periods = period_range(by, start, until or max([d for d in (last, *days) if d], default=None))
    if periods is None:
        return pd.DataFrame(columns=list(COLUMNS))
    # a few rows per period: summed in numpy arrays over the periods, not through pandas pivots
    at = {p.date(): i for i, p in enumerate(periods)}
    n = len(periods)
    quads, types = np.zeros((4, n), np.int64), np.zeros((len(PLOVER_TYPES), n), np.int64)
    goldstein = np.zeros(n)
    kind = {t: i for i, t in enumerate(PLOVER_TYPES)}
    for day, event_type, quad, count, total in rows:
        i = at.get(day)
        if i is not None:
            quads[int(quad) - 1, i] += int(count)
            types[kind[event_type], i] += int(count)
            goldstein[i] += float(total)
    events = quads.sum(axis=0)
    docs = documents.reindex(periods).fillna(0).to_numpy(np.int64)
    gap = (docs == 0) & (events == 0)  # a period without documents or counted events
    some = np.where(events > 0, events, np.nan)

    def counted(values: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(values, gap.copy())

    columns = {"documents": pd.array(docs, dtype="Int64"), "events": counted(events)}
    columns |= {q: counted(quads[k]) for k, q in enumerate(QUADS)}
    columns |= {t.lower(): counted(types[k]) for t, k in kind.items() if types[k].any()}
    columns["goldstein_sum"] = np.where(gap, np.nan, goldstein)
    columns["goldstein_mean"] = goldstein / some
    columns["balance"] = (quads[0] + quads[1] - quads[2] - quads[3]) / some
    return pd.DataFrame({"period": periods, **columns})
