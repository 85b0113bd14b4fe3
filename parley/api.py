"""The Python API: the functions the CLI (and later the HTTP API) are thin faces on."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TextIO, overload

from .corpus import exports
from .corpus.agenda_rows import agenda_rows
from .corpus.ingest import ingest
from .corpus.network_rows import network_rows
from .corpus.query import Filters, reading, records
from .corpus.recode import RecodeSummary, Selection
from .corpus.series_rows import dyad_rows, many_rows
from .corpus.sources import Failure, ReadOptions, documents, parse_date
from .corpus.store.rows import IngestSummary
from .corpus.table import Table
from .nlp.document import Actor, Document, Event

if TYPE_CHECKING:
    import pandas as pd

    from .nlp.pipeline import Pipeline

__all__ = [
    "Filters",
    "IngestSummary",
    "ReadOptions",
    "RecodeSummary",
    "Selection",
    "Table",
    "actors",
    "agenda",
    "alerts",
    "code",
    "code_inputs",
    "default_pipeline",
    "dyad_series",
    "events",
    "export",
    "ingest",
    "many_series",
    "network",
    "panel",
    "recode",
]


def default_pipeline() -> Pipeline:
    """The process's one pipeline (`parley.nlp.pipeline.default_pipeline`), imported on
    first use: querying the database needs neither spaCy nor torch."""
    from .nlp.pipeline import default_pipeline as shared

    return shared()


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(value)


def code(
    source: str | Document | Iterable[Document],
    *,
    date: dt.date | str | None = None,
    doc_id: str = "text",
    pipeline: Pipeline | None = None,
) -> list[Event]:
    """Code a text (or Documents) and return its events.

    >>> events = code("Russia and Ukraine met in Istanbul on Monday.", date="2025-05-20")
    """
    if isinstance(source, str):
        docs: Iterable[Document] = [Document(doc_id, source, _as_date(date))]
    elif isinstance(source, Document):
        docs = [source]
    else:
        docs = source
    return [e for doc in (pipeline or default_pipeline())(docs) for e in doc.events]


def code_inputs(
    inputs: Sequence[str],
    *,
    read: ReadOptions | None = None,
    on_error: Callable[[Failure], None] | None = None,
    pipeline: Pipeline | None = None,
) -> Iterator[Document]:
    """Code files, directories, '-', URLs, HTML pages, feeds and JSON Lines corpora; yields each coded Document.

    `read` says how inputs are read (`parley.corpus.sources.ReadOptions`: format, default date,
    size limit, fetching). Bad inputs are passed to `on_error` (or skipped) and the rest go on.
    """

    def good() -> Iterator[Document]:
        for item in documents(inputs, read):
            if isinstance(item, Failure):
                if on_error:
                    on_error(item)
            else:
                yield item

    docs = good()
    first = next(docs, None)
    if first is not None:  # the models load only once there is a document to code
        yield from (pipeline or default_pipeline())(chain([first], docs))


def actors(text: str, *, date: dt.date | str | None = None, pipeline: Pipeline | None = None) -> list[dict]:
    """How each actor phrase of a text is coded, and why (which table entry): what
    `parley actors` prints. One row per outermost noun phrase that a table or the parse
    takes for an actor (plain common nouns such as "the proposal" are left out).

    >>> [(r["text"], r["code"]) for r in actors("The Kremlin rejected the proposal.")]
    [('The Kremlin', 'RUSGOV')]
    """
    pipe = pipeline or default_pipeline()
    doc = next(pipe.partial([Document("text", text, _as_date(date))], through="actors"))
    coded = {(a.start, a.end, a.code): a for found in doc.scratch.np_actors.values() for a in found if not a.plain}
    # a phrase inside a larger one ("Deputy" in "Deputy Secretary of State Sonata Coulter") is not shown
    outer = [
        a
        for a in coded.values()
        if not any(
            b.start <= a.start and a.end <= b.end and (b.start, b.end) != (a.start, a.end) for b in coded.values()
        )
    ]
    doc.release()
    return [_actor_row(a) for a in sorted(outer, key=lambda a: (a.start, a.end))]


def _actor_row(a: Actor) -> dict:
    return {**a.to_dict(), "why": a.why}


def recode(
    selection: Selection | None = None,
    *,
    date: dt.date | str | None = None,
    db: str | None = None,
    pipeline: Pipeline | None = None,
    on_document: Callable[[], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> RecodeSummary:
    """Re-code stored articles with the current coder, in place, one transaction per document:
    what `parley recode` does (see `parley.corpus.recode`). `date` dates those stored without one.

    >>> recode(Selection(undated=True), date="2025-02-28", db="corpus.duckdb")
    """
    from .corpus.query import open_existing
    from .corpus.recode import recode as recode_stored

    store = open_existing(db, read_only=False)
    try:
        return recode_stored(
            store, selection, date=_as_date(date), pipeline=pipeline, on_document=on_document, on_phase=on_phase
        )
    finally:
        store.close()


@overload
def events(filters: Filters | None = ..., *, db: str | None = ..., as_frame: Literal[True] = ...) -> pd.DataFrame: ...


@overload
def events(filters: Filters | None = ..., *, db: str | None = ..., as_frame: Literal[False]) -> Iterator[dict]: ...


def events(
    filters: Filters | None = None, *, db: str | None = None, as_frame: bool = True
) -> pd.DataFrame | Iterator[dict]:
    """Stored events matching `filters` (a `Filters`), the database opened for reading.

    By default a pandas DataFrame of the flat events table: one row per event, codes with
    their names beside them, `contexts` and `issues` as lists, the sentence, title and URL
    of its first report, dates as datetimes. `as_frame=False` streams what `parley events
    --format jsonl` prints instead: each event as a dict with its parties and every mention.

    >>> frame = events(Filters(dyad="USA-RUS", since="2025-02-01"), db="corpus.duckdb")
    >>> for e in events(Filters(actor="Russia"), db="corpus.duckdb", as_frame=False): ...
    """
    if not as_frame:
        return _records(filters, db)
    from .corpus.exports.flat import events_frame

    with reading(db) as store:
        return events_frame(store, filters or Filters())


def _records(filters: Filters | None, db: str | None) -> Iterator[dict]:
    with reading(db) as store:
        yield from records(store, filters or Filters())


def export(
    fmt: str, out: str | Path | TextIO | None = None, filters: Filters | None = None, *, db: str | None = None
) -> int:
    """Write the stored events matching `filters` as `fmt` (gdelt, icews, plover, parquet, csv)
    to a file or stream (default: standard output); returns how many were written."""
    out = sys.stdout if out is None else out
    exports.check(fmt, out)  # a bad format or parquet to a stream is refused before the database is opened
    with reading(db) as store:
        return exports.export(store, fmt, out, filters or Filters())


@overload
def dyad_series(
    a: str | None = ...,
    b: str | None = ...,
    *,
    by: str = ...,
    directed: bool = ...,
    since: dt.date | str | None = ...,
    until: dt.date | str | None = ...,
    filters: Filters | None = ...,
    db: str | None = ...,
    as_frame: Literal[True] = ...,
) -> pd.DataFrame: ...


@overload
def dyad_series(
    a: str | None = ...,
    b: str | None = ...,
    *,
    by: str = ...,
    directed: bool = ...,
    since: dt.date | str | None = ...,
    until: dt.date | str | None = ...,
    filters: Filters | None = ...,
    db: str | None = ...,
    as_frame: Literal[False],
) -> Table: ...


def dyad_series(
    a: str | None = None,
    b: str | None = None,
    *,
    by: str = "week",
    directed: bool = False,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    filters: Filters | None = None,
    db: str | None = None,
    as_frame: bool = True,
) -> pd.DataFrame | Table:
    """Events between two parties (or of one) per period: `parley dyad` (see `analysis.dyad_series`).
    Parties by code or name ("USA", "Russia", "UN"); `filters` narrow the events further.
    `as_frame=False`: the same rows as a plain `Table` (`.columns`, `.rows`, `.records()`),
    without importing pandas (what `parley dyad` prints)."""
    with reading(db) as store:
        table = dyad_rows(store, a, b, by=by, directed=directed, since=since, until=until, filters=filters)
    return _framed(table) if as_frame else table


@overload
def many_series(
    dyads: Sequence[tuple[str, str] | str],
    *,
    by: str = ...,
    filters: Filters | None = ...,
    db: str | None = ...,
    as_frame: Literal[True] = ...,
) -> pd.DataFrame: ...


@overload
def many_series(
    dyads: Sequence[tuple[str, str] | str],
    *,
    by: str = ...,
    filters: Filters | None = ...,
    db: str | None = ...,
    as_frame: Literal[False],
) -> Table: ...


def many_series(
    dyads: Sequence[tuple[str, str] | str],
    *,
    by: str = "week",
    filters: Filters | None = None,
    db: str | None = None,
    as_frame: bool = True,
) -> pd.DataFrame | Table:
    """Several dyads' series on one period axis (column `dyad`): `parley dyad USA-RUS USA-CHN`.
    Each dyad is a pair or "A-B"; see `analysis.many_series`. `as_frame=False`: a plain `Table`."""
    from .corpus.query import dyad_parties

    pairs = [dyad_parties(Filters(dyad=d).dyad) for d in dyads]
    with reading(db) as store:
        table = many_rows(store, pairs, by=by, filters=filters)
    return _framed(table) if as_frame else table


def _framed(table: Table) -> pd.DataFrame:
    from .corpus.analysis.common import frame  # pandas only when a DataFrame is asked for

    return frame(table)


def panel(
    *, by: str = "month", role: str = "any", filters: Filters | None = None, db: str | None = None
) -> pd.DataFrame:
    """The country-period panel (counts by quad class, Goldstein sum and mean): `parley panel`
    (see `analysis.panel`)."""
    from .corpus import analysis

    with reading(db) as store:
        return analysis.panel(store, by=by, role=role, filters=filters)


def alerts(
    *,
    by: str = "week",
    window: int = 8,
    threshold: float = 3.0,
    min_events: int = 3,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    filters: Filters | None = None,
    db: str | None = None,
) -> pd.DataFrame:
    """Spikes and turns of every dyad against its own recent past: `parley alerts` (see `analysis.alerts`)."""
    from .corpus import analysis

    with reading(db) as store:
        return analysis.alerts(
            store,
            by=by,
            window=window,
            threshold=threshold,
            min_events=min_events,
            since=since,
            until=until,
            filters=filters,
        )


@overload
def network(
    *,
    since: dt.date | str | None = ...,
    until: dt.date | str | None = ...,
    min_events: int = ...,
    filters: Filters | None = ...,
    db: str | None = ...,
    as_frame: Literal[True] = ...,
) -> pd.DataFrame: ...


@overload
def network(
    *,
    since: dt.date | str | None = ...,
    until: dt.date | str | None = ...,
    min_events: int = ...,
    filters: Filters | None = ...,
    db: str | None = ...,
    as_frame: Literal[False],
) -> Table: ...


def network(
    *,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    min_events: int = 1,
    filters: Filters | None = None,
    db: str | None = None,
    as_frame: bool = True,
) -> pd.DataFrame | Table:
    """The directed, signed network of countries and organisations: `parley network` (see `analysis.network`).
    `as_frame=False`: a plain `Table`, without importing pandas."""
    with reading(db) as store:
        table = network_rows(store, since=since, until=until, min_events=min_events, filters=filters)
    return _framed(table) if as_frame else table


@overload
def agenda(a: str, b: str, *, db: str | None = ..., as_frame: Literal[True] = ...) -> pd.DataFrame: ...


@overload
def agenda(a: str, b: str, *, db: str | None = ..., as_frame: Literal[False]) -> Table: ...


def agenda(a: str, b: str, *, db: str | None = None, as_frame: bool = True) -> pd.DataFrame | Table:
    """The issues between two countries and where each stands: `parley agenda` (see `analysis.agenda`).
    `as_frame=False`: a plain `Table`, without importing pandas."""
    with reading(db) as store:
        table = agenda_rows(store, a, b)
    return _framed(table) if as_frame else table
