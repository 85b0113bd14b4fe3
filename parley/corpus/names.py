"""Names beside codes, and codes from names: countries, organisations, actor codes, CAMEO
codes, regions. Filters read names through here (`--actor Russia`, `--place Texas`) and
tables print them; a name no table knows is an error that offers the nearest known one.

A *party* is what dyads are keyed by: a state's ISO alpha-3 code, or an international or
non-governmental organisation's own short code from `organisations.tsv` (UN, EU, NATO), so
that organisations never share one "IGO" bucket.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..nlp.ontology import cameo_codes
from ..nlp.vocab import STATELESS, country_names, read_table, split

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


@dataclass(frozen=True)
class Organisation:
    code: str  # CAMEO-style actor code (IGOUNO)
    key: str  # its own short code (UN)
    name: str


@lru_cache(maxsize=1)
def organisations() -> dict[str, Organisation]:
    """Actor code -> organisation, from organisations.tsv (a row without a key keys by its code)."""
    return {
        r["code"]: Organisation(r["code"], (r.get("key") or r["code"]).upper(), r["name"])
        for r in read_table("organisations.tsv")
    }


@lru_cache(maxsize=1)
def organisation_keys() -> dict[str, Organisation]:
    """Short code (UN, NATO) -> organisation."""
    return {o.key: o for o in organisations().values()}


def party(code: str | None, country: str | None) -> str | None:
    """The party a coded actor counts as in dyads: its country, or an organisation's own key."""
    if country in STATELESS:
        found = organisations().get(code or "")
        return found.key if found else (code or None)
    return country or None


def party_name(key: str | None) -> str | None:
    """The name of a party (a country or an organisation key), else None."""
    if not key:
        return None
    found = organisation_keys().get(key)
    return found.name if found else country_names().get(key)


def region_name(country: str | None, admin1: str | None) -> str | None:
    """The name of a first-level region parley's tables know (US states, provinces ...), else None."""
    return _regions().get((country, admin1)) if country and admin1 else None


def cameo_name(code: str | None) -> str | None:
    """CAMEO's description of an event code ("044": "Meet at third location")."""
    found = cameo_codes().get(code or "")
    return found.name if found else None


@lru_cache(maxsize=1)
def type_descriptions() -> dict[str, str]:
    """PLOVER event type -> what it covers ("CONSULT": "meet, visit, host, telephone ...")."""
    with resources.files("parley.nlp.ontology").joinpath("data/plover_types.csv").open(encoding="utf-8") as f:
        return {r["type"]: r["description"] for r in csv.DictReader(f)}


@lru_cache(maxsize=1)
def _regions() -> dict[tuple[str, str], str]:
    return {(r["country"], r["admin1"]): r["name"] for r in read_table("regions.tsv")}


@lru_cache(maxsize=1)
def _region_names() -> dict[str, tuple[str, str]]:
    """Lower-case region name or abbreviation -> (country, admin1)."""
    out: dict[str, tuple[str, str]] = {}
    for r in read_table("regions.tsv"):
        for form in [r["name"], *split(r.get("aliases", ""))]:
            out.setdefault(form.lower(), (r["country"], r["admin1"]))
    return out


@lru_cache(maxsize=1)
def _party_names() -> dict[str, str]:
    """Lower-case name, alias, adjective or demonym of a country or organisation -> party key."""
    out: dict[str, str] = {}
    for o in organisations().values():
        out.setdefault(o.name.lower(), o.key)
    for r in read_table("organisations.tsv"):
        key = organisations()[r["code"]].key
        for form in split(r.get("aliases", "")):
            out.setdefault(form.lower(), key)
    for r in read_table("countries.tsv"):
        for form in [r["name"], *split(r["aliases"])]:
            out[form.lower()] = r["iso3"]
            if form.lower().startswith("the "):
                out.setdefault(form[4:].lower(), r["iso3"])
    for r in read_table("countries.tsv"):
        for form in [*split(r["adjectives"]), *split(r["people"])]:
            out.setdefault(form.lower(), r["iso3"])
    return out


def is_party(key: str) -> bool:
    """Whether `key` is a country code or an organisation's key."""
    return key in country_names() or key in organisation_keys()


def party_from(value: str, what: str) -> str:
    """A country or organisation, given by code (RUS, UN) or name ("Russia", "the United
    Nations"), as its party key; else a ValueError that names the nearest known one."""
    text = " ".join(str(value).split())
    if is_party(text.upper()):
        return text.upper()
    lower = text.lower()
    found = _party_names().get(lower) or _party_names().get(lower.removeprefix("the "))
    if found:
        return found
    raise ValueError(f"unknown {what} {_quoted(value)}{suggestion(text, _choices())}")


def country_from(value: str, what: str) -> str:
    """A country (not an organisation) by code or name, as its ISO alpha-3 code."""
    key = party_from(value, what)
    if key not in country_names():
        raise ValueError(f"{what} {_quoted(value)} is an organisation, not a country")
    return key


def region_from(value: str) -> tuple[str, str] | None:
    """(country, admin1) of a region name or abbreviation parley's tables know, else None."""
    return _region_names().get(" ".join(value.split()).lower())


@lru_cache(maxsize=1)
def _choices() -> dict[str, str]:
    """What a suggestion may offer: lower-case form -> how to show it ("russia" -> "Russia (RUS)")."""
    out: dict[str, str] = {}
    for r in read_table("countries.tsv"):
        out[r["iso3"].lower()] = f"{r['iso3']} ({r['name']})"
        for form in [r["name"], *split(r["aliases"])]:
            out.setdefault(form.lower(), f"{form} ({r['iso3']})")
    for o in organisations().values():
        out.setdefault(o.key.lower(), f"{o.key} ({o.name})")
        out.setdefault(o.name.lower(), f"{o.name} ({o.key})")
    return out


def suggestion(value: str, choices: dict[str, str]) -> str:
    """ "; did you mean X?" for the nearest of `choices` (lower-case form -> shown), else ""."""
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean {choices[close[0]]}?" if close else ""


def _quoted(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:40]}... ({len(text):,} characters)"
