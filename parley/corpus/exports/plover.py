"""PLOVER JSON Lines records (the PLOVER manual's JSON fields), parley's own under "parley"."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TextIO

from ... import __version__
from ...nlp.ontology import plover_quad
from ..names import region_name
from ..query import HAPPENED, Filters, records
from ..store import Store
from .common import country_name

GEO_RESOLUTION = {"country": 1, "admin1": 2, "city": 4}  # PLOVER's location resolution codes


def write_plover(store: Store, filters: Filters, stream: TextIO) -> int:
    """PLOVER JSON Lines records (the PLOVER manual's JSON fields); parley's own under "parley"."""
    n = 0
    for record in records(store, filters, HAPPENED):
        stream.write(json.dumps(plover_record(record), ensure_ascii=False) + "\n")
        n += 1
    return n


def plover_record(r: dict[str, Any]) -> dict[str, Any]:
    """An event record (query.records) as a PLOVER record. A reciprocal event has every party as
    actor and no recipient, as PLOVER has it; the evidence is the first report's sentence. The
    quad code is the PLOVER manual's for the type; the CAMEO code's GDELT quad is parley's own."""
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
        "quad_code": plover_quad(r["event_type"]),
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
            "quad_class": r["quad_class"],
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
