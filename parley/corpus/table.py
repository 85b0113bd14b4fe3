"""Rows under named columns, in plain Python: what an analysis gives before (or instead of)
a pandas DataFrame, so that the CLI can print it without importing pandas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("date", "text", "int", "count", "float", "list")  # count: an int that may be missing; list: JSON-ready


@dataclass
class Table:
    """`rows` hold a value per column, None where it is missing; `kinds` names each column's kind."""

    columns: list[str]
    rows: list[list[Any]]
    kinds: dict[str, str]

    def kind(self, column: str) -> str:
        return self.kinds[column]

    def records(self) -> list[dict[str, Any]]:
        """Each row as a dict, columns in order."""
        return [dict(zip(self.columns, row)) for row in self.rows]
