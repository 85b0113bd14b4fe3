"""Throughput of `parley code` against spaCy's bare `nlp.pipe` on the same texts, in one process.

Machines here are noisy, so the number that matters is the ratio of the two rates,
measured back to back (best of --repeat rounds each). The bare run loads the model as
spaCy ships it, and again as parley does (its matrix products on numpy's OpenBLAS where
that keeps each row independent of its batch, else BLIS: `parley.nlp.stages.blas_ops`). Usage:

    python benchmarks/throughput.py [--corpus ../shared/data/synthetic_stories.csv] [--docs 600]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "synthetic_stories.csv"


def load_texts(path: Path, n: int) -> list[str]:
    csv.field_size_limit(10_000_000)
    with open(path, encoding="utf-8", newline="") as f:
        return [row["text"] for row, _ in zip(csv.DictReader(f), range(n)) if row.get("text", "").strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="CSV with a 'text' column")
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared/data)")
        return 0

    import spacy

    from parley.nlp.document import Document
    from parley.nlp.pipeline import Pipeline
    from parley.nlp.stages.blas_ops import one_blas_thread
    from parley.nlp.stages.parse import MODEL, load_model

    texts = load_texts(args.corpus, args.docs)
    shipped, nlp = spacy.load(MODEL), load_model()
    pipeline = Pipeline(nlp)
    list(pipeline(Document(f"warm{i}", t) for i, t in enumerate(texts[:20])))  # load every table first

    def bare(model) -> int:
        with one_blas_thread():
            return sum(len(list(doc.sents)) for doc in model.pipe(texts, batch_size=pipeline.batch_size))

    def coded() -> tuple[int, int]:
        sentences = events = 0
        for doc in pipeline(Document(f"d{i}", t) for i, t in enumerate(texts)):
            sentences += len(doc.sentences)
            events += len(doc.events)
        return sentences, events

    best_bare = best_openblas = best_parley = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        n_bare = bare(shipped)
        best_bare = min(best_bare, time.perf_counter() - t)
        t = time.perf_counter()
        bare(nlp)
        best_openblas = min(best_openblas, time.perf_counter() - t)
        t = time.perf_counter()
        n_sent, n_events = coded()
        best_parley = min(best_parley, time.perf_counter() - t)

    bare_rate, openblas_rate, parley_rate = n_bare / best_bare, n_bare / best_openblas, n_sent / best_parley
    print(f"corpus: {args.corpus.name}, {len(texts)} documents, {n_sent} sentences, {n_events} events")
    print(f"spaCy nlp.pipe (bare):           {bare_rate:8.1f} sentences/s")
    print(f"spaCy nlp.pipe (bare, parley's products): {openblas_rate:8.1f} sentences/s")
    print(f"parley code:                     {parley_rate:8.1f} sentences/s")
    print(f"ratio parley / bare:             {parley_rate / bare_rate:8.2f}")
    print(f"ratio parley / bare, parley's products: {parley_rate / openblas_rate:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
