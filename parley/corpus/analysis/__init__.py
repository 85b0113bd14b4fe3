"""Analyses of the stored events as pandas DataFrames: dyad series, alerts, network, negotiation agenda.

Each takes an open Store (see `parley.corpus.query.reading`) and runs its aggregation in SQL that
DuckDB and PostgreSQL both run.
"""

from .agenda import agenda
from .alerts import alerts
from .network import network
from .series import dyad_series

__all__ = ["agenda", "alerts", "dyad_series", "network"]
