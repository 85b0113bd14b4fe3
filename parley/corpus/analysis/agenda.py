"""The negotiation agenda of two countries as a DataFrame (the rows, and the rule of each
issue's status: `parley.corpus.agenda_rows`)."""

from __future__ import annotations

import pandas as pd

from ..agenda_rows import COLUMNS, agenda_rows
from ..store import Store
from .common import frame

__all__ = ["COLUMNS", "agenda"]


def agenda(store: Store, a: str, b: str) -> pd.DataFrame:
    """One row per issue that the events between `a` and `b` name: see `parley.corpus.agenda_rows.agenda_rows`."""
    return frame(agenda_rows(store, a, b))
