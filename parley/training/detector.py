"""Training the event detector (`parley.nlp.models.detector`) on hand-read whole articles.

Each article is coded up to the events stage and read by the classifier's encoder exactly as
the classify stage reads it; every candidate trigger then becomes one training row. Its label
is the type of the reader's event whose trigger it is (of the candidates inside a reader's
trigger, the one highest in the parse), else NONE: every word no reader took for a trigger
is a negative, which is what teaches the detector that background and commentary report no
act. Features depend only on the classifier that reads them, so they are computed once per
article and classifier: the folds of `parley eval --articles --folds` share the shipped
classifier's; each fold of the sentence cross-validation has a classifier, and rows, of its own.
"""

from __future__ import annotations

import random
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..evaluation.annotations import Article
from ..nlp.document import Document, Event
from ..nlp.models.classifier import WEIGHTS, softmax
from ..nlp.models.detector import NONE, TYPES, DetectorConfig, EventDetector, features, piece_at
from ..nlp.models.tagger import read
from ..nlp.pipeline import Pipeline
from ..nlp.stages.classify import prepare
from .data import Example, load_plover


@dataclass
class ArticleRows:
    """One article's candidates as the detector reads them, and their gold labels."""

    x: torch.Tensor  # (candidates, features)
    y: torch.Tensor  # (candidates,): an index of TYPES
    gold: int  # the reader's events
    reachable: int  # of them, those whose trigger holds a candidate


# classifier -> (article id, hash of its text) -> rows: the rows hold what that classifier's encoder read
_ROWS: weakref.WeakKeyDictionary[nn.Module, dict[tuple[str, int], ArticleRows]] = weakref.WeakKeyDictionary()
# classifier -> (file, modification time) -> rows
_SENTENCE_ROWS: weakref.WeakKeyDictionary[nn.Module, dict[tuple[str, int], ArticleRows]] = weakref.WeakKeyDictionary()
# the sentence set the detector also learns from, where it is (as `parley train --data` finds it)
SENTENCES = Path("../shared/data/plover_events_train.csv")
# the project's own articles from around the world (`data/articles/README.md`), which every
# detector also learns from: texts and their readings, in a checkout (absent from an installed package)
DATA = Path(__file__).resolve().parents[2] / "data"
WORLD = (DATA / "articles" / "world_train.jsonl", DATA / "annotations" / "world_train.jsonl")


def article_rows(pipeline: Pipeline, articles: Iterable[Article]) -> list[ArticleRows]:
    """The detector's rows for each article, computed with the pipeline's classifier (once
    per article, classifier and process)."""
    articles = list(articles)
    stage = pipeline.stage("classify")
    done = _ROWS.setdefault(stage.model, {})
    todo = [a for a in articles if (a.id, hash(a.text)) not in done]
    layers = DetectorConfig().layers
    docs = (Document(a.id, a.text, a.date) for a in todo)
    for article, doc in zip(todo, pipeline.partial(docs, through="events")):
        batch = prepare([doc], stage.model.config.mark_trigger, detect=True)
        labels, reachable = _labels(doc, [e for pool in batch.pools for e in pool], article)
        x, y = _rows(stage, batch, partial(_article_label, labels), layers)
        done[(article.id, hash(article.text))] = ArticleRows(x, y, len(article.events), reachable)
        doc.release()
    return [done[(a.id, hash(a.text))] for a in articles]


def _article_label(labels: dict[int, int], event: Event, main: bool) -> int:
    return labels.get(id(event), NONE)


def sentence_rows(pipeline: Pipeline, examples: list[Example]) -> ArticleRows:
    """The detector's rows for labelled single sentences (`plover_events_train.csv`): the
    candidate the classifier's reading marks takes the sentence's type; a sentence of no
    event makes every candidate NONE; the other candidates of an event's sentence are left
    out (which of them a reader would code is not known). YIELD, which the file does not
    split, stands for the rule's CONCEDE or RETREAT and is left out where the rule has neither."""
    stage = pipeline.stage("classify")
    layers = DetectorConfig().layers
    xs, ys = [], []
    docs = pipeline.partial((Document(f"s{i}", ex.text) for i, ex in enumerate(examples)), through="events")
    for ex, doc in zip(examples, docs):
        batch = prepare([doc], stage.model.config.mark_trigger, detect=True)
        x, y = _rows(stage, batch, partial(sentence_label, ex), layers)
        if len(y):
            xs.append(x)
            ys.append(y)
        doc.release()
    gold = sum(1 for ex in examples if ex.label is not None)
    return ArticleRows(torch.cat(xs), torch.cat(ys), gold, gold)


def sentence_label(ex: Example, event: Event, main: bool) -> int | None:
    """A labelled sentence's candidate's label (`sentence_rows`), None to leave it out."""
    if ex.label is None:
        return NONE
    if not main:
        return None
    if ex.label == "YIELD":
        return TYPES.index(event.event_type) if event.event_type in {"CONCEDE", "RETREAT"} else None
    return TYPES.index(ex.label)


def _rows(
    stage, batch, label_of: Callable[[Event, bool], int | None], layers: tuple[int, ...]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Feature rows and labels of a prepared batch's candidates; `label_of(candidate, main)`
    None leaves a candidate out."""
    xs: list[torch.Tensor] = []
    ys: list[int] = []
    for pool in read_pools(stage, batch, label_of, layers):
        xs.append(features(pool.pieces, pool.at, pool.probs, pool.views))
        ys += pool.labels
    width = xs[0].shape[1] if xs else 0
    return torch.cat(xs) if xs else torch.zeros((0, width)), torch.tensor(ys, dtype=torch.long)


@dataclass
class PoolReading:
    """One reading of a prepared batch as the detector reads it: the encoder's layers at each
    word piece, the classifier's probabilities, and the kept candidates' pieces, views and labels."""

    pieces: torch.Tensor  # (word pieces, width of the layers read)
    probs: np.ndarray
    at: list[int]
    views: list[list[float]]
    labels: list[int]


def read_pools(
    stage, batch, label_of: Callable[[Event, bool], int | None], layers: tuple[int, ...]
) -> Iterator[PoolReading]:
    """Each reading of a prepared batch with a kept candidate, read by the stage's classifier;
    `label_of(candidate, main)` None leaves a candidate out."""
    if not batch.readings:
        return
    raw, _, pieces = read(stage.model, None, batch.readings, pieces_of=layers)
    probs = softmax(raw, stage.temperature)
    for j, pool in enumerate(batch.pools):
        x, offsets = pieces[j]
        kept = [
            (i, view, y)
            for e, (position, view) in zip(pool, batch.views[j])
            if (i := piece_at(offsets, position)) is not None and (y := label_of(e, e is batch.mains[j])) is not None
        ]
        if kept:
            yield PoolReading(x, probs[j], [i for i, _, _ in kept], [v for _, v, _ in kept], [y for _, _, y in kept])


def _labels(doc: Document, candidates: list[Event], article: Article) -> tuple[dict[int, int], int]:
    """id(candidate) -> the type of the reader's event whose trigger it stands for: of the
    candidates inside the reader's trigger, the one highest in the parse; the commonest
    type where several readers' events share it. And how many of the reader's events have
    a candidate."""
    votes: dict[int, Counter] = {}
    reachable = 0
    for gold in article.events:
        inside = [c for c in candidates if c.trigger_start < gold.trigger_end and gold.trigger_start < c.trigger_end]
        if inside:
            reachable += 1
            head = min(inside, key=lambda c: sum(1 for _ in doc.scratch.of(c).verb_token.ancestors))
            votes.setdefault(id(head), Counter())[gold.type] += 1
    return {k: TYPES.index(v.most_common(1)[0][0]) for k, v in votes.items()}, reachable


def fit_detector(rows: list[ArticleRows], config: DetectorConfig, log: Callable[[str], None] = print) -> EventDetector:
    """Train the detector on the rows of some articles: each member network alike, from its
    own seed."""
    from .train import seed_everything

    rows = [r for r in rows if len(r.y)]
    x = torch.cat([r.x for r in rows]) if rows else torch.zeros((0, 1))
    y = torch.cat([r.y for r in rows]) if rows else torch.zeros(0, dtype=torch.long)
    model = EventDetector(config)
    weight = torch.ones(len(TYPES))
    weight[NONE] = config.none_weight
    for k, net in enumerate(model.nets):
        seed_everything(config.seed + k)
        for layer in net.modules():
            if isinstance(layer, nn.Linear):
                layer.reset_parameters()  # each member starts from its own seed's weights
        _fit_member(net, x, y, weight, config, lambda m, k=k: log(f"detector member {k + 1}: {m}"))
    return model.eval()


def _fit_member(net: nn.Module, x: torch.Tensor, y: torch.Tensor, weight: torch.Tensor, config, log) -> None:
    opt = torch.optim.AdamW(net.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    order = list(range(len(y)))
    net.train()
    for epoch in range(config.epochs):
        random.shuffle(order)
        total = 0.0
        for i in range(0, len(order), config.batch_size):
            idx = torch.tensor(order[i : i + config.batch_size])
            loss = nn.functional.cross_entropy(net(x[idx]), y[idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 10 == 9 or epoch == config.epochs - 1:
            log(f"epoch {epoch + 1}: loss {total / max(len(order), 1):.4f}")
    net.eval()


def detector_pipeline(
    train: list[Article], held_out: Collection[str] = (), sentences: Path | None = SENTENCES, log=print
) -> Pipeline:
    """The shipped coder with a detector trained as the shipped one is, on `train` for the
    development articles (for a fold of `parley eval --articles`; the world's articles
    `held_out` left out too)."""
    from ..nlp.pipeline import default_pipeline

    rows = _training_rows(default_pipeline(), train, sentences, log, held_out)
    return Pipeline(detector=fit_detector(rows, DetectorConfig(), log))


def fold_detector(
    pipeline: Pipeline, articles: list[Article], examples: list[Example], log=print, held_out: Collection[str] = ()
) -> EventDetector:
    """A detector for the pipeline's own classifier (one trained on some folds of a sentence
    set, which reads another encoder than the shipped one), trained as the shipped detector is:
    on the hand-read articles (the world's, less `held_out`) and the labelled sentences of those
    folds (`parley eval --folds --detector`)."""
    rows = _logged_article_rows(pipeline, [*articles, *world_articles(held_out)], log)
    if examples:
        rows.append(sentence_rows(pipeline, examples))
        log(f"detector: and {len(rows[-1].y)} candidates of {len(examples)} labelled sentences")
    return fit_detector(rows, DetectorConfig(), log)


def _logged_article_rows(pipeline: Pipeline, articles: list[Article], log) -> list[ArticleRows]:
    rows = article_rows(pipeline, articles)
    log(
        f"detector: {len(articles)} articles, {sum(len(r.y) for r in rows)} candidates, "
        f"{sum(r.reachable for r in rows)} of {sum(r.gold for r in rows)} gold events reachable"
    )
    return rows


def world_articles(held_out: Collection[str] = (), world: tuple[Path, Path] = WORLD) -> list[Article]:
    """The project's own hand-read articles from around the world, where the checkout has
    them (news of other places, topics and forms than the Guardian's development articles),
    less those `held_out` (ids an evaluation scores, which no detector it scores may learn)."""
    from ..evaluation.annotations import load

    texts, labels = world
    if not (texts.is_file() and labels.is_file()):
        return []
    return [a for a in load(labels, texts).values() if a.id not in held_out]


def _training_rows(
    pipeline: Pipeline, articles: list[Article], sentences: Path | None, log, held_out: Collection[str] = ()
) -> list[ArticleRows]:
    rows = _logged_article_rows(pipeline, [*articles, *world_articles(held_out)], log)
    if sentences is not None and sentences.is_file():
        done = _SENTENCE_ROWS.setdefault(pipeline.stage("classify").model, {})
        key = (str(sentences), sentences.stat().st_mtime_ns)
        if key not in done:
            done[key] = sentence_rows(pipeline, load_plover(sentences))
        rows.append(done[key])
        log(f"detector: and {len(rows[-1].y)} labelled sentences of {sentences}")
    return rows


def train_detector(
    articles: Path, labels: Path, directory: Path = WEIGHTS, sentences: Path | None = SENTENCES, log=print
) -> EventDetector:
    """Train the detector on every hand-read article of `labels` and the labelled sentences,
    and save it beside the classifier (`parley train --detector`)."""
    from ..evaluation.annotations import load

    gold = load(labels, articles)
    rows = _training_rows(Pipeline(detector=None), list(gold.values()), sentences, log)
    model = fit_detector(rows, DetectorConfig(), log)
    model.config.cross_validation = {
        "articles": len(gold),
        "labels": labels.name,
        "world_articles": len(world_articles()),
        "sentences": sentences.name if sentences is not None and sentences.is_file() else None,
    }
    model.save(directory)
    return model
