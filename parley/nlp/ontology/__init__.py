"""CAMEO codes, PLOVER types and the mapping between them, loaded from package data.

QuadClass follows GDELT's convention (roots 01-05 -> 1, 06-09 -> 2, 10-14 -> 3, 15-20 -> 4);
a PLOVER record's quad code follows the PLOVER manual's table of types (`plover_quad`).
Statements (root 01) have no PLOVER type; parley does not emit them as events.
Contexts are the 37 names of the PLOVER manual; the two other names CAMEO2PLOVER-2021 uses
(humanitarian, democracy) are read as the manual's human_security and pro_democracy.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    root: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None
    plover_contexts: tuple[str, ...]


@lru_cache(maxsize=1)
def cameo_codes() -> dict[str, CameoCode]:
    """Every CAMEO event code, by code string ("044")."""
    out: dict[str, CameoCode] = {}
    contexts = plover_contexts()
    with resources.files(__package__).joinpath("data/cameo_codes.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out[r["code"]] = CameoCode(
                code=r["code"],
                name=r["name"],
                root=r["root"],
                goldstein=float(r["goldstein"]),
                quad_class=int(r["quad_class"]),
                plover_type=r["plover_type"] or None,
                plover_mode=r["plover_mode"] or None,
                plover_contexts=tuple(dict.fromkeys(contexts[c] for c in r["plover_contexts"].split(";") if c)),
            )
    return out


@lru_cache(maxsize=1)
def plover_contexts() -> dict[str, str]:
    """Every context name of the PLOVER manual, and each older name for one, -> the manual's name."""
    out: dict[str, str] = {}
    with resources.files(__package__).joinpath("data/plover_contexts.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out[r["context"]] = r["context"]
            out.update((alias, r["context"]) for alias in r["aliases"].split(";") if alias)
    return out


@lru_cache(maxsize=1)
def cameo_classes() -> dict[str, frozenset[str]]:
    """Named classes of CAMEO codes the coder reasons with (joint, violent, visit) -> their codes
    and roots, from cameo_classes.csv."""
    with resources.files(__package__).joinpath("data/cameo_classes.csv").open(encoding="utf-8") as f:
        return {r["class"]: frozenset(r["codes"].split(";")) for r in csv.DictReader(f)}


def in_class(code: str, name: str) -> bool:
    """Whether a CAMEO code, or a code above it ("04" above "042"), is in the named class."""
    members = cameo_classes()[name]
    return any(code[:k] in members for k in range(2, len(code) + 1))


def lookup(code: str) -> CameoCode:
    """The entry for a code; an unknown sub-code falls back to its nearest known parent."""
    table = cameo_codes()
    for k in range(len(code), 1, -1):
        if code[:k] in table:
            return table[code[:k]]
    raise KeyError(f"unknown CAMEO code {code!r}")


@lru_cache(maxsize=1)
def plover_types() -> dict[str, tuple[str, int]]:
    """PLOVER's 16 types, in order -> (the CAMEO code parley gives an event of that type when
    no verb rule says more, its quad class)."""
    with resources.files(__package__).joinpath("data/plover_types.csv").open(encoding="utf-8") as f:
        return {r["type"]: (r["default_cameo"], int(r["quad_class"])) for r in csv.DictReader(f)}


def plover_quad(event_type: str) -> int | None:
    """The quad class the PLOVER manual gives a PLOVER type (a REQUEST is verbal conflict),
    which may differ from its CAMEO code's GDELT quad (an appeal, root 02, is verbal
    cooperation there); None for no PLOVER type."""
    found = plover_types().get(event_type)
    return found[1] if found else None


def plover_defaults() -> dict[str, str]:
    """PLOVER type -> its default CAMEO code (`plover_types`)."""
    return {t: code for t, (code, _) in plover_types().items()}
