"""Which of a sentence's events a sentence-level label describes."""

from __future__ import annotations

from ..nlp.document import Document, Event
from ..nlp.models.labels import to_label


def record_main(events: list[Event]) -> Event | None:
    """A sentence's main event as its records show it: the most confident event that is
    not negated, else the most confident one (the first in text order on a tie)."""
    factual = [e for e in events if not e.negated] or events
    return max(factual, key=lambda e: e.confidence) if factual else None


def main_event(doc: Document, events: list[Event]) -> Event | None:
    """The event of `doc` a sentence-level label describes: the one the classify stage gave
    the sentence's type and tagged parties, else the most confident non-negated one. Reads
    the stages' working state: call it before the pipeline releases the document."""
    chosen = next((e for e in events if doc.scratch.of(e).main), None)
    return chosen if chosen is not None else record_main(events)


def sentence_type(doc: Document, event: Event) -> str:
    """The 15-type label that a labelled sentence whose main event this is would carry."""
    label = doc.scratch.of(event).sentence_label
    if event.negated and label:
        return label
    return to_label(event.event_type)
