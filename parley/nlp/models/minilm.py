"""all-MiniLM-L6-v2 for coding, without the transformers library: its word-piece tokenizer read
with `tokenizers` from the model's tokenizer.json, and its BERT encoder as the few torch modules
that `classifier.packed_states` runs, named as transformers names them so that the same weights
(model.safetensors) load into them and the same operations run in the same order.

Importing transformers' BERT pulls in much of torch (dynamo, distributed tensors, sympy) and
costs about five seconds at every `parley code`; this costs none. Training keeps transformers'
model (its padded, masked forward pass); `tests/test_minilm.py` checks that both give the same
word pieces, offsets and hidden states, bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
from torch import nn

UNUSED = "embeddings.position_ids"


class Embeddings(nn.Module):
    """Word, token type and position embeddings, summed in that order, then LayerNorm."""

    def __init__(self, config: SimpleNamespace) -> None:
        super().__init__()
        width = config.hidden_size
        self.word_embeddings = nn.Embedding(config.vocab_size, width, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, width)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, width)
        self.LayerNorm = nn.LayerNorm(width, eps=config.layer_norm_eps)

    def forward(
        self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, position_ids: torch.Tensor
    ) -> torch.Tensor:
        embeddings = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(embeddings + self.position_embeddings(position_ids))


class SelfAttention(nn.Module):
    """The query, key and value projections (`classifier._attention` runs the attention)."""

    def __init__(self, config: SimpleNamespace, device: str) -> None:
        super().__init__()
        self.num_attention_heads = config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size, device=device)
        self.key = nn.Linear(config.hidden_size, config.hidden_size, device=device)
        self.value = nn.Linear(config.hidden_size, config.hidden_size, device=device)


class Residual(nn.Module):
    """dense, then LayerNorm of its output plus the input (BERT's SelfOutput and Output)."""

    def __init__(self, width: int, config: SimpleNamespace, device: str) -> None:
        super().__init__()
        self.dense = nn.Linear(width, config.hidden_size, device=device)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)

    def forward(self, hidden_states: torch.Tensor, input_tensor: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(hidden_states) + input_tensor)


class Intermediate(nn.Module):
    """dense, then GELU (the exact one: the model's hidden_act is "gelu")."""

    def __init__(self, config: SimpleNamespace, device: str) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size, device=device)

    def forward(self, hidden_states: torch.Tensor) -> torch.Tensor:
        return nn.functional.gelu(self.dense(hidden_states))


class Layer(nn.Module):
    def __init__(self, config: SimpleNamespace, device: str) -> None:
        super().__init__()
        self.attention = nn.Module()
        self.attention.self = SelfAttention(config, device)
        self.attention.output = Residual(config.hidden_size, config, device)
        self.intermediate = Intermediate(config, device)
        self.output = Residual(config.intermediate_size, config, device)


class Encoder(nn.Module):
    """The embeddings and the layers; `classifier.packed_states` runs them (there is no padded
    forward pass here: that is training's, on transformers' model). Its linear layers are made on
    the "meta" device, without weights until `load_encoder` assigns the loaded ones (no random
    initial weights; an embedding made there would import torch's compiler)."""

    def __init__(self, config: SimpleNamespace, device: str = "meta") -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList(Layer(config, device) for _ in range(config.num_hidden_layers))


def load_encoder(path: Path) -> Encoder:
    """The encoder of the model files at `path`, its weights in float32 (the pooler and the saved
    position ids, a buffer transformers makes too, are unused)."""
    from safetensors.torch import load_file

    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    if config.get("hidden_act", "gelu") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{path}: not a BERT encoder this module runs ({config.get('hidden_act')})")
    model = Encoder(SimpleNamespace(**config))
    state = {k.removeprefix("bert."): v.float() for k, v in load_file(str(path / "model.safetensors")).items()}
    model.load_state_dict({k: v for k, v in state.items() if k.split(".")[0] != "pooler" and k != UNUSED}, assign=True)
    return model.eval()


class Tokenizer:
    """The model's word-piece tokenizer (tokenizer.json), called as `EventClassifier.tokenize`
    calls transformers' fast tokenizer: truncated to `max_length`, not padded."""

    def __init__(self, path: Path) -> None:
        from tokenizers import Tokenizer as Backend

        self.backend = Backend.from_file(str(path / "tokenizer.json"))
        self.backend.no_padding()

    def __call__(self, texts: list[str], *, max_length: int) -> dict[str, list]:
        self.backend.enable_truncation(max_length)
        encoded = self.backend.encode_batch(texts)
        return {"input_ids": [e.ids for e in encoded], "offset_mapping": [e.offsets for e in encoded]}
