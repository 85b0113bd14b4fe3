"""Start-up: wall time of whole `parley` processes against spaCy alone loading its model, in one run.

What a user waits for at the prompt: `parley code` on one sentence, `parley ingest` of documents
already stored (it codes nothing), and the query commands (`events`, `export`, `dyad`, `network`,
`agenda`), each a fresh process, timed from start to exit (best of --repeat). The baseline is
`python -c "import spacy; spacy.load(MODEL)"` in the same environment, timed in the same run, so
the ratio holds on a noisy machine; rounds interleave the commands. The coder's start-up cache
(`parley.nlp.cache`) lives in a fresh folder: the first `parley code` builds it (reported as the
cold start), the timed ones read it. Goals (issue 23): one sentence coded in at most twice
spaCy's load, a query command in at most a second. Usage:

    python benchmarks/startup.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SENTENCE = "Russia and Ukraine met in Istanbul on Monday."
PARLEY = "import sys; from parley.cli import main; sys.exit(main())"


def timed(argv: list[str], repeat: int, stdin: str | None = None) -> float:
    """The least wall time of `repeat` runs of a command (each must succeed)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - t
        if done.returncode:
            sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        best = min(best, elapsed)
    return best


def parley(*args: str) -> list[str]:
    return [sys.executable, "-c", PARLEY, *args]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts")
    args = ap.parse_args()
    from parley.nlp.stages.parse import MODEL

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PARLEY_CACHE_DIR"] = str(Path(tmp) / "cache")  # the subprocesses' start-up cache
        db = str(Path(tmp) / "corpus.duckdb")
        cold = timed(parley("code", "-", "--date", "2025-02-28"), 1, SENTENCE)
        t = time.perf_counter()
        subprocess.run(parley("ingest", str(EXAMPLES), "--date", "2025-02-28", "--db", db, "--quiet"), check=True)
        first_ingest = time.perf_counter() - t
        rows: list[tuple[str, float]] = []
        # interleaved rounds: the baseline and each command see the same state of the machine
        spacy_runs: list[float] = []
        for _ in range(args.repeat):
            spacy_runs.append(timed([sys.executable, "-c", f"import spacy; spacy.load({MODEL!r})"], 1))
            rows.append(("code (one sentence, stdin)", timed(parley("code", "-", "--date", "2025-02-28"), 1, SENTENCE)))
            rows.append(("ingest (6 documents, all stored)", timed(parley("ingest", str(EXAMPLES), "--db", db), 1)))
            rows.append(("events", timed(parley("events", "--db", db), 1)))
            rows.append(("export --format csv", timed(parley("export", "--format", "csv", "--db", db), 1)))
            rows.append(("dyad USA RUS", timed(parley("dyad", "USA", "RUS", "--db", db), 1)))
            rows.append(("network", timed(parley("network", "--db", db), 1)))
            rows.append(("agenda USA RUS", timed(parley("agenda", "USA", "RUS", "--db", db), 1)))
        python = timed([sys.executable, "-c", "pass"], args.repeat)
    spacy_load = min(spacy_runs)
    best: dict[str, float] = {}
    for name, seconds in rows:
        best[name] = min(best.get(name, seconds), seconds)
    print(f"python -c pass:                         {python:6.2f} s")
    print(f"spaCy import + load {MODEL}: {spacy_load:6.2f} s (median {statistics.median(spacy_runs):.2f})")
    print(f"parley code (one sentence, cold cache):  {cold:6.2f} s   ratio to spaCy load {cold / spacy_load:5.2f}")
    print(f"parley ingest examples/ (first, codes 6 documents): {first_ingest:6.2f} s")
    for name, seconds in best.items():
        print(f"parley {name:36s} {seconds:6.2f} s   ratio to spaCy load {seconds / spacy_load:5.2f}")
    code = best["code (one sentence, stdin)"]
    query = max(best[name] for name in ("events", "export --format csv", "dyad USA RUS", "network", "agenda USA RUS"))
    print(f"goal: code <= 2x spaCy load: {code / spacy_load:.2f}x {'met' if code <= 2 * spacy_load else 'NOT met'}")
    print(f"goal: a query command <= 1 s: slowest {query:.2f} s {'met' if query <= 1.0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
