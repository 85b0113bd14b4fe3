"""`parley serve` checks who it talks to (issue 24): it answers only to the Host names it
serves (a DNS-rebinding page gets a 421, not the data) and closes connections whose request
head does not arrive in time (slowloris), while answering others. A real server process and
real sockets."""

from __future__ import annotations

import http.client
import shutil
import socket
import time
from collections.abc import Iterator

import pytest

from parley.web.app import request_host
from parley.web.server import HEADER_TIMEOUT, served_hosts

from .serving import serving


def get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def live(web_db, tmp_path_factory) -> Iterator[int]:
    db = tmp_path_factory.mktemp("guards") / "corpus.duckdb"
    shutil.copy(web_db, db)
    with serving(str(db), "--allow-host", "News.Example.") as port:
        yield port


def test_only_the_host_names_served_are_answered(live):
    for host in (f"127.0.0.1:{live}", f"localhost:{live}", "LOCALHOST", f"[::1]:{live}", f"news.example:{live}"):
        assert get(live, "/api/events?limit=1", host)[0] == 200, host
    for host in (
        f"attacker.example:{live}",
        "attacker.example",
        "127.0.0.1.attacker.example",
        "localhost.evil",
        "[::2]",
    ):
        status, body = get(live, "/api/events?limit=1", host)
        assert status == 421 and b"does not serve the host" in body and b"events" not in body, host
    assert get(live, "/", "attacker.example")[0] == 421  # the dashboard too


def test_host_names_are_read_as_a_browser_sends_them():
    assert request_host("Example.org:8000") == "example.org"
    assert request_host("[::1]:80") == "::1" and request_host("localhost.") == "localhost"
    assert served_hosts("0.0.0.0") == ("localhost", "127.0.0.1", "::1")
    assert served_hosts("192.168.1.5", ["News.Example."]) == (
        "localhost",
        "127.0.0.1",
        "::1",
        "192.168.1.5",
        "news.example",
    )


def test_half_open_connections_are_closed_and_others_answered(live):
    slow = []
    for _ in range(200):
        s = socket.create_connection(("127.0.0.1", live))
        s.sendall(b"GET /api/types HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never the blank line that ends the head
        slow.append(s)
    started = time.monotonic()
    # one header line every 2 s keeps none of them alive past the deadline
    while time.monotonic() - started < HEADER_TIMEOUT + 3:
        assert get(live, "/api/types")[0] == 200  # others are answered meanwhile
        for s in slow:
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                pass
        time.sleep(2)
    closed = 0
    for s in slow:
        s.settimeout(5)
        try:
            closed += s.recv(1024) == b""
        except OSError:
            closed += 1
        finally:
            s.close()
    assert closed == len(slow)
