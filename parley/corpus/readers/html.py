"""HTML -> text: a page's main text, title and date (trafilatura), and the plain text of a fragment.

Scripts, styles, navigation and comments never reach the text: trafilatura keeps only the
article body, and fragments (feed items) are cleaned with lxml_html_clean first.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner
from trafilatura import bare_extraction

from ...nlp.document import Document
from .base import InputError, check_text, host, parse_date, refuse_binary

NO_MAIN_TEXT = "no main text in the HTML"
# block elements end a line of text; everything else runs on within it
BLOCKS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
)
CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    style=True,
    comments=True,
    processing_instructions=True,
    embedded=True,
    forms=True,
    meta=True,
    page_structure=False,
    kill_tags={"noscript", "template"},
)
SPACE = re.compile(r"\s+")
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # lxml refuses these in a tree


def html_document(doc_id: str, data: bytes, date: dt.date | None = None, url: str | None = None) -> Document:
    """A page's main text as a Document; InputError when it has none parley can code.

    `date` stands in when the page names no publication date; `url` is where the page was
    fetched from, used when it gives no canonical URL. The source is the URL's host, else
    the site name the page gives.
    """
    refuse_binary(data)
    # precision over recall, no comments; only the page's own metadata dates it (no guessing from the text)
    try:
        found = bare_extraction(
            data,
            url=url,
            favor_precision=True,
            include_comments=False,
            with_metadata=True,
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": dt.date.today().isoformat(),
            },
        )
    except Exception as e:  # noqa: BLE001 - the extractor's own failure on a malformed tree ("<svg>x<div>")
        raise InputError(f"HTML the extractor cannot read ({type(e).__name__})") from None
    if found is None or not (found.text or "").strip():
        raise InputError(NO_MAIN_TEXT)
    text = check_text(found.text)
    page_url = found.url or url
    return Document(
        doc_id, text, _date(found.date) or date, found.title or None, page_url, host(page_url) or found.sitename or None
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except InputError:
        return None


def html_text(fragment: str) -> str:
    """The plain text of an HTML fragment: one line per block, scripts and styles dropped."""
    fragment = NOT_XML.sub("", fragment)
    if not fragment.strip():
        return ""
    try:
        root = CLEANER.clean_html(lxml_html.fragment_fromstring(fragment, create_parent="div"))
    except (etree.ParserError, ValueError, AssertionError):
        return ""  # nothing parseable, an encoding declaration in a str, a page cut off before <body> (lxml asserts)
    for el in root.iter():
        el.text = SPACE.sub(" ", el.text) if el.text else el.text
        el.tail = SPACE.sub(" ", el.tail) if el.tail else el.tail
    for el in root.iter(*BLOCKS, "br"):
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
        el.tail = "\n" + (el.tail or "")
    lines = (line.strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)
