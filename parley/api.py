"""The Python API: the functions the CLI (and later the HTTP API) are thin faces on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

from .document import Document, Event
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
