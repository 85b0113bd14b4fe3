"""Training and cross-validation of the event classifier (torch; CPU or GPU).

A training item is a sentence with the pattern coder's view of it: the PLOVER type its
verb patterns give (or NONE) and the trigger's offsets, which are marked in the text.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..nlp.models import tuned_layers
from ..nlp.models.classifier import Config, EventClassifier, mark
from ..nlp.models.labels import LABELS, QUAD_OF
from .data import Example
from .views import View, pattern_views


@dataclass
class Item:
    text: str
    pattern: str
    label: int  # index in LABELS
    weight: float


def items(examples: list[Example], views: list[View], config: Config) -> list[Item]:
    out = []
    for ex, view in zip(examples, views):
        if ex.label is None:
            continue
        text = mark(ex.text, view.start, view.end) if config.mark_trigger else ex.text
        out.append(Item(text, view.pattern, LABELS.index(ex.label), ex.weight))
    return out


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators: the same data gives the same weights."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def fit(train: list[Item], config: Config, device: str = "cpu", log=print) -> EventClassifier:
    """Train adapters and head on the items; returns the model (in eval mode)."""
    seed_everything(config.seed)
    model = EventClassifier(config).to(device)
    counts = Counter(it.label for it in train)
    class_weight = torch.tensor(
        [(len(train) / (len(LABELS) * counts.get(i, 1))) ** config.class_weight_power for i in range(len(LABELS))],
        device=device,
    )
    lora = [p for n, p in model.named_parameters() if "lora_" in n]
    head = list(model.head.parameters())
    opt = torch.optim.AdamW(
        [{"params": lora, "lr": config.lr}, {"params": head, "lr": config.head_lr}], weight_decay=config.weight_decay
    )
    steps = config.epochs * math.ceil(len(train) / config.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[config.lr, config.head_lr], total_steps=steps, pct_start=0.1
    )
    loss_fn = nn.CrossEntropyLoss(weight=class_weight, reduction="none")
    order = list(range(len(train)))
    for epoch in range(config.epochs):
        model.train()
        random.shuffle(order)
        total = 0.0
        for i in range(0, len(order), config.batch_size):
            batch = [train[j] for j in order[i : i + config.batch_size]]
            inputs = model.batch([b.text for b in batch], [b.pattern for b in batch], device)
            target = torch.tensor([b.label for b in batch], device=device)
            weight = torch.tensor([b.weight for b in batch], device=device)
            loss = (loss_fn(model(**inputs), target) * weight).sum() / weight.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(batch)
        log(f"  epoch {epoch + 1}/{config.epochs}: loss {total / len(train):.4f}")
    return model.eval()


@torch.inference_mode()
def logits(model: EventClassifier, data: list[Item], device: str = "cpu", batch_size: int = 64) -> np.ndarray:
    """Raw logits, computed in length-sorted batches, returned in input order."""
    order = sorted(range(len(data)), key=lambda i: len(data[i].text))
    out = np.zeros((len(data), len(LABELS)), dtype=np.float32)
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        inputs = model.batch([data[j].text for j in idx], [data[j].pattern for j in idx], device)
        out[idx] = model(**inputs).float().cpu().numpy()
    return out


def folds_of(n: int, k: int, labels: list[int], seed: int = 13) -> list[list[int]]:
    """Stratified folds: each label spread evenly over the k folds."""
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by_label.setdefault(y, []).append(i)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for y in sorted(by_label):
        members = by_label[y]
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[(j + offset) % k].append(i)
        offset += len(members)
    return folds


def cross_validate(
    data: list[Item], extra: list[Item], config: Config, k: int, device: str = "cpu", log=print
) -> np.ndarray:
    """Out-of-fold logits for `data`; `extra` items (e.g. synthetic) join every training fold."""
    out = np.zeros((len(data), len(LABELS)), dtype=np.float32)
    for f, test_idx in enumerate(folds_of(len(data), k, [d.label for d in data], config.seed)):
        test = set(test_idx)
        train = [d for i, d in enumerate(data) if i not in test] + extra
        log(f"fold {f + 1}/{k}: {len(train)} training items, {len(test_idx)} held out")
        model = fit(train, config, device, log)
        out[test_idx] = logits(model, [data[i] for i in test_idx], device)
        del model
    return out


def fit_temperature(raw: np.ndarray, gold: list[int]) -> float:
    """The softmax temperature that minimises log-loss of held-out logits (calibration)."""
    y = np.asarray(gold)
    best_t, best_loss = 1.0, float("inf")
    for t in np.linspace(0.5, 4.0, 71):
        z = raw / t
        z = z - z.max(1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(1, keepdims=True))
        loss = -logp[np.arange(len(y)), y].mean()
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


def train_and_save(
    data_dir, out_dir, folds: int = 0, device: str = "cpu", config: Config | None = None, log=print
) -> dict:
    """`parley train`: (optionally) cross-validate, then fit on all data and save the delta.

    Reads plover_events_train.csv (and synthetic_stories.csv when config.stories_weight > 0)
    from data_dir. With folds > 1 the out-of-fold logits give the scores written to the
    model card and the softmax temperature that calibrates confidence.
    """
    from pathlib import Path

    from .data import load_plover, load_stories
    from .metrics import accuracy, macro_f1, per_class

    config = config or Config()
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    examples = load_plover(data_dir / "plover_events_train.csv")
    extra_examples = (
        load_stories(data_dir / "synthetic_stories.csv", config.stories_weight) if config.stories_weight > 0 else []
    )
    log(f"computing the pattern coder's view of {len(examples) + len(extra_examples)} sentences")
    views = pattern_views([e.text for e in examples + extra_examples])
    data = items(examples, views[: len(examples)], config)
    extra = items(extra_examples, views[len(examples) :], config)
    card: dict = {"trained_on": {"plover_events_train.csv": len(data), "synthetic_stories.csv": len(extra)}}
    if folds > 1:
        raw = cross_validate(data, extra, config, folds, device, log)
        gold = [LABELS[d.label] for d in data]
        pred = [LABELS[i] for i in raw.argmax(1)]
        config.temperature = fit_temperature(raw, [d.label for d in data])
        quad = {lab: QUAD_OF[lab] for lab in LABELS}
        card["cross_validation"] = {
            "folds": folds,
            "accuracy": round(accuracy(gold, pred), 4),
            "macro_f1": round(macro_f1(gold, pred, LABELS), 4),
            "quad_accuracy": round(accuracy([quad[g] for g in gold], [quad[p] for p in pred]), 4),
            "per_class_f1": {r.label: round(r.f1, 3) for r in per_class(gold, pred, LABELS)},
            "temperature": config.temperature,
        }
        log(f"cross-validation: {card['cross_validation']}")
    log(f"training on all {len(data) + len(extra)} items")
    model = fit(data + extra, config, device, log)
    model.save(out_dir, card)
    log(f"saved {out_dir / 'event_classifier.safetensors'}")
    if tuned_layers.discard(out_dir):
        log("removed the tuned top layers, which changed the old adapters' encoder: run parley train --encoder again")
    return card
