"""Which of a sentence's events a sentence-level label describes."""

from __future__ import annotations

from ..nlp.document import Event
from ..nlp.models.labels import to_label


def record_main(events: list[Event]) -> Event | None:
    """A sentence's main event as its records show it: the most confident event that is
    not negated, else the most confident one (the first in text order on a tie)."""
    factual = [e for e in events if not e.negated] or events
    return max(factual, key=lambda e: e.confidence) if factual else None


def main_event(events: list[Event]) -> Event | None:
    """The event a sentence-level label describes: the one the classify stage gave the
    sentence's type and tagged parties, else the most confident non-negated one."""
    chosen = next((e for e in events if e.main), None)
    return chosen if chosen is not None else record_main(events)


def sentence_type(event: Event) -> str:
    """The 15-type label that a labelled sentence whose main event this is would carry."""
    if event.negated and event.sentence_label:
        return event.sentence_label
    return to_label(event.event_type)
