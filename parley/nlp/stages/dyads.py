"""Dyads stage: each event's parties settled, one event per acting party and recipient.

Civilians, rebels or protesters the text gives no state are of the place where the act
happened, as a reader takes them ("killed 20 civilians in Idlib": Syria's); the actors stage
gave them the article's most-named state, which the event's place now corrects. An arrest
with no agent ("two more persons have been arrested") is the police's, of that place; a charge
with no agent the courts'.

"Saudi Arabia, the UAE, Bahrain and Egypt imposed a boycott on Qatar" reports four acts of
sanction, one by each state; "Turkey shelled Afrin and Manbij" two. GDELT and ICEWS count one
event per (source, target) pair, and so does the project's annotation guide, so an event whose
actors (or recipients) are several coded parties becomes one event per pair, each with the
same evidence. A joint act ("the US and Russia agreed", "the two countries agreed to ...") is one event of
both and stays whole.
Mentions of one party ("Trump ... the US president") are one party: parties are told apart by
their state, or their code where they have none. A side splits only where its parties are
coordinated in the parse: parties found apart in a sentence are as often a misreading as a
second party, and stay one event's.
Uncoded words ("a car bomb", a town) are too unsure to make events of their own.
"""

from __future__ import annotations

import dataclasses
from itertools import product

from spacy.tokens import Token

from ..document import Actor, Document, Event, Sentence
from ..ontology import in_class
from ..parties import TOLL_VERBS, act_names, implied_sector, prep_objects
from ..vocab import NO_STATE, PLACE_PREPS, STATELESS, peoples
from .actors import BACKED_WHY, PLACE_WHY, article_state, focus_country, speaker
from .events import DYING_VERBS

# a state named as a party ("Russia", "Moscow") is its government, or its armed forces in a
# military act, as the annotation guide codes it ("Turkey launched an attack": TUR/MIL)
STATE_NAMES = ("country table", "capital table", "article dyad")  # in `Actor.why`: a state's name, or "the parties"
DEMONYM = "demonym table"  # in `Actor.why`: a state's adjective or people ("Syrian", "the Russians")
ARMED_ORGANISATIONS = frozenset({"IGOWSTNAT"})  # organisations that wage war as such (NATO)
PEOPLE = "peoples table"  # in `Actor.why`: a people of no state of its own ("the Kurds")
WHERE = PLACE_PREPS | {"on"}  # the prepositions of the place that names an act ("the attack on Douma")
MILITARY_ACTS = frozenset({"ASSAULT", "MOBILIZE", "RETREAT"})
UNSURE_TARGETS = frozenset({"ASSAULT", "THREATEN", "AID", "COERCE", "RETREAT"})  # a target's people, army or rebels
MAX_PAIRS = 8  # beyond this many pairs a list is more likely a misread than a coalition
LIST_ARCS = frozenset({"conj", "appos"})

# act nouns whose "of" names what is done to ("the killing of civilians", "criticism of the US"), not
# who does it ("the advance of their troops", "the inaction of the council")
DONE_TO_NOUNS = frozenset(
    {"murder", "killing", "massacre", "slaughter", "assassination", "execution", "beheading", "torture"}
    | {"bombing", "bombardment", "shelling", "targeting", "poisoning", "gassing", "siege", "blockade"}
    | {"persecution", "repression", "jailing", "imprisonment", "detention", "arrest", "abduction", "kidnapping"}
    | {"displacement", "deportation", "expulsion", "criticism", "condemnation", "denunciation", "harassment"}
)
SPOKEN_ACTS = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN", "SUPPORT", "AGREE", "CONCEDE"})  # done by saying
# the prepositions of an act someone was killed or hurt in ("killed in the attack"); "killed after an
# assault" may be of its attackers
SUFFERED_IN = {"in", "during", "under", "amid"}
ARTICLE_STATE_WHY = "the state the article is about"  # how a body `article_state` places says so

# acts two sides do to each other: "Kurdish and Turkish forces clashed" is one fight between the
# two, as a reader codes it (the first named acting, the other its target), not one per side
MUTUAL_ACTS = frozenset({"clash", "fight", "battle", "skirmish", "exchange"})


def parties(actors: list[Actor]) -> list[list[Actor]]:
    """The coded actors grouped by party, in text order: one group per state ("Russia and its
    president" are one party), or per code for those of no state (the UN, Isis)."""
    groups: dict[str, list[Actor]] = {}
    for actor in sorted(actors, key=lambda a: a.start):
        if actor.code:
            groups.setdefault(actor.country or actor.code, []).append(actor)
    return list(groups.values())


def distinct(events: list[Event]) -> list[Event]:
    """The events, each id once: two parties coded alike at one place ("they" read as Isis and
    as its leader, both IMGREB) are one party to the record, and a store keys events by id."""
    first: dict[str, Event] = {}
    for event in events:
        first.setdefault(event.event_id, event)
    return list(first.values())


def _in_order(party: list[Actor], side: list[Actor]) -> list[Actor]:
    """One party of a side, with the side's uncoded words (which belong to every pair), in the
    side's order."""
    return [a for a in side if a in party or not a.code]


def _party(group: list[Actor]) -> str | None:
    return group[0].country or group[0].code


def coordinated(sentence: Sentence, groups: list[list[Actor]]) -> bool:
    """True when the parties' words are conjuncts of one another in the parse."""
    if len(groups) < 2 or sentence.span is None:
        return False
    roots = []
    for group in groups:
        a = group[0]
        inside = [
            t for t in sentence.span if a.start < sentence.offset + t.idx + len(t) and sentence.offset + t.idx < a.end
        ]
        if not inside:
            return False
        roots.append(min(inside, key=lambda t: sum(1 for _ in t.ancestors)))
    return set(roots) <= _listed_with(roots[0])


def _listed_with(token: Token) -> set[Token]:
    """The words of the list a word is in: linked by conjunction, or by apposition as the
    parser reads a list's second item ("Saudi Arabia, the UAE and Egypt")."""
    seen, todo = {token}, [token]
    while todo:
        t = todo.pop()
        linked = [c for c in t.children if c.dep_ in LIST_ARCS] + ([t.head] if t.dep_ in LIST_ARCS else [])
        todo += [u for u in linked if u not in seen]
        seen.update(linked)
    return seen


def localised(actors: list[Actor], country: str | None) -> list[Actor]:
    """Parties whose state came from the article rather than their words, placed in `country`."""
    if not country:
        return actors
    return [
        dataclasses.replace(a, country=country, code=country + (a.sector or ""))
        if a.local and a.country != country
        else a
        for a in actors
    ]


def state_sector(actors: list[Actor], event_type: str, acting: bool) -> list[Actor]:
    """Parties that name a state alone given the sector a reader gives them: its armed forces
    acting in a military act, else its government; a target of an attack, threat, aid or
    arrest may be its people, army or rebels, and keeps none. So do a state's adjective and
    people ("Syrian airstrikes", "Russian vetoes", "the Russians attacked"), as readers code
    them, save those who protest ("Syrians protested": its people). A people of no state
    ("the Kurds") is, on either side, the forces it fields."""
    sector = ("MIL" if event_type in MILITARY_ACTS else "GOV") if acting or event_type not in UNSURE_TARGETS else None
    demonym_too = not (acting and event_type == "PROTEST")
    out = []
    for a in actors:
        country = a.country
        if a.sector is None and country and a.code == country:
            if forces := _forces_of(a):  # "the Syrian Kurds": the people, not the state
                a = dataclasses.replace(
                    a, sector=forces, code=country + forces, why=f"{a.why}; a people's forces: {forces}"
                )
            elif sector and (names_state(a) or (demonym_too and DEMONYM in (a.why or ""))):
                a = dataclasses.replace(
                    a, sector=sector, code=country + sector, why=f"{a.why}; a state named as a party: {sector}"
                )
        out.append(a)
    return out


def unarmed_body(actor: Actor) -> bool:
    """An international or non-governmental organisation with no forces of its own named: the
    investigators, monitors and rescuers an attack's sentence names ("OPCW inspectors will
    investigate the use of chemical weapons", "a UN report said shelling displaced 5,000"),
    whom the parse takes for its agent and no reader does. NATO, and an organisation's troops
    ("African Union troops"), can attack."""
    return (
        actor.country in STATELESS
        and actor.code not in ARMED_ORGANISATIONS
        and not (actor.sector == "MIL" or "-> MIL" in (actor.why or ""))
    )


def _forces_of(actor: Actor) -> str | None:
    """The sector of the forces a stateless people fields where the party is that people
    ("the Kurds": REB), else None."""
    if PEOPLE not in (actor.why or ""):
        return None
    forms = peoples()
    return next((people.forces_sector for word in actor.text.split() if (people := forms.get(word))), None)


def names_state(actor: Actor) -> bool:
    """Whether a party was coded as a state's name ("Russia", "Moscow") or as "the parties"."""
    return any(n in (actor.why or "") for n in STATE_NAMES)


def _agentless(event: Event, verb: Token, patient: bool) -> bool:
    """Whether a passive names no agent and its actors are only uncoded words the tagger read
    ("a history-sheeter was arrested": "history"), which an arrest's implied agent replaces."""
    return patient and not prep_objects(verb, {"by"}) and not any(a.code for a in event.actors)


def implied_agent(event: Event, sector: str, country: str | None) -> Actor:
    """The implied agent of an agentless arrest, charge or sentence: the police, courts or
    government of the place (the trigger is its evidence)."""
    code = f"{country or ''}{sector}"
    why = f"implied agent: an arrest, charge or sentence with no agent is the state's ({sector}), where it happened"
    return Actor(event.trigger_text, event.trigger_start, event.trigger_end, code, country, sector, None, why, True)


def article_agents(doc: Document, event: Event) -> list[Actor]:
    """An act's agents, where the text names none of their states, as a reader takes them: a
    body the words give no state ("the army", "officials", "rebels") is the article's own
    state's (`article_state`). Named persons, groups, organisations and acts with no agent
    keep what they are: a reader names none there as often as the article's state."""
    bodies = [a for a in event.actors if a.sector and not _stateless(a) and BACKED_WHY not in (a.why or "")]
    if not bodies or any(a.country for a in event.actors):
        return event.actors
    state = article_state(doc, event.trigger_start, event.location.country if event.location else None)
    if state is None:
        return event.actors
    return [
        dataclasses.replace(a, country=state, code=state + (a.sector or ""), why=f"{a.why}; {ARTICLE_STATE_WHY}")
        if a in bodies
        else a
        for a in event.actors
    ]


def sides_between(doc: Document, event: Event) -> list[Actor]:
    """The parties an act's "between" names, where it names two or more ("fighting between Kurdish
    fighters and an al-Qaida affiliate", "a deal between Russia and Turkey"): the act is theirs,
    each acting towards the others, as a reader codes a joint act; else none."""
    tok = doc.scratch.of(event).verb_token
    offset = doc.sentences[event.sentence_index].offset
    words = [w for o in prep_objects(tok, {"between"}) for w in (o, *o.conjuncts)]
    found: list[Actor] = []
    for actor in (a for w in words for a in doc.scratch.np_actors.get(offset + w.idx, ()) if a.code):
        if actor not in found:  # a head's phrase holds its conjuncts' parties too
            found.append(actor)
    return found if len(parties(found)) >= 2 else []


def sufferers_as_targets(doc: Document) -> None:
    """Who was killed, hurt or died in an act ("a constable was injured in the attack",
    "soldiers died during the raid"), or was killed or hurt in the act a toll names ("two
    soldiers were wounded"), is its target, not its agent."""
    for event in doc.events:
        verb = _suffering_verb(doc.scratch.of(event).verb_token)
        if verb is None:
            continue
        lemma = verb.lemma_.lower()
        deps = {"nsubjpass"} if lemma in TOLL_VERBS else ({"nsubj"} if lemma in DYING_VERBS else set())
        sufferers = [c for c in verb.children if c.dep_ in deps]
        if not sufferers:
            continue
        offset = doc.sentences[event.sentence_index].offset
        first, last = sufferers[0].left_edge, sufferers[0].right_edge
        if first.i <= verb.i <= last.i:  # a parse that hangs the verb inside its own subject
            continue
        start, end = offset + first.idx, offset + last.idx + len(last)
        moved = [a for a in event.actors if start <= a.start and a.end <= end]
        if moved:
            event.actors = [a for a in event.actors if a not in moved]
            # a sufferer the recipients already name ("Two Turkish soldiers") is not named twice
            named = [a for a in moved if not any(overlap(a, r) for r in event.recipients)]
            event.recipients = [*named, *event.recipients]


def overlap(a: Actor, b: Actor) -> bool:
    """True when two parties share any of the sentence's characters."""
    return a.start < b.end and b.start < a.end


def _suffering_verb(tok: Token) -> Token | None:
    """The verb whose subject suffered the act a trigger stands for: the trigger itself where
    it tells a toll in the passive ("were wounded"; who "died fighting" may have fought), else
    the verb of a toll whose "in" phrase it is ("wounded in the attack"); None for any other."""
    if tok.lemma_.lower() in TOLL_VERBS:
        return tok
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ not in SUFFERED_IN or prep.head.i == prep.i:
        return None
    return prep.head


def objects_as_targets(doc: Document) -> None:
    """A party named as what an act noun is done to ("the murder of an innocent man",
    "criticism of the US") is the act's target, not its agent, where the words before the noun
    name no agent ("the regime's bombing of Aleppo" keeps the regime)."""
    for event in doc.events:
        tok = doc.scratch.of(event).verb_token
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in DONE_TO_NOUNS:
            continue
        offset = doc.sentences[event.sentence_index].offset
        objects = [o for o in prep_objects(tok, {"of"}) if o.pos_ in {"NOUN", "PROPN", "PRON"}]
        if not objects:
            continue
        first = offset + objects[0].left_edge.idx
        moved = [
            a
            for a in event.actors
            if a.start <= event.trigger_start and first < a.end and not _agent_before(a, tok, offset, doc)
        ]
        if not moved:
            continue
        event.actors = [a for a in event.actors if a not in moved]
        end = max(a.end for a in moved)
        text = doc.text[first:end]
        event.recipients = event.recipients or [
            dataclasses.replace(
                a, text=text, start=first, end=end, why=f"what '{event.trigger_text}' is done to: {a.why}"
            )
            for a in moved[:1]
        ]


def _agent_before(actor: Actor, noun: Token, offset: int, doc: Document) -> bool:
    """True where a word of the party before the act noun names someone: a name, a possessive,
    or a word the actor tables know ("Russian", "the regime's")."""
    start = offset + noun.idx
    return any(
        actor.start <= offset + t.idx < start
        and (t.dep_ == "poss" or offset + t.idx in doc.scratch.mention_at or t.pos_ == "PROPN")
        for t in noun.doc[noun.left_edge.i : noun.i]
    )


def speakers_as_agents(doc: Document) -> None:
    """An act of saying with no agent of its own in the words someone is reported saying is
    that speaker's ("'These people need to be brought back,' said Saratova": her request), as
    a reader codes it; an act done by hand there is whoever the words say did it, not the speaker."""
    for event in doc.events:
        if event.actors or event.event_type not in SPOKEN_ACTS:
            continue
        offset = doc.sentences[event.sentence_index].offset
        found = speaker(doc.scratch.of(event).verb_token, offset, doc)
        event.actors = [dataclasses.replace(a, why=f"who says the words: {a.why}") for a in found]


def _stateless(actor: Actor) -> bool:
    """An organisation, or fighters of no state ("jihadists"): no state's body."""
    return actor.sector in STATELESS or (actor.code or "").startswith(NO_STATE)


def agents_named_again(doc: Document) -> None:
    """An act with no coded agent that the article names again by a place ("an investigation
    of the chemical weapons attack in Douma") is the act of whoever the article says did it
    there ("the Assad regime's chemical attack on Douma"), as a reader codes it from the
    article; the mention that names that agent is the evidence. Other names tell sides less
    well ("the fight against Isis", "the battle for Baghuz" are many parties' acts), and an act
    named by its type alone ("the attack") is too often another."""
    named: dict[tuple[str, str], list[Actor]] = {}
    for event in doc.events:
        names = act_names(doc.scratch.of(event).verb_token, WHERE)
        coded = _agents_besides(event.actors, names)
        for name in names if coded else ():
            named.setdefault((event.event_type, name), coded)
    for event in doc.events:
        names = act_names(doc.scratch.of(event).verb_token, WHERE)
        if _agents_besides(event.actors, names):
            continue
        agents = next((named[k] for k in sorted((event.event_type, n) for n in names) if k in named), None)
        if agents:
            event.actors = [dataclasses.replace(a, why=f"the agent of the act named again: {a.why}") for a in agents]


def _agents_besides(actors: list[Actor], names: set[str]) -> list[Actor]:
    """An act's coded agents less a place that names the act: in "the Salisbury attack" and
    "the Douma attack killed dozens", the town is where, not who."""
    return [a for a in actors if a.code and not (PLACE_WHY in (a.why or "") and a.text.lower() in names)]


class DyadSplitter:
    """Places unnamed local parties and splits each directed event with several coded parties
    on a side into one event per pair."""

    name = "dyads"
    reads: tuple[str, ...] = (
        "events",
        "event.location",
        "mentions",
        "scratch.work",
        "scratch.mention_at",
        "scratch.np_actors",
    )
    writes: tuple[str, ...] = ("events", "event.actors", "event.recipients", "scratch.work")

    def __call__(self, doc: Document) -> None:
        out: list[Event] = []
        objects_as_targets(doc)  # first: a victim read as the agent is no agent to name again
        sufferers_as_targets(doc)
        agents_named_again(doc)
        speakers_as_agents(doc)
        for event in doc.events:
            country = event.location.country if event.location else None
            work = doc.scratch.of(event)
            sector = implied_sector(work.verb_token)
            if sector and _agentless(event, work.verb_token, work.patient):
                event.actors = []  # "a history-sheeter was arrested": no uncoded word of it did it
            if not event.actors and sector:
                event.actors = [implied_agent(event, sector, country or focus_country(doc, event.trigger_start))]
            if sides := sides_between(doc, event):
                event.actors, event.recipients, event.reciprocal = sides, list(reversed(sides)), True
            event.actors, event.recipients = localised(event.actors, country), localised(event.recipients, country)
            event.actors = article_agents(doc, event)
            if event.event_type == "ASSAULT":
                event.actors = [a for a in event.actors if not unarmed_body(a)]
            event.actors = state_sector(event.actors, event.event_type, acting=True)
            event.recipients = state_sector(event.recipients, event.event_type, acting=False)
            if self._mutual(doc, event):
                event.recipients, event.reciprocal = list(reversed(event.actors)), True
            out += self.split(doc, event)
        doc.events[:] = distinct(out)

    @staticmethod
    def _mutual(doc: Document, event: Event) -> bool:
        """A fight or clash whose sides are both among its actors and that has no target of its
        own (a town it was fought in is none: "clashed in Deir ez-Zor")."""
        return (
            event.event_type == "ASSAULT"
            and not any(a.code and not (a.why or "").startswith("place ") for a in event.recipients)
            and len(parties(event.actors)) == 2
            and doc.scratch.of(event).verb_token.lemma_.lower() in MUTUAL_ACTS
        )

    @staticmethod
    def split(doc: Document, event: Event) -> list[Event]:
        """The event's pairs: itself where it is joint or names at most one coded party a side
        in one coordination ("Saudi Arabia, the UAE and Egypt"); parties of a side found apart
        in the sentence stay together, as one event's."""
        if event.reciprocal:
            return [event]
        sentence = doc.sentences[event.sentence_index]
        sources, targets = parties(event.actors), parties(event.recipients)
        sources, targets = (side if coordinated(sentence, side) else [sum(side, [])] for side in (sources, targets))
        if in_class(event.cameo_root, "joint"):  # "the two countries agreed to ...": one act of both
            sources = [sum(sources, [])]
        if len(sources) <= 1 and len(targets) <= 1:
            return [event]
        pairs = [
            (s, t) for s, t in product(sources or [[]], targets or [[]]) if not (s and t and _party(s) == _party(t))
        ]
        if not pairs or len(pairs) > MAX_PAIRS:
            return [event]
        work = doc.scratch.of(event)
        out = []
        for s, t in pairs:
            actors, recipients = _in_order(s, event.actors), _in_order(t, event.recipients)
            piece = dataclasses.replace(
                event, actors=actors, recipients=recipients, contexts=list(event.contexts), issues=list(event.issues)
            )
            doc.scratch.work[id(piece)] = (piece, dataclasses.replace(work))
            out.append(piece)
        return out
