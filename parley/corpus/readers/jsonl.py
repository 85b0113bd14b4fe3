"""JSON Lines corpora: one {"id", "text", "date"?, "title"?, "url"?, "source"?} object a line, streamed.

Lines are read a bounded piece at a time: a line over the size limit is reported and skipped
without ever being held whole, and an input with no line end for SKIP_LIMIT times the limit
(`/dev/zero`, a binary file) is given up, so memory stays bounded and signals are heard.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ...nlp.document import Document
from .base import (
    Failure,
    InputError,
    check_fields,
    check_text,
    decode,
    mb,
    os_reason,
    parse_date,
)

CHUNK = 64 * 1024  # bytes read at a time while skipping an over-long line
SKIP_LIMIT = 16  # an over-long line is skipped up to this many times the size limit, then the input is given up


@dataclass(frozen=True)
class Overlong:
    """A line over the size limit: how many bytes of it were read, and whether its end was found."""

    size: int
    ended: bool


def jsonl_file(
    source: str, stream: BinaryIO | None, date: dt.date | None, max_bytes: int
) -> Iterator[Document | Failure]:
    """Stream a JSON Lines file (or stream) a line at a time: memory stays bounded however large it is."""
    if stream is not None:
        yield from jsonl_records(source, bounded_lines(stream, max_bytes), date, max_bytes)
        return
    try:
        with open(source, "rb") as f:
            yield from jsonl_records(source, bounded_lines(f, max_bytes), date, max_bytes)
    except OSError as e:  # cannot open it, or a read error part way
        yield Failure(source, os_reason(e))


def bounded_lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | Overlong]:
    """The lines of a stream, none longer than max_bytes held: a longer one is an Overlong, its
    rest read and dropped CHUNK bytes at a time; past SKIP_LIMIT times the limit, the end."""
    while line := stream.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        size, ended = len(line), False
        while size <= max_bytes * SKIP_LIMIT and not ended:
            piece = stream.readline(CHUNK)
            if not piece:
                ended = True
                break
            size += len(piece)
            ended = piece.endswith(b"\n")
        yield Overlong(size, ended)
        if not ended:
            return


def jsonl_records(
    source: str, lines: Iterable[bytes | Overlong], date: dt.date | None, max_bytes: int
) -> Iterator[Document | Failure]:
    """One Document per record, or a Failure naming "source:line"; `date` is the default date."""
    for lineno, raw in enumerate(lines, 1):
        where = f"{source}:{lineno}"
        if isinstance(raw, Overlong):
            yield Failure(where, _too_large(raw, max_bytes))
            continue
        if not raw.strip():
            continue
        try:
            yield _record(where, raw, date, max_bytes)
        except InputError as e:
            yield Failure(where, str(e))


def _too_large(line: Overlong, max_bytes: int) -> str:
    limit = f"the limit is {mb(max_bytes)}, see --max-bytes"
    if line.ended:
        return f"record too large ({mb(line.size)}; {limit})"
    return f"record too large (no line end in the first {mb(line.size)}; {limit}); the rest of the input is skipped"


def _record(where: str, raw: bytes, date: dt.date | None, max_bytes: int) -> Document:
    if len(raw) > max_bytes:
        raise InputError(f"record too large ({mb(len(raw))}; the limit is {mb(max_bytes)}, see --max-bytes)")
    nul = raw.find(b"\x00")
    if nul >= 0 and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16's NULs: `decode` names it
        raise InputError(f"a NUL byte (at byte {nul}); a JSON Lines record is UTF-8 text")
    text = decode(raw)  # an InputError of its own: not UTF-8, a UTF-16 byte order mark, binary data
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON ({e.msg.removesuffix(' at')} at column {e.colno})") from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)") from None
    except ValueError:  # an integer of more digits than Python converts
        raise InputError("not valid JSON (a number too long)") from None
    if not isinstance(record, dict):
        raise InputError("not a JSON object")
    body = record.get("text")
    if not isinstance(body, str):
        raise InputError('no "text" string')
    doc_id = _id(record.get("id"), where)
    doc_date = parse_date(str(record["date"])) if record.get("date") else date
    title, url, source = (record.get(k) if isinstance(record.get(k), str) else None for k in ("title", "url", "source"))
    return check_fields(Document(doc_id, check_text(body), doc_date, title, url, source))


def _id(value: object, where: str) -> str:
    """A record's id as text: a string or an integer; none (or "") stands for its place, "source:line"."""
    if value is None or value == "":
        return where
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f'an "id" must be a string or an integer, not {_json_type(value)} ({json.dumps(value)[:40]})')
    return str(value)


JSON_TYPES = {float: "a number with a fraction or exponent", bool: "true or false", list: "an array", dict: "an object"}


def _json_type(value: object) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)
