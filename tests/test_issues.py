"""Issues and contexts: what each event is about, on parley's own texts and through the real pipeline."""

from pathlib import Path

import pytest

from parley.api import ReadOptions, code, code_inputs
from parley.nlp.ontology import plover_contexts
from parley.nlp.stages.issues import IssueFinder
from parley.nlp.vocab.issues import issues, variants

from .conftest import EXAMPLES

PLOVER_CONTEXTS = set(plover_contexts().values())


@pytest.fixture(scope="module")
def events(pipeline):
    [doc] = code_inputs([str(EXAMPLES / "istanbul-talks.txt")], read=ReadOptions(date="2025-02-28"), pipeline=pipeline)
    return doc.events


def by_trigger(events, trigger):
    found = [e for e in events if e.trigger_text == trigger]
    assert found, f"no event with trigger {trigger!r}"
    return found


def test_istanbul_events_carry_their_issues(events):
    assert all(e.issues == ["diplomatic_mission_operations"] for e in events if e.sentence_index == 0)
    assert {e.event_type for e in events if e.sentence_index == 0} >= {"CONSULT", "AGREE"}
    assert by_trigger(events, "raised")[0].issues == ["banking_access_for_diplomats"]
    assert by_trigger(events, "demanded")[0].issues == ["embassy_staffing"]
    assert by_trigger(events, "proposed")[0].issues == ["direct_flights"]
    assert by_trigger(events, "reached")[0].issues == [
        "diplomatic_property"
    ]  # "the properties", in an article on diplomats


def test_istanbul_contexts(events):
    for e in events:
        assert e.contexts and set(e.contexts) <= PLOVER_CONTEXTS
        assert len(e.contexts) == len(set(e.contexts))
    [meeting] = [e for e in events if e.event_type == "CONSULT" and e.trigger_text == "met"]
    assert "diplomatic" in meeting.contexts  # two governments consulting, though CAMEO 044 has no context


def test_contexts_are_plover_names(pipeline):
    docs = code_inputs([str(EXAMPLES / "articles.jsonl")], pipeline=pipeline)
    contexts = {c for doc in docs for e in doc.events for c in e.contexts}
    assert contexts and contexts <= PLOVER_CONTEXTS
    assert all(set(i.contexts) <= PLOVER_CONTEXTS for i in issues().values())


def test_armed_forces_give_a_military_context(pipeline):
    [clash] = [
        e
        for e in code("Government troops clashed with rebels in the north.", pipeline=pipeline)
        if e.trigger_text == "clashed"
    ]
    assert clash.event_type == "ASSAULT" and "military" in clash.contexts
    [threat] = [
        e
        for e in code("The army threatened to attack rebel positions.", pipeline=pipeline)
        if e.trigger_text == "threatened"
    ]
    assert threat.event_type == "THREATEN" and threat.contexts == ["military"]  # from the actor: CAMEO 130 has none


def test_longer_phrase_wins(pipeline):
    [demand] = by_trigger(code("Moscow demanded the lifting of sanctions on its banks.", pipeline=pipeline), "demanded")
    assert demand.issues == ["sanctions_relief"]


def test_exclude_phrase_suppresses_a_match(pipeline):
    [crude] = code("Indonesia banned exports of crude oil to India.", pipeline=pipeline)
    [palm] = code("Indonesia banned exports of palm oil to India.", pipeline=pipeline)
    assert "oil" in crude.issues and "oil" not in palm.issues


def test_required_words_come_from_the_whole_document(pipeline):
    demand = "Russia demanded the return of six properties seized in 2016."
    assert code(demand, pipeline=pipeline)[-1].issues == []
    assert code("US and Russian diplomats met in Istanbul. " + demand, pipeline=pipeline)[-1].issues == [
        "diplomatic_property"
    ]


def test_these_areas_refers_to_the_issues_before(pipeline):
    text = (
        "Russia and the United States discussed visas and direct flights on Monday. "
        "Both sides agreed to make progress in these areas."
    )
    agreed = by_trigger(code(text, pipeline=pipeline), "agreed")[0]
    assert agreed.issues == ["visas", "direct_flights"]


def test_each_event_takes_the_issues_of_its_own_clause(scoring):
    # the issues stage on both clauses' events (the shipped detector does not take "insisted")
    text = "Russia demanded sanctions relief, while Ukraine insisted on a ceasefire."
    found = {e.trigger_text: e.issues for e in code(text, pipeline=scoring)}
    assert found.get("demanded") == ["sanctions_relief"]
    assert found.get("insisted") == ["ceasefire"]


def test_optional_words_and_nationalities():
    assert variants("work of (the/their) embassies") == [
        "work of embassies",
        "work of the embassies",
        "work of their embassies",
    ]
    assert "return of syrian refugees" in variants("return of {nationality} refugees")


@pytest.fixture
def own_issues(pipeline, tmp_path, monkeypatch):
    """The pipeline with an IssueFinder built from the shipped tables plus a user's issues.tsv."""
    (tmp_path / "issues.tsv").write_text(
        "issue\tcategory\tcontexts\tphrases\texclude\trequires\tunless\n"
        "lunar_mining\tspace\tnatural_resource|technology\tmoon mining|helium-3\thelium-3 balloons\t\t\n"
        "visas\t\t\tentry permits\t\t\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PARLEY_VOCAB_DIR", str(tmp_path))
    issues.cache_clear()
    shipped = pipeline.stage("issues")
    pipeline.stages["issues"] = IssueFinder(pipeline.nlp)
    yield pipeline
    pipeline.stages["issues"] = shipped
    monkeypatch.delenv("PARLEY_VOCAB_DIR")
    issues.cache_clear()


def test_user_issue_lists_are_read(own_issues):
    [deal] = code("China and Russia agreed to cooperate on moon mining and helium-3.", pipeline=own_issues)
    assert deal.issues == ["lunar_mining"]
    assert {"natural_resource", "technology"} <= set(deal.contexts)
    [permits] = code("Russia demanded entry permits for its citizens.", pipeline=own_issues)
    assert permits.issues == ["visas"]  # a user's row adds phrases to a shipped issue
    [balloons] = code("China and Russia agreed to sell helium-3 balloons.", pipeline=own_issues)
    assert "lunar_mining" not in balloons.issues


def test_issues_gold_file(pipeline):
    """Our own gold file of 122 texts with their issues (tests/data/issues_gold.tsv)."""
    from parley.evaluation.stages import evaluate_issues

    scores = evaluate_issues(Path(__file__).parent / "data" / "issues_gold.tsv", pipeline).summary()
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.8
