"""`parley serve` in a process of its own, for the tests that need a real server and sockets."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", "/api/types")
        return conn.getresponse().status == 200
    finally:
        conn.close()


@contextmanager
def serving(db: str, *options: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """`parley serve --db DB OPTIONS` on a free port, once it answers (within 60 s): its port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "parley", "serve", "--db", db, "--port", str(port), *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"parley serve exited: {proc.stdout.read().decode()[-500:]}"
            try:
                if _answers(port):
                    break
            except OSError:
                assert time.monotonic() < deadline, "parley serve did not answer within 60 s"
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
