"""The records that flow through the pipeline: a Document and what the stages add to it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from .ontology import in_class, lookup, plover_types

PLOVER_TYPES = tuple(plover_types())  # the 16 types, in the order of ontology/data/plover_types.csv
STATUSES = ("factual", "future", "hypothetical", "historical")


PLAIN_PHRASE = "a noun phrase no table knows"


@dataclass
class Actor:
    """One coded entity: a span of the document with its CAMEO actor code."""

    text: str
    start: int
    end: int
    code: str | None = None
    country: str | None = None
    sector: str | None = None
    name: str | None = None
    why: str | None = None  # which table entry coded it, for `parley actors`
    local: bool = False  # its country is the article's, not the words': the place of an act says better

    @property
    def plain(self) -> bool:
        """An uncoded common noun phrase ("a car bomb", "the crowd"), not a name or table entry."""
        return self.why == PLAIN_PHRASE

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "code": self.code,
            "country": self.country,
            "sector": self.sector,
            "name": self.name,
        }


@dataclass
class Location:
    """A resolved place with gazetteer coordinates."""

    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    precision: str = "city"  # city, admin1 or country
    text: str | None = None  # the words in the document that named it
    # text (named in the event's sentence), context (an earlier sentence's: the scene's, or the
    # last act of force's) or dateline
    source: str = "text"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "geonameid": self.geonameid,
            "precision": self.precision,
            "source": self.source,
        }


@dataclass
class Sentence:
    """A sentence of the document: character offsets plus the spaCy span that parsed it."""

    index: int
    start: int
    end: int
    text: str
    span: Any = field(default=None, repr=False)  # spacy.tokens.Span; offsets are chunk-relative
    offset: int = 0  # add to a token's idx to get a document offset


@dataclass
class Event:
    """One coded event with its evidence. Stages fill it in turn: events, time, place."""

    doc_id: str
    sentence_index: int
    sentence: str
    trigger_text: str
    trigger_start: int
    trigger_end: int
    cameo: str
    event_type: str
    mode: str | None
    contexts: list[str]
    goldstein: float
    quad_class: int
    actors: list[Actor]
    recipients: list[Actor]
    reciprocal: bool = False
    negated: bool = False
    status: str = "factual"
    date: dt.date | None = None
    end_date: dt.date | None = None
    date_precision: str | None = None
    date_source: str | None = None
    location: Location | None = None
    issues: list[str] = field(default_factory=list)
    confidence: float = 0.5
    pattern: str | None = None  # the verb rule that coded it

    def recode(self, cameo: str, directed: bool = False) -> None:
        """Give the event a CAMEO code and what follows from it: PLOVER type, mode, contexts,
        Goldstein, quad class, and reciprocity ("the two sides agreed": every party acts
        towards the others, unless the parse named a recipient: `directed`)."""
        info = lookup(cameo)
        self.cameo, self.event_type, self.mode = info.code, info.plover_type or "", info.plover_mode
        self.contexts, self.goldstein, self.quad_class = list(info.plover_contexts), info.goldstein, info.quad_class
        countries = {a.country for a in self.actors if a.country}
        joint = in_class(info.root, "joint") and len(countries) >= 2 and not directed
        if joint and not self.reciprocal:
            self.recipients, self.reciprocal = list(reversed(self.actors)), True
        elif self.reciprocal and not joint:
            self.recipients, self.reciprocal = [], False

    @property
    def cameo_root(self) -> str:
        return self.cameo[:2]

    @property
    def event_id(self) -> str:
        """Stable id: the same document, sentence, trigger, code and parties (their places and
        codes) give the same id (one act by several parties is one event per pair: `stages.dyads`)."""
        # a party's place and code: "both sides" is two parties at one place
        parties = ",".join(f"{a.start}{a.code or ''}" for a in self.actors) + ">"
        parties += ",".join(f"{a.start}{a.code or ''}" for a in self.recipients)
        key = f"{self.doc_id}\x1f{self.sentence_index}\x1f{self.trigger_start}\x1f{self.trigger_end}\x1f{self.cameo}"
        key += f"\x1f{parties}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (the format documented in the README)."""
        return {
            "doc_id": self.doc_id,
            "event_id": self.event_id,
            "event_type": self.event_type,
            "mode": self.mode,
            "contexts": self.contexts,
            "cameo": self.cameo,
            "cameo_root": self.cameo_root,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "actors": [a.to_dict() for a in self.actors],
            "recipients": [a.to_dict() for a in self.recipients],
            "reciprocal": self.reciprocal,
            "date": self.date.isoformat() if self.date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "date_precision": self.date_precision,
            "date_source": self.date_source,
            "location": self.location.to_dict() if self.location else None,
            "negated": self.negated,
            "status": self.status,
            "issues": self.issues,
            "sentence": self.sentence,
            "sentence_index": self.sentence_index,
            "trigger": {"text": self.trigger_text, "start": self.trigger_start, "end": self.trigger_end},
            "confidence": round(self.confidence, 3),
            "pattern": self.pattern,
        }


@dataclass
class EventWork:
    """What the stages keep about one event while they code it; none of it is output."""

    verb_token: Any = None  # spaCy Token of the trigger
    directed: bool = False  # the parse named the recipient (object, passive subject): never reciprocal
    sentence_label: str | None = None  # the classifier's type for the whole sentence (15-type scheme)
    main: bool = False  # the event that type and the tagged source and target describe (classify stage)
    # the parse names a coded agent: "arrested by police", "the attack by Syria", or the verb's subject
    # (its own, or that of the verb it hangs on by "to" or "and": "said government troops had taken
    # ..."): it stays
    agent: bool = False
    patient: bool = False  # the parse's recipient is a passive subject ("two soldiers were killed"): never the actor
    # who judges or tells of an act ("Britain condemned the attack"): not its agent
    bystanders: list = field(default_factory=list)
    scene: Any = None  # the event whose sentence set the scene this one's day came from: its place too


@dataclass
class Scratch:
    """One document's working state, shared by the stages and cleared by `Document.release`."""

    mention_at: dict[int, Actor] = field(default_factory=dict)  # doc offset of a token -> mention
    np_actors: dict[int, list[Actor]] = field(default_factory=dict)  # noun head offset -> actors
    dyad: list[Actor] = field(default_factory=list)  # the two main parties: what "both sides" means
    venues: set[int] = field(default_factory=set)  # starts of capitals named as where ("met in Brussels"): no party
    uncoded: list[Event] = field(default_factory=list)  # main verbs no rule coded and no event came of
    candidates: list[Event] = field(default_factory=list)  # every other verb and noun: the detector's to take
    work: dict[int, tuple[Event, EventWork]] = field(default_factory=dict)  # by id(); holds the event, so ids stay
    caseless: bool = False  # a text written without capitals (`casing.lower_cased`), as the parse found it

    def of(self, event: Event) -> EventWork:
        """The working state of one of this document's events (candidates too)."""
        return self.work.setdefault(id(event), (event, EventWork()))[1]


@dataclass
class Document:
    """One article and everything the stages learn about it."""

    id: str
    text: str
    date: dt.date | None = None  # publication date
    title: str | None = None
    url: str | None = None
    source: str | None = None  # the publisher: a feed's title, a URL's host, a corpus record's "source"
    chunks: list[tuple[int, Any]] = field(default_factory=list, repr=False)  # (offset, spacy Doc)
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Actor] = field(default_factory=list)  # every actor mention found in the text
    events: list[Event] = field(default_factory=list)
    scratch: Scratch = field(default_factory=Scratch, repr=False)  # the stages' working state

    def release(self) -> None:
        """Drop the parse and the stages' working state, keeping sentences, mentions and events."""
        self.chunks = []
        for sent in self.sentences:
            sent.span = None
        self.scratch = Scratch()


def batched(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Documents in lists of `size` (the last may be shorter), read lazily from the stream."""
    it = iter(docs)
    while batch := list(islice(it, size)):
        yield batch
