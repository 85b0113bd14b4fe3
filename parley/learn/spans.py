"""The span tagger: who acted and who was acted upon, read from the classifier's encoder.

A small bidirectional LSTM tags each word piece of the classifier's input (the sentence
with its trigger marked) as source (S), target (T) or neither, in BIO form. It reads two
of the encoder's layers (a middle one keeps syntax, the last one the event), so tagging
costs one small layer on top of the forward pass the classifier makes anyway; the encoder
is not retrained. Trained on the development sets' source/target spans; only the tagger's
own weights ship (`span_tagger.safetensors`). Adding parse features (subject, object, the
verb rules' actor and recipient) gained nothing on cross-validation, so it reads none.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .data import SpanExample
from .model import WEIGHTS, runs

TAGS = ("O", "B-S", "I-S", "B-T", "I-T")
ROLES = {"S": 1, "T": 3}  # the B- tag's index; I- is the next one
MAX_GAP = 5  # characters between two pieces of one role that still make one span (" the ", " of ")
BATCH_TOKENS = 1024  # word pieces per encoder pass


@dataclass
class Reading:
    """What the classifier reads for one event: the sentence with its trigger marked, the
    pattern's type, and the trigger's offsets in the unmarked sentence."""

    text: str
    pattern: str
    trigger: tuple[int, int] | None


@dataclass
class SpanConfig:
    layers: tuple[int, ...] = (3, 6)  # encoder hidden states read (0: embeddings, 6: last layer)
    hidden: int = 128
    epochs: int = 15
    batch_size: int = 16
    lr: float = 2e-3
    weight_decay: float = 0.01
    seed: int = 13
    cross_validation: dict = field(default_factory=dict)


def decode(tags: list[int], offsets: list[tuple[int, int]], trigger: tuple[int, int] | None
           ) -> dict[str, list[tuple[int, int]]]:
    """BIO tags over word pieces -> character spans per role, in the unmarked sentence."""
    a, b = trigger if trigger else (10 ** 9, 10 ** 9)

    def unmark(m: int) -> int:
        return m if m <= a else (m - 1 if m <= b + 1 else m - 2)

    out: dict[str, list[tuple[int, int]]] = {}
    for role, begin in ROLES.items():
        spans: list[list[int]] = []
        inside = False  # the previous word piece belongs to this role
        for (s, e), t in zip(offsets, tags):
            if e <= s:
                continue
            ours = t in (begin, begin + 1)
            if ours and spans and (inside and t == begin + 1 or s - spans[-1][1] <= MAX_GAP):
                # inside, or close after the last span ("The" "Kremlin", "positions near" "border"): one span
                spans[-1][1] = e
            elif ours:
                spans.append([s, e])
            inside = ours
        out[role] = [(unmark(s), unmark(e)) for s, e in spans]
    return out


class SpanTagger(nn.Module):
    """BiLSTM over chosen encoder layers -> BIO tag logits per word piece."""

    def __init__(self, config: SpanConfig, width: int = 384) -> None:
        super().__init__()
        self.config = config
        self.rnn = nn.LSTM(width * len(config.layers), config.hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * config.hidden, len(TAGS))

    def forward(self, x: torch.Tensor, lengths: list[int] | None = None) -> torch.Tensor:
        """Tag logits per word piece; `lengths` keeps padding out of the backward pass."""
        if lengths is None:
            return self.out(self.rnn(x.to(self.rnn.weight_ih_l0.dtype))[0].float())
        packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=x.shape[1])
        return self.out(hidden)

    def tags(self, x: torch.Tensor, lengths: list[int]) -> list[torch.Tensor]:
        """The tag of each word piece of sentences laid end to end, (pieces, features),
        those of equal length adjacent: a run of equal length at a time, so no padding."""
        out, start = [], 0
        for count, n in runs(lengths):
            out += list(self(x[start:start + count * n].view(count, n, -1)).argmax(-1))
            start += count * n
        return out

    def for_inference(self) -> "SpanTagger":
        """Run the LSTM in bfloat16 where the CPU computes it natively: twice as fast, and
        only about one word piece in 8,000 changes its tag."""
        if torch.ops.mkldnn._is_mkldnn_bf16_supported():
            self.rnn.to(torch.bfloat16)
        return self.eval()

    def save(self, directory: Path = WEIGHTS) -> None:
        from safetensors.torch import save_file

        state = {k: v.detach().to(torch.float16).contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(directory / "span_tagger.safetensors"))
        meta = {**asdict(self.config), "layers": list(self.config.layers)}
        (directory / "span_tagger.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path = WEIGHTS) -> "SpanTagger | None":
        """The shipped tagger, or None where no weights were trained."""
        from safetensors.torch import load_file

        if not (directory / "span_tagger.safetensors").is_file():
            return None
        meta = json.loads((directory / "span_tagger.json").read_text(encoding="utf-8"))
        model = cls(SpanConfig(**{**meta, "layers": tuple(meta["layers"])}))
        model.load_state_dict({k: v.float() for k, v in load_file(str(directory / "span_tagger.safetensors")).items()})
        return model.eval()


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
            batch = [items[j] for j in order[i:i + config.batch_size]]
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


def gold_tags(offsets: list[tuple[int, int]], spans: dict[str, list[tuple[int, int]]],
              trigger: tuple[int, int] | None) -> torch.Tensor:
    """BIO tag per word piece from gold character spans of the unmarked sentence."""
    a, b = trigger if trigger else (10 ** 9, 10 ** 9)

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


def batches(lengths: list[int], tokens: int) -> list[list[int]]:
    """Indices in order of length, cut into batches of about `tokens` word pieces."""
    out: list[list[int]] = []
    size = 0
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        if not out or size + lengths[i] > tokens:
            out.append([])
            size = 0
        out[-1].append(i)
        size += lengths[i]
    return out


@torch.inference_mode()
def read(model, tagger: SpanTagger | None, readings: list[Reading], tokens: int = BATCH_TOKENS,
         pieces_of: tuple[int, ...] | None = None) -> tuple[np.ndarray, list]:
    """One encoder pass per batch of length-sorted readings, without padding: type logits
    for every reading and, with a tagger, its source/target character spans (or, given
    `pieces_of` layers, the tagger's input and word piece offsets, for training). A
    reading's result is the same whatever else is read with it."""
    pieces = model.tokenize([r.text for r in readings])
    ids, offsets = pieces["input_ids"], pieces["offset_mapping"]
    logits = np.zeros((len(readings), len(model.config.labels)), dtype=np.float32)
    out: list = [None] * len(readings)
    layers = pieces_of or (tagger.config.layers if tagger else None)
    for idx in batches([len(row) for row in ids], tokens):
        raw, states = model.encode_packed([ids[j] for j in idx], [readings[j].pattern for j in idx])
        logits[idx] = raw.numpy()
        if layers is None:
            continue
        lengths = [len(ids[j]) for j in idx]
        x = torch.cat([states[k].float() for k in layers], dim=-1)
        if pieces_of:
            for j, piece in zip(idx, x.split(lengths)):
                out[j] = (piece.clone(), offsets[j])
            continue
        for j, tags in zip(idx, tagger.tags(x, lengths)):
            out[j] = decode(tags.tolist(), offsets[j], readings[j].trigger)
    return logits, out


def training_items(examples: list[SpanExample], model, config: SpanConfig, pipeline=None) -> list[SpanItem]:
    """Tagger inputs (the encoder's layers per word piece) and gold tags
    for span examples, read the way the classify stage reads a sentence at run time."""
    from ..document import Document
    from ..pipeline import Pipeline
    from ..stages.classify import prepare

    pipeline = pipeline or Pipeline(classifier=False, score_all_sentences=True)
    readings, golds = [], []
    for ex, doc in zip(examples, pipeline(Document(str(i), ex.text) for i, ex in enumerate(examples))):
        batch = prepare([doc], model.config.mark_trigger)
        first = min((s for s, _ in ex.spans.get("S", [])), default=0)
        sentence = next((s for s in doc.sentences if s.start <= first < s.end), None)
        index = sentence.index if sentence else 0
        reading = next((r for (_, events), r in zip(batch.groups, batch.readings)
                        if events[0].sentence_index == index), None)
        start = doc.sentences[index].start if doc.sentences else 0
        if reading is None:
            text = doc.sentences[index].text if doc.sentences else ex.text
            reading = Reading(text, "NONE", None)
        readings.append(reading)
        golds.append({r: [(a - start, b - start) for a, b in spans] for r, spans in ex.spans.items()})
    _, pieces = read(model, None, readings, pieces_of=config.layers)
    return [SpanItem(x, gold_tags(offsets, gold, r.trigger), offsets, r, {k: ex.role_text(k) for k in ROLES},
                     ex.origin) for (x, offsets), gold, r, ex in zip(pieces, golds, readings, examples)]


@torch.inference_mode()
def tagged_text(tagger: SpanTagger, item: SpanItem) -> dict[str, str]:
    """role -> the text the tagger marks in an item's sentence."""
    tags = tagger(item.x[None])[0].argmax(-1).tolist()
    sentence = item.reading.text
    if item.reading.trigger:  # the reading's text is marked: take the words from the unmarked sentence
        a, b = item.reading.trigger
        sentence = sentence[:a] + sentence[a + 1:b + 1] + sentence[b + 2:]
    return {role: " ".join(sentence[s:e] for s, e in spans)
            for role, spans in decode(tags, item.offsets, item.reading.trigger).items()}


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
                    token_f1(items[i].gold[role], found[role]))
    return {origin: {role: round(sum(v) / len(v), 4) for role, v in roles.items()}
            for origin, roles in scores.items()}


def train_and_save_tagger(data_dir: Path, out_dir: Path = WEIGHTS, folds: int = 0,
                          config: SpanConfig | None = None, log=print) -> SpanConfig:
    """`parley train --spans`: the tagger on plover_events_train.csv's source/target and
    actor_spans_train.bio, over the encoder of the classifier in `out_dir` (else the
    shipped one)."""
    from .data import load_bio, load_plover, plover_spans
    from .model import EventClassifier

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
