"""Resident memory of a long `parley ingest` stream: it must stay flat however many documents pass.

Generates --docs distinct one-sentence news documents (a sentence of the corpus, then a
minister and a place no other document names, so spaCy's vocabulary meets new words all
the time), ingests them in one process into a fresh DuckDB file with everything on,
and samples the process's resident memory every --every documents, and its classifier worker
processes' (`parley.nlp.classify_workers`). With --workers N the coding runs on a local Dask
cluster and the Dask workers' memory is sampled instead. Usage:

    python benchmarks/memory.py [--docs 100000] [--every 5000] [--workers N] [--duckdb memory_limit=256MB]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_CORPUS, load_texts

SYLLABLES = ("ka", "zor", "mi", "ven", "tal", "ru", "quo", "dex", "lin", "bar", "sho", "pel")


def sentences(corpus: Path) -> list[str]:
    """The corpus's sentences of 8 to 40 words."""
    out = []
    for text in load_texts(corpus, 2000):
        out += [s for s in re.split(r"(?<=[.!?])\s+", text) if 8 <= len(s.split()) <= 40]
    return out


def made_up(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def write_corpus(path: Path, n: int, pool: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            sentence = rng.choice(pool).rstrip(".!?")
            text = f"{sentence}, Minister {made_up(rng)} {made_up(rng)} of {made_up(rng)} said on day {i}."
            f.write(json.dumps({"id": f"m{i}", "text": text, "date": "2025-03-01"}) + "\n")


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def children_rss() -> list[int]:
    """The resident memory of this process's children: the classifier's worker processes."""
    import psutil

    return sorted(c.memory_info().rss for c in psutil.Process().children())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--every", type=int, default=5000)
    ap.add_argument("--workers", type=int, help="code on a local Dask cluster of N processes")
    ap.add_argument(
        "--duckdb",
        default="",
        metavar="SETTINGS",
        help="DuckDB settings for the database, as a URL query: memory_limit=256MB",
    )
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared/data)")
        return 0

    from parley.corpus.ingest import ingest

    samples: list[tuple[int, float, int, list[int]]] = []
    done = 0
    started = time.perf_counter()
    client = None

    def tick() -> None:
        nonlocal done
        done += 1
        if done % args.every == 0:
            workers = sorted(client.run(rss).values()) if client else children_rss()
            samples.append((done, time.perf_counter() - started, rss(), workers))
            line = f"{done:7d} docs  {samples[-1][1]:7.0f} s  driver {samples[-1][2] / 2**20:6.0f} MiB"
            print(line + "".join(f"  worker {w / 2**20:6.0f} MiB" for w in workers), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "stream.jsonl"
        db = f"duckdb:{Path(tmp) / 'm.duckdb'}" + (f"?{args.duckdb}" if args.duckdb else "")
        write_corpus(corpus, args.docs, sentences(args.corpus))
        if args.workers:
            from parley.corpus.cluster import cluster_pipeline

            with cluster_pipeline(args.workers) as pipeline:
                client = pipeline.client
                summary = ingest([str(corpus)], db, pipeline=pipeline, on_document=tick)
        else:
            summary = ingest([str(corpus)], db, on_document=tick)
    print("\n".join(summary.lines()))
    if len(samples) >= 3:
        (n0, _, r0, w0), (n1, _, r1, w1) = samples[1], samples[-1]  # the first sample still warms up
        per = 10_000 / (n1 - n0)
        print(
            f"driver resident memory {r0 / 2**20:.0f} MiB at {n0} docs, {r1 / 2**20:.0f} MiB at {n1}:"
            f" {(r1 - r0) * per / 2**20:+.1f} MiB per 10,000 documents"
        )
        for a, b in zip(w0, w1):
            print(
                f"worker resident memory {a / 2**20:.0f} -> {b / 2**20:.0f} MiB:"
                f" {(b - a) * per / 2**20:+.1f} MiB per 10,000 documents"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
