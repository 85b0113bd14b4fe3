"""Inputs -> Documents: text files, HTML pages, RSS/Atom feeds, JSON Lines corpora, directories,
standard input and http(s) URLs.

Every bad input (or feed item, or corpus record) becomes a Failure naming it and the
reason; the rest go on. The readers of each kind are in `parley.corpus.readers`.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from ..nlp.document import Document
from .readers import web
from .readers.base import DEFAULT_MAX_BYTES, Failure, InputError, parse_date, read_bytes
from .readers.jsonl import bounded_lines, jsonl_file, jsonl_records
from .readers.kinds import FEED, HTML, INPUT_FORMATS, JSONL, by_media_type, by_suffix, sniff
from .readers.text import text_document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "INPUT_FORMATS",
    "STDIN",
    "Failure",
    "InputError",
    "ReadOptions",
    "documents",
    "expand",
    "input_kind",
    "walk",
    "parse_date",
]

STDIN = "-"


def expand(inputs: Sequence[str]) -> Iterator[str]:
    """Inputs with directories replaced by their files (recursively, sorted, hidden ones skipped;
    named pipes, sockets and devices in them left out: see `walk`)."""
    return (item for item in walk(inputs) if isinstance(item, str))


def walk(inputs: Sequence[str]) -> Iterator[str | Failure]:
    """Inputs with directories replaced by their files (recursively, sorted, hidden ones skipped);
    a named pipe, socket or device found in a directory is a Failure, never opened: a FIFO
    would wait for a writer forever, /dev/zero never ends. Named as an input, it is read as a
    bounded stream."""
    for item in inputs:
        if item != STDIN and not web.is_url(item) and os.path.isdir(item):
            for root, dirs, files in os.walk(item):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        path = os.path.join(root, name)
                        kind = special_kind(path)
                        yield Failure(path, f"skipped: {kind}, not a regular file") if kind else path
        else:
            yield item


def special_kind(path: str) -> str | None:
    """What a path that is not a regular file is ("a named pipe (FIFO)", "a socket", "a character
    device", "a block device"), following links; None for a regular file or one that cannot be seen."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # a broken link: reading it says why
    for test, kind in (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def input_kind(source: str, input_format: str = "auto") -> str | None:
    """The kind of a file input (text, html, feed, jsonl), None where only its content can tell."""
    if input_format != "auto":
        return input_format
    return None if source == STDIN else by_suffix(source)


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read. `input_format` is one of INPUT_FORMATS: auto tells each input's kind
    by its suffix (a URL's by its Content-Type), else by its first bytes. `date` is the
    publication date of inputs that name none (a date or YYYY-MM-DD). `max_bytes` bounds any
    one input or record. URL inputs are always fetched (naming one is asking for it); `fetch`
    allows fetching the http(s) pages that feed items link to. A URL is fetched only from a
    public address or one in the networks of `allow_net` (`web.fetch`). A saved feed's items
    may link to local pages only inside the feed's own folder, or inside `links_root`."""

    input_format: str = "auto"
    date: dt.date | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    fetch: bool = False
    allow_net: Sequence[str] = ()
    links_root: str | None = None

    def __post_init__(self) -> None:
        if self.input_format not in INPUT_FORMATS:
            raise ValueError(f"unknown input format {self.input_format!r}; one of {', '.join(INPUT_FORMATS)}")
        if isinstance(self.date, str):
            object.__setattr__(self, "date", parse_date(self.date))
        object.__setattr__(self, "allow_net", tuple(self.allow_net))


def documents(
    inputs: Sequence[str], options: ReadOptions | None = None, stdin: BinaryIO | None = None
) -> Iterator[Document | Failure]:
    """Documents from files, directories, '-' (standard input) and http(s) URLs, read as
    `options` say, with failures inline. The document id is the input as given ('-' for
    standard input); a JSON Lines record's "id"; a feed item's id or link."""
    options = options or ReadOptions()
    for source in walk(inputs):
        if isinstance(source, Failure):
            yield source
            continue
        if web.is_url(source):
            yield from _url(source, options)
            continue
        stream = (stdin or sys.stdin.buffer) if source == STDIN else None
        kind = input_kind(source, options.input_format)
        if kind == JSONL:
            yield from jsonl_file(source, stream, options.date, options.max_bytes)
            continue
        try:
            data = read_bytes(source, options.max_bytes, stream)
        except InputError as e:
            yield Failure(source, str(e))
            continue
        yield from _read(source, kind or sniff(data), data, options, location=source)


def _url(url: str, options: ReadOptions) -> Iterator[Document | Failure]:
    """The documents of a URL input: its body read as its Content-Type (else URL suffix, else content) says."""
    try:
        response = web.fetch(url, options.max_bytes, allow_net=options.allow_net)
    except InputError as e:
        yield Failure(url, str(e))
        return
    kind = (
        options.input_format
        if options.input_format != "auto"
        else (by_media_type(response.media_type) or by_suffix(urlsplit(response.url).path) or sniff(response.body))
    )
    yield from _read(url, kind, response.body, options, location=response.url, url=response.url)


def _read(
    source: str, kind: str, data: bytes, options: ReadOptions, *, location: str, url: str | None = None
) -> Iterator[Document | Failure]:
    """The documents in the bytes of one input of a known kind; `url` is where they were fetched from."""
    date = options.date
    if kind == FEED:
        from .readers.feeds import feed_documents  # trafilatura and feedparser only when a feed or page is read

        yield from feed_documents(
            source,
            data,
            date,
            location=location,
            max_bytes=options.max_bytes,
            fetch=options.fetch,
            allow_net=options.allow_net,
            links_root=options.links_root,
        )
    elif kind == JSONL:
        yield from jsonl_records(source, bounded_lines(io.BytesIO(data), options.max_bytes), date, options.max_bytes)
    else:
        try:
            if kind == HTML:
                from .readers.html import html_document

                doc = html_document(source, data, date, url)
            else:
                doc = text_document(source, data, date, url)
        except InputError as e:
            yield Failure(source, str(e))
        else:
            yield doc
