"""The span tagger's data path: BIO files, gold tags over word pieces and back, spans coded
through the actor tables, and `parley eval` on a BIO file."""

import json

from parley.cli import main
from parley.nlp.document import Document
from parley.nlp.models.tagger import Reading, decode
from parley.nlp.parties import code_span
from parley.training.data import load_bio
from parley.training.spans import gold_tags

BIO = """Turkish O
police B-S
arrested O
two B-T
journalists I-T
. O

Leaders B-R
of I-R
Chile I-R
met O
Peru B-R
'S I-R
president I-R
. O

The B-S
Kremlin I-S
rejected O
the O
plan O
. O
"""


def test_bio_files_give_sentences_with_source_and_target_spans(tmp_path):
    path = tmp_path / "spans.bio"
    path.write_text(BIO, encoding="utf-8")
    police, reciprocal, kremlin = load_bio(path)
    assert police.text == "Turkish police arrested two journalists ."
    assert (police.role_text("S"), police.role_text("T")) == ("police", "two journalists")
    # a reciprocal pair (R R): the first party is read as source, the other as target
    assert (reciprocal.role_text("S"), reciprocal.role_text("T")) == ("Leaders of Chile", "Peru 'S president")
    assert kremlin.spans["T"] == []


def test_gold_spans_survive_the_trip_through_word_pieces(pipeline):
    model = pipeline.stage("classify").model
    sentence = "Russian troops shelled Ukrainian positions near Donetsk."
    trigger = (15, 22)  # "shelled"
    marked = sentence[:15] + "*shelled*" + sentence[22:]
    offsets = [tuple(o) for o in model.tokenize([marked])["offset_mapping"][0]]  # the word pieces coding reads
    spans = {"S": [(0, 14)], "T": [(23, 42)]}
    tags = gold_tags(offsets, spans, trigger).tolist()
    assert decode(tags, offsets, trigger) == spans
    assert Reading(marked, "ASSAULT", trigger).text[15:24] == "*shelled*"


def test_a_tagged_span_is_coded_by_the_actor_tables(pipeline):
    text = "The Russian Foreign Ministry summoned the ambassador of Estonia."
    doc = next(pipeline.partial([Document("t", text)], through="actors"))
    (actor,) = code_span(doc, 0, len("The Russian Foreign Ministry"))
    assert (actor.text, actor.code) == ("The Russian Foreign Ministry", "RUSGOV")
    start = text.index("the ambassador")
    (target,) = code_span(doc, start, len(text) - 1)
    assert target.country == "EST" and target.text == "the ambassador of Estonia"
    # a tagged span that runs on to a preposition or the full stop is cut back to its words
    (ragged,) = code_span(doc, start, len(text))
    assert ragged.text == "the ambassador of Estonia"
    doc.release()


def test_eval_scores_actor_and_recipient_spans_of_a_bio_file(tmp_path, capsys):
    path = tmp_path / "spans.bio"
    path.write_text(BIO, encoding="utf-8")
    assert main(["eval", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["sentences"] == 3
    assert 0.0 <= summary["recipient_token_f1"] <= 1.0
    # the two plain directed sentences have their source found
    assert summary["actor_token_f1"] >= 0.6


def test_a_meeting_venue_is_not_a_party_but_a_struck_place_is(pipeline):
    text = "Armenia and Azerbaijan could resume negotiations in Brussels next month."
    doc = next(pipeline.partial([Document("t", text)], through="actors"))
    start = text.index("Brussels")
    assert code_span(doc, start, start + len("Brussels"), places=False) == []
    (place,) = code_span(doc, start, start + len("Brussels"))
    assert place.country == "BEL"
    doc.release()


def test_coordinated_parties_of_a_tagged_span_share_its_words(pipeline):
    text = "The armies of Brazil and Argentina held joint exercises."
    doc = next(pipeline.partial([Document("t", text)], through="actors"))
    parties = code_span(doc, 0, text.index(" held"))
    assert [a.text for a in parties] == ["The armies of Brazil", "Argentina"]
    assert [a.country for a in parties] == ["BRA", "ARG"]
    assert all(text[a.start : a.end] == a.text for a in parties)
    doc.release()


def test_the_main_event_of_a_sentence_is_the_one_its_type_and_tagged_parties_describe(pipeline):
    from parley.evaluation.mains import main_event

    doc = next(pipeline([Document("t", "Greece has asked NATO to help patrol its airspace.")]))
    assert sum(doc.scratch.of(e).main for e in doc.events) == 1
    main_one = main_event(doc, doc.events)
    assert doc.scratch.of(main_one).main and main_one.event_type == "REQUEST"
    assert [a.text for a in main_one.actors] == ["Greece"] and [a.text for a in main_one.recipients] == ["NATO"]


def test_no_target_read_leaves_no_plain_noun_phrase_as_recipient(pipeline):
    doc = next(
        pipeline([Document("t", "Somali opposition leaders have agreed to postpone a protest over election delays.")])
    )
    (event,) = [e for e in doc.events if doc.scratch.of(e).main]
    assert event.event_type == "AGREE" and event.recipients == []


def test_parties_of_a_tagged_span_do_not_reach_into_each_other(pipeline):
    text = "Ethiopia let free some 74 political leaders and members of a tiny rebel group."
    doc = next(pipeline.partial([Document("t", text)], through="actors"))
    parties = code_span(doc, text.index("some"), len(text) - 1)
    assert [a.text for a in parties] == ["some 74 political leaders", "members of a tiny rebel group"]
    doc.release()


def test_an_event_names_each_party_once_when_two_tagged_spans_reach_it(pipeline):
    # the tagger marks "Japan" and "United States"; the first brings its conjunct "the United States" along
    doc = next(
        pipeline(
            [
                Document(
                    "t",
                    "Japan and the United States last month formally signed the limited trade deal "
                    "to cut tariffs on U.S. farm goods.",
                )
            ]
        )
    )
    (event,) = [e for e in doc.events if doc.scratch.of(e).main]
    for parties in (event.actors, event.recipients):
        assert not any(a.start < b.end and b.start < a.end for i, a in enumerate(parties) for b in parties[i + 1 :])
    assert sorted(a.country for a in event.actors) == ["JPN", "USA"]


def test_the_parties_a_group_noun_names_share_its_words(pipeline):
    doc = next(
        pipeline(
            [
                Document(
                    "t",
                    "Russia and Ukraine held talks in Istanbul on Monday. "
                    "The two countries agreed to exchange prisoners.",
                )
            ]
        )
    )
    (event,) = [e for e in doc.events if doc.scratch.of(e).main and e.sentence_index == 1]
    assert sorted((a.country, a.text) for a in event.actors) == [
        ("RUS", "The two countries"),
        ("UKR", "The two countries"),
    ]
