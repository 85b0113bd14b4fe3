"""Scoring whole articles: hand-read labels as offsets, and `parley eval --articles`.

The fixtures in tests/data/articles are the project's own two short articles and two
readings of them in the annotation guide's format; reading B differs from reading A by
one matched event in each article, an event in a sentence A has none in, a wrong type in
a sentence with two events, and a missed event.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.cli import main
from parley.evaluation.annotations import LabelError, convert, load
from parley.evaluation.articles import (
    Scored,
    agreement,
    evaluate_articles,
    lower_case,
    pair,
    split_by_article,
)
from parley.training.detector import detector_pipeline, world_articles

HERE = Path(__file__).parent / "data" / "articles"
ARTICLES = HERE / "articles.jsonl"
ROOT = Path(__file__).resolve().parent.parent
SHARED_ARTICLES = ROOT.parent / "shared" / "data" / "realnews" / "guardian_dev.jsonl"
DEV_LABELS = ROOT / "data" / "annotations"


@pytest.fixture()
def labels(tmp_path) -> tuple[Path, Path]:
    """Both readings converted to the stored format."""
    out = []
    for name in ("a", "b"):
        path = tmp_path / f"labels_{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in convert(HERE / f"reading_{name}.jsonl", ARTICLES)))
        out.append(path)
    return out[0], out[1]


def test_stored_labels_are_offsets_that_load_back_onto_the_words_read(labels):
    text = json.loads(ARTICLES.read_text().splitlines()[0])["text"]
    stored = labels[0].read_text()
    assert "bombed" not in stored and "Kurdish" not in stored  # no article words, only offsets
    article = load(labels[0], ARTICLES)["a1"]
    first = article.events[0]
    assert text[first.trigger_start : first.trigger_end] == "bombed"
    assert text[first.source.start : first.source.end] == "Turkish jets"
    assert text[first.sentence_start : first.sentence_end].startswith("Turkish jets bombed")


def test_the_scorer_on_a_match_a_wrong_type_an_event_outside_gold_a_miss_and_two_events_in_a_sentence(labels):
    report = agreement(*labels, ARTICLES)
    s = report.summary()
    # gold: ASSAULT, THREATEN, REQUEST, REQUEST (a1), CONSULT (a2); other: ASSAULT, SUPPORT, REQUEST, ACCUSE, CONSULT
    assert (s["gold_events"], s["emitted_events"], s["matched"]) == (5, 5, 3)
    assert (s["precision"], s["recall"], s["f1"]) == (0.6, 0.6, 0.6)
    assert s["outside_gold_sentences"] == 0.2  # SUPPORT in "The weather was cold ..."
    assert (s["sentence_detection_recall"], s["gold_sentences"]) == (0.75, 4)  # the THREATEN sentence has nothing
    confusions = {(c["gold"], c["emitted"]): c["n"] for c in s["confusions"]}
    # in the sentence with two REQUESTs, the emitted REQUEST takes the gold one at its own trigger,
    # leaving "urged" a REQUEST read as ACCUSE
    assert confusions == {("REQUEST", "ACCUSE"): 1, ("none", "SUPPORT"): 1, ("THREATEN", "missed"): 1}
    a = s["agreement"]
    assert a["recipient_country"] == round(2 / 3, 4)  # the Kurdish positions have no country in B
    assert (a["date"], a["date_n"]) == (0.5, 2)  # B dates the bombing by the publication day
    assert a["place_name"] == 1.0 and a["source_country"] == 1.0
    assert (a["place_unsaid"], a["place_unsaid_n"]) == (1.0, 1)  # "called on": no reading gives a place
    per_type = {r["type"]: r for r in s["per_type"]}
    assert per_type["REQUEST"]["recall"] == 0.5 and per_type["REQUEST"]["precision"] == 1.0


def _scored(sentence, trigger, type_="REQUEST") -> Scored:
    empty = frozenset()
    return Scored("d", sentence, trigger, type_, empty, empty, empty, empty, None, None, None, False, "factual", "")


def test_two_events_of_one_type_in_a_sentence_each_take_the_gold_event_nearest_their_trigger():
    gold = [_scored((0, 80), (10, 15)), _scored((0, 80), (50, 55))]
    emitted = [_scored((0, 80), (52, 56)), _scored((0, 80), (11, 14))]
    paired = pair(gold, emitted)
    assert [(g.trigger, e.trigger) for g, e in paired.matched] == [((10, 15), (11, 14)), ((50, 55), (52, 56))]
    assert not paired.missed and not paired.extra


def test_a_sentence_split_differently_still_meets_by_its_trigger():
    gold = [_scored((0, 120), (90, 96))]  # the reader's sentence runs on past the coder's split at 60
    emitted = [_scored((61, 120), (90, 96)), _scored((0, 60), (20, 25))]
    paired = pair(gold, emitted)
    assert len(paired.matched) == 1 and len(paired.extra) == 1


def test_articles_are_split_into_folds_by_article():
    folds = split_by_article([f"x{i}" for i in range(10)], 3)
    assert sorted(sum(folds, [])) == sorted(f"x{i}" for i in range(10))
    assert [len(f) for f in folds] == [4, 3, 3]


def test_a_changed_article_or_a_shifted_offset_is_one_clear_error(labels, tmp_path):
    lines = labels[0].read_text().splitlines()
    record = json.loads(lines[0])
    record["events"][0]["trigger_start"] += 1
    record["events"][0]["trigger_end"] += 1
    shifted = tmp_path / "shifted.jsonl"
    shifted.write_text(json.dumps(record) + "\n")
    with pytest.raises(LabelError, match=r"shifted.jsonl:1 event 1: its offsets cover other words"):
        load(shifted, ARTICLES)
    record["events"][0]["trigger_end"] = 10**6
    shifted.write_text(json.dumps(record) + "\n")
    with pytest.raises(LabelError, match="lie outside the sentence"):
        load(shifted, ARTICLES)
    articles = [json.loads(line) for line in ARTICLES.read_text().splitlines()]
    articles[0]["text"] = articles[0]["text"].replace("Saturday", "Sunday")
    changed = tmp_path / "changed.jsonl"
    changed.write_text("".join(json.dumps(a) + "\n" for a in articles))
    with pytest.raises(LabelError, match="not the text these labels were read on"):
        load(labels[0], changed)


def test_a_reading_whose_sentence_is_not_in_the_article_is_refused_by_the_converter(tmp_path, capsys):
    reading = json.loads((HERE / "reading_a.jsonl").read_text().splitlines()[0])
    reading["events"][1]["sentence"] = "Ankara warned Damascus not to intervene!"
    path = tmp_path / "reading.jsonl"
    path.write_text(json.dumps(reading) + "\n")
    assert main(["labels", "convert", str(path), "--articles", str(ARTICLES)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("parley: ") and "reading.jsonl:1 event 2: sentence is not in the article" in err
    assert "\n" not in err


def test_eval_articles_scores_what_parley_code_emits(labels, pipeline):
    report = evaluate_articles(ARTICLES, labels[0], pipeline=pipeline)
    from parley.api import ReadOptions, code_inputs

    emitted = sum(len(doc.events) for doc in code_inputs([str(ARTICLES)], read=ReadOptions("jsonl"), pipeline=pipeline))
    s = report.summary()
    assert s["articles"] == 2 and s["gold_events"] == 5
    assert s["emitted_events"] == emitted
    assert s["matched"] <= min(emitted, 5)
    assert s["precision"] == (round(s["matched"] / emitted, 4) if emitted else 0.0)
    # each article coded with a detector trained on the other (the shipped coder's own fold training,
    # `fold_pipeline`, may tune the encoder's layers too: tests/test_tuned_layers.py)
    folded = evaluate_articles(ARTICLES, labels[0], folds=2, retrain=detector_pipeline).summary()
    assert folded["gold_events"] == 5 and len(folded["folds"]) == 2
    assert sum(f["articles"] for f in folded["folds"]) == 2
    assert folded["emitted_events"] == sum(f["emitted_events"] for f in folded["folds"])


def test_the_world_articles_teach_every_detector_but_what_an_evaluation_scores(labels, pipeline):
    """The project's own articles (data/articles) are training data for every detector, less
    the ids an evaluation scores; the held-out set shares no text with them."""
    world = world_articles()
    ids = [a.id for a in world]
    assert len(ids) == len(set(ids)) >= 40 and all(a.events for a in world)
    assert [a.id for a in world_articles(set(ids[:3]))] == ids[3:]
    held_out = load(ROOT / "data" / "annotations" / "world_test.jsonl", ROOT / "data" / "articles" / "world_test.jsonl")
    assert held_out and not {a.text for a in held_out.values()} & {a.text for a in world}
    given = []
    evaluate_articles(ARTICLES, labels[0], folds=2, retrain=lambda train, scored: given.append(scored) or pipeline)
    assert given == [frozenset(load(labels[0], ARTICLES))] * 2


def test_eval_articles_in_small_letters_scores_the_events_coded_from_them(labels, pipeline, capsys):
    from parley.api import code

    texts = [json.loads(line)["text"] for line in ARTICLES.read_text(encoding="utf-8").splitlines()]
    report = evaluate_articles(ARTICLES, labels[0], pipeline=pipeline, lower=True)
    assert [p.text for p in report.pairings] == [lower_case(t) for t in texts]
    assert report.summary()["gold_events"] == 5
    assert report.summary()["emitted_events"] == sum(len(code(lower_case(t), pipeline=pipeline)) for t in texts)
    assert lower_case("İstanbul, ÉTAT") == "İstanbul, état"  # each letter as long as before: the offsets hold
    assert main(["eval", "--articles", str(ARTICLES), "--gold", str(labels[0]), "--lower-case", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["gold_events"] == 5


def test_eval_needs_files_or_articles_with_labels(capsys):
    assert main(["eval"]) == 2
    assert main(["eval", "--gold", "x.jsonl"]) == 2
    assert "--articles" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED_ARTICLES.is_file(), reason="needs ../shared/data/realnews")
def test_the_development_labels_load_and_ship_no_article_text():
    for path, at_least in (
        (DEV_LABELS / "guardian_dev.jsonl", 80),
        (DEV_LABELS / "guardian_dev.second_reading.jsonl", 15),
    ):
        labelled = load(path, SHARED_ARTICLES)
        assert len(labelled) >= at_least
        for line in path.read_text(encoding="utf-8").splitlines():
            strings: list[str] = []

            def walk(value) -> None:
                if isinstance(value, str):
                    strings.append(value)
                elif isinstance(value, dict):
                    for v in value.values():
                        walk(v)
                elif isinstance(value, list):
                    for v in value:
                        walk(v)

            walk(json.loads(line))
            assert max(map(len, strings)) <= 40  # ids, codes, dates, place names, hashes: never a sentence
