"""Inputs -> Documents: text files, directories, standard input and JSON Lines corpora.

Every bad input becomes a Failure naming the input and the reason; the rest go on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .document import Document
from .language import english_problem

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
STDIN = "-"


@dataclass
class Failure:
    """An input that could not be coded, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class InputError(ValueError):
    """Raised for a bad input; the message is the reason."""


def parse_date(value: str) -> dt.date:
    """An ISO date ("2025-02-28") or timestamp ("2025-02-28T10:00:00Z") -> date."""
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        raise InputError(f"not an ISO date: {value!r}") from None


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def decode(data: bytes) -> str:
    """Bytes -> text, refusing binary data and anything that is not UTF-8."""
    head = data[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) * 0.05:
        raise InputError("binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def check_text(text: str) -> str:
    """The text, stripped, if parley can code it; else InputError."""
    text = text.strip()
    if not text:
        raise InputError("empty")
    problem = english_problem(text)
    if problem:
        raise InputError(problem)
    return text


def os_reason(e: OSError) -> str:
    """A lower-case one-line reason for a failed file operation."""
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    return (e.strerror or str(e)).lower()


def read_bytes(path: str, max_bytes: int, stream: BinaryIO | None = None) -> bytes:
    """The bytes of a file (or stream), refusing more than max_bytes."""
    if stream is not None:
        data = stream.read(max_bytes + 1)
    else:
        try:
            size = os.stat(path).st_size
            if size > max_bytes:
                raise InputError(f"too large ({_mb(size)}; the limit is {_mb(max_bytes)}, see --max-bytes)")
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise InputError(os_reason(e)) from None
    if len(data) > max_bytes:
        raise InputError(f"too large (over {_mb(max_bytes)}; see --max-bytes)")
    return data


def expand(inputs: Sequence[str]) -> Iterator[str]:
    """Inputs with directories replaced by their files (recursively, sorted, hidden ones skipped)."""
    for item in inputs:
        if item != STDIN and os.path.isdir(item):
            for root, dirs, files in os.walk(item):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield item


def is_jsonl(source: str, input_format: str) -> bool:
    return input_format == "jsonl" or (input_format == "auto" and Path(source).suffix.lower() in JSONL_SUFFIXES)


def documents(inputs: Sequence[str], input_format: str = "auto", date: dt.date | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None) -> Iterator[Document | Failure]:
    """Documents from files, directories, '-' (standard input) and JSON Lines, with failures inline.

    For a text input the document id is its path as given ('-' for standard input); for
    JSON Lines, the record's "id". `date` is the publication date of text inputs and the
    default for JSON Lines records that carry none.
    """
    for source in expand(inputs):
        stream = (stdin or sys.stdin.buffer) if source == STDIN else None
        if is_jsonl(source, input_format):
            yield from _jsonl_source(source, stream, date, max_bytes)
            continue
        try:
            text = decode(read_bytes(source, max_bytes, stream))
            yield Document(source, check_text(text), date)
        except InputError as e:
            yield Failure(source, str(e))


def _jsonl_source(source: str, stream: BinaryIO | None, date: dt.date | None, max_bytes: int
                  ) -> Iterator[Document | Failure]:
    """Stream a JSON Lines corpus a line at a time: memory stays bounded however large it is."""
    try:
        f = stream if stream is not None else open(source, "rb")
    except OSError as e:
        yield Failure(source, os_reason(e))
        return
    try:
        yield from _jsonl(source, f, date, max_bytes)
    finally:
        if stream is None:
            f.close()


def _jsonl(source: str, lines: BinaryIO, date: dt.date | None, max_bytes: int) -> Iterator[Document | Failure]:
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{source}:{lineno}"
        try:
            if len(raw) > max_bytes:
                raise InputError(f"record too large ({_mb(len(raw))}; the limit is {_mb(max_bytes)}, see --max-bytes)")
            try:
                record = json.loads(decode(raw))
            except json.JSONDecodeError as e:
                raise InputError(f"not valid JSON ({e.msg})") from None
            if not isinstance(record, dict):
                raise InputError("not a JSON object")
            body = record.get("text")
            if not isinstance(body, str):
                raise InputError('no "text" string')
            doc_id = str(record["id"]) if record.get("id") is not None else where
            doc_date = parse_date(str(record["date"])) if record.get("date") else date
            title = record.get("title") if isinstance(record.get("title"), str) else None
            url = record.get("url") if isinstance(record.get("url"), str) else None
            yield Document(doc_id, check_text(body), doc_date, title, url)
        except InputError as e:
            yield Failure(where, str(e))
