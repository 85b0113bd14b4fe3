"""A cheap English check: is a text English news prose parley can code?

English prose is dense in a few function words; other languages, code, and tables of
numbers are not. Short texts pass unless they are mostly non-Latin script.
"""

from __future__ import annotations

import re

FUNCTION_WORDS = frozenset(
    "the of and to in a is was for on that with as by at from it has have be are said "
    "an its his their this not but were will had been which".split()
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_WORDS = 12
MIN_SHARE = 0.12


def english_problem(text: str) -> str | None:
    """None when the text looks English; otherwise a short reason."""
    words = WORD.findall(text[:20_000])
    if not words:
        return "no words in it"
    latin = sum(1 for w in words if w.isascii())
    if latin / len(words) < 0.5:
        return "not English (mostly non-Latin script)"
    if len(words) < MIN_WORDS:
        return None
    share = sum(1 for w in words if w.lower() in FUNCTION_WORDS) / len(words)
    if share < MIN_SHARE:
        return f"not English (only {share:.0%} English function words)"
    return None
