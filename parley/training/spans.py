"""Training the span tagger (`parley.nlp.models.tagger`) on the development sets'
source/target spans and the hand-read whole articles' sources and targets, read the way the
classify stage reads a sentence at run time, with its own cross-validation (`parley train
--spans`). The articles teach what the one-event sentence sets cannot: long sentences of
several acts, and act nouns whose agent sits far from them ("Turkish troops carved out an
enclave in a 2016 cross-border operation")."""

from __future__ import annotations

import random
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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
from .detector import trigger_candidate

if TYPE_CHECKING:
    from ..evaluation.annotations import Article
    from ..nlp.pipeline import Pipeline


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
    group: str = ""  # items of one group (an article's events) fall in one fold of the cross-validation


# classifier -> directory of the sentence sets -> their items
_SENTENCE_ITEMS: weakref.WeakKeyDictionary[nn.Module, dict[Path | None, list[SpanItem]]] = weakref.WeakKeyDictionary()
# classifier -> (article id, hash of its text) -> the article's items: they hold what that classifier's encoder read
_ARTICLE_ITEMS: weakref.WeakKeyDictionary[nn.Module, dict[tuple[str, int], list[SpanItem]]] = (
    weakref.WeakKeyDictionary()
)


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


def article_items(pipeline: Pipeline, model, articles: Iterable[Article], config: SpanConfig) -> list[SpanItem]:
    """Tagger items for the hand-read articles' events: each event read as the classify stage
    reads the candidate that stands for its trigger, tagged with the reader's source and target
    (a joint act's one party as its source). An event whose party the reader found outside
    the sentence (a pronoun's antecedent, an agent the article gave before) is left out: its
    sentence does not show who that is. `pipeline` codes up to the events stage; `model` is
    the classifier whose encoder is read. Computed once per article and classifier."""
    from ..nlp.document import Document
    from ..nlp.stages.classify import prepare, reading_of

    articles = list(articles)
    done = _ARTICLE_ITEMS.setdefault(model, {})
    todo = [a for a in articles if (a.id, hash(a.text)) not in done]
    docs = (Document(a.id, a.text, a.date) for a in todo)
    for article, doc in zip(todo, pipeline.partial(docs, through="events")):
        candidates = [e for pool in prepare([doc], model.config.mark_trigger, detect=True).pools for e in pool]
        readings, golds, texts = [], [], []
        for event in article.events:
            head = trigger_candidate(doc, candidates, event)
            if head is None:
                continue
            sentence = doc.sentences[head.sentence_index]
            source, target = event.source, event.target
            if source and target and (source.start, source.end) == (target.start, target.end):
                target = None  # "the parties agreed": one span, both sides
            parties = {"S": source, "T": target}
            if any(p and not (sentence.start <= p.start and p.end <= sentence.end) for p in parties.values()):
                continue
            readings.append(reading_of(doc, head, model.config.mark_trigger))
            golds.append({r: [(p.start - sentence.start, p.end - sentence.start)] for r, p in parties.items() if p})
            texts.append({r: article.text[p.start : p.end] if p else "" for r, p in parties.items()})
        _, _, pieces = read(model, None, readings, pieces_of=config.layers)
        done[(article.id, hash(article.text))] = [
            SpanItem(x, gold_tags(offsets, gold, r.trigger), offsets, r, text, "articles", article.id)
            for (x, offsets), gold, text, r in zip(pieces, golds, texts, readings)
        ]
        doc.release()
    return [item for a in articles for item in done[(a.id, hash(a.text))]]


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
    """Mean token-F1 of the tagger's source and target text per origin file, out of fold;
    an article's events are held out together."""
    from .metrics import token_f1

    groups = sorted({it.group for it in items if it.group})
    units = [[i] for i, it in enumerate(items) if not it.group]
    units += [[i for i, it in enumerate(items) if it.group == g] for g in groups]
    random.Random(config.seed).shuffle(units)
    scores: dict[str, dict[str, list[float]]] = {}
    for f in range(k):
        held = {i for unit in units[f::k] for i in unit}
        log(f"span tagger fold {f + 1}/{k}")
        tagger = fit_tagger([it for i, it in enumerate(items) if i not in held], config, log)
        for i in held:
            found = tagged_text(tagger, items[i])
            for role in ROLES:
                scores.setdefault(items[i].origin, {}).setdefault(role, []).append(
                    token_f1(items[i].gold[role], found[role])
                )
    return {origin: {role: round(sum(v) / len(v), 4) for role, v in roles.items()} for origin, roles in scores.items()}


def sentence_examples(data_dir: Path) -> list[SpanExample]:
    """The sentence sets' spans: plover_events_train.csv's sources and targets and
    actor_spans_train.bio's, of those files `data_dir` has."""
    from .data import load_bio, load_plover, plover_spans

    examples: list[SpanExample] = []
    if (data_dir / "plover_events_train.csv").is_file():
        examples += plover_spans(load_plover(data_dir / "plover_events_train.csv"))
    if (data_dir / "actor_spans_train.bio").is_file():
        examples += load_bio(data_dir / "actor_spans_train.bio")
    return examples


def fold_tagger(pipeline: Pipeline, articles: list[Article], data_dir: Path | None, log=print) -> SpanTagger:
    """A tagger for the pipeline's classifier trained as the shipped one is, on the sentence
    sets in `data_dir` (None: none) and the given hand-read articles (a fold of `parley eval
    --articles`); the shipped one where they give nothing to learn from."""
    model = pipeline.stage("classify").model
    config = SpanConfig()
    done = _SENTENCE_ITEMS.setdefault(model, {})
    if data_dir not in done:
        examples = sentence_examples(data_dir) if data_dir else []
        done[data_dir] = training_items(examples, model, config) if examples else []
    sentences = done[data_dir]
    items = sentences + article_items(pipeline, model, articles, config)
    if not items:
        return SpanTagger.load()  # nothing to learn from: the shipped one
    log(f"span tagger: {len(sentences)} sentences and {len(items) - len(sentences)} events of {len(articles)} articles")
    return fit_tagger(items, config, log)


def train_and_save_tagger(
    data_dir: Path,
    out_dir: Path = WEIGHTS,
    folds: int = 0,
    config: SpanConfig | None = None,
    log=print,
    articles: tuple[Path, Path] | None = None,
) -> SpanConfig:
    """`parley train --spans`: the tagger on plover_events_train.csv's source/target,
    actor_spans_train.bio and, given `articles` (a JSON Lines corpus and its labels), the
    hand-read articles' events, over the encoder of the classifier in `out_dir` (else the
    shipped one)."""
    from ..evaluation.annotations import load
    from ..nlp.models.classifier import EventClassifier
    from ..nlp.pipeline import Pipeline

    config = config or SpanConfig()
    examples = sentence_examples(data_dir)
    has_classifier = (out_dir / "event_classifier.safetensors").is_file()
    model = EventClassifier.load(out_dir if has_classifier else WEIGHTS).for_inference()
    log(f"reading {len(examples)} sentences")
    items = training_items(examples, model, config)
    if articles is not None:
        gold = load(articles[1], articles[0])
        items += article_items(Pipeline(classifier=False, detector=None), model, gold.values(), config)
        log(f"and {len(items) - len(examples)} events of {len(gold)} hand-read articles")
    if folds > 1:
        config.cross_validation = {"folds": folds, "token_f1": cross_validate_tagger(items, config, folds, log)}
        log(f"cross-validation: {config.cross_validation}")
    tagger = fit_tagger(items, config, log)
    tagger.save(out_dir)
    log(f"saved {out_dir / 'span_tagger.safetensors'}")
    return config
