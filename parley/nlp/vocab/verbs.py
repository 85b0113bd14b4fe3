"""Verb patterns: which CAMEO code a verb and the words of its phrase express.

Two tables feed it: verbs.tsv/verb_patterns.tsv, derived from PETRARCH-2's CAMEO verb
dictionary (a verb belongs to a block; a block's patterns apply to all its verbs), and
verb_rules.tsv, parley's own rules, which win ties and replace default codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import read_table, split


@dataclass(frozen=True)
class VerbRule:
    """One pattern: optional subject words, optional phrase words, the code it gives."""

    verb: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    cameo: str | None  # None: this verb codes nothing unless a longer rule matches
    reversed_roles: bool
    own: bool  # parley's rule rather than PETRARCH's

    @property
    def specificity(self) -> int:
        return len(self.before) + len(self.after)

    def describe(self) -> str:
        parts = [*self.before, "*", *self.after]
        src = "parley" if self.own else "petrarch2"
        return f"{src}: {self.verb} [{' '.join(parts)}] -> {self.cameo}"


@dataclass(frozen=True)
class Match:
    rule: VerbRule

    @property
    def matched(self) -> int:
        """How many pattern items matched: all of the winning rule's."""
        return self.rule.specificity


class VerbLexicon:
    """Finds the most specific rule whose words occur around a verb."""

    def __init__(self) -> None:
        self.synsets = {r["synset"]: set(split(r["members"])) for r in read_table("verb_synsets.tsv")}
        blocks: dict[str, list[VerbRule]] = {}
        for r in read_table("verb_patterns.tsv"):
            if r["before"] or r["after"]:
                blocks.setdefault(r["block"], []).append(self._rule(r["block"], r, own=False))
        block_default = {
            r["block"]: r["cameo"] for r in read_table("verb_patterns.tsv") if not r["before"] and not r["after"]
        }
        self.rules: dict[str, list[VerbRule]] = {}
        for r in read_table("verbs.tsv"):
            verb = r["verb"]
            code = r["cameo"] or block_default.get(r["block"], "")
            rules = [VerbRule(verb, (), (), code if code and code != "---" else None, r["roles"] == "BA", False)]
            rules += [
                VerbRule(verb, p.before, p.after, p.cameo, p.reversed_roles, False) for p in blocks.get(r["block"], [])
            ]
            self.rules.setdefault(verb, []).extend(rules)
        for r in read_table("verb_rules.tsv"):
            rule = self._rule(r["verb"], r, own=True)
            existing = self.rules.setdefault(r["verb"], [])
            if not rule.before and not rule.after:
                # an own default replaces the derived default; an own "---" drops every
                # derived pattern of the verb too: parley's rules alone decide it
                existing[:] = [x for x in existing if (x.before or x.after) and (rule.cameo or x.own)]
            existing.insert(0, rule)
        for rules in self.rules.values():
            rules.sort(key=lambda r: -r.specificity)  # stable: own rules stay ahead of equals
        self._option_cache: dict[str, tuple[tuple[str, ...], ...]] = {}
        self._first_cache: dict[tuple[str, ...], tuple[frozenset[str], ...]] = {}
        self._defaults: dict[str, Match | None] = {}

    @staticmethod
    def _rule(verb: str, r: dict[str, str], own: bool) -> VerbRule:
        code = r["cameo"]
        return VerbRule(
            verb,
            tuple(r["before"].split()),
            tuple(r["after"].split()),
            code if code and code != "---" else None,
            r["roles"] == "BA",
            own,
        )

    def knows(self, verb: str) -> bool:
        return verb in self.rules

    def _options(self, item: str) -> tuple[tuple[str, ...], ...]:
        """The word sequences an item may be: a synset's members, or the (joined) word itself."""
        found = self._option_cache.get(item)
        if found is None:
            words = self.synsets.get(item[1:], ()) if item.startswith("&") else (item.replace("_", " "),)
            found = tuple(tuple(w.split()) for w in words if w.strip())
            self._option_cache[item] = found
        return found

    def _present(self, items: tuple[str, ...], vocab: set[str]) -> bool:
        """Cheap pre-check: every item's first word occurs somewhere in the phrase."""
        firsts = self._first_cache.get(items)
        if firsts is None:  # each item's possible first words, once per pattern
            firsts = tuple(frozenset(o[0] for o in self._options(i)) for i in items)
            self._first_cache[items] = firsts
        return all(not words.isdisjoint(vocab) for words in firsts)

    def _in_order(self, items: tuple[str, ...], words: list[tuple[str, str]]) -> bool:
        """True when the items occur in order (gaps allowed) among the (word, lemma) pairs."""
        pos = 0
        for item in items:
            options = self._options(item)
            while pos < len(words):
                hit = next(
                    (
                        o
                        for o in options
                        if all(pos + k < len(words) and part in words[pos + k] for k, part in enumerate(o))
                    ),
                    None,
                )
                if hit:
                    pos += len(hit)
                    break
                pos += 1
            else:
                return False
        return True

    def match(self, verb: str, before: list[tuple[str, str]], after: list[tuple[str, str]]) -> Match | None:
        """The best rule for a verb lemma given the words before (subject) and after (phrase).

        Words match a pattern item by surface form or lemma, lower-cased. The longest
        match wins; parley's own rules win ties. A winning rule without a code means the
        verb codes nothing here.
        """
        rules = self.rules.get(verb)
        if not rules:
            return None
        before_vocab = {w for pair in before for w in pair}
        after_vocab = {w for pair in after for w in pair}
        for rule in rules:  # most specific first, parley's own first among equals
            if rule.before and not (self._present(rule.before, before_vocab) and self._in_order(rule.before, before)):
                continue
            if rule.after and not (self._present(rule.after, after_vocab) and self._in_order(rule.after, after)):
                continue
            return Match(rule) if rule.cameo is not None else None
        return None

    def default(self, verb: str) -> Match | None:
        """The verb's code with nothing around it (cached): its default rule."""
        if verb not in self._defaults:
            self._defaults[verb] = self.match(verb, [], [])
        return self._defaults[verb]


@lru_cache(maxsize=1)
def verb_lexicon() -> VerbLexicon:
    return VerbLexicon()
