"""ICEWS coded event data: 20 tab-separated columns with a header."""

from __future__ import annotations

from typing import Any, TextIO

from ...nlp.ontology import lookup
from ..names import SECTORS, region_name
from ..query import Filters
from ..store import Store
from .common import country_name, event_id, happened, split_code, tsv

ICEWS_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)


def write_icews(store: Store, filters: Filters, stream: TextIO) -> int:
    """ICEWS coded event data rows: 20 tab-separated columns with a header."""
    stream.write("\t".join(ICEWS_COLUMNS) + "\n")
    return tsv(stream, (icews_row(r) for r in happened(store, filters)))


def icews_row(r: dict[str, Any]) -> list[Any]:
    """One event as ICEWS's columns (ICEWS_COLUMNS)."""
    precision, iso3 = r["place_precision"], r["place_country"]
    province = (
        region_name(iso3, r["place_admin1"])
        if precision == "city"
        else r["place_name"]
        if precision == "admin1"
        else None
    )
    first = r["first_sentence"]
    return [
        event_id(r["event_key"]),
        r["date"],
        *_icews_actor(r["actor_code"], r["actor_country"], r["actor_sector"], r["actor_name"]),
        lookup(r["cameo"]).name,
        r["cameo"],
        r["goldstein"],
        *_icews_actor(r["recipient_code"], r["recipient_country"], r["recipient_sector"], r["recipient_name"]),
        r["first_doc_key"],
        "" if first is None else first + 1,
        r["source"],
        r["place_name"] if precision == "city" else None,
        None,
        province,
        country_name(iso3),
        r["place_lat"],
        r["place_lon"],
    ]


def _icews_actor(code: str | None, country: str | None, sector: str | None, name: str | None) -> list[str]:
    parts = split_code(code, country, sector)
    sectors = [SECTORS.get(t, t) for t in parts["types"]]
    nation = country_name(parts["country"])
    if nation and sectors and name in (None, nation):
        label = f"{sectors[0]} ({nation})"  # ICEWS's form for an unnamed part of a state: "Police (Turkey)"
    else:
        label = name or nation or code or ""
    return [label, ",".join(sectors), nation or ""]
