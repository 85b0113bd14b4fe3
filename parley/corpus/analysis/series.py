"""A dyad's (or one country's) events per period: counts by quad class and PLOVER type, Goldstein, balance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ...nlp.document import PLOVER_TYPES
from ..query import HAPPENED, country_code
from ..store import Store
from .common import continuous, dates, period_sql

QUADS = ("quad1", "quad2", "quad3", "quad4")  # verbal and material cooperation, verbal and material conflict
COLUMNS = ("period", "events", *QUADS, "goldstein_sum", "goldstein_mean", "balance")


def parties(a: str, b: str | None, directed: bool) -> tuple[str, list[Any]]:
    """The condition on `events e` that selects a dyad's events (each once), and its parameters."""
    a = country_code(a)
    if b is None:
        role = " AND role = 'actor'" if directed else ""
        return f"e.event_key IN (SELECT DISTINCT event_key FROM event_actors WHERE country = ?{role})", [a]
    b = country_code(b)
    pair = "(actor_country = ? AND recipient_country = ?)"
    if directed:
        return f"e.event_key IN (SELECT DISTINCT event_key FROM event_dyads WHERE {pair})", [a, b]
    return f"e.event_key IN (SELECT DISTINCT event_key FROM event_dyads WHERE {pair} OR {pair})", [a, b, b, a]


def dyad_series(
    store: Store,
    a: str,
    b: str | None = None,
    *,
    by: str = "week",
    directed: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
) -> pd.DataFrame:
    """Events between countries `a` and `b` per period (`by`: day, week or month), for charts and trends.

    Without `b`, every event with `a` as actor or recipient (as actor only if `directed`);
    with it, events either way unless `directed` (a -> b only). Only events reported as
    having happened count: factual or historical, not negated, dated. Columns: `period`
    (start date: weeks start on Monday), `events`, `quad1`..`quad4`, one count per PLOVER
    type present (lower-case), `goldstein_sum`, `goldstein_mean` and `balance`
    ((quad1 + quad2 - quad3 - quad4) / events). Periods without events between the first and
    the last are rows of zeros.
    """
    who, params = parties(a, b, directed)
    when, when_params = dates(since, until)
    period = period_sql(by)
    _, rows = store.query(
        f"SELECT {period} AS period, e.event_type, e.quad_class, count(*) AS n,"
        f" sum(e.goldstein) AS g FROM events e WHERE {HAPPENED} AND e.date IS NOT NULL"
        f" AND {who}{when} GROUP BY 1, 2, 3",
        params + when_params,
    )
    if not rows:
        return pd.DataFrame(columns=list(COLUMNS))
    raw = pd.DataFrame(rows, columns=["period", "event_type", "quad_class", "n", "g"])
    raw["period"] = pd.to_datetime(raw["period"])
    raw["n"] = raw["n"].astype(int)
    quads = raw.pivot_table(index="period", columns="quad_class", values="n", aggfunc="sum", fill_value=0)
    quads = quads.reindex(columns=[1, 2, 3, 4], fill_value=0).set_axis(list(QUADS), axis=1)
    types = raw.pivot_table(index="period", columns="event_type", values="n", aggfunc="sum", fill_value=0)
    types = types[[t for t in PLOVER_TYPES if t in types.columns]].rename(columns=str.lower)
    totals = raw.groupby("period").agg(events=("n", "sum"), goldstein_sum=("g", "sum"))
    frame = continuous(pd.concat([totals[["events"]], quads, types, totals[["goldstein_sum"]]], axis=1), by)
    frame = frame.astype({c: int for c in frame.columns if c != "goldstein_sum"})
    frame["goldstein_sum"] = frame["goldstein_sum"].astype(float)
    some = frame["events"].where(frame["events"] > 0)
    frame["goldstein_mean"] = (frame["goldstein_sum"] / some).fillna(0.0)
    net = frame["quad1"] + frame["quad2"] - frame["quad3"] - frame["quad4"]
    frame["balance"] = (net / some).fillna(0.0)
    frame.columns.name = None
    return frame.reset_index()
