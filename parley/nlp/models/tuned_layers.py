"""The encoder's top layers as the event detector's training tuned them (`parley.training.encoder`),
shipped as a delta on the classifier's encoder (the base model with the classifier's adapters
merged), with the classifier's head retrained to read them.

A weight matrix's change is about 1.5% of the weights, so it ships as int8 rows with a scale
each (`encoder_top.safetensors`, about 5 MB): rounding it errs by under 0.4% of the change,
far below the 8-bit products the encoder runs anyway (`integer_linear`). Biases and LayerNorm
parameters change as float32 vectors.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

FILE = "encoder_top.safetensors"
CARD = "encoder_top.json"
LEVELS = 127
TINY = 1e-12
HEAD = "head."  # the retrained head's parameters, beside the layers' changes


def pack(delta: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Changes by parameter name -> what the file holds: matrices as int8 rows and a scale each."""
    out = {}
    for name, change in delta.items():
        if change.dim() == 2:
            scale = change.abs().amax(1).clamp_min(TINY) / LEVELS
            out[f"{name}.rows"] = (change / scale[:, None]).round().clamp(-LEVELS, LEVELS).to(torch.int8)
            out[f"{name}.scale"] = scale.float().contiguous()
        else:
            out[name] = change.float().contiguous()
    return out


def unpack(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The file's tensors -> changes by parameter name, in float32 (`pack` undone)."""
    out = {}
    for key, value in state.items():
        if key.endswith(".rows"):
            name = key.removesuffix(".rows")
            out[name] = value.float() * state[f"{name}.scale"][:, None]
        elif not key.endswith(".scale"):
            out[key] = value.float()
    return out


def save(directory: Path, delta: dict[str, torch.Tensor], head: nn.Linear, card: dict) -> None:
    """Write the layers' changes, the head and what they were trained on."""
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    heads = {f"{HEAD}{k}": v.detach().float().contiguous() for k, v in head.state_dict().items()}
    save_file({**pack(delta), **heads}, str(directory / FILE))
    (directory / CARD).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")


def load(directory: Path) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]] | None:
    """The layers' changes and the head's parameters saved in `directory`, or None if none."""
    from safetensors.torch import load_file

    if not (directory / FILE).is_file():
        return None
    state = load_file(str(directory / FILE))
    head = {k.removeprefix(HEAD): v for k, v in state.items() if k.startswith(HEAD)}
    return unpack({k: v for k, v in state.items() if not k.startswith(HEAD)}), head


def discard(directory: Path) -> bool:
    """Remove the tuned layers saved in `directory` (they change one classifier's encoder:
    a retrained classifier has another); whether there were any."""
    found = (directory / FILE).is_file()
    for name in (FILE, CARD):
        (directory / name).unlink(missing_ok=True)
    return found


def shift(module: nn.Module, name: str, delta: dict[str, torch.Tensor]) -> None:
    """Add the changes saved for module `name` (its weight and bias) to its parameters, in place."""
    with torch.no_grad():
        for param in ("weight", "bias"):
            change = delta.get(f"{name}.{param}")
            if change is not None:
                getattr(module, param).add_(change)
