"""Changes worth a look: per undirected dyad, periods that break with the dyad's own recent past."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..names import party_name
from ..query import Filters, counted, dyad_parties, where
from ..store import Store
from .common import period_sql, start_of

COLUMNS = ("dyad", "dyad_name", "period", "kind", "events", "baseline", "score", "event_keys")


def alerts(
    store: Store,
    *,
    by: str = "week",
    window: int = 8,
    threshold: float = 3.0,
    min_events: int = 3,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """Spikes and turns of every undirected dyad against its trailing `window` periods.

        A spike: more events than the trailing mean plus `threshold` standard deviations (the
        deviation floored at 1); `baseline` is that mean, `score` the excess in deviations. A
        turn: the period's balance (cooperative minus conflictual events, over events) has the
        opposite sign of the trailing balance and differs from it by at least 1; `baseline` is the
        trailing balance, `score` the difference. Both need `min_events` events in the period and
        a full trailing window (empty periods count as zeros). Events count as in `dyad_series`
    (`query.counted`, narrowed by `filters`).
        `since` and `until` bound the periods reported; the window may reach before `since`.
        Sorted by period (latest first), then score.
    """
    if window < 1 or min_events < 1 or threshold < 0:
        raise ValueError("window and min_events must be positive, threshold not negative")
    bounds = Filters(since=since, until=until)
    since = bounds.since or (filters.since if filters else None)
    clause, params = where(counted(filters, since=None, until=bounds.until or (filters.until if filters else None)))
    _, rows = store.query(
        f"SELECT y.a, y.b, {period_sql(by)} AS period, count(*) AS events,"
        " sum(CASE WHEN e.quad_class <= 2 THEN 1 ELSE -1 END) AS net,"
        " string_agg(e.event_key, ' ' ORDER BY e.event_key) AS keys FROM events e"
        " JOIN (SELECT DISTINCT event_key, LEAST(actor_country, recipient_country) AS a,"
        " GREATEST(actor_country, recipient_country) AS b FROM event_dyads) y ON y.event_key = e.event_key"
        f"{clause}{' AND' if clause else ' WHERE'} e.date IS NOT NULL GROUP BY 1, 2, 3",
        params,
    )
    raw = pd.DataFrame(rows, columns=["a", "b", "period", "events", "net", "keys"])
    raw["period"] = pd.to_datetime(raw["period"])
    out = _changes(raw, by, window, threshold, min_events)
    if since is not None:
        out = out[out["period"] >= start_of(since, by)]
    out = out.sort_values(["period", "score"], ascending=False, ignore_index=True)
    out["dyad_name"] = out["dyad"].map(_named)
    return out[list(COLUMNS)]


def _named(dyad: str) -> str:
    """ "ARM-AZE" as "Armenia – Azerbaijan" (a code stays where no name is known)."""
    return " – ".join(party_name(p) or p for p in dyad_parties(dyad))


def _ordinal(periods: pd.Series, by: str) -> np.ndarray:
    """Period starts as consecutive whole numbers (days, weeks, months, quarters or years)."""
    if by == "year":
        return periods.dt.year.to_numpy(np.int64)
    if by == "quarter":
        return (periods.dt.year * 4 + (periods.dt.month - 1) // 3).to_numpy(np.int64)
    if by == "month":
        return (periods.dt.year * 12 + periods.dt.month).to_numpy(np.int64)
    days = (periods - pd.Timestamp(0)).dt.days.to_numpy(np.int64)
    return days // 7 if by == "week" else days


def _changes(raw: pd.DataFrame, by: str, window: int, threshold: float, min_events: int) -> pd.DataFrame:
    """The spikes and turns of every dyad at once: trailing sums over `window` periods come from
    running totals, empty periods counting as zeros, so no dyad's series is filled in."""
    raw = raw.sort_values(["a", "b", "period"], ignore_index=True)
    dyad = raw.groupby(["a", "b"], sort=False).ngroup().to_numpy(np.int64)
    when = _ordinal(raw["period"], by)
    key = dyad * (when.max() - when.min() + window + 2) + (when - when.min())  # increasing: by dyad, then period
    first = raw.groupby(dyad)["period"].transform("min")
    full = when - _ordinal(first, by) >= window  # a whole trailing window lies within the dyad's series
    events, net = raw["events"].to_numpy(np.int64), raw["net"].to_numpy(np.int64)

    def trailing(values: np.ndarray) -> np.ndarray:
        """The sum of a dyad's values over the `window` periods before each row's."""
        totals = np.concatenate(([0], np.cumsum(values)))
        return totals[np.arange(len(values))] - totals[np.searchsorted(key, key - window)]

    n, squares, balance_sum = trailing(events), trailing(events * events), trailing(net)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(full, n / window, np.nan)
        std = np.maximum(np.sqrt(np.maximum(window * squares - n * n, 0)) / window, 1)
        before = np.where(full & (n > 0), balance_sum / n, np.nan)
        balance = net / events
    enough = events >= min_events
    spikes = enough & (events > mean + threshold * std)
    turns = enough & (balance * before < 0) & (np.abs(balance - before) >= 1)
    names = raw["b"].radd(raw["a"] + "-")
    parts = [
        pd.DataFrame(
            {
                "dyad": names,
                "period": raw["period"],
                "kind": kind,
                "events": events,
                "baseline": base,
                "score": score,
                "order": order,
                "keys": raw["keys"],
            }
        )[found]
        for kind, base, score, order, found in (
            ("spike", mean, (events - mean) / std, 0, spikes),
            ("turn", before, np.abs(balance - before), 1, turns),
        )
    ]
    out = pd.concat(parts).sort_values(["dyad", "order", "period"], kind="stable", ignore_index=True)
    out["event_keys"] = out.pop("keys").str.split()
    return out.drop(columns="order")
