"""Datelines: the "GENEVA (Reuters) -" or "SPRINGFIELD, Ill., May 3 -" opening of a wire story."""

from __future__ import annotations

import re
from dataclasses import dataclass

DATELINE = re.compile(
    r"^\s*([A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})((?:,[^\n,(–—-]{1,30}){0,3})\s*(?:\([^)\n]{1,40}\))?\s*[-–—]{1,2}\s"
)
MONTHS = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b", re.I)


@dataclass(frozen=True)
class Dateline:
    place: str  # as written, upper case
    qualifier: str | None  # "Ill.", "Texas": a region that narrows the place
    end: int  # offset where the story proper begins


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of a text, if there is one."""
    m = DATELINE.match(text)
    if not m or len(m.group(1)) < 3:
        return None
    qualifier = None
    for piece in (p.strip() for p in m.group(2).split(",") if p.strip()):
        if not MONTHS.match(piece) and not any(ch.isdigit() for ch in piece):
            qualifier = piece
            break
    return Dateline(m.group(1), qualifier, m.end())
