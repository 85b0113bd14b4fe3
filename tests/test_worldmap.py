"""The dashboard's world map: every outline the overview shades carries a real country code, once
per country where the map has one outline, and no ring draws a stripe across the world."""

from __future__ import annotations

import re

from parley.corpus import names

from .conftest import ROOT

MAP = (ROOT / "parley" / "web" / "static" / "world.svg").read_text(encoding="utf-8")


def test_outlines_carry_country_codes():
    tagged = re.findall(r'<path data-country="([A-Z]{3})"', MAP)
    assert len(tagged) >= 170
    assert all(names.party_name(code) for code in tagged)
    assert {"USA", "RUS", "CHN", "FJI", "BOL", "UKR", "SDN", "PHL"} <= set(tagged)
    assert tagged.count("BOL") == 1  # Fiji's ring once crossed the world and took Bolivia's cities


def test_no_ring_jumps_across_the_world_except_around_a_pole():
    for d in re.findall(r' d="([^"]+)"', MAP):
        for ring in d.split("Z"):
            xs = [float(p.split()[0]) for p in ring[1:].split("L") if p]
            jumps = sum(abs(b - a) > 180 for a, b in zip(xs, xs[1:] + xs[:1]))
            assert jumps in (0, 1), ring[:60]  # one: a ring around the South Pole
