"""Actors stage: find and code every actor mention, then code each noun phrase head.

Mentions are found by phrase matching: countries, organisations and institutions
case-sensitively; people (leaders.tsv, PETRARCH's people.tsv) and PETRARCH's organisations
and armed groups (named_actors.tsv) case-insensitively but only where the words are
capitalised; a person's code depends on the article's date ("Trump" is USAGOV in 2025,
USAELI in 2022). Sectors come from agent words in the noun phrase
("the Russian delegation" -> RUS + GOV, "Director of ... the Russian Foreign Ministry" ->
RUS + GOV). A leader's title with no country ("the president") takes the one state the
article has named so far, and the holder's name from leaders.tsv. A person first named
with a coded title ("Deputy Assistant Secretary of State Sonata Coulter") keeps that code
when named again ("Coulter"). Group nouns ("both sides") resolve to the article's dyad: the
two countries it mentions most. A state's body named without its state ("the government",
"security forces", "police") is the state the article has named most so far, as a reader
takes it. Any other noun phrase is a plain, uncoded actor ("a car bomb"). Unknown names
keep their text with country null.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span, Token
from spacy.util import filter_spans

from .. import phrases
from ..document import PLAIN_PHRASE, Actor, Document
from ..parties import ARGUMENT_POS, UNKNOWN_NE, noun_phrase
from ..vocab import (
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
    quantity_nouns,
)

# sectors of a state's own bodies: an unnamed one ("the government", "security forces") is the
# article's focal state's; rebels, opposition and civilians are not taken to be anyone's
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG"})


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
    words = [t for t in span if t.is_alpha and (t.i == span.start or span.doc[t.i - 1].text != "-")]  # Ki-moon
    return bool(words) and span[0].text[:1].isupper() and words[-1].text[:1].isupper()


class ActorCoder:
    """Codes actor mentions and noun phrase heads of a parsed Document."""

    name = "actors"
    reads: tuple[str, ...] = ("sentences",)
    writes: tuple[str, ...] = ("mentions", "scratch.mention_at", "scratch.np_actors", "scratch.dyad")

    def __init__(self, nlp) -> None:
        self.phrases = actor_phrases()
        self.groups = group_nouns()
        self.quantities = quantity_nouns()
        self.agents = agents()
        self.roles = {role for _, role in leaders()}
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.matcher.add("ACTOR", phrases.patterns(nlp, list(self.phrases), "actors"))
        # people and PETRARCH's named organisations and groups, matched in any case where capitalised
        names: dict[str, Person | Entity] = {**named_actors(), **people()}
        self.name_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        split = phrases.tokens(nlp, list(names), "names")
        self.name_matcher.add("NAME", phrases.keywords(nlp, split, "LOWER"))
        # what the matcher compares (lower-case tokens) -> the person or entity
        self.names = {" ".join(phrases.lower(nlp, w) for w in p): found for p, found in zip(split, names.values())}
        self.group_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.group_matcher.add("GROUP", phrases.patterns(nlp, list(self.groups), "groups", "LOWER"))

    def __call__(self, doc: Document) -> None:
        groups: dict[int, Span] = {}
        for offset, sdoc in doc.chunks:
            spans = [sdoc[s:e] for _, s, e in self.matcher(sdoc)]
            spans += [sdoc[s:e] for _, s, e in self.name_matcher(sdoc) if _capitalised(sdoc[s:e])]
            for span in filter_spans(spans):
                mention = self._mention(span, offset, doc)
                if mention is None:
                    continue
                doc.mentions.append(mention)
                for tok in span:
                    doc.scratch.mention_at[offset + tok.idx] = mention
            for _, s, e in self.group_matcher(sdoc):
                span = sdoc[s:e]
                for tok in span:
                    groups[offset + tok.idx] = span
        doc.scratch.dyad = self._dyad(doc)
        named: dict[str, Actor] = {}  # surname -> how the person was coded where first named
        for offset, sdoc in doc.chunks:
            for tok in sdoc:
                if tok.pos_ in ARGUMENT_POS:
                    actors = self._resolve(tok, offset, doc, groups, named)
                    if actors:
                        doc.scratch.np_actors[offset + tok.idx] = actors

    def _mention(self, span: Span, offset: int, doc: Document) -> Actor | None:
        """The coded mention a matched span stands for (None: a country name inside a person's)."""
        start, end = offset + span.start_char, offset + span.end_char
        entity = self.phrases.get(span.text)
        if entity is not None:
            if self._inside_person(span):
                return None  # "Jordan Peterson", "Chad Smith": a person, not a country
            return Actor(span.text, start, end, entity.code, entity.country, entity.sector, entity.name, entity.why)
        found = self.names[_lower_tokens(span)]
        if isinstance(found, Entity):
            return Actor(span.text, start, end, found.code, found.country, found.sector, found.name, found.why)
        code, why = found.code_on(doc.date)
        return Actor(span.text, start, end, code, code[:3], code[3:6] or None, found.name, why)

    @staticmethod
    def _inside_person(span: Span) -> bool:
        """True when NER puts the span inside a longer PERSON name."""
        ent = next((e for e in span.doc.ents if e.start <= span.start < e.end), None)
        return ent is not None and ent.label_ == "PERSON" and len(ent) > len(span)

    @staticmethod
    def _dyad(doc: Document) -> list[Actor]:
        """The two states mentioned most often: what "the parties" and "both sides" mean."""
        counts = Counter(m.country for m in doc.mentions if m.country and m.country not in {"IGO", "NGO"})
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
            if h.pos_ == "PROPN" and len(found) == 1 and found[0].country:
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
        mentions: list[Actor] = []
        for tok in scope:
            m = doc.scratch.mention_at.get(offset + tok.idx)
            if m is not None and m not in mentions:
                mentions.append(m)
        if mentions:
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
            country = self._context_country(doc, start)
            if country:
                return [
                    self._leader(
                        Actor(text, start, end, country + (sector or ""), country, sector),
                        agent_phrase,
                        doc.date,
                        f"title '{agent_phrase}', the one state named so far",
                    )
                ]
        if head.text in named and head.text[:1].isupper():
            first = named[head.text]
            return [
                replace(first, text=text, start=start, end=end, why=f"named earlier as '{first.text}' ({first.why})")
            ]
        if sector:
            own = (
                sector in STATE_SECTORS
                and agent_phrase not in self.roles
                and head.dep_ in {"nsubj", "nsubjpass"}  # who acts; an object ("attacked the embassy") may be anyone's
                and self._no_other(head)
            )
            country = self._focus_country(doc, start) if own else None  # a title ("the president") is not
            if country:
                why = f"agent table: '{agent_phrase}' -> {sector}; the state the article has named most so far"
                return [Actor(text, start, end, country + sector, country, sector, None, why)]
            return [Actor(text, start, end, sector, None, sector, None, f"agent table: '{agent_phrase}' -> {sector}")]
        if head.ent_type_ in UNKNOWN_NE or (head.pos_ == "PROPN" and not head.ent_type_):
            return [Actor(text, start, end, None, None, None, None, "unknown name")]
        if head.pos_ in {"NOUN", "PROPN"} and not head.ent_type_:
            return [Actor(text, start, end, None, None, None, None, PLAIN_PHRASE)]
        return []

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
            # a title in the text ("Chancellor Merz") says more than a table's "out of office"
            sec = sector if sector and m.sector == "ELI" else m.sector or sector
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
    def _focus_country(doc: Document, before: int) -> str | None:
        """The state the article has named most often before an offset (of equals, the one
        named last): whose government, army or police an unnamed one is, as a reader takes it."""
        counts: Counter = Counter()
        last: dict[str, int] = {}
        for m in doc.mentions:
            if m.start < before and m.country and m.country not in STATELESS:
                counts[m.country] += 1
                last[m.country] = m.start
        return max(counts, key=lambda c: (counts[c], last[c]), default=None)

    @staticmethod
    def _context_country(doc: Document, before: int) -> str | None:
        """The state the article has named before an offset, if it has named exactly one."""
        states = {m.country for m in doc.mentions if m.start < before and m.country and m.country not in STATELESS}
        return states.pop() if len(states) == 1 else None
