"""Stances on issues (raised, proposed, demanded, agreed, rejected, discussed), as data.

stances.tsv maps trigger lemmas and PLOVER types to the stance an event takes on the issues
it names; a user's stances.tsv in PARLEY_VOCAB_DIR adds rows or overrides them.
"""

from __future__ import annotations

from functools import lru_cache

from . import read_table

STANCES = ("raised", "proposed", "demanded", "agreed", "rejected", "discussed")
DEFAULT = "raised"  # an event that names an issue and matches no row at least raises it


@lru_cache(maxsize=1)
def stance_table() -> dict[tuple[str, str], str]:
    """(kind, key) -> stance: kind `lemma` (lower-case trigger lemma) or `type` (PLOVER type)."""
    table = {}
    for row in read_table("stances.tsv"):
        if row["stance"] not in STANCES or row["kind"] not in ("lemma", "type"):
            raise ValueError(f"stances.tsv: bad row {row}")
        key = row["key"].lower() if row["kind"] == "lemma" else row["key"].upper()
        table[(row["kind"], key)] = row["stance"]
    return table


def lemmas(word: str) -> list[str]:
    """Candidate lemmas of an English verb form by simple suffix stripping: agreed -> agree."""
    w = word.lower()
    out = [w]
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("es", ""),
        ("ed", ""),
        ("ed", "e"),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            out.append(w[: -len(suffix)] + repl)
    return out


def stance(trigger: str, event_type: str) -> str:
    """The stance of an event: its trigger's lemma first, else its PLOVER type, else raised."""
    table = stance_table()
    for word in trigger.split()[:1]:
        for lemma in lemmas(word):
            if ("lemma", lemma) in table:
                return table[("lemma", lemma)]
    return table.get(("type", event_type.upper()), DEFAULT)
