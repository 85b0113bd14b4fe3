"""`parley ingest --out DIR`: coded documents as Parquet files partitioned by publication date.

For backfills too large for one database. The tables are the database's (documents,
events, event_actors, event_dyads, mentions), written per batch of documents to
`DIR/<table>/published_date=YYYY-MM-DD/part-<batch>.parquet` (`published_date=unknown`
without a publication date). A batch is built in an in-memory DuckDB with the same code
that fills the database, so near-duplicate stories and event merges are those of its
batch: the same event in two batches has one `event_key` and two rows, which a reader
merges by that key.

Idempotent and crash-safe like the database: a batch counts once its marker
`DIR/_batches/<batch>.done` exists, written after all its files; a run starts by deleting
the files of batches without a marker, and skips documents of finished batches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from . import StoreError, first_line, open_store

if TYPE_CHECKING:
    from ...nlp.document import Document
    from .rows import IngestSummary

PARTITION = "published_date"  # the folder level: a name no table has, so hive-style readers see one column
TABLES = {  # table -> the SQL that gives each row its document's publication date as `_day`
    "documents": "SELECT t.*, t.published AS _day FROM documents t",
    "events": "SELECT t.*, d.published AS _day FROM events t JOIN documents d ON d.doc_key = t.first_doc_key",
    "event_actors": "SELECT t.*, d.published AS _day FROM event_actors t"
    " JOIN events e ON e.event_key = t.event_key JOIN documents d ON d.doc_key = e.first_doc_key",
    "event_dyads": "SELECT t.*, d.published AS _day FROM event_dyads t"
    " JOIN events e ON e.event_key = t.event_key JOIN documents d ON d.doc_key = e.first_doc_key",
    "mentions": "SELECT t.*, d.published AS _day FROM mentions t JOIN documents d ON d.doc_key = t.doc_key",
}
MARKERS = "_batches"


class ParquetSink:
    """Writes batches of coded documents as Parquet files (see the module's docstring)."""

    def __init__(self, directory: str | Path) -> None:
        self.root = Path(directory)
        try:
            (self.root / MARKERS).mkdir(parents=True, exist_ok=True)
            self._sweep()
        except OSError as e:
            raise StoreError(f"{self.root}: cannot write Parquet files here ({first_line(e)})") from None
        self.memory = open_store("duckdb::memory:")
        self.memory.execute("CREATE TABLE stored (doc_key TEXT PRIMARY KEY, doc_id TEXT)")
        if any((self.root / "documents").glob("*/*.parquet")):
            self.memory.execute(
                "INSERT INTO stored SELECT doc_key, any_value(doc_id) FROM read_parquet(?) GROUP BY doc_key",
                [str(self.root / "documents" / "*" / "*.parquet")],
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.memory.close()

    def _sweep(self) -> None:
        """Delete the files of batches a crash left unfinished (no marker)."""
        finished = {p.stem for p in (self.root / MARKERS).glob("*.done")}
        for table in TABLES:
            for path in (self.root / table).glob("*/part-*.parquet"):
                if path.stem.removeprefix("part-") not in finished:
                    path.unlink()

    def _copy_out(self, batch: str) -> None:
        """Copy the in-memory tables to this batch's files, one per table and publication date."""
        dates = [r[0] for r in self.memory.query("SELECT DISTINCT published FROM documents")[1]]
        for table, sql in TABLES.items():
            for day in dates:
                rows = f"SELECT * EXCLUDE (_day) FROM ({sql}) WHERE " + ("_day IS NULL" if day is None else "_day = ?")
                params = [day] if day else []
                if not self.memory.scalar(f"SELECT count(*) FROM ({rows})", params):
                    continue
                folder = self.root / table / f"{PARTITION}={day.isoformat() if day else 'unknown'}"
                folder.mkdir(parents=True, exist_ok=True)
                self.memory.execute(
                    f"COPY ({rows}) TO ? (FORMAT PARQUET)", [*params, str(folder / f"part-{batch}.parquet")]
                )

    def has(self, key: str) -> bool:
        return bool(self.memory.scalar("SELECT 1 FROM stored WHERE doc_key = ?", [key]))

    def key_of(self, doc_id: str) -> str | None:
        return self.memory.scalar("SELECT doc_key FROM stored WHERE doc_id = ? LIMIT 1", [doc_id])

    def write(self, docs: Sequence[Document], summary: IngestSummary) -> None:
        """Fill the in-memory tables with a batch as the database would be filled, copy
        them out by date, mark the batch finished, and empty them."""
        from ..dedup import doc_key
        from .rows import store_documents

        keys = [doc_key(d.text) for d in docs]
        batch = hashlib.sha256("".join(keys).encode()).hexdigest()[:20]
        with self.memory.transaction():
            store_documents(self.memory, docs, summary)
        try:
            self._copy_out(batch)
            (self.root / MARKERS / f"{batch}.done").touch()
        except (OSError, StoreError) as e:  # a full disk, a lost mount: the next run sweeps the batch's files
            reason = (
                e.strerror if isinstance(e, OSError) and e.strerror else str(e).removeprefix(f"{self.memory.url}: ")
            )
            raise StoreError(f"{self.root}: cannot write Parquet files ({reason})") from None
        self.memory.insert("stored", ("doc_key", "doc_id"), [(k, d.id) for k, d in zip(keys, docs)])
        for table in (*TABLES, "doc_bands"):
            self.memory.execute(f"DELETE FROM {table}")
