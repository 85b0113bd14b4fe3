"""Selecting stored events: validated filters, the SQL they make, and the event records.

Every filter value reaches the database as a query parameter, never as SQL text, and the
same SQL runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any

from ..nlp.document import PLOVER_TYPES
from ..nlp.vocab import STATELESS, country_names
from . import names
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

# the events that count as having happened: what the GDELT, ICEWS and PLOVER exports carry
HAPPENED = "NOT e.negated AND e.status IN ('factual', 'historical')"

CODE = re.compile(r"^[A-Z]{3}[A-Z0-9]{0,9}$")  # a country (USA), an organisation (IGOUNO) or a longer actor code
CAMEO = re.compile(r"[0-9]{2,4}")  # matched whole (fullmatch): "$" would let a trailing newline through
IDENT = re.compile(r"[a-z][a-z0-9_]{0,79}")  # an issue or context id, matched whole
ADMIN1 = re.compile(r"[A-Z0-9]{1,8}")  # a first-level region's GeoNames code (TX, 34), matched whole
MAX_ROWS = 2**63 - 1  # the largest LIMIT or OFFSET the databases take (a BIGINT)
MAX_TEXT = 200  # characters of a text search or a name
SHOWN = 40  # characters of a bad value that its error message quotes
STATUSES = ("factual", "future", "hypothetical", "historical")
NEGATED = ("no", "only", "any")  # not negated, negated only, either
COVERAGE_LEAD_DAYS = 30  # events this long before the first document's publication still lie in the coverage
QUAD_NAMES = {"1": 1, "2": 2, "3": 3, "4": 4, "verbal cooperation": 1, "material cooperation": 2}
QUAD_NAMES |= {"verbal conflict": 3, "material conflict": 4}  # a quad class by number or name

ORDER = "e.date NULLS LAST, e.event_key"
SORTABLE = EVENT_COLUMNS
PARTY_COLUMNS = ("role", "position", *PARTY_FIELDS)
MENTION_FIELDS = tuple(c for c in MENTION_COLUMNS if c != "event_key")  # a stored mention, as shown
DOCUMENT_FIELDS = ("doc_id", "url", "title", "source", "published")
# names beside the codes of each event, and the evidence of its first report: the flat table's extra columns
NAME_COLUMNS = (
    "cameo_name",
    "actor_party",
    "actor_party_name",
    "recipient_party",
    "recipient_party_name",
    "place_country_name",
    "place_admin1_name",
)
EVIDENCE_COLUMNS = ("sentence", "doc_id", "title", "url", "source", "published")
FLAT_COLUMNS = (*EVENT_COLUMNS, *NAME_COLUMNS, *EVIDENCE_COLUMNS)
LIST_COLUMNS = ("contexts", "issues")  # JSON arrays in the database, lists everywhere else


@dataclass
class Filters:
    """Which events to select, the same for the CLI, the Python API, the HTTP API and the
    dashboard; every field optional. Values are checked (and normalised) on creation: codes
    or names (`actor="Russia"`, `place="Istanbul"`), lists as lists or comma-separated text.

    `status`, `negated` and `coverage` left unset (None) select every event; the analyses
    fill them with what counts (`counted`): factual, not negated, dated within the coverage.
    """

    actor: str | None = None
    recipient: str | None = None
    party: str | None = None  # an actor or a recipient
    dyad: str | Sequence[str] | None = None  # "USA-RUS", "Russia-Ukraine", or (a, b); either way round
    directed: bool = False  # the dyad only from its first to its second party
    event_type: str | Sequence[str] | None = None
    cameo: str | None = None
    quad: int | str | Sequence[int | str] | None = None
    goldstein_min: float | str | None = None
    goldstein_max: float | str | None = None
    status: str | Sequence[str] | None = None
    negated: bool | str | None = None  # no, only, any (or True / False)
    min_confidence: float | str | None = None
    issue: str | None = None
    context: str | None = None
    source: str | None = None
    country: str | None = None  # where the event took place
    admin1: str | None = None
    place: str | None = None  # a country, a region or a place name
    since: dt.date | str | None = None
    until: dt.date | str | None = None
    text: str | None = None  # in the evidence sentence of any report, case-insensitively
    complete: bool = False  # only events with a known actor party and a known recipient party
    coverage: bool | str | None = None  # only events dated within the documents' coverage
    sort: str | None = None  # a column of the events table; "-column" or "column:desc" for descending
    limit: int | None = None
    offset: int = 0
    _place: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.actor = _actor("actor", self.actor)
        self.recipient = _actor("recipient", self.recipient)
        self.party = _actor("party", self.party)
        self.dyad = _dyad(self.dyad)
        self.directed = _flag("directed", self.directed) or False
        self.event_type = _choices("event type", self.event_type, PLOVER_TYPES, str.upper)
        if self.cameo is not None and not CAMEO.fullmatch(str(self.cameo)):
            raise ValueError(f"bad CAMEO code {shown(self.cameo)}: 2 to 4 digits such as 04 or 044")
        self.quad = _quads(self.quad)
        self.goldstein_min = _number("goldstein_min", self.goldstein_min, -10, 10)
        self.goldstein_max = _number("goldstein_max", self.goldstein_max, -10, 10)
        low, high = self.goldstein_min, self.goldstein_max
        if low is not None and high is not None and low > high:
            raise ValueError(f"goldstein_min {self.goldstein_min} is above goldstein_max {self.goldstein_max}")
        self.status = _choices("status", self.status, (*STATUSES, "any"), str.lower)
        if self.status and "any" in self.status:
            self.status = STATUSES
        self.negated = _negated(self.negated)
        self.min_confidence = _number("min_confidence", self.min_confidence, 0, 1)
        self.issue = _ident("issue", self.issue, _issue_ids)
        self.context = _ident("context", self.context, _context_ids)
        self.source = _text("source", self.source)
        self.country = None if self.country is None else names.country_from(self.country, "country")
        self.admin1 = _admin1(self.admin1)
        self.place, self._place = _place(self.place)
        self.since, self.until = _date("since", self.since), _date("until", self.until)
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"--since {self.since} is after --until {self.until}")
        self.text = _text("text", self.text)
        self.complete = _flag("complete", self.complete) or False
        self.coverage = _flag("coverage", self.coverage)
        self.sort = _sort(self.sort)
        if self.limit is not None and (not isinstance(self.limit, int) or not 1 <= self.limit <= MAX_ROWS):
            raise ValueError(f"bad limit {shown(self.limit)}: a positive number up to {MAX_ROWS}")
        if not isinstance(self.offset, int) or not 0 <= self.offset <= MAX_ROWS:
            raise ValueError(f"bad offset {shown(self.offset)}: zero or a positive number up to {MAX_ROWS}")


def counted(filters: Filters | None = None, **changes: Any) -> Filters:
    """The filters as the analyses count events: what is left unset becomes factual, not
    negated and dated within the documents' coverage (a series never reaches back to an
    "embargo since 1962"). `changes` replace fields (limit and offset are dropped)."""
    base = filters or Filters()
    values = {f.name: getattr(base, f.name) for f in fields(Filters) if f.init}
    values.update(limit=None, offset=0, sort=None)
    values.update(changes)
    if values["status"] is None:
        values["status"] = ("factual",)
    if values["negated"] is None:
        values["negated"] = "no"
    if values["coverage"] is None:
        values["coverage"] = True
    return Filters(**values)


def country_code(value: str) -> str:
    """A country or organisation given by code or name ("Russia", "UN"), as its party key."""
    return names.party_from(value or "", "country")


def _actor(what: str, value: str | None) -> str | None:
    """A party (RUS, UN) from a code or name, else an actor code prefix (USAGOV, IGO, COP)."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    try:
        return names.party_from(text[: MAX_TEXT + 1], what)
    except ValueError as unknown:
        code = text.upper()
        known_head = code[:3] in country_names() or code[:3] in STATELESS or code[:3] in names.SECTORS
        if CODE.match(code) and (code in names.organisations() or (known_head and len(code) % 3 == 0)):
            return code  # a CAMEO code (prefix) in 3-letter parts: USAGOV, RUSGOVDEV, IGOUNO
        raise ValueError(f"{unknown}; codes: a country such as USA, an actor code such as USAGOV or IGOUNO") from None


def _dyad(value: str | Sequence[str] | None) -> str | None:
    """ "A-B" from "USA-RUS", "Russia-Ukraine", "UN-USA" or a pair; each side a country or organisation."""
    if value is None:
        return None
    if not isinstance(value, str):
        pair = list(value)
        if len(pair) != 2:
            raise ValueError(f"bad dyad {shown(value)}: two countries such as USA-RUS")
        return "-".join(names.party_from(v, "dyad party") for v in pair)
    text = " ".join(value.split())
    for at in (i for i, c in enumerate(text) if c == "-"):
        a, b = text[:at].strip(), text[at + 1 :].strip()
        try:
            return f"{names.party_from(a, 'dyad party')}-{names.party_from(b, 'dyad party')}"
        except ValueError:
            continue
    sides = text.split("-")
    for side in sides if len(sides) == 2 else ():  # name the side that is unknown, with a suggestion
        names.party_from(side, "dyad party")
    raise ValueError(f"bad dyad {shown(value)}: two countries or organisations such as USA-RUS")


def dyad_parties(dyad: str | Sequence[str] | None) -> tuple[str, str]:
    """The two party keys of a checked dyad ("USA-RUS")."""
    a, _, b = str(dyad or "").partition("-")
    return a, b


def date_bounds(filters: Filters) -> tuple[dt.date | None, dt.date | None]:
    """The checked since and until of filters (dates once checked)."""
    return _date("since", filters.since), _date("until", filters.until)


def _flag(what: str, value: bool | str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    if text in ("", "any"):
        return None
    raise ValueError(f"bad {what} {shown(value)}: true or false")


def _negated(value: bool | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "only" if value else "no"
    text = str(value).strip().lower()
    flag = _flag("negated", text) if text not in NEGATED else None
    if text in NEGATED:
        return text
    return None if flag is None else ("only" if flag else "no")


def _listed(value: Any) -> list[str]:
    """A list, or comma-separated text, as a list of stripped, non-empty texts."""
    items = value.split(",") if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else [value]
    return [str(v).strip() for v in items if str(v).strip()]


def _choices(what: str, value: Any, allowed: Sequence[str], norm: Callable[[str], str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    out = tuple(dict.fromkeys(norm(v) for v in _listed(value)))
    for v in out:
        if v not in allowed:
            hint = names.suggestion(v, {a.lower(): a for a in allowed})
            raise ValueError(f"unknown {what} {shown(v)}{hint}; one of {', '.join(allowed)}")
    return out or None


def _quads(value: Any) -> tuple[int, ...] | None:
    if value is None:
        return None
    out = []
    for v in _listed(value):
        quad = QUAD_NAMES.get(v.lower().removeprefix("quad"))
        if quad is None:
            raise ValueError(f"bad quad class {shown(v)}: 1 to 4 (verbal and material cooperation, then conflict)")
        out.append(quad)
    return tuple(sorted(set(out))) or None


def _number(what: str, value: float | str | None, low: float, high: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not low <= number <= high:  # NaN fails too
        raise ValueError(f"bad {what} {shown(value)}: a number from {low:g} to {high:g}")
    return number


def _text(what: str, value: str | None) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > MAX_TEXT or "\x00" in text:
        raise ValueError(f"bad {what} {shown(value)}: 1 to {MAX_TEXT} characters")
    return text


def _ident(what: str, value: str | None, known: Callable[[], dict[str, str]]) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    if not IDENT.fullmatch(text) or text not in known():
        raise ValueError(f"unknown {what} {shown(value)}{names.suggestion(text, known())}")
    return text


def _issue_ids() -> dict[str, str]:
    from ..nlp.vocab.issues import issues

    return {i: i for i in issues()}


def _context_ids() -> dict[str, str]:
    from ..nlp.ontology import plover_contexts

    return {c: c for c in set(plover_contexts().values())}


def _admin1(value: str | None) -> str | None:
    """A region's admin1 code, from its code (TX, 34) or a name parley's tables know (Texas)."""
    if value is None:
        return None
    region = names.region_from(str(value))
    code = region[1] if region else str(value).strip().upper()
    if not ADMIN1.fullmatch(code):
        raise ValueError(f"bad admin1 {shown(value)}: a region's code (TX, 34) or name (Texas)")
    return code


def _place(value: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The place filter and how it matches: a country ("TUR", "Turkey"), a region parley's
    tables know ("Texas") or a place's name ("Istanbul", checked against the stored places)."""
    if value is None:
        return None, ()
    text = _text("place", value) or ""
    try:
        key = names.country_from(text, "place")
        return key, ("country", key)
    except ValueError:
        pass
    region = names.region_from(text)
    if region:
        return text, ("region", *region)
    return text, ("name", text.lower())


def _sort(value: str | None) -> str | None:
    """ "column" or "-column" (also "column:desc", "column desc") for a column of the events table."""
    if value is None or not str(value).strip():
        return None
    text = " ".join(str(value).strip().lower().replace(":", " ").split())
    column, _, direction = text.removeprefix("-").partition(" ")
    descending = text.startswith("-") or direction == "desc"
    if column not in SORTABLE or direction not in ("", "asc", "desc"):
        hint = names.suggestion(column, {c: c for c in SORTABLE})
        raise ValueError(f"cannot sort by {shown(value)}{hint}: a column of the events table, then :desc or :asc")
    return f"-{column}" if descending else column


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


def _party_condition(role: str | None, value: str) -> tuple[str, list[Any]]:
    """An event with `value` (a party key or an actor code prefix) among its parties in `role`
    (None: in either role)."""
    in_role, role_params = (" AND p.role = ?", [role]) if role else ("", [])
    org = names.organisation_keys().get(value)
    if org:
        return (
            f"e.event_key IN (SELECT p.event_key FROM event_actors p WHERE p.code = ?{in_role})",
            [org.code, *role_params],
        )
    return (  # IN (subquery) rather than EXISTS: DuckDB plans it as a faster semi-join
        f"e.event_key IN (SELECT p.event_key FROM event_actors p WHERE (p.country = ? OR p.code LIKE ?){in_role})",
        [value, value + "%", *role_params],  # the code is letters and digits only: no LIKE wildcards
    )


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" * len(values))


def where(filters: Filters) -> tuple[str, list[Any]]:
    """The WHERE clause (over `events e`, empty when nothing is filtered) and its parameters."""
    conds: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        conds.append(sql)
        params.extend(values)

    for role, value in (("actor", filters.actor), ("recipient", filters.recipient), (None, filters.party)):
        if value:
            sql, values = _party_condition(role, value)
            add(sql, *values)
    if filters.dyad:
        a, b = dyad_parties(filters.dyad)
        pair = "(y.actor_country = ? AND y.recipient_country = ?)"
        either = "" if filters.directed else f" OR {pair}"
        add(
            f"e.event_key IN (SELECT y.event_key FROM event_dyads y WHERE {pair}{either})",
            *([a, b] if filters.directed else [a, b, b, a]),
        )
    chosen_values = (("event_type", filters.event_type), ("quad_class", filters.quad), ("status", filters.status))
    for column, chosen in chosen_values:
        chosen = (chosen,) if isinstance(chosen, (str, int)) else chosen  # a value set after validation
        if chosen and not (column == "status" and set(chosen) == set(STATUSES)):
            add(f"e.{column} IN ({_marks(chosen)})", *chosen)
    simple: tuple[tuple[str, Any], ...] = (
        ("e.cameo LIKE ?", filters.cameo and filters.cameo + "%"),
        ("e.goldstein >= ?", filters.goldstein_min),
        ("e.goldstein <= ?", filters.goldstein_max),
        ("e.confidence >= ?", filters.min_confidence),
        ("strpos(e.issues, ?) > 0", filters.issue and json.dumps(filters.issue)),  # a whole id: quoted in the JSON
        ("strpos(e.contexts, ?) > 0", filters.context and json.dumps(filters.context)),
        ("e.place_country = ?", filters.country),
        ("e.place_admin1 = ?", filters.admin1),
        ("e.date >= ?", filters.since),
        ("e.date <= ?", filters.until),
    )
    for sql, value in simple:
        if value is not None and value != "":
            add(sql, value)
    if filters.negated in ("no", "only"):
        conds.append("e.negated" if filters.negated == "only" else "NOT e.negated")
    kind, *where_at = filters._place or (("country", filters.place) if filters.place else ("",))
    if kind == "country":
        add("e.place_country = ?", *where_at)
    elif kind == "region":
        add("(e.place_country = ? AND e.place_admin1 = ?)", *where_at)
    elif kind == "name":
        add("lower(e.place_name) = ?", *where_at)
    if filters.source:
        add(
            "e.event_key IN (SELECT m.event_key FROM mentions m JOIN documents d ON d.doc_key = m.doc_key"
            " WHERE lower(d.source) = ?)",
            filters.source.lower(),
        )
    if filters.text:
        add(
            "e.event_key IN (SELECT m.event_key FROM mentions m WHERE strpos(lower(m.sentence), ?) > 0)",
            filters.text.lower(),
        )
    if filters.complete:
        conds.append("e.event_key IN (SELECT y.event_key FROM event_dyads y)")
    if filters.coverage:
        conds.append(
            f"e.date >= (SELECT min(published) FROM documents) - {COVERAGE_LEAD_DAYS}"
            " AND e.date <= (SELECT max(published) FROM documents)"
        )
    return (" WHERE " + " AND ".join(conds) if conds else ""), params


def order(filters: Filters) -> str:
    """ORDER BY terms (code, from a checked column name): the chosen column first, then date and key."""
    if not filters.sort:
        return ORDER
    column = filters.sort.removeprefix("-")
    return f"e.{column} {'DESC' if filters.sort.startswith('-') else 'ASC'} NULLS LAST, {ORDER}"


def verify(store: Store, filters: Filters) -> None:
    """Refuse a place name or a source that no stored event has, naming the nearest stored one:
    these are checked against the database, not against parley's tables."""
    kind, *value = filters._place or ("",)
    if kind == "name" and not store.scalar("SELECT 1 FROM events WHERE lower(place_name) = ? LIMIT 1", value):
        stored = {r[0].lower(): r[0] for r in store.query("SELECT DISTINCT place_name FROM events")[1] if r[0]}
        raise ValueError(f"unknown place {shown(filters.place)}{names.suggestion(str(filters.place), stored)}")
    if filters.source:
        found = {r[0].lower(): r[0] for r in store.query("SELECT DISTINCT source FROM documents")[1] if r[0]}
        if filters.source.lower() not in found:
            raise ValueError(f"unknown source {shown(filters.source)}{names.suggestion(filters.source, found)}")


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
    return f"SELECT {columns} FROM events e{joins}{clause} ORDER BY {order(filters)}{limit}", params + limit_params


def count(store: Store, filters: Filters) -> int:
    """How many events the filters select, regardless of limit and offset."""
    clause, params = where(filters)
    return int(store.scalar(f"SELECT count(*) FROM events e{clause}", params) or 0)


def named(row: dict[str, Any]) -> dict[str, Any]:
    """The names beside an event row's codes (NAME_COLUMNS)."""
    actor = names.party(row.get("actor_code"), row.get("actor_country"))
    recipient = names.party(row.get("recipient_code"), row.get("recipient_country"))
    return {
        "cameo_name": names.cameo_name(row.get("cameo")),
        "actor_party": actor,
        "actor_party_name": names.party_name(actor),
        "recipient_party": recipient,
        "recipient_party_name": names.party_name(recipient),
        "place_country_name": names.party_name(row.get("place_country")),
        "place_admin1_name": names.region_name(row.get("place_country"), row.get("place_admin1")),
    }


_FIRST_REPORT = (
    "(SELECT m.sentence FROM mentions m WHERE m.event_key = e.event_key AND m.doc_key = e.first_doc_key"
    " ORDER BY m.sentence_index, m.trigger_start LIMIT 1) AS sentence"
)


def flat(store: Store, filters: Filters) -> Iterator[dict[str, Any]]:
    """The flat events table (FLAT_COLUMNS): one dict per selected event, contexts and issues as
    lists, names beside codes, and the sentence, document, title and URL of its first report.
    Streamed; what CSV, Parquet and `parley.api.events` give."""
    verify(store, filters)
    columns = ", ".join([*(f"e.{c}" for c in EVENT_COLUMNS), _FIRST_REPORT, *(f"d.{c}" for c in DOCUMENT_FIELDS)])
    sql, params = select(filters, columns, " LEFT JOIN documents d ON d.doc_key = e.first_doc_key")
    names_, rows = store.stream(sql, params)
    for row in rows:
        r = dict(zip(names_, row))
        r["contexts"], r["issues"] = json.loads(r["contexts"]), json.loads(r["issues"])
        r.update(named(r))
        yield {c: r.get(c) for c in FLAT_COLUMNS}


def open_existing(db: str | None = None, read_only: bool = True) -> Store:
    """The database at `db` (default: PARLEY_DB, else the default DuckDB file), opened read-only
    unless a command writes to what is stored (`parley recode`): a DuckDB file that does not
    exist is an error, not created, and readers run side by side."""
    url = db or default_url()
    if not POSTGRES.match(url):
        path = duckdb_target(url)[0]
        if not path.is_file():
            raise StoreError(f"no database at {path}; run parley ingest first")
    return open_store(url, read_only=read_only)


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
    actors and recipients (each with its party and the party's name), the names beside its
    codes, and every mention with its document: the provenance. Streamed."""
    verify(store, filters)
    inner, params = select(filters, "e.event_key", extra=extra)
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
        f" ORDER BY {order(filters)}, p.role, p.position, d.ingested_at, m.doc_key, m.sentence_index, m.trigger_start"
    )
    names, rows = store.stream(sql, params)
    dicts = (dict(zip(names, row)) for row in rows)
    for _, group in itertools.groupby(dicts, key=lambda r: r["event_key"]):
        yield _record(list(group))


def _record(rows: list[dict[str, Any]]) -> dict[str, Any]:
    first = rows[0]
    out = {c: jsonable(first[c]) for c in EVENT_COLUMNS}
    out["contexts"], out["issues"] = json.loads(first["contexts"]), json.loads(first["issues"])
    out.update(named(first))
    parties = {(r["p_role"], r["p_position"]): r for r in rows if r["p_role"] is not None}
    for role, key in (("actor", "actors"), ("recipient", "recipients")):
        out[key] = [_party(parties[k]) for k in sorted(k for k in parties if k[0] == role)]
    mentions = {r["m_mention_id"]: r for r in rows if r["m_mention_id"] is not None}
    out["mentions"] = [_mention(r) for r in mentions.values()]
    return out


def _party(r: dict[str, Any]) -> dict[str, Any]:
    out = {c: r[f"p_{c}"] for c in PARTY_FIELDS}
    out["party"] = names.party(out["code"], out["country"])
    out["party_name"] = names.party_name(out["party"])
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
