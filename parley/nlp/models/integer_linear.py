"""The encoder's linear layers multiplied in 8-bit integers, exactly, so that every CPU gets the
same numbers four times faster than in float32.

Each weight row (output channel) and each input row (word piece) is scaled to [-127, 127] and
rounded; the integer product is exact, and scaling back is a few elementwise float32 operations,
which round alike everywhere. So a word piece's result depends on nothing read beside it, and
unlike float32 products (whose rounding follows the CPU's kernels) not on the machine either.
The product runs in `torch._int_mm` where it gives the exact integers on a probe of extreme
values, else in float32 over chunks small enough that every partial sum is an exact integer.
"""

from __future__ import annotations

from functools import lru_cache

import torch
from torch import nn

LEVELS = 127  # the largest integer a scaled value rounds to
TINY = 1e-12  # the least scale: an all-zero row stays zero
CHUNK = 1024  # 127 * 127 * 1024 < 2**24: a float32 sum of this many products is an exact integer


class IntegerLinear(nn.Module):
    """A linear layer's weights as int8 rows with a float32 scale each, and its bias."""

    weight: torch.Tensor  # int8, (in, out)
    scale: torch.Tensor  # per output
    bias: torch.Tensor

    def __init__(self, linear: nn.Linear) -> None:
        super().__init__()
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(1).clamp_min(TINY) / LEVELS
        self.register_buffer("weight", _rounded(weight / scale[:, None]).t().contiguous())
        self.register_buffer("scale", scale)
        self.register_buffer("bias", linear.bias.detach().float().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, x.shape[-1])
        # the largest magnitude of each row, as abs().amax() gives it, without an absolute copy
        largest = torch.maximum(rows.amax(1, keepdim=True), rows.amin(1, keepdim=True).neg_())
        scale = largest.clamp_min_(TINY).div_(LEVELS)
        # no clamp needed: |row / scale| <= 127 * (1 + 2**-24) after float32 rounding, which rounds to 127
        product = integer_product((rows / scale).round_().to(torch.int8), self.weight)
        # in place: large temporaries cost more to allocate than to compute
        return product.float().mul_(scale).mul_(self.scale).add_(self.bias).reshape(*x.shape[:-1], -1)


def _rounded(x: torch.Tensor) -> torch.Tensor:
    """x (a fresh tensor: rounded in place) to the nearest integers in [-LEVELS, LEVELS], as int8."""
    return x.round_().clamp_(-LEVELS, LEVELS).to(torch.int8)


def integer_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b for int8 matrices, as exact int32 (PyTorch's private `_int_mm` where it is exact
    and takes these shapes, else `exact_float_product`: the same integers either way)."""
    if native_product_is_exact():
        try:
            return torch._int_mm(a, b)
        except RuntimeError:  # a shape this machine's kernel does not take
            pass
    return exact_float_product(a, b)


def exact_float_product(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b for int8 matrices in float32, chunk by chunk of the inner dimension: every partial
    sum is an integer float32 holds exactly, whatever order the kernel adds in."""
    out = torch.zeros(a.shape[0], b.shape[1], dtype=torch.int32)
    for start in range(0, a.shape[1], CHUNK):
        out += (a[:, start : start + CHUNK].float() @ b[start : start + CHUNK].float()).to(torch.int32)
    return out


@lru_cache(maxsize=1)
def native_product_is_exact() -> bool:
    """Whether this machine's `torch._int_mm` gives exact integers, extremes included (a kernel
    that saturates 16-bit sums would not)."""
    generator = torch.Generator().manual_seed(0)
    extremes = torch.tensor([-LEVELS, LEVELS], dtype=torch.int8)
    a = extremes[torch.randint(0, 2, (64, 1536), generator=generator)]
    a[:8] = LEVELS
    b = extremes[torch.randint(0, 2, (1536, 64), generator=generator)]
    b[:, :8] = LEVELS
    b[:, 8:16] = -LEVELS
    try:
        native = torch._int_mm(a, b)
    except (RuntimeError, NotImplementedError):
        return False
    return torch.equal(native.long(), a.long() @ b.long())
