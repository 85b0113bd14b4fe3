"""Who acts towards whom, as plain rows: the directed, weighted and signed network of countries
(`parley.corpus.analysis.network` makes a DataFrame of it; `parley network` prints it without
pandas)."""

from __future__ import annotations

import datetime as dt

from .names import party_name
from .query import Filters, counted, where
from .store import Store
from .table import Table

COLUMNS = (
    "actor",
    "actor_name",
    "recipient",
    "recipient_name",
    "events",
    "goldstein_sum",
    "goldstein_mean",
    "sign",
    "cooperation",
    "conflict",
)
KINDS = dict(zip(COLUMNS, ("text",) * 4 + ("int", "float", "float", "int", "int", "int")))


def network_rows(
    store: Store,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    min_events: int = 1,
    filters: Filters | None = None,
) -> Table:
    """One edge per directed pair of countries with at least `min_events` events, for network views.

    `sign` is +1 where the mean Goldstein score is positive (cooperative), -1 where negative,
    else 0; `cooperation` and `conflict` count quad classes 1-2 and 3-4. Events count as in
    `dyad_series` (`query.counted`, narrowed by `filters`); parties are countries and organisations
    (UN, EU, NATO), with their names. Sorted by events, busiest first.
    """
    if min_events < 1:
        raise ValueError(f"bad min_events {min_events!r}: a positive number")
    changes = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
    clause, params = where(counted(filters, **changes))
    _, rows = store.query(
        "SELECT y.actor_country, y.recipient_country, count(*), sum(e.goldstein), avg(e.goldstein),"
        " sum(CASE WHEN e.quad_class <= 2 THEN 1 ELSE 0 END), sum(CASE WHEN e.quad_class >= 3 THEN 1 ELSE 0 END)"
        f" FROM event_dyads y JOIN events e ON e.event_key = y.event_key{clause}"
        " GROUP BY y.actor_country, y.recipient_country HAVING count(*) >= ?"
        " ORDER BY count(*) DESC, y.actor_country, y.recipient_country",
        params + [min_events],
    )
    edges = [
        [a, party_name(a), r, party_name(r), int(n), float(s), float(m), (m > 0) - (m < 0), int(c), int(k)]
        for a, r, n, s, m, c, k in rows
    ]
    return Table(list(COLUMNS), edges, KINDS)
