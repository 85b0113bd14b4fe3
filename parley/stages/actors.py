"""Actors stage: find and code every actor mention, then code each noun phrase head.

Mentions are found by exact (case-sensitive) phrase matching against the country,
organisation and institution tables; sectors come from agent words in the noun phrase
("the Russian delegation" -> RUS + GOV). Any other noun phrase is a plain, uncoded actor
("a car bomb"): it can be who acted or was acted upon, but never says which country.
Group nouns ("both sides") resolve to the article's dyad: the two countries it mentions
most. Unknown actors keep their text with country null; a country is never guessed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span, Token
from spacy.util import filter_spans

from ..document import PLAIN_PHRASE, Actor, Document
from ..vocab import Entity, actor_phrases, agents, country_names, group_nouns, quantity_nouns

# children that belong to a noun phrase's identity ("the Russian delegation", "Russia's
# foreign minister", "the delegations of the US and Russia"); clauses and other
# prepositional phrases ("the embassy in Russia") do not
NP_DEPS = {"compound", "amod", "poss", "nmod", "det", "nummod", "appos", "case", "quantmod", "predet"}
ARGUMENT_POS = {"NOUN", "PROPN", "PRON", "NUM"}  # NUM: "thousands of farmers"
# names that may be actors we cannot code yet; places, dates and numbers are not actors
UNKNOWN_NE = {"PERSON", "ORG", "NORP"}


def actor_code(entity: Entity, sector: str | None) -> str:
    """CAMEO actor code: country plus sector (USAGOV); organisations keep their own code."""
    if entity.country in {"IGO", "NGO"}:
        return entity.code
    return f"{entity.country}{sector or ''}"


class ActorCoder:
    """Codes actor mentions and noun phrase heads of a parsed Document."""

    def __init__(self, nlp) -> None:
        self.phrases = actor_phrases()
        self.groups = group_nouns()
        self.quantities = quantity_nouns()
        self.agents = agents()
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.matcher.add("ACTOR", list(nlp.tokenizer.pipe(self.phrases)))
        self.group_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.group_matcher.add("GROUP", list(nlp.tokenizer.pipe(self.groups)))

    def __call__(self, doc: Document) -> None:
        groups: dict[int, Span] = {}
        for offset, sdoc in doc.chunks:
            spans = [sdoc[s:e] for _, s, e in self.matcher(sdoc)]
            for span in filter_spans(spans):
                if self._inside_person(span):
                    continue  # "Jordan Peterson", "Chad Smith": a person, not a country
                entity = self.phrases[span.text]
                mention = Actor(span.text, offset + span.start_char, offset + span.end_char,
                                actor_code(entity, entity.sector), entity.country, entity.sector,
                                entity.name, entity.why)
                doc.mentions.append(mention)
                for tok in span:
                    doc.mention_at[offset + tok.idx] = mention
            for _, s, e in self.group_matcher(sdoc):
                span = sdoc[s:e]
                for tok in span:
                    groups[offset + tok.idx] = span
        doc.dyad = self._dyad(doc)
        for offset, sdoc in doc.chunks:
            for tok in sdoc:
                if tok.pos_ in ARGUMENT_POS:
                    actors = self._resolve(tok, offset, doc, groups)
                    if actors:
                        doc.np_actors[offset + tok.idx] = actors

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
        return [Actor(names.get(c, c), -1, -1, c, c, None, names.get(c), "article dyad")
                for c, _ in counts.most_common(2)] if len(counts) >= 2 else []

    def _scope(self, head: Token, modifier: bool = False) -> list[Token]:
        """Tokens that make up the noun phrase's identity, pruning clauses and other PPs.

        Coordination inside a modifier belongs to the phrase ("Chinese and American
        negotiators"); coordination of the head itself is expanded by `_resolve`.
        """
        out = [head]
        for child in head.children:
            if (child.dep_ in NP_DEPS or (modifier and child.dep_ in {"conj", "cc"})) and child.pos_ != "VERB":
                out.extend(self._scope(child, modifier=True))
            elif child.dep_ == "prep" and child.lower_ in {"of", "from"}:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.pos_ != "VERB":
                        out.extend(self._scope(obj))
                        for conj in obj.conjuncts:
                            out.extend(self._scope(conj))
        return out

    def _resolve(self, head: Token, offset: int, doc: Document, groups: dict[int, Span]) -> list[Actor]:
        """Actors a noun phrase head stands for, expanding coordination ("the US and Russia")."""
        if head.tag_ in {"WDT", "WP"} and head.head.dep_ == "relcl":
            head = head.head.head  # "the rebels, who attacked ..." -> the rebels
        actors: list[Actor] = []
        for h in [head, *[c for c in head.conjuncts if c.i > head.i]]:
            actors.extend(self._resolve_one(h, offset, doc, groups))
        seen, unique = set(), []
        for a in actors:
            key = (a.code, a.country, a.text if a.country is None else "")
            if key not in seen:
                seen.add(key)
                unique.append(a)
        return unique

    def _resolve_one(self, head: Token, offset: int, doc: Document, groups: dict[int, Span]) -> list[Actor]:
        scope = sorted(self._scope(head), key=lambda t: t.i)
        if head.lemma_.lower() in self.quantities:  # "thousands of farmers": the farmers act
            counted = next((o for p in head.children if p.dep_ == "prep" and p.lower_ == "of"
                            for o in p.children if o.dep_ == "pobj"), None)
            if counted is not None:
                head = counted
        lemmas = [t.lemma_.lower() for t in scope
                  if (t is head or (t.i < head.i and t.head is head and t.dep_ in {"compound", "amod"}))
                  and offset + t.idx not in doc.mention_at]
        sector, agent_phrase = self.agents.sector(lemmas) if head.pos_ != "PRON" else (None, None)
        start = offset + scope[0].idx
        end = offset + scope[-1].idx + len(scope[-1])
        text = doc.text[start:end]
        mentions: list[Actor] = []
        for tok in scope:
            m = doc.mention_at.get(offset + tok.idx)
            if m is not None and m not in mentions:
                mentions.append(m)
        if mentions:
            single = len(mentions) == 1
            out = []
            for m in mentions:
                sec = m.sector or sector
                why = m.why + (f"; agent '{agent_phrase}' -> {sector}" if sector and not m.sector else "")
                out.append(Actor(text if single else m.text, start if single else m.start, end if single else m.end,
                                 actor_code(self.phrases[m.text], sec), m.country, sec, m.name, why))
            return out
        group = groups.get(offset + head.idx)
        if group is not None:
            gsector = self.groups.get(group.text.lower())
            if not doc.dyad:
                return [Actor(group.text, offset + group.start_char, offset + group.end_char, gsector, None, gsector,
                              None, "group noun; the article names no two parties")]
            return [replace(a, text=group.text, start=offset + group.start_char, end=offset + group.end_char,
                            sector=gsector, code=f"{a.country}{gsector or ''}",
                            why=f"group noun '{group.text.lower()}' -> article dyad")
                    for a in doc.dyad]
        if sector:
            return [Actor(text, start, end, sector, None, sector, None, f"agent table: '{agent_phrase}' -> {sector}")]
        if head.ent_type_ in UNKNOWN_NE or (head.pos_ == "PROPN" and not head.ent_type_):
            return [Actor(text, start, end, None, None, None, None, "unknown name")]
        if head.pos_ in {"NOUN", "PROPN"} and not head.ent_type_:
            return [Actor(text, start, end, None, None, None, None, PLAIN_PHRASE)]
        return []
