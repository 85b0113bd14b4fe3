"""Parties of a span: which coded actors a stretch of a parsed sentence names.

The actors stage codes every noun phrase head (`doc.scratch.np_actors`); any stage that finds
a party's words by other means (the classifier's span tagger) asks `code_span` what they name.
The noun phrase rules both use (`noun_phrase`, coordination, place prepositions) live here.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from functools import lru_cache

from spacy.tokens import Span, Token

from .document import PLAIN_PHRASE, Actor, Document
from .vocab import PLACE_PREPS, actor_phrases, implied_agents

# children that belong to a noun phrase's identity ("the Russian delegation", "Russia's
# foreign minister", "the delegations of the US and Russia"); clauses and other
# prepositional phrases ("the embassy in Russia") do not
NP_DEPS = {"compound", "amod", "poss", "nmod", "det", "nummod", "appos", "case", "quantmod", "predet"}
# what an attack did to people: its toll, told in a clause of its own ("an attack on Douma which
# killed 75", "shelled the town, killing four and wounding ten"), is not another act, and who
# suffered it ("a constable was injured in the attack") is its target
TOLL_VERBS = frozenset({"kill", "wound", "injure", "maim"})
PHRASE_DEPS = {"dobj", "nsubjpass", "prep", "prt", "agent"}  # a verb's dependents that hold its phrase's words
# people who speak or act for the body a "for" or "with" phrase names ("a spokesman for the SDF")
SPEAKS_FOR = {
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "representative",
    "envoy",
    "negotiator",
    "adviser",
    "advisor",
    "aide",
    "director",
}
# "an aide to the supreme leader", "adviser to the president": whom the person serves ("an
# envoy to Syria", "ambassador to the UN" are sent to another, not theirs)
SERVES = {"aide", "adviser", "advisor", "assistant", "counsellor", "counselor"}
SENDER_DEPS = {"compound", "poss", "amod", "nmod"}  # words before a title that may name who sent its holder
SENDER_NE = {"NORP", "GPE", "ORG"}
NAMING_DEPS = {"compound", "amod", "nmod", "poss", "dobj"}  # words of an act's phrase that may name it
OPPOSED = re.compile(r"\b(?:anti|counter)[-‐–]$", re.IGNORECASE)  # "the anti-Isis coalition"
# nouns of a relation to another party: "Turkey's allies", "Assad's backers" are not Turkey or Assad
RELATIONS = frozenset(
    {"ally", "backer", "patron", "sponsor", "enemy", "foe", "rival", "opponent", "adversary", "partner", "proxy"}
)
ARGUMENT_POS = {"NOUN", "PROPN", "PRON", "NUM"}  # NUM: "thousands of farmers"
# names that may be actors we cannot code yet; places, dates and numbers are not actors
UNKNOWN_NE = {"PERSON", "ORG", "NORP"}
PLACE_NE = {"GPE", "LOC", "FAC"}
BESIDE_PREPS = {"alongside", "beside"}  # who acts with the agent, not on whom it acts
EDGE_POS = {"ADP", "CCONJ", "PUNCT", "SCONJ"}  # words a tagged span may not start or end with
JOIN = r",|;|&|\b(?:and|or|nor|as well as|plus|with)\b"  # what joins coordinated parties
COORDINATION = re.compile(JOIN, re.IGNORECASE)
TRAILING_JOIN = re.compile(rf"(?:\s|{JOIN})*$", re.IGNORECASE)  # always matches


def code_span(doc: Document, start: int, end: int, places: bool = True) -> list[Actor]:
    """The actors a span of the coded document names (the span tagger's source or
    target): its head's noun phrase coding, stretched to the span's words. With
    `places` False a place phrase ("in Brussels") names no party: the venue of a
    meeting, unlike the target of a strike ("shelled positions in Donetsk")."""
    for offset, sdoc in doc.chunks:
        length = sdoc[-1].idx + len(sdoc[-1]) if len(sdoc) else 0  # not len(sdoc.text): that rebuilds it
        if offset <= start < offset + length:
            span = sdoc.char_span(start - offset, min(end, offset + length) - offset, alignment_mode="expand")
            break
    else:
        return []
    while span is not None and len(span) and span[-1].pos_ in EDGE_POS | {"DET"}:
        span = span[:-1]  # "a prominent blogger at": the preposition is not the actor's
    while span is not None and len(span) and span[0].pos_ in EDGE_POS:
        span = span[1:]
    if span is None or not any(t.pos_ in ARGUMENT_POS for t in span):
        return []  # no noun, no actor ("the", "said")
    span = _first_phrase(span)
    root = span.root
    # a capital named as where is a venue whatever the name finder made of it ("met in Montevideo
    # on Monday" is a date to the small model)
    mention = doc.scratch.mention_at.get(offset + root.idx)
    where = root.ent_type_ in PLACE_NE or (mention is not None and mention.start in doc.scratch.venues)
    if not places and where and root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPS:
        return []
    if root.dep_ == "pobj" and root.head.lower_ in BESIDE_PREPS:
        return []  # "fighting alongside Kurdish forces": who acts beside the agent is no party to the act
    start, end = offset + span.start_char, offset + span.end_char
    text = doc.text[start:end]
    found = doc.scratch.np_actors.get(offset + root.idx)
    # "airstrikes by Russian jets": an act's agent inside the span is the party, with its own words
    agents = [o for o in prep_objects(root, {"by"}) if o.i < span.end]
    by = [a for o in agents for a in doc.scratch.np_actors.get(offset + o.idx, ()) if a.code]
    if by:
        return by
    if not found or all(a.code is None for a in found):
        # the head is plain ("the U.S. Supreme Court decision"): a coded name within its own phrase
        # codes it, save the other party of a relation ("Turkey's allies")
        own = {t.i for t in noun_phrase(root)} - related(root)
        found = next(
            (
                doc.scratch.np_actors[offset + t.idx]
                for t in span
                if t.i in own and t.i != root.i and any(a.code for a in doc.scratch.np_actors.get(offset + t.idx, ()))
            ),
            found,
        )
    if not found:
        named = root.pos_ == "PROPN" or root.ent_type_ in UNKNOWN_NE
        return [Actor(text, start, end, None, None, None, None, "unknown name" if named else PLAIN_PHRASE)]
    if len(found) == 1:
        return [replace(found[0], text=text, start=start, end=end)]
    return share_out(doc.text, sorted(found, key=lambda a: a.start), start, end)


def _first_phrase(span: Span) -> Span:
    """A tagged span that runs over into a phrase of the verb's ("Kurdish forces in the
    country's north", where "in" hangs on "surrendered") cut where that phrase begins, so its
    head is the party's noun, not the place's."""
    heads = [t for t in span if not span.start <= t.head.i < span.end or t.head.i == t.i]
    if len(heads) < 2 or heads[0].pos_ not in ARGUMENT_POS or heads[1].dep_ != "prep":
        return span
    cut = span[: heads[1].i - span.start]
    while len(cut) > 1 and cut[-1].pos_ in EDGE_POS | {"DET"}:
        cut = cut[:-1]
    return cut


def noun_phrase(head: Token, modifier: bool = False) -> list[Token]:
    """Tokens that make up the noun phrase's identity, pruning clauses and other PPs.

    Coordination inside a modifier belongs to the phrase ("Chinese and American
    negotiators"); coordination of the head itself is expanded by `_resolve`.
    """
    out = [head]
    for child in head.children:
        if (child.dep_ in NP_DEPS or (modifier and child.dep_ in {"conj", "cc"})) and child.pos_ != "VERB":
            out.extend(noun_phrase(child, modifier=True))
        elif _led_by(child):  # "the US-led coalition": the leader's
            out += [child, *(t for t in child.children if t.dep_ in {"npadvmod", "compound", "nmod"})]
        elif child.dep_ == "prep" and (child.lower_ in {"of", "from"} or _speaks_for(head, child)):
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.pos_ != "VERB":
                    out.extend(noun_phrase(obj))
                    for conj in obj.conjuncts:
                        out.extend(noun_phrase(conj))
    return out


def _speaks_for(head: Token, prep: Token) -> bool:
    """ "a spokesman for the SDF", "an official with the UN", "an aide to the supreme leader",
    "a commissioner at Scotland Yard": the body or person a person speaks, acts or works for;
    not where the words before the title name who sent them ("the UN envoy for Syria": Syria
    is the envoy's brief)."""
    if prep.lower_ == "at":
        return _names_body(prep)
    role = head.lemma_.lower()
    if any(c.dep_ in SENDER_DEPS and (c.pos_ == "PROPN" or c.ent_type_ in SENDER_NE) for c in head.lefts):
        return False
    return (prep.lower_ in {"for", "with"} and role in SPEAKS_FOR) or (prep.lower_ == "to" and role in SERVES)


def _names_body(prep: Token) -> bool:
    """Whether a preposition's object is an organisation by name ("at Human Rights Watch", "at
    Scotland Yard"), not a place ("a commander at Baghuz")."""
    return any(o.dep_ == "pobj" and any(t.ent_type_ == "ORG" for t in (o, *o.lefts)) for o in prep.children)


def related(head: Token) -> set[int]:
    """The words naming the other party of a relation noun ("Turkey's" in "Turkey's allies")."""
    if head.lemma_.lower() not in RELATIONS:
        return set()
    return {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}


def opposed(text: str, start: int) -> bool:
    """Whether the name at `start` follows "anti-" or "counter-": "the anti-Isis coalition", "a
    counter-Daesh operation" fight the group they name."""
    return OPPOSED.search(text[max(0, start - 8) : start]) is not None


def _led_by(tok: Token) -> bool:
    """A hyphenated "X-led" modifier: the group is X's, as a reader codes "the Saudi-led coalition"."""
    return tok.dep_ == "amod" and tok.lower_ == "led" and tok.i > 0 and tok.doc[tok.i - 1].text == "-"


def prep_objects(tok: Token, preps: Collection[str] | None = None) -> list[Token]:
    """The objects of a word's prepositional phrases, of any preposition or of `preps` ("strikes
    on Raqqa"); "by" takes in a passive's agent ("arrested by the police", "the attack by Syria")."""
    return [
        obj
        for prep in tok.children
        if prep.dep_ in {"prep", "agent"} and (preps is None or prep.lower_ in preps)
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]


def act_names(tok: Token, preps: Collection[str] | None = None) -> set[str]:
    """The proper names an act's own words give it: "the Douma attack", "the attack on Douma",
    "carried out a chemical attack on Douma" (what tells one act from another of its type), in
    the phrases of any preposition or of `preps`; a day ("the attack on Tuesday") tells none."""
    phrase = [c for c in tok.children if c.dep_ in NAMING_DEPS] + prep_objects(tok, preps)
    words = [w for n in phrase for w in [n, *(c for c in n.children if c.dep_ in NAMING_DEPS), *prep_objects(n)]]
    return {
        t.lower_
        for t in words
        if t.pos_ == "PROPN" and t.ent_type_ not in {"DATE", "TIME"} and t.text not in _state_names()
    }


@lru_cache(maxsize=1)
def _state_names() -> frozenset[str]:
    """Names and adjectives of states: "an attack in Syria" names no one act."""
    return frozenset(p for p, e in actor_phrases().items() if e.kind in {"country", "demonym", "capital"})


def hyphen_agent(tok: Token) -> Token | None:
    """The agent a participle joined to it by a hyphen names: "US" of "the US-backed militia",
    "Iranian" of "Iranian-trained fighters" (not the body's own state, unlike "X-led")."""
    if tok.dep_ != "amod" or tok.tag_ != "VBN" or not any(c.tag_ == "HYPH" for c in tok.children):
        return None
    return next((c for c in tok.lefts if c.dep_ in {"npadvmod", "compound", "amod", "nmod"}), None)


def share_out(text: str, parties: list[Actor], start: int, end: int) -> list[Actor]:
    """Several parties one span names ("the armies of Brazil and Argentina", "NATO Secretary
    General Jens Stoltenberg"), each stretched over the span's words that are its own: the
    first from the span's start, the last to its end, and each later one back over the
    words after the last conjunction or comma before it ("and the United Nations"). None
    reaches into the next ("political leaders" of "political leaders and members of ...")."""
    out: list[Actor] = []
    for i, party in enumerate(parties):
        a, b = party.start, party.end
        if i == 0:
            a = min(a, start)
        else:
            gap = text[out[-1].end : a]
            own = gap[max((m.end() for m in COORDINATION.finditer(gap)), default=0) :]
            a -= len(own.lstrip())
        if i == len(parties) - 1:
            b = max(b, end)
        elif a < parties[i + 1].start < b:  # parties that start together (one group noun's) keep its words
            trailing = TRAILING_JOIN.search(text[a : parties[i + 1].start])
            b = a + (trailing.start() if trailing else 0)
        out.append(replace(party, text=text[a:b], start=a, end=b))
    return out


def implied_sector(verb: Token) -> str | None:
    """The sector of the state body that does a verb's act where the text names no agent
    (`vocab.implied_agents`): by its lemma, or by its lemma and a word of its phrase ("was
    taken into custody", not "was taken to hospital")."""
    rows = implied_agents().get(verb.lemma_.lower(), ())
    if not any(word for word, _ in rows):  # most verbs imply no one; the others, by lemma alone
        return rows[0][1] if rows else None
    phrase = {t.lower_ for c in verb.children if c.dep_ in PHRASE_DEPS for t in c.subtree}
    return next((sector for word, sector in rows if not word or word in phrase), None)
