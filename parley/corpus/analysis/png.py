"""A series as a PNG chart (matplotlib): one dyad's events stacked by quad class with the mean
Goldstein score as a line, or several dyads' events as one line each; no line crosses a gap."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .series import QUADS
from .svg import COLOURS, LEGEND


def series_png(frame: pd.DataFrame, title: str, path: str | Path) -> None:
    """Draw a `dyad_series` (or `many_series`) frame into a PNG file."""
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.6), dpi=100)
    try:
        ax.set_ylabel("events")
        ax.set_title(title)
        if "dyad" in frame.columns:
            for dyad, rows in frame.groupby("dyad", sort=False):
                ax.plot(pd.to_datetime(rows["period"]), rows["events"].astype("float64"), label=str(dyad))
        else:
            periods = pd.to_datetime(frame["period"]) if len(frame) else pd.Series(dtype="datetime64[ns]")
            width = (periods.diff().median().days * 0.8) if len(frame) > 1 else 0.8
            bottom = pd.Series(0.0, index=frame.index)
            for quad in QUADS:
                counts = frame[quad].astype("float64").fillna(0.0)
                ax.bar(periods, counts, width=width, bottom=bottom, color=COLOURS[quad], label=LEGEND[quad])
                bottom = bottom + counts
            line = ax.twinx()
            line.plot(periods, frame["goldstein_mean"].astype("float64"), color="#222", linewidth=1.2)
            line.set_ylim(-10, 10)
            line.set_ylabel("mean Goldstein")
        ax.legend(loc="upper left", fontsize=8, ncols=2)
        fig.autofmt_xdate()
        fig.tight_layout()
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
