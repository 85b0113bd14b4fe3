"""What storing adds to coding: `parley ingest`'s database work against the coding itself.

Codes --docs synthetic stories once (timed), then stores the coded documents through the
same path `parley ingest` uses (duplicate checks, signatures and story lookups, events,
mentions and recounts, a transaction per batch) into a fresh database (timed), and prints
the ratio of the two. Usage:

    python benchmarks/ingest_overhead.py [--docs 600] [--db postgresql://...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_CORPUS, load_texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--db", help="a postgresql:// URL (its tables must be empty); default: a temporary DuckDB file")
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared/data)")
        return 0

    from parley.corpus.dedup import doc_key
    from parley.corpus.ingest import BATCH
    from parley.corpus.store import describe, open_store
    from parley.corpus.store.rows import IngestSummary, store_documents
    from parley.nlp.document import Document
    from parley.nlp.pipeline import Pipeline

    texts = list({doc_key(t): t for t in load_texts(args.corpus, args.docs)}.values())
    pipeline = Pipeline()
    list(pipeline(Document(f"warm{i}", t) for i, t in enumerate(texts[:20])))
    started = time.perf_counter()
    coded = list(pipeline(Document(f"doc{i}", t) for i, t in enumerate(texts)))
    coding = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or str(Path(tmp) / "overhead.duckdb"))
        summary = IngestSummary()
        started = time.perf_counter()
        for first in range(0, len(coded), BATCH):
            batch = coded[first : first + BATCH]
            for doc in batch:  # what `parley ingest` asks before coding a document
                store.scalar("SELECT 1 FROM documents WHERE doc_key = ?", [doc_key(doc.text)])
            with store.transaction():
                store_documents(store, batch, summary)
        storing = time.perf_counter() - started
        print(f"database: {describe(store.url)}")
        store.close()
    print(f"{len(coded)} documents, {summary.mentions} mentions, {summary.events_new} events")
    print(f"coding: {coding:.1f} s, storing: {storing:.2f} s, overhead: {100 * storing / coding:.1f}% of coding time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
