"""Coding on one and two cores: parley against spaCy's bare `nlp.pipe` with the same process count.

For each cluster size (--workers, default 1 and 2) a local Dask cluster of that many
single-threaded worker processes is started and warmed (models loaded), then the same
texts go through it four ways, in --repeat interleaved rounds, best round of each:

- bare: each task runs spaCy's `nlp.pipe` over its texts and counts sentences, with the
  model as spaCy ships it (thinc's BLIS products), and again as parley loads it (numpy's
  OpenBLAS products, `parley.nlp.stages.blas_ops`: "bare, OpenBLAS");
- parley: the full pipeline (patterns, classifier and span tagger, time, place, issues),
  coded documents shipped back, as `parley ingest --workers N` does; then the same run
  stored into a fresh DuckDB file (`ingest`, everything on).

Reported: sentences per second, parley / bare ratios (against each bare run), the
speed-up from 1 to 2 workers and each worker's peak resident memory. Usage:

    python benchmarks/scale.py [--docs 600] [--workers 1 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_CORPUS, load_texts

TASK_DOCS = 64


@lru_cache(maxsize=1)
def shipped_model():
    """en_core_web_sm as spaCy loads it, once per worker."""
    import spacy

    from parley.nlp.stages.parse import MODEL

    return spacy.load(MODEL)


def warm_bare() -> None:
    shipped_model()


def bare_sentences(texts: list[str], openblas: bool) -> int:
    """A task: spaCy's own pipeline over texts, nothing else; the number of sentences."""
    from parley.nlp.stages.parse import load_model

    nlp = load_model() if openblas else shipped_model()
    return sum(len(list(doc.sents)) for doc in nlp.pipe(texts, batch_size=TASK_DOCS))


def timed(job) -> tuple[float, object]:
    started = time.perf_counter()
    result = job()
    return time.perf_counter() - started, result


def measure(workers: int, texts: list[str], repeat: int) -> dict:
    from distributed import Client, LocalCluster

    from parley.corpus.cluster import ClusterPipeline, peak_memory, warm
    from parley.corpus.ingest import ingest
    from parley.nlp.document import Document

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0", silence_logs=40) as cluster,
        Client(cluster) as client,
    ):
        client.run(warm)
        client.run(warm_bare)
        pipeline = ClusterPipeline(client, task_docs=TASK_DOCS)

        def bare(openblas: bool = False) -> int:
            tasks = [
                client.submit(bare_sentences, texts[i : i + TASK_DOCS], openblas, pure=False)
                for i in range(0, len(texts), TASK_DOCS)
            ]
            return sum(client.gather(tasks))

        def coded() -> int:
            return sum(len(d.sentences) for d in pipeline(Document(f"d{i}", t) for i, t in enumerate(texts)))

        def stored() -> int:
            with tempfile.TemporaryDirectory() as tmp:
                corpus = Path(tmp) / "corpus.jsonl"
                corpus.write_text(
                    "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(texts)),
                    encoding="utf-8",
                )
                return ingest([str(corpus)], str(Path(tmp) / "scale.duckdb"), pipeline=pipeline).new

        jobs = {"bare": bare, "openblas": lambda: bare(openblas=True), "parley": coded, "ingest": stored}
        rounds = [{name: timed(job) for name, job in jobs.items()} for _ in range(repeat)]  # interleaved: a slow
        runs = {name: min(r[name] for r in rounds) for name in jobs}  # spell of the machine hits all of them alike
        peaks = sorted(client.run(peak_memory).values())
    sentences = runs["bare"][1]
    return {
        "workers": workers,
        "sentences": sentences,
        "peaks": peaks,
        **{name: sentences / seconds for name, (seconds, _) in runs.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="CSV with a 'text' column")
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared/data)")
        return 0
    texts = list(dict.fromkeys(load_texts(args.corpus, args.docs)))  # ingest would skip a repeated text
    results = [measure(n, texts, args.repeat) for n in args.workers]
    print(f"corpus: {args.corpus.name}, {len(texts)} documents, {results[0]['sentences']} sentences")
    print(
        "sentences/s   workers  bare  bare, OpenBLAS  parley  ratio  ratio to OpenBLAS  ingest  peak memory per worker"
    )
    for r in results:
        peaks = ", ".join(f"{p / 2**20:.0f} MiB" for p in r["peaks"])
        print(
            f"{'':12s}  {r['workers']:7d}  {r['bare']:4.0f}  {r['openblas']:14.0f}  {r['parley']:6.1f}"
            f"  {r['parley'] / r['bare']:5.2f}  {r['parley'] / r['openblas']:17.2f}  {r['ingest']:6.1f}  {peaks}"
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(
            f"speed-up {first['workers']} -> {last['workers']} workers: parley {last['parley'] / first['parley']:.2f}x,"
            f" bare {last['bare'] / first['bare']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
