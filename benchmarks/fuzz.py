"""Fuzz the text pipeline: every reader, the coder and `ingest`, on random and mutated inputs.

Targets: text, html, feed and jsonl (each reader on its own bytes), auto (a file of any
kind through `parley.corpus.sources.documents`: suffix, sniffing, size limit), pipeline (accepted
documents coded in batches) and ingest (mixed good and bad files into a real DuckDB file).
A crash is an exception other than InputError escaping a reader, any exception from the
coder, a case over its time bound, or a broken invariant on what comes out (see `check_*`).
Seeded and reproducible; the smallest input of each kind of crash is saved under --out.

    python benchmarks/fuzz.py [--cases 100000] [--seed 0] [--out /tmp/parley-fuzz]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import json
import math
import random
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parley.corpus.readers.base import Failure, InputError
from parley.corpus.readers.feeds import feed_documents
from parley.corpus.readers.html import html_document, html_text
from parley.corpus.readers.jsonl import jsonl_records
from parley.corpus.readers.text import text_document
from parley.corpus.sources import ReadOptions, documents
from parley.nlp.document import Document

ROOT = Path(__file__).resolve().parent.parent
SEED_FILES = [
    ROOT / "examples" / "istanbul-talks.txt",
    ROOT.parent / "shared" / "acceptance" / "istanbul-talks.txt",
    *sorted((ROOT / "tests" / "data" / "inputs").glob("*")),
    *sorted((ROOT / "tests" / "data" / "nasty").glob("*")),
]
MAX_BYTES = 2 * 1024 * 1024  # the readers' size limit here: over it is a refusal, and cases stay quick
READER_SECONDS = 20.0  # one reader case over this is a hang
SHARES = {"text": 0.25, "html": 0.14, "feed": 0.14, "jsonl": 0.32, "auto": 0.125, "pipeline": 0.015, "ingest": 0.01}
PIPELINE_BATCH = 64
INGEST_FILES = 12  # inputs per ingest run

ENGLISH = (
    "The minister said on Monday that the government would meet the opposition in the capital. "
    "Russia and Ukraine held talks in Istanbul, and both sides agreed to exchange prisoners. "
)
SCRIPTS = {
    "cyrillic": "Москва заявила о переговорах в Стамбуле",
    "arabic": "\u0627\u0644\u0633\u0644\u0627\u0645 \u0639\u0644\u064a\u0643\u0645"
    " \u0641\u064a \u062f\u0645\u0634\u0642",
    "hebrew": "\u05e9\u05dc\u05d5\u05dd \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd",
    "cjk": "北京和莫斯科举行会谈。東京で会談が行われた。서울에서 회담",
    "marks": "\u202e\u202d\u200f\u200e\u2066\u2069\u200b\u200c\u200d\ufeff\u2028\u2029\u00ad",
    "combining": "e\u0301\u0302\u0303\u0304a\u0308\u0323\u0331\u20dd\u0489",
    "emoji": "\U0001f1fa\U0001f1f8\U0001f468\u200d\U0001f469\u200d\U0001f467\U0001f600\u2764\ufe0f",
    "control": "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0)])),
    "odd": "\ufffd\ufffe\uffff\U0010ffff\U000e0001",
}
BAD_DATES = [
    "",
    "0000-00-00",
    "9999-12-31T25:00:00",
    "2025-02-30",
    "Mon, 99 Feb 99999 99:99:99 GMT",
    "-0001-01-01",
    "yesterday",
    "2025-W01",
    "1.1.1",
    "Sat, 01 Jan 0001 00:00:00 +9999",
    "2025-13-45T00:00:00Z",
    "NaN",
    "Fri, 11 Apr 2025 23:30:00 -0400",
    "2025-04-11T10:00:00Z",
    "\u0661\u0669\u0668\u0660-01-01",
    "9" * 400,
]
LAUGHS = (
    '<!DOCTYPE rss [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)
XXE = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


class Hang(BaseException):
    """A case ran past its time bound (a BaseException, so no `except Exception` in parley swallows it)."""


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Raise Hang in the calling (main) thread after `seconds`."""

    def alarm(signum, frame):
        raise Hang(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Broken(AssertionError):
    """An invariant on a reader's or the coder's output does not hold."""


def expect(ok: bool, what: str) -> None:
    if not ok:
        raise Broken(what)


def _valid_str(value: object, what: str, optional: bool = True) -> None:
    if value is None and optional:
        return
    expect(isinstance(value, str), f"{what} is {type(value).__name__}, not str")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Broken(f"{what} holds a lone surrogate") from None


def check_reason(reason: object) -> str:
    """A refusal's reason: a non-empty single line."""
    expect(isinstance(reason, str) and reason.strip() != "", f"empty reason {reason!r}")
    expect("\n" not in reason and "\r" not in reason, f"reason over several lines: {reason!r}")
    expect("Traceback" not in reason, "a traceback in the reason")
    return reason


def check_document(doc: object) -> Document:
    """A reader's Document: a non-empty stripped valid text, an id, a date or None, string fields or None."""
    expect(isinstance(doc, Document), f"a reader yielded {type(doc).__name__}")
    _valid_str(doc.text, "text", optional=False)
    expect(doc.text == doc.text.strip() and doc.text != "", "text empty or not stripped")
    _valid_str(doc.id, "id", optional=False)
    expect(doc.id != "", "empty id")
    expect(doc.date is None or type(doc.date) is dt.date, f"date is {doc.date!r}")
    for name in ("title", "url", "source"):
        _valid_str(getattr(doc, name), name)
    expect(not doc.events and not doc.sentences, "a reader's Document already coded")
    return doc


def check_items(items: list, source: str) -> tuple[list[Document], list[str]]:
    """A reader's items: documents and the reasons of failures, each naming the input."""
    docs, reasons = [], []
    for item in items:
        if isinstance(item, Failure):
            expect(item.source.startswith(source), f"failure names {item.source!r}, not {source!r}")
            reasons.append(check_reason(item.reason))
        else:
            docs.append(check_document(item))
    return docs, reasons


def check_coded(doc: Document) -> None:
    """A coded Document: sentence, trigger and actor offsets inside the text and matching it; events
    serialise to strict JSON; codes and scores in range."""
    n = len(doc.text)
    for i, sent in enumerate(doc.sentences):
        expect(sent.index == i and 0 <= sent.start <= sent.end <= n, f"sentence {i} at {sent.start}:{sent.end}")
        expect(doc.text[sent.start : sent.end] == sent.text, f"sentence {i} text differs from its offsets")
    for event in doc.events:
        expect(0 <= event.sentence_index < len(doc.sentences), f"event in sentence {event.sentence_index}")
        sent = doc.sentences[event.sentence_index]
        expect(
            sent.start <= event.trigger_start < event.trigger_end <= sent.end,
            f"trigger {event.trigger_start}:{event.trigger_end} outside its sentence {sent.start}:{sent.end}",
        )
        expect(doc.text[event.trigger_start : event.trigger_end] == event.trigger_text, "trigger text differs")
        for actor in event.actors + event.recipients:
            expect(
                (actor.start, actor.end) == (-1, -1) or 0 <= actor.start < actor.end <= n,
                f"actor {actor.text!r} at {actor.start}:{actor.end}",
            )
        expect(event.quad_class in (1, 2, 3, 4) and -10 <= event.goldstein <= 10, "quad class or Goldstein")
        expect(0 <= event.confidence <= 1, f"confidence {event.confidence}")
        record = event.to_dict()
        expect(record["doc_id"] == doc.id, "event of another document")
        json.dumps(record, allow_nan=False).encode("utf-8")


# --- inputs -------------------------------------------------------------------------------------------------


def seed_bytes() -> list[bytes]:
    """The real inputs the mutations start from: example and acceptance articles, test pages and feeds."""
    seeds = [p.read_bytes() for p in SEED_FILES if p.is_file()]
    corpus = ROOT / "examples" / "articles.jsonl"
    seeds += [json.loads(line)["text"].encode() for line in corpus.read_text(encoding="utf-8").splitlines()]
    return [s for s in seeds if s] or [ENGLISH.encode()]


def nasty_text(rng: random.Random, size: int = 2000) -> str:
    """Random text over nasty alphabets: ASCII, words, every script above, control characters."""
    pools = [string for string in SCRIPTS.values()] + [ENGLISH, "abc xyz 0123 <>&;'\"\\/ \t\n\r"]
    out, total = [], 0
    while total < size:
        piece = rng.choice(pools)
        start = rng.randrange(len(piece))
        chunk = piece[start : start + rng.randint(1, 40)]
        out.append(chunk)
        total += len(chunk)
    return "".join(out)


def sprinkle(rng: random.Random, text: str, n: int | None = None) -> str:
    """English text with nasty pieces inserted at random places (it mostly stays English enough to code)."""
    chars = list(text)
    for _ in range(n if n is not None else rng.randint(1, 12)):
        kind = rng.random()
        if kind < 0.08:
            piece = "x" * rng.choice([500, 5000, 50_000])  # a huge token
        elif kind < 0.11:
            piece = " and ".join(["Russia met Ukraine in Istanbul"] * rng.choice([20, 60, 400]))  # a run-on sentence
        else:
            pool = rng.choice(list(SCRIPTS.values()))
            piece = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        chars.insert(rng.randrange(len(chars) + 1), piece)
    return "".join(chars)


def mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    """A few random byte-level edits: flips, inserts, deletions, duplications, truncation, splices."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(8)
        at = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(at, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:
            buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2:
            del buf[at : at + rng.randint(1, 200)]
        elif op == 3:
            buf[at:at] = buf[at : at + rng.randint(1, 500)] * rng.randint(1, 5)
        elif op == 4:
            del buf[at:]
        elif op == 5:
            other = rng.choice(seeds)
            start = rng.randrange(len(other))
            buf[at:at] = other[start : start + rng.randint(1, 400)]
        elif op == 6:
            buf[at:at] = rng.choice(list(SCRIPTS.values())).encode("utf-8", "surrogatepass")
        else:
            buf[at:at] = rng.choice(
                [
                    b"<",
                    b">",
                    b"&",
                    b"&amp;",
                    b"&#xD800;",
                    b"&#0;",
                    b"]]>",
                    b"<![CDATA[",
                    b"\x00",
                    b"\xff\xfe",
                    b"\xef\xbb\xbf",
                    b'"',
                    b"{",
                    b"}",
                    b"\\u",
                    b"\\ud800",
                    b"\r\n",
                ]
            )
    return bytes(buf)


def encoded(rng: random.Random, text: str) -> bytes:
    """The text in some encoding: mostly UTF-8, else UTF-8 with BOM, Latin-1, cp1252, UTF-16, or lone surrogates."""
    choice = rng.random()
    if choice < 0.7:
        return text.encode("utf-8", "surrogatepass" if rng.random() < 0.1 else "replace")
    codec = rng.choice(["utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-be", "utf-32", "koi8-r"])
    return text.encode(codec, "replace")


def text_case(rng: random.Random, seeds: list[bytes]) -> bytes:
    kind = rng.random()
    if kind < 0.3:
        return mutate(rng, rng.choice(seeds), seeds)
    if kind < 0.55:
        return encoded(rng, nasty_text(rng, rng.choice([10, 200, 3000])))
    if kind < 0.85:
        return encoded(rng, sprinkle(rng, rng.choice(seeds).decode("utf-8", "replace")))
    if kind < 0.9:
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000)))
    if kind < 0.93:
        return (ENGLISH * rng.randint(0, 3)).encode() + b"y" * rng.choice([10_000, 200_000, 1_000_000])
    return rng.choice([b"", b" \n\t", b"\xef\xbb\xbf", b"\x00" * 10, "\u200b".encode() * 100, b"\n" * 10_000])


def html_page(rng: random.Random, body: str) -> str:
    head = rng.choice(
        [
            "",
            "<title>A &amp; B</title>",
            '<meta charset="latin-1">',
            f'<meta property="article:published_time" content="{rng.choice(BAD_DATES)}">',
        ]
    )
    extras = rng.sample(
        [
            '<script>alert("x")</script>',
            "<style>p{color:red}</style>",
            '<iframe src="http://x"></iframe>',
            "<nav>Home | World | Sport</nav>",
            "<!-- comment -->",
            "<noscript>enable js</noscript>",
            '<object data="x.swf"></object>',
            "<svg><script>1</script></svg>",
            "<template>t</template>",
        ],
        rng.randint(0, 4),
    )
    return f"<!DOCTYPE html><html><head>{head}</head><body>{''.join(extras)}<article>{body}</article></body></html>"


def html_case(rng: random.Random, seeds: list[bytes]) -> bytes:
    kind = rng.random()
    paragraphs = "".join(
        f"<p>{p}</p>" for p in sprinkle(rng, rng.choice(seeds).decode("utf-8", "replace"), 3).split("\n") if p.strip()
    )
    if kind < 0.3:
        return mutate(rng, rng.choice(seeds), seeds)
    if kind < 0.6:
        return encoded(rng, html_page(rng, paragraphs))
    if kind < 0.75:
        depth = rng.choice([50, 1000, 10_000, 100_000] if rng.random() < 0.2 else [10, 50, 300])
        tag = rng.choice(["div", "span", "b", "table", "p", "li"])
        return html_page(rng, f"<{tag}>" * depth + paragraphs + f"</{tag}>" * rng.choice([depth, 0])).encode()
    if kind < 0.9:
        return mutate(rng, html_page(rng, paragraphs).encode(), seeds)
    return encoded(rng, "<" + nasty_text(rng, rng.choice([50, 2000])))


def feed_xml(rng: random.Random, items: list[str], atom: bool = False, prolog: str = "") -> str:
    if atom:
        body = "".join(
            f"<entry><title>{t}</title><id>urn:{i}</id><updated>{rng.choice(BAD_DATES)}</updated>"
            f'<content type="{rng.choice(["html", "text", "xhtml"])}">{x}</content></entry>'
            for i, (t, x) in enumerate(items)
        )
        return f'{prolog}<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>{body}</feed>'
    body = "".join(
        f"<item><title>{t}</title><guid>g{i}</guid><pubDate>{rng.choice(BAD_DATES)}</pubDate>"
        f"<description>{x}</description></item>"
        for i, (t, x) in enumerate(items)
    )
    return f'{prolog}<rss version="2.0"><channel><title>Wire</title>{body}</channel></rss>'


def feed_case(rng: random.Random, seeds: list[bytes]) -> bytes:
    kind = rng.random()
    if kind < 0.25:
        feeds = [s for s in seeds if s.lstrip().startswith(b"<?xml") or b"<rss" in s[:300]] or seeds
        return mutate(rng, rng.choice(feeds), seeds)
    count = rng.choice([0, 1, 3, 20] if rng.random() < 0.99 else [200, 2000])
    texts = [rng.choice(seeds).decode("utf-8", "replace") for _ in range(min(count, 5))]

    def item_text() -> str:
        text = sprinkle(rng, rng.choice(texts), 2) if texts else ""
        style = rng.random()
        if style < 0.3:
            return f"<![CDATA[<p>{text}</p><script>x()</script>]]>"
        if style < 0.6:
            return text.replace("&", "&amp;").replace("<", "&lt;")
        return nasty_text(rng, 200).replace("&", "&amp;").replace("<", "&lt;")

    items = [(nasty_text(rng, 20).replace("&", "").replace("<", ""), item_text()) for _ in range(count)]
    prolog = rng.choice(
        ["", '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="latin-1"?>', LAUGHS, XXE]
    )
    xml = feed_xml(rng, items, atom=rng.random() < 0.4, prolog=prolog)
    if prolog in (LAUGHS, XXE):
        xml = xml.replace("<title>Wire</title>", "<title>&b;&xxe;</title>" if prolog == XXE else "<title>&j;</title>")
    data = encoded(rng, xml)
    if kind > 0.85:
        data = data[: rng.randrange(len(data) + 1)]  # truncated
    return data


def json_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(10 if depth < 3 else 7)
    return [
        lambda: None,
        lambda: rng.random() < 0.5,
        lambda: rng.randint(-(10**20), 10**20),
        lambda: rng.choice([math.nan, math.inf, -math.inf, 1e308, -0.0]),
        lambda: nasty_text(rng, 30),
        lambda: rng.choice(BAD_DATES),
        lambda: "",
        lambda: [json_value(rng, depth + 1) for _ in range(3)],
        lambda: {nasty_text(rng, 5): json_value(rng, depth + 1) for _ in range(3)},
        lambda: {"text": json_value(rng, depth + 1)},
    ][kind]()


def jsonl_line(rng: random.Random, seeds: list[bytes]) -> bytes:
    kind = rng.random()
    record: dict = {
        "id": rng.choice([None, "a", 7, 1.5, math.nan, [1], {"x": 1}, "\ud800", "\u202e"]),
        "text": sprinkle(rng, rng.choice(seeds).decode("utf-8", "replace"), rng.randint(0, 3)),
    }
    for key in ("date", "title", "url", "source"):
        if rng.random() < 0.5:
            record[key] = rng.choice([rng.choice(BAD_DATES), "2025-02-28", json_value(rng)])
    if kind < 0.35:
        pass
    elif kind < 0.5:
        record[rng.choice(list(record))] = json_value(rng)  # a wrong type
    elif kind < 0.6:
        record.pop(rng.choice(list(record)))  # a missing field
    elif kind < 0.65:
        record["text"] += "\ud800" if rng.random() < 0.5 else "\udfff tail"
    elif kind < 0.7:
        return b"[" * rng.choice([10, 1000, 100_000]) + b"]" * rng.randint(0, 2)
    elif kind < 0.75:
        return b'{"id": ' + b"9" * rng.choice([100, 5000]) + b', "text": "' + ENGLISH.encode() + b'"}'
    elif kind < 0.78:
        return json.dumps({"text": ENGLISH + "z" * rng.choice([100_000, 1_000_000])}).encode()
    line = json.dumps(record, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    if kind > 0.9:
        line = mutate(rng, line, seeds)
    return line


def jsonl_case(rng: random.Random, seeds: list[bytes]) -> bytes:
    """One JSON Lines record (the reader's unit: one case is one line), sometimes with a BOM or no newline."""
    line = jsonl_line(rng, seeds).replace(b"\n", b" ")
    return (b"\xef\xbb\xbf" if rng.random() < 0.02 else b"") + line + (b"\n" if rng.random() < 0.9 else b"")


# --- targets ------------------------------------------------------------------------------------------------

SOURCE = "case"
FEED_LOCATION = str(Path(tempfile.gettempdir()) / "parley-fuzz-feed.xml")


def read_text(data: bytes) -> list:
    return [text_document(SOURCE, data)]


def read_html(data: bytes) -> list:
    plain = html_text(data.decode("utf-8", "replace"))
    expect(isinstance(plain, str), "html_text gave no str")
    _valid_str(plain, "html_text")
    return [html_document(SOURCE, data)]


def read_feed(data: bytes) -> list:
    return list(feed_documents(SOURCE, data, None, location=FEED_LOCATION, max_bytes=MAX_BYTES))


def read_jsonl(data: bytes) -> list:
    return list(jsonl_records(SOURCE, io.BytesIO(data), None, MAX_BYTES))


READERS: dict[str, tuple[Callable[[bytes], list], Callable]] = {
    "text": (read_text, text_case),
    "html": (read_html, html_case),
    "feed": (read_feed, feed_case),
    "jsonl": (read_jsonl, jsonl_case),
}
SUFFIXES = ["", ".txt", ".html", ".xml", ".rss", ".atom", ".jsonl", ".bin"]


def reason_class(reason: str) -> str:
    """A refusal's kind: its reason without the particulars (numbers, quoted text, parenthesised details)."""
    head = reason.split(";")[0].split(": ")[0]
    head = re.sub(r"\s*\(.*", "", head)
    return re.sub(r"(?<![\w-])\d+(\.\d+)?", "N", head).strip() or reason[:40]  # not the 8 of "UTF-8"


def run_reader(read: Callable[[bytes], list], data: bytes) -> tuple[list[Document], list[str]]:
    """One reader case: its documents and refusal reasons; Broken, Hang or any other exception is a crash."""
    try:
        with bounded(READER_SECONDS):
            items = read(data)
    except InputError as e:
        return [], [check_reason(str(e))]
    return check_items(items, SOURCE)


def run_auto(data: bytes, suffix: str, folder: Path) -> tuple[list[Document], list[str]]:
    """One file through `documents`: kind by suffix or content, the size limit, every item checked."""
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    with bounded(READER_SECONDS):
        items = list(documents([str(path)], ReadOptions(max_bytes=MAX_BYTES)))
    return check_items(items, str(path))


def code_batch(pipeline, docs: list[Document]) -> None:
    """Code documents in one pipeline call, bounded in time by their size; every invariant checked."""
    with bounded(30 + sum(len(d.text) for d in docs) / 1000):
        out = list(pipeline(docs))
        expect([d.id for d in out] == [d.id for d in docs], "documents lost or reordered")
        for doc in out:
            check_coded(doc)


def signature(error: BaseException) -> str:
    """A crash's kind: exception type and the innermost parley frame it came from."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/parley/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "outside parley"
    return f"{type(error).__name__} at {where}: {str(error).splitlines()[0][:100] if str(error) else ''}"


@dataclass
class Tally:
    """Counts for one target, and the smallest reproducer of each kind of crash."""

    cases: int = 0
    accepted: int = 0
    refused: Counter = field(default_factory=Counter)
    crashes: Counter = field(default_factory=Counter)
    smallest: dict[str, bytes] = field(default_factory=dict)

    def crash(self, error: BaseException, data: bytes) -> None:
        sig = signature(error)
        self.crashes[sig] += 1
        if sig not in self.smallest or len(data) < len(self.smallest[sig]):
            self.smallest[sig] = data


def shrink(fails: Callable[[bytes], bool], data: bytes, tries: int = 300) -> bytes:
    """A smaller input that still fails: drop ever smaller chunks while it keeps failing (bounded tries)."""
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and tries > 0:
        at, shrunk = 0, False
        while at < len(data) and tries > 0:
            candidate = data[:at] + data[at + chunk :]
            tries -= 1
            if fails(candidate):
                data, shrunk = candidate, True
            else:
                at += chunk
        if not shrunk:
            chunk //= 2
    return data


def fuzz_readers(
    name: str, n: int, rng: random.Random, seeds: list[bytes], tally: Tally, keep: list[Document], folder: Path
) -> None:
    """n cases of one reader target (or `auto`); a sample of the accepted documents kept for the coder."""
    for _ in range(n):
        if name == "auto":
            reader = rng.choice(list(READERS))
            data, suffix = READERS[reader][1](rng, seeds), rng.choice(SUFFIXES)

            def run(d, s=suffix):
                return run_auto(d, s, folder)

        else:
            data, run = READERS[name][1](rng, seeds), (lambda d, r=READERS[name][0]: run_reader(r, d))
        tally.cases += 1
        try:
            docs, reasons = run(data)
        except (Exception, Hang) as e:  # noqa: BLE001 - every failure is what a fuzzer counts
            tally.crash(e, data)
            continue
        tally.accepted += len(docs)
        tally.refused.update(map(reason_class, reasons))
        if docs and rng.random() < 0.2:
            keep.append(rng.choice(docs))


def fuzz_pipeline(pipeline, n: int, rng: random.Random, seeds: list[bytes], pool: list[Document], tally: Tally) -> None:
    """n documents coded in batches: reader output kept from the other targets, and nasty English texts."""
    texts = [s.decode("utf-8", "replace") for s in seeds if not s.lstrip().startswith(b"<")]
    docs = [pool[i] for i in rng.sample(range(len(pool)), min(len(pool), n // 2))]
    docs += [
        Document(f"nasty-{i}", sprinkle(rng, rng.choice(texts)).strip() or "x", None) for i in range(n - len(docs))
    ]
    for start in range(0, len(docs), PIPELINE_BATCH):
        batch = docs[start : start + PIPELINE_BATCH]
        fresh = [Document(d.id, d.text, d.date, d.title, d.url, d.source) for d in batch]
        tally.cases += len(batch)
        try:
            code_batch(pipeline, fresh)
            tally.accepted += len(batch)
        except (Exception, Hang):  # noqa: BLE001 - every failure is what a fuzzer counts
            for doc in batch:  # find the documents that crash it, one at a time
                try:
                    code_batch(pipeline, [Document(doc.id, doc.text, doc.date)])
                    tally.accepted += 1
                except (Exception, Hang) as e:  # noqa: BLE001 - every failure is what a fuzzer counts
                    tally.crash(e, doc.text.encode("utf-8", "surrogatepass"))


def stored_once(docs: Iterable[Document]) -> tuple[list[Document], list[Failure]]:
    """What ingest should do with a reader's documents, in order: the same text again is present,
    another text under an id already used is refused (never two texts under one id)."""
    from parley.corpus import dedup
    from parley.corpus.ingest import REUSED_ID

    good: list[Document] = []
    reused: list[Failure] = []
    ids: dict[str, str] = {}
    keys: set[str] = set()
    for doc in docs:
        key = dedup.doc_key(doc.text)
        if key not in keys and doc.id in ids:
            reused.append(Failure(doc.id, REUSED_ID))
            continue
        keys.add(key)
        ids.setdefault(doc.id, key)
        good.append(doc)
    return good, reused


def fuzz_ingest(
    pipeline, n: int, rng: random.Random, seeds: list[bytes], tally: Tally, folder: Path, files: int = INGEST_FILES
) -> None:
    """Runs of `ingest` over mixed good and bad inputs into a fresh DuckDB file: every bad item a
    one-line failure naming it, every good document stored once, the failure count right."""
    from parley.corpus import dedup
    from parley.corpus.ingest import ingest
    from parley.corpus.store import open_store

    done, run = 0, 0
    while done < n:
        run += 1
        batch = folder / f"ingest-{run}"
        batch.mkdir()
        for i in range(files):
            reader = rng.choice(list(READERS))
            data = READERS[reader][1](rng, seeds)
            if reader == "jsonl":
                data = b"".join(jsonl_line(rng, seeds).replace(b"\n", b" ") + b"\n" for _ in range(rng.randint(1, 6)))
            suffix = {"text": ".txt", "html": ".html", "feed": ".xml", "jsonl": ".jsonl"}[reader]
            (batch / f"{i:02d}{suffix}").write_bytes(data)
        (batch / "good.txt").write_bytes(rng.choice(seeds[:2]) + f"\nRun {run}.".encode())
        expected = list(documents([str(batch)], ReadOptions(max_bytes=MAX_BYTES)))
        good, reused = stored_once(d for d in expected if isinstance(d, Document))
        bad = [f for f in expected if isinstance(f, Failure)]
        for failure in bad:
            check_reason(failure.reason)
            expect(failure.source.startswith(str(batch)), f"failure names {failure.source!r}")
        tally.cases += len(expected)
        db = folder / f"ingest-{run}.duckdb"
        heard: list[Failure] = []
        try:
            with bounded(60 + sum(len(d.text) for d in good) / 1000):
                summary = ingest(
                    [str(batch)],
                    str(db),
                    read=ReadOptions(max_bytes=MAX_BYTES),
                    pipeline=pipeline,
                    on_error=heard.append,
                )
            store = open_store(str(db))
            try:
                stored = store.scalar("SELECT count(*) FROM documents")
            finally:
                store.close()
            distinct = len({dedup.doc_key(d.text) for d in good})
            expect(
                summary.failed == len(bad) + len(reused) == len(heard),
                f"{summary.failed} failed, {len(bad)} + {len(reused)} reused ids expected",
            )
            expect(
                sorted(str(f) for f in heard) == sorted(str(f) for f in bad + reused),
                "other failures than the readers and the reused ids gave",
            )
            expect(stored == summary.new == distinct, f"{stored} stored, {summary.new} new, {distinct} distinct")
            expect(summary.present == len(good) - distinct, "duplicates not counted as present")
            tally.accepted += len(good)
            tally.refused.update(reason_class(f.reason) for f in bad)
        except (Exception, Hang) as e:  # noqa: BLE001 - every failure is what a fuzzer counts
            tally.crash(e, b"\n".join(p.name.encode() for p in sorted(batch.iterdir())))
        done += len(expected) or 1


def save(name: str, tally: Tally, out: Path, again: Callable[[bytes], bool] | None) -> list[str]:
    """Write the smallest reproducer of each crash kind (shrunk further when it can be rerun)."""
    paths = []
    for sig, data in tally.smallest.items():
        if again is not None:
            data = shrink(lambda d, s=sig: again(d) == s, data)
        path = out / f"{name}-{hashlib.sha1(sig.encode()).hexdigest()[:10]}.bin"
        path.write_bytes(data)
        paths.append(f"{sig} -> {path} ({len(data)} bytes)")
    return paths


def rerun_signature(name: str) -> Callable[[bytes], str | None] | None:
    """For a reader target, a function giving the crash kind of an input (None when it does not crash)."""
    if name not in READERS:
        return None
    read = READERS[name][0]

    def again(data: bytes) -> str | None:
        try:
            run_reader(read, data)
        except (Exception, Hang) as e:  # noqa: BLE001 - every failure is what a fuzzer counts
            return signature(e)
        return None

    return again


def plan(cases: int) -> dict[str, int]:
    """Cases per target."""
    return {name: max(1, round(cases * share)) for name, share in SHARES.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases over all targets (default 100000)")
    parser.add_argument("--seed", default="0", help="random seed (default 0)")
    parser.add_argument(
        "--out", default=str(Path(tempfile.gettempdir()) / "parley-fuzz"), help="folder for the reproducers of crashes"
    )
    parser.add_argument("--no-pipeline", action="store_true", help="readers only (no model load)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    seeds = seed_bytes()
    counts = plan(args.cases)
    tallies = {name: Tally() for name in counts}
    pool: list[Document] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="parley-fuzz-") as tmp:
        folder = Path(tmp)
        for name in ("text", "html", "feed", "jsonl", "auto"):
            t = time.perf_counter()
            fuzz_readers(name, counts[name], random.Random(f"{args.seed}-{name}"), seeds, tallies[name], pool, folder)
            print(f"{name}: {tallies[name].cases} cases in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        if not args.no_pipeline:
            from parley.nlp.pipeline import default_pipeline

            pipeline = default_pipeline()
            t = time.perf_counter()
            fuzz_pipeline(
                pipeline, counts["pipeline"], random.Random(f"{args.seed}-pipeline"), seeds, pool, tallies["pipeline"]
            )
            print(f"pipeline: {tallies['pipeline'].cases} cases in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            t = time.perf_counter()
            fuzz_ingest(
                pipeline, counts["ingest"], random.Random(f"{args.seed}-ingest"), seeds, tallies["ingest"], folder
            )
            print(f"ingest: {tallies['ingest'].cases} cases in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    total = sum(t.cases for t in tallies.values())
    crashes = sum(sum(t.crashes.values()) for t in tallies.values())
    print(f"{total} cases in {time.perf_counter() - started:.0f} s (seed {args.seed}); {crashes} crashes")
    print(f"{'target':<10}{'cases':>8}{'accepted':>10}{'refused':>9}{'crashes':>9}")
    for name, tally in tallies.items():
        if not tally.cases:
            continue
        print(
            f"{name:<10}{tally.cases:>8}{tally.accepted:>10}{sum(tally.refused.values()):>9}"
            f"{sum(tally.crashes.values()):>9}"
        )
        for reason, count in tally.refused.most_common():
            print(f"{'':<12}refused {count:>6}  {reason}")
        for line in save(name, tally, out, rerun_signature(name)):
            print(f"{'':<12}CRASH {line}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
