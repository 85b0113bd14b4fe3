"""Scores for `parley eval`: accuracy, macro-F1, per-class P/R/F1, confusion, span token-F1."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

NONE = "NONE"  # the coder found no event


@dataclass
class ClassReport:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def accuracy(gold: Sequence, pred: Sequence) -> float:
    return sum(g == p for g, p in zip(gold, pred)) / len(gold) if gold else 0.0


def per_class(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[ClassReport]:
    out = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out.append(ClassReport(label, prec, rec, f1, tp + fn))
    return out


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> float:
    reports = [r for r in per_class(gold, pred, labels) if r.support]
    return sum(r.f1 for r in reports) / len(reports) if reports else 0.0


def confusion(gold: Sequence[str], pred: Sequence[str]) -> Counter:
    """(gold, predicted) -> count, for the mistakes only."""
    return Counter((g, p) for g, p in zip(gold, pred) if g != p)


def confusion_table(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> str:
    """A full confusion matrix as text: rows gold, columns predicted."""
    cols = list(labels) + ([NONE] if NONE in pred else [])
    counts = Counter(zip(gold, pred))
    short = [c[:4] for c in cols]
    lines = ["gold \\ pred " + " ".join(f"{s:>4}" for s in short)]
    for g in labels:
        lines.append(f"{g[:11]:<11} " + " ".join(f"{counts[(g, p)] or '.':>4}" for p in cols))
    return "\n".join(lines)


TOKEN = re.compile(r"\w+", re.UNICODE)


def token_f1(gold: str, pred: str) -> float:
    """SQuAD-style token overlap F1 between a gold and a predicted span text."""
    g, p = TOKEN.findall(gold.lower()), TOKEN.findall(pred.lower())
    if not g and not p:
        return 1.0
    common = sum((Counter(g) & Counter(p)).values())
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)
