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
    raw = pd.DataFrame(rows, columns=["period", "event_type", "quad_class", "n", "g"])
    raw["period"] = pd.to_datetime(raw["period"])
    raw["n"] = raw["n"].astype("int64")
    first, last, documents = coverage(store, by, chosen)
    since, until = date_bounds(chosen)
    periods = period_range(by, since or _earliest(raw, first), until or _latest(raw, last))
    if periods is None:
        return pd.DataFrame(columns=list(COLUMNS))
    quads = raw.pivot_table(index="period", columns="quad_class", values="n", aggfunc="sum", fill_value=0)
    quads = quads.reindex(columns=[1, 2, 3, 4], fill_value=0).set_axis(list(QUADS), axis=1)
    types = raw.pivot_table(index="period", columns="event_type", values="n", aggfunc="sum", fill_value=0)
    types = types[[t for t in PLOVER_TYPES if t in types.columns]].rename(columns=str.lower)
    totals = raw.groupby("period").agg(events=("n", "sum"), goldstein_sum=("g", "sum"))
    counts = pd.concat([totals[["events"]], quads, types], axis=1).reindex(periods)
    docs = documents.reindex(periods).fillna(0).astype("int64")
    covered = (docs > 0) | counts["events"].notna()  # a period without documents or events is a gap
    counts = counts.fillna(0).astype("int64").astype("Int64").where(covered, pd.NA)
    frame = pd.concat([docs.rename("documents").astype("Int64"), counts], axis=1)
    frame["goldstein_sum"] = totals["goldstein_sum"].reindex(periods).astype(float).fillna(0.0).where(covered)
    some = frame["events"].astype("Float64").where(frame["events"] > 0)
    frame["goldstein_mean"] = (frame["goldstein_sum"] / some).astype(float)
    net = frame["quad1"] + frame["quad2"] - frame["quad3"] - frame["quad4"]
    frame["balance"] = (net.astype("Float64") / some).astype(float)
    frame.index.name = "period"
    frame.columns.name = None
    return frame.reset_index()


def _earliest(raw: pd.DataFrame, first: dt.date | None) -> dt.date | None:
    found = [d for d in (first, raw["period"].min().date() if len(raw) else None) if d is not None]
    return min(found) if found else None


def _latest(raw: pd.DataFrame, last: dt.date | None) -> dt.date | None:
    found = [d for d in (last, raw["period"].max().date() if len(raw) else None) if d is not None]
    return max(found) if found else None
