"""Fetching a URL: http(s) only, public addresses only, a timeout, a size cap and at most three redirects.

A fetch connects only to public internet addresses: a host that resolves to a loopback,
private, link-local, shared, reserved or multicast address is refused (server-side request
forgery), at the first request and at every redirect, unless its network is in `allow_net`.
The check is made on the address actually connected to, so a name that resolves differently
the second time gains nothing. Through a proxy from the environment the proxy connects;
then the URL's host is checked as this machine resolves it. Every failure is an InputError
with a one-line reason.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from .base import InputError, mb, os_reason

SCHEMES = ("http", "https")
TIMEOUT = 10.0  # seconds, for the whole fetch
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
USER_AGENT = "parley (news event coder)"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Response:
    """A fetched body, the URL it came from after redirects and its media type ("text/html")."""

    url: str
    media_type: str
    body: bytes


def is_url(text: str) -> bool:
    """Whether an input names an http(s) URL rather than a path."""
    return urlsplit(text).scheme.lower() in SCHEMES and "://" in text


def networks(allow: Iterable[str | Network]) -> tuple[Network, ...]:
    """Networks a fetch may reach besides public addresses ("10.0.0.0/8", "127.0.0.1"); ValueError if one is bad."""
    return tuple(n if isinstance(n, Network) else ipaddress.ip_network(n.strip(), strict=False) for n in allow)


def embedded(ip: Address) -> Address:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), else the address itself."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return inner
    return ip


def refusal(ip: Address, allow: Sequence[Network]) -> str | None:
    """Why a fetch may not connect to this address, or None when it may."""
    if any(ip.version == n.version and ip in n for n in allow):
        return None
    inner = embedded(ip)
    if inner.is_global and not inner.is_multicast:
        return None
    kind = next(
        (
            name
            for name, yes in (
                ("loopback", inner.is_loopback),
                ("link-local", inner.is_link_local),
                ("multicast", inner.is_multicast),
                ("private", inner.is_private),
            )
            if yes
        ),
        "non-public",
    )
    return f"{kind} address {ip}"


def resolve(host: str, port: int) -> list[tuple]:
    """getaddrinfo's stream addresses of a host; OSError when it does not resolve."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def check_host(host: str, port: int, allow: Sequence[Network]) -> list[tuple]:
    """The host's addresses when every one of them may be reached; InputError naming the first that may not."""
    infos = resolve(host, port)
    for info in infos:
        why = refusal(ipaddress.ip_address(info[4][0].partition("%")[0]), allow)
        if why:
            raise InputError(f"refused: {host} is a {why} (allow it with --allow-net)")
    return infos


def check_url(url: str, allow: Sequence[Network]) -> None:
    """InputError when the URL's host resolves to an address a fetch may not reach."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as e:
        raise InputError(f"not a valid URL ({e})") from None
    if not parts.hostname:
        raise InputError(f"not a valid URL (no host): {url}")
    try:
        check_host(parts.hostname, port, allow)
    except OSError as e:
        raise InputError(f"cannot fetch: {os_reason(e)}") from None


def guarded_connect(allow: Sequence[Network]):
    """A socket.create_connection that connects only to addresses check_host lets through."""

    def create_connection(address: tuple[str, int], timeout: float | None = None, source_address=None):
        host, port = address
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in check_host(host, port, allow):
            sock = socket.socket(family, kind, proto)
            try:
                if isinstance(timeout, (int, float)):
                    sock.settimeout(timeout)
                if source_address:
                    sock.bind(source_address)
                sock.connect(sockaddr)  # the address just checked, not the name resolved again
                return sock
            except OSError as e:
                sock.close()
                error = e
        raise error or OSError(f"no address for {host}")

    return create_connection


class Deadline:
    """One deadline for a whole fetch: when it passes, every socket the fetch opened is shut
    down, so a wait anywhere (connecting, the response's headers, its body) ends then, however
    slowly a server trickles bytes. A socket's own timeout only bounds each single wait."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.started, self.expired = seconds, time.monotonic(), False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def watch(self, sock: socket.socket) -> socket.socket:
        """Put a new connection under the deadline (its waits also bounded by the time left)."""
        with self._lock:
            if self.expired:
                sock.close()
                raise TimeoutError
            self._sockets.append(sock.dup())  # the same connection: shutting the copy down ends it, TLS or not
        sock.settimeout(max(0.001, self.seconds - self.elapsed()))
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for s in self._sockets:
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for s in self._sockets:
                s.close()
            self._sockets.clear()

    def reason(self) -> str:
        return f"timed out after {self.elapsed():.1f} s (the limit is {self.seconds:g} s for the whole fetch)"


def _direct(req: urllib.request.Request) -> bool:
    """Whether a request goes straight to the URL's host (no proxy in between)."""
    return req.host == urlsplit(req.full_url).netloc


def _connection(
    base: type[http.client.HTTPConnection], req: urllib.request.Request, allow: Sequence[Network], deadline: Deadline
):
    """A factory of `base` connections for urllib that, going direct, connect only where `allow`
    lets them; every connection is under the fetch's deadline."""

    def make(host: str, **options) -> http.client.HTTPConnection:
        conn = base(host, **options)
        # through a proxy, the proxy connects: the URL was checked before sending
        connect = guarded_connect(allow) if _direct(req) else socket.create_connection

        def create_connection(address, timeout=None, source_address=None):  # http.client's hook for the socket
            return deadline.watch(connect(address, timeout, source_address))

        conn._create_connection = create_connection
        return conn

    return make


class _Allowing:
    """A handler that knows the networks beyond the public internet its fetch may reach, and its deadline."""

    def __init__(self, allow: Sequence[Network], deadline: Deadline) -> None:
        super().__init__()
        self.allow, self.deadline = allow, deadline


class _HTTP(_Allowing, urllib.request.HTTPHandler):
    """http:// with guarded connections."""

    def http_open(self, req):
        return self.do_open(_connection(http.client.HTTPConnection, req, self.allow, self.deadline), req)


class _HTTPS(_Allowing, urllib.request.HTTPSHandler):
    """https:// with guarded connections (certificates and host names verified as usual)."""

    def https_open(self, req):
        return self.do_open(_connection(http.client.HTTPSConnection, req, self.allow, self.deadline), req)


class _Redirects(_Allowing, urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, only to http(s) URLs whose hosts may be reached."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if len(getattr(req, "redirect_dict", ())) >= MAX_REDIRECTS:  # the URLs redirected to so far
            raise InputError(f"too many redirects (more than {MAX_REDIRECTS})")
        if not is_url(newurl):
            raise InputError(f"redirected to a URL that is not http(s): {newurl}")
        try:
            check_url(newurl, self.allow)
        except InputError as e:
            raise InputError(f"redirected to {newurl}: {e}") from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, max_bytes: int, timeout: float = TIMEOUT, allow_net: Iterable[str | Network] = ()) -> Response:
    """GET an http(s) URL on a public address (or one in `allow_net`); InputError for a bad or refused URL, a
    network or HTTP error, too many bytes, or `timeout` seconds passed (one deadline for the whole fetch:
    connecting, redirects, headers and body)."""
    if not is_url(url):
        raise InputError(f"not an http(s) URL: {url}")
    allow = networks(allow_net)
    check_url(url, allow)
    deadline = Deadline(timeout)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    opener = urllib.request.build_opener(  # reads proxies as set now
        _HTTP(allow, deadline), _HTTPS(allow, deadline), _Redirects(allow, deadline)
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            size = response.headers.get("Content-Length", "")
            if size.isdigit() and int(size) > max_bytes:
                raise InputError(f"too large ({mb(int(size))}; the limit is {mb(max_bytes)}, see --max-bytes)")
            body = bytearray()
            while chunk := response.read1(CHUNK):  # what has arrived
                body += chunk
                if len(body) > max_bytes:
                    raise InputError(f"too large (over {mb(max_bytes)}; see --max-bytes)")
            if deadline.expired:  # the connection was cut: what came is not the whole body
                raise TimeoutError
            return Response(response.geturl(), response.headers.get_content_type(), bytes(body))
    except InputError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as e:  # OSError: URLError, TimeoutError too
        if deadline.expired or isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError):
            raise InputError(deadline.reason()) from None
        raise InputError(_reason(e)) from None
    finally:
        deadline.close()


def _reason(e: OSError | http.client.HTTPException | ValueError) -> str:
    """The one-line reason of a failed fetch."""
    if isinstance(e, urllib.error.HTTPError):
        return f"HTTP error {e.code} ({e.reason})"
    if isinstance(e, urllib.error.URLError):
        return f"cannot fetch: {os_reason(e.reason) if isinstance(e.reason, OSError) else e.reason}"
    if isinstance(e, http.client.HTTPException):
        return f"bad HTTP response ({type(e).__name__})"
    if isinstance(e, OSError):
        return f"cannot fetch: {os_reason(e)}"
    return f"not a valid URL ({e})"  # a ValueError: http.client refuses the address ("nonnumeric port", ...)
