"""A series as a small, dependency-free SVG chart: one dyad's events stacked by quad class with
its balance as a line, or several dyads' events as one line each. Gaps (periods without
documents) are shaded, and no line is drawn through them."""

from __future__ import annotations

from html import escape

import pandas as pd

from .series import QUADS

WIDTH, HEIGHT, PAD = 720, 300, 40
COLOURS = dict(zip(QUADS, ("#4c9be8", "#1f5fa8", "#f0a04b", "#c0392b")))
LEGEND = dict(zip(QUADS, ("verbal cooperation", "material cooperation", "verbal conflict", "material conflict")))
LINES = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#555555")  # one per dyad


def series_svg(frame: pd.DataFrame, title: str) -> str:
    """The chart of a `dyad_series` frame (or of `many_series`, which has a `dyad` column)."""
    several = "dyad" in frame.columns
    periods = sorted(pd.to_datetime(frame["period"]).unique()) if len(frame) else []
    n = max(len(periods), 1)
    top = max(int(frame["events"].max()) if len(frame) and frame["events"].notna().any() else 0, 1)
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = plot_w / n
    at = {p: i for i, p in enumerate(periods)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-size="11">',
        f'<text x="{PAD}" y="20" font-size="14">{escape(title)}</text>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
        f'<text x="{PAD - 6}" y="{PAD + 4}" text-anchor="end">{top}</text>',
        f'<text x="{PAD - 6}" y="{HEIGHT - PAD + 4}" text-anchor="end">0</text>',
    ]
    gaps = frame.groupby("period")["events"].apply(lambda v: v.isna().all()) if len(frame) else pd.Series(dtype=bool)
    for period, gap in gaps.items():
        if gap:
            x = PAD + at[pd.Timestamp(period)] * step
            parts.append(
                f'<rect x="{x:.1f}" y="{PAD}" width="{step:.1f}" height="{plot_h}" fill="#eee" class="gap">'
                f"<title>{pd.Timestamp(period):%Y-%m-%d}: no documents</title></rect>"
            )
    if several:
        for i, (dyad, rows) in enumerate(frame.groupby("dyad", sort=False)):
            points = [
                (PAD + (at[pd.Timestamp(r.period)] + 0.5) * step, HEIGHT - PAD - (r.events / top) * plot_h)
                if pd.notna(r.events)
                else None
                for r in rows.itertuples(index=False)
            ]
            colour = LINES[i % len(LINES)]
            parts += _polylines(points, colour)
            parts.append(
                f'<rect x="{PAD + i * 120}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{PAD + i * 120 + 14}" y="{HEIGHT - 5}">{escape(str(dyad))}</text>'
            )
        parts.append(f'<text x="{WIDTH - PAD}" y="20" text-anchor="end">lines: events per period</text>')
    else:
        points = []
        for row in frame.itertuples(index=False):
            x, base = PAD + at[pd.Timestamp(row.period)] * step, HEIGHT - PAD
            for quad in QUADS:
                count = getattr(row, quad)
                h = 0 if pd.isna(count) else count / top * plot_h
                if h:
                    parts.append(
                        f'<rect x="{x + step * 0.1:.1f}" y="{base - h:.1f}" width="{step * 0.8:.1f}" '
                        f'height="{h:.1f}" fill="{COLOURS[quad]}"><title>{row.period:%Y-%m-%d} {quad}: '
                        f"{count}</title></rect>"
                    )
                    base -= h
            balance = row.balance
            points.append(None if pd.isna(balance) else (x + step / 2, PAD + (1 - balance) / 2 * plot_h))
        parts += _polylines(points, "#222")
        for i, quad in enumerate(QUADS):
            parts.append(
                f'<rect x="{PAD + i * 160}" y="{HEIGHT - 14}" width="10" height="10" fill="{COLOURS[quad]}"/>'
                f'<text x="{PAD + i * 160 + 14}" y="{HEIGHT - 5}">{LEGEND[quad]}</text>'
            )
        parts.append(f'<text x="{WIDTH - PAD}" y="20" text-anchor="end">line: balance, -1 (bottom) to 1 (top)</text>')
    for i in sorted({0, len(periods) - 1}) if periods else ():
        parts.append(
            f'<text x="{PAD + (i + 0.5) * step:.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">'
            f"{pd.Timestamp(periods[i]):%Y-%m-%d}</text>"
        )
    return "\n".join(parts + ["</svg>"]) + "\n"


def _polylines(points: list[tuple[float, float] | None], colour: str) -> list[str]:
    """One polyline per run of points without a gap (None) between them."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return [
        f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in run)}" fill="none" '
        f'stroke="{colour}" stroke-width="1.5"/>'
        for run in runs
        if run
    ]
