"""JSON Lines corpora: one {"id", "text", "date"?, "title"?, "url"?, "source"?} object a line, streamed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
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


def jsonl_file(
    source: str, stream: BinaryIO | None, date: dt.date | None, max_bytes: int
) -> Iterator[Document | Failure]:
    """Stream a JSON Lines file (or stream) a line at a time: memory stays bounded however large it is."""
    if stream is not None:
        yield from jsonl_records(source, stream, date, max_bytes)
        return
    try:
        with open(source, "rb") as f:
            yield from jsonl_records(source, f, date, max_bytes)
    except OSError as e:  # cannot open it, or a read error part way
        yield Failure(source, os_reason(e))


def jsonl_records(
    source: str, lines: Iterable[bytes], date: dt.date | None, max_bytes: int
) -> Iterator[Document | Failure]:
    """One Document per record, or a Failure naming "source:line"; `date` is the default date."""
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            yield _record(where, raw, date, max_bytes)
        except InputError as e:
            yield Failure(where, str(e))


def _record(where: str, raw: bytes, date: dt.date | None, max_bytes: int) -> Document:
    if len(raw) > max_bytes:
        raise InputError(f"record too large ({mb(len(raw))}; the limit is {mb(max_bytes)}, see --max-bytes)")
    try:
        record = json.loads(decode(raw))
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
    doc_id = str(record["id"]) if record.get("id") not in (None, "") else where
    doc_date = parse_date(str(record["date"])) if record.get("date") else date
    title, url, source = (record.get(k) if isinstance(record.get(k), str) else None for k in ("title", "url", "source"))
    return check_fields(Document(doc_id, check_text(body), doc_date, title, url, source))
