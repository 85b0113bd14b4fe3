"""Headlines as the user feeds them: the synthetic headline templates of NGEC
(`synthetic_headlines.csv`: event, mode, title with {country_1}, {country_2}, {country_3} and
{city} slots), each filled with real names and coded as a document of its own by the product
pipeline. A headline is short, often in title case, and telegraphic ("Poland Releases Three
Labor Activists"): none of what the sentence sets hold.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ..nlp.document import Document
from .mains import record_main
from .stages import StageReport

HEADLINES_HEADER = "event,mode,title"
# the names the slots are filled with, in turn: each row its own, the same on every run
STATES = (
    "Russia", "China", "France", "Germany", "Iran", "Turkey", "Brazil", "India", "Japan", "Egypt",
    "Nigeria", "Mexico", "Pakistan", "Israel", "Ukraine", "Syria", "Kenya", "Canada", "Poland", "Vietnam",
)  # fmt: skip
CITIES = ("Kyiv", "Aleppo", "Lagos", "Karachi", "Istanbul", "Beirut", "Caracas", "Manila", "Nairobi", "Kabul")
SLOT = re.compile(r"\{(country_(\d)|city)\}")


def filled(template: str, row: int) -> str:
    """A headline template with its slots filled: the k-th state slot of row r with state
    3r + k of STATES (so a row's states differ), the city slot with city r of CITIES."""

    def name(m: re.Match) -> str:
        if m.group(2):
            return STATES[(3 * row + int(m.group(2)) - 1) % len(STATES)]
        return CITIES[row % len(CITIES)]

    return SLOT.sub(name, template).strip()


def evaluate_headlines(path: Path, pipeline) -> StageReport:
    """For each filled headline: whether its main event (as records show it) has the labelled
    type, whether any event has it, and whether it gives an event at all."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    report = StageReport(str(path), len(rows))
    texts = [filled(r["title"], i) for i, r in enumerate(rows)]
    for r, text, doc in zip(rows, texts, pipeline(Document(str(i), t) for i, t in enumerate(texts))):
        main = record_main(doc.events)
        report.add("main event of the labelled type", main is not None and main.event_type == r["event"])
        report.add("an event of the labelled type", any(e.event_type == r["event"] for e in doc.events))
        report.add("an event", main is not None)
        if main is None or main.event_type != r["event"]:
            got = ", ".join(f"{e.event_type} on '{e.trigger_text}'" for e in doc.events) or "no event"
            report.misses.append(f"{r['event']}: {text} -> {got}")
    return report
