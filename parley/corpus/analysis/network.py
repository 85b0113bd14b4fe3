"""Who acts towards whom: the directed, weighted and signed network of countries, as a DataFrame
(the rows: `parley.corpus.network_rows`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..network_rows import COLUMNS, network_rows
from ..query import Filters
from ..store import Store
from .common import frame

__all__ = ["COLUMNS", "network"]


def network(
    store: Store,
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    min_events: int = 1,
    filters: Filters | None = None,
) -> pd.DataFrame:
    """One edge per directed pair of countries: see `parley.corpus.network_rows.network_rows`."""
    return frame(network_rows(store, since=since, until=until, min_events=min_events, filters=filters))
