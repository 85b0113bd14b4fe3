"""Place stage: where an event happened, from the sentence or the article's dateline.

A place name counts when its attachment makes it one: a place preposition's object, directly or
through place nouns ("met in Istanbul", "at his home in Cairo", "the streets of Damascus",
"villages south of Idlib", "Syria's north-east", "the Kurdish enclave of Afrin"), the object of
an attack or a visit ("struck Kharkiv", "the battle to liberate Raqqa"), the word a "where"
clause holding the act hangs on ("Douma, where the attack took place"), a city named before a
gathering or the act ("the Munich conference", "the Ghouta massacre"), where a trigger verb
sends or a visit goes ("sent troops to Syria", "a visit to Moscow", "visited Turkey"), or a
site's place ("at Manchester airport", "the resort of Sochi", "the hills above Raqqa"). Names
in the event verb's clause come first, nearest first; then, unless the event is reported
speech, the nearest elsewhere in the sentence; then the place of the scene (the event that set
the day), for an act of its kind (said, or done on the ground); for an act of force, the place
of the last act of force an earlier sentence placed, where readers also see the fighting go
on; then the dateline ("GENEVA (Reuters) -"); else none. A place phrase deep in the topic of a
said act ("called for an inquiry into the attack in Douma") places the topic, not the saying.
A place not named in the event's sentence says so (`Location.source`). Actor countries are
never places. The words around a name narrow it: "Paris, Texas", "Washington state", "the US
state of Georgia", "Georgia's capital Tbilisi", "the Lebanese city of Tripoli", "Reading, west
of London". A consultation (CAMEO 040) located outside every participant's country becomes a
third-location meeting (044).
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Span, Token

from ..dateline import find_dateline
from ..document import Document, Event, Location
from ..gazetteer import Place, gazetteer
from ..ontology import in_class
from ..vocab import PLACE_PREPS

THIRD_LOCATION = "044"
PLACE_LABELS = {"GPE", "LOC"}
WHERE_PREPS = PLACE_PREPS | {"through", "around", "along", "within", "off", "into", "above", "below", "beyond"}
SPATIAL_NOUNS = {
    "streets",
    "street",
    "centre",
    "center",
    "outskirts",
    "edge",
    "heart",
    "square",
    "coast",
    "suburbs",
    "border",
    "banks",
    "city",
    "town",
    "village",
    "capital",
    "province",
    "region",
    "state",
    "port",
    "area",
    "district",
    "part",
    "parts",
    "middle",
    "slopes",
    "countryside",
    "heartland",
    "vicinity",
    "neighbourhood",
    "neighborhood",
    "areas",
    "enclave",
    "stronghold",
    "suburb",
    "towns",
    "villages",
    "cities",
    "pocket",
    "governorate",
    # sites: "arrested at Manchester airport", "the Black Sea resort of Sochi", "the hills above Raqqa"
    "airport",
    "airbase",
    "base",
    "camp",
    "camps",
    "resort",
    "complex",
    "hills",
    "mountains",
    "valley",
    "desert",
    "fields",
    "island",
    "peninsula",
    "outpost",
}
DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
INHABITANTS = {"residents", "people", "citizens", "inhabitants", "voters"}  # "residents of Jackson"
QUALIFIER_GLUE = {"'s", "’s", "of", "the", "a"}  # "Georgia's capital Tbilisi", "the Lebanese city of Tripoli"
OBJECT_PLACE_TYPES = {"ASSAULT", "COERCE", "MOBILIZE"}  # "struck Kharkiv", "encircled Khan Younis"
STRUCK_PLACE_TYPES = {"ASSAULT"}  # an attack happens where it strikes: "bombed Syria", "the attack on Mosul"
STRUCK_PREPS = {"on", "of", "against"}  # "strikes on Raqqa", "the bombardment of Afrin"
# what a place name before them places ("the Warsaw summit", "the Astana talks"), as the act noun itself does
# ("the Ghouta massacre")
GATHERING_NOUNS = {"summit", "conference", "talks", "meeting", "speech", "negotiations", "forum", "rally"}
# triggers whose "to" phrase is where the act goes on ("sent troops to Syria", "a visit to Jerusalem")
MOTION_VERBS = {"deploy", "send", "dispatch", "travel", "fly", "go", "spread", "move", "return", "sail", "march"}
MOTION_VERBS.update({"visit", "trip", "journey", "tour"})  # nouns: "a visit to Jerusalem"
REPORTED = {"ccomp", "parataxis"}  # a clause with its own event and its own place
UP_FROM_VERB = {"xcomp", "advcl", "conj"}  # a verb whose place also holds for this one
TOPIC_DEPTH = 3  # arcs below a said act from which a place phrase tells where its topic is ("the return of X in Y")
TOPIC_POS = {"NOUN", "PROPN", "VERB"}  # what such a phrase places: a thing, or another act ("properties seized in Y")
MIN_UNTAGGED = 100_000  # a name the entity tagger did not call a place must be a real city to count
MAX_SENTENCE_TOKENS = 250  # a longer "sentence" is a list or run-on text: placing each of its events costs n^2


class Placer:
    """Sets `location` on each event and refines meetings at third locations."""

    name = "place"
    reads: tuple[str, ...] = ("events", "mentions", "scratch.work", "scratch.caseless")
    writes: tuple[str, ...] = ("event.location", "event.cameo")

    def __init__(self) -> None:
        self.gazetteer = gazetteer()

    def __call__(self, doc: Document) -> None:
        context = {m.country for m in doc.mentions if m.country}
        dateline = self._dateline(doc, context)
        ground: tuple[int, Location] | None = None  # the sentence and place of the last act of force
        for event in doc.events:
            own = self._from_sentence(doc, event, context)
            # "On 27 February the delegations met in Istanbul ... the parties agreed": the scene's place
            scene = doc.scratch.of(event).scene
            carried = scene.location if scene is not None and _material(scene) == _material(event) else None
            if carried is None and ground is not None and _forceful(event) and ground[0] < event.sentence_index:
                # "The SDF shelled Baghuz on Sunday. Snipers killed three fighters": where the fighting is
                carried = ground[1]
            if carried is not None and carried.source != "dateline":
                carried = replace(carried, source="context")
            event.location = own or carried or dateline
            if own is not None and _forceful(event):
                ground = (event.sentence_index, own)
            self._third_location(event, doc.scratch.of(event).directed)

    def _from_sentence(self, doc: Document, event: Event, context: set[str]) -> Location | None:
        trigger: Token = doc.scratch.of(event).verb_token
        verb: Token | None = trigger
        if len(trigger.sent) > MAX_SENTENCE_TOKENS:
            return None  # only the dateline places its events
        offset = doc.sentences[event.sentence_index].offset
        every = [n for n in _names(trigger.sent) if not _institution(doc, offset + n.start_char, offset + n.end_char)]
        parties = [(a.start - offset, a.end - offset) for a in event.actors + event.recipients]
        names = [n for n in every if _is_place_phrase(n, event, trigger, parties)]
        where = _where(trigger)  # "Douma, where the attack took place": Douma first, however it is attached
        ranked: list[Span] = [n for n in every if where is not None and n.root.i == where.i]
        while verb is not None:
            ranked += sorted(
                (n for n in names if n not in ranked and _arcs(n.root, verb) is not None),
                key=lambda n: (_arcs(n.root, verb), n.start),
            )
            if verb.dep_ not in UP_FROM_VERB or verb.head.pos_ not in {"VERB", "AUX"}:
                break
            verb = verb.head
        if not _reported(trigger):
            ranked += sorted(
                (n for n in names if n not in ranked and not _reported(n.root)),
                key=lambda n: abs(n.root.i - trigger.i),
            )
        for name in ranked:
            place = self._resolve(name, context, event)
            if place is not None:
                return place.location(name.text)
        return None

    def _resolve(self, name: Span, context: set[str], event: Event) -> Place | None:
        place = self.gazetteer.lookup(name.text, context, self._within(name), region=_says_region(name))
        if place is None:
            return None
        struck_or_visited = event.event_type in STRUCK_PLACE_TYPES or in_class(event.cameo, "visit")
        if name.root.dep_ == "dobj" and place.precision != "city" and not struck_or_visited:
            return None  # "sanctioned Russia": a country object is a party ("bombed Syria", "visited Turkey": both)
        if name.root.dep_ == "compound" and (
            place.precision == "country" or (name.label_ not in PLACE_LABELS and place.population < MIN_UNTAGGED)
        ):
            return None  # "US airstrikes", "the Syria conference": a state before an act is its agent or topic
        if (
            name.label_ not in PLACE_LABELS
            and place.precision == "city"
            and place.population < MIN_UNTAGGED
            and place.country not in context
        ):
            return None  # a person or organisation that shares its name with a small town
        return place

    def _within(self, name: Span) -> list[Place]:
        """Regions and countries the words around a name place it in."""
        doc, found = name.doc, []
        if name.end < len(doc) and doc[name.end].text == ",":
            # "Paris, Texas", "Reading, west of London", "Hyderabad, the capital of Telangana"
            for tok in doc[name.end + 1 : min(name.end + 9, name.sent.end)]:
                if tok.text in {",", ".", ";"} or tok.pos_ == "VERB":
                    break
                qualifier = _ent_at(tok)
                if qualifier is not None and qualifier.start == tok.i:
                    found += self._areas(qualifier.text)
        for tok in doc[max(name.sent.start, name.start - 5) : name.start]:
            qualifier = _ent_at(tok)
            if (
                qualifier is not None
                and qualifier.start == tok.i
                and qualifier.end <= name.start
                and all(
                    t.lower_ in QUALIFIER_GLUE | SPATIAL_NOUNS or t.pos_ == "ADJ"
                    for t in doc[qualifier.end : name.start]
                )
            ):
                found += self._areas(qualifier.text)
        return found

    def _areas(self, text: str) -> list[Place]:
        """What a qualifier names: a region or country, else the country of a city named."""
        areas = self.gazetteer.within(text)
        if not areas and (city := self.gazetteer.lookup(text)) is not None:
            areas = [c for c in self.gazetteer.countries.values() if c.country == city.country][:1]
        return areas

    def _dateline(self, doc: Document, context: set[str]) -> Location | None:
        dateline = find_dateline(doc.text, doc.scratch.caseless)
        if dateline is None:
            return None
        within = self.gazetteer.within(dateline.qualifier) if dateline.qualifier else []
        place = self.gazetteer.lookup(dateline.place, context, within)
        return place.location(dateline.place, source="dateline") if place else None

    @staticmethod
    def _third_location(event: Event, directed: bool) -> None:
        if event.cameo != "040" or event.location is None:
            return
        parties = {a.country for a in event.actors + event.recipients if a.country}
        if parties and event.location.country not in parties:
            event.recode(THIRD_LOCATION, directed)


def _material(event: Event) -> bool:
    """Whether an act is done on the ground (aid, force) rather than said or negotiated: a
    meeting's place is not where the strikes told after it fell, nor a battle's where talks are."""
    return event.quad_class in {2, 4}


def _forceful(event: Event) -> bool:
    """Whether an act is one of force (CAMEO 17-20: coercion, assault, fighting): told one after
    another, they are where the fighting is; sanctions, aid and arrests abroad are not."""
    return in_class(event.cameo_root, "violent")


def _names(sent: Span) -> list[Span]:
    """Place names in a sentence, and proper names in object position that the entity
    tagger missed or mislabelled ("near Donetsk", "in Niger" tagged a date)."""
    names = [e for e in sent.ents if e.label_ in PLACE_LABELS]
    covered = {t.i for e in names for t in e}
    for tok in sent:
        modifier = tok.dep_ == "compound" and tok.head.pos_ == "NOUN"  # "the Ghouta massacre"
        if (tok.dep_ in {"pobj", "dobj"} or modifier) and tok.pos_ == "PROPN" and tok.i not in covered:
            start = min((c.i for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"), default=tok.i)
            names.append(sent.doc[start : tok.i + 1])
    return names


def _institution(doc: Document, start: int, end: int) -> bool:
    """Whether an actor with a sector covers these offsets: "the White House" (USAGOV) is a
    party, where "Moscow" (RUS, no sector) may be a place."""
    return any(m.sector and m.start <= start and end <= m.end for m in doc.mentions)


def _is_place_phrase(name: Span, event: Event, trigger: Token, parties: list[tuple[int, int]]) -> bool:
    """Whether a name's attachment makes it a place. "the mayor of Kyiv", "Russia's envoy",
    "refugees from Sudan" and "sanctions on Moscow" are not places; "the attack on Mosul" and
    "the bombardment of Afrin" are. `parties`: the event's parties, as offsets in the sentence."""
    if (
        name.root.dep_ == "pobj"
        and name.root.head.lower_ in STRUCK_PREPS
        and name.root.head.head.i == trigger.i
        and event.event_type in STRUCK_PLACE_TYPES
    ):
        return True
    tok, spatial = name.root, False
    while True:
        if tok.dep_ == "compound" and (tok.head.i == trigger.i or tok.head.lower_ in GATHERING_NOUNS):
            return True  # "the Ghouta massacre", "the Warsaw summit"
        if tok.dep_ == "poss" and tok.head.lower_ in DIRECTIONS | INHABITANTS:
            spatial, tok = True, tok.head  # "Syria's north-east", "Qaryatain's inhabitants"
        elif tok.dep_ in {"appos", "conj"} or (
            tok.dep_ == "compound"
            and tok.head.lower_ in SPATIAL_NOUNS
            and not any(c.lower_ == "of" for c in tok.head.children)
        ):
            tok = tok.head  # "the capital Amman", "Washington state"
        elif tok.dep_ == "pobj" and tok.head.lower_ == "of":
            if spatial and tok.head.head.i == trigger.i and event.event_type in STRUCK_PLACE_TYPES:
                return True  # "the capture of the town of Afrin"
            if tok.head.head.lower_ not in SPATIAL_NOUNS | DIRECTIONS | INHABITANTS:
                return False
            spatial, tok = True, tok.head.head
        elif tok.dep_ == "pobj":
            word = tok.head.lower_
            if not spatial and _where_a_thing_is(tok.head.head, event, trigger, parties):
                return False
            moved = word == "to" and tok.head.head.i == trigger.i and trigger.lemma_.lower() in MOTION_VERBS
            return spatial or moved or word in WHERE_PREPS or (word == "from" and event.event_type == "RETREAT")
        elif tok.dep_ == "dobj":
            # "struck Kharkiv", "the battle to liberate Raqqa"; not "told the US" beside "invading"
            under = tok.head.i == trigger.i or any(a.i == trigger.i for a in tok.head.ancestors)
            return spatial or (under and (event.event_type in OBJECT_PLACE_TYPES or in_class(event.cameo, "visit")))
        else:
            return spatial and tok.dep_ != "poss"


def _where_a_thing_is(holder: Token, event: Event, trigger: Token, parties: list[tuple[int, int]]) -> bool:
    """Whether a place phrase tells where a thing or another act is, not where this said act
    was done: "called for an inquiry into the attack in Douma", "discussed the return of three
    buildings in Boston", "the return of properties that were seized in Boston was discussed".
    Where a party is ("officials in Mosul asked"), where a material act is done ("shelled the
    villages near Idlib") and a phrase on the act's own object or setting ("signed a
    declaration in Jeddah") are the act's place."""
    if _material(event) or holder.pos_ not in TOPIC_POS or holder.lower_ in SPATIAL_NOUNS | GATHERING_NOUNS:
        return False
    arcs = _arcs(holder, trigger)
    if arcs is None or arcs < TOPIC_DEPTH:
        return False  # "signed a declaration in Jeddah", "spoke at a ceremony in Sochi": where it was done
    return not any(start <= holder.idx < end for start, end in parties)


def _where(trigger: Token) -> Token | None:
    """The word a "where" clause holding the trigger hangs on ("the suburb of Douma, where the
    chemical attack took place": Douma), or None."""
    for tok in [trigger, *trigger.ancestors]:
        if tok.dep_ == "relcl" and any(c.lower_ == "where" for c in tok.children):
            return tok.head
    return None


def _arcs(tok: Token, verb: Token) -> int | None:
    """Arcs from the verb down to a token, or None when the token is outside the verb's
    clause or in a reported clause under it. Compares positions: spaCy makes a new Token
    object on each access."""
    arcs = 0
    while tok.i != verb.i:
        if tok.dep_ in REPORTED or tok.head.i == tok.i:
            return None
        tok, arcs = tok.head, arcs + 1
    return arcs


def _reported(tok: Token) -> bool:
    """Whether a token lies in reported speech or another clause with its own place."""
    return any(t.dep_ in REPORTED for t in [tok, *tok.ancestors])


def _says_region(name: Span) -> bool:
    """ "Washington state", "the US state of Georgia"."""
    doc = name.doc
    after = doc[name.end].lower_ if name.end < len(doc) else ""
    return after == "state" or [t.lower_ for t in doc[max(name.start - 2, 0) : name.start]] == ["state", "of"]


def _ent_at(tok: Token) -> Span | None:
    """The GPE, LOC or NORP entity a token lies in."""
    if tok.ent_type_ not in PLACE_LABELS | {"NORP"}:
        return None
    return next((e for e in tok.sent.ents if e.start <= tok.i < e.end), None)
