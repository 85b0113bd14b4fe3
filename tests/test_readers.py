"""Input kinds: HTML pages, RSS/Atom/RDF feeds, JSON Lines, kind detection and URLs (on a local server)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from parley.cli import main
from parley.corpus.readers import web
from parley.corpus.readers.base import InputError
from parley.corpus.readers.html import html_text
from parley.corpus.readers.kinds import (
    FEED,
    HTML,
    TEXT,
    by_media_type,
    by_suffix,
    sniff,
)
from parley.corpus.sources import Failure, ReadOptions, documents
from parley.nlp.document import Document

INPUTS = Path(__file__).parent / "data" / "inputs"
NEWS, LINKED, FRENCH, EMPTY_PAGE = (
    INPUTS / n for n in ("news-page.html", "linked-page.html", "french-page.html", "empty-page.html")
)
RSS, ATOM, RDF, BROKEN = (INPUTS / n for n in ("world-news.rss", "europe.atom", "asia.rdf", "broken-feed.xml"))
NOISE = "SHOULD NOT APPEAR"


def read(*inputs, stdin=None, **options) -> list[Document | Failure]:
    return list(documents([str(i) for i in inputs], ReadOptions(**options), stdin))


def one(*inputs, **options) -> Document:
    [doc] = read(*inputs, **options)
    assert isinstance(doc, Document), doc
    return doc


def failures(items) -> dict[str, str]:
    return {f.source: f.reason for f in items if isinstance(f, Failure)}


# -- HTML pages


def test_html_main_text_title_date_url_and_source():
    doc = one(NEWS, date=dt.date(2025, 1, 1))
    assert doc.id == str(NEWS)
    assert doc.title == "Ukraine and Russia swap prisoners after talks in Istanbul"
    assert doc.date == dt.date(2025, 5, 20)  # the page's article:published_time, not the --date given
    assert doc.url == "https://news.example.com/world/2025/ukraine-russia-prisoner-swap"  # the canonical link
    assert doc.source == "news.example.com"
    assert "exchanged 390 prisoners of war on Tuesday" in doc.text
    assert "Moscow rejected a call from Kyiv" in doc.text
    for noise in (NOISE, "track(", "font-family", "Most read", "Subscribe", "Copyright", "first! great article"):
        assert noise not in doc.text


def test_html_without_date_or_canonical_link_takes_the_date_given(tmp_path):
    page = tmp_path / "page.htm"
    html = NEWS.read_text(encoding="utf-8")
    for line in html.splitlines():
        if "published_time" in line or "canonical" in line or "datePublished" in line:
            html = html.replace(line, "")
    page.write_text(html, encoding="utf-8")
    doc = one(page, date=dt.date(2025, 5, 21))
    assert doc.date == dt.date(2025, 5, 21) and doc.url is None
    assert doc.source == "The Daily Ledger"  # no URL: the site name the page gives


def test_bad_html_pages_are_failures_with_reasons():
    got = failures(read(FRENCH, EMPTY_PAGE, INPUTS / "empty.txt", NEWS))
    assert got[str(FRENCH)].startswith("not English")
    assert got[str(EMPTY_PAGE)] == "no main text in the HTML"
    assert got[str(INPUTS / "empty.txt")] == "empty"
    assert str(NEWS) not in got


def test_html_fragment_text_drops_scripts_styles_and_comments():
    fragment = (
        "<p>Iran condemned\n   the attack.</p><script>alert('x')</script><style>p {color: red}</style>"
        "<!-- a comment --><ul><li>First point</li><li>Second<br>line</li></ul>Tail &amp; end"
    )
    assert html_text(fragment) == "Iran condemned the attack.\nFirst point\nSecond\nline\nTail & end"
    assert html_text("   ") == ""


# -- feeds


def test_rss_items_with_a_local_linked_page_and_an_empty_item():
    items = read(RSS, date=dt.date(2025, 1, 1))
    iran, japan, empty = items
    assert isinstance(iran, Document) and isinstance(japan, Document)
    assert iran.id == "pw-2025-0411-iran" and iran.source == "Pacific Wire: World"
    assert iran.title == "Iran condemns attack on its embassy in Damascus"
    assert iran.url == "https://pacificwire.example.org/world/iran-embassy-attack"
    assert iran.date == dt.date(2025, 4, 11)  # 23:30 at -04:00: the day where it was published, not UTC's
    assert iran.text.startswith("Iran condemned on Friday the air strike")  # the full content, not the summary
    assert "Swiss ambassador" in iran.text and NOISE not in iran.text
    # the link is a file beside the feed: its main text, the item's own title and date
    assert japan.id == "pw-2025-0303-japan" and japan.url == "linked-page.html"
    assert "a team of medical workers" in japan.text and NOISE not in japan.text
    assert japan.date == dt.date(2025, 3, 3) and japan.title == "Japan sends emergency aid to the Philippines"
    assert isinstance(empty, Failure)
    assert empty.source == f"{RSS}#item 3" and empty.reason.startswith("empty")


def test_rss_item_falls_back_to_its_summary_without_the_linked_page(tmp_path):
    shutil.copy(RSS, tmp_path / "feed.rss")
    japan = read(tmp_path / "feed.rss")[1]
    assert japan.text == "Tokyo promises tents, water purifiers and doctors."


def test_file_url_links_are_read_inside_the_feeds_folder(tmp_path):
    feed = tmp_path / "feed.rss"
    page = shutil.copy(LINKED, tmp_path / "page.html")
    feed.write_text(
        RSS.read_text(encoding="utf-8").replace("<link>linked-page.html", f"<link>{Path(page).as_uri()}"),
        encoding="utf-8",
    )
    assert "a team of medical workers" in read(feed)[1].text


def _linking(folder: Path, link: str) -> Path:
    """A saved feed in `folder` whose second item links to `link`."""
    folder.mkdir(parents=True, exist_ok=True)
    feed = folder / "feed.rss"
    feed.write_text(RSS.read_text(encoding="utf-8").replace("<link>linked-page.html", f"<link>{link}"), "utf-8")
    return feed


def test_local_links_outside_the_feeds_folder_are_refused(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    shutil.copy(LINKED, secret / "page.html")
    feeds = tmp_path / "feeds"
    (feeds / "inside").mkdir(parents=True)
    (feeds / "inside" / "escape.html").symlink_to(secret / "page.html")  # a link inside, to a file outside
    for link in ("../secret/page.html", (secret / "page.html").as_uri(), "inside/escape.html"):
        feed = _linking(feeds, link)
        (item,) = (i for i in read(feed) if isinstance(i, Failure) and i.source == f"{feed}#item 2")
        assert item.reason == (
            f"refused: the linked page {secret / 'page.html'} is outside the feed's folder {feeds} (see --links-root)"
        )
    # a folder named by the caller widens what may be read
    assert "a team of medical workers" in read(feed, links_root=str(tmp_path))[1].text


def test_an_item_whose_page_and_summary_both_fail_names_both(tmp_path):
    feed = tmp_path / "feed.rss"
    page = Path(shutil.copy(EMPTY_PAGE, tmp_path / "empty.html"))
    feed.write_text(
        RSS.read_text(encoding="utf-8").replace("https://pacificwire.example.org/world/live", page.as_uri()),
        encoding="utf-8",
    )
    assert failures(read(feed)) == {
        f"{feed}#item 3": "empty (no content or description); the linked page: no main text in the HTML"
    }


def test_atom_entries():
    protest, poland = read(ATOM)
    assert protest.id == "tag:review.example.net,2025:tbilisi-protest"
    assert protest.title == "Georgia & the EU: protesters rally in Tbilisi"
    assert protest.date == dt.date(2025, 6, 1)  # published, at +04:00, before updated
    assert protest.url == "https://review.example.net/europe/tbilisi-protest"
    assert protest.source == "Continental Review: Europe"
    assert protest.text.splitlines()[1].startswith("Police used water cannon") and "color" not in protest.text
    assert poland.url is None  # the entry has no link, only an id
    assert poland.date == dt.date(2025, 5, 30)
    assert "\n" not in poland.text and "the Belarusian authorities expelled" in poland.text


def test_rdf_feed():
    doc = one(RDF)
    assert doc.id == doc.url == "https://asia.example.com/korea-talks"
    assert doc.source == "Asia Desk" and doc.date == dt.date(2025, 1, 15)


def test_malformed_and_empty_feeds_are_one_failure_each(tmp_path):
    empty = tmp_path / "empty.rss"
    empty.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>')
    got = failures(read(BROKEN, empty, RDF))
    assert got == {str(BROKEN): "malformed feed (no element found at line 8)", str(empty): "no items in the feed"}


# -- kinds, formats, JSON Lines, directories


def test_kind_by_suffix_media_type_and_content():
    assert [by_suffix(n) for n in ("a.HTML", "b.xhtml", "c.rss", "d.atom", "e.rdf", "f.xml", "g.txt", "h")] == [
        "html",
        "html",
        "feed",
        "feed",
        "feed",
        "feed",
        "text",
        None,
    ]
    assert by_media_type("application/atom+xml") == FEED and by_media_type("application/x-ndjson") == "jsonl"
    assert sniff(b"\xef\xbb\xbf  <!DOCTYPE html><html>") == HTML
    assert sniff(b'<?xml version="1.0"?>\n<!-- x -->\n<html xmlns="http://www.w3.org/1999/xhtml">') == HTML
    assert sniff(RSS.read_bytes()) == sniff(ATOM.read_bytes()) == sniff(RDF.read_bytes()) == FEED
    assert sniff(b"<feed><entry/></feed>") == TEXT  # not Atom's namespace
    assert sniff(b"Russia and China held talks.") == TEXT


def test_content_decides_without_a_telling_suffix(tmp_path):
    (tmp_path / "page").write_bytes(NEWS.read_bytes())
    (tmp_path / "feed.dat").write_bytes(ATOM.read_bytes())
    docs = read(tmp_path)
    assert [d.title for d in docs] == [
        "Georgia & the EU: protesters rally in Tbilisi",
        "Poland recalls its ambassador from Minsk",
        "Ukraine and Russia swap prisoners after talks in Istanbul",
    ]
    stdin = one("-", stdin=io.BytesIO(NEWS.read_bytes()))
    assert stdin.id == "-" and stdin.date == dt.date(2025, 5, 20)


def test_input_format_overrides_the_suffix(tmp_path):
    (tmp_path / "page.txt").write_bytes(NEWS.read_bytes())
    (tmp_path / "feed.txt").write_bytes(RDF.read_bytes())
    assert one(tmp_path / "page.txt", input_format="html").source == "news.example.com"
    assert one(tmp_path / "feed.txt", input_format="feed").source == "Asia Desk"
    assert "<html" in one(tmp_path / "page.txt", input_format="text").text
    with pytest.raises(ValueError):
        read(NEWS, input_format="pdf")


def test_jsonl_source_field(tmp_path):
    corpus = tmp_path / "c.ndjson"
    corpus.write_text(
        json.dumps(
            {
                "id": "a",
                "text": "Peru recalled its ambassador.",
                "source": "Andes Post",
                "url": "https://andes.example/a",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    doc = one(corpus)
    assert (doc.id, doc.source, doc.url) == ("a", "Andes Post", "https://andes.example/a")


def test_a_directory_of_mixed_inputs_streams(tmp_path):
    shutil.copytree(INPUTS, tmp_path / "in")
    items = documents([str(tmp_path / "in")])
    first = next(items)  # the first file's items come before the others are read
    assert isinstance(first, Document) and first.source == "Asia Desk"
    rest = list(items)
    assert sum(isinstance(i, Document) for i in rest) == 6
    assert sorted(Path(f.source).name for f in rest if isinstance(f, Failure)) == [
        "broken-feed.xml",
        "empty-page.html",
        "empty.txt",
        "french-page.html",
        "world-news.rss#item 3",
    ]


def test_parley_code_reads_feeds_and_pages(capsys, monkeypatch, pipeline):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8"))
    status = main(["code", str(RSS), str(NEWS), "--format", "jsonl"])
    out, err = capsys.readouterr()
    assert status == 1 and err.strip() == f"parley: {RSS}#item 3: empty (no content or description)"
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["doc_id"] for r in records} == {"pw-2025-0411-iran", "pw-2025-0303-japan", str(NEWS)}
    assert any(r["event_type"] == "ACCUSE" and r["doc_id"] == "pw-2025-0411-iran" for r in records)


# -- URLs, against a server on 127.0.0.1 (a loopback address: allowed by name, tests/test_ssrf.py)

LOCAL = ["127.0.0.1/32"]


PLAIN_PAGE = LINKED.read_bytes()  # no canonical link: its URL is where it was fetched from


class Handler(BaseHTTPRequestHandler):
    """Routes of the test server; /redirect/N redirects N times before landing on /page.html."""

    def do_GET(self):
        path = self.path
        if path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            return self.reply(302, b"", location=f"/redirect/{n - 1}" if n > 1 else "/page.html")
        routes = {
            "/page.html": ("text/html; charset=utf-8", PLAIN_PAGE),
            "/article": ("text/html", NEWS.read_bytes()),
            "/feed": ("application/rss+xml", self.feed()),
            "/atom.xml": ("application/octet-stream", ATOM.read_bytes()),
            "/note": ("text/plain; charset=utf-8", b"Kenya and Uganda signed a trade agreement on Monday."),
            "/corpus": ("application/x-ndjson", b'{"id": "n1", "text": "Chile recalled its ambassador."}\n'),
            "/pdf": ("application/pdf", b"%PDF-1.4 not a page"),
            "/big": ("text/plain", b"x" * 5000),
        }
        if path in ("/to-file", "/to-ftp"):
            return self.reply(302, b"", location=LINKED.as_uri() if path == "/to-file" else "ftp://127.0.0.1/page.html")
        if path == "/slow":
            time.sleep(1.5)
            return self.reply(200, b"late")
        if path not in routes:
            return self.reply(404, b"not here")
        media_type, body = routes[path]
        self.reply(200, body, media_type, length=path != "/big")

    def feed(self) -> bytes:
        """The RSS fixture with its items linking to this server (absolute, relative) and to a local file."""
        return (
            RSS.read_bytes()
            .replace(b"<link>linked-page.html", f"<link>http://{self.headers['Host']}/page.html".encode())
            .replace(b"https://pacificwire.example.org/world/iran-embassy-attack", b"/pdf")
            .replace(b"https://pacificwire.example.org/world/live", LINKED.as_uri().encode())
        )

    def reply(
        self, status: int, body: bytes, media_type: str = "text/plain", location: str | None = None, length: bool = True
    ):
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        if location:
            self.send_header("Location", location)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except BrokenPipeError:  # the client gave up first (/slow)
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """The local server is reached directly, whatever proxy the environment names."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_url_inputs_are_read_by_content_type(server):
    page, article, protest, poland, note, corpus = read(
        *(server + p for p in ("/page.html", "/article", "/atom.xml", "/note", "/corpus")),
        date=dt.date(2025, 3, 1),
        allow_net=LOCAL,
    )
    assert page.id == server + "/page.html" and page.url == server + "/page.html" and page.source == "127.0.0.1"
    assert "a team of medical workers" in page.text and page.date == dt.date(2025, 3, 4)
    assert article.url == "https://news.example.com/world/2025/ukraine-russia-prisoner-swap"
    assert article.source == "news.example.com"
    assert protest.source == poland.source == "Continental Review: Europe"  # octet-stream: the content tells
    assert (note.url, note.source, note.date) == (server + "/note", "127.0.0.1", dt.date(2025, 3, 1))
    assert corpus.id == "n1"


def test_redirects_are_followed_three_times_at_most(server):
    doc = one(server + "/redirect/3", allow_net=LOCAL)
    assert doc.url == server + "/page.html"
    assert failures(read(server + "/redirect/4", allow_net=LOCAL)) == {
        server + "/redirect/4": "too many redirects (more than 3)"
    }
    assert failures(read(server + "/to-ftp", allow_net=LOCAL)) == {
        server + "/to-ftp": "redirected to a URL that is not http(s): ftp://127.0.0.1/page.html"
    }
    assert (
        "not allowed" in failures(read(server + "/to-file", allow_net=LOCAL))[server + "/to-file"]
    )  # urllib's own refusal


def test_network_failures_are_one_line_reasons(server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/x"
    got = failures(read(server + "/missing", server + "/big", closed, max_bytes=1000, allow_net=LOCAL))
    assert got == {
        server + "/missing": "HTTP error 404 (Not Found)",
        server + "/big": "too large (over 0.0 MB; see --max-bytes)",
        closed: "cannot fetch: connection refused",
    }
    with pytest.raises(InputError, match="timed out"):
        web.fetch(server + "/slow", 1000, timeout=0.5, allow_net=LOCAL)
    with pytest.raises(InputError, match="too large"):
        web.fetch(server + "/page.html", 100, allow_net=LOCAL)  # refused on its Content-Length
    with pytest.raises(InputError, match="not an http"):
        web.fetch("ftp://127.0.0.1/x", 100)


def test_feed_links_are_fetched_only_when_allowed(server):
    pdf, japan, live = read(server + "/feed", allow_net=LOCAL)
    # not allowed: the summaries; the local file a web feed links to is never opened
    assert pdf.text.startswith("Iran condemned on Friday") and pdf.url == server + "/pdf"
    assert japan.text == "Tokyo promises tents, water purifiers and doctors."
    assert isinstance(live, Failure) and live.source == server + "/feed#item 3"
    pdf, japan, live = read(server + "/feed", fetch=True, allow_net=LOCAL)
    assert pdf.text.startswith("Iran condemned on Friday")  # not HTML: the item's own content
    assert "a team of medical workers" in japan.text and japan.url == server + "/page.html"
    assert japan.date == dt.date(2025, 3, 3)  # the item's date before the page's
    assert isinstance(live, Failure)
