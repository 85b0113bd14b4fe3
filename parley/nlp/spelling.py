"""Misspelt country names, adjectives and demonyms ("Ethopia", "Britsh", "Guatamala"): a
capitalised word no table knows, one edit from a table's word (two for long words), is read as
that word, so a typo does not leave a party uncoded. Capitals are left out (short, and close to
other names: Majuro and Maduro, Berne and Bernie); so are words near two countries' names and
the words of `not_misspelt.tsv` (Americas, Syriza, Columbia)."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .vocab import Entity, actor_phrases, read_table

MIN_LENGTH = 6  # shorter names are one letter from each other and from other words (Iran, Iraq, Oman, Sudan)
LONG = 10  # a word this long may be two edits from the name it misspells
KINDS = ("country", "demonym")  # the table entries a misspelling is looked for among


class Spelling:
    """The table word a misspelt one stands for, with the entity it names."""

    def __init__(self, phrases: dict[str, Entity], exceptions: set[str]) -> None:
        self.words = {w: e for w, e in phrases.items() if e.kind in KINDS and w.isalpha() and len(w) >= MIN_LENGTH - 1}
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        for word in self.words:
            self.by_initial[word[0]].append(word)
        self.known = set(phrases) | exceptions

    @lru_cache(maxsize=4096)
    def correct(self, word: str) -> str | None:
        """The table word `word` misspells, or None: too short, known, or not one country's."""
        if len(word) < MIN_LENGTH or not word[0].isupper() or not word.isalpha() or word in self.known:
            return None
        limit = 2 if len(word) >= LONG else 1
        found = process.extract(word, self.by_initial.get(word[0], ()), scorer=OSA.distance, score_cutoff=limit)
        best = [w for w, d, _ in found if d == found[0][1]] if found else []
        if len({self.words[w].country for w in best}) != 1:
            return None  # none, or as near one country as another
        return best[0]


@lru_cache(maxsize=1)
def spelling() -> Spelling:
    """The shared reader of misspellings, over the actor tables and `not_misspelt.tsv`."""
    return Spelling(actor_phrases(), {r["word"] for r in read_table("not_misspelt.tsv")})
