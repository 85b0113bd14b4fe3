"""The API under load on loopback while an ingest writes: errors and latency per endpoint.

`parley serve` runs in a process of its own (uvicorn on 127.0.0.1, a free port) over a fresh
database: --seed real articles coded by `parley ingest`, and --events generated events
(benchmarks/storage.py) for volume. This process then runs --clients concurrent clients, each
sending requests back to back (keep-alive) over a mix of endpoints and filters, the dashboard's
own calls among them, for --seconds (or --requests in all), while new articles are written:

* DuckDB (one writing process per file): through the server's own POST /api/ingest (a token
  set), --batch articles a request, one request after another;
* PostgreSQL (--postgres: a private server from scripts/postgres.sh, stopped after; or --db
  postgresql://...): by a separate `parley ingest` process writing to the same database.

Printed: per endpoint and overall the requests, errors (any status but 200, any connection
error), p50, p99 and max latency; and the ingest's rate while the clients ran. Articles come
from ../shared/data/synthetic_stories.csv. Usage:

    python benchmarks/load.py [--clients 4] [--seconds 60] [--seed 32] [--events 100000]
    python benchmarks/load.py --postgres
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storage import COUNTRIES, TYPES, generate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "synthetic_stories.csv"
PAGE = 50  # the dashboard's page of events
TIMEOUT = 120  # seconds a client waits for one answer before counting it an error


# --- the articles and the database ---------------------------------------------------------------


def articles(path: Path, first: int, n: int) -> list[dict]:
    """n stories from the corpus as JSON Lines records, from row `first` on, dated over early 2025."""
    csv.field_size_limit(10_000_000)
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i >= first + n:
                break
            if i >= first and row.get("text", "").strip():
                day = dt.date(2025, 1, 1) + dt.timedelta(days=i % 90)
                out.append(
                    {
                        "id": f"story-{i}",
                        "text": row["text"],
                        "title": row.get("title") or None,
                        "source": row.get("source") or None,
                        "date": day.isoformat(),
                    }
                )
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def parley(*args: str, **kw) -> subprocess.Popen:
    """`parley ARGS` in a process of its own, with this interpreter."""
    return subprocess.Popen([sys.executable, "-m", "parley", *args], cwd=ROOT, **kw)


def seed(db: str, records: list[dict], events: int, tmp: Path) -> None:
    """Code and store `records` with `parley ingest`, then add `events` generated events."""
    from parley.corpus.store import open_store

    started = time.perf_counter()
    done = parley(
        "ingest",
        str(write_jsonl(tmp / "seed.jsonl", records)),
        "--db",
        db,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, err = done.communicate()
    if done.returncode:
        raise SystemExit(f"seeding failed (exit {done.returncode}): {err.strip()[-500:]}")
    store = open_store(db)
    try:
        seconds = generate(store, events) if events else 0.0
        if store.dialect == "postgresql":
            store.execute("ANALYZE")
    finally:
        store.close()
    print(
        f"seeded: {len(records)} articles coded and {events:,} events generated "
        f"in {time.perf_counter() - started:.0f} s (generating {seconds:.0f} s)",
        flush=True,
    )


@contextmanager
def postgres_database(tmp: Path) -> Iterator[str]:
    """A private PostgreSQL server (scripts/postgres.sh) with a fresh database; stopped after."""
    import psycopg

    home = tmp / "pg"
    script = ["bash", str(ROOT / "scripts" / "postgres.sh")]
    url = subprocess.run([*script, "start", str(home)], capture_output=True, text=True, check=True).stdout.strip()
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE parley_load")
        yield url.rsplit("/", 1)[0] + "/parley_load"
    finally:
        subprocess.run([*script, "stop", str(home)], capture_output=True, check=False)


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(db: str, token: str | None, log: Path) -> Iterator[int]:
    """`parley serve` over `db` on a free loopback port, up and answering; its port. Stopped after."""
    port = free_port()
    env = {**os.environ, "PARLEY_TOKEN": token or ""}
    with open(log, "wb") as out:
        proc = parley(
            "serve",
            "--db",
            db,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"parley serve exited ({proc.returncode}): {log.read_text()[-500:]}")
            try:
                if Client(port).get("/api/types")[0] == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("parley serve did not answer within 60 s") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Client:
    """One keep-alive HTTP connection to the server."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # the next request reconnects
            raise

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)


# --- the load ------------------------------------------------------------------------------------


def known(port: int) -> dict[str, list]:
    """What the requests ask about: stored documents, countries with events, dyads."""
    client = Client(port)
    countries = [c["country"] for c in json.loads(client.get("/api/actors")[1])["countries"]]
    docs: list[str] = []
    for country in countries[:20]:  # the coded events: the generated ones have neither parties nor mentions
        body = json.loads(client.get(f"/api/events?actor={country}&limit=1000")[1])
        docs += [m["doc_key"] for e in body["events"] for m in e["mentions"]]
    edges = json.loads(client.get("/api/network?min_events=2")[1])["edges"]
    dyads = [(e["actor"], e["recipient"]) for e in edges if len(e["actor"]) == len(e["recipient"]) == 3]
    return {
        "docs": sorted(set(docs)) or ["no-document"],
        "countries": countries or COUNTRIES,
        "dyads": dyads[:40] + [(a, b) for a in COUNTRIES[:8] for b in COUNTRIES[:8] if a != b],
    }


def mix(rng: random.Random, seen: dict[str, list]) -> tuple[str, str]:
    """One request of the mix: (the endpoint it counts under, the path with its query)."""
    a, b = rng.choice(seen["dyads"])
    start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1700))
    since, until = start.isoformat(), (start + dt.timedelta(days=rng.choice((30, 90, 365)))).isoformat()
    dashboard = {
        "dyad": f"{a}-{b}",
        "type": rng.choice(["", "", *(t for t, _, _ in TYPES)]),
        "since": since,
        "until": until,
        "limit": PAGE,
        "offset": PAGE * rng.choice((0, 0, 0, 1, 2)),
    }
    filters = rng.choice(
        [
            {"actor": rng.choice(seen["countries"])},
            {"recipient": rng.choice(seen["countries"])},
            {"type": rng.choice(TYPES)[0], "since": since, "until": until},
            {"cameo": rng.choice(TYPES)[1][:2]},
            {"place": rng.choice(seen["countries"])},
            {"actor": rng.choice(seen["countries"]), "since": since},
        ]
    )
    choices: list[tuple[int, str, Callable[[], tuple[str, dict]]]] = [
        (20, "/api/events (dashboard)", lambda: ("/api/events", dashboard)),
        (
            15,
            "/api/events (filters)",
            lambda: ("/api/events", {**filters, "limit": rng.choice((50, 200)), "offset": rng.choice((0, 0, 50, 100))}),
        ),
        (
            15,
            "/api/dyads/{a}/{b}/series",
            lambda: (
                f"/api/dyads/{a}/{b}/series",
                rng.choice([{"by": "week"}, {"by": "month"}, {"by": "week", "since": since, "until": until}]),
            ),
        ),
        (10, "/api/agenda/{a}/{b}", lambda: (f"/api/agenda/{a}/{b}", {})),
        (8, "/api/actors", lambda: ("/api/actors", rng.choice([{"limit": 1}, {}]))),
        (5, "/api/types", lambda: ("/api/types", {})),
        (12, "/api/documents/{doc_key}", lambda: (f"/api/documents/{quote(rng.choice(seen['docs']))}", {})),
        (5, "/api/network", lambda: ("/api/network", rng.choice([{}, {"since": since, "until": until}]))),
        (5, "/ (dashboard page)", lambda: ("/", {})),
        (2, "/api/alerts", lambda: ("/api/alerts", rng.choice([{"by": "month", "since": since}, {}]))),
    ]
    weights, labels, makers = zip(*choices)
    i = rng.choices(range(len(labels)), weights)[0]
    path, params = makers[i]()
    params = {k: v for k, v in params.items() if v != ""}
    return labels[i], path + ("?" + urlencode(params) if params else "")


def drive(
    port: int,
    seen: dict[str, list],
    clients: int,
    seconds: float,
    total: int,
) -> tuple[list[tuple[str, float, str | None]], float]:
    """Run the clients until `seconds` pass or `total` requests are sent: (endpoint, seconds,
    error or None) per request, and the time they took."""
    results: list[tuple[str, float, str | None]] = []
    sent = iter(range(total))
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def one(n: int) -> None:
        rng, client = random.Random(n), Client(port)
        while time.monotonic() < deadline:
            with lock:
                if next(sent, None) is None:
                    return
            label, path = mix(rng, seen)
            started = time.perf_counter()
            try:
                status, body = client.get(path)
                error = None if status == 200 else f"{status} {body[:120]!r}"
            except (OSError, http.client.HTTPException) as e:
                error = f"{type(e).__name__}: {e}"
            took = time.perf_counter() - started
            with lock:
                results.append((label, took, error and f"{path[:80]}: {error}"))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


class Ingest:
    """New articles written while the clients run; `stop()` ends it and says how it went."""

    def __init__(self) -> None:
        self.progress: list[tuple[float, int]] = []  # (time, documents stored so far) at each commit seen
        self.posts: list[tuple[float, str | None]] = []  # (seconds, error or None) per POST, over the endpoint
        self.halt = threading.Event()

    def rate(self) -> str:
        """Documents per second between the first and the last commit seen while the clients ran."""
        if len(self.progress) < 2:
            return "fewer than two commits seen while the clients ran: no rate"
        (t0, n0), (t1, n1) = self.progress[0], self.progress[-1]
        return f"{n1 - n0} documents in {t1 - t0:.1f} s between commits: {(n1 - n0) / (t1 - t0):.2f} documents/s"


class EndpointIngest(Ingest):
    """POST /api/ingest, --batch articles a request, back to back, in a thread of this process."""

    def __init__(self, port: int, token: str, records: list[dict], batch: int) -> None:
        super().__init__()
        self.port, self.token, self.records, self.batch = port, token, records, batch

    def post(self, client: Client, records: list[dict]) -> tuple[int, bytes]:
        return client.request(
            "POST",
            "/api/ingest",
            json.dumps(records).encode(),
            {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )

    def warm(self) -> float:
        """One article first, outside the measurement: the server loads its coder on the first POST."""
        started = time.perf_counter()
        status, body = self.post(Client(self.port), self.records[:1])
        if status != 200:
            raise SystemExit(f"the first POST /api/ingest failed: {status} {body[:200]!r}")
        del self.records[:1]
        return time.perf_counter() - started

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self) -> None:
        client, stored = Client(self.port), 0
        self.progress.append((time.perf_counter(), 0))
        for first in range(0, len(self.records), self.batch):
            if self.halt.is_set():
                return
            started = time.perf_counter()
            try:
                status, body = self.post(client, self.records[first : first + self.batch])
                error = None if status == 200 else f"{status} {body[:120]!r}"
            except (OSError, http.client.HTTPException) as e:
                status, error = 0, f"{type(e).__name__}: {e}"
            self.posts.append((time.perf_counter() - started, error))
            if status == 200:
                stored += json.loads(body)["new"]
                self.progress.append((time.perf_counter(), stored))

    def stop(self) -> str:
        self.halt.set()
        self.thread.join()
        return f"POST /api/ingest ({self.batch} articles each): {self.rate()}"


class ProcessIngest(Ingest):
    """A `parley ingest` process writing to the same database; its commits seen by counting rows."""

    def __init__(self, db: str, corpus: Path, log: Path) -> None:
        super().__init__()
        import psycopg

        self.conn = psycopg.connect(db, autocommit=True)
        self.before = self.count()
        with open(log, "wb") as out:
            self.proc = parley("ingest", str(corpus), "--db", db, stdout=out, stderr=subprocess.STDOUT)
        self.log = log

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    def warm(self) -> float:
        """Wait for its first commit (the coder loaded, a batch coded), outside the measurement."""
        started = time.perf_counter()
        while self.count() == self.before:
            if self.proc.poll() is not None:
                raise SystemExit(f"parley ingest exited ({self.proc.returncode}): {self.log.read_text()[-500:]}")
            time.sleep(0.5)
        return time.perf_counter() - started

    def start(self) -> None:
        self.thread = threading.Thread(target=self.watch)
        self.thread.start()

    def watch(self) -> None:
        last = self.count()
        self.progress.append((time.perf_counter(), last))
        while not self.halt.wait(0.25):
            now = self.count()
            if now != last:
                self.progress.append((time.perf_counter(), now))
                last = now

    def stop(self) -> str:
        self.halt.set()
        self.thread.join()
        self.proc.terminate()
        self.proc.wait()
        self.conn.close()
        return f"parley ingest (a separate process): {self.rate()}"


# --- the report ----------------------------------------------------------------------------------


def quantile(sorted_values: list[float], q: float) -> float:
    """The q-quantile by the nearest rank."""
    return sorted_values[min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))]


def table(rows: dict[str, list[tuple[float, str | None]]]) -> list[str]:
    """One line per endpoint and one for all: requests, errors, p50, p99 and max in milliseconds."""
    lines = [f"{'endpoint':<30} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"]
    everything = [r for found in rows.values() for r in found]
    for label, found in [*sorted(rows.items()), ("all", everything)]:
        took = sorted(t * 1000 for t, _ in found)
        errors = sum(1 for _, e in found if e)
        lines.append(
            f"{label:<30} {len(found):>8} {errors:>6} {quantile(took, 0.5):>8.1f} "
            f"{quantile(took, 0.99):>8.1f} {took[-1]:>8.1f}"
        )
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    ap.add_argument("--seconds", type=float, default=60, help="how long the clients run (default 60)")
    ap.add_argument("--requests", type=int, default=100_000, help="at most this many requests in all")
    ap.add_argument("--seed", type=int, default=32, help="articles coded into the database first (default 32)")
    ap.add_argument("--events", type=int, default=100_000, help="generated events added first (default 100,000)")
    ap.add_argument("--batch", type=int, default=8, help="articles per POST /api/ingest (DuckDB; default 8)")
    ap.add_argument("--postgres", action="store_true", help="on a private PostgreSQL server, stopped after")
    ap.add_argument("--db", help="a postgresql:// URL of an empty database to use instead")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="CSV of articles with a 'text' column")
    args = ap.parse_args()
    if not args.corpus.is_file():
        print(f"skipped: corpus {args.corpus} not found (it lives in ../shared/data)")
        return 0

    with tempfile.TemporaryDirectory(prefix="parley-load-") as name:
        tmp = Path(name)
        private = args.postgres and not args.db
        with postgres_database(tmp) if private else nullcontext(args.db or str(tmp / "load.duckdb")) as db:
            backend = "postgresql" if db.startswith("postgresql") else "duckdb"
            stories = articles(args.corpus, 0, args.seed + 2000)
            seed(db, stories[: args.seed], args.events, tmp)
            token = secrets.token_urlsafe(16) if backend == "duckdb" else None
            with server(db, token, tmp / "serve.log") as port:
                if token:
                    ingest: Ingest = EndpointIngest(port, token, stories[args.seed :], args.batch)
                else:
                    ingest = ProcessIngest(
                        db, write_jsonl(tmp / "load.jsonl", stories[args.seed :]), tmp / "ingest.log"
                    )
                warm = ingest.warm()
                seen = known(port)
                print(
                    f"backend: {backend}; {args.clients} clients for {args.seconds:.0f} s; ingest warmed up in "
                    f"{warm:.0f} s; {len(seen['docs'])} documents to ask for",
                    flush=True,
                )
                ingest.start()
                results, took = drive(port, seen, args.clients, args.seconds, args.requests)
                said = ingest.stop()
    rows: dict[str, list[tuple[float, str | None]]] = defaultdict(list)
    for label, seconds, error in results:
        rows[label].append((seconds, error))
    print("\n".join(table(rows)))
    print(f"throughput: {len(results) / took:.1f} requests/s over {took:.1f} s")
    print(f"ingest: {said}")
    if isinstance(ingest, EndpointIngest) and ingest.posts:
        posts = sorted(t for t, _ in ingest.posts)
        failed = [e for _, e in ingest.posts if e]
        print(
            f"POST /api/ingest: {len(posts)} requests, {len(failed)} errors, p50 {quantile(posts, 0.5):.1f} s, "
            f"max {posts[-1]:.1f} s"
        )
        for error in failed[:5]:
            print(f"  ingest error: {error}")
    errors = [e for _, _, e in results if e]
    for error in errors[:10]:
        print(f"  error: {error}")
    return 1 if errors or (isinstance(ingest, EndpointIngest) and any(e for _, e in ingest.posts)) else 0


if __name__ == "__main__":
    sys.exit(main())
