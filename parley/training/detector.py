"""Training the event detector (`parley.nlp.models.detector`) on hand-read whole articles.

Each article is coded up to the events stage and read by the classifier's encoder exactly as
the classify stage reads it; every candidate trigger then becomes one training row. Its label
is the type of the reader's event whose trigger it is (of the candidates inside a reader's
trigger, the one highest in the parse), else NONE: every word no reader took for a trigger
is a negative, which is what teaches the detector that background and commentary report no
act. Features depend only on the shipped encoder, so they are computed once per article and
shared by the folds of a cross-validation.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from ..evaluation.annotations import Article
from ..nlp.document import Document, Event
from ..nlp.models.classifier import WEIGHTS, softmax
from ..nlp.models.detector import NONE, TYPES, DetectorConfig, EventDetector, features, piece_at
from ..nlp.models.tagger import read
from ..nlp.pipeline import Pipeline
from ..nlp.stages.classify import prepare


@dataclass
class ArticleRows:
    """One article's candidates as the detector reads them, and their gold labels."""

    x: torch.Tensor  # (candidates, features)
    y: torch.Tensor  # (candidates,): an index of TYPES
    gold: int  # the reader's events
    reachable: int  # of them, those whose trigger holds a candidate


_ROWS: dict[tuple[str, int], ArticleRows] = {}  # (article id, hash of its text) -> rows


def article_rows(pipeline: Pipeline, articles: Iterable[Article]) -> list[ArticleRows]:
    """The detector's rows for each article, computed with the pipeline's classifier (once
    per article and process)."""
    articles = list(articles)
    todo = [a for a in articles if (a.id, hash(a.text)) not in _ROWS]
    stage = pipeline.stage("classify")
    layers = DetectorConfig().layers
    docs = (Document(a.id, a.text, a.date) for a in todo)
    for article, doc in zip(todo, pipeline.partial(docs, through="events")):
        _ROWS[(article.id, hash(article.text))] = _rows(stage, doc, article, layers)
        doc.release()
    return [_ROWS[(a.id, hash(a.text))] for a in articles]


def _rows(stage, doc: Document, article: Article, layers: tuple[int, ...]) -> ArticleRows:
    batch = prepare([doc], stage.model.config.mark_trigger, detect=True)
    labels, reachable = _labels(doc, [e for pool in batch.pools for e in pool], article)
    xs: list[torch.Tensor] = []
    ys: list[int] = []
    if batch.readings:
        raw, _, pieces = read(stage.model, None, batch.readings, pieces_of=layers)
        probs = softmax(raw, stage.temperature)
        for j, pool in enumerate(batch.pools):
            x, offsets = pieces[j]
            kept = [
                (i, e, view)
                for e, (position, view) in zip(pool, batch.views[j])
                if (i := piece_at(offsets, position)) is not None
            ]
            if kept:
                xs.append(features(x, [i for i, _, _ in kept], probs[j], [v for _, _, v in kept]))
                ys += [labels.get(id(e), NONE) for _, e, _ in kept]
    width = xs[0].shape[1] if xs else 0
    return ArticleRows(
        torch.cat(xs) if xs else torch.zeros((0, width)),
        torch.tensor(ys, dtype=torch.long),
        len(article.events),
        reachable,
    )


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
    """Train the detector on the rows of some articles."""
    from .train import seed_everything

    seed_everything(config.seed)
    rows = [r for r in rows if len(r.y)]
    x = torch.cat([r.x for r in rows]) if rows else torch.zeros((0, 1))
    y = torch.cat([r.y for r in rows]) if rows else torch.zeros(0, dtype=torch.long)
    model = EventDetector(config)
    weight = torch.ones(len(TYPES))
    weight[NONE] = config.none_weight
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    order = list(range(len(y)))
    for epoch in range(config.epochs):
        model.train()
        random.shuffle(order)
        total = 0.0
        for i in range(0, len(order), config.batch_size):
            idx = torch.tensor(order[i : i + config.batch_size])
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx], weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if epoch % 10 == 9 or epoch == config.epochs - 1:
            log(f"detector epoch {epoch + 1}: loss {total / max(len(order), 1):.4f}")
    return model.eval()


def detector_pipeline(train: list[Article], config: DetectorConfig | None = None, log=print) -> Pipeline:
    """The shipped coder with a detector trained on `train` (for a fold of `parley eval --articles`)."""
    from ..nlp.pipeline import default_pipeline

    base = default_pipeline()
    rows = article_rows(base, train)
    gold = sum(r.gold for r in rows)
    log(
        f"detector: {len(train)} articles, {sum(len(r.y) for r in rows)} candidates, "
        f"{sum(r.reachable for r in rows)} of {gold} gold events reachable"
    )
    return Pipeline(detector=fit_detector(rows, config or DetectorConfig(), log))


def train_detector(articles: Path, labels: Path, directory: Path = WEIGHTS, log=print) -> EventDetector:
    """Train the detector on every hand-read article of `labels` and save it beside the
    classifier (`parley train --detector`)."""
    from ..evaluation.annotations import load
    from ..nlp.pipeline import Pipeline

    gold = load(labels, articles)
    rows = article_rows(Pipeline(detector=None), gold.values())
    log(
        f"detector: {len(gold)} articles, {sum(len(r.y) for r in rows)} candidates, "
        f"{sum(r.reachable for r in rows)} of {sum(r.gold for r in rows)} gold events reachable"
    )
    config = DetectorConfig()
    model = fit_detector(rows, config, log)
    model.config.cross_validation = {"articles": len(gold), "labels": labels.name}
    model.save(directory)
    return model
