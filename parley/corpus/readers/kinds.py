"""Which reader an input needs: by its suffix, its media type, or a look at its first bytes."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

TEXT, HTML, FEED, JSONL = "text", "html", "feed", "jsonl"
INPUT_FORMATS = ("auto", TEXT, JSONL, HTML, FEED)  # the input_format choices; auto detects the kind of each input
SUFFIXES = {
    ".txt": TEXT,
    ".text": TEXT,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".xml": FEED,
    ".rss": FEED,
    ".atom": FEED,
    ".rdf": FEED,
    ".jsonl": JSONL,
    ".ndjson": JSONL,
}
MEDIA_TYPES = {
    "text/plain": TEXT,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "application/rss+xml": FEED,
    "application/atom+xml": FEED,
    "application/rdf+xml": FEED,
    "application/xml": FEED,
    "text/xml": FEED,
    "application/x-ndjson": JSONL,
    "application/jsonl": JSONL,
    "application/x-jsonlines": JSONL,
    "application/jsonlines": JSONL,
}
HTML_START = re.compile(rb"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
# what may come before an XML document's root: declaration, processing instructions, comments, doctype
PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.DOTALL)
ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)([^>]*)>")
ATOM = b"http://www.w3.org/2005/Atom"


def by_suffix(path: str) -> str | None:
    """The kind a file name's suffix (or a URL path's) says, or None when it says nothing."""
    return SUFFIXES.get(PurePosixPath(path).suffix.lower())


def by_media_type(media_type: str) -> str | None:
    """The kind an HTTP Content-Type ("text/html", no parameters) says, or None."""
    return MEDIA_TYPES.get(media_type.lower())


def sniff(data: bytes) -> str:
    """HTML for a page (<!DOCTYPE html> or an <html> root), FEED for an <rss>, Atom <feed> or
    <rdf:RDF> root, else TEXT."""
    head = data[:4096].removeprefix(b"\xef\xbb\xbf").lstrip()
    if HTML_START.match(head):
        return HTML
    root = ROOT.match(head, PROLOG.match(head).end())
    if root is None:
        return TEXT
    name, attributes = root.group(1), root.group(2)
    local = name.rpartition(b":")[2]
    if local.lower() == b"html":
        return HTML
    if name == b"rss" or (local == b"RDF" and b":" in name) or (local == b"feed" and ATOM in attributes):
        return FEED
    return TEXT
