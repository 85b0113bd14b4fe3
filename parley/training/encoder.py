"""Tuning the encoder's top layers on the event detector's task, and the coder built on them.

The classifier's encoder (all-MiniLM-L6-v2 with the classifier's adapters) was trained to type
one-event sentences; the event detector reads its states for every word of real articles. Here
its top layers are trained with a detector network on what the detector learns from, the
hand-read articles and the labelled sentences (the layers below stay as they are, so their
states are read once), and then everything that reads those layers is trained again on
them: the classifier's head (on the labelled sentences), the span tagger and the event
detector. Four epochs: on two folds by article eight epochs learned the training
articles by heart (training loss 0.14) and coded held-out ones worse than four.
`parley train --encoder` writes the result beside the classifier (`parley.nlp.models.
tuned_layers`; shipped since the thirty-ninth step of issue 22, when the layers first learned
the world articles too: `docs/accuracy.md`); with it there, each fold of `parley eval
--articles --folds` trains its own.
"""

from __future__ import annotations

import copy
import json
import math
import random
import weakref
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, fields
from functools import partial
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional

from ..evaluation.annotations import Article
from ..nlp.document import Document, Event
from ..nlp.models import tuned_layers
from ..nlp.models.classifier import WEIGHTS, EventClassifier, LoRALinear, _replace
from ..nlp.models.detector import DetectorConfig, EventDetector
from ..nlp.models.labels import LABELS
from ..nlp.models.tagger import SpanConfig, SpanTagger, batches
from ..nlp.pipeline import Pipeline
from ..nlp.stages.classify import prepare
from .data import Example, SpanExample, load_bio, load_plover, plover_spans
from .detector import (
    SENTENCES,
    PoolReading,
    _article_label,
    _labels,
    fold_detector,
    read_pools,
    sentence_label,
    world_articles,
)
from .spans import cross_validate_tagger, fit_tagger, training_items
from .train import Item, items, seed_everything
from .views import pattern_views


@dataclass
class EncoderConfig:
    top: int = 3  # layers tuned; the detector reads the layer below them and the last one
    epochs: int = 4
    lr: float = 5e-5  # the layers'; the detector network's is DetectorConfig.lr
    batch_size: int = 32  # readings (sentences) a step
    dropout: float = 0.1  # in the tuned layers, as BERT trains them
    # the share of the layers' change kept (weight-space ensembling, WiSE-FT): 0.5 keeps about
    # three fifths of the folds' gain (docs/accuracy.md, the twenty-ninth step of issue 22)
    mix: float = 1.0
    head_epochs: int = 40  # the classifier's head, on the tuned layers' states
    head_lr: float = 2e-3
    seed: int = 13


@dataclass
class TuningRow:
    """One reading (a sentence of an article, or a labelled sentence): the states entering the
    tuned layers, and the candidates' pieces, what else the detector reads of them (the
    classifier's probabilities, their views) and their labels."""

    below: torch.Tensor  # (word pieces, width), half precision
    at: torch.Tensor
    other: torch.Tensor  # (candidates, probabilities + view)
    y: torch.Tensor


LabelOf = Callable[[Event, bool], int | None]  # a candidate's label, None to leave it out
Labeller = Callable[[Document, Any], LabelOf]  # a read document and its batch -> its label function
# reading classifier -> (layer read, article id or sentence label, hash of the text) -> its rows
_ROWS: weakref.WeakKeyDictionary[nn.Module, dict[tuple, list[TuningRow]]] = weakref.WeakKeyDictionary()
# untuned classifier -> the coding copy that reads its rows (`for_inference` merges in place)
_READERS: weakref.WeakKeyDictionary[EventClassifier, EventClassifier] = weakref.WeakKeyDictionary()


def tuning_rows(pipeline: Pipeline, articles: list[Article], config: EncoderConfig) -> list[TuningRow]:
    """The rows of the articles, read by the pipeline's (untuned) classifier, once per process."""
    wanted = [((a.id, hash(a.text)), Document(a.id, a.text, a.date), partial(_article_labeller, a)) for a in articles]
    return _cached_rows(pipeline, config, wanted)


def sentence_tuning_rows(pipeline: Pipeline, examples: list[Example], config: EncoderConfig) -> list[TuningRow]:
    """The rows of labelled single sentences, labelled as the detector's (`sentence_label`),
    once per process (the folds of one article evaluation share them)."""
    wanted = [
        ((f"sentence {ex.label}", hash(ex.text)), Document(f"s{i}", ex.text), partial(_sentence_labeller, ex))
        for i, ex in enumerate(examples)
    ]
    return _cached_rows(pipeline, config, wanted)


def _article_labeller(article: Article, doc: Document, batch) -> LabelOf:
    labels, _ = _labels(doc, [e for pool in batch.pools for e in pool], article)
    return partial(_article_label, labels)


def _sentence_labeller(ex: Example, doc: Document, batch) -> LabelOf:
    return partial(sentence_label, ex)


def _cached_rows(
    pipeline: Pipeline, config: EncoderConfig, wanted: Sequence[tuple[tuple, Document, Labeller]]
) -> list[TuningRow]:
    """The rows of (key, document, labeller) read by the pipeline's classifier, each key's once
    per process and classifier; a labeller gives the label function of a read document."""
    stage = pipeline.stage("classify")
    below = len(stage.model.encoder.encoder.layer) - config.top
    done = _ROWS.setdefault(stage.model, {})
    todo = [(key, doc, labeller) for key, doc, labeller in wanted if (below, *key) not in done]
    read = pipeline.partial((doc for _, doc, _ in todo), through="events")
    for (key, _, labeller), doc in zip(todo, read):
        batch = prepare([doc], stage.model.config.mark_trigger, detect=True)
        pools = read_pools(stage, batch, labeller(doc, batch), (below,))
        done[(below, *key)] = [_tuning_row(pool) for pool in pools]
        doc.release()
    return [row for key, _, _ in wanted for row in done[(below, *key)]]


def _tuning_row(pool: PoolReading) -> TuningRow:
    other = torch.cat([torch.as_tensor(pool.probs).expand(len(pool.at), -1), torch.tensor(pool.views)], 1)
    return TuningRow(pool.pieces.half(), torch.tensor(pool.at), other, torch.tensor(pool.labels))


def merged_top(model: EventClassifier, top: int) -> nn.ModuleList:
    """Float copies of the encoder's top layers, the classifier's adapters merged in."""
    layers = nn.ModuleList(copy.deepcopy(model.encoder.encoder.layer[-top:]))
    for name, module in list(layers.named_modules()):
        if isinstance(module, LoRALinear):
            _replace(layers, name, module.merged())
    return layers


def top_states(layers: nn.ModuleList, x: torch.Tensor, mask: torch.Tensor, dropout: float) -> torch.Tensor:
    """The layers over padded states (batch, pieces, width); `mask` marks the real pieces."""
    attend = mask[:, None, None, :]
    blocks: list[Any] = list(layers)  # BERT blocks: their parts are read by name
    for layer in blocks:
        attention = layer.attention.self
        rows, length, width = x.shape
        q, k, v = (
            f(x).view(rows, length, attention.num_attention_heads, -1).transpose(1, 2)
            for f in (attention.query, attention.key, attention.value)
        )
        mixed = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend).transpose(1, 2)
        mixed = mixed.reshape(rows, length, width)
        out = layer.attention.output
        x = out.LayerNorm(functional.dropout(out.dense(mixed), dropout, layers.training) + x)
        out = layer.output
        x = out.LayerNorm(functional.dropout(out.dense(layer.intermediate(x)), dropout, layers.training) + x)
    return x


def _features(layers: nn.ModuleList, rows: list[TuningRow], dropout: float) -> torch.Tensor:
    """As `parley.nlp.models.detector.features`: the layer below the tuned ones and the last
    layer at each candidate, the sentence's mean last layer, then the probabilities and views."""
    below = nn.utils.rnn.pad_sequence([r.below.float() for r in rows], batch_first=True)
    lengths = torch.tensor([len(r.below) for r in rows])
    mask = torch.arange(below.shape[1])[None, :] < lengths[:, None]
    last = top_states(layers, below, mask, dropout)
    mean = (last * mask[..., None]).sum(1) / lengths[:, None]
    row = torch.cat([torch.full((len(r.at),), k) for k, r in enumerate(rows)])
    at = torch.cat([r.at for r in rows])
    return torch.cat([below[row, at], last[row, at], mean[row], torch.cat([r.other for r in rows])], 1)


def tune(model: EventClassifier, rows: list[TuningRow], config: EncoderConfig, log=print) -> dict[str, torch.Tensor]:
    """Train the top layers with a detector network on the rows; their changes by parameter
    name (the encoder's names), warm-up then linear decay of the learning rate."""
    seed_everything(config.seed)
    layers = merged_top(model, config.top)
    start = {k: v.detach().clone() for k, v in layers.state_dict().items()}
    layers.requires_grad_(True)
    detector = DetectorConfig()
    net = EventDetector(detector).nets[0]
    tuned_params = list(layers.parameters())
    opt = torch.optim.AdamW(
        [
            {"params": net.parameters(), "lr": detector.lr, "weight_decay": detector.weight_decay},
            {"params": tuned_params, "lr": config.lr, "weight_decay": 0.01},
        ]
    )
    steps = config.epochs * math.ceil(len(rows) / config.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    order = list(rows)
    for epoch in range(config.epochs):
        layers.train()
        net.train()
        random.shuffle(order)
        total = 0.0
        for i in range(0, len(order), config.batch_size):
            batch = order[i : i + config.batch_size]
            logits = net(_features(layers, batch, config.dropout))
            loss = functional.cross_entropy(logits, torch.cat([r.y for r in batch]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            total += loss.item() * len(batch)
        log(f"encoder epoch {epoch + 1}/{config.epochs}: loss {total / max(len(order), 1):.4f}")
    first = len(model.encoder.encoder.layer) - config.top
    return {
        f"encoder.layer.{first + int(k.split('.', 1)[0])}.{k.split('.', 1)[1]}": (v.detach() - start[k])
        for k, v in layers.state_dict().items()
    }


def fit_head(model: EventClassifier, data: list[Item], config: EncoderConfig) -> nn.Linear:
    """The classifier's head trained again on what a coding classifier's encoder reads of the
    sentences (its encoder untouched), weighted as the classifier's own training weighs them."""
    ids = model.tokenize([it.text for it in data])["input_ids"]
    x = torch.zeros(len(data), model.head.in_features)
    with torch.inference_mode():
        for batch in batches([len(row) for row in ids], 1024):
            x[batch] = model.features_packed([ids[j] for j in batch], [data[j].pattern for j in batch])[0]
    x = x.clone()
    y = torch.tensor([it.label for it in data])
    weight = torch.tensor([it.weight for it in data], dtype=torch.float32)
    counts = torch.bincount(y, minlength=len(LABELS)).clamp(min=1)
    power = model.config.class_weight_power
    class_weight = ((len(y) / (len(LABELS) * counts)) ** power).float()
    seed_everything(config.seed)
    head = nn.Linear(x.shape[1], len(LABELS))
    opt = torch.optim.AdamW(head.parameters(), lr=config.head_lr, weight_decay=model.config.weight_decay)
    for _ in range(config.head_epochs):
        order = torch.randperm(len(y))
        for i in range(0, len(y), model.config.batch_size):
            idx = order[i : i + model.config.batch_size]
            logits = head(functional.dropout(x[idx], model.config.dropout, True))
            loss = functional.cross_entropy(logits, y[idx], weight=class_weight, reduction="none")
            loss = (loss * weight[idx]).sum() / weight[idx].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return head.eval()


@dataclass
class TunedCoder:
    """What tuning makes: the coding classifier (tuned layers merged, new head), the layers'
    changes and head as `tuned_layers` saves them, and the tagger and detector trained on it."""

    classifier: EventClassifier
    delta: dict[str, torch.Tensor]
    tagger: SpanTagger
    detector: EventDetector

    def pipeline(self, nlp=None) -> Pipeline:
        return Pipeline(nlp, classifier=self.classifier, tagger=self.tagger, detector=self.detector)


def tuned_coder(
    untuned: EventClassifier,
    articles: list[Article],
    sentences: list[Example],
    spans: list[SpanExample],
    config: EncoderConfig | None = None,
    nlp=None,
    log=print,
    held_out: Collection[str] = (),
) -> TunedCoder:
    """Tune the top layers of `untuned` (a classifier with its adapters, before `for_inference`)
    on the articles and the world articles but those `held_out` (so that the layers read short
    wire reports and diplomacy, not only one newspaper's war reporting), then train on the tuned
    layers the head on the labelled `sentences`, the tagger on `spans` and the detector on the
    same articles and the sentences."""
    config = config or EncoderConfig()
    if untuned not in _READERS:
        _READERS[untuned] = copy.deepcopy(untuned).for_inference()
    # one reader per untuned classifier, so that the folds of one evaluation share its rows
    reading = Pipeline(nlp, classifier=_READERS[untuned], tagger=None, detector=None)
    read = [*articles, *world_articles(held_out)]
    rows = tuning_rows(reading, read, config) + sentence_tuning_rows(reading, sentences, config)
    log(f"encoder: {len(read)} articles and {len(sentences)} sentences, {len(rows)} readings")
    delta = {k: v * config.mix for k, v in tune(untuned, rows, config, log).items()}
    classifier = copy.deepcopy(untuned)
    classifier.tuned = dict(delta)  # added to the weights, not changed
    classifier.for_inference()
    typed = items(sentences, pattern_views([e.text for e in sentences]), untuned.config)
    classifier.head = fit_head(classifier, typed, config)
    log(f"encoder: the classifier's head on {len(typed)} sentences")
    tagger = fit_tagger(training_items(spans, classifier, SpanConfig()), SpanConfig(), log)
    rows_of = Pipeline(reading.nlp, classifier=classifier, tagger=None, detector=None)
    detector = fold_detector(rows_of, articles, sentences, log, held_out)
    return TunedCoder(classifier, delta, tagger, detector)


def span_examples(data: Path) -> list[SpanExample]:
    """The span tagger's training sentences (as `parley train --spans` reads them)."""
    return plover_spans(load_plover(data / "plover_events_train.csv")) + load_bio(data / "actor_spans_train.bio")


_UNTUNED: dict[Path, EventClassifier] = {}


def untuned_classifier(directory: Path = WEIGHTS) -> EventClassifier:
    """The classifier saved in `directory` without tuned layers, one per process (the rows it
    reads are kept for it: the folds of one evaluation share them)."""
    if directory not in _UNTUNED:
        _UNTUNED[directory] = EventClassifier.load(directory, light=True, tuned=False)
    return _UNTUNED[directory]


def saved_config(directory: Path = WEIGHTS) -> EncoderConfig:
    """The settings the layers saved in `directory` were tuned with (their card), so that a
    fold tunes as they were tuned; the defaults where none were saved."""
    card = directory / tuned_layers.CARD
    if not card.is_file():
        return EncoderConfig()
    saved = json.loads(card.read_text(encoding="utf-8"))
    return EncoderConfig(**{f.name: saved[f.name] for f in fields(EncoderConfig) if f.name in saved})


def tuned_pipeline(
    train: list[Article], held_out: Collection[str] = (), sentences: Path = SENTENCES, log=print
) -> Pipeline:
    """The shipped coder retrained on `train` articles from the shipped classifier's adapters,
    with the shipped layers' settings: top layers, head, tagger and detector (for a fold of
    `parley eval --articles`; the detector learns the world articles but those `held_out`)."""
    examples, spans = load_plover(sentences), span_examples(sentences.parent)
    config = saved_config()
    return tuned_coder(untuned_classifier(), train, examples, spans, config, log=log, held_out=held_out).pipeline()


def train_tuned(
    articles: Path,
    labels: Path,
    data: Path,
    directory: Path = WEIGHTS,
    folds: int = 5,
    config: EncoderConfig | None = None,
    log=print,
) -> TunedCoder:
    """`parley train --encoder`: tune on every hand-read article and save the layers' changes
    with the head, the span tagger (cross-validated over `folds`) and the detector."""
    from ..evaluation.annotations import load

    gold = list(load(labels, articles).values())
    config = config or EncoderConfig()
    untuned = EventClassifier.load(directory, light=True, tuned=False)
    spans = span_examples(data)
    sentences = data / "plover_events_train.csv"
    coder = tuned_coder(untuned, gold, load_plover(sentences), spans, config, log=log)
    trained_on = {
        "articles": len(gold),
        "labels": labels.name,
        "world_articles": len(world_articles()),
        "sentences": sentences.name,
    }
    card = {**asdict(config), "trained_on": trained_on}
    tuned_layers.save(directory, coder.delta, coder.classifier.head, card)
    if folds > 1:
        scores = cross_validate_tagger(training_items(spans, coder.classifier, SpanConfig()), SpanConfig(), folds, log)
        coder.tagger.config.cross_validation = {"folds": folds, "token_f1": scores}
    coder.tagger.save(directory)
    coder.detector.config.cross_validation = trained_on
    coder.detector.save(directory)
    log(f"saved {directory / tuned_layers.FILE}, the span tagger and the event detector")
    return coder
