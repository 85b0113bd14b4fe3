"""RSS 2.0, Atom and RDF feeds -> one Document per item (feedparser), reading the item's page when it can.

An item's page is read in place of its summary when its link is a local file (a path
relative to the feed's folder, or a file:// URL) or, where the caller allows fetching, an
http(s) URL. A feed from the web never opens local files, and a saved feed opens only files
inside its own folder (or the folder the caller names): an item linking elsewhere
(`../secret/page.html`, `file:///etc/...`) is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import io
import os
import re
import xml.sax
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import feedparser

from ...nlp.document import Document
from . import web
from .base import Failure, InputError, check_fields, check_text, host, read_bytes
from .html import html_document, html_text
from .kinds import HTML, by_media_type


class LinkRefused(InputError):
    """An item's local link points outside the folder its feed may read: the item is refused."""


HTML_TYPES = {"text/html", "application/xhtml+xml"}
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def feed_documents(
    source: str,
    data: bytes,
    date: dt.date | None,
    *,
    location: str,
    max_bytes: int,
    fetch: bool = False,
    allow_net: Sequence[str] = (),
    links_root: str | None = None,
) -> Iterator[Document | Failure]:
    """One Document per item of a feed, or a Failure naming "source#item N"; one Failure for
    a feed that has no items (malformed or empty).

    `location` is the feed's path or (final) URL, against which item links are resolved;
    `date` stands in for items without one; `fetch` allows fetching http(s) item links
    (from public addresses, or those in `allow_net`); `links_root` is the folder local links
    may point into (default: the feed's own).
    """
    root = os.path.realpath(links_root or os.path.dirname(os.path.abspath(location)))
    try:
        parsed = feedparser.parse(io.BytesIO(data))  # a stream: feedparser never fetches it
    except ValueError as e:  # odd bytes or a NUL in the encoding declaration, a reference to a lone surrogate
        yield Failure(source, f"malformed feed (bad characters: {e.reason if isinstance(e, UnicodeError) else e})")
        return
    except Exception as e:  # noqa: BLE001 - the parser's own failure on broken markup ("<item<channel<link</item</link>")
        yield Failure(source, f"malformed feed (the feed parser cannot read it: {type(e).__name__})")
        return
    if not any(entry.get(k) for entry in parsed.entries for k in ("title", "link", "summary", "content")):
        yield Failure(
            source,
            f"malformed feed ({_reason(parsed.get('bozo_exception'))})" if parsed.bozo else "no items in the feed",
        )
        return
    publisher = _plain(parsed.feed.get("title_detail")) or host(parsed.feed.get("link"))
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{source}#item {n}"
        try:
            yield check_fields(_item(entry, where, date, publisher, location, max_bytes, fetch, allow_net, root))
        except InputError as e:
            yield Failure(where, str(e))


def _item(
    entry: Any,
    where: str,
    date: dt.date | None,
    publisher: str | None,
    location: str,
    max_bytes: int,
    fetch: bool,
    allow_net: Sequence[str],
    root: str,
) -> Document:
    """The item's Document: its page's main text if the page can be read, else its content or summary."""
    link = None if entry.get("guidislink") else entry.get("link")  # feedparser copies a permalink guid to link
    if link and web.is_url(location):
        with contextlib.suppress(ValueError):  # a link urllib cannot parse: `_page` says why
            link = urljoin(location, link)
    doc_id = entry.get("id") or link or where
    published = _date(entry)
    page, page_problem = None, None
    if link:
        try:
            page = _page(doc_id, link, location, published or date, max_bytes, fetch, allow_net, root)
        except LinkRefused:
            raise
        except InputError as e:
            page_problem = f"the linked page: {e}"
    title = _plain(entry.get("title_detail")) or None
    if page is not None:
        return Document(doc_id, page.text, published or page.date, title or page.title, page.url or link, publisher)
    details = [*entry.get("content", []), entry.get("summary_detail")]
    summary = next((text for text in map(_plain, details) if text), "")
    reason = "empty (no content or description)"
    if summary:
        try:
            return Document(doc_id, check_text(summary), published or date, title, link, publisher)
        except InputError as e:
            reason = str(e)
    raise InputError(f"{reason}; {page_problem}" if page_problem else reason)


def _page(
    doc_id: str,
    link: str,
    location: str,
    date: dt.date | None,
    max_bytes: int,
    fetch: bool,
    allow_net: Sequence[str],
    root: str,
) -> Document | None:
    """The linked page as a Document, None when there is none to read; InputError when it cannot be read."""
    try:
        parts = urlsplit(link)
    except ValueError as e:  # "//[": an unclosed IPv6 address
        raise InputError(f"not a valid link ({e})") from None
    scheme = parts.scheme.lower()
    if scheme in web.SCHEMES:
        if not fetch:
            return None
        response = web.fetch(link, max_bytes, allow_net=allow_net)
        if by_media_type(response.media_type) != HTML:
            raise InputError(f"not an HTML page ({response.media_type})")
        return html_document(doc_id, response.body, date, response.url)
    if web.is_url(location) or scheme not in ("", "file") or (scheme == "" and parts.netloc):
        return None
    if scheme == "":
        path = os.path.join(os.path.dirname(location), url2pathname(parts.path))
    elif parts.netloc in ("", "localhost"):
        path = url2pathname(parts.path)
    else:  # feedparser folds "file:///dir/page.html" into "file://dir/page.html"
        path = url2pathname(f"/{parts.netloc}{parts.path}")
    real = os.path.realpath(path)  # links followed: a link inside the folder to a file outside is outside
    if os.path.commonpath([real, root]) != root:
        raise LinkRefused(f"refused: the linked page {real} is outside the feed's folder {root} (see --links-root)")
    if not os.path.isfile(real):
        return None
    return html_document(doc_id, read_bytes(real, max_bytes), date)


def _plain(detail: Any) -> str:
    """A feedparser text construct ({"type", "value"}) as plain text: HTML converted, whitespace tidied."""
    if not detail or not detail.get("value"):
        return ""
    if detail.get("type") in HTML_TYPES:
        return html_text(detail["value"])
    paragraphs = (" ".join(p.split()) for p in PARAGRAPH_BREAK.split(detail["value"]))
    return "\n".join(p for p in paragraphs if p)


def _date(entry: Any) -> dt.date | None:
    """The item's publication (else update) date, as a calendar date where it was published."""
    for key in ("published", "updated", "created"):
        raw = dict.get(entry, key)  # the item's own field: feedparser's get() falls back from one to another, warning
        if not raw:
            continue
        try:
            return dt.datetime.fromisoformat(raw).date()
        except ValueError:
            pass
        try:
            return email.utils.parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, OverflowError):  # OverflowError: an hour of 20 digits
            pass
        parsed = dict.get(entry, f"{key}_parsed")  # other formats feedparser knows, in UTC
        try:
            if parsed:
                return dt.date(*parsed[:3])
        except ValueError:  # "0000-00-00": a struct_time no calendar date matches
            pass
    return None


def _reason(error: Exception | None) -> str:
    if isinstance(error, xml.sax.SAXParseException):
        return f"{error.getMessage()} at line {error.getLineNumber()}"
    return str(error).splitlines()[0] if error and str(error) else "not a feed"
