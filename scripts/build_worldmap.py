"""Build the dashboard's world map (parley/web/static/world.svg) from world-atlas's 110m TopoJSON.

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python scripts/build_worldmap.py package/countries-110m.json
    python scripts/tag_worldmap.py   # each outline gets its ISO alpha-3 code (data-country)

The outlines are Natural Earth's (public domain), as packaged by world-atlas (ISC). The map is
equirectangular in a 360 x 180 box: x = longitude + 180, y = 90 - latitude.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parley" / "web" / "static" / "world.svg"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as (lon, lat) points: quantized positions are deltas from the previous one."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A closed ring from its arcs; a negative index (~i) is arc i reversed."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def path(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data, coordinates to 0.1 degree, repeated points dropped."""
    out = []
    for points in rings:
        xy = []
        for lon, lat in points:
            p = (round(lon + 180, 1), round(90 - lat, 1))
            if not xy or xy[-1] != p:
                xy.append(p)
        if len(xy) > 2:
            out.append("M" + "L".join(f"{x:g} {y:g}" for x, y in xy) + "Z")
    return "".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("topojson", type=Path, help="world-atlas's countries-110m.json")
    args = ap.parse_args()
    topology = json.loads(args.topojson.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    paths = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry["type"], []
        )
        d = path([ring(r, arcs) for polygon in polygons for r in polygon])
        if d:
            paths.append(f'<path d="{d}"/>')
    OUT.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180">\n'
        "<!-- Natural Earth 1:110m country outlines (public domain), via world-atlas 2 (ISC,"
        " Michael Bostock); built by scripts/build_worldmap.py -->\n"
        '<g fill="#dfe3e8" stroke="#ffffff" stroke-width="0.2">\n' + "\n".join(paths) + "\n</g>\n</svg>\n",
        encoding="utf-8",
    )
    print(f"{OUT}: {len(paths)} countries, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
