"""The dyad-series API on 1,000,000 stored events: GET /api/dyads/USA/RUS/series?by=week.

Events are generated as in benchmarks/storage.py into a fresh DuckDB file, with one document
published on each day that has events (the coverage a series counts within); the request runs
through FastAPI's TestClient (the whole app: routing, a database opened per request, the
analysis and the JSON) --repeat times, and the best and median times are printed. Usage:

    python benchmarks/api.py [--events 1000000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storage import generate

TARGET_MS = 300


def covered(store) -> None:
    """One document published on each day that has events: the coverage a series counts within."""
    store.execute(
        "INSERT INTO documents (doc_key, doc_id, source, published, story_id, n_chars, n_sentences, n_events,"
        " signature, ingested_at) SELECT 'doc-' || CAST(date AS VARCHAR), 'doc', 'bench', date,"
        " 'doc-' || CAST(date AS VARCHAR), 1, 1, 1, '00', now() FROM (SELECT DISTINCT date FROM events"
        " WHERE date IS NOT NULL) d"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from parley.corpus.store import open_store
    from parley.web import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "api.duckdb")
        store = open_store(db)
        seconds = generate(store, args.events)
        covered(store)
        store.close()
        print(f"stored {args.events:,} events in {seconds:.1f} s")
        client = TestClient(create_app(db), base_url="http://localhost")
        times, weeks = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get("/api/dyads/USA/RUS/series", params={"by": "week"})
            times.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
            weeks = len(response.json()["series"])
        best, median = min(times), statistics.median(times)
        print(
            f"GET /api/dyads/USA/RUS/series?by=week: {weeks} weeks; best {best:.1f} ms, median {median:.1f} ms "
            f"over {args.repeat} requests (target < {TARGET_MS} ms)"
        )
    return 0 if median < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
