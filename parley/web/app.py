"""The REST API and the dashboard: a read-only FastAPI app over the corpus database.

The app keeps one connection, opened on first use, and serves one request at a time on it
(a DuckDB connection is not safe to share between threads; its cache stays warm). Ingestion
is served only when a token is configured; it codes documents outside that one-at-a-time
section, taking it for each read and write, so requests are answered meanwhile.

A DuckDB file is opened read-only, so other processes (the CLI, notebooks) read it too; an
ingestion's write reopens it for writing only for the moment of its transaction, and a
connection idle for IDLE_CLOSE seconds is closed, so a `parley ingest` can take the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import json
import math
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, TypeAdapter, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool

from ..corpus import names
from ..corpus.query import Filters, count, country_code, jsonable, open_existing, records, shown, verify
from ..corpus.store import (
    POSTGRES,
    Store,
    StoreError,
    default_url,
    describe,
    duckdb_target,
    first_line,
    open_store,
)
from ..corpus.store.rows import decompress
from ..nlp.document import PLOVER_TYPES

if TYPE_CHECKING:
    from ..corpus.store.rows import IngestSummary

STATIC = Path(__file__).resolve().parent / "static"
LOOPBACK = ("localhost", "127.0.0.1", "::1")  # the Host names a server answers to unless told more
BODY_TIMEOUT = 60.0  # seconds for a POST body to arrive in full
MAX_LIMIT = 1000
MAX_POST = 16 * 1024 * 1024  # bytes of articles one POST /api/ingest may send
IDLE_CLOSE = 2.0  # seconds without a request after which the connection is closed, letting writers in
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
T = TypeVar("T")
Period = Literal["day", "week", "month", "quarter", "year"]
Download = Literal["csv", "parquet"]
MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


class Article(BaseModel):
    """One document to ingest, as a JSON Lines corpus record."""

    id: str
    text: str
    date: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None

    @field_validator("*")
    @classmethod
    def no_nul(cls, value: str | None) -> str | None:
        """Refuse NUL characters: PostgreSQL cannot store them, and no article needs one."""
        if value is not None and "\x00" in value:
            raise ValueError("a NUL character is not allowed")
        return value


ONE, MANY = TypeAdapter(Article), TypeAdapter(list[Article])


def plain(value: Any) -> Any:
    """A JSON-ready copy of a value from pandas or the database: NaN as null, dates as ISO text."""
    if value is not None and type(value).__name__ in ("NaTType", "NAType"):
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy scalars and arrays
        return plain(value.tolist())
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time() and value.tzinfo is None:
        return value.date().isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return jsonable(value)


def rows(frame) -> list[dict[str, Any]]:
    """A DataFrame as a list of JSON-ready dicts."""
    return [plain(r) for r in frame.to_dict(orient="records")]


def filter_params(
    actor: str | None = Query(None, description="actor: a country or organisation (USA, Russia, UN) or code prefix"),
    recipient: str | None = Query(None, description="recipient: a country, organisation or code prefix"),
    party: str | None = Query(None, description="an actor or a recipient"),
    dyad: str | None = Query(None, description="two parties, either way round (USA-RUS, Russia-Ukraine)"),
    directed: bool = Query(False, description="the dyad only from its first party to its second"),
    type: str | None = Query(None, description="PLOVER event types, comma-separated"),
    cameo: str | None = Query(None, description="CAMEO code or prefix"),
    quad: str | None = Query(None, description="quad classes 1-4, comma-separated"),
    goldstein_min: float | None = Query(None, ge=-10, le=10),
    goldstein_max: float | None = Query(None, ge=-10, le=10),
    status: str | None = Query(None, description="factual, future, hypothetical, historical or any"),
    negated: str | None = Query(None, description="no, only or any"),
    min_confidence: float | None = Query(None, ge=0, le=1),
    issue: str | None = None,
    context: str | None = None,
    source: str | None = Query(None, description="reported by this publisher"),
    country: str | None = Query(None, description="took place in this country (code or name)"),
    admin1: str | None = Query(None, description="took place in this region (TX, Texas)"),
    place: str | None = Query(None, description="took place in this country, region or place (Istanbul)"),
    since: str | None = None,
    until: str | None = None,
    text: str | None = Query(None, description="words in the evidence sentence"),
    complete: bool = Query(False, description="only events with a known actor and recipient party"),
    coverage: str | None = Query(None, description="only events dated within the documents' coverage (true/false)"),
    sort: str | None = Query(None, description="a column of the events table; column:desc for descending"),
) -> Filters:
    """The filters every endpoint over events takes, as `parley events` has them (a bad value is a 400)."""
    return Filters(
        actor=actor or None,
        recipient=recipient or None,
        party=party or None,
        dyad=dyad or None,
        directed=directed,
        event_type=type or None,
        cameo=cameo or None,
        quad=quad or None,
        goldstein_min=goldstein_min,
        goldstein_max=goldstein_max,
        status=status or None,
        negated=negated or None,
        min_confidence=min_confidence,
        issue=issue or None,
        context=context or None,
        source=source or None,
        country=country or None,
        admin1=admin1 or None,
        place=place or None,
        since=since or None,
        until=until or None,
        text=text or None,
        complete=complete,
        coverage=coverage or None,
        sort=sort or None,
    )


def event_filters(
    f: Annotated[Filters, Depends(filter_params)],
    limit: int = Query(50, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
) -> Filters:
    """The query parameters of GET /api/events as Filters: the filters and a page."""
    return dataclasses.replace(f, limit=limit, offset=offset)  # checked again: offset at most a BIGINT


def download_filters(
    f: Annotated[Filters, Depends(filter_params)],
    limit: int | None = Query(None, ge=1, description="at most this many events (default: all)"),
    offset: int = Query(0, ge=0),
) -> Filters:
    """The filters of a download: the same, every matching event unless a limit is given."""
    return dataclasses.replace(f, limit=limit, offset=offset)  # checked again: offset at most a BIGINT


def downloaded(write: Callable[[Path], object], fmt: str, name: str) -> FileResponse:
    """A file written by `write` into a temporary path, sent as an attachment and then removed."""
    import os
    import tempfile

    from starlette.background import BackgroundTask

    handle, temp = tempfile.mkstemp(prefix="parley-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(temp)
    try:
        write(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=MEDIA[fmt],
        filename=f"{name}.{fmt}",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def frame_file(frame, fmt: str, path: Path) -> None:
    """A DataFrame as CSV (lists as JSON) or Parquet."""
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
        return
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, (list, dict))).any():
            out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    out.to_csv(path, index=False, date_format="%Y-%m-%d")


def create_app(db: str | None = None, token: str | None = None, hosts: Sequence[str] = LOOPBACK) -> FastAPI:
    """The app over the database `db` (default: PARLEY_DB, else the default DuckDB file);
    POST /api/ingest exists only when `token` is given, and requires it as a bearer token.
    It answers only requests whose Host is one of `hosts` (a web page that rebinds its own
    name to this machine's address gets a 421, not the data)."""
    allowed_hosts = {h.strip("[]").lower().rstrip(".") for h in hosts}
    opened_url = db or default_url()
    lock = threading.RLock()  # one request at a time on the one connection (an ingestion's writes take it again)
    coding = threading.Lock()  # one ingestion at a time: it codes documents without holding `lock`
    opened: list[Store] = []
    last_used = [time.monotonic()]

    def connection(write: bool) -> Store:
        """The open store (call holding `lock`): read-only unless `write`; reopened when that changes."""
        if opened and write and opened[0].read_only:
            _close(opened.pop())
        if not opened:  # with a token, a new database is made to ingest into
            opened.append(open_store(db) if write or (token and _missing(opened_url)) else open_existing(db))
            closer.start_once()
        return opened[0]

    def read(fn: Callable[[Store], T], write: bool = False) -> T:
        import duckdb
        import psycopg

        with lock:
            last_used[0] = time.monotonic()
            try:
                return fn(connection(write))
            except StoreError:  # the store's own calls report driver errors so; the next request reconnects
                if opened:
                    _close(opened.pop())
                raise
            except (duckdb.Error, psycopg.Error) as e:  # and a driver used directly
                if opened:
                    _close(opened.pop())
                raise StoreError(f"{describe(opened_url)}: {first_line(e)}") from None

    def release(write_done: bool = False) -> None:
        """Close the connection (holding `lock`): after a write, or when idle, so other processes get the file."""
        if opened and (write_done or time.monotonic() - last_used[0] > IDLE_CLOSE):
            _close(opened.pop())

    closer = _IdleCloser(lock, release)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        with lock:
            while opened:
                _close(opened.pop())

    app = FastAPI(
        title="parley",
        version="1",
        description="Political event data from news: events with their "
        "evidence, dyad series, alerts, networks and agendas.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )

    @app.exception_handler(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(StoreError)
    async def no_store(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where_ = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
        return JSONResponse({"detail": f"{where_ or 'request'}: {first.get('msg', 'invalid')}"}, status_code=422)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        host = request_host(request.headers.get("host"))
        if host is not None and host not in allowed_hosts:
            # DNS rebinding: a page's own name now points here; its requests carry that name
            return JSONResponse(
                {"detail": f"this server does not serve the host {shown(host)} (see parley serve --allow-host)"},
                status_code=421,
            )
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/api/events", summary="Stored events with their parties and evidence, as `parley events` filters them")
    def events(f: Annotated[Filters, Depends(event_filters)]) -> dict:
        def run(store: Store) -> dict:
            verify(store, f)
            return {"total": count(store, f), "limit": f.limit, "offset": f.offset, "events": list(records(store, f))}

        return read(run)

    @app.get(
        "/api/events.{fmt}",
        summary="The events the filters select as a file: the flat table (names, sentence, title, URL) as CSV or"
        " Parquet",
    )
    def events_file(fmt: Download, f: Annotated[Filters, Depends(download_filters)]) -> FileResponse:
        from ..corpus.exports import export

        return read(lambda store: downloaded(lambda path: export(store, fmt, path, f), fmt, "events"))

    def series_response(a: str, b: str, by: str, f: Filters, fmt: str | None) -> Any:
        from ..corpus.analysis.series import _series, series_filters
        from ..corpus.query import date_bounds

        a, b = country_code(a), country_code(b)
        chosen = series_filters(a, b, filters=f)
        frame = read(lambda s: _series(s, chosen, by))
        if fmt:
            return downloaded(lambda path: frame_file(frame, fmt, path), fmt, f"series-{a}-{b}-{by}")
        since, until = date_bounds(chosen)
        return {
            "a": a,
            "b": b,
            "a_name": names.party_name(a),
            "b_name": names.party_name(b),
            "by": by,
            "directed": chosen.directed,
            "since": jsonable(since),
            "until": jsonable(until),
            "counted": {"status": list(chosen.status or ()), "negated": chosen.negated, "coverage": chosen.coverage},
            "total": int(frame["events"].sum()) if len(frame) else 0,
            "series": rows(frame),
        }

    @app.get("/api/dyads/{a}/{b}/series", summary="A dyad's events per period: quad classes, types, Goldstein")
    def series(a: str, b: str, f: Annotated[Filters, Depends(filter_params)], by: Period = "week") -> dict:
        return series_response(a, b, by, f, None)

    @app.get("/api/dyads/{a}/{b}/series.{fmt}", summary="A dyad's series as a CSV or Parquet file")
    def series_file(
        a: str, b: str, fmt: Download, f: Annotated[Filters, Depends(filter_params)], by: Period = "week"
    ) -> FileResponse:
        return series_response(a, b, by, f, fmt)

    @app.get("/api/series", summary="Several dyads' series on one period axis (dyads=USA-RUS,USA-CHN)")
    def several(
        f: Annotated[Filters, Depends(filter_params)],
        dyads: str = Query("", description="dyads, comma-separated (USA-RUS,Russia-Ukraine)"),
        by: Period = "week",
    ) -> dict:
        from ..corpus.analysis import many_series
        from ..corpus.query import dyad_parties

        pairs = [dyad_parties(Filters(dyad=d).dyad) for d in dyads.split(",") if d.strip()][:12]
        frame = read(lambda s: many_series(s, pairs, by=by, filters=f))
        return {"by": by, "dyads": ["-".join(p) for p in pairs], "series": rows(frame)}

    @app.get("/api/panel", summary="The country-period panel: events by quad class, Goldstein sum and mean")
    def panel(
        f: Annotated[Filters, Depends(filter_params)],
        by: Period = "month",
        role: Literal["any", "actor", "recipient"] = "any",
        format: Download | None = None,
    ) -> Any:
        from ..corpus.analysis import panel as build

        frame = read(lambda s: build(s, by=by, role=role, filters=f))
        if format:
            return downloaded(lambda path: frame_file(frame, format, path), format, f"panel-{by}")
        return {"by": by, "role": role, "panel": rows(frame)}

    @app.get("/api/alerts", summary="Dyad-periods whose events or conflict jump above their recent baseline")
    def alerts(
        by: Period = "week",
        window: int = Query(8, ge=1, le=520),
        threshold: float = Query(3.0, gt=0),
        min_events: int = Query(3, ge=1),
        f: Annotated[Filters, Depends(filter_params)] = None,  # type: ignore[assignment]
    ) -> dict:
        from ..corpus.analysis import alerts as find

        frame = read(lambda s: find(s, by=by, window=window, threshold=threshold, min_events=min_events, filters=f))
        return {"alerts": rows(frame)}

    @app.get("/api/network", summary="Directed actor-to-recipient edges with counts and Goldstein scores")
    def network(f: Annotated[Filters, Depends(filter_params)], min_events: int = Query(1, ge=1)) -> dict:
        from ..corpus.analysis import network as edges

        return {"edges": rows(read(lambda s: edges(s, min_events=min_events, filters=f)))}

    @app.get("/api/agenda/{a}/{b}", summary="The issues between two countries, their status and history")
    def agenda(a: str, b: str) -> dict:
        from ..corpus.analysis import agenda as issues

        a, b = country_code(a), country_code(b)
        found = rows(read(lambda s: issues(s, a, b)))
        for issue in found:
            issue["raised_by_names"] = [names.party_name(p) or p for p in issue.get("raised_by") or []]
        return {"a": a, "b": b, "a_name": names.party_name(a), "b_name": names.party_name(b), "issues": found}

    @app.get("/api/actors", summary="Countries, organisations and actor codes with their names and event counts")
    def actors(limit: int = Query(200, ge=1, le=MAX_LIMIT)) -> dict:
        def run(store: Store) -> dict:
            _, coded = store.query(
                "SELECT code, country, event_key FROM event_actors WHERE country IS NOT NULL OR code IS NOT NULL"
            )
            by_party: dict[str, set[str]] = {}
            for code, country, key in coded:
                found = names.party(code, country)
                if found:
                    by_party.setdefault(found, set()).add(key)
            _, codes = store.query(
                "SELECT code, min(name), count(DISTINCT event_key) AS n FROM event_actors"
                " WHERE code IS NOT NULL GROUP BY code ORDER BY n DESC, code LIMIT ?",
                [limit],
            )
            parties = sorted(by_party.items(), key=lambda kv: (-len(kv[1]), kv[0]))
            return {
                "countries": [{"country": p, "name": names.party_name(p), "events": len(k)} for p, k in parties],
                "actors": [{"code": c, "name": name, "events": n} for c, name, n in codes],
            }

        return read(run)

    @app.get("/api/types", summary="The PLOVER event types, with their descriptions")
    def types() -> dict:
        described = names.type_descriptions()
        return {"types": list(PLOVER_TYPES), "descriptions": {t: described.get(t) for t in PLOVER_TYPES}}

    @app.get("/api/documents/{doc_key}", summary="A stored document and every event mention in it, with offsets")
    def document(doc_key: str) -> dict:
        if "\x00" in doc_key:  # no key holds one, and PostgreSQL refuses one in a query
            raise HTTPException(404, f"no document {shown(doc_key)}")

        def run(store: Store) -> dict:
            names, found = store.query(
                "SELECT doc_key, doc_id, source, url, title, published, story_id, n_chars,"
                " n_sentences, n_events, ingested_at, coder_version, text_z FROM documents WHERE doc_key = ?",
                [doc_key],
            )
            if not found:
                raise HTTPException(404, f"no document {shown(doc_key)}")
            row = dict(zip(names, found[0]))
            text_z = row.pop("text_z")  # the stored text: None when ingested with --no-text, or before texts were kept
            row["text"] = decompress(text_z) if text_z is not None else None
            _, mentions = store.query(
                "SELECT m.mention_id, m.event_key, m.sentence_index, m.sentence, m.sentence_start, m.trigger_text,"
                " m.trigger_start, m.trigger_end, m.actors, m.confidence, e.event_type, e.cameo, e.quad_class,"
                " e.goldstein, e.date, e.status, e.negated FROM mentions m JOIN events e ON e.event_key = m.event_key"
                " WHERE m.doc_key = ? ORDER BY m.sentence_index, m.trigger_start",
                [doc_key],
            )
            return {**{k: jsonable(v) for k, v in row.items()}, "mentions": [_mention(m) for m in mentions]}

        return read(run)

    if token:
        expected = f"Bearer {token}".encode()

        def code_and_store(articles: list[Article]) -> IngestSummary:
            """Code the articles without the connection's lock, and store them taking it."""
            with coding:
                return ingest_articles(articles, SharedStore(read, lock, release))

        @app.post(
            "/api/ingest",
            summary="Code and store documents (requires the bearer token)",
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"anyOf": [one := Article.model_json_schema(), {"type": "array", "items": one}]}
                        }
                    },
                }
            },
        )
        async def ingest(request: Request) -> dict:
            # the token is checked before the body is read: a client without it cannot make the server parse one
            sent = request.headers.get("authorization", "").encode("latin-1")  # the header's own bytes
            if not hmac.compare_digest(sent, expected):  # in constant time: no guessing it a byte at a time
                raise HTTPException(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})
            articles = posted(await body(request, MAX_POST))
            summary = await run_in_threadpool(code_and_store, articles)
            return {
                "new": summary.new,
                "present": summary.present,
                "failed": summary.failed,
                "events_new": summary.events_new,
                "mentions": summary.mentions,
                "undated": summary.undated,  # new documents stored without a publication date
                "failures": [str(f) for f in summary.failures],
            }

    def page(name: str) -> FileResponse:
        return FileResponse(STATIC / name, media_type="text/html; charset=utf-8")

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> FileResponse:
        # the overview; a dyad's address from before the overview existed (/?a=USA&b=RUS) still opens the dyad
        dyad = "a" in request.query_params or "b" in request.query_params
        return page("index.html" if dyad else "overview.html")

    @app.get("/dyad", include_in_schema=False)
    def dyad_page() -> FileResponse:
        return page("index.html")

    @app.get("/country", include_in_schema=False)
    def country_page() -> FileResponse:
        return page("country.html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


class SharedStore(Store):
    """The app's one store as an ingestion uses it: each call takes the app's lock (a transaction
    holds it throughout), so requests are served while documents are coded, not after. A
    transaction reopens the database for writing and closes it after, so readers elsewhere
    wait only for the moment of the write."""

    read_only = False

    def __init__(self, read: Callable[..., Any], lock: threading.RLock, release: Callable[[bool], None]) -> None:
        self.read, self.lock, self.release = read, lock, release  # no connection of its own

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.read(lambda store: store.execute(sql, params), write=True)

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.read(lambda store: store.insert(table, columns, rows), write=True)

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        # in a transaction the open connection is the writer's, so its own writes are seen
        return self.read(lambda store: store.query(sql, params))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.lock:
            try:
                with self.read(lambda store: store.transaction(), write=True):
                    yield
            finally:
                self.release(True)


class _IdleCloser:
    """A daemon thread that closes the app's idle connection (see IDLE_CLOSE)."""

    def __init__(self, lock: threading.RLock, release: Callable[[], None]) -> None:
        self.lock, self.release, self.started = lock, release, False

    def start_once(self) -> None:
        if not self.started:
            self.started = True
            threading.Thread(target=self._run, name="parley-idle-close", daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(IDLE_CLOSE / 2)
            if self.lock.acquire(blocking=False):
                try:
                    self.release()
                finally:
                    self.lock.release()


def request_host(header: str | None) -> str | None:
    """The host name of a Host header ("Example.org:8000" -> "example.org", "[::1]:80" -> "::1"); None without one."""
    if not header:
        return None
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rpartition(":")[0].rstrip(".") if ":" in header else header.rstrip(".")


async def body(request: Request, most: int, timeout: float = BODY_TIMEOUT) -> bytes:
    """The request body, refused (413) as soon as more than `most` bytes of it have come, and
    (408) when it has not come in full within `timeout` seconds."""
    import asyncio

    data = bytearray()
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                data += chunk
                if len(data) > most:
                    raise HTTPException(413, f"request body over {most // 1024 // 1024} MB")
    except TimeoutError:
        raise HTTPException(408, f"request body not received within {timeout:g} s") from None
    return bytes(data)


def posted(data: bytes) -> list[Article]:
    """The articles of a POST /api/ingest body (one, or a list); a one-line 422 when it is not that."""
    many = data.lstrip()[:1] == b"["
    try:
        return MANY.validate_json(data) if many else [ONE.validate_json(data)]
    except ValidationError as e:  # bad JSON (nested too deep included) or not articles
        first = e.errors()[0]
        where_ = ".".join(str(p) for p in first.get("loc", ()))
        raise HTTPException(422, f"{where_ or 'body'}: {first.get('msg', 'invalid')}") from None


def _mention(row: tuple) -> dict[str, Any]:
    (
        mention_id,
        event_key,
        index,
        sentence,
        start,
        trigger,
        t_start,
        t_end,
        actors,
        confidence,
        event_type,
        cameo,
        quad,
        goldstein,
        date,
        status,
        negated,
    ) = row
    return {
        "mention_id": mention_id,
        "event_key": event_key,
        "sentence_index": index,
        "sentence": sentence,
        "sentence_start": start,
        "trigger": {"text": trigger, "start": t_start, "end": t_end},
        **json.loads(actors),
        "confidence": confidence,
        "event_type": event_type,
        "cameo": cameo,
        "quad_class": quad,
        "goldstein": goldstein,
        "date": jsonable(date),
        "status": status,
        "negated": negated,
    }


def ingest_articles(articles: list[Article], store: Store):
    """Code and store posted articles, read as the records of a JSON Lines corpus are (so
    they are checked the same way; the nth failure is "posted:n"); the IngestSummary."""
    from ..corpus.ingest import ingest_documents
    from ..corpus.readers.jsonl import jsonl_records
    from ..corpus.store.rows import DatabaseSink

    lines = (json.dumps(a.model_dump(exclude_none=True)).encode("utf-8") for a in articles)
    items = jsonl_records("posted", lines, None, MAX_POST)
    return ingest_documents(items, DatabaseSink(store))  # the models load once a new article needs them


def _missing(url: str) -> bool:
    """Whether a DuckDB URL names a file not yet made."""
    return not POSTGRES.match(url) and not duckdb_target(url)[0].is_file()


def _close(store: Store) -> None:
    with suppress(Exception):  # a connection already lost has nothing left to close
        store.close()
