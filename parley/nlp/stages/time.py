"""Time stage: the event's own date, resolved against the publication date.

Date expressions are found in the event's sentence by `parley.nlp.dates`. One in the event
verb's own clause wins, then one in a clause that governs it ("On Monday, X said Y
attacked ..."); a date in another clause ("properties that were confiscated in 2016")
is not the event's. Without one the event takes the day of the scene the article has set: the
latest day an earlier sentence gave one of its events, if that day is recent (within SCENE_DAYS
before publication: "On 27 February the delegations met ... The parties agreed ..."; date_source
"context"); else the publication date (date_source "publication"); without a publication date
it stays undated: today's date is never used. An act the article names again ("the Douma
attack") takes the day it gave that act elsewhere (date_source "context"). A day that opens
the sentence ("On Friday, ...") dates all of it; a participle clause ("..., spearheaded by its
allies on Saturday") the act it hangs on. Days counted from a day move the act that far: from the
sentence's own day ("killed a day earlier"), or from the governing clause's or the report's ("came
a day after Turkey said", "the previous night's airstrike").
A dated event after publication is future; one begun over a year before it is historical.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from spacy.tokens import Span, Token

from .. import dates
from ..dates import DateMention, Resolved
from ..document import Document, Event
from ..parties import prep_objects
from ..vocab import actor_phrases

HISTORICAL_AFTER = dt.timedelta(days=365)
SCENE_DAYS = dt.timedelta(days=14)  # how far before publication a day may set the scene of later events
POSSESSIVE = ("'s", "’s")
NAMING_DEPS = {"compound", "amod", "nmod", "poss", "dobj"}  # words of an act's phrase that may name it
SHIFTS = {"earlier": -1, "before": -1, "later": 1, "after": 1}  # "a day earlier": one day before
UNIT_DAYS = {"day": 1, "night": 1, "week": 7}
COUNTS = {  # "a day", "three days": how many
    "a": 1, "an": 1, "one": 1, "the": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
# heads of clauses that carry their own time; a participle ("a boat carrying migrants on
# the 14th") shares its governor's clause; an infinitive ("agreed to meet on Monday") has its own
CLAUSE_HEADS = {"ROOT", "ccomp", "xcomp", "advcl", "relcl", "conj", "csubj", "csubjpass", "parataxis"}


class EventDater:
    """Sets date, end_date, date_precision, date_source and future/historical status on events."""

    name = "time"
    reads: tuple[str, ...] = ("events", "date", "scratch.work")
    writes: tuple[str, ...] = (
        "event.date",
        "event.end_date",
        "event.date_precision",
        "event.date_source",
        "event.status",
    )

    def __call__(self, doc: Document) -> None:
        found: dict[int, list[DateMention]] = {}
        scene: Event | None = None  # the latest event dated by its own sentence to a recent day
        for event in doc.events:
            sent = doc.scratch.of(event).verb_token.sent
            if event.sentence_index not in found:
                found[event.sentence_index] = dates.find(sent.text)
            self._date(doc, event, sent, found[event.sentence_index])
            if event.date_source == "text":
                recent = (
                    doc.date is not None
                    and event.date is not None
                    and dt.timedelta(0) <= doc.date - event.date <= SCENE_DAYS
                )
                scene = event if event.date_precision == "day" and recent else scene
            elif (
                scene is not None
                and event.date_source == "publication"
                and scene.sentence_index < event.sentence_index
                and event.status != "future"  # "will boycott the summit": not the scene's past day
            ):
                event.date, event.end_date, event.date_precision = scene.date, scene.end_date, scene.date_precision
                event.date_source = "context"
                doc.scratch.of(event).scene = scene
        self._named_again(doc)

    @staticmethod
    def _named_again(doc: Document) -> None:
        """An act the article names again ("the Douma attack", after "a chemical attack on Douma
        on 7 April") takes the day the article gave it, wherever in the article that was, over
        the publication date and the scene's day; of several days given, the earliest (later
        ones are mostly of reactions to it); a day after publication is not taken."""
        dated: dict[tuple[str, str], Event] = {}  # the earliest day the article gives an act of a type and name
        for event in doc.events:
            if (
                event.date_source == "text"
                and event.date_precision == "day"
                and event.status != "future"
                and event.date
            ):
                for name in _names(doc.scratch.of(event).verb_token):
                    known = dated.get((event.event_type, name))
                    if known is None or (known.date is not None and event.date < known.date):
                        dated[(event.event_type, name)] = event
        for event in doc.events:
            tok = doc.scratch.of(event).verb_token
            if event.date_source not in {"publication", "context"} or tok.pos_ != "NOUN":
                continue
            named = next(
                (dated[(event.event_type, n)] for n in sorted(_names(tok)) if (event.event_type, n) in dated), None
            )
            if named is not None and named is not event:
                event.date, event.end_date, event.date_precision = named.date, named.end_date, named.date_precision
                event.date_source = "context"

    @staticmethod
    def _ranked(verb: Token, sent: Span, mentions: list[DateMention]) -> list[tuple[DateMention, bool]]:
        """(mention, past only) for the mentions that may date the event: those of its own
        clause, then of a clause governing it ("On Monday, X said Y attacked ..."), then of a
        coordinated clause, then of its infinitive complement if they lie in the past or the
        event is itself to come ("ordered the troops to leave last year", "will debate a bill to
        bring forward elections on Thursday"; but "agreed to meet next week" is not dated next week).
        A possessive ("next week's summit") comes after the others at its rank. A date in a
        clause of its own ("properties that were confiscated in 2016") does not date the event."""
        own = _clause(verb)
        governing = [own.i, *(t.i for t in own.ancestors if _is_clause(t))]
        coordinated = {t.i for t in [*own.children, own.head] if t.dep_ == "conj" or own.dep_ == "conj"} - {own.i}
        ranked = []
        for m in mentions:
            span = sent.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            clause = _clause(span.root) if m.start > 0 else sent.root  # "On Friday, ...": the whole sentence's
            if clause.i in governing:
                rank = governing.index(clause.i)
            elif clause.i in coordinated:
                rank = len(governing)
            elif _participle(clause) and clause.head.i == own.i == verb.i:
                rank = len(governing)  # "launched an offensive, spearheaded by its allies, on Saturday"
            elif clause.dep_ == "xcomp" and clause.head.i == own.i:
                rank = len(governing) + 1
            else:
                continue
            ranked.append((rank, sent.text.startswith(POSSESSIVE, m.end), m.start, m, rank > len(governing)))
        return [(m, past_only) for *_, m, past_only in sorted(ranked, key=lambda r: r[:3])]

    def _date(self, doc: Document, event: Event, sent: Span, mentions: list[DateMention]) -> None:
        verb = doc.scratch.of(event).verb_token
        for mention, past_only in self._ranked(verb, sent, mentions):
            prefer = "future" if event.status == "future" or dates.future_expression(mention.text) else "past"
            found = dates.resolve(mention.text, doc.date, prefer)
            ahead = doc.date is None or found is not None and found.date > doc.date
            if found and not (past_only and ahead and event.status != "future"):
                self._set(doc, event, found)
                break
        else:
            event.date = doc.date
            event.date_precision = "day" if doc.date else None
            event.date_source = "publication" if doc.date else None
        days, governed = _days_apart(verb)
        # "killed a day earlier" (than the sentence's Thursday) counts from a day the text gives;
        # "came a day after Turkey said" from the governing clause's, the publication day's too
        # ("ten days earlier" alone counts from a day some earlier sentence gave, unknown here)
        if days and event.date_precision == "day" and event.date and (event.date_source == "text" or governed):
            self._set(doc, event, Resolved(event.date + dt.timedelta(days=days), None, "day"))

    @staticmethod
    def _set(doc: Document, event: Event, found: Resolved) -> None:
        event.date, event.end_date, event.date_precision = found.date, found.end_date, found.precision
        event.date_source = "text"
        if doc.date is None or event.status != "factual":
            return
        if found.date > doc.date:
            event.status = "future"
        elif doc.date - found.date > HISTORICAL_AFTER:  # not found.date < ...: no overflow before year 1
            event.status = "historical"


def _is_clause(tok: Token) -> bool:
    """A clause with its own time; an infinitival relative ("a bill to bring forward the
    elections on Thursday") shares its governor's."""
    infinitival_relative = tok.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    return tok.pos_ in {"VERB", "AUX"} and tok.dep_ in CLAUSE_HEADS and not infinitival_relative


def _participle(tok: Token) -> bool:
    """A participle clause with no subject of its own ("..., killing 20 people on Saturday"):
    its time is its governor's."""
    return (
        tok.dep_ == "advcl" and tok.tag_ in {"VBN", "VBG"} and not any(c.dep_.startswith("nsubj") for c in tok.children)
    )


def _days_apart(verb: Token) -> tuple[int, bool]:
    """How many days an act lies after (negative: before) the day its sentence tells: "killed a
    day earlier" -1, "two weeks later" 14, "the previous night's airstrike" -1; "spoke three
    days after" -3 (the clause "after" opens lies before its governor's day), and whether the
    days count from the governing clause or the report's day (0 for none)."""
    for child in verb.children:
        if child.dep_ == "advmod" and child.lower_ in SHIFTS:  # "a day earlier", "two weeks later"
            count = next((n for c in child.children if c.dep_ == "npadvmod" and (n := _counted(c))), 0)
            return count * SHIFTS[child.lower_], False
        if child.dep_ == "mark" and child.lower_ in SHIFTS:  # "three days after Trump spoke"
            # the count hangs on "after", on the clause's verb or on the verb the clause depends on
            around = [child, verb, verb.head] if verb.head is not verb else [child, verb]
            by = [c for t in around for c in t.children if c.dep_ == "npadvmod" and c.i < child.i]
            count = next((n for c in by if (n := _counted(c))), 0)
            return -count * SHIFTS[child.lower_], True
        if child.dep_ in {"poss", "compound", "npadvmod"} and any(
            a.lower_ in {"previous", "preceding"} for a in child.children if a.dep_ == "amod"
        ):  # "the previous night's airstrike"
            return (-1 if child.lemma_.lower() in {"day", "night"} else 0), True  # before the report's day
    return 0, False


def _counted(unit: Token) -> int:
    """Days in "a day", "three days", "two weeks", "the night before" (0 for other words)."""
    size = UNIT_DAYS.get(unit.lemma_.lower(), 0)
    if not size:
        return 0
    number = next((c for c in unit.children if c.dep_ in {"nummod", "det"}), None)
    if number is None:
        return 0
    n = COUNTS.get(number.lower_) or (int(number.text) if number.text.isdigit() else 0)
    return n * size


def _names(tok: Token) -> set[str]:
    """The proper names an act's own words give it: "the Douma attack", "the attack on Douma",
    "carried out a chemical attack on Douma" (what tells one act from another of its type)."""
    phrase = [c for c in tok.children if c.dep_ in NAMING_DEPS] + prep_objects(tok)
    words = [w for n in phrase for w in [n, *(c for c in n.children if c.dep_ in NAMING_DEPS), *prep_objects(n)]]
    return {t.lower_ for t in words if t.pos_ == "PROPN" and t.text not in _states()}


@lru_cache(maxsize=1)
def _states() -> frozenset[str]:
    """Names and adjectives of states: "an attack in Syria" names no one act."""
    return frozenset(p for p, e in actor_phrases().items() if e.kind in {"country", "demonym", "capital"})


def _clause(tok: Token) -> Token:
    """The head of the clause a token belongs to (the sentence root if nothing nearer)."""
    return next((t for t in [tok, *tok.ancestors] if _is_clause(t)), tok.sent.root)
