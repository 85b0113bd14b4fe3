"""`parley ingest`: code documents and store them, their events and every mention.

Documents already stored (same normalised text) are skipped before coding, so a rerun
adds nothing. The documents of each batch are written in one transaction: a run killed at
any point loses at most the batch it was writing, and running it again stores exactly what
an uninterrupted run would have. Each new document joins the story of a stored
near-duplicate (`dedup`); each coded event becomes a mention of the stored event with its
key, whose GDELT-style counts are recounted from its mentions.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from itertools import chain
from typing import TYPE_CHECKING

from ..nlp.document import Document, batched
from . import dedup
from .readers.kinds import HTML, JSONL, TEXT
from .sources import Failure, ReadOptions, documents, expand, input_kind
from .store import Store, open_store
from .store.rows import DatabaseSink, IngestSummary, Sink

if TYPE_CHECKING:
    from ..nlp.pipeline import Pipeline

BATCH = 32  # documents per transaction
REUSED_ID = "refused: a document with this id and a different text is already stored; give a new version its own id"
KEPT_FAILURES = 1000  # failures kept in the summary; all are counted and reported as they happen


def expected_documents(inputs: Sequence[str], input_format: str = "auto") -> int | None:
    """How many documents the inputs hold, for a progress bar's ETA: files count one, JSON
    Lines corpora their lines; None where that is unknown before reading (feeds, URLs, stdin)."""
    total = 0
    for source in expand(inputs):
        kind = input_kind(source, input_format)
        if kind in {HTML, TEXT}:
            total += 1
        elif kind == JSONL:
            total += _lines(source)
        else:
            return None
    return total


def _lines(path: str) -> int:
    """The line ends in a regular file (1 for anything else), counted a block at a time."""
    try:
        if not os.path.isfile(path):
            return 1  # a stream or a device is read once, when it is coded: never counted
        count, last = 0, b"\n"
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                count, last = count + block.count(b"\n"), block[-1:]
        return count + (last != b"\n")
    except OSError:
        return 1  # reported as a failure when it is read


def ingest(
    inputs: Sequence[str],
    db: str | None = None,
    *,
    read: ReadOptions | None = None,
    pipeline: Pipeline | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | None = None,
    on_error: Callable[[Failure], None] | None = None,
    on_document: Callable[[], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
    store: Store | None = None,
    keep_text: bool = True,
) -> IngestSummary:
    """Code and store the documents of files, directories, URLs, feeds and corpora.

    `read`: how inputs are read (format, default date, size limit, fetching). `workers`: code on a local
    Dask cluster of that many processes; `scheduler`: on the Dask cluster at that address
    (`parley.corpus.cluster`). `out`: write Parquet files partitioned by date to that directory
    instead of the database (`parley.corpus.store.parquet`). `on_error` hears each bad input,
    `on_document` each document done (stored or skipped), `on_phase` hears "loading" when the models start
    loading (only once a document needs coding: a run that stores nothing new loads none), then "coding".
    `keep_text`: store each document's text (compressed), so that `parley recode` can code it
    again; the number stored without a publication date is the summary's `undated`.
    """
    from .cluster import cluster_pipeline

    with ExitStack() as stack:
        if out is not None:
            from .store.parquet import ParquetSink

            sink: Sink = stack.enter_context(ParquetSink(out))
        else:
            if store is None:
                store = open_store(db)
                stack.callback(store.close)
            sink = DatabaseSink(store, keep_text)
        if workers or scheduler:
            pipeline = stack.enter_context(cluster_pipeline(workers, scheduler))
        items = documents(inputs, read)
        return ingest_documents(items, sink, pipeline, on_error, on_document, on_phase)


def ingest_documents(
    items: Iterable[Document | Failure],
    sink: Sink,
    pipeline: Pipeline | None = None,
    on_error: Callable[[Failure], None] | None = None,
    on_document: Callable[[], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> IngestSummary:
    """The straight line: the documents of `items` that `sink` does not hold, coded by
    `pipeline` (default: the process's shared one, loaded once the first such document is
    found) and written to `sink` in batches of BATCH; failures counted and reported."""
    summary = IngestSummary()
    in_flight: dict[str, str] = {}
    fresh = _fresh(items, sink, in_flight, summary, on_error, on_document)
    first = next(fresh, None)
    if first is None:
        return summary  # nothing to code: no model is loaded
    pipeline = loaded_pipeline(pipeline, on_phase)
    coded = pipeline(chain([first], fresh), free_memory=True)
    for batch in batched(coded, BATCH):
        sink.write(batch, summary)
        for d in batch:
            in_flight.pop(dedup.doc_key(d.text), None)
        summary.new += len(batch)
        if on_document:
            for _ in batch:
                on_document()
    return summary


def loaded_pipeline(pipeline: Pipeline | None, on_phase: Callable[[str], None] | None) -> Pipeline:
    """The pipeline to code with (default: the process's shared one, its models loaded now), the
    phases of its loading told to `on_phase`."""
    if on_phase:
        on_phase("loading")
    if pipeline is None:
        from ..nlp.pipeline import default_pipeline

        pipeline = default_pipeline()
    if on_phase:
        on_phase("coding")
    return pipeline


def _fresh(
    items: Iterable[Document | Failure],
    sink: Sink,
    in_flight: dict[str, str],
    summary: IngestSummary,
    on_error: Callable[[Failure], None] | None,
    on_document: Callable[[], None] | None,
) -> Iterator[Document]:
    """The documents neither stored nor already on their way (`in_flight`, key -> id, which the
    caller empties as it stores them, so it stays small); failures reported. A document whose id
    is stored (or on its way) with a different text is a failure: never two texts under one id."""

    def fail(failure: Failure) -> None:
        summary.failed += 1
        if len(summary.failures) < KEPT_FAILURES:
            summary.failures.append(failure)
        if on_error:
            on_error(failure)

    for item in items:
        if isinstance(item, Failure):
            fail(item)
            continue
        key = dedup.doc_key(item.text)
        if key in in_flight or sink.has(key):
            summary.present += 1
            if on_document:
                on_document()
            continue
        if item.id in in_flight.values() or sink.key_of(item.id):
            fail(Failure(item.id, REUSED_ID))
            continue
        in_flight[key] = item.id
        yield item


def busiest_dyads(store: Store, limit: int = 5) -> list[tuple[str, str, int]]:
    """(actor country, recipient country, events) of the most active directed dyads."""
    return store.query(
        "SELECT actor_country, recipient_country, count(*) AS n FROM event_dyads"
        " GROUP BY actor_country, recipient_country ORDER BY n DESC, actor_country, recipient_country"
        " LIMIT ?",
        [limit],
    )[1]


def totals(store: Store) -> dict[str, int]:
    """Documents, stories, events and mentions in the database."""
    return {
        "documents": store.scalar("SELECT count(*) FROM documents"),
        "stories": store.scalar("SELECT count(DISTINCT story_id) FROM documents"),
        "events": store.scalar("SELECT count(*) FROM events"),
        "mentions": store.scalar("SELECT count(*) FROM mentions"),
    }
