"""The encoder's integer linear layers (`parley.nlp.models.integer_linear`): exact integer
products whichever way they are computed, close to the float32 layer they replace, and a
word piece's result independent of the pieces beside it."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from parley.nlp.models import integer_linear
from parley.nlp.models.integer_linear import IntegerLinear, exact_float_product, native_product_is_exact


def extremes(rows: int, columns: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(-127, 128, (rows, columns), generator=generator, dtype=torch.int8)


@pytest.mark.parametrize("inner", [384, 1536, 2500])
def test_the_float_product_gives_the_exact_integers(inner: int) -> None:
    a, b = extremes(70, inner, 0), extremes(inner, 33, 1)
    a[0], b[:, 0] = 127, 127  # the largest sums there are
    assert torch.equal(exact_float_product(a, b).long(), a.long() @ b.long())


def test_the_native_product_is_used_only_where_it_is_exact() -> None:
    if not native_product_is_exact():
        pytest.skip("this machine's torch._int_mm is not exact: the float product is used")
    a, b = extremes(37, 1536, 2), extremes(1536, 384, 3)
    assert torch.equal(torch._int_mm(a, b), exact_float_product(a, b))


def test_the_layer_is_close_to_the_float_layer_and_each_row_is_its_own() -> None:
    torch.manual_seed(0)
    linear = nn.Linear(384, 1536)
    layer = IntegerLinear(linear)
    x = torch.randn(50, 384)
    with torch.no_grad():
        exact, together = linear(x), layer(x)
    assert (together - exact).abs().max() < 0.02 * exact.abs().max()
    assert all(torch.equal(layer(x[i : i + 1])[0], together[i]) for i in range(0, 50, 7))
    assert torch.equal(layer(torch.zeros(2, 384)), linear.bias.detach().expand(2, -1))


def test_the_encoder_reads_alike_on_either_product(monkeypatch) -> None:
    """The states of the shipped encoder are the same bit for bit whether the integer products
    run natively or in float32: what a machine without a native int8 product codes."""
    from parley.nlp.models.classifier import EventClassifier

    model = EventClassifier.for_coding()
    texts = ["Moscow *proposed* to resume direct flights.", "Talks resumed."]
    ids = sorted(model.tokenize(texts)["input_ids"], key=len)
    with torch.no_grad():
        _, native = model.encode_packed(ids, ["PROPOSE", "NONE"])
        monkeypatch.setattr(integer_linear, "native_product_is_exact", lambda: False)
        _, fallback = model.encode_packed(ids, ["PROPOSE", "NONE"])
    assert all(torch.equal(a, b) for a, b in zip(native, fallback))
