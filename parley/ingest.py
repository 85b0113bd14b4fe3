"""`parley ingest`: code documents and store them, their events and every mention.

Documents already stored (same normalised text) are skipped before coding, so a rerun
adds nothing. The documents of each batch are written in one transaction: a run killed at
any point loses at most the batch it was writing, and running it again stores exactly what
an uninterrupted run would have. Each new document joins the story of a stored
near-duplicate (`dedup`); each coded event becomes a mention of the stored event with its
key, whose GDELT-style counts are recounted from its mentions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlparse

from . import dedup
from .document import Document, Event, batched
from .readers.kinds import HTML, JSONL, TEXT
from .sources import DEFAULT_MAX_BYTES, Failure, documents, expand, input_kind
from .store import EVENT_COLUMNS, Store, open_store

if TYPE_CHECKING:
    from .pipeline import Pipeline

BATCH = 32  # documents per transaction
LOCAL_SOURCE = "local"
KEPT_FAILURES = 1000  # failures kept in the summary; all are counted and reported as they happen


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
        return [f"documents: {self.new} new, {self.present} already present, {self.failed} failed",
                f"events: {self.mentions} mentions stored, {self.events_new} new events"]


def source_of(doc: Document) -> str:
    """The publisher: the document's own source, else its URL's host, else "local"."""
    if doc.source:
        return doc.source
    host = urlparse(doc.url).hostname if doc.url else None
    return host or LOCAL_SOURCE


def expected_documents(inputs: Sequence[str], input_format: str = "auto") -> int | None:
    """How many documents the inputs hold, for a progress bar's ETA: files count one, JSON
    Lines corpora their lines; None where that is unknown before reading (feeds, URLs, stdin)."""
    total = 0
    for source in expand(inputs):
        kind = input_kind(source, input_format)
        if kind in {HTML, TEXT}:
            total += 1
        elif kind == JSONL:
            try:
                with open(source, "rb") as f:
                    total += sum(1 for line in f if line.strip())
            except OSError:
                total += 1  # reported as a failure when it is read
        else:
            return None
    return total


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


def ingest(inputs: Sequence[str], db: str | None = None, *, date: dt.date | None = None,
           input_format: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES, fetch: bool = False,
           allow_net: Sequence[str] = (), pipeline: Pipeline | None = None, workers: int | None = None,
           scheduler: str | None = None, out: str | None = None, on_error: Callable[[Failure], None] | None = None,
           on_document: Callable[[], None] | None = None, store: Store | None = None) -> IngestSummary:
    """Code and store the documents of files, directories, URLs, feeds and corpora.

    `fetch`: also fetch the http(s) pages feed items link to; `allow_net`: networks beyond
    the public internet that URLs may point into. `workers`: code on a local
    Dask cluster of that many processes; `scheduler`: on the Dask cluster at that address
    (`parley.cluster`). `out`: write Parquet files partitioned by date to that directory
    instead of the database (`parley.parquet`). `on_error` hears each bad input,
    `on_document` each document done (stored or skipped).
    """
    from .api import default_pipeline
    from .cluster import cluster_pipeline

    summary = IngestSummary()
    with ExitStack() as stack:
        if out is not None:
            from .parquet import ParquetSink

            sink: Sink = stack.enter_context(ParquetSink(out))
        else:
            if store is None:
                store = open_store(db)
                stack.callback(store.close)
            sink = DatabaseSink(store)
        if workers or scheduler:
            pipeline = stack.enter_context(cluster_pipeline(workers, scheduler))
        in_flight: set[str] = set()
        items = documents(inputs, input_format, date, max_bytes, fetch=fetch, allow_net=allow_net)
        coded = (pipeline or default_pipeline())(_fresh(items, sink, in_flight, summary, on_error, on_document),
                                                  free_memory=True)
        for batch in batched(coded, BATCH):
            sink.write(batch, summary)
            in_flight.difference_update(dedup.doc_key(d.text) for d in batch)
            summary.new += len(batch)
            if on_document:
                for _ in batch:
                    on_document()
    return summary


def _fresh(items: Iterable[Document | Failure], sink: Sink, in_flight: set[str], summary: IngestSummary,
           on_error: Callable[[Failure], None] | None, on_document: Callable[[], None] | None) -> Iterator[Document]:
    """The documents neither stored nor already on their way (`in_flight`, which the caller
    empties as it stores them, so it stays small); failures reported."""
    for item in items:
        if isinstance(item, Failure):
            summary.failed += 1
            if len(summary.failures) < KEPT_FAILURES:
                summary.failures.append(item)
            if on_error:
                on_error(item)
            continue
        key = dedup.doc_key(item.text)
        if key in in_flight or sink.has(key):
            summary.present += 1
            if on_document:
                on_document()
            continue
        in_flight.add(key)
        yield item


DOCUMENT_COLUMNS = ("doc_key", "doc_id", "source", "url", "title", "published", "story_id", "n_chars", "n_sentences",
                    "n_events", "signature", "ingested_at")
MENTION_COLUMNS = ("mention_id", "event_key", "doc_key", "sentence_index", "sentence", "sentence_start", "trigger_text",
                   "trigger_start", "trigger_end", "actors", "date_source", "confidence", "pattern")


def store_documents(store: Store, docs: Sequence[Document], summary: IngestSummary) -> None:
    """Write coded documents, their stories, mentions and events, with a few multi-row
    statements per batch (call inside a transaction)."""
    now = _now()
    keys = [dedup.doc_key(d.text) for d in docs]
    sigs = [dedup.signature(d.text) for d in docs]
    buckets = [dedup.buckets(sig) for sig in sigs]
    stories = _stories(store, keys, sigs, buckets)
    store.insert("documents", DOCUMENT_COLUMNS, [
        (key, d.id, source_of(d), d.url, d.title, d.date, story, len(d.text), len(d.sentences), len(d.events),
         dedup.to_hex(sig), now) for d, key, sig, story in zip(docs, keys, sigs, stories)])
    store.insert("doc_bands", ("bucket", "doc_key"), [(b, key) for key, bs in zip(keys, buckets) for b in bs])
    coded = [(dedup.event_key(e), e, key, d) for d, key in zip(docs, keys) for e in d.events]
    touched = list(dict.fromkeys(event_key for event_key, *_ in coded))
    stored = {r[0] for block in _blocks(touched)
              for r in store.query(f"SELECT event_key FROM events WHERE event_key IN ({_marks(block)})", block)[1]}
    new = {}
    for event_key, event, key, doc in coded:
        if event_key not in stored and event_key not in new:
            new[event_key] = (event, key, doc)
    store.insert("events", EVENT_COLUMNS, [_event_row(k, e, key, d, now) for k, (e, key, d) in new.items()])
    store.insert("event_actors", ("event_key", "role", "position", "text", "code", "country", "sector", "name"), [
        (k, role, i, a.text, a.code, a.country, a.sector, a.name) for k, (e, _, _) in new.items()
        for role, group in (("actor", e.actors), ("recipient", e.recipients)) for i, a in enumerate(group)])
    store.insert("event_dyads", ("event_key", "actor_country", "recipient_country"),
                 [(k, a, r) for k, (e, _, _) in new.items() for a, r in _dyads(e)])
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
        for bucket, key in store.query(f"SELECT bucket, doc_key FROM doc_bands WHERE bucket IN ({_marks(block)})",
                                       block)[1]:
            shared.setdefault(key, []).append(bucket)
    for block in _blocks(list(shared)):
        for key, sig, story in store.query("SELECT doc_key, signature, story_id FROM documents"
                                           f" WHERE doc_key IN ({_marks(block)})", block)[1]:
            for bucket in shared[key]:
                known.setdefault(bucket, []).append((dedup.from_hex(sig), story))
    stories = []
    for key, sig, bs in zip(keys, sigs, buckets):
        candidates = [c for b in bs for c in known.get(b, [])]
        score, story = max(((dedup.similarity(sig, s), st) for s, st in candidates), default=(0.0, key),
                           key=lambda c: c[0])
        story = story if score >= dedup.SAME_STORY else key
        stories.append(story)
        for b in bs:
            known.setdefault(b, []).append((sig, story))
    return stories


def _event_row(event_key: str, event: Event, key: str, doc: Document, now: dt.datetime) -> tuple:
    actor = event.actors[0] if event.actors else None
    recipient = event.recipients[0] if event.recipients else None
    place = event.location
    return (event_key, event.event_type, event.mode, event.cameo, event.cameo_root, event.quad_class, event.goldstein,
            event.date, event.end_date, event.date_precision, event.status, event.negated, event.reciprocal,
            *_flat(actor), *_flat(recipient),
            *((place.name, place.country, place.admin1, place.lat, place.lon, place.geonameid, place.precision)
              if place else (None,) * 7),
            json.dumps(event.contexts), json.dumps(event.issues), event.confidence, 0, 0, 0, key, doc.url, now)


def _flat(actor) -> tuple:
    return (actor.code, actor.country, actor.sector, actor.name) if actor else (None,) * 4


def _dyads(event: Event) -> list[tuple[str, str]]:
    """Every directed pair of different actor and recipient countries."""
    return sorted({(a.country, r.country) for a in event.actors for r in event.recipients
                   if a.country and r.country and a.country != r.country})


def _mention_row(event_key: str, event: Event, key: str, doc: Document) -> tuple:
    mention_id = hashlib.sha1(f"{key}\x1f{event.event_id}".encode()).hexdigest()[:24]
    return (mention_id, event_key, key, event.sentence_index, event.sentence,
            doc.sentences[event.sentence_index].start, event.trigger_text, event.trigger_start, event.trigger_end,
            json.dumps({"actors": [a.to_dict() for a in event.actors],
                        "recipients": [a.to_dict() for a in event.recipients]}),
            event.date_source, event.confidence, event.pattern)


def _recount(store: Store, event_keys: list[str]) -> None:
    """GDELT's counts from the stored mentions: sentences, distinct publishers, distinct articles."""
    store.execute(
        "UPDATE events SET num_mentions = c.n, num_articles = c.articles, num_sources = c.sources,"
        " confidence = c.confidence FROM (SELECT m.event_key, count(*) AS n, count(DISTINCT m.doc_key) AS articles,"
        " count(DISTINCT d.source) AS sources, max(m.confidence) AS confidence FROM mentions m"
        f" JOIN documents d ON d.doc_key = m.doc_key WHERE m.event_key IN ({_marks(event_keys)})"
        " GROUP BY m.event_key) AS c WHERE events.event_key = c.event_key", event_keys)


def _marks(values: Sequence) -> str:
    return ", ".join(["?"] * len(values))


def _blocks(values: list, size: int = 1000) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def busiest_dyads(store: Store, limit: int = 5) -> list[tuple[str, str, int]]:
    """(actor country, recipient country, events) of the most active directed dyads."""
    return store.query("SELECT actor_country, recipient_country, count(*) AS n FROM event_dyads"
                       " GROUP BY actor_country, recipient_country ORDER BY n DESC, actor_country, recipient_country"
                       " LIMIT ?", [limit])[1]


def totals(store: Store) -> dict[str, int]:
    """Documents, stories, events and mentions in the database."""
    return {"documents": store.scalar("SELECT count(*) FROM documents"),
            "stories": store.scalar("SELECT count(DISTINCT story_id) FROM documents"),
            "events": store.scalar("SELECT count(*) FROM events"),
            "mentions": store.scalar("SELECT count(*) FROM mentions")}
