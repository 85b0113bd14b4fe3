"""Fuzzing with small budgets: the targets of benchmarks/fuzz.py driven by hypothesis strategies.

Each reader must turn any bytes into documents that hold the invariants or into refusals with a
one-line reason (`run_reader` raises on anything else); the coder must code what readers accept
without an exception or a broken invariant (`code_batch`); `ingest` must store the good and name
the bad. The long run is `python benchmarks/fuzz.py --cases 100000`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.fuzz import (
    BAD_DATES,
    ENGLISH,
    READERS,
    SCRIPTS,
    Tally,
    code_batch,
    fuzz_ingest,
    fuzz_readers,
    html_page,
    jsonl_line,
    mutate,
    run_auto,
    run_reader,
    seed_bytes,
)
from parley.corpus.readers.html import html_text
from parley.nlp.document import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = seed_bytes()
FAST = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
read_text, read_html, read_feed, read_jsonl = (READERS[k][0] for k in ("text", "html", "feed", "jsonl"))

NASTY_CHARS = "".join(SCRIPTS.values())
words = st.sampled_from(ENGLISH.split() + ["\n", "\n\n", "  ", "<", "&", "'s", "-", "."])
nasty = st.text(st.sampled_from(NASTY_CHARS), min_size=1, max_size=8)
# English prose with nasty pieces: mostly accepted by the readers, so the coder sees it
english = st.lists(words | nasty, min_size=1, max_size=120).map(" ".join)
any_text = st.text(st.characters(exclude_categories=()), max_size=300)  # lone surrogates included
encodings = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-32", "koi8-r"])
mutated = st.builds(mutate, st.randoms(use_true_random=False), st.sampled_from(SEEDS), st.just(SEEDS))
text_bytes = st.one_of(
    st.binary(max_size=2000),
    mutated,
    st.tuples(english | any_text, encodings).map(lambda t: t[0].encode(t[1], "replace")),
    (english | any_text).map(lambda t: t.encode("utf-8", "surrogatepass")),
)

json_scalar = st.none() | st.booleans() | st.integers() | st.floats() | any_text | st.sampled_from(BAD_DATES)
json_value = st.recursive(
    json_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=8
)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": json_value,
        "text": english | json_value,
        "date": st.sampled_from(BAD_DATES + ["2025-02-28"]) | json_value,
        "title": json_value,
        "url": json_value,
        "source": json_value,
    },
)
json_lines = st.one_of(
    st.tuples(records, st.booleans()).map(
        lambda r: json.dumps(r[0], ensure_ascii=r[1]).encode("utf-8", "surrogatepass")
    ),
    st.builds(jsonl_line, st.randoms(use_true_random=False), st.just(SEEDS)),
    st.binary(max_size=300),
)
jsonl_files = st.lists(json_lines, max_size=6).map(lambda lines: b"\n".join(lines) + b"\n")

TAGS = ["div", "p", "span", "script", "style", "iframe", "table", "td", "li", "article", "noscript", "svg", "br"]
html_tree = st.recursive(
    english | nasty,
    lambda inner: st.tuples(st.sampled_from(TAGS), st.lists(inner, max_size=4)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
    ),
    max_leaves=20,
)
html_bytes = st.one_of(
    html_tree.map(lambda body: html_page(random.Random(0), body).encode()),
    mutated,
    st.tuples(html_tree, st.integers(0, 5000)).map(lambda t: t[0].encode()[: t[1]]),
)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


items = st.lists(st.tuples(english, english | any_text, st.sampled_from(BAD_DATES) | any_text), max_size=6)
feeds = st.builds(
    lambda entries, atom, cut: (
        (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title>'
            + "".join(
                f"<entry><title>{escape(t)}</title><updated>{escape(d)}</updated><content>{escape(x)}</content></entry>"
                for t, x, d in entries
            )
            + "</feed>"
        )
        if atom
        else (
            '<rss version="2.0"><channel><title>W</title>'
            + "".join(
                f"<item><title>{escape(t)}</title><pubDate>{escape(d)}</pubDate><description>{escape(x)}</description></item>"
                for t, x, d in entries
            )
            + "</channel></rss>"
        )
    ).encode("utf-8", "surrogatepass")[:cut],
    items,
    st.booleans(),
    st.integers(0, 10**6),
)
feed_bytes = st.one_of(feeds, st.builds(mutate, st.randoms(use_true_random=False), feeds, st.just(SEEDS)))


@FAST
@given(text_bytes)
def test_text_reader_refuses_or_reads_any_bytes(data):
    run_reader(read_text, data)


@FAST
@given(html_bytes)
def test_html_reader_refuses_or_reads_any_page(data):
    run_reader(read_html, data)


@FAST
@given(feed_bytes)
def test_feed_reader_refuses_or_reads_any_feed(data):
    run_reader(read_feed, data)


@FAST
@given(jsonl_files)
def test_jsonl_reader_refuses_or_reads_any_lines(data):
    run_reader(read_jsonl, data)


@settings(FAST, max_examples=60)
@given(
    st.one_of(text_bytes, html_bytes, feed_bytes, jsonl_files),
    st.sampled_from(["", ".txt", ".html", ".xml", ".jsonl", ".bin"]),
)
def test_any_file_is_read_by_its_kind_or_refused(tmp_path_factory, data, suffix):
    run_auto(data, suffix, tmp_path_factory.mktemp("auto"))


TOKEN = b"x" * 1024 * 1024
DEEP = 100_000
EXTREMES = {
    "text, a 1 MB token": (read_text, TOKEN),
    "text, prose then a 1 MB token": (read_text, ENGLISH.encode() + TOKEN),
    "text, control characters": (read_text, bytes(range(32)) * 20 + ENGLISH.encode()),
    "html, 100,000 nested divs": (read_html, b"<div>" * DEEP + ENGLISH.encode() + b"</div>" * DEEP),
    "html, 100,000 unclosed tags": (read_html, b"<b><i>" * DEEP + ENGLISH.encode()),
    "html, a 1 MB attribute": (read_html, b'<p title="' + TOKEN + b'">' + ENGLISH.encode() + b"</p>"),
    "feed, 100,000 nested elements": (
        read_feed,
        b'<rss version="2.0"><channel><item><description>' + b"<x>" * DEEP + b"</description></item></channel></rss>",
    ),
    "feed, an item of 100,000 nested divs": (
        read_feed,
        b'<rss version="2.0"><channel><item><description>'
        + b"&lt;div&gt;" * DEEP
        + b"</description></item></channel></rss>",
    ),
    "jsonl, 100,000 nested arrays": (read_jsonl, b"[" * DEEP + b"]" * DEEP),
    "jsonl, a 1 MB token": (read_jsonl, b'{"text": "' + TOKEN + b'"}'),
    "jsonl, NaN and Infinity": (read_jsonl, b'{"id": NaN, "date": Infinity, "text": "' + ENGLISH.encode() + b'"}'),
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_extreme_inputs_are_read_or_refused(name):
    read, data = EXTREMES[name]
    run_reader(read, data)


# inputs that crashed a reader before, and the refusals they now give
REGRESSIONS = {
    "jsonl, nested too deeply": (read_jsonl, b"[" * 3000, ["not valid JSON (nested too deeply)"]),
    "jsonl, a 5,000-digit id": (
        read_jsonl,
        b'{"id": ' + b"9" * 5000 + b', "text": "x"}',
        ["not valid JSON (a number too long)"],
    ),
    "jsonl, a lone surrogate": (
        read_jsonl,
        b'{"text": "Talks \\ud800 resumed"}',
        ["not valid Unicode (lone surrogate U+D800 at character 6)"],
    ),
    "jsonl, a lone surrogate in the title": (
        read_jsonl,
        b'{"text": "Talks resumed.", "title": "\\udfff"}',
        ["not valid Unicode (lone surrogate U+DFFF at character 0)"],
    ),
    "feed, a bad byte in the encoding declaration": (
        read_feed,
        b'<?encoding="UTF-\x91"?>',
        ["malformed feed (bad characters: invalid start byte)"],
    ),
    "feed, a character reference to a surrogate": (
        read_feed,
        b"<>&#xD800;",
        ["malformed feed (bad characters: surrogates not allowed)"],
    ),
    "feed, a NUL in the encoding declaration": (
        read_feed,
        b'<?encoding="\x00"?>',
        ["malformed feed (bad characters: embedded null character)"],
    ),
    "feed, a link with an unclosed IPv6 address": (
        read_feed,
        b'<entry<link href="//<["',
        ["empty (no content or description); the linked page: not a valid link (Invalid IPv6 URL)"],
    ),
    "feed, tags the loose parser loses track of": (
        read_feed,
        b"<item<channel<link</item</link>",
        ["malformed feed (the feed parser cannot read it: KeyError)"],
    ),
    "html, an svg root the extractor asserts on": (
        read_html,
        b"<svg>The<div></div><div>",
        ["HTML the extractor cannot read (AssertionError)"],
    ),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_inputs_that_crashed_a_reader_are_refused(name):
    read, data, reasons = REGRESSIONS[name]
    assert run_reader(read, data) == ([], reasons)


def test_an_hour_of_20_digits_leaves_the_item_undated():
    # found by the derandomised feed fuzzing: email.utils overflowed (OverflowError) on it
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>T</title><updated>Mon, 9 Feb 2025 '
        b"99:99999999999999999999:00 GMT</updated><content>The envoy met the minister.</content></entry></feed>"
    )
    (doc,), failures = run_reader(read_feed, data)
    assert failures == [] and doc.date is None and doc.text == "The envoy met the minister."


def test_a_channel_link_with_an_unclosed_ipv6_address_leaves_the_publisher_unknown():
    feed = (
        b"<rss><channel><link>http://[x</link><item><title>T</title><description>Talks resumed."
        b"</description></item></channel></rss>"
    )
    docs, reasons = run_reader(read_feed, feed)
    assert reasons == [] and [(d.text, d.source) for d in docs] == [("Talks resumed.", None)]


def test_feed_dates_no_calendar_has_leave_the_item_undated():
    feed = (
        b'<rss version="2.0"><channel>'
        + b"".join(
            b"<item><title>T</title><pubDate>%s</pubDate><description>Talks resumed.</description></item>" % d
            for d in (b"0000-00-00", b"9999-12-31T25:00:00")
        )
        + b"</channel></rss>"
    )
    docs, reasons = run_reader(read_feed, feed)
    assert reasons == [] and [d.date for d in docs] == [None, None]


def test_html_fragments_with_characters_xml_refuses_become_text():
    assert html_text("<p>Talks \x00\x0b\ud800\ufffe resumed</p><p>today</p>") == "Talks resumed\ntoday"


@settings(max_examples=4, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(english.filter(str.strip), min_size=1, max_size=24))
def test_the_coder_codes_nasty_prose_in_batches(pipeline, texts):
    code_batch(pipeline, [Document(f"d{i}", t.strip()) for i, t in enumerate(texts)])


def test_the_coder_survives_dates_at_the_ends_of_the_calendar_and_run_on_sentences(pipeline):
    """Once an OverflowError ("next week" from 31 December 9999) and a hang (placing each event of
    a 2,400-word sentence walked every name of it: minutes)."""
    text = "The envoys said they would meet again next week, a year after the last talks. "
    run_on = " and ".join(["Russia met Ukraine in Istanbul"] * 400) + "."
    docs = [
        Document("end", text, dt.date(9999, 12, 31)),
        Document("start", text, dt.date(1, 1, 1)),
        Document("run-on", run_on, dt.date(2025, 3, 4)),
    ]
    code_batch(pipeline, docs)
    assert len(docs[2].events) == 400 and all(e.location is None for e in docs[2].events)


def test_the_coder_codes_what_the_readers_accept(pipeline, tmp_path):
    """Documents the fuzzed readers accepted, coded as one batch (the benchmark's pipeline target)."""
    kept: list[Document] = []
    for name in ("text", "jsonl", "feed"):
        fuzz_readers(name, 100, random.Random(f"test-{name}"), SEEDS, Tally(), kept, tmp_path)
    assert kept
    code_batch(pipeline, [Document(d.id, d.text, d.date, d.title, d.url, d.source) for d in kept[:24]])


@pytest.mark.parametrize("seed", [1, 2])
def test_ingest_stores_the_good_and_names_each_bad_item(pipeline, tmp_path, seed):
    """Mixed good and bad files into a real DuckDB file (the benchmark's ingest target; fixed seeds keep it quick)."""
    tally = Tally()
    fuzz_ingest(pipeline, 5, random.Random(seed), SEEDS, tally, tmp_path, files=5)
    assert tally.cases >= 5 and not tally.crashes, tally.crashes


def test_benchmark_targets_run_clean(tmp_path):
    """A few cases of each reader target exactly as `benchmarks/fuzz.py` makes them."""
    for name in ("text", "html", "feed", "jsonl", "auto"):
        tally = Tally()
        fuzz_readers(name, 40, random.Random(f"smoke-{name}"), SEEDS, tally, [], tmp_path)
        assert tally.cases == 40 and not tally.crashes, (name, tally.crashes)
        assert tally.accepted + sum(tally.refused.values()) > 0


def test_atheris_harness_runs(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, path in enumerate(sorted((ROOT / "tests" / "data" / "nasty").iterdir())):
        (corpus / path.name).write_bytes(bytes([n]) + path.read_bytes()[:4096])
    shutil.copy(ROOT / "examples" / "articles.jsonl", corpus / "articles")
    # a fixed seed: the same 3,000 inputs on every run (longer, unseeded runs: docs/robustness.md)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "fuzz_atheris.py"),
            "-runs=3000",
            "-seed=1",
            "-max_len=8192",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (
        done.stdout[-3000:] + done.stderr[-1000:]
    )  # atheris prints a crash's traceback on stdout
    assert "Done 3000 runs" in done.stderr
