"""A dyad series as a small, dependency-free SVG chart: events stacked by quad class, balance as a line."""

from __future__ import annotations

from html import escape

import pandas as pd

from .series import QUADS

WIDTH, HEIGHT, PAD = 720, 300, 40
COLOURS = dict(zip(QUADS, ("#4c9be8", "#1f5fa8", "#f0a04b", "#c0392b")))
LEGEND = dict(zip(QUADS, ("verbal cooperation", "material cooperation", "verbal conflict", "material conflict")))


def series_svg(frame: pd.DataFrame, title: str) -> str:
    """The chart of a `dyad_series` frame: one stacked bar per period, the balance (-1..1) as a line."""
    n = max(len(frame), 1)
    top = max(int(frame["events"].max()) if len(frame) else 0, 1)
    plot_w, plot_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = plot_w / n
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" font-size="11">',
        f'<text x="{PAD}" y="20" font-size="14">{escape(title)}</text>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
        f'<text x="{PAD - 6}" y="{PAD + 4}" text-anchor="end">{top}</text>',
        f'<text x="{PAD - 6}" y="{HEIGHT - PAD + 4}" text-anchor="end">0</text>',
    ]
    points = []
    for i, row in enumerate(frame.itertuples(index=False)):
        x, base = PAD + i * step, HEIGHT - PAD
        for quad in QUADS:
            h = getattr(row, quad) / top * plot_h
            if h:
                parts.append(
                    f'<rect x="{x + step * 0.1:.1f}" y="{base - h:.1f}" width="{step * 0.8:.1f}" '
                    f'height="{h:.1f}" fill="{COLOURS[quad]}"><title>{row.period:%Y-%m-%d} {quad}: '
                    f"{getattr(row, quad)}</title></rect>"
                )
                base -= h
        points.append(f"{x + step / 2:.1f},{PAD + (1 - row.balance) / 2 * plot_h:.1f}")
    if len(frame):
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#222" stroke-width="1.5"/>')
        for i in (0, len(frame) - 1):
            parts.append(
                f'<text x="{PAD + (i + 0.5) * step:.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">'
                f"{frame['period'].iloc[i]:%Y-%m-%d}</text>"
            )
    for i, quad in enumerate(QUADS):
        parts.append(
            f'<rect x="{PAD + i * 160}" y="{HEIGHT - 14}" width="10" height="10" fill="{COLOURS[quad]}"/>'
            f'<text x="{PAD + i * 160 + 14}" y="{HEIGHT - 5}">{LEGEND[quad]}</text>'
        )
    parts.append(f'<text x="{WIDTH - PAD}" y="20" text-anchor="end">line: balance, -1 (bottom) to 1 (top)</text>')
    return "\n".join(parts + ["</svg>"]) + "\n"
