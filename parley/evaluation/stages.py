"""Scores for the time, place and issue stages on parley's gold files.

A dates or places gold row is one sentence with its publication date, reporting one
event. The sentence is coded as a document of its own and the main emitted event is read.
Where no event is emitted (an event-coding miss, not a date or place miss) the time and
place stages are run on the main verb the classifier typed, so every row scores the
stages; `coverage` says how many rows had an emitted event. An issues gold row is a short
text with the issue ids an analyst would give it, scored by precision and recall of the
ids found anywhere in the text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..nlp.document import Document, Event
from ..nlp.pipeline import BACK

DATES_HEADER = ["published", "sentence", "expression", "date", "end_date", "precision", "status"]
PLACES_HEADER = ["published", "sentence", "place", "name", "country", "admin1", "precision"]
ISSUES_HEADER = ["text", "issues"]


@dataclass
class StageReport:
    source: str
    n: int
    scores: dict[str, list[bool]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, name: str, ok: bool) -> None:
        self.scores.setdefault(name, []).append(ok)

    def summary(self) -> dict:
        return {"source": self.source, "sentences": self.n} | {
            k: round(sum(v) / len(v), 4) for k, v in self.scores.items()
        }

    def text(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.summary().items()]
        return "\n".join(lines + (["", "misses:", *self.misses] if self.misses else []))


def load_rows(path: Path, header: list[str]) -> list[dict[str, str]]:
    """Rows of a tab-separated gold file with `header` (after # comment lines)."""
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    return [dict(zip(header, line.split("\t") + [""] * len(header))) for line in lines[1:]]


def _anchored(rows: list[dict[str, str]], pipeline) -> list[tuple[Event | None, bool]]:
    """(the event each row's sentence reports, whether it was emitted)."""
    from .mains import main_event

    docs = (
        Document(str(i), r["sentence"], dt.date.fromisoformat(r["published"]) if r["published"] else None)
        for i, r in enumerate(rows)
    )
    out = []
    for doc in pipeline(docs):
        event = main_event(doc, doc.events)
        if event is not None:
            out.append((event, True))
            continue
        candidates = [e for e in doc.scratch.uncoded if e.cameo and doc.scratch.of(e).verb_token is not None]
        typed = main_event(doc, candidates)
        if typed is not None:
            pipeline.apply(replace(doc, events=[typed]), BACK)
        out.append((typed, False))
    return out


def evaluate_dates(path: Path, pipeline) -> StageReport:
    """Exact date (start, end and precision), status, and date-source accuracy."""
    rows = load_rows(path, DATES_HEADER)
    report = StageReport(str(path), len(rows))
    for r, (event, emitted) in zip(rows, _anchored(rows, pipeline)):
        got = (
            event.date.isoformat() if event and event.date else "",
            event.end_date.isoformat() if event and event.end_date else "",
            event.date_precision or "" if event else "",
        )
        exact = got == (r["date"], r["end_date"], r["precision"])
        status = bool(event) and event.status == r["status"]
        report.add("coverage", emitted)
        report.add("exact", exact)
        report.add("status", status)
        if not (exact and status):
            report.misses.append(
                f"{r['published']} {r['expression']!r}: {r['date']} {r['end_date'] or '-'} "
                f"{r['precision']} {r['status']} -> {' '.join(g or '-' for g in got)} "
                f"{event.status if event else '-'}"
            )
    return report


def evaluate_places(path: Path, pipeline) -> StageReport:
    """Correct country, and exact place (name, country and, where gold has one, admin1)."""
    rows = load_rows(path, PLACES_HEADER)
    report = StageReport(str(path), len(rows))
    for r, (event, emitted) in zip(rows, _anchored(rows, pipeline)):
        loc = event.location if event else None
        country = bool(loc) and loc.country == r["country"]
        exact = country and loc.name == r["name"] and (not r["admin1"] or loc.admin1 == r["admin1"])
        report.add("coverage", emitted)
        report.add("country", country)
        report.add("exact", exact)
        if not exact:
            report.misses.append(
                f"{r['place']!r}: {r['name']}/{r['country']}/{r['admin1'] or '-'} -> "
                + (f"{loc.name}/{loc.country}/{loc.admin1 or '-'}" if loc else "none")
                + f" | {r['sentence'][:90]}"
            )
    return report


def evaluate_issues(path: Path, pipeline) -> StageReport:
    """Precision and recall of the issue ids found in each text (micro-averaged)."""
    finder = pipeline.stage("issues")
    rows = load_rows(path, ISSUES_HEADER)
    report = StageReport(str(path), len(rows))
    for r, doc in zip(rows, pipeline(Document(str(i), r["text"]) for i, r in enumerate(rows))):
        gold = {x for x in r["issues"].split("|") if x}
        found = finder.document_issues(doc)
        for issue in found:
            report.add("precision", issue in gold)
        for issue in gold:
            report.add("recall", issue in found)
        if gold != set(found):
            report.misses.append(
                f"+{','.join(sorted(set(found) - gold)) or '-'} -{','.join(sorted(gold - set(found))) or '-'}"
                f" | {r['text'][:90]}"
            )
    return report
