"""Nasty but real inputs and the outcome each is documented to give (docs: "Nasty inputs").

Small files live in tests/data/nasty/; the big ones (a 50 MB article, a 10,000-item feed,
a 1 MB token, 100,000 nested divs) are generated here at run time.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from parley.cli import main
from parley.corpus.sources import Failure, ReadOptions, documents
from parley.corpus.store import open_store
from parley.nlp.document import Document

NASTY = Path(__file__).resolve().parent / "data" / "nasty"
HIDDEN = (
    "INJECTED BY SCRIPT",
    "SCRIPT IN THE ARTICLE",
    "IFRAME FALLBACK",
    "EMBEDDED VIDEO",
    "NOSCRIPT",
    "STYLE TEXT",
    "UA-SECRET",
    "window.tracker",
    "analytics",
)

# input -> the reasons of its failures, in order (each names the input, or its line or item)
REFUSED = {
    "arabic.txt": ["not English (mostly non-Latin script)"],
    "russian.txt": ["not English (mostly non-Latin script)"],
    "spanish.txt": ["not English (only 2% English function words)"],
    "latin1.txt": ["not UTF-8 text (byte 0xe9 at offset 77)"],
    "utf16.txt": ["not UTF-8 text (UTF-16 or UTF-32, by its byte order mark)"],
}
JSONL_OUTCOMES = [  # mixed.jsonl, line by line
    "document good-1",
    "not valid JSON (Invalid control character at column 44)",
    'no "text" string',  # a number
    'no "text" string',  # missing
    "not an ISO date: 'nan'",
    'no "text" string',  # a nested object
    "not valid Unicode (lone surrogate U+D800 at character 35)",
    "not valid JSON (nested too deeply)",
    "not valid JSON (a number too long)",
    "not an ISO date: '2025-02-30'",
    "not a JSON object",
    "document good-2",
]


def read(path: Path | str, **kwargs) -> tuple[list[Document], list[Failure]]:
    items = list(documents([str(path)], ReadOptions(**kwargs)))
    return [d for d in items if isinstance(d, Document)], [f for f in items if isinstance(f, Failure)]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_languages_and_encodings_are_refused_with_their_reason(name):
    docs, failures = read(NASTY / name)
    assert docs == []
    assert [(f.source, f.reason) for f in failures] == [(str(NASTY / name), r) for r in REFUSED[name]]


def test_scripts_iframes_and_navigation_are_dropped_and_the_article_coded(pipeline):
    (doc,), failures = read(NASTY / "scripts-and-iframes.html")
    assert failures == [] and doc.title == "Ministers meet in Vienna on gas transit"
    assert doc.date == dt.date(2025, 3, 4)
    assert not [h for h in HIDDEN if h in doc.text]
    assert "Home | World" not in doc.text and "All rights reserved" not in doc.text
    assert "agreed to meet again next month" in doc.text
    (coded,) = pipeline([doc])
    assert {e.trigger_text for e in coded.events} >= {"met", "accused"}


def test_mixed_scripts_and_control_characters_are_coded(pipeline):
    docs = [read(NASTY / name)[0][0] for name in ("mixed-scripts.txt", "control-chars.txt")]
    raw = (NASTY / "control-chars.txt").read_text(encoding="utf-8").strip()
    # control characters (a bell, an escape sequence's ESC) become spaces, one for one: offsets stay the file's
    assert docs[1].text == re.sub("[\x01-\x08\x0e-\x1f\x7f]", " ", raw) and "\x07" in raw and "\x1b" in raw
    assert "\u202e" in docs[0].text  # other characters kept as given
    for doc in pipeline(docs):
        assert doc.events
        for e in doc.events:
            assert doc.text[e.trigger_start : e.trigger_end] == e.trigger_text


def test_a_truncated_page_gives_the_text_before_the_cut():
    (doc,), failures = read(NASTY / "truncated.html")  # cut in the middle of the second paragraph
    assert failures == [] and doc.text.endswith("Austria accused the supplier of breaking its promises,")


def test_bad_feed_dates_leave_the_item_undated_or_on_the_default_date():
    docs, failures = read(NASTY / "bad-dates.rss")
    assert failures == [] and [d.id for d in docs] == ["ht-1", "ht-2", "ht-3", "ht-4"]
    assert [d.date for d in docs] == [None, None, None, dt.date(2025, 3, 4)]
    default = dt.date(2025, 3, 1)
    assert [d.date for d in read(NASTY / "bad-dates.rss", date=default)[0]] == [default] * 3 + [dt.date(2025, 3, 4)]


def test_a_truncated_feed_gives_its_whole_items_and_one_failure_for_the_cut_one():
    docs, failures = read(NASTY / "truncated-feed.xml")
    assert [d.id for d in docs] == ["ht-1", "ht-2", "ht-3"]
    assert [str(f) for f in failures] == [f"{NASTY / 'truncated-feed.xml'}#item 4: empty (no content or description)"]


def test_feed_entities_are_never_expanded_nor_files_read():
    laughs, refused = read(NASTY / "billion-laughs.xml")
    leak, leaked = read(NASTY / "external-entity.xml")
    # the unexpanded entity is all that is left: too short to be a document, and nothing expanded or read
    assert laughs == [] and leak == []
    assert [f.reason.split(" (")[0] for f in refused + leaked] == ["too short to be a document"] * 2


def test_each_bad_json_line_is_its_own_failure():
    items = list(documents([str(NASTY / "mixed.jsonl")]))
    outcomes = [f"document {i.id}" if isinstance(i, Document) else i.reason for i in items]
    assert outcomes == JSONL_OUTCOMES
    assert [i.source for i in items if isinstance(i, Failure)] == [f"{NASTY / 'mixed.jsonl'}:{n}" for n in range(2, 12)]


def test_a_50_mb_article_is_refused_as_too_large(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.write(b"The minister met the envoy in Kyiv on Monday. " * (50 * 1024 * 1024 // 46))
    docs, failures = read(big)
    assert docs == []
    assert [f.reason for f in failures] == ["too large (50.0 MB; the limit is 5.0 MB, see --max-bytes)"]


def test_a_10000_item_feed_gives_10000_documents(tmp_path):
    items = "".join(
        f"<item><title>Talks {n}</title><guid>t-{n}</guid><pubDate>Tue, 04 Mar 2025 10:00:00 +0000"
        f"</pubDate><description>Envoys from Kenya and Uganda met in Nairobi for round {n} of the talks on"
        " the border.</description></item>"
        for n in range(10_000)
    )
    feed = tmp_path / "big.rss"
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>')
    docs, failures = read(feed)
    assert failures == [] and len(docs) == 10_000 and len({d.id for d in docs}) == 10_000
    assert docs[-1].title == "Talks 9999" and docs[-1].date == dt.date(2025, 3, 4)


def test_a_1_mb_token_is_too_short_to_be_a_document(tmp_path):
    path = tmp_path / "token.txt"
    path.write_bytes(b"x" * 1024 * 1024)
    assert read(path) == ([], [Failure(str(path), "too short to be a document (1 word; at least 2 needed)")])


def test_a_1_mb_token_after_prose_is_coded(tmp_path, pipeline):
    path = tmp_path / "token.txt"
    path.write_bytes(b"The minister met the envoy in Kyiv on Monday. " + b"x" * 1024 * 1024)
    (doc,), _ = read(path)
    (coded,) = pipeline([doc])
    assert all(0 <= s.start < s.end <= len(doc.text) for s in coded.sentences)


def test_100000_nested_divs_are_refused_as_no_main_text(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text(
        "<html><body>"
        + "<div>" * 100_000
        + "The minister met the envoy in Kyiv on Monday. " * 5
        + "</div>" * 100_000
        + "</body></html>"
    )
    assert [f.reason for f in read(page)[1]] == ["no main text in the HTML"]


def test_ingesting_the_nasty_folder_stores_the_good_once_and_names_each_bad_one(tmp_path, capsys, pipeline):
    db = tmp_path / "nasty.duckdb"
    assert main(["ingest", str(NASTY), "--db", str(db), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    expected = [f for f in documents([str(NASTY)]) if isinstance(f, Failure)]
    assert err == [f"parley: {f}" for f in expected] and len(err) == len(REFUSED) + 13
    assert "Traceback" not in "\n".join(err)
    store = open_store(str(db))
    try:
        ids = [r[0] for r in store.query("SELECT doc_id FROM documents ORDER BY doc_id")[1]]
    finally:
        store.close()
    # duplicate-b.txt is the same text as duplicate-a.txt: stored once
    assert str(NASTY / "duplicate-a.txt") in ids and str(NASTY / "duplicate-b.txt") not in ids
    assert {"good-1", "good-2", "ht-1", "ht-4", str(NASTY / "scripts-and-iframes.html")} <= set(ids)
    assert len(ids) == len(set(ids))
    assert main(["ingest", str(NASTY), "--db", str(db), "--quiet"]) == 1  # a rerun adds nothing
    store = open_store(str(db))
    try:
        assert store.scalar("SELECT count(*) FROM documents") == len(ids)
    finally:
        store.close()


def test_nul_characters_are_per_item_failures_and_postgresql_stores_the_rest(tmp_path, pg_store_url, capsys, pipeline):
    """PostgreSQL cannot store a NUL: one escaped into a record or a feed must not fail the whole batch."""
    story = "Russia accused Ukraine of shelling the town of Donetsk on Monday, officials said."
    corpus = tmp_path / "nul.jsonl"
    corpus.write_text(
        f'{{"id": "good", "text": "{story}"}}\n'
        f'{{"id": "in-text", "text": "{story[:20]}\\u0000{story[20:]}"}}\n'
        f'{{"id": "in-title", "title": "a\\u0000b", "text": "{story} Again."}}\n'
    )
    feed = tmp_path / "nul.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>T&#0;</title>'
        f"<description>{story} A third time.</description></item></channel></rss>"
    )
    assert main(["ingest", str(corpus), str(feed), "--db", pg_store_url, "--quiet"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"parley: {corpus}:2: a NUL character (at character 20)",
        f"parley: {corpus}:3: a NUL character (at character 1)",
        f"parley: {feed}#item 1: a NUL character (at character 1)",
    ]
    store = open_store(pg_store_url)
    assert store.query("SELECT doc_id FROM documents")[1] == [("good",)]
    store.close()
