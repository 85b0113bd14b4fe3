"""Labelled data for training and evaluation, in the formats of ../shared/data.

- PLOVER sentences (`plover_events_train.csv`: id, text, event_type, source_text, target_text),
  in the older 15-type scheme where YIELD = CONCEDE + RETREAT;
- CAMEO quad classes (`cameo_quad_train.tsv`: text, quad; 0 = no event / statement);
- synthetic stories (`synthetic_stories.csv`: text, title, label, mode), document level;
- parley's own gold files in the PLOVER format.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..nlp.models.labels import to_label


@dataclass
class Example:
    text: str
    label: str | None  # one of LABELS, or None for "no event"
    source: str = ""
    target: str = ""
    weight: float = 1.0
    id: str = ""


def _csv_rows(path: Path):
    csv.field_size_limit(10_000_000)
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def load_plover(path: Path) -> list[Example]:
    """PLOVER-labelled sentences (the development set format, or parley's own gold files)."""
    return [
        Example(
            r["text"],
            to_label(r["event_type"].strip().upper()),
            r.get("source_text", "") or "",
            r.get("target_text", "") or "",
            1.0,
            r.get("id", "") or str(i),
        )
        for i, r in enumerate(_csv_rows(path))
    ]


def load_quad(path: Path) -> list[tuple[str, int]]:
    """(sentence, quad class 0-4) pairs; 0 means a statement or no event."""
    out = []
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            text, _, quad = line.rstrip("\n").rpartition("\t")
            if text and quad.isdigit():
                out.append((text, int(quad)))
    return out


@dataclass
class SpanExample:
    """A sentence with gold character spans of its event's source (S) and target (T)."""

    text: str
    spans: dict[str, list[tuple[int, int]]]
    origin: str  # the file it came from

    def role_text(self, role: str) -> str:
        return " ".join(self.text[a:b] for a, b in self.spans.get(role, []))


def _find(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where a gold phrase occurs in its sentence (first occurrence, any case)."""
    i = text.find(phrase) if phrase else -1
    if phrase and i < 0:
        i = text.lower().find(phrase.lower())
    return [(i, i + len(phrase))] if i >= 0 else []


def plover_spans(examples: list[Example], origin: str = "plover") -> list[SpanExample]:
    """Span examples from PLOVER rows, locating source_text and target_text in the sentence."""
    return [SpanExample(e.text, {"S": _find(e.text, e.source), "T": _find(e.text, e.target)}, origin) for e in examples]


def load_bio(path: Path) -> list[SpanExample]:
    """BIO-tagged sentences, a token and its tag a line, blank lines between sentences
    (tags S source, T target, R a party of a reciprocal event). The tokens are joined by
    spaces; where a sentence has only R spans the first is read as S, the rest as T."""
    out: list[SpanExample] = []
    tokens: list[tuple[str, str]] = []

    def flush() -> None:
        if not tokens:
            return
        text, spans = "", []  # spans: [role, start, end]
        for tok, tag in tokens:
            text += " " if text else ""
            start = len(text)
            text += tok
            role = tag[2:]
            if tag.startswith("B-") or (
                tag.startswith("I-") and (not spans or spans[-1][0] != role or spans[-1][2] != start - 1)
            ):
                spans.append([role, start, start + len(tok)])
            elif tag.startswith("I-"):
                spans[-1][2] = start + len(tok)
        by_role = {r: [(a, b) for role, a, b in spans if role == r] for r in ("S", "T", "R")}
        if by_role["R"] and not by_role["S"] and not by_role["T"]:
            by_role["S"], by_role["T"] = by_role["R"][:1], by_role["R"][1:]
        out.append(SpanExample(text, {"S": by_role["S"], "T": by_role["T"]}, Path(path).name))
        tokens.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                flush()
                continue
            tok, _, tag = line.rpartition(" ")
            tokens.append((tok, tag))
    flush()
    return out


def load_stories(path: Path, weight: float = 0.3) -> list[Example]:
    """Synthetic stories as extra training data: each story's first sentence, down-weighted.

    The labels belong to the whole machine-written story; its lead sentence usually
    states the event, the rest is background.
    """
    out = []
    for i, r in enumerate(_csv_rows(path)):
        text = " ".join(r["text"].split())
        lead = text.split(". ")[0].rstrip(".") + "."
        if len(lead.split()) >= 6:
            out.append(Example(lead, to_label(r["label"].strip().upper()), weight=weight, id=f"story{i}"))
    return out
