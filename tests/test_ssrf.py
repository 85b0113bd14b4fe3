"""URL fetching reaches public addresses only, unless a network is allowed: first requests,
redirects, other spellings of an address, proxies and the CLI, against servers on 127.0.0.1."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parley.cli import main
from parley.corpus.readers import web
from parley.corpus.readers.base import InputError
from parley.corpus.sources import Failure, ReadOptions, documents

NOTE = b"Kenya and Uganda signed a trade agreement on Monday."


class Handler(BaseHTTPRequestHandler):
    """/note is an article; /to?url redirects there; a request in absolute form is answered as a proxy would."""

    seen: list[str]  # every request line this server received, set per server

    def do_GET(self):
        self.seen.append(self.path)
        if self.path.startswith("/to?"):
            self.send_response(302)
            self.send_header("Location", self.path.partition("?")[2])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = NOTE if self.path.endswith("/note") else b"not here"
        self.send_response(200 if self.path.endswith("/note") else 404)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A server on 127.0.0.1 that records the requests it gets."""
    handler = type("Recording", (Handler,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in (
        "http_proxy",
        "https_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "NO_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


def url(httpd, path: str = "/note", host: str = "127.0.0.1") -> str:
    return f"http://{host}:{httpd.server_port}{path}"


def reason(*inputs, **options) -> str:
    [item] = documents(list(inputs), ReadOptions(**options))
    assert isinstance(item, Failure), item
    return item.reason


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",  # IPv4-mapped
        "2002:7f00:1::",
        "2002:a9fe:a9fe::",  # 6to4 of 127.0.0.1 and of 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    ],
)
def test_non_public_addresses_are_refused(address):
    assert web.refusal(ipaddress.ip_address(address), ()) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "2002:808:808::"])
def test_public_addresses_pass(address):
    assert web.refusal(ipaddress.ip_address(address), ()) is None


def test_allowed_networks_let_their_addresses_through():
    allow = web.networks(["10.0.0.0/8", "::1"])
    assert web.refusal(ipaddress.ip_address("10.20.30.40"), allow) is None
    assert web.refusal(ipaddress.ip_address("::1"), allow) is None
    assert web.refusal(ipaddress.ip_address("192.168.0.1"), allow) == "private address 192.168.0.1"
    with pytest.raises(ValueError):
        web.networks(["10.0.0.0/33"])


def test_loopback_is_refused_before_any_request(server):
    assert reason(url(server)) == "refused: 127.0.0.1 is a loopback address 127.0.0.1 (allow it with --allow-net)"
    assert reason(url(server, host="localhost")).startswith("refused: localhost is a loopback address")
    assert server.RequestHandlerClass.seen == []
    [doc] = documents([url(server)], ReadOptions(allow_net=["127.0.0.1/32"]))
    assert doc.text == NOTE.decode() and server.RequestHandlerClass.seen == ["/note"]


@pytest.mark.parametrize("spelling", ["2130706433", "0x7f000001", "127.1", "0177.0.0.1", "[::ffff:127.0.0.1]"])
def test_other_spellings_of_loopback_are_refused(server, spelling):
    got = reason(url(server, host=spelling))
    assert got.startswith(f"refused: {spelling.strip('[]')} is a loopback address"), got
    assert server.RequestHandlerClass.seen == []


def test_redirects_into_refused_networks_are_not_followed(server):
    allow = ["127.0.0.1/32"]
    for target in (url(server, host="127.0.0.2"), "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"):
        got = reason(url(server, "/to?" + target), allow_net=allow)
        assert got.startswith(f"redirected to {target}: refused: "), got
    assert server.RequestHandlerClass.seen == [
        "/to?" + url(server, host="127.0.0.2"),
        "/to?http://169.254.169.254/latest/meta-data/",
        "/to?http://10.0.0.1/",
    ]
    [doc] = documents(
        [url(server, "/to?" + url(server))], ReadOptions(allow_net=allow)
    )  # an allowed target is followed
    assert doc.url == url(server)


def test_the_connection_itself_is_guarded(server):
    """The address checked is the address connected to (a name resolving elsewhere the second time gains nothing)."""
    connect = web.guarded_connect(())
    with pytest.raises(InputError, match="loopback address 127.0.0.1"):
        connect(("127.0.0.1", server.server_port), 1.0)
    sock = web.guarded_connect(web.networks(["127.0.0.0/8"]))(("127.0.0.1", server.server_port), 1.0)
    assert sock.getpeername() == ("127.0.0.1", server.server_port)
    sock.close()


def test_through_a_proxy_the_target_is_checked(server, monkeypatch):
    """The proxy (here the test server, on loopback) is the user's own; where it is sent is checked."""
    monkeypatch.setenv("http_proxy", url(server, ""))
    assert reason("http://10.0.0.1/note").startswith("refused: 10.0.0.1 is a private address")
    assert server.RequestHandlerClass.seen == []
    [doc] = documents(["http://93.184.215.14/note"])  # public: handed to the proxy, which answers
    assert doc.text == NOTE.decode() and server.RequestHandlerClass.seen == ["http://93.184.215.14/note"]


def test_cli_refuses_and_allows(server, capsys):
    assert main(["code", url(server), "--format", "jsonl"]) == 1
    out, err = capsys.readouterr()
    assert (
        err
        == f"parley: {url(server)}: refused: 127.0.0.1 is a loopback address 127.0.0.1 (allow it with --allow-net)\n"
    )
    assert main(["code", url(server), "--format", "jsonl", "--allow-net", "127.0.0.0/8"]) == 0
    out, err = capsys.readouterr()
    assert f'"doc_id": "{url(server)}"' in out and err == ""
    with pytest.raises(SystemExit) as exit_:
        main(["code", url(server), "--allow-net", "localhost"])
    assert exit_.value.code == 2 and "not an IP network or address: 'localhost'" in capsys.readouterr().err


def test_unresolvable_hosts_are_one_line_failures():
    got = reason("http://no-such-host.invalid/x")
    assert got.startswith("cannot fetch: ") and "\n" not in got


def test_https_goes_through_the_same_guard(server):
    """No TLS server here: refused before connecting, or (allowed) a one-line handshake failure."""
    https = url(server).replace("http://", "https://")
    assert reason(https).startswith("refused: 127.0.0.1 is a loopback address")
    got = reason(https, allow_net=["127.0.0.1"])
    assert got.startswith("cannot fetch: ") and "\n" not in got
