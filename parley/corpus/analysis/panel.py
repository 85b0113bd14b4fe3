"""The country-period panel, as ICEWS users build it: one row per country and period, with
its events by quad class and its Goldstein sum and mean."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...nlp.vocab import country_names
from ..query import Filters, counted, date_bounds, where
from ..store import Store
from .common import coverage, period_range, period_sql
from .series import QUADS

COLUMNS = ("country", "country_name", "period", "documents", "events", *QUADS, "goldstein_sum", "goldstein_mean")
ROLES = ("any", "actor", "recipient")


def panel(store: Store, *, by: str = "month", role: str = "any", filters: Filters | None = None) -> pd.DataFrame:
    """A balanced country x period panel over the events `filters` select (counted as in
    `dyad_series`): every country with an event in the range, every period from `since`
    to `until` (by default the documents' coverage).

    `role`: count an event for its actor countries, its recipient countries, or both (any;
    an event counts once per country, however many of its parties are that country's).
    Periods with documents but no events of a country are zeros with no mean; periods
    without documents are gaps (missing values). `documents`: documents published in the period.
    """
    if role not in ROLES:
        raise ValueError(f"bad role {role!r}: one of {', '.join(ROLES)}")
    chosen = counted(filters)
    clause, params = where(chosen)
    in_role: tuple[str, list[Any]] = (" AND p.role = ?", [role]) if role != "any" else ("", [])
    _, rows = store.query(
        f"SELECT c.country, {period_sql(by)} AS period, e.quad_class, count(*), sum(e.goldstein)"
        " FROM (SELECT DISTINCT p.event_key, p.country FROM event_actors p"
        f" WHERE p.country IS NOT NULL{in_role[0]}) c JOIN events e ON e.event_key = c.event_key"
        f"{clause}{' AND' if clause else ' WHERE'} e.date IS NOT NULL GROUP BY 1, 2, 3",
        in_role[1] + params,
    )
    states = country_names()
    raw = pd.DataFrame([r for r in rows if r[0] in states], columns=["country", "period", "quad", "n", "g"])
    first, last, documents = coverage(store, by, chosen)
    if len(raw):
        raw["period"] = pd.to_datetime(raw["period"])
        first = min(first or raw["period"].min().date(), raw["period"].min().date())
        last = max(last or raw["period"].max().date(), raw["period"].max().date())
    since, until = date_bounds(chosen)
    periods = period_range(by, since or first, until or last)
    if periods is None or raw.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    raw["n"] = raw["n"].astype("int64")
    raw["g"] = raw["g"].astype(float)
    grid = pd.MultiIndex.from_product([sorted(raw["country"].unique()), periods], names=["country", "period"])
    quads = raw.pivot_table(index=["country", "period"], columns="quad", values="n", aggfunc="sum", fill_value=0)
    quads = quads.reindex(columns=[1, 2, 3, 4], fill_value=0).set_axis(list(QUADS), axis=1)
    totals = raw.groupby(["country", "period"]).agg(events=("n", "sum"), goldstein_sum=("g", "sum"))
    frame = pd.concat([totals[["events"]], quads], axis=1).reindex(grid)
    docs = documents.reindex(periods).fillna(0).astype("int64")
    per_row = docs.reindex(grid.get_level_values("period")).to_numpy()
    covered = pd.Series((per_row > 0) | frame["events"].notna().to_numpy(), index=grid)
    frame = frame.fillna(0).astype("int64").astype("Int64").where(covered, pd.NA)
    frame.insert(0, "documents", pd.array(per_row, dtype="Int64"))
    frame["goldstein_sum"] = totals["goldstein_sum"].reindex(grid).fillna(0.0).where(covered)
    some = frame["events"].astype("Float64").where(frame["events"] > 0)
    frame["goldstein_mean"] = (frame["goldstein_sum"] / some).astype(float)
    frame = frame.reset_index()
    frame.insert(1, "country_name", frame["country"].map(states))
    return frame[list(COLUMNS)]
