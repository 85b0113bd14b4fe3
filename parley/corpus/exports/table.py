"""The readable table of `parley events`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ..printable import printable


def write_table(events: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """Event records as a readable table with fixed columns, names beside codes, written as they come."""
    widths = (10, 24, 30, 30, 30, 26, 8, 0)
    header = ("DATE", "TYPE", "CAMEO", "ACTOR -> RECIPIENT", "NAMES", "PLACE", "MENTIONS", "SENTENCE")
    events = iter(events)
    first = next(events, None)  # the database answers before the header is written
    stream.write(_line(header, widths))
    n = 0
    for r in itertools.chain([first], events) if first else ():
        stream.write(_line(table_row(r), widths))
        n += 1
    stream.write(f"{n} event{'s' * (n != 1)}\n")
    return n


def table_row(r: dict[str, Any]) -> tuple[str, ...]:
    """One event record as the table's cells."""
    etype = (
        ("not " if r["negated"] else "") + r["event_type"] + ("" if r["status"] == "factual" else f" ({r['status']})")
    )
    actors, actor_names = _codes(r["actors"]), _names(r["actors"])
    parties = actors if r["reciprocal"] else f"{actors} -> {_codes(r['recipients'])}"
    named = actor_names if r["reciprocal"] else f"{actor_names} -> {_names(r['recipients'])}"
    country = r.get("place_country_name") or r["place_country"]
    place = ", ".join(p for p in (r["place_name"], country) if p) or "-"
    sentence = r["mentions"][0]["sentence"] if r["mentions"] else ""
    return (
        r["date"] or "-",
        etype,
        " ".join(c for c in (r["cameo"], r.get("cameo_name")) if c),
        parties,
        named,
        place,
        f"{r['num_mentions']}/{r['num_articles']}",
        _clip(" ".join(sentence.split()), 80),
    )


def _codes(parties: list[dict[str, Any]]) -> str:
    return "+".join(dict.fromkeys(p["code"] or f'"{p["text"]}"' for p in parties)) or "-"


def _names(parties: list[dict[str, Any]]) -> str:
    """The parties' names: a country's or organisation's, else the actor's own, else its text."""
    return "+".join(dict.fromkeys(p.get("party_name") or p.get("name") or p["text"] for p in parties)) or "-"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """The cells in their columns, with anything a terminal would obey made visible (`printable`)."""
    cells = [printable(c) for c in cells]
    return "  ".join(_clip(c, w).ljust(w) if w else c for c, w in zip(cells, widths)).rstrip() + "\n"
