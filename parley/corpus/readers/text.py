"""Plain text -> a Document: UTF-8, not binary data, not empty, English."""

from __future__ import annotations

import datetime as dt

from ...nlp.document import Document
from .base import check_text, decode, host


def text_document(doc_id: str, data: bytes, date: dt.date | None = None, url: str | None = None) -> Document:
    """The text as a Document (InputError when parley cannot code it); `url` is where it was fetched from."""
    return Document(doc_id, check_text(decode(data)), date, url=url, source=host(url))
