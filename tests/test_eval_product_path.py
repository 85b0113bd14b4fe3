"""`parley eval` on labelled sentences scores what `parley code` emits for each sentence;
the typed-main-verb figures are a flagged diagnostic beside it."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

from parley.api import code
from parley.cli import main
from parley.evaluation.mains import record_main
from parley.nlp.models.labels import QUAD_OF, to_label

ROWS = [  # (text, gold type): an emitted event, none, a second one, a negation, an appeal
    ("The foreign minister of Ghana visited Lagos to discuss trade.", "CONSULT"),
    ("Prices rose sharply in the capital last year, economists noted.", "AID"),
    ("Police in Kenya arrested twelve protesters in Nairobi.", "COERCE"),
    ("Norway did not agree to the proposal by Chile.", "REJECT"),
    ("The United Nations appealed to Ethiopia to let aid convoys into Tigray.", "REQUEST"),  # CAMEO 02: cooperation
]


def _write(path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "event_type", "source_text", "target_text"])
        for i, (text, label) in enumerate(ROWS):
            w.writerow([i, text, label, "", ""])


def test_sentence_scores_are_the_events_parley_code_emits(tmp_path, pipeline, capsys):
    path = tmp_path / "gold.csv"
    _write(path)
    emitted = [record_main(code(text, pipeline=pipeline)) for text, _ in ROWS]
    assert emitted[1] is None  # the sentence with no event counts as wrong, not as its main verb's type
    right = sum(e is not None and to_label(e.event_type) == gold for e, (_, gold) in zip(emitted, ROWS))
    assert main(["eval", str(path), "--json"]) == 0
    product = json.loads(capsys.readouterr().out)
    assert product["detector"] == "shipped"  # the coder parley code runs, detector included
    assert product["accuracy"] == round(right / len(ROWS), 4)
    assert product["coverage"] == round(sum(e is not None for e in emitted) / len(ROWS), 4)
    gold_quads = [QUAD_OF[label] for _, label in ROWS]
    plover_quads = [QUAD_OF[to_label(e.event_type)] if e else 0 for e in emitted]  # the type's, in the file's scheme
    assert product["quad_accuracy"] == round(sum(p == q for p, q in zip(plover_quads, gold_quads)) / len(ROWS), 4)
    cameo_quads = [e.quad_class if e else 0 for e in emitted]  # GDELT's, by the CAMEO code's root
    assert product["quad_accuracy_cameo"] == round(sum(p == q for p, q in zip(cameo_quads, gold_quads)) / len(ROWS), 4)
    assert emitted[-1] is not None and (emitted[-1].event_type, emitted[-1].quad_class) == ("REQUEST", 1)
    assert product["quad_accuracy"] > product["quad_accuracy_cameo"]  # the appeal: a request, conflict in PLOVER
    assert not any(k.startswith("diagnostic") for k in product)

    assert main(["eval", str(path), "--json", "--diagnostic"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert both["accuracy"] == product["accuracy"]  # the product figure stays what it is
    assert {"diagnostic_typed_accuracy", "diagnostic_typed_macro_f1", "diagnostic_typed_quad_accuracy"} <= set(both)


def test_the_main_event_of_the_records_is_the_most_confident_one_not_negated(pipeline):
    event = code("Police in Kenya arrested twelve protesters in Nairobi.", pipeline=pipeline)[0]
    sure_but_negated = replace(event, negated=True, confidence=0.9)
    unsure = replace(event, negated=False, confidence=0.4)
    surer = replace(event, negated=False, confidence=0.6)
    assert record_main([sure_but_negated, unsure, surer]) is surer
    assert record_main([sure_but_negated, replace(unsure, negated=True)]) is sure_but_negated
    assert record_main([]) is None


def test_headline_templates_are_filled_and_scored_on_what_parley_code_emits(tmp_path, pipeline, capsys):
    """A headline file (event, mode, title with slots) is filled the same way on every run and
    each headline coded as `parley code` codes it."""
    from parley.evaluation.headlines import filled

    rows = [
        ("RETREAT", "{country_1} Releases Three Jailed Labor Activists"),
        ("REJECT", "{country_2} Government Rejects Request To Delay Elections"),
        ("PROTEST", "Cheese prices in {city} are high"),  # no event: a miss
    ]
    path = tmp_path / "headlines.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event", "mode", "title"])
        w.writerows([label, "", title] for label, title in rows)
    texts = [filled(title, i) for i, (_, title) in enumerate(rows)]
    assert "{" not in "".join(texts) and texts == [filled(title, i) for i, (_, title) in enumerate(rows)]
    emitted = [record_main(code(t, pipeline=pipeline)) for t in texts]
    right = sum(e is not None and e.event_type == label for e, (label, _) in zip(emitted, rows))
    assert main(["eval", str(path), "--json"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["main event of the labelled type"] == round(right / len(rows), 4)
    assert scores["an event"] == round(sum(e is not None for e in emitted) / len(rows), 4)
