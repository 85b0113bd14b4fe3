"""Running the app: uvicorn with a deadline for each request's head and body, so half-open
connections (slowloris) are closed instead of kept, and the Host names the server answers to."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import LOOPBACK

HEADER_TIMEOUT = 10.0  # seconds for a request's line and headers to arrive, from connection or last response
IDLE_TIMEOUT = 5  # seconds a kept-alive connection may wait for its next request
WILDCARDS = ("0.0.0.0", "::", "")


def served_hosts(bound: str, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The Host names a server bound to `bound` answers to: loopback names, the address it is
    bound to (unless a wildcard), and `extra` (`parley serve --allow-host`)."""
    names = [*LOOPBACK, *([] if bound in WILDCARDS else [bound]), *extra]
    return tuple(dict.fromkeys(n.strip().strip("[]").lower().rstrip(".") for n in names if n.strip()))


class DeadlineH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head has not come in full
    within HEADER_TIMEOUT seconds (a client that sends a header line every few seconds too)."""

    header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
        self.header_timer = self.loop.call_later(HEADER_TIMEOUT, self._header_deadline)

    def _header_deadline(self) -> None:
        # IDLE: no request line and headers in full yet (h11 holds a partial head in that state)
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def serve(app, host: str, port: int) -> None:
    """Serve the app with the deadlines above until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", http=DeadlineH11, timeout_keep_alive=IDLE_TIMEOUT)
