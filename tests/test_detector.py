"""The event detector: candidates, where each is read, one event per act, and its weights."""

import datetime as dt
import json

import numpy as np
import torch

from parley.nlp.document import PLOVER_TYPES, Document, Event
from parley.nlp.models.classifier import mark
from parley.nlp.models.detector import TYPES, DetectorConfig, EventDetector, marked, piece_at
from parley.nlp.stages.classify import prepare


def test_a_candidate_is_found_in_the_marked_reading():
    text = "Turkish jets bombed Afrin after talks failed."
    a, b = text.index("bombed"), text.index("bombed") + len("bombed")
    reading = mark(text, a, b)
    for word in ("Turkish", "bombed", "Afrin", "talks"):
        at = text.index(word)
        assert reading[marked(at, (a, b)) :].startswith(word if word != "bombed" else "bombed*")
    offsets = [(0, 7), (8, 12), (13, 14), (14, 20)]
    assert piece_at(offsets, 14) == 3 and piece_at(offsets, 9) == 1 and piece_at(offsets, 30) is None


def test_every_verb_and_noun_is_a_candidate_with_its_own_parties(pipeline):
    text = "US airstrikes on Raqqa killed dozens of civilians, officials said."
    [doc] = list(pipeline.partial([Document("d", text)], through="events"))
    triggers = {e.trigger_text: e for e in [*doc.events, *doc.scratch.uncoded, *doc.scratch.candidates]}
    assert {"airstrikes", "killed", "civilians", "said"} <= set(triggers)
    strikes = triggers["airstrikes"]
    assert [a.country for a in strikes.actors] == ["USA"]
    doc.release()


def test_a_participle_standing_for_a_person_is_no_candidate(pipeline):
    """ "the accused", "against the accused": the person charged, no act of accusing."""
    text = "The accused were taken to the court. The police filed a complaint against the accused."
    [doc] = list(pipeline.partial([Document("d", text)], through="events"))
    triggers = [e.trigger_text for e in [*doc.events, *doc.scratch.uncoded, *doc.scratch.candidates]]
    assert "accused" not in triggers and {"taken", "filed", "complaint"} <= set(triggers)
    doc.release()
    [doc] = list(pipeline.partial([Document("d", "The prosecutor accused the minister of fraud.")], through="events"))
    assert [e.trigger_text for e in doc.events] == ["accused"]  # the verb still accuses
    doc.release()


def test_an_act_nouns_target_may_follow_for_or_to(pipeline):
    text = "Iranian support for the Syrian regime angered Israel, and a rebuke to Canada followed."
    [doc] = list(pipeline.partial([Document("d", text)], through="events"))
    triggers = {e.trigger_text: e for e in [*doc.events, *doc.scratch.uncoded, *doc.scratch.candidates]}
    assert [a.country for a in triggers["support"].actors] == ["IRN"]
    assert [a.country for a in triggers["support"].recipients] == ["SYR"]
    assert [a.country for a in triggers["rebuke"].recipients] == ["CAN"]
    doc.release()


def test_an_act_noun_done_by_a_verbs_subject_is_its_subjects_but_not_one_ordered(pipeline):
    """ "Canberra announced sanctions", "the navy conducted airstrikes": who does the verb does
    the act; who orders or plans it has it done ("Trump ordered a strike": his military's)."""
    text = "Canberra announced sanctions on Prakash. The navy conducted airstrikes. Trump ordered a strike."
    [doc] = list(pipeline.partial([Document("d", text, date=dt.date(2019, 3, 4))], through="events"))
    triggers = {e.trigger_text: e for e in [*doc.events, *doc.scratch.uncoded, *doc.scratch.candidates]}
    assert [a.text for a in triggers["sanctions"].actors] == ["Canberra"]
    assert [a.text for a in triggers["airstrikes"].actors] == ["The navy"]
    assert [a.text for a in triggers["strike"].actors] == []
    doc.release()


def test_two_words_of_one_act_give_one_event(pipeline):
    text = "Turkish jets carried out airstrikes on Kurdish positions in Afrin on Sunday."
    [doc] = list(pipeline([Document("d", text)]))
    assault = [e for e in doc.events if e.event_type == "ASSAULT"]
    assert len(assault) == 1
    assert {a.country for a in assault[0].actors} == {"TUR"}


def test_an_act_named_with_its_means_is_one_event_on_the_verb(pipeline):
    text = "A British soldier has been killed by a roadside bomb in Syria."
    [doc] = list(pipeline([Document("d", text)]))
    assert [e.trigger_text for e in doc.events if e.event_type == "ASSAULT"] == ["killed"]


def test_an_attacks_toll_is_that_attack_not_another_act(pipeline):
    """Who an attack killed or wounded, told in a clause of its own, is the attack's toll; the
    attack's word stands for the act and lends it whom the toll names."""
    for text, attack in (
        ("Syrian forces carried out a gas attack on the town of Douma which killed dozens of people.", "carried"),
        ("Russian jets renewed their bombardment of the town, killing four people and wounding ten.", "bombardment"),
        ("Two waves of Syrian airstrikes on the town killed at least 13 civilians.", "airstrikes"),
    ):
        [doc] = list(pipeline([Document("d", text)]))
        assault = [e for e in doc.events if e.event_type == "ASSAULT"]
        assert [e.trigger_text for e in assault] == [attack], text
    assert "CVL" in [r.sector for r in assault[0].recipients]  # the civilians the strikes killed


def test_whom_a_toll_names_is_the_attacks_target_where_the_toll_is_no_event(pipeline):
    """The toll's words need not be an event of their own for the attack to take its victims
    (`classify._victims`)."""
    text = "Russian jets renewed their bombardment of the town, killing four people and wounding ten."
    [doc] = list(pipeline([Document("d", text)]))
    assert [e.trigger_text for e in doc.events if e.event_type == "ASSAULT"] == ["bombardment"]
    [attack] = [e for e in doc.events if e.trigger_text == "bombardment"]
    assert [(r.text, r.sector) for r in attack.recipients] == [("four people", "CVL")]
    text = "Turkish jets bombed Afrin and Russian jets killed ten fighters in Idlib."  # a clause of its own
    [doc] = list(pipeline([Document("d", text)]))
    assert {e.trigger_text for e in doc.events if e.event_type == "ASSAULT"} == {"bombed", "killed"}


def test_the_acts_own_coded_subject_is_its_actor_not_the_speakers(pipeline):
    text = (
        "Pedro Alves, the head of a Lisbon-based monitoring group, said government troops "
        "backed by Iraqi militias had taken control of the town."
    )
    [doc] = list(pipeline([Document("d", text, dt.date(2018, 3, 1))]))
    taken = next(e for e in doc.events if e.trigger_text == "taken")
    assert [a.text for a in taken.actors] == ["government troops"]  # the tagger reads the speaker


def test_what_a_meeting_is_about_is_no_party_to_it_but_a_sanctioned_state_is(pipeline):
    text = (
        "Officials discussed cooperation on the return of Russian property. "
        "The upcoming meetings, especially on the return of Russian real estate and the financing "
        "of diplomatic missions, will show how ready the two sides are. "
        "The European Union imposed sanctions on Russia."
    )
    [doc] = list(pipeline([Document("d", text, "2025-02-28")]))
    meetings = [e for e in doc.events if e.trigger_text in {"discussed", "meetings"}]
    assert "CONSULT" in {e.event_type for e in meetings if e.trigger_text == "discussed"}
    assert [r.text for e in meetings for r in e.recipients] == []
    assert len([e for e in meetings if e.trigger_text == "meetings"]) == 1  # no topic splits it
    sanction = next(e for e in doc.events if e.trigger_text in {"imposed", "sanctions"})
    assert [a.country for a in sanction.recipients] == ["RUS"]


def test_who_reports_an_act_is_no_target_of_it_but_whom_the_reporter_names_is(pipeline):
    texts = [
        "Turkish police arrested two journalists in Istanbul, President Recep Tayyip Erdoğan's office said.",
        "Ms Begum, who married a Dutch fighter, said he was imprisoned by the Syrian regime.",
    ]
    arrest, prison = (
        doc.events[0] for doc in pipeline([Document(str(i), t, dt.date(2018, 3, 1)) for i, t in enumerate(texts)])
    )
    assert (arrest.trigger_text, [r.text for r in arrest.recipients]) == ("arrested", ["two journalists"])
    assert [a.country for a in arrest.actors] == ["TUR"]
    # "he" is the fighter named in her subject, who stays the target
    assert (prison.trigger_text, [r.country for r in prison.recipients]) == ("imprisoned", ["NLD"])


def test_weights_round_trip(tmp_path):
    torch.manual_seed(0)
    model = EventDetector(DetectorConfig()).eval()
    width = model.width
    x = torch.randn(4, width)
    model.save(tmp_path)
    loaded = EventDetector.load(tmp_path)
    assert loaded is not None and loaded.config.threshold == DetectorConfig().threshold
    p, q = model.probabilities(x), loaded.probabilities(x)
    assert p.shape == (4, len(TYPES)) and abs(p - q).max() < 1e-2  # half-precision weights
    assert EventDetector.load(tmp_path / "none") is None


def test_an_articles_rows_are_kept_per_classifier(pipeline, tmp_path):
    """A fold of the sentence cross-validation trains its own classifier, whose encoder reads
    differently: its detector learns from rows that classifier read, not the shipped one's."""
    from parley.evaluation.annotations import convert, load
    from parley.nlp.models.classifier import EventClassifier
    from parley.nlp.pipeline import Pipeline
    from parley.training.detector import article_rows

    from .test_article_eval import ARTICLES, HERE

    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in convert(HERE / "reading_a.jsonl", ARTICLES)))
    article = next(iter(load(labels, ARTICLES).values()))
    [shipped] = article_rows(pipeline, [article])
    assert article_rows(pipeline, [article])[0] is shipped  # read once per classifier
    other = EventClassifier.load()
    with torch.no_grad():
        other.head.weight.mul_(2.0)  # another classifier: other sentence probabilities in every row
    [theirs] = article_rows(Pipeline(pipeline.nlp, classifier=other, tagger=None), [article])
    assert torch.equal(theirs.y, shipped.y) and theirs.gold == shipped.gold
    assert not torch.allclose(theirs.x, shipped.x)


def test_a_rows_probabilities_do_not_depend_on_the_rows_beside_it():
    torch.manual_seed(1)
    model = EventDetector(DetectorConfig(members=2)).eval()
    x = torch.randn(150, model.width)
    together = model.probabilities(x)
    assert together.shape == (150, len(TYPES))
    for rows in (slice(0, 1), slice(3, 10), slice(60, 130)):
        assert np.array_equal(model.probabilities(x[rows]), together[rows])


def _candidate(trigger: str) -> Event:
    """A candidate no verb rule coded (no CAMEO code, no type yet)."""
    return Event("d", 0, "", trigger, 0, len(trigger), "", "", None, [], 0.0, 0, [], [])


def _rows(*accuse: float) -> np.ndarray:
    """One detector row per candidate: ACCUSE with the given probability, the rest NONE."""
    rows = np.zeros((len(accuse), len(TYPES)), dtype=np.float32)
    rows[:, TYPES.index("ACCUSE")] = accuse
    rows[:, TYPES.index("NONE")] = 1 - np.asarray(accuse, dtype=np.float32)
    return rows


def test_a_type_the_sentences_words_share_stands_on_the_likeliest(pipeline):
    """No word reaches the threshold alone, but two together make the type likely: the
    likelier word stands for it; where one word already reaches it, or the two together do
    not, or the other word's act is coded as another type, nothing more is added."""
    stage = pipeline.stage("classify")
    config = stage.detector.config
    accuse = TYPES.index("ACCUSE")
    pool = [_candidate("objected"), _candidate("criticised")]
    low, high = config.threshold - 0.1, config.threshold - 0.08  # 1 - (1 - low)(1 - high) > threshold
    decided = stage._decide(pool, _rows(low, high))
    assert decided[0] is None and decided[1] is not None
    assert decided[1].type == accuse and decided[1].tagged
    assert stage._decide(pool, _rows(config.threshold, high))[1] is None  # one word reached it alone
    faint = config.threshold / 2 - 0.01  # together under the threshold
    assert stage._decide(pool, _rows(faint, faint)) == [None, None]
    many = [_candidate(word) for word in ("objected", "criticised", "blamed", "faulted")]
    under = config.spread - 0.01  # four of them make the type likely, but none is likely enough
    assert stage._decide(many, _rows(under, under, under, under)) == [None] * 4
    proposed = _rows(0.2, high)  # "proposed" a REQUEST, which might have been an ACCUSE
    proposed[0, TYPES.index("REQUEST")], proposed[0, TYPES.index("NONE")] = 0.6, 0.2
    decided = stage._decide(pool, proposed)
    assert decided[0] is not None and TYPES[decided[0].type] == "REQUEST" and decided[1] is None


def test_a_candidate_reads_the_typed_acts_above_and_below_it_but_not_beside_it(pipeline):
    """An act inside another ("accused ... of arming") sees the outer act's type, and the outer
    act the inner's; a conjunct ("and ... launched") is an act beside it, seen by neither."""
    text = "Ankara accused Washington of arming the Kurdish militia, and its army launched an offensive on Afrin."
    [doc] = list(pipeline.partial([Document("d", text)], through="events"))
    batch = prepare([doc], detect=True)
    n = len(TYPES)  # candidate_view: the rule's type, the type above, the types below, ...
    events = {e.trigger_text: e for pool in batch.pools for e in pool}
    views = {e.trigger_text: v for pool, seen in zip(batch.pools, batch.views) for e, (_, v) in zip(pool, seen)}
    accused, arming, launched = (events[w] for w in ("accused", "arming", "launched"))
    assert accused.event_type == "ACCUSE" and arming.event_type and launched.event_type
    above = {w: TYPES[v[n : 2 * n].index(1.0)] for w, v in views.items()}
    m = 2 * n + len(PLOVER_TYPES)
    below = {w: {t for t, on in zip(PLOVER_TYPES, v[2 * n : m]) if on} for w, v in views.items()}
    assert above["arming"] == "ACCUSE" and above["accused"] == "NONE" and above["launched"] == "NONE"
    assert below["accused"] == {arming.event_type} and below["launched"] == set()
    doc.release()
