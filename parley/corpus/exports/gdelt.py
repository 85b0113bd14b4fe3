"""GDELT 2.0's event table: 61 tab-separated columns, no header."""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO

from ..names import region_name
from ..query import Filters
from ..store import Store
from .common import countries, country_name, event_id, happened, split_code, tsv

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


def write_gdelt(store: Store, filters: Filters, stream: TextIO) -> int:
    """GDELT 2.0 event table rows: 61 tab-separated columns, no header (as GDELT's files)."""
    return tsv(stream, (gdelt_row(r) for r in happened(store, filters)))


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
