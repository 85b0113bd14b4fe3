"""Issues: what an event is about (embassy staffing, a ceasefire, grain exports), as data.

issues.tsv is converted from PETRARCH-2's issue list, issues_own.tsv is parley's; a user's
issues.tsv or issues_own.tsv in PARLEY_VOCAB_DIR adds rows. Rows with the same issue id add
up: their phrases, excludes, contexts and `unless` phrases join the issue, so that one
issue keeps one name across tables and articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..ontology import plover_contexts
from . import read_table, split

OPTIONAL = re.compile(r"\(([^()]*)\)")
NATIONALITY = "{nationality}"


@dataclass(frozen=True)
class PhraseGroup:
    """The phrases of one table row, and the words one of which a document must contain for them to count."""

    phrases: tuple[str, ...]
    requires: frozenset[str] = frozenset()


@dataclass
class Issue:
    """One issue: its stable id, PLOVER contexts, and the phrases that name it."""

    id: str
    category: str = ""
    contexts: list[str] = field(default_factory=list)
    groups: list[PhraseGroup] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)  # phrases inside which a match means something else
    unless: list[str] = field(default_factory=list)  # phrases that rule the issue out for a whole document


@lru_cache(maxsize=1)
def nationalities() -> tuple[str, ...]:
    """Every country adjective of countries.tsv ("Syrian", "South Korean"), lower-case."""
    return tuple(dict.fromkeys(a.lower() for r in read_table("countries.tsv") for a in split(r["adjectives"])))


def variants(phrase: str) -> list[str]:
    """'work of (the/their) embassies' -> 'work of embassies', 'work of the embassies', 'work of their embassies';
    '{nationality}' becomes each country adjective."""
    if NATIONALITY in phrase:
        return [v for adj in nationalities() for v in variants(phrase.replace(NATIONALITY, adj, 1))]
    m = OPTIONAL.search(phrase)
    if m is None:
        return [" ".join(phrase.lower().split())]
    return [v for alt in ["", *m.group(1).split("/")] for v in variants(phrase[: m.start()] + alt + phrase[m.end() :])]


def _expand(field_: str) -> list[str]:
    return list(dict.fromkeys(v for p in split(field_) for v in variants(p)))


@lru_cache(maxsize=1)
def issues() -> dict[str, Issue]:
    """Issue id -> Issue, from issues.tsv, issues_own.tsv and the user's rows of either."""
    known = plover_contexts()
    out: dict[str, Issue] = {}
    for name in ("issues.tsv", "issues_own.tsv"):
        for r in read_table(name):
            issue = out.setdefault(r["issue"], Issue(r["issue"]))
            issue.category = issue.category or r.get("category", "")
            for context in split(r.get("contexts", "")):
                if context not in known:
                    raise ValueError(f"{name}: issue {issue.id}: {context!r} is not a PLOVER context")
                if known[context] not in issue.contexts:
                    issue.contexts.append(known[context])
            phrases = _expand(r.get("phrases", ""))
            if phrases:
                requires = frozenset(w.lower() for w in split(r.get("requires", "")))
                issue.groups.append(PhraseGroup(tuple(phrases), requires))
            issue.exclude.extend(_expand(r.get("exclude", "")))
            issue.unless.extend(_expand(r.get("unless", "")))
    return out
