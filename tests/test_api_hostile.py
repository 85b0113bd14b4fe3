"""Hostile requests against the REST API: injection attempts through every parameter of every
endpoint (enumerated from the app's own schema, so a parameter added later is attacked too),
on DuckDB and PostgreSQL; the token-guarded ingest endpoint; a concurrent burst against the
real server. Each request must fail safely: a 4xx with a one-line JSON error, or a 200 whose
result is no wider than the honest request's; never a 5xx or a traceback; the database unchanged."""

from __future__ import annotations

import asyncio
import csv
import hmac
import http.client
import io
import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlencode

import psycopg
import pytest
from psycopg import sql

from parley.web import create_app
from tests.test_query import DOC_KEYS, build_corpus

from .serving import serving

TOKEN = "s3cret-token"

SQL = [
    "USA' OR 1=1 --",
    "'; DROP TABLE events; --",
    "x') OR ('1'='1",
    "1; DELETE FROM documents",
    'USA" OR ""="',
    "USA' UNION SELECT doc_key FROM documents --",
    "USA'||(SELECT version())||'",
    "' OR ''='",
]
WILDCARDS = ["%", "_", "US%", "U_A", "%%%%", "[A-Z]*", "*"]
CONTROL = ["\x00", "USA\x00", "USA\x00' OR 1=1 --", "USA\r\nX-Injected: 1", "\t", " "]
LONG = ["A" * 100_000, "USA" * 34_000]
UNICODE = [
    "ＵＳＡ",
    "\u202eASU",
    "U\u0301SA",
    "ｕｓａ-ｒｕｓ",
    "\ufeffUSA",
    "\U0001f1fa\U0001f1f8",
    "uſa",
    "İSTANBUL",
    "١٠",
    "\ufffd",
]
TRAVERSAL = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "..\\..\\windows\\win.ini", "./.", ".."]
JSONISH = ['{"$ne": null}', "[1, 2]", "null", "true", "{}", '{"actor": "USA"}']
NUMBERS = [
    "-1",
    "0",
    "-0",
    "9223372036854775807",
    "9223372036854775808",
    "1" + "0" * 30,
    "1e309",
    "NaN",
    "-inf",
    "0x10",
    "1_000",
    " 7 ",
    "１０",
    "3.5",
    "-9223372036854775809",
]
DATES = [
    "2025-02-30",
    "2025-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "+10000-01-01",
    "2025-02-28' OR '1'='1",
    "2025-02-28T00:00:00+99:00",
    "20250228",
    "2025-W09-1",
]
ATTACKS = SQL + WILDCARDS + CONTROL + LONG + UNICODE + TRAVERSAL + JSONISH + NUMBERS + DATES
ENCODED = ["%FF%FE", "%C0%AE%C0%AE%2F", "%", "%zz", "USA%00"]  # sent as they are: bad UTF-8, bad escapes

# the honest request each attack is measured against: narrow, so that a widened answer shows
HONEST = {
    "/api/events": {"dyad": "USA-RUS", "type": "CONSULT", "since": "2025-02-01", "until": "2025-03-31"},
    "/api/dyads/{a}/{b}/series": {"by": "week", "since": "2025-02-01", "until": "2025-03-31"},
    "/api/alerts": {"min_events": 1, "window": 1, "threshold": 0.5, "since": "2025-02-01"},
    "/api/network": {"min_events": 2, "since": "2025-02-01", "until": "2025-03-31"},
    "/api/actors": {"limit": 2},
    "/api/series": {"dyads": "USA-RUS", "by": "week", "since": "2025-02-01"},
    "/api/panel": {"by": "month", "since": "2025-02-01", "until": "2025-03-31"},
}
PATH_VALUES = {"a": "USA", "b": "RUS", "doc_key": DOC_KEYS["ap"], "fmt": "csv"}


def parameters() -> list[tuple[str, str, str]]:
    """(path, parameter, "query" or "path") for every parameter of every GET endpoint the app serves."""
    schema = create_app("unused.duckdb", token=TOKEN).openapi()
    return [
        (path, p["name"], p["in"])
        for path, ops in schema["paths"].items()
        if "get" in ops
        for p in ops["get"].get("parameters", [])
    ]


PARAMETERS = parameters()


def call(
    app,
    method: str,
    target: str,
    body: bytes = b"",
    headers: list[tuple[str, str]] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Send one request straight to the ASGI app, as uvicorn would pass it on: the target as
    sent on the wire (percent-encoded, any bytes), the path decoded. (status, headers, body)."""
    raw_path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", "replace"),
        "raw_path": raw_path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "headers": [(k.lower().encode(), v.encode("latin-1")) for k, v in headers or []]
        + [(b"content-length", str(len(body)).encode())],
    }
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)] or [b""]
    out: dict[str, Any] = {"body": b""}

    async def receive() -> dict:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        await asyncio.Event().wait()  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
            out["headers"] = {k.decode().lower(): v.decode("latin-1") for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return out["status"], out["headers"], out["body"]


def leaves(value: Any) -> int:
    """How much a JSON answer holds: its scalar values, counted through lists and objects."""
    if isinstance(value, dict):
        return sum(leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(leaves(v) for v in value)
    return 1


def decoded(body: bytes, headers: dict[str, str] | None) -> Any:
    """A JSON answer, or a download's content as rows (CSV) or one value (Parquet) to count."""
    kind = (headers or {}).get("content-type", "")
    if kind.startswith("text/csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    if kind.startswith("application/vnd.apache.parquet"):
        assert body[:4] == b"PAR1"
        return [len(body)]
    return json.loads(body)


def assert_safe(status: int, body: bytes, what: str, headers: dict[str, str] | None = None) -> Any:
    """A 4xx with a one-line JSON error, a 200 with JSON, or a redirect to this server (a path
    that decodes with a trailing slash): never a 5xx, never a traceback. The JSON, if any."""
    text = body.decode("utf-8", "replace")
    assert status < 500, f"{what}: {status} {text[:300]}"
    assert "Traceback" not in text and 'File "' not in text, f"{what}: a traceback in the answer"
    if status in (307, 308) and headers is not None:
        assert headers["location"].startswith("http://127.0.0.1/") and not body, f"{what}: {headers['location']}"
        return None
    found = decoded(body, headers)
    if status != 200:
        assert 400 <= status < 500, f"{what}: {status}"
        detail = found["detail"]
        assert isinstance(detail, str) and detail and "\n" not in detail, f"{what}: detail {detail!r:.200}"
        assert len(detail) < 400, f"{what}: a {len(detail):,}-character error message"
    return found


def snapshot(url: str) -> dict[str, int]:
    """Every table of the database with its row count, read over a connection of the test's own."""
    if url.startswith("postgresql"):
        with psycopg.connect(url, autocommit=True) as conn:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE"
                    " table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            ]
            return {
                n: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(n))).fetchone()[0]
                for n in names
            }
    import duckdb

    conn = duckdb.connect(url, read_only=True)  # in this process: shares the app's open (read-only) database
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE"
                " table_schema = 'main' AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


class Served:
    """An app over a corpus database, and what the database held before any request."""

    def __init__(self, url: str, token: str | None = None) -> None:
        build_corpus(url)
        self.url, self.app = url, create_app(url, token=token)
        self.before = snapshot(url)
        assert self.before["events"] == 7 and self.before["documents"] == 4

    def unchanged(self) -> None:
        assert snapshot(self.url) == self.before


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def served(request, tmp_path_factory) -> Iterator[Served]:
    if request.param == "duckdb":
        yield Served(str(tmp_path_factory.mktemp("hostile") / "corpus.duckdb"))
        return
    admin_url = request.getfixturevalue("postgres_url")
    name = f"parley_h_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield Served(f"{admin_url.rsplit('/', 1)[0]}/{name}")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def target(path: str, query: dict[str, Any], path_values: dict[str, str], raw: str = "") -> str:
    """The request target: path parameters filled in (percent-encoded), the query, and `raw`
    appended to it as it is."""
    for name, value in path_values.items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    parts = [p for p in (urlencode(query), raw) if p]
    return path + ("?" + "&".join(parts) if parts else "")


def test_every_parameter_is_enumerated():
    found = {(path, name) for path, name, _ in PARAMETERS}
    assert {
        ("/api/events", n)
        for n in ("actor", "recipient", "dyad", "type", "cameo", "since", "until", "place", "limit", "offset")
    } <= found
    assert {
        ("/api/dyads/{a}/{b}/series", "a"),
        ("/api/agenda/{a}/{b}", "b"),
        ("/api/documents/{doc_key}", "doc_key"),
        ("/api/alerts", "threshold"),
        ("/api/network", "min_events"),
        ("/api/actors", "limit"),
    } <= found
    for path, name, where in PARAMETERS:
        assert where in ("query", "path"), f"{path}: parameter {name} in {where}: attack it here too"
        assert where == "query" or name in PATH_VALUES, f"{path}: give path parameter {name} an honest value"


@pytest.mark.parametrize(("path", "name", "where"), PARAMETERS, ids=[f"{p}:{n}" for p, n, _ in PARAMETERS])
def test_attacks_through_a_parameter_fail_safely(served, path, name, where):
    honest = HONEST.get(path, {})
    if where == "path":
        baseline = target(path, honest, PATH_VALUES)
        attacked = [target(path, honest, {**PATH_VALUES, name: value}) for value in ATTACKS]
        attacked += [
            target(path, honest, {k: v for k, v in PATH_VALUES.items() if k != name}).replace("{" + name + "}", value)
            for value in ENCODED
        ]
    else:  # measured against the honest request without this parameter: the widest honest answer
        rest = {k: v for k, v in honest.items() if k != name}
        baseline = target(path, rest, PATH_VALUES)
        attacked = [target(path, {**rest, name: value}, PATH_VALUES) for value in ATTACKS]
        attacked += [target(path, rest, PATH_VALUES, f"{name}={value}") for value in ENCODED]
        attacked.append(target(path, rest, PATH_VALUES, f"{name}=USA&{name}=' OR 1=1 --&{name}[]=1"))
    status, baseline_headers, body = call(served.app, "GET", baseline)
    assert status == 200, f"the honest request {baseline} failed: {body[:200]!r}"
    widest = leaves(decoded(body, baseline_headers))
    for request in attacked:
        status, headers, body = call(served.app, "GET", request)
        found = assert_safe(status, body, f"GET {request[:120]}", headers)
        if status == 200:
            assert leaves(found) <= widest, f"GET {request[:120]}: a wider answer than the honest request"
    served.unchanged()


def test_path_traversal_reaches_no_file(served):
    for request in (
        "/api/documents/../../etc/passwd",
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/static/../app.py",
        "/static/..%2Fapp.py",
        "/static/%2e%2e/%2e%2e/query.py",
        "/static/....//app.py",
        "/static/%252e%252e/app.py",
        "/api/dyads/../../../etc/passwd/series",
    ):
        status, _, body = call(served.app, "GET", request)
        assert status == 404, f"GET {request}: {status}"
        assert b"root:" not in body and b"import" not in body and b"def " not in body


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Served:
    """A DuckDB corpus served with ingestion on (the token set)."""
    return Served(str(tmp_path_factory.mktemp("ingest") / "corpus.duckdb"), token=TOKEN)


ARTICLE = b'{"id": "a1", "text": "Russia and Ukraine met in Istanbul on Monday.", "date": "2025-05-20"}'


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer nope",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Bearer  {TOKEN}",
        f"bearer{TOKEN}",
        f"Basic {TOKEN}",
        TOKEN,
        f"Bearer {TOKEN.upper()}",
        "Bearer \xe9\xff",
        f"Bearer {TOKEN}\x00",
        f"Bearer {TOKEN}' OR 1=1 --",
        "Bearer " + "x" * 100_000,
    ],
)
def test_ingest_refuses_a_missing_or_wrong_token(guarded, authorization):
    headers = [("content-type", "application/json")] + (
        [("authorization", authorization)] if authorization is not None else []
    )
    status, sent, body = call(guarded.app, "POST", f"/api/ingest?token={TOKEN}", ARTICLE, headers)
    assert status == 401 and sent["www-authenticate"] == "Bearer"
    assert_safe(status, body, "POST /api/ingest")
    guarded.unchanged()


def test_the_token_is_checked_before_the_body_is_read_and_in_constant_time(guarded, monkeypatch):
    compared, original = [], hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    for body in (b"{bad", b"[" * 100_000, b"x" * (20 * 1024 * 1024)):  # malformed, deep, over the size limit
        status, _, answer = call(guarded.app, "POST", "/api/ingest", body, [("authorization", "Bearer guess")])
        assert status == 401, answer[:200]
    assert compared and all(a == b"Bearer guess" and b == f"Bearer {TOKEN}".encode() for a, b in compared)


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"", 422, "body"),
        (b"{bad", 422, "Invalid JSON"),
        (b"[" * 100_000, 422, "recursion limit"),
        (b'{"a":' * 50_000, 422, "Invalid JSON"),
        (b"\xff\xfe\x00", 422, "Invalid JSON"),
        (b"null", 422, "object"),
        (b"42", 422, "object"),
        (b'"text"', 422, "object"),
        (b"[1]", 422, "0"),
        (b'{"text": "no id"}', 422, "id"),
        (b'{"id": 1, "text": "Russia met Ukraine."}', 422, "id"),
        (b'{"id": "a", "text": ["x"]}', 422, "text"),
        (b'{"id": "a", "text": {"$ne": 1}}', 422, "text"),
        (b'{"id": "a", "text": "Russia\\u0000 met Ukraine."}', 422, "NUL"),
        (b'{"id": "a\\u0000", "text": "Russia met Ukraine."}', 422, "NUL"),
        (b'[{"id": "a", "text": "Russia met Ukraine."}, {"id": 2}]', 422, "1.id"),
        (b'{"id": "a", "date": ["2025"], "text": "Russia met Ukraine."}', 422, "date"),
        (b'{"id": "a", "text": "' + b"x" * (17 * 1024 * 1024) + b'"}', 413, "over 16 MB"),
    ],
)
def test_ingest_survives_hostile_bodies(guarded, body, status, says):
    headers = [("authorization", f"Bearer {TOKEN}"), ("content-type", "application/json")]
    got, _, answer = call(guarded.app, "POST", "/api/ingest", body, headers)
    assert got == status, answer[:300]
    assert says in assert_safe(got, answer, "POST /api/ingest")["detail"]
    guarded.unchanged()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[int]:
    """`parley serve` in a process of its own over a DuckDB corpus, on a free loopback port: the port."""
    db = tmp_path_factory.mktemp("live") / "corpus.duckdb"
    build_corpus(str(db))
    with serving(str(db)) as port:
        yield port


def test_a_concurrent_burst_gets_the_answers_one_client_gets(live):
    keys = list(DOC_KEYS.values())
    honest = [
        "/api/events?dyad=USA-RUS",
        "/api/events?actor=RUS&limit=2&offset=1",
        "/api/events?type=ASSAULT",
        "/api/dyads/USA/RUS/series?by=month",
        "/api/agenda/USA/RUS",
        "/api/actors",
        "/api/types",
        "/api/network",
        "/api/alerts?min_events=1",
        *(f"/api/documents/{k}" for k in keys),
        "/",
    ]
    hostile = [
        "/api/events?actor=USA%27%20OR%201%3D1%20--",
        "/api/events?limit=0",
        "/api/documents/nope",
        "/api/dyads/U%25A/RUS/series",
        "/api/events?offset=9223372036854775808",
    ]
    expected = {path: get(live, path) for path in honest + hostile}  # one at a time first
    assert all(status == 200 for path, (status, _) in expected.items() if path in honest)
    assert all(400 <= status < 500 for path, (status, _) in expected.items() if path in hostile)
    requests = [(honest + hostile)[i % len(honest + hostile)] for i in range(200)]
    answers: list[tuple[str, tuple[int, bytes] | str]] = []
    lock = threading.Lock()

    def client(part: list[str]) -> None:
        for path in part:
            try:
                answer: tuple[int, bytes] | str = get(live, path)
            except OSError as e:
                answer = f"{type(e).__name__}: {e}"
            with lock:
                answers.append((path, answer))

    threads = [threading.Thread(target=client, args=(requests[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 200
    wrong = [
        (path, answer if isinstance(answer, str) else answer[0]) for path, answer in answers if answer != expected[path]
    ]
    assert not wrong, wrong[:5]
