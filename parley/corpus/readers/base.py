"""What every reader shares: Failure, InputError, bounded reads and the checks a text must pass."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

from ...nlp.document import Document
from ...nlp.language import english_problem

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# control characters no article needs: C0 but tab and line breaks, DEL, C1 (NUL is refused, not cleaned)
CONTROL = re.compile("[\x01-\x08\x0e-\x1f\x7f-\x9f]")
BINARY_SHARE = 0.1  # more control characters or undecodable bytes than this in the head: binary data
WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more
MIN_WORDS = 2  # fewer: not a document ("x", "a")


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
        shown = value if len(value) <= 40 else f"{value[:40]}..."
        raise InputError(f"not an ISO date: {shown!r}") from None


def mb(n: int) -> str:
    """A byte count in megabytes, for messages."""
    return f"{n / 1024 / 1024:.1f} MB"


def refuse_binary(data: bytes) -> None:
    """InputError when the bytes look like binary data rather than text or markup: a NUL byte in
    the head, more than BINARY_SHARE of it control characters, or undecodable bytes that come with
    control characters (random or compressed bytes; text in a legacy encoding has none)."""
    head = data[:8192]
    if b"\x00" in head:
        raise InputError(f"binary data, not text (a NUL byte at offset {head.index(0)})")
    sample = head.decode("utf-8", errors="replace")
    if not sample:
        return
    control = len(CONTROL.findall(sample)) / len(sample)
    undecodable = sample.count("\ufffd") / len(sample)
    if control > BINARY_SHARE or (undecodable > BINARY_SHARE and control > 0.01):
        raise InputError(
            f"binary data, not text ({control:.0%} control characters, {undecodable:.0%} undecodable bytes)"
        )


def decode(data: bytes) -> str:
    """Bytes -> text, refusing binary data and anything that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # its NUL bytes would pass for binary data
        raise InputError("not UTF-8 text (UTF-16 or UTF-32, by its byte order mark)")
    refuse_binary(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def refuse_bad_characters(text: str) -> None:
    """InputError when a decoded string holds a NUL or a lone surrogate (from a JSON or XML escape):
    no article needs one, and PostgreSQL cannot store a NUL."""
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(f"a NUL character (at character {nul})")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise InputError(
            f"not valid Unicode (lone surrogate U+{ord(text[e.start]):04X} at character {e.start})"
        ) from None


def check_fields(doc: Document) -> Document:
    """The document, if its id, title, URL and publisher hold no NUL or lone surrogate; else InputError."""
    for value in (doc.id, doc.title, doc.url, doc.source):
        if value:
            refuse_bad_characters(value)
    return doc


def clean(text: str) -> str:
    """The text with each control character (escape sequences' ESC included) replaced by a space,
    so offsets stay those of the input and no terminal obeys them."""
    return CONTROL.sub(" ", text)


def check_text(text: str) -> str:
    """The text, control characters cleaned and stripped, if parley can code it; else InputError."""
    text = text.strip()
    if not text:
        raise InputError("empty")
    refuse_bad_characters(text)
    text = clean(text).strip()
    words = len(WORD.findall(text, 0, 1000))
    if words < MIN_WORDS:
        raise InputError(f"too short to be a document ({words} word{'s' * (words != 1)}; at least {MIN_WORDS} needed)")
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
                raise InputError(f"too large ({mb(size)}; the limit is {mb(max_bytes)}, see --max-bytes)")
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise InputError(os_reason(e)) from None
    if len(data) > max_bytes:
        raise InputError(f"too large (over {mb(max_bytes)}; see --max-bytes)")
    return data


def host(url: str | None) -> str | None:
    """The host name of an http(s) URL (the publisher of what it points to), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # "//[": an unclosed IPv6 address
        return None
    return parts.hostname if parts.scheme.lower() in ("http", "https") else None
