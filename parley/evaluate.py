"""`parley eval`: score the whole coder on labelled sentences.

Formats: PLOVER-labelled CSV (text, event_type, source_text, target_text: the development
set's format and parley's own gold files) and quad-class TSV (text, quad; 0 = no event).
Each sentence is coded as a document of its own. Two scores are kept apart:

- type accuracy: the type parley gives the sentence's main event, or, where it emits no
  event (no actor found, or too little confidence), the type its classifier gives the
  sentence's main verb; comparable with classifiers that label every sentence;
- end-to-end accuracy: only emitted events count, a sentence without one is NONE.

A sentence-level label describes a negated event by what the sentence does: "did not
agree" is labelled a rejection, where parley emits AGREE with `negated` set. For a
negated main event the score therefore reads the classifier's label for the sentence.

With `folds` > 1 the classifier is retrained on the other folds for each held-out fold,
so every sentence is scored by a model that never saw it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .document import Document, Event
from .learn.data import LABELS, QUAD_OF, Example, load_plover, load_quad, to_label
from .learn.metrics import NONE, accuracy, confusion, confusion_table, macro_f1, per_class, token_f1


@dataclass
class Report:
    source: str
    n: int
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)  # typed, emitted or not
    emitted: list[str] = field(default_factory=list)  # NONE where no event was emitted
    quad_gold: list[int] = field(default_factory=list)
    quad_pred: list[int] = field(default_factory=list)
    actor_f1: list[float] = field(default_factory=list)
    recipient_f1: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        out = {"source": self.source, "sentences": self.n}
        if self.gold:
            out |= {"accuracy": round(accuracy(self.gold, self.pred), 4),
                    "macro_f1": round(macro_f1(self.gold, self.pred, LABELS), 4),
                    "end_to_end_accuracy": round(accuracy(self.gold, self.emitted), 4),
                    "end_to_end_macro_f1": round(macro_f1(self.gold, self.emitted, LABELS), 4),
                    "coverage": round(sum(p != NONE for p in self.emitted) / self.n, 4)}
        if self.quad_gold:
            out["quad_accuracy"] = round(accuracy(self.quad_gold, self.quad_pred), 4)
        if self.actor_f1:
            out["actor_token_f1"] = round(sum(self.actor_f1) / len(self.actor_f1), 4)
            out["recipient_token_f1"] = round(sum(self.recipient_f1) / len(self.recipient_f1), 4)
        return out

    def text(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.summary().items()]
        if self.gold:
            lines += ["", f"{'type':<10} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}"]
            lines += [f"{r.label:<10} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} {r.support:5d}"
                      for r in per_class(self.gold, self.pred, LABELS) if r.support]
            lines += ["", "confusion (rows gold, columns predicted):", confusion_table(self.gold, self.pred, LABELS)]
            lines += ["", "most frequent confusions: " + ", ".join(
                f"{g}->{p} {n}" for (g, p), n in confusion(self.gold, self.pred).most_common(8))]
        return "\n".join(lines)


def main_event(events: list[Event]) -> Event | None:
    """The event a sentence-level label describes: the most confident non-negated one."""
    factual = [e for e in events if not e.negated] or events
    return max(factual, key=lambda e: e.confidence) if factual else None


def sentence_type(event: Event) -> str:
    """The 15-type label that a labelled sentence whose main event this is would carry."""
    if event.negated and event.sentence_label:
        return event.sentence_label
    return to_label(event.event_type)


def _actor_text(actors) -> str:
    return " ".join(a.text for a in actors)


def _code(texts: list[str], pipeline) -> list[tuple[Event | None, Event | None]]:
    """(main emitted event, main typed event) per text."""
    out = []
    for doc in pipeline(Document(str(i), t) for i, t in enumerate(texts)):
        emitted = main_event(doc.events)
        out.append((emitted, emitted or main_event([e for e in doc.uncoded if e.cameo])))
    return out


def _pipeline(nlp=None, classifier=True):
    from .pipeline import Pipeline

    return Pipeline(nlp, classifier=classifier, score_all_sentences=True)


def is_quad_file(path: Path) -> bool:
    with open(path, encoding="utf-8") as f:
        return f.readline().rstrip("\n").split("\t") == ["text", "quad"]


def evaluate(path: Path, pipeline=None, folds: int = 0, device: str = "cpu",
             log: Callable[[str], None] = lambda s: None) -> Report:
    """Score the coder on a labelled file (format recognised from its header)."""
    path = Path(path)
    if is_quad_file(path):
        pairs = load_quad(path)
        report = Report(str(path), len(pairs))
        events = _code([t for t, _ in pairs], pipeline or _pipeline())
        report.quad_gold = [q for _, q in pairs]
        report.quad_pred = [e.quad_class if e else 0 for e, _ in events]  # no event: quad 0
        return report
    examples = load_plover(path)
    report = Report(str(path), len(examples))
    if folds > 1:
        events = _cross_validated(examples, folds, device, log)
    else:
        events = _code([e.text for e in examples], pipeline or _pipeline())
    for ex, (emitted, typed) in zip(examples, events):
        report.gold.append(ex.label)
        report.pred.append(sentence_type(typed) if typed else NONE)
        report.emitted.append(sentence_type(emitted) if emitted else NONE)
        report.quad_gold.append(QUAD_OF[ex.label])
        report.quad_pred.append(QUAD_OF[report.pred[-1]] if typed else 0)
        report.actor_f1.append(token_f1(ex.source, _actor_text(emitted.actors) if emitted else ""))
        report.recipient_f1.append(token_f1(ex.target, _actor_text(emitted.recipients) if emitted else ""))
    return report


def _cross_validated(examples: list[Example], folds: int, device: str, log
                     ) -> list[tuple[Event | None, Event | None]]:
    from .learn.model import shipped_config
    from .learn.train import fit, folds_of, items
    from .learn.views import pattern_views

    config = shipped_config()  # same hyperparameters and calibration as the shipped model
    patterns = _pipeline(classifier=False)
    data = items(examples, pattern_views([e.text for e in examples], patterns), config)
    out: list[tuple[Event | None, Event | None]] = [(None, None)] * len(examples)
    for f, test_idx in enumerate(folds_of(len(data), folds, [d.label for d in data], config.seed)):
        held_out = set(test_idx)
        train = [d for i, d in enumerate(data) if i not in held_out]
        log(f"fold {f + 1}/{folds}: training on {len(train)}, scoring {len(test_idx)}")
        model = fit(train, config, device, log).to("cpu")
        pipeline = _pipeline(patterns.parser.nlp, classifier=model)
        for i, ev in zip(test_idx, _code([examples[i].text for i in test_idx], pipeline)):
            out[i] = ev
    return out
