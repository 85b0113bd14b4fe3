"""Phrase patterns for spaCy's PhraseMatcher without making a Doc of each phrase: the phrases'
tokens as the model's tokenizer splits them (kept in the disk cache, `cache.py`), turned into the
hashes the matcher compares (ORTH: the token's text; LOWER: its lower-case form, as the
vocabulary computes it). Tokenizing tens of thousands of table phrases at every start made a
vocabulary entry for each of their words (two seconds and more); the matchers built from these
patterns are the same (`tests/test_phrases.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import spacy
from spacy.attrs import LOWER

from .cache import cached


def tokens(nlp, phrases: Sequence[str], name: str) -> list[tuple[str, ...]]:
    """Each phrase's token texts, as `nlp.tokenizer` splits it; `name`: the list's cache entry."""
    phrases = list(phrases)
    meta = nlp.meta
    parts = [f"spacy {spacy.__version__}", f"{meta.get('lang')}_{meta.get('name')} {meta.get('version')}", *phrases]
    return cached(f"tokens-{name}", parts, lambda: [tuple(t.text for t in doc) for doc in nlp.tokenizer.pipe(phrases)])


def lower(nlp, word: str) -> str:
    """A word's lower-case form as the vocabulary gives it (`Token.lower_`)."""
    getter = nlp.vocab.lex_attr_getters.get(LOWER)
    return getter(word) if getter else word.lower()


def lowered(nlp, split: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Each phrase's words in lower case as `lower` gives them, each distinct word computed once."""
    getter = nlp.vocab.lex_attr_getters.get(LOWER) or str.lower
    memo: dict[str, str] = {}
    return [tuple(memo.get(w) or memo.setdefault(w, getter(w)) for w in words) for words in split]


def patterns(nlp, phrases: Sequence[str], name: str, attr: str = "ORTH") -> list[Any]:
    """PhraseMatcher patterns of the phrases, for a matcher on `attr` (ORTH or LOWER)."""
    return keywords(nlp, tokens(nlp, phrases, name), attr)


def keywords(nlp, split: Sequence[Sequence[str]], attr: str = "ORTH") -> list[Any]:
    """PhraseMatcher patterns of phrases already split into token texts: lists of hashes, which
    `PhraseMatcher.add` takes as it takes Docs (its type hints name Docs alone)."""
    add = nlp.vocab.strings.add
    if attr == "LOWER":
        return [[add(lower(nlp, w)) for w in words] for words in split]
    if attr == "ORTH":
        return [[add(w) for w in words] for words in split]
    raise ValueError(f"no patterns on {attr}: ORTH or LOWER")
