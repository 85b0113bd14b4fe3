"""`parley eval`: score the whole coder on labelled sentences.

Formats: PLOVER-labelled CSV (text, event_type, source_text, target_text: the development
set's format and parley's own gold files), quad-class TSV (text, quad; 0 = no event) and
BIO-tagged actor spans (*.bio: a token and its tag a line; S source, T target). Each
sentence is coded as a document of its own, by the pipeline `parley code` runs, and
scored on what a user gets: the sentence's main event as its records show it (the most
confident event that is not negated, else the most confident one), typed as emitted; a
sentence with no event counts as wrong (quad 0). This is the product figure. Each file's
quads are scored in its own convention: a PLOVER file's by the quad of the emitted type in
the file's scheme (PLOVER's quads, as the PLOVER export writes them, save that the file's
YIELD, CONCEDE and RETREAT together, is material cooperation); beside it,
`quad_accuracy_cameo`, the emitted CAMEO code's GDELT quad, which calls an appeal cooperation
where PLOVER calls a request conflict. A quad file's (CAMEO's, as in ConfliBERT's data) by
the event's GDELT quad.

With `diagnostic` the figure `parley eval` used to give is printed beside it, never
instead: a second pipeline types every sentence's main verb, also where no event is
emitted (no actor, or too little confidence), and a negated main event is read by the
classifier's label for the whole sentence ("did not agree" labelled a rejection). It says
how good the classifier is, not what the product emits.

Whole articles with hand-read labels are scored by `parley.evaluation.articles`.

Gold files of dated or located sentences and of texts with their issues
(tests/data/dates_gold.tsv, places_gold.tsv, issues_gold.tsv) are scored by
`parley.evaluation.stages`; actor-coding gold files by `evaluate_codes`.

Actor and recipient spans are scored by token-F1 between the gold text and the words of
the main event's actors (recipients): a sentence with no emitted event scores 0.

With `folds` > 1 the classifier (on PLOVER files) and the span tagger (on PLOVER and BIO
files) are retrained for each held-out fold on the other folds of every file given, so
every sentence is scored by models that never saw it. The shipped event detector reads the
shipped classifier's encoder, so a fold's classifier needs its own: with `detector` (hand-read
articles and their labels) one is trained for each fold as the shipped one is, on those
articles and the other folds' PLOVER sentences, and the folds run the pipeline `parley code`
runs; without it they run without a detector (the report says which).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..nlp.document import Document, Event
from ..nlp.models.labels import LABELS, QUAD_OF, to_label
from ..training.data import SpanExample, load_bio, load_plover, load_quad, plover_spans
from ..training.metrics import (
    NONE,
    accuracy,
    confusion,
    confusion_table,
    macro_f1,
    per_class,
    token_f1,
)
from .headlines import HEADLINES_HEADER, evaluate_headlines
from .mains import main_event, record_main, sentence_type
from .stages import (
    DATES_HEADER,
    ISSUES_HEADER,
    PLACES_HEADER,
    StageReport,
    evaluate_dates,
    evaluate_issues,
    evaluate_places,
    load_rows,
)


@dataclass
class Report:
    source: str
    n: int
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)  # the emitted main event's type, NONE where none was emitted
    quad_gold: list[int] = field(default_factory=list)
    quad_pred: list[int] = field(default_factory=list)
    cameo_quad_pred: list[int] = field(default_factory=list)  # PLOVER files: the emitted CAMEO code's GDELT quad
    typed: list[str] = field(default_factory=list)  # diagnostic: every main verb typed
    typed_quad: list[int] = field(default_factory=list)
    actor_f1: list[float] = field(default_factory=list)
    recipient_f1: list[float] = field(default_factory=list)
    code_misses: list[str] = field(default_factory=list)  # actor coding: phrase, gold, got
    country_ok: list[bool] = field(default_factory=list)
    sector_ok: list[bool] = field(default_factory=list)
    detector: str = "shipped"  # the event detector of the coder scored: shipped, per fold, or none

    def summary(self) -> dict:
        out = {"source": self.source, "sentences": self.n, "detector": self.detector}
        if self.gold:
            out |= {
                "accuracy": round(accuracy(self.gold, self.pred), 4),
                "macro_f1": round(macro_f1(self.gold, self.pred, LABELS), 4),
                "coverage": round(sum(p != NONE for p in self.pred) / self.n, 4),
            }
        if self.quad_gold:
            out["quad_accuracy"] = round(accuracy(self.quad_gold, self.quad_pred), 4)
        if self.cameo_quad_pred:
            out["quad_accuracy_cameo"] = round(accuracy(self.quad_gold, self.cameo_quad_pred), 4)
        if self.typed:
            out |= {
                "diagnostic_typed_accuracy": round(accuracy(self.gold, self.typed), 4),
                "diagnostic_typed_macro_f1": round(macro_f1(self.gold, self.typed, LABELS), 4),
            }
        if self.typed_quad:
            out["diagnostic_typed_quad_accuracy"] = round(accuracy(self.quad_gold, self.typed_quad), 4)
        if self.actor_f1:
            out["actor_token_f1"] = round(sum(self.actor_f1) / len(self.actor_f1), 4)
            out["recipient_token_f1"] = round(sum(self.recipient_f1) / len(self.recipient_f1), 4)
        if self.country_ok:
            out["actor_country_accuracy"] = round(sum(self.country_ok) / len(self.country_ok), 4)
            out["actor_sector_accuracy"] = round(sum(self.sector_ok) / len(self.sector_ok), 4)
        return out

    def text(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.summary().items()]
        if self.code_misses:
            lines += ["", "misses (phrase: gold country/sector -> got):", *self.code_misses]
        if self.gold:
            lines += ["", f"{'type':<10} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>5}"]
            lines += [
                f"{r.label:<10} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} {r.support:5d}"
                for r in per_class(self.gold, self.pred, LABELS)
                if r.support
            ]
            lines += ["", "confusion (rows gold, columns predicted):", confusion_table(self.gold, self.pred, LABELS)]
            lines += [
                "",
                "most frequent confusions: "
                + ", ".join(f"{g}->{p} {n}" for (g, p), n in confusion(self.gold, self.pred).most_common(8)),
            ]
        return "\n".join(lines)


def _actor_text(actors) -> str:
    return " ".join(a.text for a in actors)


def _docs(texts: list[str]) -> Iterator[Document]:
    return (Document(str(i), t) for i, t in enumerate(texts))


def _code(texts: list[str], product, diagnostic=None) -> list[tuple[Event | None, str | None]]:
    """(main event of what `product` emits, the type `diagnostic` gives the sentence's main
    verb, or None) per text."""
    emitted = [record_main(doc.events) for doc in product(_docs(texts))]
    if diagnostic is None:
        return [(e, None) for e in emitted]
    typed: list[str | None] = []
    for doc in diagnostic(_docs(texts)):
        main = main_event(doc, doc.events) or main_event(doc, [e for e in doc.scratch.uncoded if e.cameo])
        typed.append(sentence_type(doc, main) if main else None)
    return list(zip(emitted, typed))


def _pipeline(nlp=None, classifier=True, tagger=True, diagnostic: bool = False, detector=True):
    """The pipeline `parley code` runs (with these models), or the diagnostic one that
    types every sentence's main verb."""
    from ..nlp.pipeline import Pipeline

    return Pipeline(nlp, classifier=classifier, score_all_sentences=diagnostic, tagger=tagger, detector=detector)


def _default_pipeline():
    from ..nlp.pipeline import default_pipeline

    return default_pipeline()


CODES_HEADER = ["date", "text", "phrase", "country", "sector"]


def kind_of(path: Path) -> str:
    """plover, quad, bio, codes (actor phrases with gold country and sector), dates,
    places, issues or headlines, from the file's name and header."""
    if path.suffix.lower() == ".bio":
        return "bio"
    with open(path, encoding="utf-8") as f:
        first = next((line for line in f if not line.startswith("#")), "").rstrip("\n")
    if first == HEADLINES_HEADER:
        return "headlines"
    header = first.split("\t")
    by_header = {
        ("text", "quad"): "quad",
        tuple(CODES_HEADER): "codes",
        tuple(DATES_HEADER): "dates",
        tuple(PLACES_HEADER): "places",
        tuple(ISSUES_HEADER): "issues",
    }
    return by_header.get(tuple(header), "plover")


def load_codes(path: Path) -> list[dict[str, str]]:
    """Rows of an actor-coding gold file (CODES_HEADER columns, tab-separated, # comments)."""
    return load_rows(path, CODES_HEADER)


def evaluate_codes(path: Path, pipeline=None) -> Report:
    """Country and sector accuracy of gold actor phrases (`parley actors` on each sentence;
    the phrase is matched to the coded phrase that equals it, else the one containing it)."""
    from ..api import actors

    rows = load_codes(path)
    report = Report(str(path), len(rows))
    for r in rows:
        coded = actors(r["text"], date=r["date"] or None, pipeline=pipeline)
        phrase = r["phrase"].lower()
        got = next((c for c in coded if c["text"].lower() == phrase), None) or next(
            (c for c in coded if phrase in c["text"].lower() or c["text"].lower() in phrase), None
        )
        country, sector = (got["country"], got["sector"]) if got else (None, None)
        report.country_ok.append((country or "") == r["country"])
        report.sector_ok.append((sector or "") == r["sector"])
        if not (report.country_ok[-1] and report.sector_ok[-1]):
            report.code_misses.append(
                f"{r['phrase']}: {r['country'] or '-'}/{r['sector'] or '-'} -> "
                f"{country or '-'}/{sector or '-'}" + ("" if got else " (not found)")
            )
    return report


STAGE_SCORERS = {"codes": evaluate_codes, "dates": evaluate_dates, "places": evaluate_places, "issues": evaluate_issues}
PRODUCT_SCORERS = {"headlines": evaluate_headlines}  # scored on what `parley code` emits


def evaluate_all(
    paths: list[Path],
    pipeline=None,
    folds: int = 0,
    device: str = "cpu",
    log: Callable[[str], None] = lambda s: None,
    diagnostic: bool = False,
    detector: tuple[Path, Path] | None = None,
) -> list[Report | StageReport]:
    """Score the coder on labelled files, one report each; with folds > 1, cross-validated
    jointly over the PLOVER and BIO files given, with a detector retrained per fold on the
    `detector` articles and labels where given. `pipeline` is the product pipeline to score
    (default: the one `parley code` runs); `diagnostic` adds the typed-main-verb figures."""
    kinds = [kind_of(p) for p in paths]
    if any(k in STAGE_SCORERS or k in PRODUCT_SCORERS for k in kinds):
        pipeline = pipeline or _default_pipeline()
        stages = _pipeline(pipeline.nlp, diagnostic=True)
        others = [p for p, k in zip(paths, kinds) if k not in STAGE_SCORERS and k not in PRODUCT_SCORERS]
        scored = iter(evaluate_all(others, pipeline, folds, device, log, diagnostic, detector) if others else [])
        return [
            STAGE_SCORERS[k](p, stages)
            if k in STAGE_SCORERS
            else PRODUCT_SCORERS[k](p, pipeline)
            if k in PRODUCT_SCORERS
            else next(scored)
            for p, k in zip(paths, kinds)
        ]
    data = [
        load_quad(p) if k == "quad" else load_plover(p) if k == "plover" else load_bio(p) for p, k in zip(paths, kinds)
    ]
    texts = [[t for t, _ in d] if k == "quad" else [e.text for e in d] for d, k in zip(data, kinds)]
    if folds > 1:
        coded = _cross_validated(data, kinds, folds, device, log, diagnostic, detector)
        which = "per fold" if detector else "none"
    else:
        pipeline = pipeline or _default_pipeline()
        typing = _pipeline(pipeline.nlp, diagnostic=True) if diagnostic else None
        coded = [_code(t, pipeline, typing) for t in texts]
        which = "shipped" if pipeline.stages.get("classify") and pipeline.stage("classify").detector else "none"
    return [_report(str(p), k, d, c, diagnostic, which) for p, k, d, c in zip(paths, kinds, data, coded)]


def _report(
    source: str,
    kind: str,
    data: list,
    events: list[tuple[Event | None, str | None]],
    diagnostic: bool = False,
    detector: str = "shipped",
) -> Report:
    report = Report(source, len(data), detector=detector)
    if kind == "quad":
        report.quad_gold = [q for _, q in data]
        report.quad_pred = [e.quad_class if e else 0 for e, _ in events]  # no event: quad 0
        if diagnostic:
            report.typed_quad = [QUAD_OF[t] if t else 0 for _, t in events]
        return report
    for ex, (emitted, typed) in zip(data, events):
        gold_source, gold_target = (
            (ex.source, ex.target) if kind == "plover" else (ex.role_text("S"), ex.role_text("T"))
        )
        report.actor_f1.append(token_f1(gold_source, _actor_text(emitted.actors) if emitted else ""))
        report.recipient_f1.append(token_f1(gold_target, _actor_text(emitted.recipients) if emitted else ""))
        if kind == "plover":
            report.gold.append(ex.label)
            report.pred.append(to_label(emitted.event_type) if emitted else NONE)
            report.quad_gold.append(QUAD_OF[ex.label])
            report.quad_pred.append(QUAD_OF[report.pred[-1]] if emitted else 0)
            report.cameo_quad_pred.append(emitted.quad_class if emitted else 0)
            if diagnostic:
                report.typed.append(typed or NONE)
                report.typed_quad.append(QUAD_OF[report.typed[-1]] if typed else 0)
    return report


def _fold_of(n: int, folds: int, labels: list | None, seed: int) -> list[int]:
    """Fold number per example: stratified by label where there are labels."""
    from ..training.train import folds_of

    out = [0] * n
    for f, members in enumerate(folds_of(n, folds, labels or [0] * n, seed)):
        for i in members:
            out[i] = f
    return out


def _cross_validated(
    data: list[list],
    kinds: list[str],
    folds: int,
    device: str,
    log,
    diagnostic: bool,
    detector: tuple[Path, Path] | None,
) -> list[list[tuple[Event | None, str | None]]]:
    from ..nlp.models import tuned_layers
    from ..nlp.models.classifier import WEIGHTS, EventClassifier, shipped_config
    from ..nlp.models.tagger import SpanConfig
    from ..training.detector import fold_detector
    from ..training.encoder import saved_config, tuned_coder
    from ..training.spans import fit_tagger, training_items
    from ..training.train import fit, items
    from ..training.views import pattern_views
    from .annotations import load

    articles = list(load(detector[1], detector[0]).values()) if detector else []
    tuned = (WEIGHTS / tuned_layers.FILE).is_file()  # the shipped encoder's top layers were tuned on articles

    config = shipped_config()  # same hyperparameters and calibration as the shipped model
    patterns = _pipeline(classifier=False, diagnostic=True)
    plover = [i for i, k in enumerate(kinds) if k == "plover"]
    fold = [
        _fold_of(len(d), folds, [e.label for e in d] if k == "plover" else None, config.seed)
        if k != "quad"
        else [f % folds for f in range(len(d))]
        for d, k in zip(data, kinds)
    ]
    typed = {i: items(data[i], pattern_views([e.text for e in data[i]], patterns), config) for i in plover}
    spans: dict[int, list[SpanExample]] = {
        i: plover_spans(d) if k == "plover" else d for i, (d, k) in enumerate(zip(data, kinds)) if k != "quad"
    }
    out: list[list] = [[(None, None)] * len(d) for d in data]
    for f in range(folds):
        train = [it for i in plover for j, it in enumerate(typed[i]) if fold[i][j] != f]
        if train:
            log(f"fold {f + 1}/{folds}: training the classifier on {len(train)} sentences")
            fitted = fit(train, config, device, log).to("cpu")
        else:
            fitted = EventClassifier.load(tuned=False)
        examples = [ex for i, exs in spans.items() for j, ex in enumerate(exs) if fold[i][j] != f]
        sentences = [e for i in plover for j, e in enumerate(data[i]) if fold[i][j] != f]
        found = tagger = None
        if articles and tuned and sentences and examples:
            log(f"fold {f + 1}/{folds}: tuning the encoder's top layers, then the head, tagger and event detector")
            coder = tuned_coder(fitted, articles, sentences, examples, saved_config(), nlp=patterns.nlp, log=log)
            model, tagger, found = coder.classifier, coder.tagger, coder.detector
        else:
            model = fitted.for_inference()
        if examples and tagger is None:
            log(f"fold {f + 1}/{folds}: training the span tagger on {len(examples)} sentences")
            tagger = fit_tagger(training_items(examples, model, SpanConfig(), patterns), SpanConfig(), log)
        if articles and found is None:
            log(f"fold {f + 1}/{folds}: training the event detector")
            found = fold_detector(_pipeline(patterns.nlp, classifier=model, tagger=None), articles, sentences, log)
        product = _pipeline(patterns.nlp, classifier=model, tagger=tagger, detector=found)
        typing = _pipeline(patterns.nlp, classifier=model, tagger=tagger, diagnostic=True) if diagnostic else None
        for i, d in enumerate(data):
            held = [j for j in range(len(d)) if fold[i][j] == f]
            texts = [d[j][0] if kinds[i] == "quad" else d[j].text for j in held]
            for j, ev in zip(held, _code(texts, product, typing)):
                out[i][j] = ev
    return out
