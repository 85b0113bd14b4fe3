"""A `Table` of plain rows (`parley.corpus.table`) printed as pandas prints a DataFrame
(`to_string(index=False)`, floats to three places) and written as pandas writes its CSV, so
that `parley dyad`, `network` and `agenda` show the same tables without importing pandas
(`tests/test_tables.py` compares the two)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Any

from ..corpus.printable import printable
from ..corpus.table import Table

MISSING = {"count": "<NA>", "float": "NaN", "date": "NaT", "text": "NaN"}  # as pandas shows a missing value


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return MISSING[kind]
    if kind == "float":
        return f"{value:.3f}"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def text_table(table: Table) -> str:
    """Columns right-aligned under their names, one space apart; a number's name takes a
    space before it (as pandas leaves room for a sign)."""
    columns = []
    for i, name in enumerate(table.columns):
        kind = table.kind(name)
        header = f" {name}" if kind in ("int", "count", "float") else name
        cells = [_shown(row[i], kind) for row in table.rows]
        width = max([len(header), *(len(c) for c in cells)])
        columns.append([header.rjust(width), *(c.rjust(width) for c in cells)])
    return "\n".join(" ".join(line) for line in zip(*columns))


def print_table(table: Table) -> None:
    print(printable(text_table(table), "\n") if table.rows else "(none)")


def write_csv(table: Table, path: str) -> None:
    """The table as CSV (a missing value empty, dates as YYYY-MM-DD, lists and dicts as JSON
    text) to a file or (for -) standard output."""

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return value.isoformat() if isinstance(value, dt.date) else value

    out = sys.stdout if path == "-" else open(path, "w", newline="", encoding="utf-8")
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows([cell(v) for v in row] for row in table.rows)
    finally:
        if out is not sys.stdout:
            out.close()
