"""Analyses of the stored events as pandas DataFrames: dyad series, the country panel, alerts,
network, negotiation agenda.

Each takes an open Store (see `parley.corpus.query.reading`) and runs its aggregation in SQL that
DuckDB and PostgreSQL both run; each counts the events `parley.corpus.query.counted` selects.
"""

from .agenda import agenda
from .alerts import alerts
from .network import network
from .panel import panel
from .series import dyad_series, many_series

__all__ = ["agenda", "alerts", "dyad_series", "many_series", "network", "panel"]
