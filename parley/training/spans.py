"""Training the span tagger (`parley.nlp.models.tagger`) on the development sets'
source/target spans, read the way the classify stage reads a sentence at run time, with
its own cross-validation (`parley train --spans`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..nlp.models.classifier import WEIGHTS
from ..nlp.models.tagger import (
    ROLES,
    TAGS,
    Reading,
    SpanConfig,
    SpanTagger,
    decode,
    read,
)
from .data import SpanExample


@dataclass
class SpanItem:
    """One training sentence: the tagger's input and gold tags per word piece, and what it
    takes to turn tags back into text (for cross-validation)."""

    x: torch.Tensor  # (pieces, features)
    tags: torch.Tensor  # (pieces,)
    offsets: list[tuple[int, int]]
    reading: Reading
    gold: dict[str, str]  # role -> gold text
    origin: str


def fit_tagger(items: list[SpanItem], config: SpanConfig, log=print) -> SpanTagger:
    """Train the tagger on precomputed encoder features (the encoder stays frozen)."""
    from .train import seed_everything

    seed_everything(config.seed)
    model = SpanTagger(config, width=items[0].x.shape[1] // len(config.layers))
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    order = list(range(len(items)))
    for epoch in range(config.epochs):
        model.train()
        random.shuffle(order)
        total = 0.0
        for i in range(0, len(order), config.batch_size):
            batch = [items[j] for j in order[i : i + config.batch_size]]
            x = nn.utils.rnn.pad_sequence([b.x for b in batch], batch_first=True)
            y = nn.utils.rnn.pad_sequence([b.tags for b in batch], batch_first=True, padding_value=-100)
            logits = model(x, [len(b.tags) for b in batch])
            loss = nn.functional.cross_entropy(logits.reshape(-1, len(TAGS)), y.reshape(-1), ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        if epoch + 1 == config.epochs or (epoch + 1) % 5 == 0:
            log(f"  span tagger epoch {epoch + 1}/{config.epochs}: loss {total / len(items):.4f}")
    return model.eval()


def gold_tags(
    offsets: list[tuple[int, int]], spans: dict[str, list[tuple[int, int]]], trigger: tuple[int, int] | None
) -> torch.Tensor:
    """BIO tag per word piece from gold character spans of the unmarked sentence."""
    a, b = trigger if trigger else (10**9, 10**9)

    def mark(x: int) -> int:  # a character's position in the marked text
        return x + (x >= a) + (x >= b)

    tags = []
    for s, e in offsets:
        tag = 0
        if e > s:
            for role, begin in ROLES.items():
                for x, z in spans.get(role, []):
                    if mark(x) <= s and e <= mark(z - 1) + 1:
                        tag = begin + (0 if s == mark(x) else 1)
        tags.append(tag)
    return torch.tensor(tags)


def training_items(examples: list[SpanExample], model, config: SpanConfig, pipeline=None) -> list[SpanItem]:
    """Tagger inputs (the encoder's layers per word piece) and gold tags
    for span examples, read the way the classify stage reads a sentence at run time."""
    from ..nlp.document import Document
    from ..nlp.pipeline import Pipeline
    from ..nlp.stages.classify import prepare

    pipeline = pipeline or Pipeline(classifier=False, score_all_sentences=True)
    readings, golds = [], []
    for ex, doc in zip(examples, pipeline(Document(str(i), ex.text) for i, ex in enumerate(examples))):
        batch = prepare([doc], model.config.mark_trigger)
        first = min((s for s, _ in ex.spans.get("S", [])), default=0)
        sentence = next((s for s in doc.sentences if s.start <= first < s.end), None)
        index = sentence.index if sentence else 0
        reading = next(
            (r for (_, events), r in zip(batch.groups, batch.readings) if events[0].sentence_index == index), None
        )
        start = doc.sentences[index].start if doc.sentences else 0
        if reading is None:
            text = doc.sentences[index].text if doc.sentences else ex.text
            reading = Reading(text, "NONE", None)
        readings.append(reading)
        golds.append({r: [(a - start, b - start) for a, b in spans] for r, spans in ex.spans.items()})
    _, _, pieces = read(model, None, readings, pieces_of=config.layers)
    return [
        SpanItem(x, gold_tags(offsets, gold, r.trigger), offsets, r, {k: ex.role_text(k) for k in ROLES}, ex.origin)
        for (x, offsets), gold, r, ex in zip(pieces, golds, readings, examples)
    ]


@torch.inference_mode()
def tagged_text(tagger: SpanTagger, item: SpanItem) -> dict[str, str]:
    """role -> the text the tagger marks in an item's sentence."""
    tags = tagger(item.x[None])[0].argmax(-1).tolist()
    sentence = item.reading.text
    if item.reading.trigger:  # the reading's text is marked: take the words from the unmarked sentence
        a, b = item.reading.trigger
        sentence = sentence[:a] + sentence[a + 1 : b + 1] + sentence[b + 2 :]
    return {
        role: " ".join(sentence[s:e] for s, e in spans)
        for role, spans in decode(tags, item.offsets, item.reading.trigger).items()
    }


def cross_validate_tagger(items: list[SpanItem], config: SpanConfig, k: int = 5, log=print) -> dict:
    """Mean token-F1 of the tagger's source and target text per origin file, out of fold."""
    from .metrics import token_f1

    order = list(range(len(items)))
    random.Random(config.seed).shuffle(order)
    scores: dict[str, dict[str, list[float]]] = {}
    for f in range(k):
        held = set(order[f::k])
        log(f"span tagger fold {f + 1}/{k}")
        tagger = fit_tagger([it for i, it in enumerate(items) if i not in held], config, log)
        for i in held:
            found = tagged_text(tagger, items[i])
            for role in ROLES:
                scores.setdefault(items[i].origin, {}).setdefault(role, []).append(
                    token_f1(items[i].gold[role], found[role])
                )
    return {origin: {role: round(sum(v) / len(v), 4) for role, v in roles.items()} for origin, roles in scores.items()}


def train_and_save_tagger(
    data_dir: Path, out_dir: Path = WEIGHTS, folds: int = 0, config: SpanConfig | None = None, log=print
) -> SpanConfig:
    """`parley train --spans`: the tagger on plover_events_train.csv's source/target and
    actor_spans_train.bio, over the encoder of the classifier in `out_dir` (else the
    shipped one)."""
    from ..nlp.models.classifier import EventClassifier
    from .data import load_bio, load_plover, plover_spans

    config = config or SpanConfig()
    examples = plover_spans(load_plover(data_dir / "plover_events_train.csv"))
    examples += load_bio(data_dir / "actor_spans_train.bio")
    has_classifier = (out_dir / "event_classifier.safetensors").is_file()
    model = EventClassifier.load(out_dir if has_classifier else WEIGHTS).for_inference()
    log(f"reading {len(examples)} sentences")
    items = training_items(examples, model, config)
    if folds > 1:
        config.cross_validation = {"folds": folds, "token_f1": cross_validate_tagger(items, config, folds, log)}
        log(f"cross-validation: {config.cross_validation}")
    tagger = fit_tagger(items, config, log)
    tagger.save(out_dir)
    log(f"saved {out_dir / 'span_tagger.safetensors'}")
    return config
