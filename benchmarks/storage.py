"""Storing 1,000,000 generated events, then a dyad-by-week query over them.

Events are generated at random (30 countries, 16 types, five years of dates) and written
through parley's own multi-row inserts into a fresh database; the query is the one a dyad
timeline needs: USA-RUS events per week and quad class, with their Goldstein sum. It runs
--repeat times and the best and median times are printed. Usage:

    python benchmarks/storage.py [--events 1000000] [--db postgresql://...]

Without --db a DuckDB file in a temporary directory is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

COUNTRIES = [
    "USA",
    "RUS",
    "CHN",
    "UKR",
    "TUR",
    "IRN",
    "ISR",
    "FRA",
    "DEU",
    "GBR",
    "IND",
    "PAK",
    "JPN",
    "KOR",
    "PRK",
    "SYR",
    "IRQ",
    "EGY",
    "SAU",
    "ARE",
    "QAT",
    "BRA",
    "MEX",
    "NGA",
    "ETH",
    "SDN",
    "KEN",
    "ZAF",
    "POL",
    "AZE",
]
TYPES = [
    ("AGREE", "030", 1),
    ("CONSULT", "040", 1),
    ("SUPPORT", "050", 1),
    ("CONCEDE", "080", 2),
    ("COOPERATE", "060", 2),
    ("AID", "070", 2),
    ("RETREAT", "087", 2),
    ("REQUEST", "100", 3),
    ("ACCUSE", "112", 3),
    ("REJECT", "120", 3),
    ("THREATEN", "130", 3),
    ("PROTEST", "140", 3),
    ("SANCTION", "163", 4),
    ("MOBILIZE", "150", 4),
    ("COERCE", "170", 4),
    ("ASSAULT", "190", 4),
]
DYAD_BY_WEEK = (
    "SELECT date_trunc('week', e.date) AS week, e.quad_class, count(*) AS events,"
    " sum(e.goldstein) AS goldstein FROM event_dyads d JOIN events e ON e.event_key = d.event_key"
    " WHERE d.actor_country = ? AND d.recipient_country = ? GROUP BY 1, 2 ORDER BY 1, 2"
)


def generate(store, n: int, block: int = 20_000) -> float:
    """Write n random events (and their dyads); seconds taken."""
    from parley.corpus.store import EVENT_COLUMNS

    rng = random.Random(1)
    start_day = dt.date(2021, 1, 1)
    started = time.perf_counter()
    for first in range(0, n, block):
        events, dyads = [], []
        for i in range(first, min(first + block, n)):
            a, r = rng.sample(COUNTRIES[:8] if rng.random() < 0.3 else COUNTRIES, 2)
            kind, cameo, quad = rng.choice(TYPES)
            key = f"e{i:09d}"
            values = {c: None for c in EVENT_COLUMNS}
            values.update(
                event_key=key,
                event_type=kind,
                cameo=cameo,
                cameo_root=cameo[:2],
                quad_class=quad,
                goldstein=round(rng.uniform(-10, 10), 1),
                date=start_day + dt.timedelta(rng.randrange(1826)),
                status="factual",
                negated=False,
                reciprocal=False,
                actor_code=a,
                actor_country=a,
                recipient_code=r,
                recipient_country=r,
                contexts="[]",
                issues="[]",
                confidence=0.9,
                num_mentions=1,
                num_sources=1,
                num_articles=1,
                first_doc_key="d",
                added_at=dt.datetime(2025, 1, 1),
            )
            events.append(tuple(values[c] for c in EVENT_COLUMNS))
            dyads.append((key, a, r))
        with store.transaction():
            store.insert("events", EVENT_COLUMNS, events)
            store.insert("event_dyads", ("event_key", "actor_country", "recipient_country"), dyads)
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--db", help="a postgresql:// URL (its tables must be empty); default: a temporary DuckDB file")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    from parley.corpus.store import describe, open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or str(Path(tmp) / "storage.duckdb"))
        seconds = generate(store, args.events)
        print(f"database: {describe(store.url)}")
        print(f"stored {args.events:,} events in {seconds:.1f} s ({args.events / seconds:,.0f} events/s)")
        if store.dialect == "postgresql":
            store.execute("ANALYZE")
        times, rows = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            rows = store.query(DYAD_BY_WEEK, ["USA", "RUS"])[1]
            times.append(1000 * (time.perf_counter() - started))
        print(
            f"dyad-by-week query (USA->RUS, {sum(r[2] for r in rows):,} events, {len(rows)} rows): "
            f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms over {args.repeat} runs"
        )
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
