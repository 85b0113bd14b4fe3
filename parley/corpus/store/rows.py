"""The row writer: coded documents into the store's tables (documents, stories, events,
their parties and dyads, mentions), and the sinks ingestion writes through."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlparse

from ...nlp.document import Document, Event
from .. import dedup
from ..readers.base import Failure
from . import EVENT_COLUMNS, Store

LOCAL_SOURCE = "local"


@dataclass
class IngestSummary:
    """What a run did: documents new, already present and failed; events and mentions stored."""

    new: int = 0
    present: int = 0
    failed: int = 0
    events_new: int = 0
    mentions: int = 0
    failures: list[Failure] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"documents: {self.new} new, {self.present} already present, {self.failed} failed",
            f"events: {self.mentions} mentions stored, {self.events_new} new events",
        ]


def source_of(doc: Document) -> str:
    """The publisher: the document's own source, else its URL's host, else "local"."""
    if doc.source:
        return doc.source
    host = urlparse(doc.url).hostname if doc.url else None
    return host or LOCAL_SOURCE


class DatabaseSink:
    """Where `ingest` puts coded documents by default: the database, one transaction per batch."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def has(self, key: str) -> bool:
        return bool(self.store.scalar("SELECT 1 FROM documents WHERE doc_key = ?", [key]))

    def write(self, docs: Sequence[Document], summary: IngestSummary) -> None:
        with self.store.transaction():
            store_documents(self.store, docs, summary)


class Sink(Protocol):
    """A place for coded documents that knows which it holds (DatabaseSink, `parquet.ParquetSink`)."""

    def has(self, key: str) -> bool: ...

    def write(self, docs: Sequence[Document], summary: IngestSummary) -> None: ...


DOCUMENT_COLUMNS = (
    "doc_key",
    "doc_id",
    "source",
    "url",
    "title",
    "published",
    "story_id",
    "n_chars",
    "n_sentences",
    "n_events",
    "signature",
    "ingested_at",
)


MENTION_COLUMNS = (
    "mention_id",
    "event_key",
    "doc_key",
    "sentence_index",
    "sentence",
    "sentence_start",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "actors",
    "date_source",
    "confidence",
    "pattern",
)


def store_documents(store: Store, docs: Sequence[Document], summary: IngestSummary) -> None:
    """Write coded documents, their stories, mentions and events, with a few multi-row
    statements per batch (call inside a transaction)."""
    now = _now()
    keys = [dedup.doc_key(d.text) for d in docs]
    sigs = [dedup.signature(d.text) for d in docs]
    buckets = [dedup.buckets(sig) for sig in sigs]
    stories = _stories(store, keys, sigs, buckets)
    store.insert(
        "documents",
        DOCUMENT_COLUMNS,
        [
            (
                key,
                d.id,
                source_of(d),
                d.url,
                d.title,
                d.date,
                story,
                len(d.text),
                len(d.sentences),
                len(d.events),
                dedup.to_hex(sig),
                now,
            )
            for d, key, sig, story in zip(docs, keys, sigs, stories)
        ],
    )
    store.insert("doc_bands", ("bucket", "doc_key"), [(b, key) for key, bs in zip(keys, buckets) for b in bs])
    coded = [(dedup.event_key(e), e, key, d) for d, key in zip(docs, keys) for e in d.events]
    touched = list(dict.fromkeys(event_key for event_key, *_ in coded))
    stored = {
        r[0]
        for block in _blocks(touched)
        for r in store.query(f"SELECT event_key FROM events WHERE event_key IN ({_marks(block)})", block)[1]
    }
    new = {}
    for event_key, event, key, doc in coded:
        if event_key not in stored and event_key not in new:
            new[event_key] = (event, key, doc)
    store.insert("events", EVENT_COLUMNS, [_event_row(k, e, key, d, now) for k, (e, key, d) in new.items()])
    store.insert(
        "event_actors",
        ("event_key", "role", "position", "text", "code", "country", "sector", "name"),
        [
            (k, role, i, a.text, a.code, a.country, a.sector, a.name)
            for k, (e, _, _) in new.items()
            for role, group in (("actor", e.actors), ("recipient", e.recipients))
            for i, a in enumerate(group)
        ],
    )
    store.insert(
        "event_dyads",
        ("event_key", "actor_country", "recipient_country"),
        [(k, a, r) for k, (e, _, _) in new.items() for a, r in _dyads(e)],
    )
    store.insert("mentions", MENTION_COLUMNS, [_mention_row(k, e, key, d) for k, e, key, d in coded])
    for block in _blocks(touched):
        _recount(store, block)
    summary.events_new += len(new)
    summary.mentions += len(coded)


def _stories(store: Store, keys: list[str], sigs: list, buckets: list[list[str]]) -> list[str]:
    """Each document's story: that of its most similar near-duplicate, stored or earlier in
    the batch, else a new one (its own key)."""
    known: dict[str, list[tuple[object, str]]] = {}  # bucket -> (signature, story)
    shared: dict[str, list[str]] = {}  # stored document -> the wanted buckets it is in
    wanted = list(dict.fromkeys(b for bs in buckets for b in bs))
    for block in _blocks(wanted):  # two plain lookups: a join would read every stored signature
        for bucket, key in store.query(
            f"SELECT bucket, doc_key FROM doc_bands WHERE bucket IN ({_marks(block)})", block
        )[1]:
            shared.setdefault(key, []).append(bucket)
    for block in _blocks(list(shared)):
        for key, sig, story in store.query(
            f"SELECT doc_key, signature, story_id FROM documents WHERE doc_key IN ({_marks(block)})", block
        )[1]:
            for bucket in shared[key]:
                known.setdefault(bucket, []).append((dedup.from_hex(sig), story))
    stories = []
    for key, sig, bs in zip(keys, sigs, buckets):
        candidates = [c for b in bs for c in known.get(b, [])]
        score, story = max(
            ((dedup.similarity(sig, s), st) for s, st in candidates), default=(0.0, key), key=lambda c: c[0]
        )
        story = story if score >= dedup.SAME_STORY else key
        stories.append(story)
        for b in bs:
            known.setdefault(b, []).append((sig, story))
    return stories


def _event_row(event_key: str, event: Event, key: str, doc: Document, now: dt.datetime) -> tuple:
    actor = event.actors[0] if event.actors else None
    recipient = event.recipients[0] if event.recipients else None
    place = event.location
    return (
        event_key,
        event.event_type,
        event.mode,
        event.cameo,
        event.cameo_root,
        event.quad_class,
        event.goldstein,
        event.date,
        event.end_date,
        event.date_precision,
        event.status,
        event.negated,
        event.reciprocal,
        *_flat(actor),
        *_flat(recipient),
        *(
            (place.name, place.country, place.admin1, place.lat, place.lon, place.geonameid, place.precision)
            if place
            else (None,) * 7
        ),
        json.dumps(event.contexts),
        json.dumps(event.issues),
        event.confidence,
        0,
        0,
        0,
        key,
        doc.url,
        now,
    )


def _flat(actor) -> tuple:
    return (actor.code, actor.country, actor.sector, actor.name) if actor else (None,) * 4


def _dyads(event: Event) -> list[tuple[str, str]]:
    """Every directed pair of different actor and recipient countries."""
    return sorted(
        {
            (a.country, r.country)
            for a in event.actors
            for r in event.recipients
            if a.country and r.country and a.country != r.country
        }
    )


def _mention_row(event_key: str, event: Event, key: str, doc: Document) -> tuple:
    mention_id = hashlib.sha1(f"{key}\x1f{event.event_id}".encode()).hexdigest()[:24]
    return (
        mention_id,
        event_key,
        key,
        event.sentence_index,
        event.sentence,
        doc.sentences[event.sentence_index].start,
        event.trigger_text,
        event.trigger_start,
        event.trigger_end,
        json.dumps(
            {"actors": [a.to_dict() for a in event.actors], "recipients": [a.to_dict() for a in event.recipients]}
        ),
        event.date_source,
        event.confidence,
        event.pattern,
    )


def _recount(store: Store, event_keys: list[str]) -> None:
    """GDELT's counts from the stored mentions: sentences, distinct publishers, distinct articles."""
    store.execute(
        "UPDATE events SET num_mentions = c.n, num_articles = c.articles, num_sources = c.sources,"
        " confidence = c.confidence FROM (SELECT m.event_key, count(*) AS n, count(DISTINCT m.doc_key) AS articles,"
        " count(DISTINCT d.source) AS sources, max(m.confidence) AS confidence FROM mentions m"
        f" JOIN documents d ON d.doc_key = m.doc_key WHERE m.event_key IN ({_marks(event_keys)})"
        " GROUP BY m.event_key) AS c WHERE events.event_key = c.event_key",
        event_keys,
    )


def _marks(values: Sequence) -> str:
    return ", ".join(["?"] * len(values))


def _blocks(values: list, size: int = 1000) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
