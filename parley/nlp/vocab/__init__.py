"""Vocabularies as data: tab-separated tables in vocab/data, read by one loader.

A user can extend any table without touching the package: put a file of the same name
and columns in the directory named by the environment variable PARLEY_VOCAB_DIR; its rows
are read after the packaged ones (and win where the tables give one answer per key).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from ..memo import Generations

_UNKNOWN = object()  # a phrase the agent cache has not seen (None is a remembered answer)


def _sources(name: str) -> list[Traversable]:
    """The packaged table, then the user's table of the same name if there is one."""
    sources: list[Traversable] = [resources.files(__package__).joinpath("data", name)]
    user_dir = os.environ.get("PARLEY_VOCAB_DIR")
    if user_dir and (Path(user_dir) / name).is_file():
        sources.append(Path(user_dir) / name)
    return sources


def table_bytes(*names: str) -> list[bytes]:
    """The raw contents of these tables (packaged and the user's): what a cache entry built
    from them depends on."""
    return [src.read_bytes() for name in names for src in _sources(name)]


class VocabError(ValueError):
    """A vocabulary row that cannot be used, named with its table."""


def read_table(name: str) -> Iterator[dict[str, str]]:
    """Rows of a packaged table, then of the user's table of the same name, as dicts."""
    for src in _sources(name):
        with src.open(encoding="utf-8") as f:
            lines = (line for line in f if line.strip() and not line.startswith("#"))
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield {k: (v or "").strip() for k, v in row.items() if k}


def split(field: str) -> list[str]:
    return [x.strip() for x in field.split("|") if x.strip()]


T = TypeVar("T")


@dataclass(frozen=True)
class Entity:
    """What an actor phrase stands for: a country or organisation, maybe with a sector."""

    code: str
    country: str | None
    sector: str | None
    name: str
    kind: str  # country, capital, demonym, organisation, institution, people, armed group, region

    @property
    def why(self) -> str:
        return f"{self.kind} table: {self.name}"


@lru_cache(maxsize=1)
def actor_phrases() -> dict[str, Entity]:
    """Surface form (case-sensitive) -> entity, from the country, organisation, institution,
    community and armed group tables, and the regions whose names end in one of theirs."""
    out: dict[str, Entity] = {}
    for r in read_table("countries.tsv"):
        iso3, name = r["iso3"], r["name"]
        for form in [name, *split(r["aliases"])]:
            out[form] = Entity(iso3, iso3, None, name, "country")
            if form.lower().startswith("the "):
                out[form[4:]] = out[form]
        for form in [*split(r["adjectives"]), *split(r["people"])]:
            out.setdefault(form, Entity(iso3, iso3, None, name, "demonym"))
        for form in split(r["capitals"]):
            out.setdefault(form, Entity(iso3, iso3, None, name, "capital"))
    for r in read_table("organisations.tsv"):
        for form in [r["name"], *split(r["aliases"])]:
            out[form] = Entity(r["code"], r["country"], None, r["name"], "organisation")
    for r in read_table("institutions.tsv"):
        for form in [r["name"], *split(r["aliases"])]:
            out[form] = Entity(r["country"] + r["sector"], r["country"], r["sector"], r["name"], "institution")
    for people in peoples().values():
        for form in people.forms:
            out.setdefault(form, Entity(people.homes[0], people.homes[0], None, people.name, "people"))
    for r in read_table("communities.tsv"):  # "Bosnian Serbs": Bosnia's, not Serbia's
        for form in split(r["forms"]):
            out[form] = Entity(r["country"], r["country"], None, r["name"], "community")
    for r in read_table("armed_groups.tsv"):
        for form in [r["name"], *split(r["aliases"])]:
            out[form] = Entity(r["code"], r["country"] or None, r["sector"], r["name"], "armed group")
    for r in read_table("regions.tsv"):
        # a region whose name ends in another's ("New Mexico", "New Jersey", "Northern Ireland"):
        # the whole name, so that the shorter one does not match inside it
        words = r["name"].split()
        if any(" ".join(words[i:]) in out for i in range(1, len(words))):
            out.setdefault(r["name"], Entity(r["country"], r["country"], None, r["name"], "region"))
    return typeset(out)


def typeset(forms: dict[str, T]) -> dict[str, T]:
    """The table's forms, and each with an apostrophe also as newspapers set it ("Côte d’Ivoire")."""
    return {**{f.replace("'", "\u2019"): v for f, v in forms.items() if "'" in f}, **forms}


@dataclass(frozen=True)
class People:
    """A people without a state of its own (peoples.tsv): the states it lives in, and the
    sector of its forces (REB: the Kurds' fighters are no state's army)."""

    name: str
    homes: tuple[str, ...]
    forces_sector: str
    forms: tuple[str, ...]


@lru_cache(maxsize=1)
def peoples() -> dict[str, People]:
    """Surface form (case-sensitive) -> the stateless people it names."""
    out: dict[str, People] = {}
    for r in read_table("peoples.tsv"):
        people = People(r["name"], tuple(split(r["homes"])), r["forces_sector"], tuple(split(r["forms"])))
        out |= {form: people for form in people.forms}
    return out


# prepositions that introduce where something happened ("met in Istanbul"): places, not parties
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout"})
# organisations' "countries": the next letters of their codes name the organisation, not a sector
STATELESS = frozenset({"IGO", "NGO"})
NO_STATE = "IMG"  # an agent code's prefix for fighters of no state ("jihadist": IMGREB, as Islamic State)


@lru_cache(maxsize=1)
def named_actors() -> dict[str, Entity]:
    """Lower-case name or alias -> entity, for PETRARCH's organisations and armed groups
    (named_actors.tsv: "Boko Haram" NGAREB, "Hamas" PSEREBHMS, "IAEA" IGOUNOIAE), less the
    common words of not_names.tsv ("Youth", "Organization"). A code whose first letters are
    no state (a region such as SAS) gives no country."""
    states = set(country_names())
    common = {r["word"].lower() for r in read_table("not_names.tsv")}
    out: dict[str, Entity] = {}
    for r in read_table("named_actors.tsv"):
        code = r["code"]
        prefix = code[:3]
        country = prefix if prefix in states or prefix in STATELESS else None
        sector = None if prefix in STATELESS else (code[3:6] or None)
        entity = Entity(code, country, sector, r["name"], "PETRARCH actors")
        for form in [r["name"], *split(r["aliases"])]:
            if form.lower() not in common:
                out.setdefault(form.lower(), entity)
    return out


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-3 -> common English name."""
    return {r["iso3"]: r["name"] for r in read_table("countries.tsv")}


@lru_cache(maxsize=1)
def group_nouns() -> dict[str, str | None]:
    """Lower-case phrases that mean 'the two main parties' of an article -> their sector."""
    return {r["phrase"].lower(): r["sector"] or None for r in read_table("group_nouns.tsv")}


# what a PETRARCH stem may be followed by: inflections and noun endings, so that "minist"
# matches "minister" and "ministry" but the stem "man" never matches "manila"
STEM_ENDINGS = frozenset(
    {
        "",
        "s",
        "es",
        "e",
        "er",
        "ers",
        "or",
        "ors",
        "ry",
        "ries",
        "y",
        "ies",
        "ist",
        "ists",
        "al",
        "als",
        "ian",
        "ians",
        "ment",
        "ments",
        "ion",
        "ions",
    }
)


@lru_cache(maxsize=1)
def quantity_nouns() -> frozenset[str]:
    """Lemmas like "thousand" or "group" whose "of" phrase names the actor."""
    return frozenset(r["lemma"] for r in read_table("quantity_nouns.tsv"))


@lru_cache(maxsize=1)
def harm_nouns() -> frozenset[str]:
    """Lemmas like "raid" or "shelling": acts whose owner is the agent of a death they cause."""
    return frozenset(r["lemma"] for r in read_table("harm_nouns.tsv"))


@lru_cache(maxsize=1)
def discards() -> list[str]:
    """Lower-case phrases that mark a sentence as not codeable (sport, entertainment ...)."""
    return [r["phrase"] for t in ("discards.tsv", "discards_own.tsv") for r in read_table(t)]


@lru_cache(maxsize=1)
def implied_agents() -> dict[str, list[tuple[str, str]]]:
    """Lemma -> (a word its phrase must hold, "" for none; sector) of the state body that does
    an act whose agent the text leaves unsaid ("two men were arrested", "he was taken into
    custody": the police)."""
    table: dict[str, list[tuple[str, str]]] = {}
    for r in read_table("implied_agents.tsv"):
        table.setdefault(r["lemma"], []).append((r.get("word") or "", r["sector"]))
    return table


@lru_cache(maxsize=1)
def judging_verbs() -> frozenset[str]:
    """Lemmas of verbs whose subject tells of or judges an act rather than does it (condemn, urge)."""
    return frozenset(r["lemma"] for r in read_table("judging_verbs.tsv"))


class AgentTable:
    """Agent words (minister, embassy, rebels) -> sector code, from agents.tsv and agents_own.tsv.

    Entries marked 'word' match a lemma exactly, 'stem' entries match its prefix, as in
    PETRARCH's dictionaries. Lookups are remembered per phrase, in two generations of
    CACHE_SIZE phrases: a long stream brings new ones all the time (about 1,500 per 1,000
    short documents).
    """

    CACHE_SIZE = 25_000

    def __init__(self) -> None:
        self.words: dict[str, str] = {}
        # stems indexed by (leading words, first three letters of the last word)
        self.stems: dict[tuple[str, str], list[tuple[str, str]]] = {}
        lengths = [1]
        for r in [*read_table("agents.tsv"), *read_table("agents_own.tsv")]:
            phrase, code = r["phrase"], r["code"]
            lengths.append(len(phrase.split()))
            if r["match"] == "word":
                self.words[phrase] = code
            else:
                head, _, last = phrase.rpartition(" ")
                self.stems.setdefault((head, last[:3]), []).append((last, code))
        self._max_len = max(lengths)
        self._cache: Generations[str, str | None] = Generations(self.CACHE_SIZE)

    def code(self, phrase: str) -> str | None:
        """Role code for a lower-case phrase of lemmas ('foreign minister'), or None."""
        found = self._cache.get(phrase, _UNKNOWN)
        if found is not _UNKNOWN:
            return found
        found = self.words.get(phrase)
        if found is None:
            head, _, last = phrase.rpartition(" ")
            best = ""
            for stem, code in self.stems.get((head, last[:3]), ()):
                if last.startswith(stem) and last[len(stem) :] in STEM_ENDINGS and len(stem) > len(best):
                    best, found = stem, code
        self._cache.put(phrase, found)
        return found

    def sector(self, lemmas: list[str]) -> tuple[str | None, str | None]:
        """(sector, matched phrase) for the longest agent phrase ending the lemma list."""
        for n in range(min(self._max_len, len(lemmas)), 0, -1):
            phrase = " ".join(lemmas[-n:])
            code = self.code(phrase)
            if code:
                return code.removeprefix(NO_STATE)[:3], phrase
        return None, None

    def no_state(self, phrase: str | None) -> bool:
        """Whether an agent phrase names fighters of no state ("jihadists", "foreign fighters"),
        whom the annotation guide codes as it codes Islamic State: country null."""
        return phrase is not None and (self.code(phrase) or "").startswith(NO_STATE)


@lru_cache(maxsize=1)
def agents() -> AgentTable:
    return AgentTable()


@dataclass(frozen=True)
class Period:
    """A code a person held between two dates (either may be open)."""

    code: str
    start: dt.date | None
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass
class Person:
    """A named person whose actor code depends on the date: "Putin" is RUSGOV in 2025."""

    name: str
    periods: list[Period]
    default: str | None = None  # the code outside every period, if the table gives one
    source: str = "people"

    def code_on(self, day: dt.date | None) -> tuple[str, str]:
        """(actor code, why) on a day; without a date, the latest period's code."""
        if day is None:
            latest = max(self.periods, key=lambda p: p.start or dt.date.min, default=None)
            code = latest.code if latest else self.default
            return code or "", f"{self.source} table: {self.name}, latest code (no date)"
        for p in sorted(self.periods, key=lambda p: p.start or dt.date.min, reverse=True):
            if p.holds(day):
                span = f"{p.start or '...'} to {p.end or 'now'}"
                return p.code, f"{self.source} table: {self.name}, {p.code} from {span}"
        if self.default or not self.periods:
            return self.default or "", f"{self.source} table: {self.name}, {self.default} (no dated role on {day})"
        near = min(self.periods, key=lambda p: abs(((p.start or p.end) - day).days))
        return near.code[:3] + "ELI", f"{self.source} table: {self.name}, out of office on {day}"


def _iso(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _periods(field: str) -> tuple[list[Period], str | None]:
    periods, default = [], None
    for item in split(field):
        code, _, span = item.partition(" ")
        if not span:
            default = code
            continue
        start, _, end = span.partition("/")
        periods.append(Period(code, _iso(start), _iso(end)))
    return periods, default


@dataclass(frozen=True)
class Term:
    """A leader's term in a role: who "the president" of a country was on a day."""

    country: str
    role: str
    name: str
    start: dt.date | None
    end: dt.date | None


@lru_cache(maxsize=1)
def leaders() -> dict[tuple[str, str], list[Term]]:
    """(country, role lemma) -> terms, from leaders.tsv (and the user's own rows)."""
    out: dict[tuple[str, str], list[Term]] = {}
    for r in read_table("leaders.tsv"):
        term = Term(r["country"], r["role"].lower(), r["name"], _iso(r["start"]), _iso(r["end"]))
        out.setdefault((term.country, term.role), []).append(term)
    return out


def leader_on(country: str, role: str, day: dt.date | None) -> Term | None:
    """Who held a role in a country on a day (the latest holder when the day is unknown)."""
    terms = leaders().get((country, role), [])
    if day is None:
        return max(terms, key=lambda t: t.start or dt.date.min, default=None)
    holding = [t for t in terms if (t.start is None or t.start <= day) and (t.end is None or day < t.end)]
    return max(holding, key=lambda t: t.start or dt.date.min, default=None)  # a newer term closes an open one


PEOPLE_TABLES = ("leaders.tsv", "people_own.tsv", "people.tsv", "parties.tsv")


@lru_cache(maxsize=1)
def people() -> dict[str, Person]:
    """Lower-case name or alias -> Person, from leaders.tsv (dated terms, preferred),
    people_own.tsv (office-holders since 2000, written for parley) and people.tsv (PETRARCH's
    people with dated codes, stale after 2014), and parties.tsv (political parties, in government
    or not on a day; no persons); a user's rows of each are added. Read from the
    disk cache (`cache.py`) while the tables and this module are unchanged: reading 45,000
    rows took 0.4 s of every start."""
    from ..cache import cached

    return cached("people", [Path(__file__).read_bytes(), *table_bytes(*PEOPLE_TABLES)], _read_people)


def _read_people() -> dict[str, Person]:
    by_name: dict[str, Person] = {}
    forms: dict[str, Person] = {}
    for r in read_table("leaders.tsv"):
        person = by_name.setdefault(r["name"], Person(r["name"], [], None, "leaders"))
        person.periods.append(Period(r["country"] + "GOV", _iso(r["start"]), _iso(r["end"])))
        for form in [r["name"], *split(r["aliases"])]:
            forms.setdefault(form.lower(), person)
    for table, source in (("people_own.tsv", "people (own)"), ("people.tsv", "people"), ("parties.tsv", "parties")):
        for r in read_table(table):
            periods, default = _periods(r["codes"])
            known = by_name.get(r["name"])
            if known is not None:  # a person an earlier table knows: keep the roles it closes too
                known.periods.extend(p for p in periods if p.end is not None)
                known.default = known.default or default
                person = known
            else:
                person = by_name.setdefault(r["name"], Person(r["name"], periods, default, source))
            for form in [r["name"], *split(r["aliases"])]:
                forms.setdefault(form.lower(), person)
    return forms
