"""The event detector: which words of a sentence report a codable act, and of which type.

Every verb and noun of a sentence is a candidate trigger (`scratch.candidates`, with the verb
rules' events and the uncoded main verb). For each, a small feed-forward network reads the
classifier's encoder at the candidate's first word piece (two layers, as the span tagger
does), the sentence's mean last layer, the classifier's probabilities for the sentence, and
what the verb rules and the parse say of the candidate (the rule's type, the rule types of
the typed candidates above and below it in the parse, verb or noun, negation, status, coded
parties), and gives a probability for each of the 16 PLOVER types
and for NONE: no codable act. It is trained on the hand-read whole articles, where every word
a reader did not take for a trigger is a negative, so it learns what the rules and the
sentence classifier cannot: that background, commentary and statistics report no act.
Only the network's own weights ship (`event_detector.safetensors`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from spacy.tokens import Token
from torch import nn

from ..document import PLOVER_TYPES, STATUSES, Event
from .classifier import WEIGHTS
from .labels import LABELS

TYPES = (*PLOVER_TYPES, "NONE")
NONE = len(PLOVER_TYPES)
REPORTING = {"say", "tell", "add", "claim", "insist", "state", "report", "believe", "think", "write"}
WIDTH = 384  # the encoder's hidden size
TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "NN", "NNS")  # the candidate's part of speech, finely
DEPS = ("ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "acl", "pcomp", "nsubj", "nsubjpass", "dobj", "pobj")
BLOCK = 64  # feature rows per product (`EventDetector.probabilities`)
EXTRA = 2 * len(TYPES) + len(PLOVER_TYPES) + 1 + len(STATUSES) + 3 + len(TAGS) + len(DEPS) + 3  # see `candidate_view`


@dataclass
class DetectorConfig:
    layers: tuple[int, ...] = (3, 6)  # encoder hidden states read at the candidate (6: last layer)
    hidden: int = 256
    dropout: float = 0.5
    epochs: int = 10
    batch_size: int = 256
    lr: float = 1e-3
    weight_decay: float = 1e-4
    none_weight: float = 1.0  # loss weight of NONE against the types
    threshold: float = 0.25  # least probability of a type for an event (chosen on folds by article)
    agreed: float = 0.15  # the least where the verb rules found the same type (the two readings agree)
    # the least for the word standing for a type the sentence's words share (`classify._decide`):
    # on 5 folds by article 0.1 and 0.05 score alike
    spread: float = 0.1
    seed: int = 13
    # networks trained alike from seeds seed, seed+1, ..., their probabilities averaged: on a
    # few thousand events one network's choices vary with its seed (candidate-level F1 on
    # folds by article 0.412 for one, 0.428 for five; on later rows 0.430 for five, 0.434 for ten)
    members: int = 10
    cross_validation: dict = field(default_factory=dict)


def candidate_view(
    event: Event,
    token: Token,
    main: bool,
    before: str,
    governor: str | None,
    governed: frozenset[str],
) -> list[float]:
    """What the rules and the parse say of a candidate: its rule's type (NONE if uncoded),
    the rule's type of the nearest typed candidate above it in the parse (`governor`, NONE
    if none: "accused Turkey of shelling", "threatened to attack" report the accusing and
    the threat) and the types of those below it (`governed`), negated, status, whether it
    has a coded actor and recipient, whether the classifier's reading marks it; its tag and
    dependency, how deep it sits, whether a say-verb governs it and whether it is inside
    quotation marks (`before`: its sentence's text before it)."""
    kind = [0.0] * len(TYPES)
    kind[TYPES.index(event.event_type) if event.event_type in TYPES else NONE] = 1.0
    above = [0.0] * len(TYPES)
    above[TYPES.index(governor) if governor in TYPES else NONE] = 1.0
    below = [float(t in governed) for t in PLOVER_TYPES]
    status = [float(event.status == s) for s in STATUSES]
    coded = [float(any(a.code for a in event.actors)), float(any(a.code for a in event.recipients))]
    ancestors = list(token.ancestors)
    reported = any(a.lemma_ in REPORTING for a in ancestors)
    quoted = before.count('"') % 2 == 1 or before.count("“") > before.count("”")
    return [
        *kind,
        *above,
        *below,
        float(event.negated),
        *status,
        *coded,
        float(main),
        *(float(token.tag_ == t) for t in TAGS),
        *(float(token.dep_ == d) for d in DEPS),
        min(len(ancestors), 6) / 6,
        float(reported),
        float(quoted),
    ]


def piece_at(offsets: list[tuple[int, int]], position: int) -> int | None:
    """The first word piece covering or following a character of the reading, None if
    truncation cut it off."""
    for i, (s, e) in enumerate(offsets):
        if e > s and e > position:
            return i
    return None


def marked(position: int, trigger: tuple[int, int] | None) -> int:
    """A character offset of the unmarked sentence in the reading whose trigger is marked
    (`classifier.mark` puts one character before and one after it)."""
    if trigger is None:
        return position
    a, b = trigger
    return position if position < a else (position + 1 if position < b else position + 2)


def features(pieces: torch.Tensor, at: list[int], sentence_probs: np.ndarray, views: list[list[float]]) -> torch.Tensor:
    """One row per candidate: its word piece's states, the sentence's mean last layer, the
    classifier's probabilities and the candidate's view."""
    n = len(at)
    mean = pieces[:, -WIDTH:].mean(0).expand(n, -1)
    probs = torch.as_tensor(sentence_probs, dtype=torch.float32).expand(n, -1)
    return torch.cat([pieces[at], mean, probs, torch.tensor(views, dtype=torch.float32)], dim=1)


def detect(
    detector: EventDetector,
    readings: list[tuple[torch.Tensor, list[tuple[int, int]]]],
    sentence_probs: np.ndarray,
    views: list[list[tuple[int, list[float]]]],
) -> list[np.ndarray]:
    """The detector's probabilities for each reading (its pieces' states and offsets, the
    classifier's probabilities, its candidates' views), one row per candidate, all readings'
    rows in one pass; a candidate the reading's truncation cut off keeps the rules' verdict
    (its rule's type, else NONE)."""
    out, rows, at = [], [], []
    for j, ((pieces, offsets), candidates) in enumerate(zip(readings, views)):
        verdict = np.array([view[: len(TYPES)] for _, view in candidates], dtype=np.float32)
        out.append(verdict.reshape(len(candidates), len(TYPES)))
        found = [(k, i) for k, (position, _) in enumerate(candidates) if (i := piece_at(offsets, position)) is not None]
        if found:
            views_found = [candidates[k][1] for k, _ in found]
            rows.append(features(pieces, [i for _, i in found], sentence_probs[j], views_found))
            at += [(j, k) for k, _ in found]
    if rows:
        for (j, k), q in zip(at, detector.probabilities(torch.cat(rows))):
            out[j][k] = q
    return out


class EventDetector(nn.Module):
    """Candidate features -> probabilities over the 16 PLOVER types and NONE, the mean of
    its member networks' (each: features -> logits)."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.config = config
        self.width = WIDTH * len(config.layers) + WIDTH + len(LABELS) + EXTRA
        self.nets = nn.ModuleList(
            nn.Sequential(
                nn.Linear(self.width, config.hidden),
                nn.ReLU(),
                nn.Dropout(config.dropout),
                nn.Linear(config.hidden, len(TYPES)),
            )
            for _ in range(config.members)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The mean of the members' probabilities."""
        return torch.stack([torch.softmax(net(x), -1) for net in self.nets]).mean(0)

    @torch.inference_mode()
    def probabilities(self, x: torch.Tensor) -> np.ndarray:
        """The probabilities for rows of features, BLOCK rows at a time (the last block padded):
        every product has one shape, so a row's result does not depend on the rows beside it."""
        rows = len(x)
        blocks = torch.cat([x.float(), x.new_zeros((-rows % BLOCK, x.shape[1]), dtype=torch.float32)])
        return torch.cat([self(block) for block in blocks.split(BLOCK)])[:rows].numpy()

    def save(self, directory: Path = WEIGHTS) -> None:
        from safetensors.torch import save_file

        state = {k: v.detach().to(torch.float16).contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(directory / "event_detector.safetensors"))
        meta = {**asdict(self.config), "layers": list(self.config.layers)}
        (directory / "event_detector.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path = WEIGHTS) -> EventDetector | None:
        """The shipped detector, or None where none was trained."""
        from safetensors.torch import load_file

        if not (directory / "event_detector.safetensors").is_file():
            return None
        meta = json.loads((directory / "event_detector.json").read_text(encoding="utf-8"))
        model = cls(DetectorConfig(**{**meta, "layers": tuple(meta["layers"])}))
        state = load_file(str(directory / "event_detector.safetensors"))
        model.load_state_dict({k: v.float() for k, v in state.items()})
        return model.eval()
