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
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .classifier import WEIGHTS, runs

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


def decode(
    tags: list[int], offsets: list[tuple[int, int]], trigger: tuple[int, int] | None
) -> dict[str, list[tuple[int, int]]]:
    """BIO tags over word pieces -> character spans per role, in the unmarked sentence."""
    a, b = trigger if trigger else (10**9, 10**9)

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
            return self.out(self.rnn(x)[0])
        packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=x.shape[1])
        return self.out(hidden)

    def tags(self, x: torch.Tensor, lengths: list[int]) -> list[torch.Tensor]:
        """The tag of each word piece of sentences laid end to end, (pieces, features),
        those of equal length adjacent: a run of equal length at a time, so no padding."""
        out, start = [], 0
        for count, n in runs(lengths):
            out += list(self(x[start : start + count * n].view(count, n, -1)).argmax(-1))
            start += count * n
        return out

    def save(self, directory: Path = WEIGHTS) -> None:
        from safetensors.torch import save_file

        state = {k: v.detach().to(torch.float16).contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(directory / "span_tagger.safetensors"))
        meta = {**asdict(self.config), "layers": list(self.config.layers)}
        (directory / "span_tagger.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path = WEIGHTS) -> SpanTagger | None:
        """The shipped tagger, or None where no weights were trained."""
        from safetensors.torch import load_file

        if not (directory / "span_tagger.safetensors").is_file():
            return None
        meta = json.loads((directory / "span_tagger.json").read_text(encoding="utf-8"))
        model = cls(SpanConfig(**{**meta, "layers": tuple(meta["layers"])}))
        model.load_state_dict({k: v.float() for k, v in load_file(str(directory / "span_tagger.safetensors")).items()})
        return model.eval()


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
def read(
    model,
    tagger: SpanTagger | None,
    readings: list[Reading],
    tokens: int = BATCH_TOKENS,
    pieces_of: tuple[int, ...] | None = None,
) -> tuple[np.ndarray, list, list]:
    """One encoder pass per batch of length-sorted readings, without padding: type logits
    for every reading; with a tagger, its source/target character spans; given `pieces_of`
    layers, those layers' states at each word piece and the pieces' character offsets (what
    the tagger reads in training, and the event detector always). A reading's result is the
    same whatever else is read with it."""
    if not readings:
        return np.zeros((0, len(model.config.labels)), dtype=np.float32), [], []
    tokenized = model.tokenize([r.text for r in readings])
    ids, offsets = tokenized["input_ids"], tokenized["offset_mapping"]
    logits = np.zeros((len(readings), len(model.config.labels)), dtype=np.float32)
    spans: list = [None] * len(readings)
    pieces: list = [None] * len(readings)
    for idx in batches([len(row) for row in ids], tokens):
        raw, states = model.encode_packed([ids[j] for j in idx], [readings[j].pattern for j in idx])
        logits[idx] = raw.numpy()
        lengths = [len(ids[j]) for j in idx]
        if pieces_of:
            x = torch.cat([states[k].float() for k in pieces_of], dim=-1)
            for j, piece in zip(idx, x.split(lengths)):
                pieces[j] = (piece.clone(), offsets[j])
        if tagger is not None:
            x = torch.cat([states[k].float() for k in tagger.config.layers], dim=-1)
            for j, tags in zip(idx, tagger.tags(x, lengths)):
                spans[j] = decode(tags.tolist(), offsets[j], readings[j].trigger)
    return logits, spans, pieces


@torch.inference_mode()
def spans_of(
    tagger: SpanTagger, pieces: list[tuple[torch.Tensor, list[tuple[int, int]]]], readings: list[Reading]
) -> list[dict[str, list[tuple[int, int]]]]:
    """The tagger's spans for readings already read (`read`'s pieces of the tagger's layers),
    tagged in runs of equal length as `read` tags them."""
    order = sorted(range(len(pieces)), key=lambda j: len(pieces[j][0]))
    if not order:
        return []
    x = torch.cat([pieces[j][0] for j in order])
    spans: list = [None] * len(pieces)
    for j, tags in zip(order, tagger.tags(x, [len(pieces[j][0]) for j in order])):
        spans[j] = decode(tags.tolist(), pieces[j][1], readings[j].trigger)
    return spans
