"""Selecting stored events: validated filters, the SQL they make, and the event records.

Every filter value reaches the database as a query parameter, never as SQL text, and the
same SQL runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..nlp.document import PLOVER_TYPES
from .store import (
    EVENT_COLUMNS,
    POSTGRES,
    Store,
    StoreError,
    default_url,
    describe,
    duckdb_target,
    first_line,
    open_store,
)
from .store.rows import MENTION_COLUMNS, PARTY_FIELDS

# the events that count as having happened: what exports and analyses count
HAPPENED = "NOT e.negated AND e.status IN ('factual', 'historical')"

CODE = re.compile(r"^[A-Z]{3}[A-Z0-9]{0,9}$")  # a country (USA), an organisation (IGOUNO) or a longer actor code
COUNTRY = re.compile(r"[A-Z]{3}")  # matched whole
DYAD = re.compile(r"^([A-Z]{3})-([A-Z]{3})$")
CAMEO = re.compile(r"[0-9]{2,4}")  # matched whole (fullmatch): "$" would let a trailing newline through
MAX_ROWS = 2**63 - 1  # the largest LIMIT or OFFSET the databases take (a BIGINT)
SHOWN = 40  # characters of a bad value that its error message quotes

ORDER = "e.date NULLS LAST, e.event_key"
PARTY_COLUMNS = ("role", "position", *PARTY_FIELDS)
MENTION_FIELDS = tuple(c for c in MENTION_COLUMNS if c != "event_key")  # a stored mention, as shown
DOCUMENT_FIELDS = ("doc_id", "url", "title", "source", "published")


@dataclass
class Filters:
    """Which events to select; every field optional. Values are checked (and normalised) on creation."""

    actor: str | None = None
    recipient: str | None = None
    dyad: str | None = None
    event_type: str | None = None
    cameo: str | None = None
    since: dt.date | str | None = None
    until: dt.date | str | None = None
    place: str | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        for name in ("actor", "recipient", "place"):
            setattr(self, name, _code(name, getattr(self, name)))
        if self.dyad is not None:
            self.dyad = self.dyad.strip().upper()
            if not DYAD.match(self.dyad):
                raise ValueError(f"bad dyad {shown(self.dyad)}: two 3-letter country codes such as USA-RUS")
        if self.event_type is not None:
            self.event_type = self.event_type.strip().upper()
            if self.event_type not in PLOVER_TYPES:
                raise ValueError(f"unknown event type {shown(self.event_type)}: one of {', '.join(PLOVER_TYPES)}")
        if self.cameo is not None and not CAMEO.fullmatch(self.cameo):
            raise ValueError(f"bad CAMEO code {shown(self.cameo)}: 2 to 4 digits such as 04 or 044")
        self.since, self.until = _date("since", self.since), _date("until", self.until)
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"--since {self.since} is after --until {self.until}")
        if self.limit is not None and (not isinstance(self.limit, int) or not 1 <= self.limit <= MAX_ROWS):
            raise ValueError(f"bad limit {shown(self.limit)}: a positive number up to {MAX_ROWS}")
        if not isinstance(self.offset, int) or not 0 <= self.offset <= MAX_ROWS:
            raise ValueError(f"bad offset {shown(self.offset)}: zero or a positive number up to {MAX_ROWS}")


def country_code(value: str) -> str:
    """A 3-letter country code, upper-cased, or ValueError naming the value."""
    code = (value or "").strip().upper()
    if not COUNTRY.fullmatch(code):
        raise ValueError(f"bad country code {shown(value)}: three letters such as USA or RUS")
    return code


def _code(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    code = value.strip().upper()
    if not CODE.match(code):
        raise ValueError(
            f"bad {name} code {shown(value)}: a country code such as USA, or an actor code such as USAGOV or IGOUNO"
        )
    return code


def _date(name: str, value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"bad --{name} date {shown(value)}: an ISO date such as 2025-02-28") from None


def shown(value: Any) -> str:
    """A bad value as an error message quotes it: its repr, cut short (a hostile one may be 100 KB)."""
    text = repr(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}... ({len(text):,} characters)"


def where(filters: Filters) -> tuple[str, list[Any]]:
    """The WHERE clause (over `events e`, empty when nothing is filtered) and its parameters."""
    conds: list[str] = []
    params: list[Any] = []
    for role, code in (("actor", filters.actor), ("recipient", filters.recipient)):
        if code:
            conds.append(
                "EXISTS (SELECT 1 FROM event_actors p WHERE p.event_key = e.event_key AND p.role = ?"
                " AND (p.country = ? OR p.code LIKE ?))"
            )
            params += [role, code, code + "%"]  # the code is letters and digits only: no LIKE wildcards
    if filters.dyad:
        a, b = DYAD.match(filters.dyad).groups()
        conds.append(
            "EXISTS (SELECT 1 FROM event_dyads y WHERE y.event_key = e.event_key AND"
            " ((y.actor_country = ? AND y.recipient_country = ?)"
            " OR (y.actor_country = ? AND y.recipient_country = ?)))"
        )
        params += [a, b, b, a]
    for sql, value in (
        ("e.event_type = ?", filters.event_type),
        ("e.cameo LIKE ?", filters.cameo and filters.cameo + "%"),
        ("e.date >= ?", filters.since),
        ("e.date <= ?", filters.until),
        ("e.place_country = ?", filters.place),
    ):
        if value:
            conds.append(sql)
            params.append(value)
    return (" WHERE " + " AND ".join(conds) if conds else ""), params


def page(filters: Filters) -> tuple[str, list[Any]]:
    """LIMIT and OFFSET for the filters, as parameters."""
    sql, params = "", []
    if filters.limit is not None:
        sql, params = " LIMIT ?", [filters.limit]
    if filters.offset:
        sql, params = sql + " OFFSET ?", params + [filters.offset]
    return sql, params


def select(filters: Filters, columns: str = "e.*", joins: str = "", extra: str = "") -> tuple[str, list[Any]]:
    """A SELECT of `columns` (code, never user input) over the filtered events, in their order.
    `extra` is a further condition (code) on `events e`."""
    clause, params = where(filters)
    if extra:
        clause = f"{clause} AND {extra}" if clause else f" WHERE {extra}"
    limit, limit_params = page(filters)
    return f"SELECT {columns} FROM events e{joins}{clause} ORDER BY {ORDER}{limit}", params + limit_params


def open_existing(db: str | None = None) -> Store:
    """The database at `db` (default: PARLEY_DB, else the default DuckDB file), opened read-only:
    a DuckDB file that does not exist is an error, not created, and readers run side by side."""
    url = db or default_url()
    if not POSTGRES.match(url):
        path = duckdb_target(url)[0]
        if not path.is_file():
            raise StoreError(f"no database at {path}; run parley ingest first")
    return open_store(url, read_only=True)


@contextmanager
def reading(db: str | None = None) -> Iterator[Store]:
    """An open database whose driver errors come out as StoreError: the store's own calls do
    that themselves, exports that drive a DuckDB connection directly (Parquet) need it here."""
    import duckdb  # PostgreSQL's driver is imported only for a PostgreSQL store (its driver_errors)

    store = open_existing(db)
    errors: tuple[type[BaseException], ...] = (duckdb.Error, *store.driver_errors)
    try:
        yield store
    except errors as e:
        raise StoreError(f"{describe(store.url)}: {first_line(e)}") from None
    finally:
        store.close()


def records(store: Store, filters: Filters, extra: str = "") -> Iterator[dict[str, Any]]:
    """One JSON-ready record per selected event: its row (contexts and issues as lists), its
    actors and recipients, and every mention with its document: the provenance. Streamed."""
    inner, params = select(filters, "e.event_key, e.date", extra=extra)
    # one row per (party, mention) pair of each event, grouped back here: a single streamed query
    columns = ", ".join(
        [
            *(f"e.{c}" for c in EVENT_COLUMNS),
            *(f"p.{c} AS p_{c}" for c in PARTY_COLUMNS),
            *(f"m.{c} AS m_{c}" for c in MENTION_FIELDS),
            *(f"d.{c} AS d_{c}" for c in DOCUMENT_FIELDS),
        ]
    )
    sql = (
        f"SELECT {columns} FROM ({inner}) s JOIN events e ON e.event_key = s.event_key"
        " LEFT JOIN event_actors p ON p.event_key = e.event_key"
        " LEFT JOIN mentions m ON m.event_key = e.event_key LEFT JOIN documents d ON d.doc_key = m.doc_key"
        f" ORDER BY {ORDER}, p.role, p.position, d.ingested_at, m.doc_key, m.sentence_index, m.trigger_start"
    )
    names, rows = store.stream(sql, params)
    dicts = (dict(zip(names, row)) for row in rows)
    for _, group in itertools.groupby(dicts, key=lambda r: r["event_key"]):
        yield _record(list(group))


def _record(rows: list[dict[str, Any]]) -> dict[str, Any]:
    first = rows[0]
    out = {c: jsonable(first[c]) for c in EVENT_COLUMNS}
    out["contexts"], out["issues"] = json.loads(first["contexts"]), json.loads(first["issues"])
    parties = {(r["p_role"], r["p_position"]): r for r in rows if r["p_role"] is not None}
    for role, key in (("actor", "actors"), ("recipient", "recipients")):
        out[key] = [{c: parties[k][f"p_{c}"] for c in PARTY_FIELDS} for k in sorted(k for k in parties if k[0] == role)]
    mentions = {r["m_mention_id"]: r for r in rows if r["m_mention_id"] is not None}
    out["mentions"] = [_mention(r) for r in mentions.values()]
    return out


def _mention(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "mention_id": r["m_mention_id"],
        "doc_key": r["m_doc_key"],
        "doc_id": r["d_doc_id"],
        "url": r["d_url"],
        "title": r["d_title"],
        "source": r["d_source"],
        "published": jsonable(r["d_published"]),
        "sentence_index": r["m_sentence_index"],
        "sentence": r["m_sentence"],
        "sentence_start": r["m_sentence_start"],
        "trigger": {"text": r["m_trigger_text"], "start": r["m_trigger_start"], "end": r["m_trigger_end"]},
        **json.loads(r["m_actors"]),
        "date_source": r["m_date_source"],
        "confidence": r["m_confidence"],
        "pattern": r["m_pattern"],
    }


def jsonable(value: Any) -> Any:
    """Dates and timestamps as ISO text; everything else as it is."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
