"""Datelines: the "GENEVA (Reuters) -", "SPRINGFIELD, Ill., May 3 -" or "KARACHI:" opening of a
news story, and "vadodara:" in a text without capitals."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .casing import lower_cased

DATELINE = re.compile(
    r"^\s*([A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})((?:,[^\n,(–—-]{1,30}){0,3})\s*(?:\([^)\n]{1,40}\))?"
    r"\s*(?:[-–—]{1,2}|:)\s"
)
# in a text without capitals, with the colon Indian and Pakistani papers put after it ("vadodara: the police")
CASELESS_DATELINE = re.compile(r"^\s*([a-z][a-z.'-]*(?: [a-z][a-z.'-]*){0,2})\s*:\s")
MONTHS = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b", re.I)


@dataclass(frozen=True)
class Dateline:
    place: str  # as written
    qualifier: str | None  # "Ill.", "Texas": a region that narrows the place
    end: int  # offset where the story proper begins


def find_dateline(text: str, caseless: bool | None = None) -> Dateline | None:
    """The dateline at the start of a text, if there is one; `caseless`: whether the text is
    written without capitals, where the caller knows (else it is found out)."""
    if caseless is None:
        caseless = lower_cased(text)
    m = DATELINE.match(text) or (_caseless(text) if caseless else None)
    if not m or len(m.group(1)) < 3:
        return None
    qualifier = None
    for piece in (p.strip() for p in (m.group(2) if m.re is DATELINE else "").split(",") if p.strip()):
        if not MONTHS.match(piece) and not any(ch.isdigit() for ch in piece):
            qualifier = piece
            break
    return Dateline(m.group(1), qualifier, m.end())


def _caseless(text: str) -> re.Match | None:
    """A lower-cased dateline that names a known place ("police said: ..." is none)."""
    from .gazetteer import gazetteer

    m = CASELESS_DATELINE.match(text)
    return m if m and gazetteer().lookup(m.group(1)) is not None else None
