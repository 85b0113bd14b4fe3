"""Story clusters on a corpus with planted near-duplicates: precision and recall of the merges.

Takes --docs synthetic stories from ../shared/data, and for --planted of them adds the
kinds of copies a news corpus holds: a wire copy with a few words changed and another
byline, an update (a new opening sentence, the last sentence dropped), a truncated copy
(its first 70%), and a re-publication under another headline, in other paragraphs. Every document goes through
parley's own path (MinHash signature, LSH buckets, story lookup) into a DuckDB file;
a merge is a pair of documents given the same story. Usage:

    python benchmarks/dedup.py [--docs 2000] [--planted 300]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_CORPUS, load_texts


def variants(text: str, rng: random.Random) -> dict[str, str]:
    """The planted copies of one story, by kind."""
    words = text.split()
    wire = [w if rng.random() > 0.03 else rng.choice(["said", "the", "officials", "on", "new"]) for w in words]
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    update = ["In an update to an earlier report, officials gave new details on Tuesday.", *sentences[:-1]]
    return {
        "wire": "By staff reporters. " + " ".join(wire),
        "update": " ".join(update),
        "truncated": " ".join(sentences[: max(1, int(len(sentences) * 0.7))]),
        "republished": "World news in brief\n\n" + "\n\n".join(sentences),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--planted", type=int, default=300)
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared/data)")
        return 0

    from parley.corpus.dedup import doc_key
    from parley.corpus.store import open_store
    from parley.corpus.store.rows import IngestSummary, store_documents
    from parley.nlp.document import Document

    rng = random.Random(7)
    texts = list(dict.fromkeys(load_texts(args.corpus, args.docs)))  # the corpus itself has a few repeats
    docs = [(f"story{i}", i, t) for i, t in enumerate(texts)]
    for i in rng.sample(range(len(texts)), args.planted):
        docs += [(f"story{i}-{kind}", i, v) for kind, v in variants(texts[i], rng).items()]
    rng.shuffle(docs)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "dedup.duckdb"))
        start = time.perf_counter()
        unique = list({doc_key(text): (doc_id, text) for doc_id, _, text in reversed(docs)}.values())[::-1]
        for start_at in range(0, len(unique), 32):  # the same text again is the same document, as in ingest
            with store.transaction():
                store_documents(store, [Document(i, t) for i, t in unique[start_at : start_at + 32]], IngestSummary())
        seconds = time.perf_counter() - start
        story = dict(store.query("SELECT doc_id, story_id FROM documents")[1])
        store.close()
    origin = {doc_id: i for doc_id, i, _ in docs if doc_id in story}
    by_story: dict[str, list[str]] = {}
    for doc_id, s in story.items():
        by_story.setdefault(s, []).append(doc_id)
    merged = {frozenset(p) for members in by_story.values() for p in combinations(members, 2)}
    by_origin: dict[int, list[str]] = {}
    for doc_id, i in origin.items():
        by_origin.setdefault(i, []).append(doc_id)
    true = {frozenset(p) for members in by_origin.values() for p in combinations(members, 2)}
    hit = len(merged & true)
    print(f"documents: {len(docs)} ({len(texts)} stories, {args.planted} with 4 planted copies each)")
    print(f"merged pairs: {len(merged)}, true pairs: {len(true)}")
    print(f"precision: {hit / max(len(merged), 1):.4f}  recall: {hit / max(len(true), 1):.4f}")
    for kind in ("wire", "update", "truncated", "republished"):
        pairs = [frozenset((f"story{i}", f"story{i}-{kind}")) for i in by_origin if f"story{i}-{kind}" in origin]
        print(f"  recall, {kind:9s}: {sum(p in merged for p in pairs) / max(len(pairs), 1):.4f}")
    print(f"stored in {seconds:.1f} s ({1000 * seconds / len(docs):.2f} ms per document)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
