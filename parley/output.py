"""Output stage: events as JSON Lines, a JSON array, or a readable table."""

from __future__ import annotations

import json
from typing import TextIO

from .corpus.printable import printable
from .nlp.document import Actor, Document, Event

OUTPUT_FORMATS = ("table", "jsonl", "json")
TABLE_COLUMNS = ("TYPE", "CAMEO", "ACTOR -> RECIPIENT", "DATE", "PLACE", "TRIGGER")


def _actors(actors: list[Actor]) -> str:
    return "+".join(dict.fromkeys(a.code or f'"{a.text}"' for a in actors)) or "-"


def table_row(event: Event) -> tuple[str, ...]:
    """One event as the table's cells."""
    arrow = "<->" if event.reciprocal else "->"
    dyad = _actors(event.actors) if event.reciprocal else f"{_actors(event.actors)} {arrow} {_actors(event.recipients)}"
    etype = ("not " if event.negated else "") + event.event_type
    if event.status != "factual":
        etype += f" ({event.status})"
    place = f"{event.location.name}, {event.location.country}" if event.location else "-"
    return (etype, event.cameo, dyad, event.date.isoformat() if event.date else "-", place, event.trigger_text)


class Writer:
    """Writes the events of coded documents to a stream in one of OUTPUT_FORMATS."""

    def __init__(self, stream: TextIO, fmt: str = "table") -> None:
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(OUTPUT_FORMATS)}")
        self.stream, self.fmt = stream, fmt
        self.count = 0

    def write(self, doc: Document) -> None:
        if self.fmt == "jsonl":
            for e in doc.events:
                self.stream.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            for e in doc.events:
                self.stream.write(("[\n" if self.count == 0 else ",\n") + json.dumps(e.to_dict(), ensure_ascii=False))
                self.count += 1
            return
        else:
            self._table(doc)
        self.count += len(doc.events)
        self.stream.flush()

    def _table(self, doc: Document) -> None:
        date = f", published {doc.date.isoformat()}" if doc.date else ""
        self.stream.write(f"== {printable(doc.id)}{date}: {len(doc.events)} event{'s' * (len(doc.events) != 1)}\n")
        if not doc.events:
            return
        rows = [TABLE_COLUMNS, *(tuple(map(printable, table_row(e))) for e in doc.events)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(TABLE_COLUMNS))]
        for r in rows:
            self.stream.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
        self.stream.write("\n")

    def close(self) -> None:
        if self.fmt == "json":
            self.stream.write("[]\n" if self.count == 0 else "\n]\n")
        self.stream.flush()
