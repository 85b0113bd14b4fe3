"""`parley recode`: code stored articles again with the current coder, in place.

The articles' text is stored with them (compressed; `parley ingest --no-text` leaves it out),
so a better coder can redo a corpus without its inputs. Each document is re-coded in one
transaction: its old mentions go, the events only it reported go with them, its new events
become mentions of stored events by key (`dedup.event_key`) exactly as ingest makes them, and
every event it touched, before or after, is recounted. A run stopped at any point leaves each
document either as it was or fully re-coded; its story (near-duplicates) and key stay, as its
text does. `date` dates the documents stored without a publication date (their events had
none); documents with a date keep it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from ..nlp.document import Document
from ..nlp.version import coder_version
from . import dedup
from .ingest import loaded_pipeline
from .store import Store
from .store.rows import IngestSummary, _blocks, _marks, _now, decompress, recount, store_events

if TYPE_CHECKING:
    from ..nlp.pipeline import Pipeline

BATCH = 32  # documents read and coded together (each is still written in its own transaction)


@dataclass
class Selection:
    """Which stored documents to re-code: all by default; each filter narrows the choice.

    `since`, `until`: publication dates, inclusive; `source`: publisher; `doc_ids`: the inputs'
    own ids (path, URL or record id); `undated`: only documents without a publication date;
    `outdated`: only documents a coder of another version coded (or one too old to say)."""

    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    doc_ids: Sequence[str] = ()
    undated: bool = False
    outdated: bool = False

    def where(self) -> tuple[str, list]:
        """The SQL condition on `documents` and its parameters."""
        clauses: list[str] = ["1 = 1"]
        params: list[Any] = []
        if self.since:
            clauses.append("published >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("published <= ?")
            params.append(self.until)
        if self.source:
            clauses.append("source = ?")
            params.append(self.source)
        if self.doc_ids:
            clauses.append(f"doc_id IN ({_marks(self.doc_ids)})")
            params.extend(self.doc_ids)
        if self.undated:
            clauses.append("published IS NULL")
        if self.outdated:
            clauses.append("(coder_version IS NULL OR coder_version <> ?)")
            params.append(coder_version())
        return " AND ".join(clauses), params


@dataclass
class RecodeSummary:
    """What a run did: documents re-coded, dated, left alone for want of stored text; the events
    and mentions before and after, over the whole database."""

    recoded: int = 0
    dated: int = 0
    no_text: list[str] = field(default_factory=list)  # doc_ids
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.recoded} re-coded ({self.dated} newly dated), {len(self.no_text)} without stored text"
        ]
        if self.before and self.after:
            out.append(
                "in all: " + ", ".join(f"{what} {self.before[what]} -> {self.after[what]}" for what in self.after)
            )
        return out


def recode(
    store: Store,
    selection: Selection | None = None,
    *,
    date: dt.date | None = None,
    pipeline: Pipeline | None = None,
    on_document: Callable[[], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> RecodeSummary:
    """Re-code the selected stored documents in place (see the module's docstring); `pipeline`
    defaults to the process's shared one, loaded once a document with stored text is found.
    `on_document` hears each document re-coded, `on_phase` "loading" and "coding" (as ingest's)."""
    where, params = (selection or Selection()).where()
    summary = RecodeSummary(before=_counts(store))
    rows = store.query(
        f"SELECT doc_key, doc_id, text_z IS NULL, published IS NULL FROM documents WHERE {where}"
        " ORDER BY ingested_at, doc_key",
        params,
    )[1]
    summary.no_text = [doc_id for _, doc_id, missing, _ in rows if missing]
    undated = {key for key, _, missing, no_date in rows if not missing and no_date}
    docs = _documents(store, [key for key, _, missing, _ in rows if not missing], date)
    first = next(docs, None)
    if first is not None:
        pipeline = loaded_pipeline(pipeline, on_phase)
        for doc in pipeline(chain([first], docs), free_memory=True):
            key = dedup.doc_key(doc.text)  # the stored text is the text its key was made from
            with store.transaction():
                recode_document(store, doc, key)
            summary.recoded += 1
            summary.dated += key in undated and doc.date is not None
            if on_document:
                on_document()
    summary.after = _counts(store)
    return summary


def _documents(store: Store, keys: list[str], date: dt.date | None) -> Iterator[Document]:
    """The stored documents of `keys`, in order, as their readers made them (text, date, title,
    URL, publisher), read BATCH at a time; `date` for those stored without one."""
    for block in _blocks(keys, BATCH):
        found = {
            row[0]: row[1:]
            for row in store.query(
                "SELECT doc_key, doc_id, text_z, published, title, url, source FROM documents"
                f" WHERE doc_key IN ({_marks(block)})",
                block,
            )[1]
        }
        for key in block:
            doc_id, text_z, published, title, url, source = found[key]
            yield Document(doc_id, decompress(text_z), published or date, title, url, source)


def recode_document(store: Store, doc: Document, key: str) -> None:
    """Replace a stored document's mentions by those of its new coding (call inside a
    transaction): events only it reported are dropped and made again from the new coding, so
    they take the new coder's attributes; events other documents report too keep their row and
    are recounted, and their first report moves to the earliest document still reporting them."""
    old = [r[0] for r in store.query("SELECT DISTINCT event_key FROM mentions WHERE doc_key = ?", [key])[1]]
    store.execute("DELETE FROM mentions WHERE doc_key = ?", [key])
    orphans: list[str] = []
    for block in _blocks(old):
        orphans += [
            r[0]
            for r in store.query(
                f"SELECT event_key FROM events e WHERE event_key IN ({_marks(block)})"
                " AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.event_key = e.event_key)",
                block,
            )[1]
        ]
    for block in _blocks(orphans):
        for table in ("event_dyads", "event_actors", "events"):
            store.execute(f"DELETE FROM {table} WHERE event_key IN ({_marks(block)})", block)
    touched = set(store_events(store, [doc], [key], IngestSummary(), _now()))
    shared = [k for k in old if k not in touched and k not in set(orphans)]
    for block in _blocks(shared):
        recount(store, block)
        store.execute(
            "UPDATE events SET first_doc_key = f.doc_key, first_url = f.url FROM (SELECT m.event_key, d.doc_key,"
            " d.url, row_number() OVER (PARTITION BY m.event_key ORDER BY d.ingested_at, d.doc_key) AS r"
            f" FROM mentions m JOIN documents d ON d.doc_key = m.doc_key WHERE m.event_key IN ({_marks(block)})) f"
            " WHERE events.event_key = f.event_key AND f.r = 1 AND events.first_doc_key = ?",
            [*block, key],
        )
    store.execute(
        "UPDATE documents SET published = ?, n_sentences = ?, n_events = ?, coder_version = ? WHERE doc_key = ?",
        [doc.date, len(doc.sentences), len(doc.events), coder_version(), key],
    )


def _counts(store: Store) -> dict[str, int]:
    return {
        "events": store.scalar("SELECT count(*) FROM events"),
        "mentions": store.scalar("SELECT count(*) FROM mentions"),
        "undated documents": store.scalar("SELECT count(*) FROM documents WHERE published IS NULL"),
    }
