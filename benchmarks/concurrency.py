"""The API under 200 concurrent clients, alone and with 3,000 half-open connections held against it.

`parley serve` runs in a process of its own over a fresh DuckDB database of --events generated
events (and --seed coded articles, 0 by default: no model is loaded). This process then runs,
for --seconds each, over the dashboard's mix of endpoints (benchmarks/load.py):

1. one client alone: the baseline latency of this machine, in this run;
2. --clients concurrent clients (200), each on its own keep-alive connection;
3. the same clients while --half-open connections (3,000) send a request head one header line
   every 2 s and never finish it (slowloris); at the end, how many of those the server closed.

Printed: requests, errors, p50, p99 and max latency of each phase, p50 and p99 as ratios to the
baseline's p50, and the half-open connections still open after the server's header deadline.

    python benchmarks/concurrency.py [--clients 200] [--seconds 20] [--half-open 3000] [--events 20000]
"""

from __future__ import annotations

import argparse
import resource
import socket
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import CORPUS, articles, drive, known, quantile, seed, server, table
from storage import generate

from parley.corpus.store import open_store
from parley.web.server import HEADER_TIMEOUT


def half_open(port: int, n: int, stop: threading.Event) -> list[socket.socket]:
    """n connections that send a request head one header line every 2 s until `stop`; the sockets."""
    sockets = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(s)

    def trickle() -> None:
        while not stop.wait(2):
            for s in sockets:
                try:
                    s.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass

    threading.Thread(target=trickle, daemon=True).start()
    return sockets


def still_open(sockets: list[socket.socket]) -> int:
    """How many of the sockets the server has not closed (a read would still wait)."""
    n = 0
    for s in sockets:
        s.setblocking(False)
        try:
            n += s.recv(1) != b""
        except BlockingIOError:
            n += 1
        except OSError:
            pass
    return n


def summary(name: str, results: list, took: float, base: float | None) -> list[str]:
    rows: dict[str, list] = defaultdict(list)
    for _, seconds, error in results:
        rows[name].append((seconds, error))
    line = name.ljust(30) + table(rows)[-1].removeprefix("all".ljust(30))
    times = sorted(t for _, t, _ in results)
    ratio = (
        f"; p50 {quantile(times, 0.5) / base:.1f}x, p99 {quantile(times, 0.99) / base:.1f}x the baseline p50"
        if base
        else ""
    )
    return [f"{line}   {len(results) / took:.1f} requests/s{ratio}"]


def measured(port: int, seen: dict[str, list], clients: int, seconds: float) -> tuple[list, float]:
    """drive()'s results, less the document requests where the database has no documents to ask for."""
    results, took = drive(port, seen, clients, seconds, 10**9)
    if seen["docs"] == ["no-document"]:  # generated events only: every document request is an honest 404
        results = [r for r in results if r[0] != "/api/documents/{doc_key}"]
    return results, took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=200, help="concurrent clients (default 200)")
    ap.add_argument("--seconds", type=float, default=20, help="how long each phase runs (default 20)")
    ap.add_argument("--half-open", type=int, default=3000, help="half-open connections in phase 3 (default 3000)")
    ap.add_argument("--events", type=int, default=20_000, help="generated events in the database (default 20,000)")
    ap.add_argument("--seed", type=int, default=0, help="articles coded into the database first (default 0)")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.half_open + args.clients + 256)), hard))

    with tempfile.TemporaryDirectory(prefix="parley-concurrency-") as name:
        tmp = Path(name)
        db = str(tmp / "concurrency.duckdb")
        if args.seed:
            seed(db, articles(CORPUS, 0, args.seed), args.events, tmp)
        else:  # generated events only: no model to load
            store = open_store(db)
            try:
                generate(store, args.events)
            finally:
                store.close()
        with server(db, None, tmp / "serve.log") as port:
            seen = known(port)
            lines = [f"{'phase':<30} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"]
            results, took = measured(port, seen, 1, args.seconds)
            base = quantile(sorted(t for _, t, _ in results), 0.5)
            lines += summary("1 client (baseline)", results, took, None)
            results, took = measured(port, seen, args.clients, args.seconds)
            lines += summary(f"{args.clients} clients", results, took, base)
            errors = [e for _, _, e in results if e]
            stop = threading.Event()
            sockets = half_open(port, args.half_open, stop)
            opened = time.monotonic()
            results, took = measured(port, seen, args.clients, max(args.seconds, HEADER_TIMEOUT + 2))
            time.sleep(max(0.0, HEADER_TIMEOUT + 2 - (time.monotonic() - opened)))
            left, checked = still_open(sockets), time.monotonic() - opened
            stop.set()
            for s in sockets:
                s.close()
            lines += summary(f"{args.clients} clients + {args.half_open} half-open", results, took, base)
            errors += [e for _, _, e in results if e]
    print("\n".join(lines))
    print(
        f"half-open connections still open {checked:.0f} s after they opened "
        f"(header deadline {HEADER_TIMEOUT:g} s): {left} of {args.half_open}"
    )
    for error in errors[:10]:
        print(f"  error: {error}")
    return 1 if errors or left else 0


if __name__ == "__main__":
    sys.exit(main())
