"""The row writer: coded documents into the store's tables (documents, stories, events,
their parties and dyads, mentions), and the sinks ingestion writes through."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlparse

from ...nlp.document import Document
from ...nlp.version import coder_version
from .. import dedup
from ..names import party
from ..readers.base import Failure
from . import EVENT_COLUMNS, Store

LOCAL_SOURCE = "local"


@dataclass
class IngestSummary:
    """What a run did: documents new, already present and failed; events and mentions stored;
    new documents stored without a publication date (their events are undated)."""

    new: int = 0
    present: int = 0
    failed: int = 0
    events_new: int = 0
    mentions: int = 0
    failures: list[Failure] = field(default_factory=list)
    undated: int = 0

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
    """Where `ingest` puts coded documents by default: the database, one transaction per batch;
    `keep_text`: store each document's text (compressed), so that `parley recode` can code it again."""

    def __init__(self, store: Store, keep_text: bool = True) -> None:
        self.store = store
        self.keep_text = keep_text

    def has(self, key: str) -> bool:
        return bool(self.store.scalar("SELECT 1 FROM documents WHERE doc_key = ?", [key]))

    def key_of(self, doc_id: str) -> str | None:
        return self.store.scalar("SELECT doc_key FROM documents WHERE doc_id = ? LIMIT 1", [doc_id])

    def write(self, docs: Sequence[Document], summary: IngestSummary) -> None:
        with self.store.transaction():
            store_documents(self.store, docs, summary, keep_text=self.keep_text)


class Sink(Protocol):
    """A place for coded documents that knows which it holds (DatabaseSink, `parquet.ParquetSink`)."""

    def has(self, key: str) -> bool: ...

    def key_of(self, doc_id: str) -> str | None:
        """The key (text hash) of a stored document with this id, if any."""
        ...

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
    "coder_version",
    "text_z",
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
    "coder_version",
)


def store_documents(store: Store, docs: Sequence[Document], summary: IngestSummary, keep_text: bool = True) -> None:
    """Write coded documents, their stories, mentions and events, with a few multi-row
    statements per batch (call inside a transaction). Every row is built by column name;
    `keep_text`: with each document's text, compressed."""
    now, version = _now(), coder_version()
    keys = [dedup.doc_key(d.text) for d in docs]
    sigs = [dedup.signature(d.text) for d in docs]
    buckets = [dedup.buckets(sig) for sig in sigs]
    stories = _stories(store, keys, sigs, buckets)
    _insert(
        store,
        "documents",
        DOCUMENT_COLUMNS,
        [
            {
                "doc_key": key,
                "doc_id": d.id,
                "source": source_of(d),
                "url": d.url,
                "title": d.title,
                "published": d.date,
                "story_id": story,
                "n_chars": len(d.text),
                "n_sentences": len(d.sentences),
                "n_events": len(d.events),
                "signature": dedup.to_hex(sig),
                "ingested_at": now,
                "coder_version": version,
                "text_z": compress(d.text) if keep_text else None,
            }
            for d, key, sig, story in zip(docs, keys, sigs, stories)
        ],
    )
    _insert(
        store,
        "doc_bands",
        ("bucket", "doc_key"),
        [{"bucket": b, "doc_key": key} for key, bs in zip(keys, buckets) for b in bs],
    )
    summary.undated += sum(d.date is None for d in docs)
    store_events(store, docs, keys, summary, now)


def store_events(
    store: Store, docs: Sequence[Document], keys: Sequence[str], summary: IngestSummary, now: dt.datetime
) -> list[str]:
    """Write the events of coded documents (stored under `keys`) as mentions of stored events,
    new events where their key is new, and recount every event they touch; the keys touched."""
    version = coder_version()
    coded = [(dedup.event_key(e), e.to_dict(), key, d) for d, key in zip(docs, keys) for e in d.events]
    touched = list(dict.fromkeys(event_key for event_key, *_ in coded))
    stored = {
        r[0]
        for block in _blocks(touched)
        for r in store.query(f"SELECT event_key FROM events WHERE event_key IN ({_marks(block)})", block)[1]
    }
    new: dict[str, tuple[dict[str, Any], str, Document]] = {}
    for event_key, record, key, doc in coded:
        if event_key not in stored and event_key not in new:
            new[event_key] = (record, key, doc)
    _insert(
        store,
        "events",
        EVENT_COLUMNS,
        [
            {
                **event_columns(record),
                "event_key": k,
                "num_mentions": 0,
                "num_sources": 0,
                "num_articles": 0,
                "first_doc_key": key,
                "first_url": doc.url,
                "added_at": now,
                "coder_version": version,
            }
            for k, (record, key, doc) in new.items()
        ],
    )
    _insert(
        store,
        "event_actors",
        ("event_key", "role", "position", *PARTY_FIELDS),
        [
            {**party, "event_key": k, "role": role, "position": i}
            for k, (record, _, _) in new.items()
            for role, group in (("actor", record["actors"]), ("recipient", record["recipients"]))
            for i, party in enumerate(group)
        ],
    )
    _insert(
        store,
        "event_dyads",
        ("event_key", "actor_country", "recipient_country"),
        [
            {"event_key": k, "actor_country": a, "recipient_country": r}
            for k, (record, _, _) in new.items()
            for a, r in _dyads(record)
        ],
    )
    mentions = [{**_mention(k, record, key, d), "coder_version": version} for k, record, key, d in coded]
    _insert(store, "mentions", MENTION_COLUMNS, mentions)
    for block in _blocks(touched):
        recount(store, block)
    summary.events_new += len(new)
    summary.mentions += len(coded)
    return touched


def compress(text: str) -> bytes:
    """A document's text as stored: UTF-8, zlib-compressed (news prose shrinks to about a third)."""
    return zlib.compress(text.encode("utf-8"), 6)


def decompress(data: bytes | memoryview) -> str:
    """The text `compress` stored."""
    return zlib.decompress(bytes(data)).decode("utf-8")


def event_columns(record: dict[str, Any]) -> dict[str, Any]:
    """The events table's own columns of one event, by name, from its JSON record (the
    dictionary `Event.to_dict` gives `parley code`): the first actor, recipient and place
    flattened, dates as dates, contexts and issues as JSON text."""
    columns = {c: record[c] for c in EVENT_FIELDS}
    for role, group in (("actor", record["actors"]), ("recipient", record["recipients"])):
        first = group[0] if group else {}
        columns.update({f"{role}_{f}": first.get(f) for f in ("code", "country", "sector", "name")})
    place = record["location"] or {}
    columns.update({f"place_{f}": place.get(f) for f in PLACE_FIELDS})
    for c in ("date", "end_date"):
        columns[c] = dt.date.fromisoformat(record[c]) if record[c] else None
    columns["contexts"], columns["issues"] = json.dumps(record["contexts"]), json.dumps(record["issues"])
    return columns


EVENT_FIELDS = (
    "event_type",
    "mode",
    "cameo",
    "cameo_root",
    "quad_class",
    "goldstein",
    "date_precision",
    "status",
    "negated",
    "reciprocal",
    "confidence",
)
PARTY_FIELDS = ("text", "code", "country", "sector", "name")
PLACE_FIELDS = ("name", "country", "admin1", "lat", "lon", "geonameid", "precision")


def _insert(store: Store, table: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    store.insert(table, columns, [tuple(row[c] for c in columns) for row in rows])


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


def _dyads(record: dict[str, Any]) -> list[tuple[str, str]]:
    """Every directed pair of different actor and recipient parties: countries, and each
    organisation under its own key (UN, EU, NATO), never one "IGO" for all of them."""
    actors = {party(a["code"], a["country"]) for a in record["actors"]}
    recipients = {party(r["code"], r["country"]) for r in record["recipients"]}
    return sorted((a, r) for a in actors for r in recipients if a and r and a != r)


def _mention(event_key: str, record: dict[str, Any], key: str, doc: Document) -> dict[str, Any]:
    """One sentence's evidence for a stored event: where it is, its trigger and its parties."""
    trigger = record["trigger"]
    return {
        "mention_id": hashlib.sha1(f"{key}\x1f{record['event_id']}".encode()).hexdigest()[:24],
        "event_key": event_key,
        "doc_key": key,
        "sentence_index": record["sentence_index"],
        "sentence": record["sentence"],
        "sentence_start": doc.sentences[record["sentence_index"]].start,
        "trigger_text": trigger["text"],
        "trigger_start": trigger["start"],
        "trigger_end": trigger["end"],
        "actors": json.dumps({"actors": record["actors"], "recipients": record["recipients"]}),
        "date_source": record["date_source"],
        "confidence": record["confidence"],
        "pattern": record["pattern"],
    }


def recount(store: Store, event_keys: list[str]) -> None:
    """GDELT's counts from the stored mentions: sentences, distinct publishers, distinct articles;
    and the coder version of its mentions ("mixed" where coders of several versions reported it)."""
    store.execute(
        "UPDATE events SET num_mentions = c.n, num_articles = c.articles, num_sources = c.sources,"
        " confidence = c.confidence, coder_version = c.version FROM (SELECT m.event_key, count(*) AS n,"
        " count(DISTINCT m.doc_key) AS articles, count(DISTINCT d.source) AS sources,"
        " max(m.confidence) AS confidence, CASE WHEN count(DISTINCT m.coder_version) > 1 THEN 'mixed'"
        " ELSE max(m.coder_version) END AS version FROM mentions m"
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
