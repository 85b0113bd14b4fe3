"""The encoder's top layers tuned on articles: what ships, how it is merged, how it is trained."""

import json
import shutil

import pytest
import torch

from parley.nlp.document import Document
from parley.nlp.models import tuned_layers
from parley.nlp.models.classifier import WEIGHTS, EventClassifier

from .conftest import SHARED
from .test_article_eval import ARTICLES, HERE, ROOT


def test_a_change_ships_as_int8_rows_within_half_a_step():
    torch.manual_seed(0)
    delta = {"encoder.layer.5.output.dense.weight": torch.randn(384, 1536) * 0.01, "x.bias": torch.randn(384)}
    back = tuned_layers.unpack(tuned_layers.pack(delta))
    matrix = delta["encoder.layer.5.output.dense.weight"]
    step = matrix.abs().amax(1, keepdim=True) / tuned_layers.LEVELS
    assert ((back["encoder.layer.5.output.dense.weight"] - matrix).abs() <= step / 2 + 1e-9).all()
    assert torch.equal(back["x.bias"], delta["x.bias"])


def _states(model: EventClassifier, text: str) -> list[torch.Tensor]:
    ids = model.tokenize([text])["input_ids"]
    with torch.inference_mode():
        return model.encode_packed(ids, ["NONE"])[1]


def test_the_changes_and_their_head_load_with_the_classifier_and_change_only_the_top(tmp_path):
    for name in ("event_classifier.safetensors", "event_classifier.json"):
        shutil.copy(WEIGHTS / name, tmp_path / name)
    plain = EventClassifier.load(tmp_path, light=True)
    delta = {
        "encoder.layer.4.attention.self.query.weight": torch.full((384, 384), 0.01),
        "encoder.layer.4.output.LayerNorm.bias": torch.full((384,), 0.1),
    }
    head = torch.nn.Linear(plain.head.in_features, plain.head.out_features)
    tuned_layers.save(tmp_path, delta, head, {"epochs": 4})
    tuned = EventClassifier.load(tmp_path, light=True)
    assert torch.equal(tuned.head.weight, head.weight) and set(tuned.tuned) == set(delta)
    assert EventClassifier.load(tmp_path, light=True, tuned=False).tuned == {}
    text = "Turkish jets bombed Kurdish positions in Afrin on Sunday."
    before, after = _states(plain.for_inference(), text), _states(tuned.for_inference(), text)
    assert all(torch.equal(a, b) for a, b in zip(before[:5], after[:5]))  # below the changed layer
    assert not torch.equal(before[5], after[5]) and not torch.equal(before[6], after[6])
    assert tuned.tuned == {}  # merged once
    assert tuned_layers.discard(tmp_path) and not (tmp_path / tuned_layers.FILE).is_file()
    assert not tuned_layers.discard(tmp_path)


def test_a_fold_tunes_with_the_settings_the_saved_layers_were_tuned_with(tmp_path):
    from dataclasses import asdict

    from parley.training.encoder import EncoderConfig, saved_config

    assert saved_config(tmp_path) == EncoderConfig()
    head = torch.nn.Linear(4, 2)
    card = {**asdict(EncoderConfig(mix=0.5, epochs=3)), "trained_on": {"articles": 2}}
    tuned_layers.save(tmp_path, {"x.bias": torch.zeros(4)}, head, card)
    assert saved_config(tmp_path) == EncoderConfig(mix=0.5, epochs=3)


def test_tuning_changes_the_top_layers_and_trains_what_reads_them(tmp_path):
    """A few steps on two hand-read articles: the changes are the top layers' alone, and the
    coder built on them codes articles with its own head, tagger and detector."""
    from parley.evaluation.annotations import convert, load
    from parley.training.data import load_plover
    from parley.training.encoder import EncoderConfig, span_examples, tuned_coder, untuned_classifier

    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in convert(HERE / "reading_a.jsonl", ARTICLES)))
    articles = list(load(labels, ARTICLES).values())
    data = SHARED / "data"
    if not (data / "actor_spans_train.bio").is_file():
        pytest.skip("needs ../shared/data")
    untuned = untuned_classifier()
    sentences = load_plover(ROOT / "tests" / "data" / "gold_events.csv")[:20]
    logged: list[str] = []
    coder = tuned_coder(
        untuned, articles, sentences, span_examples(data)[:20], EncoderConfig(epochs=1), log=logged.append
    )
    layers = {name.split(".")[2] for name in coder.delta}
    assert layers == {"3", "4", "5"} and any(d.abs().max() > 0 for d in coder.delta.values())
    assert untuned.tuned == {} and any("encoder epoch 1/1" in line for line in logged)
    assert not torch.equal(coder.classifier.head.weight, untuned.head.weight)
    docs = list(coder.pipeline()([Document(a.id, a.text, a.date) for a in articles]))
    assert any(doc.events for doc in docs)
