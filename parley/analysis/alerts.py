"""Changes worth a look: per undirected dyad, periods that break with the dyad's own recent past."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..query import Filters
from ..store import Store
from .common import COUNTED, continuous, dates, period_sql, start_of

COLUMNS = ("dyad", "period", "kind", "events", "baseline", "score", "event_keys")


def alerts(store: Store, *, by: str = "week", window: int = 8, threshold: float = 3.0, min_events: int = 3,
           since: dt.date | str | None = None, until: dt.date | str | None = None) -> pd.DataFrame:
    """Spikes and turns of every undirected dyad against its trailing `window` periods.

    A spike: more events than the trailing mean plus `threshold` standard deviations (the
    deviation floored at 1); `baseline` is that mean, `score` the excess in deviations. A
    turn: the period's balance (cooperative minus conflictual events, over events) has the
    opposite sign of the trailing balance and differs from it by at least 1; `baseline` is the
    trailing balance, `score` the difference. Both need `min_events` events in the period and
    a full trailing window (empty periods count as zeros). Events count as in `dyad_series`.
    `since` and `until` bound the periods reported; the window may reach before `since`.
    Sorted by period (latest first), then score.
    """
    if window < 1 or min_events < 1 or threshold < 0:
        raise ValueError("window and min_events must be positive, threshold not negative")
    since = Filters(since=since, until=until).since
    when, params = dates(None, until)
    _, rows = store.query(
        f"SELECT y.a, y.b, {period_sql(by)} AS period, count(*) AS events,"
        " sum(CASE WHEN e.quad_class <= 2 THEN 1 ELSE -1 END) AS net,"
        " string_agg(e.event_key, ' ' ORDER BY e.event_key) AS keys FROM events e"
        " JOIN (SELECT DISTINCT event_key, LEAST(actor_country, recipient_country) AS a,"
        " GREATEST(actor_country, recipient_country) AS b FROM event_dyads) y ON y.event_key = e.event_key"
        f" WHERE {COUNTED} AND e.date IS NOT NULL{when} GROUP BY 1, 2, 3", params)
    raw = pd.DataFrame(rows, columns=["a", "b", "period", "events", "net", "keys"])
    raw["period"] = pd.to_datetime(raw["period"])
    found = [_changes(f"{a}-{b}", group.set_index("period")[["events", "net", "keys"]], by, window, threshold,
                      min_events) for (a, b), group in raw.groupby(["a", "b"])]
    out = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=list(COLUMNS))
    if since is not None:
        out = out[out["period"] >= start_of(since, by)]
    return out.sort_values(["period", "score"], ascending=False, ignore_index=True)[list(COLUMNS)]


def _changes(dyad: str, series: pd.DataFrame, by: str, window: int, threshold: float,
             min_events: int) -> pd.DataFrame:
    """The spikes and turns of one dyad's series (events, net cooperation, event keys per period)."""
    s = continuous(series[["events", "net"]].astype(int), by)
    s["keys"] = series["keys"].reindex(s.index, fill_value="")
    past = s[["events", "net"]].rolling(window, min_periods=window)
    mean, std = past.mean()["events"].shift(1), past.std(ddof=0)["events"].shift(1).clip(lower=1)
    sums = past.sum().shift(1)
    trailing = sums["net"] / sums["events"].where(sums["events"] > 0)
    balance = s["net"] / s["events"].where(s["events"] > 0)
    enough = s["events"] >= min_events
    spikes = enough & (s["events"] > mean + threshold * std)
    turns = enough & (balance * trailing < 0) & ((balance - trailing).abs() >= 1)
    parts = [pd.DataFrame({"kind": "spike", "events": s["events"], "baseline": mean,
                           "score": (s["events"] - mean) / std, "keys": s["keys"]})[spikes],
             pd.DataFrame({"kind": "turn", "events": s["events"], "baseline": trailing,
                           "score": (balance - trailing).abs(), "keys": s["keys"]})[turns]]
    out = pd.concat(parts).rename_axis("period").reset_index()
    out.insert(0, "dyad", dyad)
    out["event_keys"] = out.pop("keys").str.split()
    return out
