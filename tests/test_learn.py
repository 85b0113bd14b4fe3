"""The learned classifier: metrics, the shipped weights, and a training run end to end."""

import json

import pytest

from parley import code
from parley.nlp.models.classifier import WEIGHTS, Config, EventClassifier, mark, softmax
from parley.nlp.models.labels import LABELS, to_label
from parley.training.data import load_plover
from parley.training.metrics import (
    NONE,
    accuracy,
    confusion,
    macro_f1,
    per_class,
    token_f1,
)
from parley.training.train import fit, fit_temperature, folds_of, items, logits
from parley.training.views import View

from .conftest import ROOT


def test_metrics():
    gold = ["AGREE", "AGREE", "ACCUSE", "REJECT"]
    pred = ["AGREE", "ACCUSE", "ACCUSE", NONE]
    assert accuracy(gold, pred) == 0.5
    reports = {r.label: r for r in per_class(gold, pred, LABELS)}
    assert reports["AGREE"].precision == 1.0 and reports["AGREE"].recall == 0.5
    assert reports["ACCUSE"].precision == 0.5 and reports["ACCUSE"].recall == 1.0
    assert macro_f1(gold, pred, LABELS) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)
    assert confusion(gold, pred)[("AGREE", "ACCUSE")] == 1
    assert token_f1("Russian forces", "the Russian forces") == pytest.approx(0.8)
    assert token_f1("", "") == 1.0 and token_f1("Iran", "") == 0.0


def test_label_mapping_and_folds():
    assert to_label("CONCEDE") == to_label("RETREAT") == "YIELD"
    assert to_label("ASSAULT") == "ASSAULT"
    labels = [i % 3 for i in range(30)]
    folds = folds_of(30, 5, labels)
    assert sorted(i for f in folds for i in f) == list(range(30))
    assert all(sorted(labels[i] for i in f) == [0, 0, 1, 1, 2, 2] for f in folds)


def test_mark_wraps_the_trigger():
    assert mark("Iran condemned Israel.", 5, 14) == "Iran *condemned* Israel."
    assert mark("Iran condemned Israel.", None, None) == "Iran condemned Israel."


def test_temperature_fits_overconfident_logits():
    import numpy as np

    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 300)
    raw = rng.normal(size=(300, 3))
    raw[np.arange(300), gold] += 1.0
    assert fit_temperature(raw * 4, list(gold)) > fit_temperature(raw, list(gold))
    assert softmax(raw).sum(1) == pytest.approx(np.ones(300), abs=1e-6)


def test_shipped_weights_are_small_and_described():
    weights = WEIGHTS / "event_classifier.safetensors"
    assert weights.stat().st_size < 3_000_000  # a delta on the PyPI base model, not a copy of it
    meta = json.loads((WEIGHTS / "event_classifier.json").read_text())
    assert tuple(meta["config"]["labels"]) == LABELS and meta["config"]["temperature"] > 0
    assert (WEIGHTS / "MODEL_CARD.md").is_file()


def test_classifier_types_clear_sentences(pipeline):
    for sentence, expected in [
        ("Rebels ambushed an army convoy, killing twelve soldiers.", "ASSAULT"),
        ("Thousands of farmers marched on the capital to demand higher prices.", "PROTEST"),
        ("The two leaders signed a trade agreement in Hanoi.", "SUPPORT"),
    ]:
        events = code(sentence, date="2024-01-10", pipeline=pipeline)
        assert events and events[0].event_type == expected, (sentence, [e.event_type for e in events])
        assert 0.0 < events[0].confidence <= 1.0


def test_training_runs_end_to_end_on_a_few_sentences(tmp_path):
    gold = load_plover(ROOT / "tests" / "data" / "gold_events.csv")
    config = Config(epochs=1, lora_rank=2, batch_size=8)
    data = items(gold, [View("NONE", None, None)] * len(gold), config)
    model = fit(data, config, log=lambda s: None)
    raw = logits(model, data)
    assert raw.shape == (len(data), len(LABELS))
    model.save(tmp_path)
    reloaded = EventClassifier.load(tmp_path)
    assert logits(reloaded, data[:3]) == pytest.approx(raw[:3], abs=0.05)  # saved in float16


def test_reading_without_padding_matches_the_padded_forward():
    import torch

    model = EventClassifier.load()  # float32, adapters not merged: the training forward
    texts = [
        "Iran *condemned* the strike.",
        "The two leaders *signed* a trade agreement in Hanoi on Monday.",
        "Police *arrested* dozens of protesters.",
        "Rebels *ambushed* an army convoy.",
    ]
    patterns = ["ACCUSE", "AGREE", "NONE", "ASSAULT"]
    with torch.inference_mode():
        padded, hidden = model.encode(**model.batch(texts, patterns))
        ids = model.tokenize(texts)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        packed, states = model.encode_packed([ids[i] for i in order], [patterns[i] for i in order])
    assert packed.numpy() == pytest.approx(padded[order].numpy(), abs=1e-4)
    first = order.index(0)
    start = sum(len(ids[i]) for i in order[:first])
    assert states[3][start : start + len(ids[0])].numpy() == pytest.approx(
        hidden[3][0, : len(ids[0])].numpy(), abs=1e-4
    )


def test_a_reading_has_the_same_result_whatever_it_is_read_with(pipeline):
    import numpy as np

    from parley.nlp.models.tagger import Reading, read, spans_of

    stage = pipeline.stage("classify")
    readings = [
        Reading(text, pattern, None)
        for text, pattern in [
            ("Rebels *ambushed* an army convoy, killing twelve soldiers.", "ASSAULT"),
            ("Thousands of farmers *marched* on the capital to demand higher prices.", "PROTEST"),
            ("The two leaders *signed* a trade agreement in Hanoi.", "AGREE"),
            ("Police *arrested* dozens of protesters in Nairobi.", "COERCE"),
            ("The minister *said* that talks would resume next week in Geneva with both sides.", "NONE"),
        ]
    ]
    together = read(stage.model, stage.tagger, readings, tokens=40)
    for i, reading in enumerate(readings):
        alone = read(stage.model, stage.tagger, [reading])
        assert np.array_equal(alone[0][0], together[0][i]) and alone[1][0] == together[1][i]
    # tagged later from the states read, a few at a time: the same spans
    _, _, pieces = read(stage.model, None, readings, tokens=40, pieces_of=stage.tagger.config.layers)
    assert spans_of(stage.tagger, pieces[1:4], readings[1:4]) == together[1][1:4]
    assert any(found["S"] for found in together[1]) and spans_of(stage.tagger, [], []) == []


def test_a_model_made_ready_for_inference_can_be_handed_to_a_pipeline(pipeline):
    """`parley eval --folds` readies each fold's model, then builds a pipeline with it,
    which readies it again: the second time changes nothing."""
    import numpy as np

    from parley.nlp.models.tagger import Reading, read
    from parley.nlp.stages.classify import EventClassifierStage

    model = EventClassifier.load().for_inference()
    stage = EventClassifierStage(model, tagger=None)
    assert stage.model is model
    readings = [
        Reading("Rebels *ambushed* an army convoy.", "ASSAULT", None),
        Reading("The two leaders *signed* a trade agreement.", "AGREE", None),
    ]
    ours, _, _ = read(stage.model, None, readings)
    shipped, _, _ = read(pipeline.stage("classify").model, None, readings)
    assert np.array_equal(ours, shipped)


def test_the_sentence_folds_run_a_detector_trained_for_their_own_classifier(tmp_path, capsys):
    """`parley eval --folds K --detector ARTICLES LABELS`: each fold's classifier reads its own
    encoder, so each fold trains its own detector on the articles and its training sentences,
    and the folds run the pipeline `parley code` runs; without --detector the report says none."""
    from parley.cli import main
    from parley.evaluation.annotations import convert

    from .test_article_eval import ARTICLES, HERE

    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in convert(HERE / "reading_a.jsonl", ARTICLES)))
    gold = str(ROOT / "tests" / "data" / "gold_events.csv")
    assert main(["eval", gold, "--folds", "2", "--json", "--detector", str(ARTICLES), str(labels)]) == 0
    out, err = capsys.readouterr()
    folded = json.loads(out)
    assert folded["detector"] == "per fold" and folded["sentences"] == len(load_plover(gold))
    # with the shipped encoder layers tuned on articles, each fold tunes its own and all that reads them
    assert err.count("training the event detector") + err.count("then the head, tagger and event detector") == 2
    assert main(["eval", gold, "--folds", "2", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["detector"] == "none" and "without an event detector" in err
    assert main(["eval", gold, "--detector", str(ARTICLES), str(labels)]) == 2  # no folds to train it for
    assert "--folds" in capsys.readouterr().err
