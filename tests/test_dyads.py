"""One event per pair of parties, and unnamed local parties placed where the act happened
(the dyads stage), with the armed-group and stateless-people tables it relies on."""

import dataclasses

import pytest

from parley import code
from parley.nlp.document import Actor
from parley.nlp.stages.dyads import distinct, localised, parties


def events_of(text, pipeline, kind, date="2018-03-01"):
    return [e for e in code(text, date=date, pipeline=pipeline) if e.event_type == kind]


def test_an_act_by_several_states_is_one_event_per_state(pipeline):
    text = "Saudi Arabia, the UAE and Egypt imposed sanctions on Qatar."
    # CAMEO 163 (impose sanctions) is COERCE in CAMEO2PLOVER and SANCTION in the PLOVER manual
    found = [e for e in code(text, date="2018-03-01", pipeline=pipeline) if e.cameo[:3] in {"163", "160"}]
    assert sorted((e.actors[0].country, e.recipients[0].country) for e in found) == [
        ("ARE", "QAT"),
        ("EGY", "QAT"),
        ("SAU", "QAT"),
    ]
    assert len({e.event_id for e in found}) == 3  # each pair is its own record
    assert len({(e.trigger_start, e.sentence) for e in found}) == 1  # one act, one evidence


def test_a_joint_act_stays_one_event(pipeline):
    found = events_of("France and Germany held talks on energy in Paris.", pipeline, "CONSULT")
    assert len(found) == 1 and found[0].reciprocal


def test_parties_are_told_apart_by_code_and_uncoded_words_make_no_pair():
    us, us_again = Actor("the US", 0, 6, "USA", "USA"), Actor("Washington", 10, 20, "USA", "USA")
    town = Actor("Afrin", 30, 35)
    assert parties([us, town, us_again]) == [[us, us_again]]


def test_unnamed_civilians_take_the_state_of_the_place_of_the_act():
    civilians = Actor("civilians", 0, 9, "TURCVL", "TUR", "CVL", local=True)
    army = Actor("the army", 12, 20, "TURMIL", "TUR", "MIL")
    placed = localised([civilians, army], "SYR")
    assert [(a.code, a.country) for a in placed] == [("SYRCVL", "SYR"), ("TURMIL", "TUR")]
    assert localised([civilians], None) == [civilians]


def test_civilians_killed_in_a_syrian_town_are_syrian_in_an_article_about_turkey(pipeline):
    text = "Turkey said on Monday it would keep up the pressure. Turkish jets killed 20 civilians in Idlib."
    (killing,) = events_of(text, pipeline, "ASSAULT")
    assert [a.code for a in killing.recipients] == ["SYRCVL"]


@pytest.mark.parametrize(
    "sentence,actor",
    [
        ("Isis claimed the attack on the checkpoint.", ("IMGREB", None, "REB")),
        ("The SDF captured the town from the militants.", ("SYRREB", "SYR", "REB")),
        ("The IDF struck targets in Gaza.", ("ISRMIL", "ISR", "MIL")),
        ("The Wagner Group seized the airport.", ("RUSMIL", "RUS", "MIL")),
        ("Kurdish fighters attacked the convoy near Kobani in Syria.", ("SYRREB", "SYR", "REB")),
        ("Syrian Kurdish forces attacked the convoy.", ("SYRREB", "SYR", "REB")),  # the people's, not Syria's army
        # fighters of no state, as the guide codes Islamic State, wherever they fight; a state's own are its
        ("Two suicide bombers attacked the convoy in Raqqa, Syria.", ("IMGREB", None, "REB")),
        ("Foreign fighters attacked the convoy in Raqqa, Syria.", ("IMGREB", None, "REB")),
        ("The jihadists attacked the convoy in Raqqa, Syria.", ("IMGREB", None, "REB")),
        ("British jihadists attacked the convoy in Raqqa, Syria.", ("GBRREB", "GBR", "REB")),
    ],
)
def test_armed_groups_and_a_stateless_peoples_forces(patterns, sentence, actor):
    from parley.api import actors

    first = actors(sentence, date="2018-03-01", pipeline=patterns)[0]
    assert (first["code"], first["country"], first["sector"]) == actor


@pytest.mark.parametrize(
    "sentence,trigger,actor_code",
    [
        ("The Kurds attacked Isis positions near Raqqa.", "attacked", "SYRREB"),  # a people: the forces it fields
        ("The Syrian Kurds attacked Isis positions.", "attacked", "SYRREB"),
        ("Turkey threatened the Kurds.", "threatened", "TURGOV"),
        # a state's adjective or people: its forces in a military act, else its government,
        # save its people who protest
        ("Syrian airstrikes killed 20 civilians in Idlib.", "airstrikes", "SYRMIL"),
        ("The Russians attacked Idlib.", "attacked", "RUSMIL"),
        ("Russian jets bombed the town.", "bombed", "RUSMIL"),
        ("Russian vetoes have blocked every resolution on Syria.", "blocked", "RUSGOV"),
        ("Syrians protested in Damascus against the government.", "protested", "SYR"),
    ],
)
def test_the_sector_a_reader_gives_a_people_or_a_states_adjective(pipeline, sentence, trigger, actor_code):
    (event,) = [e for e in code(sentence, date="2018-03-01", pipeline=pipeline) if e.trigger_text == trigger]
    assert [a.code for a in event.actors] == [actor_code]
    if trigger == "threatened":  # the people as a target is its forces too
        assert [r.sector for r in event.recipients] == ["REB"]


def test_an_agentless_arrest_is_the_police_of_the_place(pipeline):
    text = "Officials in Turkey spoke on Monday. Two more persons have been arrested in Godhra, in Gujarat."
    (arrest,) = events_of(text, pipeline, "COERCE")
    assert [(a.country, a.sector) for a in arrest.actors] == [("IND", "COP")]
    assert text[arrest.actors[0].start : arrest.actors[0].end] == "arrested"  # its evidence is the trigger


def test_an_agentless_arrest_is_the_polices_whatever_word_of_the_arrested_the_tagger_reads(pipeline):
    """ "A local goon was arrested": the tagger may read the one arrested as the actor; the arrest
    is the police's all the same, and a "by" agent, coded or not, stays the agent."""
    text = "A local goon was arrested for extorting money from traders."
    (arrest,) = [e for e in events_of(text, pipeline, "COERCE") if e.trigger_text == "arrested"]
    assert [a.sector for a in arrest.actors] == ["COP"]
    (held,) = events_of("The man was detained by a group of men.", pipeline, "COERCE")
    assert [a.text for a in held.actors] == ["a group of men"]


def test_a_rules_coercion_by_the_police_stands_as_the_rules_typed_it(pipeline):
    """Police copy is far from the war reporting the detector learnt from: an arrest or a charge
    the verb rules find, by the police named or implied, is COERCE whatever the detector reads;
    a place the arrest happened in is not a town taken (PETRARCH's patterns of "take")."""
    for text, trigger in (
        ("the builder was booked for cheating on monday.", "booked"),
        ("police took the bus driver into custody for questioning.", "took"),
        ("the narcotics squad nabbed a suspect from a lodge in the old city.", "nabbed"),
        ("the cyber cell apprehended two youths near the railway station.", "apprehended"),
        ("police rounded up 30 people in the old city.", "rounded"),
        ("police raided a gambling den in the old city.", "raided"),
    ):
        found = code(text, date="2019-07-16", pipeline=pipeline)
        assert [(e.trigger_text, e.event_type, e.cameo[:2]) for e in found] == [(trigger, "COERCE", "17")], text
        assert [a.sector for a in found[0].actors] == ["COP"], text
    booked = code("he booked a flight for his family.", date="2019-07-16", pipeline=pipeline)
    assert all(e.event_type != "COERCE" for e in booked)  # booking a flight charges no one


def test_custody_and_a_registered_case_with_no_agent_are_the_polices(pipeline):
    """A verb that implies the police only with a word of its phrase: "taken into custody",
    "held on charges", "a case was registered", "an fir was lodged"; "taken to hospital"
    implies no one, and the victim who lodges an fir complains."""
    for text, trigger in (
        ("the driver was taken into custody from his home on friday.", "taken"),
        ("the husband was held on charges of harassment on monday.", "held"),
        ("a case was registered against the builder for cheating.", "registered"),
        ("an fir was lodged against the sarpanch on monday.", "lodged"),
    ):
        (act,) = [e for e in code(text, date="2019-07-16", pipeline=pipeline) if e.trigger_text == trigger]
        assert act.event_type == "COERCE", text
        assert [a.sector for a in act.actors] == ["COP"], text
    hospital = code("the injured were taken to hospital on friday.", date="2019-07-16", pipeline=pipeline)
    assert not any(a.sector == "COP" for e in hospital for a in e.actors)
    complaint = code("the victim lodged an fir against her husband.", date="2019-07-16", pipeline=pipeline)
    assert not any(a.sector == "COP" or e.event_type == "COERCE" for e in complaint for a in e.actors)


def test_who_was_hurt_in_an_act_is_its_target_not_its_agent(pipeline):
    (attack,) = events_of("Two Turkish soldiers were wounded in the attack on their convoy.", pipeline, "ASSAULT")
    assert "TURMIL" in [a.code for a in attack.recipients]  # beside "their convoy", where the word is "attack"
    assert not attack.actors


def test_an_agentless_sentence_is_the_courts_of_the_articles_state(pipeline):
    text = "Joe Robinson travelled to Turkey in 2017. He was sentenced to seven years in prison."
    (sentenced,) = [e for e in code(text, date="2018-03-01", pipeline=pipeline) if e.trigger_text == "sentenced"]
    assert [(a.country, a.sector) for a in sentenced.actors] == [("TUR", "JUD")]


def test_a_clash_of_two_sides_is_one_event_between_them(pipeline):
    (clash,) = events_of("US and Russian forces clashed in Deir ez-Zor on Monday.", pipeline, "ASSAULT")
    assert clash.reciprocal
    assert {a.country for a in clash.actors} == {a.country for a in clash.recipients} == {"USA", "RUS"}


def test_the_parties_an_act_is_between_are_its_sides(pipeline):
    text = "Fighting between Kurdish fighters and an al-Qaida affiliate broke out near Aleppo on Monday."
    (fighting,) = events_of(text, pipeline, "ASSAULT")
    assert fighting.reciprocal
    assert [a.code for a in fighting.actors] == ["SYRREB", "IMGREB"]
    assert [r.code for r in fighting.recipients] == ["IMGREB", "SYRREB"]


def test_an_agentless_agreement_is_the_articles_two_parties_whoever_reports_it(pipeline):
    text = (
        "The delegations of Japan and China met in Hanoi on Monday. Following the meeting, "
        "the Chinese side said that joint steps had been agreed on to expand trade."
    )
    (agreed,) = [e for e in events_of(text, pipeline, "AGREE") if e.trigger_text == "agreed"]
    assert agreed.reciprocal
    assert {a.country for a in agreed.actors} == {r.country for r in agreed.recipients} == {"JPN", "CHN"}


def test_each_pair_has_its_own_id_also_when_one_phrase_names_both_parties(pipeline):
    text = (
        "Armenia and Azerbaijan exchanged fire on the border on Monday. "
        "Russia called on both sides to respect the ceasefire."
    )
    found = events_of(text, pipeline, "REQUEST")
    assert sorted(r.country for e in found for r in e.recipients) == ["ARM", "AZE"]
    assert len({e.event_id for e in code(text, date="2024-03-04", pipeline=pipeline)}) == len(
        code(text, date="2024-03-04", pipeline=pipeline)
    )


def test_an_organisation_that_investigates_an_attack_is_not_its_agent(pipeline):
    text = "OPCW inspectors will arrive in Syria to investigate the alleged use of chemical weapons in Douma."
    [use] = [e for e in code(text, date="2018-04-12", pipeline=pipeline) if e.event_type == "ASSAULT"]
    assert use.actors == []  # the parse's subject, the inspectors, is no reader's attacker
    [bombed] = code("NATO jets bombed Tripoli.", date="2011-04-12", pipeline=pipeline)
    assert [a.code for a in bombed.actors] == ["IGOWSTNAT"]  # an alliance that wages war can attack


def test_an_act_named_again_by_its_place_is_the_act_of_the_agent_the_article_named(pipeline):
    text = (
        "The Assad regime launched a chemical attack on Douma on Saturday, killing dozens. "
        "Britain called for an investigation of the chemical weapons attack in Douma. "
        "The attack on Sunday was condemned."
    )
    attacks = sorted(events_of(text, pipeline, "ASSAULT"), key=lambda e: e.trigger_start)
    named_again = next(e for e in attacks if "Britain" in e.sentence)
    assert [a.code for a in named_again.actors] == ["SYRGOV"]
    assert named_again.actors[0].text == "The Assad regime"  # the evidence is the mention that named the agent
    # a day is no name: "the attack on Sunday" may be another act, and keeps no agent
    assert not next(e for e in attacks if e.sentence.startswith("The attack on Sunday")).actors


def test_the_town_that_names_an_act_is_where_it_happened_not_who_did_it(pipeline):
    """ "The Salisbury attack": the town first reads as the act's party; the article's agent of
    the act named so is the agent."""
    text = "Russia's nerve agent attack in Salisbury poisoned Sergei Skripal. The Salisbury attack shocked Europe."
    attacks = sorted(events_of(text, pipeline, "ASSAULT"), key=lambda e: e.trigger_start)
    named_again = next(e for e in attacks if e.sentence.startswith("The Salisbury attack"))
    assert [a.code for a in named_again.actors] == ["RUSMIL"]


def test_a_body_the_words_give_no_state_is_the_state_the_article_is_about(pipeline):
    """ "Some fighters" of an article about Turkey are Turkey's, as a reader takes them; where
    the article has named two states as often, nobody can tell whose."""
    about_turkey = "Turkey jailed journalists, and Ankara closed newspapers. Some fighters gave us food, a man said."
    [aid] = events_of(about_turkey, pipeline, "AID")
    assert [(a.text, a.code) for a in aid.actors] == [("Some fighters", "TURREB")]
    assert aid.actors[0].why.endswith("the state the article is about")
    two_states = "Turkey jailed journalists, and Syria closed newspapers. Some fighters gave us food, a man said."
    [aid] = events_of(two_states, pipeline, "AID")
    assert [(a.text, a.country) for a in aid.actors] == [("Some fighters", None)]


def test_an_act_of_saying_with_no_agent_in_reported_words_is_the_speakers(pipeline):
    """A request with no agent of its own, in the words a speaker is reported saying, is the
    speaker's; an attack reported so is not."""
    text = (
        "Russia's envoy Kheda Saratova visited the camp. “These people need to be brought back "
        "to face our courts,” said Saratova. “The town was bombed again,” Saratova said."
    )
    [request] = events_of(text, pipeline, "REQUEST")
    assert [(a.text, a.code) for a in request.actors] == [("Saratova", "RUSGOV")]
    assert request.actors[0].why.startswith("who says the words")
    attacks = events_of(text, pipeline, "ASSAULT")
    assert attacks and all(a.country != "RUS" and "Saratova" not in a.text for e in attacks for a in e.actors)


def test_what_an_act_noun_is_done_to_is_its_target_not_its_agent(pipeline):
    """ "The murder of an innocent man": the man is the target; "Russian" before the noun
    still names the agent."""
    [murder] = events_of("The apparent gruesome murder of an innocent man shocked Europe.", pipeline, "ASSAULT")
    assert murder.actors == [] and [a.text for a in murder.recipients] == ["an innocent man"]
    [bombing] = events_of("The Russian bombing of Aleppo went on.", pipeline, "ASSAULT")
    assert [a.country for a in bombing.actors] == ["RUS"]


def test_two_readings_of_one_word_coded_alike_give_one_record(pipeline):
    """ "they" read as Isis and as its leader (both IMGREB, the leader with the country IMG) are
    two parties to the split but one to the record, whose id has each party's place and code:
    one event, not two with one id (the second failed a whole batch of `parley ingest`)."""
    [event] = events_of("Isis executed Syrian fighters.", pipeline, "ASSAULT")
    isis = event.actors[0]
    leader = dataclasses.replace(isis, country="IMG", name="Abu Bakr al-Baghdadi")
    as_isis, as_leader = (dataclasses.replace(event, actors=[a]) for a in (isis, leader))
    other = dataclasses.replace(event, recipients=[])
    assert as_isis.event_id == as_leader.event_id != other.event_id
    assert distinct([as_isis, as_leader, other]) == [as_isis, other]
