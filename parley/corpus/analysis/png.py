"""A dyad series as a PNG chart (matplotlib): events stacked by quad class, mean Goldstein as a line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .series import QUADS
from .svg import COLOURS, LEGEND


def series_png(frame: pd.DataFrame, title: str, path: str | Path) -> None:
    """Draw a `dyad_series` frame into a PNG file."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6), dpi=100)
    try:
        periods = pd.to_datetime(frame["period"]) if len(frame) else pd.Series(dtype="datetime64[ns]")
        width = (periods.diff().median().days * 0.8) if len(frame) > 1 else 0.8
        bottom = pd.Series(0, index=frame.index, dtype=float)
        for quad in QUADS:
            ax.bar(periods, frame[quad], width=width, bottom=bottom, color=COLOURS[quad], label=LEGEND[quad])
            bottom = bottom + frame[quad]
        ax.set_ylabel("events")
        ax.set_title(title)
        line = ax.twinx()
        line.plot(periods, frame["goldstein_mean"], color="#222", linewidth=1.2, label="mean Goldstein")
        line.set_ylim(-10, 10)
        line.set_ylabel("mean Goldstein")
        ax.legend(loc="upper left", fontsize=8, ncols=2)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
