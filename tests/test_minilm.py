"""The light MiniLM (`parley.nlp.models.minilm`) that codes without importing transformers gives
exactly what transformers' tokenizer and BERT give: the same word pieces and offsets, the same
hidden states and logits, bit for bit."""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
import torch

from parley.nlp.models.classifier import EventClassifier

from .conftest import SHARED

ODD = ["", "  ", "Ünïcödé café — “quotes”, 日本語 and emoji 🙂", "word " * 200, "Moscow *proposed* to resume flights."]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    path = SHARED / "data" / "plover_events_train.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with open(path, newline="", encoding="utf-8") as f:
        return [row["text"] for row in csv.DictReader(f)] + ODD


@pytest.fixture(scope="module")
def models() -> tuple[EventClassifier, EventClassifier]:
    return EventClassifier.load(light=True), EventClassifier.load()


def test_the_word_pieces_and_offsets_are_transformers(texts, models) -> None:
    light, full = (m.tokenize(texts) for m in models)
    assert light["input_ids"] == [list(row) for row in full["input_ids"]]
    assert [[tuple(o) for o in row] for row in light["offset_mapping"]] == [
        [tuple(o) for o in row] for row in full["offset_mapping"]
    ]


@pytest.mark.parametrize("inference", [False, True], ids=["float32", "for_inference"])
def test_the_states_and_logits_are_transformers_bit_for_bit(texts, models, inference) -> None:
    light, full = (m.for_inference() if inference else m for m in models)
    ids = sorted(light.tokenize(texts[:400] + ODD)["input_ids"], key=len)
    patterns = ["AGREE", "NONE"] * (len(ids) // 2) + ["NONE"] * (len(ids) % 2)
    with torch.no_grad():
        (a, a_states), (b, b_states) = (m.encode_packed(ids, patterns) for m in (light, full))
    assert torch.equal(a, b)
    assert len(a_states) == len(b_states) == 7 and all(torch.equal(x, y) for x, y in zip(a_states, b_states))


def test_coding_imports_no_transformers() -> None:
    probe = (
        "import sys; from parley import code; code('Russia and Ukraine met in Istanbul.', date='2025-02-28');"
        " print(sorted(m for m in ('transformers', 'sympy', 'torch._dynamo') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_models_built_on_one_thread_are_those_built_on_several() -> None:
    """The classify stage builds its models on one thread (`models.threads`): the same weights."""
    from parley.nlp.models.detector import EventDetector
    from parley.nlp.models.tagger import SpanTagger
    from parley.nlp.models.threads import one_thread

    def weights() -> dict[str, torch.Tensor]:
        tagger, detector = SpanTagger.load(), EventDetector.load()
        assert tagger is not None and detector is not None
        built = {"classifier": EventClassifier.for_coding(), "detector": detector, "tagger": tagger}
        return {f"{name}.{k}": v for name, model in built.items() for k, v in model.state_dict().items()}

    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        several = weights()
        with one_thread():
            assert torch.get_num_threads() == 1
            one = weights()
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)
    assert several.keys() == one.keys() and len(one) > 100
    assert all(torch.equal(several[k], one[k]) for k in one)


def test_the_models_compute_alike_whatever_the_cpu_offers(monkeypatch) -> None:
    """One numeric path on every machine: a CPU that claims int8 or bfloat16 support gets the
    models all the others get (float32 weights, the encoder's linear layers in exact integers),
    so two machines of a cluster code alike."""
    from parley.nlp.models.integer_linear import IntegerLinear
    from parley.nlp.stages.classify import EventClassifierStage

    monkeypatch.setattr(torch.cpu, "_is_vnni_supported", lambda: True)
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: True)
    stage = EventClassifierStage()
    models = {"classifier": stage.model, "detector": stage.detector, "tagger": stage.tagger}
    assert all(model is not None for model in models.values())
    tensors = {f"{name}.{k}": v for name, model in models.items() for k, v in model.state_dict().items()}
    assert {v.dtype for v in tensors.values()} == {torch.float32, torch.int8}
    assert all(k.endswith(".weight") and ".encoder.layer." in k for k, v in tensors.items() if v.dtype == torch.int8)
    integer = [m for m in stage.model.encoder.modules() if isinstance(m, IntegerLinear)]
    assert len(integer) == 6 * stage.model.encoder.config.num_hidden_layers
    kinds = {type(m).__name__ for model in models.values() for m in model.modules() if not list(m.children())}
    assert not any("Int8" in kind or "Quant" in kind for kind in kinds)
