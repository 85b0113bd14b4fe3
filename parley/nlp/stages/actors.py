"""Actors stage: find and code every actor mention, then code each noun phrase head.

Mentions are found by phrase matching: countries, organisations and institutions
case-sensitively; people (leaders.tsv, PETRARCH's people.tsv) and PETRARCH's organisations and
armed groups (named_actors.tsv) case-insensitively but only where the words are capitalised;
a person's code depends on the article's date ("Trump" is USAGOV in 2025, USAELI in 2022).
Sectors come from agent words in the noun phrase ("the Russian delegation" -> RUS + GOV,
"Director of ... the Russian Foreign Ministry" -> RUS + GOV). A leader's title with no
country ("the president") takes the one state the article has named so far, and the holder's
name from leaders.tsv. A person first named with a coded title ("Deputy Assistant Secretary
of State Sonata Coulter", "Russia's ambassador, Alexander Yakovenko") keeps that code when
named again ("Coulter", "Ambassador Yakovenko"). Group nouns ("both sides") resolve to the
article's dyad: the two countries it mentions most. "He" and "she" are the person named last
(by name or by title). A state's body named without its state ("the government", "security
forces", "police") is the state the article has named most so far, as a reader takes it; so
are unnamed civilians, rebels and protesters, and those (with police and courts) are marked
`local`: the dyads stage gives them the state of the place where the act happened. Unnamed
militants or fighters who act are the armed group the article named last ("Isis ... the
militants"), where it has named one. A
stateless people ("Kurdish forces") takes, of the states it lives in (peoples.tsv, in order
of where its forces are most in the news), the first the article has named. A country's name
misspelt by a letter ("Ethopia") is read as it (`spelling.py`); a town heading a phrase is
its state ("shelled Aleppo"), and an agent "in" a place that place's ("rebels in Idlib").
"We", "our" and "I" in quoted words are the speaker's; "it" and "they" the last singular or
plural subject that is no person. Any other noun phrase is a plain, uncoded actor ("a car
bomb"). Unknown names keep their text with country null, but for a person whose home town
the text gives ("Jac Holmes, 24, from Bournemouth").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import replace
from typing import TypeGuard

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span, Token
from spacy.util import filter_spans

from .. import phrases
from ..casing import the_us
from ..document import PLAIN_PHRASE, Actor, Document
from ..gazetteer import Place, gazetteer
from ..parties import ARGUMENT_POS, PLACE_NE, UNKNOWN_NE, hyphen_agent, noun_phrase, opposed, related
from ..spelling import spelling
from ..vocab import (
    NO_STATE,
    PLACE_PREPS,
    STATELESS,
    Entity,
    Person,
    actor_phrases,
    agents,
    country_names,
    group_nouns,
    leader_on,
    leaders,
    named_actors,
    people,
    peoples,
    quantity_nouns,
    typeset,
)

# sectors of a state's own bodies: an unnamed one ("the government", "security forces") is the
# article's focal state's where it acts (the subject; "attacked the embassy" may be anyone's);
# unnamed civilians, rebels or protesters are the focal state's wherever they stand
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG"})
# sectors that act abroad: any other unnamed body (police, courts, civilians, rebels) is taken to
# be of the place where it acts (`Actor.local`, settled by the dyads stage once events are placed)
ABROAD_SECTORS = frozenset({"GOV", "MIL"})
GOVERNMENTS = frozenset({"administration", "government", "regime", "cabinet"})  # bodies a leader's name heads
MIN_CITY = 20_000  # a compound word names a place ("Godhra police") if a city at least this big
PERSON_TABLES = ("leaders table", "people table", "people (own) table")  # `Actor.why` of a person's entry
PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "his", "her"})  # each means the person named last
IT_PRONOUNS = frozenset({"it", "its"})  # the last singular subject that is no person
THEY_PRONOUNS = frozenset({"they", "their"})  # the last plural subject that is no person
NOUN_TAGS = frozenset({"NN", "NNP", "NNS", "NNPS"})
CLAUSE_HEADS = frozenset({"VERB", "AUX"})  # what a clause's subject hangs on
# nouns of a state's part: "in Syria's north", "in Iraq's Kurdish region" are in that state
REGION_NOUNS = frozenset(
    {"region", "province", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"}
    | {"city", "capital", "countryside", "border"}
)
ENVOYS = frozenset({"ambassador", "envoy", "representative", "delegation", "mission"})  # a state's, sent abroad
QUOTES = frozenset('"“”')
FIRST_PERSON = frozenset({"we", "us", "our", "i", "me", "my"})  # each means whoever is quoted saying it
# verbs of a sentence whose subject says the quote that follows it, where the quote names no speaker
QUOTE_LEADS = frozenset(
    {"accuse", "denounce", "criticise", "criticize", "condemn", "urge", "demand", "deny", "reject", "praise"}
    | {"welcome", "vow", "pledge", "promise", "threaten", "ask", "respond", "reply", "complain", "admit"}
)
REPORTED_DEPS = frozenset({"ccomp", "parataxis"})  # how the words a verb of saying reports hang on it
# verbs that report what someone says, whose subject is the "we" of the words reported
SPEECH_VERBS = frozenset(
    {
        "say",
        "tell",
        "add",
        "insist",
        "write",
        "state",
        "declare",
        "announce",
        "argue",
        "explain",
        "warn",
        "stress",
        "tweet",
        "claim",
    }
)
HOME_NE = frozenset({"GPE", "LOC", "FAC", "ORG", ""})  # entity types a person's home town ("from ...") is given
PLACE_NAMES_NE = frozenset({"GPE", "LOC", "FAC", "NORP", ""})  # entity types a place heading a phrase is given
COMPOUND_PLACE_NE = frozenset({"GPE", "LOC", "NORP"})  # entity types of a place named before an agent noun
GROUP_MEMBERS = frozenset({"militant", "fighter"})  # fighters no state owns: an armed group's, where one is named
GROUP_WHY = "the armed group named last:"  # how an actor taken for the last-named group's says so
FOCUS_WHY = "the state the article has named most so far"  # how an actor guessed by `focus_country` says so
REPORTER_WHY = "the state of whoever reports it"  # how one guessed by `_reporter_state` says so
# the share of the states an article has named that makes one the article's own (`article_state`): a body
# the words gave no state was of that one in 22 of the 31 matched events it placed (unfolded development run)
ARTICLE_STATE_SHARE = 0.6
BACKED_WHY = "backed by"  # how the why of a body a state backs ("Russian-backed separatists") names the backer
PLACE_WHY = "place '"  # how the why of a party coded as the place it names begins
MISSPELT_POS = frozenset({"PROPN", "ADJ", "NOUN"})  # the parts of speech a misspelt country's name is tagged
NOT_MISSPELT_NE = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT"})  # names of other things


def actor_code(mention: Actor, sector: str | None) -> str:
    """CAMEO actor code: country plus sector (USAGOV); organisations and a mention's own
    sector keep the table's full code (IGOUNO, RUSGOVDEV)."""
    if (
        mention.country in STATELESS
        or mention.country is None
        or (mention.sector and mention.sector == sector and mention.code)
    ):
        return mention.code or ""
    return f"{mention.country}{sector or ''}"


def _lower_tokens(tokens) -> str:
    return " ".join(t.lower_ for t in tokens)


def _capitalised(span: Span) -> bool:
    """A person's name as names are written: first and last words capitalised, and a
    single word a proper noun ("May" the person, not the month or the verb)."""
    if len(span) == 1:
        return span[0].pos_ == "PROPN" and span[0].text[:1].isupper()
    last = span[-1]
    while last.i - 2 >= span.start and span.doc[last.i - 1].text == "-" and not last.text[:1].isupper():
        last = span.doc[last.i - 2]  # "Ban Ki-moon": "Ki" (but "Bashar al-Assad": "Assad")
    return span[0].text[:1].isupper() and last.text[:1].isupper()


def _given_names(names: dict[str, Person | Entity]) -> frozenset[str]:
    """One-word names of the people tables that are no surname of their person: a given name
    or a single name ("Abdullah", the Saudi king), which another person's longer name holds."""
    surnames = {(id(found), key.split()[-1]) for key, found in names.items() if " " in key}
    return frozenset(
        key
        for key, found in names.items()
        if isinstance(found, Person) and " " not in key and (id(found), key) not in surnames
    )


def _family_prefixed(span: Span) -> bool:
    """True for a name joined by a hyphen to the word before it ("al-Abdullah"): a family name."""
    doc, i = span.doc, span.start
    return i >= 2 and doc[i - 1].text == "-" and doc[i - 1].idx == doc[i - 2].idx + len(doc[i - 2])


def _quoting(sent: Span) -> bool:
    """True for a sentence with quotation marks: quoted words, maybe the rest of an earlier quote."""
    return any(c in QUOTES for c in sent.text)


def _town_or_larger(place: Place | None) -> TypeGuard[Place]:
    """A place of some size with a state: a region, or a city of at least MIN_CITY people."""
    return place is not None and bool(place.country) and (place.precision != "city" or place.population >= MIN_CITY)


def _bracketed_acronym(tok: Token) -> bool:
    """A short form in capitals between brackets ("(IRC)")."""
    doc = tok.doc
    around = 0 < tok.i < len(doc) - 1 and doc[tok.i - 1].text == "(" and doc[tok.i + 1].text == ")"
    return around and tok.text.isupper() and tok.is_alpha and 2 <= len(tok) <= 6


def _in_full_name(tok: Token) -> bool:
    """True for a word of a person's name of several words ("Brandon Lewis": not the town)."""
    return tok.ent_type_ == "PERSON" and any(e.start <= tok.i < e.end and len(e) > 1 for e in tok.doc.ents)


def _place_after(
    preposition: str, heads: list[Token], offset: int, doc: Document, kinds: Collection[str]
) -> tuple[str, str] | None:
    """The state and name of the place a preposition of one of the words introduces ("in
    Kenya", "from Leeds"): a coded mention's state, else a city or region the gazetteer knows
    where the tagger gave the name one of `kinds` of entity."""
    for prep in (c for h in heads for c in h.children):
        if prep.dep_ != "prep" or prep.lower_ != preposition:
            continue
        for obj in prep.children:
            if obj.dep_ == "pobj" and obj.lemma_.lower() in REGION_NOUNS:
                # "in Syria's Kurdish autonomous region", "in Iraq's north": the owner's state
                owner = next((c for c in obj.children if c.dep_ == "poss"), None)
                m = doc.scratch.mention_at.get(offset + owner.idx) if owner is not None else None
                if m is not None and m.country and m.country not in STATELESS and m.sector is None:
                    return m.country, m.text
            if obj.dep_ != "pobj" or obj.pos_ != "PROPN":
                continue
            m = doc.scratch.mention_at.get(offset + obj.idx)
            if m is not None:
                return (m.country, m.text) if m.country and m.country not in STATELESS else None
            place = gazetteer().lookup(obj.text) if obj.ent_type_ in kinds else None
            if _town_or_larger(place):
                return place.country, place.name
    return None


def _last_armed_group(doc: Document, before: int) -> Actor | None:
    """The armed group the article named last before an offset ("Isis", "the SDF"): whose men
    its unnamed militants are, as a reader takes them."""
    return max((m for m in doc.mentions if m.sector == "REB" and m.end <= before), key=lambda m: m.start, default=None)


def focus_country(doc: Document, before: int) -> str | None:
    """The state the article has named most often before an offset (of equals, the one
    named last): whose government, army or police an unnamed one is, as a reader takes it."""
    return _focus(doc, before)[0]


def _focus(doc: Document, before: int) -> tuple[str | None, Counter]:
    """`focus_country`, and how often the article has named each state before the offset."""
    counts: Counter = Counter()
    last: dict[str, int] = {}
    for country, start in _state_mentions(doc):
        if start < before:
            counts[country] += 1
            last[country] = start
    return max(counts, key=lambda c: (counts[c], last[c]), default=None), counts


def article_state(doc: Document, before: int, place: str | None = None) -> str | None:
    """The state an article is about, as far as it has gone: the one it has named most before
    an offset where that is at least ARTICLE_STATE_SHARE of its states named so far, or where
    the act happened in it. Whose act a reader takes one to be that the text gives no agent."""
    focus, counts = _focus(doc, before)
    if focus is None:
        return None
    return focus if counts[focus] >= ARTICLE_STATE_SHARE * sum(counts.values()) or place == focus else None


def _holders_state(doc: Document, role: str, before: int) -> str | None:
    """The state whose holder of a title the article has named before an offset ("Trump ...
    the president": the US), of several the one named most (`focus_country`'s count)."""
    named = {m.name for m in doc.mentions if m.start < before and m.name}
    states = {
        m.country
        for m in doc.mentions
        if m.start < before and m.country and (term := leader_on(m.country, role, doc.date)) and term.name in named
    }
    if len(states) <= 1:
        return states.pop() if states else None
    counts = Counter(country for country, start in _state_mentions(doc) if start < before and country in states)
    return max(sorted(states), key=lambda c: counts[c])


def _state_mentions(doc: Document) -> Iterator[tuple[str, int]]:
    """(state, offset) of each mention that names a state as a party: no organisation, no
    capital named as a venue."""
    for m in doc.mentions:
        if m.country and m.country not in STATELESS and m.start not in doc.scratch.venues:
            yield m.country, m.start


def _venue(span: Span, mention: Actor) -> bool:
    """A capital named only as where something happened ("met in Brussels", "talks in Astana"):
    no party, and not the article's state for an unnamed body ("the ministers")."""
    root = span.root
    why = mention.why or ""
    return why.startswith("capital table") and root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPS


def _subject_role(tok: Token) -> bool:
    """True for a subject, or a name in apposition to one ("the foreign secretary, Jeremy Hunt, said")."""
    return tok.dep_ in {"nsubj", "nsubjpass"} or (tok.dep_ == "appos" and tok.head.dep_ in {"nsubj", "nsubjpass"})


def _acting(tok: Token) -> bool:
    """True for a subject, or the agent "by" names ("besieged by regime forces", "an attack by
    government forces")."""
    return tok.dep_ in {"nsubj", "nsubjpass"} or (tok.dep_ == "pobj" and tok.head.lower_ == "by")


def _owner(agent_phrase: str | None, head: Token) -> bool:
    """True where the agent words only modify a thing of theirs ("a regime incursion", "government
    offices", or the word "regime" there read alone, or "the regime's shelling"): the body owns
    or does it wherever the phrase stands."""
    if head.dep_ == "poss" or (head.dep_ == "compound" and head.head.pos_ == "NOUN"):
        return True
    words = (agent_phrase or "").split()
    modifiers = {t.lemma_.lower() for t in head.lefts if t.dep_ in {"compound", "amod"}}
    return head.pos_ == "NOUN" and bool(words) and head.lemma_.lower() not in words and set(words) <= modifiers


class ActorCoder:
    """Codes actor mentions and noun phrase heads of a parsed Document."""

    name = "actors"
    reads: tuple[str, ...] = ("sentences", "scratch.caseless")
    writes: tuple[str, ...] = ("mentions", "scratch.mention_at", "scratch.np_actors", "scratch.dyad")

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self._caseless_tables: tuple[PhraseMatcher, dict[str, Entity]] | None = None
        self.phrases = actor_phrases()
        self.peoples = peoples()
        self.groups = group_nouns()
        self.quantities = quantity_nouns()
        self.agents = agents()
        self.roles = {role for _, role in leaders()}
        self.titles = {role.split()[-1] for role in self.roles}  # "minister": a person's title
        split = phrases.tokens(nlp, list(self.phrases), "actors")  # the table phrases' tokens, read once
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.matcher.add("ACTOR", phrases.keywords(nlp, split))
        # people and PETRARCH's named organisations and groups, matched in any case where capitalised
        names: dict[str, Person | Entity] = typeset({**named_actors(), **people()})
        self.name_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        # what the matcher compares (lower-case tokens: their ORTH patterns are the LOWER ones) -> the person or entity
        lowered = phrases.lowered(nlp, phrases.tokens(nlp, list(names), "names"))
        self.name_matcher.add("NAME", phrases.keywords(nlp, lowered, "ORTH"))
        self.names = {" ".join(words): found for words, found in zip(lowered, names.values())}
        self.given = _given_names(self.names)
        # multi-word table names in a newspaper's lower case ("European commission", "UN security council")
        styled = {
            words: entity
            for words, entity in zip(split, self.phrases.values())
            if len(words) > 1 and words[0].lower() != "the"
        }
        self.styled_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.styled_matcher.add("STYLED", phrases.keywords(nlp, list(styled), "LOWER"))
        self.styled = {" ".join(phrases.lower(nlp, w) for w in words): e for words, e in styled.items()}
        self.group_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.group_matcher.add("GROUP", phrases.patterns(nlp, list(self.groups), "groups", "LOWER"))

    def __call__(self, doc: Document) -> None:
        groups: dict[int, Span] = {}
        caseless = doc.scratch.caseless  # "gujarat police arrested ...": names are not capitalised
        for offset, sdoc in doc.chunks:
            spans = [sdoc[s:e] for _, s, e in self.matcher(sdoc)]
            if caseless:
                spans += [sdoc[s:e] for _, s, e in self._caseless()[0](sdoc)]
                chunk = sdoc.text  # built once: spaCy joins its tokens on each call
                states = [t for t in sdoc if t.lower_ == "us" and the_us(chunk, t.idx, t.idx + 2, self.nlp)]
                spans += [sdoc[t.i : t.i + 1] for t in states]
            spans += [
                sdoc[s:e]
                for _, s, e in self.name_matcher(sdoc)
                if caseless or _capitalised(sdoc[s:e]) or self._party_named(sdoc[s:e])
            ]
            spans += [sdoc[s:e] for _, s, e in self.styled_matcher(sdoc) if sdoc[s].text[:1].isupper()]
            for span in filter_spans(spans):
                mention = self._mention(span, offset, doc, caseless)
                if mention is None:
                    continue
                doc.mentions.append(mention)
                if _venue(span, mention):
                    doc.scratch.venues.add(mention.start)
                for tok in span:
                    doc.scratch.mention_at[offset + tok.idx] = mention
            for tok in sdoc:
                if offset + tok.idx not in doc.scratch.mention_at and (mention := self._misspelt(tok, offset)):
                    doc.mentions.append(mention)
                    doc.scratch.mention_at[offset + tok.idx] = mention
            for _, s, e in self.group_matcher(sdoc):
                span = sdoc[s:e]
                for tok in span:
                    groups[offset + tok.idx] = span
        doc.scratch.dyad = self._dyad(doc)
        named: dict[str, Actor] = {}  # surname -> how the person was coded where first named
        persons: list[tuple[Actor, Token, int]] = []  # people named so far, with their sentence's
        # number: whom "he" or "she" means
        number = {(sent.offset, sent.span.start): sent.index for sent in doc.sentences}
        subjects: dict[bool, list[Actor]] = {False: [], True: []}  # the last subjects that are no person,
        # singular and plural: what "it" and "they" mean
        speaker: list[Actor] = []  # who the last quoted words were said by
        kinds: dict[str, Actor] = {}  # a body's words without its state's ("regime force") -> whom they last named
        for offset, sdoc in doc.chunks:
            speaking: list[Token] = []  # "we", "our", "I" in what someone is quoted saying
            for tok in sdoc:
                if tok.pos_ in ARGUMENT_POS:
                    if tok.lower_ in FIRST_PERSON and tok.pos_ == "PRON" and tok.text != "US":
                        speaking.append(tok)
                        continue
                    if tok.lower_ in PERSONAL_PRONOUNS:
                        actors = self._antecedent(persons, tok, offset, number[(offset, tok.sent.start)])
                    elif tok.lower_ in IT_PRONOUNS or tok.lower_ in THEY_PRONOUNS:
                        actors = self._last_subject(subjects[tok.lower_ in THEY_PRONOUNS], tok, offset)
                    else:
                        actors = self._resolve(tok, offset, doc, groups, named)
                        actors = self._kind_again(tok, actors, kinds, offset, doc)
                        if self._names_person(tok, actors):
                            persons.append((actors[0], tok, number[(offset, tok.sent.start)]))
                        elif _clause_subject(tok):
                            plural = tok.tag_ in {"NNS", "NNPS"} or len(actors) > 1
                            # a thing's "it" is no party; "they" of several parties is all of them
                            subjects[plural] = actors if plural or len(actors) == 1 else []
                    if actors:
                        doc.scratch.np_actors[offset + tok.idx] = actors
            for sent in sdoc.sents:  # once the speaker, who may come after the quote, is read
                said = self._said_by(sent, offset, doc)
                for tok in (t for t in speaking if sent.start <= t.i < sent.end):
                    actors = self._speaker(tok, offset, doc)
                    if not actors and _quoting(sent):  # a quote's later sentence: who said the last words
                        actors = self._again(speaker, tok, offset, "the last speaker")
                    if actors:
                        doc.scratch.np_actors[offset + tok.idx] = actors
                        if tok.dep_ == "poss":  # "our forces": the speaker's state's
                            self._owned_by(tok.head, actors[0], offset, doc)
                speaker = said or (speaker if _quoting(sent) else self._leads_quote(sent, offset, doc))

    def _party_named(self, span: Span) -> bool:
        """A political party's name capitalised inside a sentence, whatever its part of speech
        ("the Conservative party chairman": an adjective to the tagger)."""
        found = self.names[_lower_tokens(span)]
        return (
            isinstance(found, Person)
            and found.source == "parties"
            and span.text[:1].isupper()
            and not span[0].is_sent_start
        )

    def _kind_again(
        self, head: Token, actors: list[Actor], kinds: dict[str, Actor], offset: int, doc: Document
    ) -> list[Actor]:
        """A body named again by its words without its state's: "the troops" after "Turkish
        troops", "regime forces" after "Syrian regime forces", "the embassy" after "the Russian
        embassy", as a reader takes them, before the state the article names most; not "other
        troops", "pro-regime forces", nor a person's title. A body of no sector that acted is
        named again by its noun alone: "the coalition" after "the US-led coalition struck"."""
        if head.pos_ != "NOUN" or head.lemma_ in self.titles or len(actors) != 1:
            return actors
        words = [
            t for t in head.lefts if t.dep_ in {"compound", "amod"} and offset + t.idx not in doc.scratch.mention_at
        ]
        kind = " ".join(t.lemma_.lower() for t in [*words, head])
        now = actors[0]
        guessed = (now.why or "").endswith((FOCUS_WHY, REPORTER_WHY))
        named = offset + head.idx in doc.scratch.mention_at
        if now.country and now.country not in STATELESS and not guessed and not named:
            if now.sector:
                kinds[kind] = now
            elif _acting(head):  # "the US-led coalition struck": its noun alone names it again ("the
                # coalition", "coalition airstrikes"); a thing ("six Russian properties") is no body
                kinds[head.lemma_.lower()] = now
            return actors
        earlier = kinds.get(kind)
        if earlier is None or not self._no_other(head):
            return actors
        why = f"'{kind}' named again: '{earlier.text}' ({earlier.why})"
        if not earlier.sector and now.code is None and not words:
            return [replace(now, code=earlier.code, country=earlier.country, why=why)]
        if not now.sector or (now.code != now.sector and not guessed):
            return actors
        return [replace(now, code=f"{earlier.country}{now.sector}", country=earlier.country, why=why)]

    def _names_person(self, tok: Token, actors: list[Actor]) -> bool:
        """True when a phrase head names one coded person: by name, by title, or as the people
        tables know it; not a thing a person owns ("Trump's rhetoric", coded as his)."""
        if len(actors) != 1 or not actors[0].country:
            return False
        tabled = tok.pos_ == "PROPN" and (actors[0].why or "").startswith(PERSON_TABLES)
        return tok.ent_type_ == "PERSON" or tok.lemma_ in self.titles or tabled

    def _speaker(self, pronoun: Token, offset: int, doc: Document) -> list[Actor]:
        """A first-person pronoun as whoever says the words it is in: the subject of the verb of
        saying that governs it ("'We welcome an investigation,' the family said": the family)."""
        verb = next((v for v in pronoun.ancestors if v.pos_ == "VERB" and v.lemma_.lower() in SPEECH_VERBS), None)
        return self._again(self._subject_of(verb, offset, doc), pronoun, offset, "the words of") if verb else []

    def _said_by(self, sent: Span, offset: int, doc: Document) -> list[Actor]:
        """Who a sentence says spoke: the coded subject of its first verb of saying."""
        verb = next((t for t in sent if t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_VERBS), None)
        return self._subject_of(verb, offset, doc) if verb is not None else []

    def _leads_quote(self, sent: Span, offset: int, doc: Document) -> list[Actor]:
        """Who speaks in a quote that follows a sentence without one, naming no speaker of its
        own: the coded subject of a sentence whose verb is a speech act ("He accused the EU of
        failing ... '“We neutralised thousands of Daesh fighters ...”")."""
        root = sent.root
        return self._subject_of(root, offset, doc) if root.lemma_.lower() in QUOTE_LEADS else []

    @staticmethod
    def _subject_of(verb: Token, offset: int, doc: Document) -> list[Actor]:
        subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.lower_ not in FIRST_PERSON), None)
        return [a for a in doc.scratch.np_actors.get(offset + subject.idx, []) if a.code] if subject is not None else []

    @staticmethod
    def _again(parties: list[Actor], pronoun: Token, offset: int, how: str) -> list[Actor]:
        """Parties named again by a pronoun, spanning the pronoun."""
        start = offset + pronoun.idx
        return [
            replace(
                a,
                text=pronoun.text,
                start=start,
                end=start + len(pronoun),
                why=f"'{pronoun.lower_}': {how} '{a.text}' ({a.why})",
            )
            for a in parties
        ]

    @staticmethod
    def _owned_by(head: Token, owner: Actor, offset: int, doc: Document) -> None:
        """A body the speaker calls its own ("our forces") is of the speaker's state, if its words name none."""
        at = offset + head.idx
        found = doc.scratch.np_actors.get(at, [])
        if owner.country and owner.country not in STATELESS and len(found) == 1 and found[0].country is None:
            body = found[0]
            why = f"{body.why}; the speaker's ({owner.why})"
            doc.scratch.np_actors[at] = [
                replace(body, country=owner.country, code=owner.country + (body.sector or ""), why=why)
            ]

    def _last_subject(self, parties: list[Actor], pronoun: Token, offset: int) -> list[Actor]:
        """ "It" and "its" as the last singular subject that is no person, "they" and "their" as
        the last plural one ("Turkey ... It has also supported rebels"; "Kurdish fighters took the
        town. They then advanced"), where those were coded parties, as a subject or possessor; not
        the "it" of "it is likely that"."""
        parties = [a for a in parties if a.code]  # a thing ("the agreement ... it") is no party
        if not parties or pronoun.dep_ not in {"nsubj", "nsubjpass", "poss"}:
            return []  # an object "it" is mostly another thing than the last subject ("expelling it")
        if pronoun.dep_ == "nsubj" and pronoun.head.lemma_ == "be":
            return []
        return self._again(parties, pronoun, offset, "the last subject")

    @staticmethod
    def _antecedent(persons: list[tuple[Actor, Token, int]], pronoun: Token, offset: int, at: int) -> list[Actor]:
        """A personal pronoun (in sentence `at`) as the person a reader takes it for: the last
        person who was a subject before it in its own sentence or the one before ("Corbyn
        condemned Trump's rhetoric as he continued": Corbyn), else the person named last; not
        the subject of its own clause ("the president called him": someone else)."""
        verb = pronoun.head.head if pronoun.head.dep_ == "prep" else pronoun.head
        candidates = [
            (person, tok, n)
            for person, tok, n in reversed(persons)
            if pronoun.dep_ in {"nsubj", "nsubjpass", "poss"} or tok.head != verb or tok.dep_ != "nsubj"
        ]
        if not candidates:
            return []
        subjects = (c for c in candidates if _subject_role(c[1]) and at - c[2] <= 1)
        person = next(subjects, candidates[0])[0]
        start = offset + pronoun.idx
        why = f"pronoun '{pronoun.lower_}' -> '{person.text}' ({person.why})"
        return [replace(person, text=pronoun.text, start=start, end=start + len(pronoun), why=why)]

    def _caseless(self) -> tuple[PhraseMatcher, dict[str, Entity]]:
        """A matcher of the actor tables' phrases in any case, and lower-case phrase -> entity,
        built when a lower-cased document first needs them. Phrases that are common words in
        lower case ("US": "us") are left out."""
        if self._caseless_tables is None:
            stop = self.nlp.Defaults.stop_words
            lowered = {p.lower(): e for p, e in self.phrases.items() if p.lower() not in stop}
            matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
            matcher.add("ACTOR", list(self.nlp.tokenizer.pipe(lowered)))
            self._caseless_tables = matcher, lowered
        return self._caseless_tables

    def _mention(self, span: Span, offset: int, doc: Document, caseless: bool = False) -> Actor | None:
        """The coded mention a matched span stands for (None: a country name inside a person's)."""
        start, end = offset + span.start_char, offset + span.end_char
        entity = (
            self.phrases.get(span.text)
            or (self._caseless()[1].get(span.text.lower()) or self.phrases.get(span.text.upper()) if caseless else None)
            or self.styled.get(_lower_tokens(span))
        )
        if entity is not None:
            if entity.kind != "institution" and self._inside_person(span):
                # "Jordan Peterson", "Chad Smith": a person, not a country; a seat of government
                # is no person's name ("the Quai d'Orsay", which the name finder takes for one)
                return None
            people = self.peoples.get(span.text)
            if people is not None:  # "Kurdish": of its states, the first the article has named
                named = {m.country for m in doc.mentions if m.start < start}
                country = next((home for home in people.homes if home in named), people.homes[0])
                why = f"peoples table: {people.name}"  # not "people table": that is a person's
                return Actor(span.text, start, end, country, country, None, people.name, why)
            return Actor(span.text, start, end, entity.code, entity.country, entity.sector, entity.name, entity.why)
        key = _lower_tokens(span)
        found = self.names[key]
        if key in self.given and (self._inside_person(span) or _family_prefixed(span)):
            return None  # "Ismail al-Abdullah", "Al-Abdullah": not King Abdullah
        if isinstance(found, Entity):
            return Actor(span.text, start, end, found.code, found.country, found.sector, found.name, found.why)
        code, why = found.code_on(doc.date)
        return Actor(span.text, start, end, code, code[:3], code[3:6] or None, found.name, why)

    def _misspelt(self, tok: Token, offset: int) -> Actor | None:
        """A country's name, adjective or demonym misspelt ("Ethopia", "Britsh"), where the word
        is no person's or organisation's name and no place the gazetteer knows ("Indiana"). An
        organisation of this one word alone is mostly the NER's guess at an unknown name."""
        alone = tok.ent_iob_ == "B" and (tok.i + 1 == len(tok.doc) or tok.doc[tok.i + 1].ent_iob_ != "I")
        named = tok.ent_type_ in NOT_MISSPELT_NE and not (alone and tok.ent_type_ == "ORG")
        if tok.pos_ not in MISSPELT_POS or named:
            return None
        word = spelling().correct(tok.text)
        if word is None or gazetteer().lookup(tok.text) is not None:
            return None
        entity = self.phrases[word]
        start = offset + tok.idx
        why = f"spelling: '{tok.text}' read as '{word}' ({entity.why})"
        return Actor(tok.text, start, start + len(tok), entity.code, entity.country, entity.sector, entity.name, why)

    @staticmethod
    def _inside_person(span: Span) -> bool:
        """True when NER puts the span inside a longer PERSON name."""
        ent = next((e for e in span.doc.ents if e.start <= span.start < e.end), None)
        return ent is not None and ent.label_ == "PERSON" and len(ent) > len(span)

    @staticmethod
    def _dyad(doc: Document) -> list[Actor]:
        """The two states mentioned most often: what "the parties" and "both sides" mean."""
        counts = Counter(country for country, _ in _state_mentions(doc))
        names = country_names()
        return (
            [Actor(names.get(c, c), -1, -1, c, c, None, names.get(c), "article dyad") for c, _ in counts.most_common(2)]
            if len(counts) >= 2
            else []
        )

    def _resolve(
        self, head: Token, offset: int, doc: Document, groups: dict[int, Span], named: dict[str, Actor]
    ) -> list[Actor]:
        """Actors a noun phrase head stands for, expanding coordination ("the US and Russia")."""
        if head.tag_ in {"WDT", "WP"} and head.head.dep_ == "relcl":
            head = head.head.head  # "the rebels, who attacked ..." -> the rebels
        actors: list[Actor] = []
        for h in [head, *[c for c in head.conjuncts if c.i > head.i]]:
            found = self._resolve_one(h, offset, doc, groups, named)
            if len(found) == 1 and found[0].country:
                # the name, or the name a coded title is put beside ("Russia's ambassador, Alexander
                # Yakovenko"): "Yakovenko" named again is that actor
                names = [h] if h.pos_ == "PROPN" else [c for c in h.children if c.dep_ == "appos" and c.pos_ == "PROPN"]
                # and the short form it gives in brackets: "the International Rescue Committee (IRC)"
                names += [c for c in h.children if c.dep_ == "appos" and _bracketed_acronym(c)]
                for name in names:
                    named.setdefault(name.text, found[0])
            elif len(found) == 1 and _in_full_name(h):
                # a person no table knows ("Mustafa Bali"): "Bali" named again is that person, no town
                named.setdefault(h.text, found[0])
            actors.extend(found)
        seen, unique = set(), []
        for a in actors:
            key = (a.code, a.country, a.text if a.country is None else "")
            if key not in seen:
                seen.add(key)
                unique.append(a)
        return unique

    def _resolve_one(
        self, head: Token, offset: int, doc: Document, groups: dict[int, Span], named: dict[str, Actor]
    ) -> list[Actor]:
        scope = sorted(noun_phrase(head), key=lambda t: t.i)
        if head.lemma_.lower() in self.quantities:  # "thousands of farmers": the farmers act
            counted = next(
                (
                    o
                    for p in head.children
                    if p.dep_ == "prep" and p.lower_ == "of"
                    for o in p.children
                    if o.dep_ == "pobj"
                ),
                None,
            )
            if counted is not None:
                head = counted
        sector, agent_phrase = self._sector(head, scope, offset, doc)
        start = offset + scope[0].idx
        end = offset + scope[-1].idx + len(scope[-1])
        text = doc.text[start:end]
        # "the anti-Isis coalition" fights Isis, "Turkey's allies" are others: the name is not theirs
        other = related(head)
        mentions: list[Actor] = []
        for tok in scope:
            m = doc.scratch.mention_at.get(offset + tok.idx)
            if m is not None and m not in mentions and not opposed(doc.text, m.start) and tok.i not in other:
                mentions.append(m)
        if mentions:
            mentions = [self._people_placed(m, head, offset, doc) for m in _envoy_to(mentions, agent_phrase)]
            found = self._from_mentions(mentions, text, start, end, sector, agent_phrase, doc.date)
            if head.pos_ == "PROPN" and offset + head.idx not in doc.scratch.mention_at and len(found) == 1:
                # a name the tables do not know, coded by its title: the actor is the person
                name = " ".join(t.text for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN")
                found[0].name = f"{name} {head.text}".strip()
            return found
        group = groups.get(offset + head.idx)
        if group is not None:
            gsector = self.groups.get(group.text.lower())
            if not doc.scratch.dyad:
                return [
                    Actor(
                        group.text,
                        offset + group.start_char,
                        offset + group.end_char,
                        gsector,
                        None,
                        gsector,
                        None,
                        "group noun; the article names no two parties",
                    )
                ]
            return [
                replace(
                    a,
                    text=group.text,
                    start=offset + group.start_char,
                    end=offset + group.end_char,
                    sector=gsector,
                    code=f"{a.country}{gsector or ''}",
                    why=f"group noun '{group.text.lower()}' -> article dyad",
                )
                for a in doc.scratch.dyad
            ]
        if agent_phrase in self.roles and self._definite(head):
            country, how = self._context_country(doc, start), "the one state named so far"
            if country is None:
                country, how = _holders_state(doc, agent_phrase, start), "whose holder the article has named"
            if country:
                return [
                    self._leader(
                        Actor(text, start, end, country + (sector or ""), country, sector),
                        agent_phrase,
                        doc.date,
                        f"title '{agent_phrase}', {how}",
                    )
                ]
        if head.text in named and head.text[:1].isupper():
            first = named[head.text]
            return [
                replace(first, text=text, start=start, end=end, why=f"named earlier as '{first.text}' ({first.why})")
            ]
        place = self._placed_by(scope) if sector else None
        if sector and place is not None:  # "Godhra police": the police of the place's state
            why = f"agent table: '{agent_phrase}' -> {sector}; '{place.name}' is in {place.country}"
            return [Actor(text, start, end, place.country + sector, place.country, sector, None, why)]
        if sector in STATELESS:  # "aid agencies": non-governmental, of no state
            return [Actor(text, start, end, sector, sector, None, None, f"agent table: '{agent_phrase}' -> {sector}")]
        if sector and self.agents.no_state(agent_phrase):  # "jihadists", "foreign fighters": no state's
            why = f"agent table: '{agent_phrase}' -> {NO_STATE}{sector}"
            return [Actor(text, start, end, NO_STATE + sector, None, sector, None, why)]
        if sector:
            own = agent_phrase not in self.roles and (
                # "an impending regime incursion": whatever the thing's article ("artillery bombardment": a
                # weapon, anyone's)
                (sector != "MIL" and _owner(agent_phrase, head))
                # a state body acts as the subject; as an object ("attacked the embassy") it may be anyone's
                or ((sector not in STATE_SECTORS or _acting(head)) and self._no_other(head))
            )
            member = own and _acting(head) and head.dep_ != "nsubjpass" and agent_phrase in GROUP_MEMBERS
            armed = _last_armed_group(doc, start) if member else None
            if armed is not None:  # "the militants" after "Isis" did it: its men, not the article's state's
                why = f"agent table: '{agent_phrase}' -> {sector}; {GROUP_WHY} '{armed.text}' ({armed.why})"
                return [Actor(text, start, end, armed.code, armed.country, armed.sector, armed.name, why)]
            # a title ("the president") is not; a body in a state's reported words is that state's,
            # save "the regime", which is what a state calls another's government
            reported = own and sector in STATE_SECTORS and "regime" not in (agent_phrase or "").split()
            reporter = _reporter_state(head, offset, doc) if reported else None
            country = (reporter or focus_country(doc, start)) if own else None
            backers = self._backers(head, offset, doc)
            if country in backers:  # "Russian-backed separatists": not Russia's
                country = None
            where = self._stationed(head, offset, doc)
            if where is not None and (sector not in ABROAD_SECTORS or country is None):
                # "rebels in Idlib", "security forces in Guinea" (an army or officials "in Syria" may be
                # another state's: the article's own state goes first for those)
                why = f"agent table: '{agent_phrase}' -> {sector}; in '{where[1]}', of {where[0]}"
                return [Actor(text, start, end, where[0] + sector, where[0], sector, None, why)]
            if country:
                how = REPORTER_WHY if country == reporter else FOCUS_WHY
                why = f"agent table: '{agent_phrase}' -> {sector}; {how}"
                local = sector not in ABROAD_SECTORS  # police, civilians, rebels: of the place they act in
                return [Actor(text, start, end, country + sector, country, sector, None, why, local)]
            backed = sorted(c for c in backers if c)
            why = f"agent table: '{agent_phrase}' -> {sector}" + (
                f"; {BACKED_WHY} {'/'.join(backed)}" if backed else ""
            )
            return [Actor(text, start, end, sector, None, sector, None, why, sector not in ABROAD_SECTORS)]
        # the tagger calls a town a NORP or nothing as often as a GPE ("shelled Aleppo", "Douma accused")
        named_place = (  # a lower-case word in a cased text names no place ("the canton's towns")
            head.pos_ == "PROPN" and head.ent_type_ in PLACE_NAMES_NE and (not head.is_lower or doc.scratch.caseless)
        )
        place = self._place_named(head, doc) if named_place else None
        if place is not None:  # "shelled Aleppo", "Ghouta's hospitals": the place's state
            why = f"{PLACE_WHY}{place.name}' is in {place.country}"
            return [Actor(text, start, end, place.country, place.country, None, None, why)]
        if head.ent_type_ in UNKNOWN_NE or (head.pos_ == "PROPN" and not head.ent_type_):
            home = self._home(head, offset, doc) if head.ent_type_ == "PERSON" else None
            if home is not None:  # "Jac Holmes, 24, from Bournemouth": a person of that state
                why = f"unknown name, from '{home[1]}', of {home[0]}"
                return [Actor(text, start, end, home[0], home[0], None, None, why)]
            return [Actor(text, start, end, None, None, None, None, "unknown name")]
        if head.pos_ in {"NOUN", "PROPN"} and not head.ent_type_:
            return [Actor(text, start, end, None, None, None, None, PLAIN_PHRASE)]
        return []

    @staticmethod
    def _placed_by(scope: list[Token]) -> Place | None:
        """The place a name compounded in the phrase names ("Godhra police", "Istanbul prosecutors"),
        if it is a known city of some size or a province (a common noun is none: "Coast Guard",
        "Metro police"). The tagger may call a name a common noun where it takes it for a people's
        ("Gujarat police"); such a word names a place only as the place's own name ("Thai" is an
        alternate name of a Malaysian city). An agent word is none ("Police Chief")."""
        for t in scope:
            if t.dep_ != "compound" or t.i > t.head.i or not t.is_alpha or _in_full_name(t):
                continue
            if agents().code(t.lower_):
                continue  # "Police Chief Ahmed Ali": an agent word, not the Polish town of Police
            if t.pos_ == "PROPN" or t.ent_type_ in COMPOUND_PLACE_NE:
                place = gazetteer().lookup(t.text, set(), [])
                if _town_or_larger(place) and (t.pos_ == "PROPN" or place.name.lower() == t.lower_):
                    return place
        return None

    @staticmethod
    def _stationed(head: Token, offset: int, doc: Document) -> tuple[str, str] | None:
        """The state and name of the place an agent noun is said to be in ("police in Kenya",
        "rebels in Idlib"): a coded mention, else a city or region the gazetteer knows."""
        return _place_after("in", [head], offset, doc, PLACE_NE)

    def _people_placed(self, mention: Actor, head: Token, offset: int, doc: Document) -> Actor:
        """A stateless people named where it lives ("the Kurds in northern Syria", "Kurdish
        fighters in Iraq"): of that home, whichever of its homes the article named first."""
        people = self.peoples.get(mention.text)
        where = self._stationed(head, offset, doc) if people is not None else None
        if people is None or where is None or where[0] not in people.homes or where[0] == mention.country:
            return mention
        why = f"{mention.why}; in '{where[1]}', of {where[0]}"
        return replace(mention, country=where[0], code=where[0], why=why)

    @staticmethod
    def _home(head: Token, offset: int, doc: Document) -> tuple[str, str] | None:
        """The state and name of the place a person the tables do not know is said to come from
        ("Hoda Muthana, 24, from Alabama", "a teacher from Leeds"); the tagger often calls a
        home town an organisation ("from Bournemouth")."""
        heads = [head, *(t for t in head.children if t.dep_ == "appos")]
        return _place_after("from", heads, offset, doc, HOME_NE)

    @staticmethod
    def _place_named(head: Token, doc: Document) -> Place | None:
        """The town or region a place name heading a phrase names, if the gazetteer knows it and it
        is not a village (the states the article has named decide between places of one name)."""
        ent = next((e for e in head.doc.ents if e.start <= head.i < e.end), None)
        context = {m.country for m in doc.mentions if m.country}
        for name in dict.fromkeys([ent.text if ent is not None else head.text, head.text]):
            place = gazetteer().lookup(name, context)
            if _town_or_larger(place):
                return place
        return None

    def _sector(self, head: Token, scope: list[Token], offset: int, doc: Document) -> tuple[str | None, str | None]:
        """The agent words that give the phrase its sector: the head's own title first
        ("foreign minister"), else a noun its "of" phrases name ("Director of the ...
        Foreign Ministry")."""
        if head.pos_ == "PRON":
            return None, None
        lemmas = [
            t.lemma_.lower()
            for t in scope
            if (t.i == head.i or (t.i < head.i and t.head.i == head.i and t.dep_ in {"compound", "amod"}))
            and offset + t.idx not in doc.scratch.mention_at
        ]
        found = self.agents.sector(lemmas)
        if found[0]:
            return found
        for tok in scope:
            if tok.i != head.i and tok.pos_ in {"NOUN", "PROPN"} and offset + tok.idx not in doc.scratch.mention_at:
                found = self.agents.sector(
                    [t.lemma_.lower() for t in tok.lefts if t.dep_ in {"compound", "amod"}] + [tok.lemma_.lower()]
                )
                if found[0]:
                    return found
        return None, None

    def _from_mentions(
        self, mentions: list[Actor], text: str, start: int, end: int, sector: str | None, agent_phrase: str | None, day
    ) -> list[Actor]:
        """One actor per country the phrase names ("the US and Russia": two). Mentions of
        one country merge into one actor spanning the phrase ("Russian Foreign Minister
        Sergey Lavrov": the demonym and the person), coded by its most specific mention."""
        by_country: dict[str | None, list[Actor]] = {}
        for m in mentions:
            by_country.setdefault(m.country if m.country not in STATELESS else m.code, []).append(m)
        single = len(by_country) == 1
        out = []
        for group in by_country.values():
            m = max(group, key=lambda a: (a.sector is not None, len(a.code or "")))
            # a title in the text says more than a table's "out of office" ("President Lula"), or
            # "in opposition" where it is a leader's ("Chancellor Merz" on a day he led the opposition)
            titled = m.sector == "ELI" or (m.sector == "OPP" and agent_phrase in self.roles)
            # "the Bush administration", "the Trump administration" in 2023: the government a
            # person led, whatever the person's code on the article's day
            titled = titled or (sector == "GOV" and agent_phrase in GOVERNMENTS and m.name is not None)
            sec = sector if sector and titled else m.sector or sector
            # "Kurdish forces", "Syrian Kurdish forces": no state's army
            people = next((self.peoples[a.text] for a in group if a.text in self.peoples), None)
            if people is not None and sec in {"MIL", "UAF"}:
                sec = people.forces_sector
            why = "; ".join(a.why or "" for a in group)
            if sector and not m.sector:
                why += f"; agent '{agent_phrase}' -> {sector}"
            actor = Actor(
                text if single else m.text,
                start if single else m.start,
                end if single else m.end,
                actor_code(m, sec),
                m.country,
                sec,
                m.name,
                why,
            )
            out.append(self._leader(actor, agent_phrase, day) if agent_phrase in self.roles and not m.sector else actor)
        return out

    @staticmethod
    def _leader(actor: Actor, role: str | None, day, why: str | None = None) -> Actor:
        """Name the holder of a leader's title from leaders.tsv ("the Russian president" in 2025)."""
        term = leader_on(actor.country or "", role or "", day)
        name = term.name if term else actor.name
        note = f"; leaders table: {role} of {actor.country} on {day or 'latest'} = {term.name}" if term else ""
        return replace(actor, name=name, why=(why or actor.why or "") + note)

    @staticmethod
    def _backers(head: Token, offset: int, doc: Document) -> set[str | None]:
        """The states a phrase's hyphened participles name as backing it ("US-backed fighters")."""
        agents = (hyphen_agent(t) for t in head.children)
        return {m.country for a in agents if a is not None and (m := doc.scratch.mention_at.get(offset + a.idx))}

    @staticmethod
    def _definite(head: Token) -> bool:
        """A singular title with 'the' or none: "the president", "President" (not "a minister")."""
        return head.tag_ in {"NN", "NNP"} and not any(t.dep_ == "det" and t.lower_ != "the" for t in head.children)

    @staticmethod
    def _no_other(head: Token) -> bool:
        """A state body named as the article's own ("the government", "security forces"), not
        one set apart from it ("a foreign army", "other governments") or placed by a phrase of
        its own ("the embassy in Russia", whose state the words do not say)."""
        return not any(
            (t.dep_ in {"det", "amod"} and t.lower_ in {"a", "an", "another", "other", "foreign", "some", "any"})
            or t.dep_ == "prep"
            for t in head.children
        )

    @staticmethod
    def _context_country(doc: Document, before: int) -> str | None:
        """The state the article has named before an offset, if it has named exactly one."""
        states = {country for country, start in _state_mentions(doc) if start < before}
        return states.pop() if len(states) == 1 else None


def _clause_subject(tok: Token) -> bool:
    """A noun that is a clause's subject: what a later "it" or "they" may mean. The "subject" of
    a small clause ("find its veto a potent tool") is none."""
    return tok.dep_ in {"nsubj", "nsubjpass"} and tok.tag_ in NOUN_TAGS and tok.head.pos_ in CLAUSE_HEADS


def _envoy_to(mentions: list[Actor], agent_phrase: str | None) -> list[Actor]:
    """A state's envoy to an organisation is the state's alone ("Russia's UN ambassador",
    "the US Nato envoy"): the organisation named after the state is where the envoy is sent,
    not a second party ("the UN's Syria envoy" is the UN's)."""
    if not agent_phrase or agent_phrase.split()[-1] not in ENVOYS:
        return mentions
    first = min(mentions, key=lambda m: m.start)
    if not first.country or first.country in STATELESS:
        return mentions
    return [m for m in mentions if m.country not in STATELESS]


def speaker(tok: Token, offset: int, doc: Document) -> list[Actor]:
    """The coded parties who say the words a word is in: the subject of the verb of saying
    whose reported clause holds it ("'These people need to be brought back,' said Saratova")."""
    verb = saying_verb(tok, REPORTED_DEPS)
    return ActorCoder._subject_of(verb, offset, doc) if verb is not None else []


def saying_verb(tok: Token, deps: Collection[str]) -> Token | None:
    """The first verb of saying above a word whose clause, hung on it by one of `deps`, holds it."""
    child = tok
    for verb in tok.ancestors:
        if child.dep_ in deps and verb.lemma_.lower() in SPEECH_VERBS:
            return verb
        child = verb
    return None


def _reporter_state(head: Token, offset: int, doc: Document) -> str | None:
    """The state whose body or leader reports the clause a word is in: "Downing Street said
    senior ministers had agreed" (the UK's ministers), however often the article names Syria."""
    verb = saying_verb(head, {"ccomp"})
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) if verb is not None else None
    if subject is None:
        return None
    found = doc.scratch.np_actors.get(offset + subject.idx) or [
        m for m in [doc.scratch.mention_at.get(offset + subject.idx)] if m is not None
    ]
    states = {
        a.country
        for a in found
        if a.country and a.country not in STATELESS and (a.sector is None or a.sector in STATE_SECTORS)
    }
    return states.pop() if len(states) == 1 else None
