"""The Python API: the functions the CLI (and later the HTTP API) are thin faces on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from .document import Actor, Document, Event
from .pipeline import Pipeline
from .sources import DEFAULT_MAX_BYTES, Failure, documents, parse_date


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    """One pipeline per process: the model and tables load once."""
    return Pipeline()


def _as_date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(value)


def code(source: str | Document | Iterable[Document], *, date: dt.date | str | None = None,
         doc_id: str = "text", pipeline: Pipeline | None = None) -> list[Event]:
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


def code_inputs(inputs: Sequence[str], *, input_format: str = "auto", date: dt.date | str | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, on_error: Callable[[Failure], None] | None = None,
                pipeline: Pipeline | None = None) -> Iterator[Document]:
    """Code files, directories, '-' and JSON Lines corpora; yields each coded Document.

    Bad inputs are passed to `on_error` (or skipped) and the rest go on.
    """
    def good() -> Iterator[Document]:
        for item in documents(inputs, input_format, _as_date(date), max_bytes):
            if isinstance(item, Failure):
                if on_error:
                    on_error(item)
            else:
                yield item

    yield from (pipeline or default_pipeline())(good())


def actors(text: str, *, date: dt.date | str | None = None, pipeline: Pipeline | None = None) -> list[dict]:
    """How each actor phrase of a text is coded, and why (which table entry): what
    `parley actors` prints. One row per outermost noun phrase that a table or the parse
    takes for an actor (plain common nouns such as "the proposal" are left out).

    >>> [(r["text"], r["code"]) for r in actors("The Kremlin rejected the proposal.")]
    [('The Kremlin', 'RUSGOV')]
    """
    pipe = pipeline or default_pipeline()
    doc = next(iter(pipe.parser.pipe([Document("text", text, _as_date(date))])))
    pipe.actor_coder(doc)
    coded = {(a.start, a.end, a.code): a for found in doc.np_actors.values() for a in found if not a.plain}
    # a phrase inside a larger one ("Deputy" in "Deputy Secretary of State Sonata Coulter") is not shown
    outer = [a for a in coded.values()
             if not any(b.start <= a.start and a.end <= b.end and (b.start, b.end) != (a.start, a.end)
                        for b in coded.values())]
    doc.release()
    return [_actor_row(a) for a in sorted(outer, key=lambda a: (a.start, a.end))]


def _actor_row(a: Actor) -> dict:
    return {**a.to_dict(), "why": a.why}
