"""Place stage: where an event happened, from the sentence or the article's dateline.

A place phrase ("met in Istanbul", "clashes near Donetsk") attached to the event's verb,
or to a verb that governs it, wins; else the dateline ("GENEVA (Reuters) -"); else none.
Actor countries are never places. A consultation (CAMEO 040) located outside every
participant's country becomes a third-location meeting (044).
"""

from __future__ import annotations

from spacy.tokens import Token

from ..dateline import find_dateline
from ..document import Document, Event, Location
from ..gazetteer import gazetteer
from .actors import PLACE_NE, PLACE_PREPS

THIRD_LOCATION = "044"


class Placer:
    """Sets `location` on each event and refines meetings at third locations."""

    def __init__(self) -> None:
        self.gazetteer = gazetteer()

    def __call__(self, doc: Document) -> None:
        context = {m.country for m in doc.mentions if m.country}
        dateline = self._dateline(doc, context)
        for event in doc.events:
            event.location = self._from_sentence(event, context) or dateline
            self._third_location(event)

    def _from_sentence(self, event: Event, context: set[str]) -> Location | None:
        verb: Token | None = event.verb_token
        while verb is not None:
            # "met in Istanbul", and "held talks in Beijing" where the parse hangs the place on the object
            heads = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
            for prep in (p for h in heads for p in h.children):
                if prep.dep_ != "prep" or prep.lower_ not in PLACE_PREPS:
                    continue
                for obj in prep.children:
                    if obj.dep_ == "pobj" and obj.ent_type_ in PLACE_NE:
                        ent = next(e for e in obj.sent.ents if e.start <= obj.i < e.end)
                        nxt = obj.doc[ent.end + 1] if ent.end + 1 < len(obj.doc) and obj.doc[ent.end].text == "," else None
                        qualifier = nxt.text if nxt is not None and nxt.ent_type_ == "GPE" else None
                        place = self.gazetteer.lookup(ent.text, context, qualifier)
                        if place is not None:
                            return place.location(ent.text)
            if verb.dep_ not in {"xcomp", "advcl", "conj"} or verb.head.pos_ not in {"VERB", "AUX"}:
                break  # a reported clause does not inherit the reporting verb's place
            verb = verb.head
        return None

    def _dateline(self, doc: Document, context: set[str]) -> Location | None:
        dateline = find_dateline(doc.text)
        if dateline is None:
            return None
        place = self.gazetteer.lookup(dateline.place, context, dateline.qualifier)
        return place.location(dateline.place) if place else None

    @staticmethod
    def _third_location(event: Event) -> None:
        if event.cameo != "040" or event.location is None:
            return
        parties = {a.country for a in event.actors + event.recipients if a.country}
        if parties and event.location.country not in parties:
            event.recode(THIRD_LOCATION)
