"""Events stage: verb patterns over the dependency parse -> coded events with actors.

For every verb the most specific verb rule (vocab.verbs) gives a CAMEO code; the parse
gives its actor (subject, passive agent, controlling subject) and recipient (object,
prepositional object, or a coded actor inside the verb phrase). One event per action:
an infinitive complement ("agreed to continue talks") belongs to its governing verb's
event. Statements (CAMEO 01) have no PLOVER type and are not emitted. Negation and
modality (future, hypothetical) come from the verb's auxiliaries and markers.
"""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.matcher import PhraseMatcher
from spacy.tokens import Token

from ..document import Actor, Document, Event, Sentence
from ..ontology import in_class, lookup
from ..parties import BESIDE_PREPS, hyphen_agent, implied_sector, opposed, prep_objects
from ..vocab import discards, harm_nouns, judging_verbs
from ..vocab.verbs import Match, verb_lexicon

# bodies whose name before an act noun is its agent ("regime airstrikes", "police raids")
ARMED_SECTORS = frozenset({"GOV", "MIL", "COP", "REB", "UAF", "INS", "SPY"})

CLAUSE_DEPS = {
    "ccomp",
    "advcl",
    "parataxis",
    "relcl",
    "csubj",
    "mark",
    "punct",
    "cc",
    "nsubj",
    "nsubjpass",
    "expl",
    "aux",
    "auxpass",
    "neg",
    "agent",
    "dep",
}
RECIPIENT_PREPS = ("with", "to", "against", "on", "toward", "towards", "into", "over", "from", "for", "at")
# prepositions that as often name a topic ("cooperated on border security", "talks over the
# army's role"): their object is a recipient only if it names a country or a person
TOPIC_PREPS = {"on", "over", "for"}
# prepositions whose object says where or when, not to whom
WHERE_PREPS = {"in", "at", "near", "outside", "inside", "during", "across", "throughout"}
FEELING_VERBS = {
    "alarm",
    "anger",
    "appal",
    "appall",
    "concern",
    "delight",
    "disappoint",
    "dismay",
    "disturb",
    "encourage",
    "frustrate",
    "horrify",
    "outrage",
    "please",
    "sadden",
    "satisfy",
    "shock",
    "surprise",
    "trouble",
    "worry",
}
RESPONSIBLE = {"responsible", "responsibility", "credit"}  # "X is responsible for", "claimed responsibility for"
OTHER_ACT_PREPS = {"after", "before", "since", "until", "following", "for"}  # "captured after the retreat by Isis"
MANNER_PREPS = {"by", "after", "before", "while", "in"}  # "by attacking", "after meeting": the clause's subject acts
JUDGED_PREPS = {"for", "of", "against", "about", "into", "over", "on", "at"}  # "called for talks", "warned of strikes"
PARTY_ENTITIES = {"PERSON", "ORG", "GPE", "NORP"}  # named entities that can be a party
OBJECT_CONTROL = {"urge", "ask", "call", "force", "order", "tell", "persuade", "invite", "press", "encourage", "push"}
FUTURE_AUX = {"will", "shall", "'ll"}
HYPOTHETICAL_AUX = {"could", "might", "may", "would", "should", "can"}
CONDITION_MARKS = {"if", "unless", "whether"}  # a clause they open states a condition or a question, no act
FUTURE_HEADS = {
    "plan",
    "intend",
    "expect",
    "aim",
    "prepare",
    "schedule",
    "want",
    "hope",
    "seek",
    "decide",
    "due",
    "set",
    "slate",
    "poise",
}  # "is due to meet", "is set to visit"
# the words between a charged act and the "of" or "for" that names its agent's charge (an object
# only of a verb of doing: "of mounting an attack")
CHARGE_PATH = frozenset({"pobj", "prep", "pcomp", "dobj", "acomp", "xcomp"})
CHARGE_HOPS = 5
FAILED_HEADS = {"fail"}  # "failed to reach a deal": the complement did not happen
SCORE = re.compile(r"\b\d{1,2} ?[-–] ?\d{1,2}\b")
# in a verb rule's "after": the verb has an object, direct or made subject by the passive
# ("returned the paintings to", "the paintings were returned to")
OBJECT = "@object"
CANDIDATE_POS = {"VERB", "NOUN"}  # the words the detector reads as possible triggers
# an act noun's target: "strikes on Raqqa", "talks with Iran", "support for the rebels", "a rebuke
# to Bolton" (a coded party only: "calls for a ceasefire" names none)
NOUN_OBJECT_PREPS = {"on", "against", "with", "between", "for", "to", "toward", "towards"}
# verbs whose passive's "by" agent is the agent of their subject act ("massacres were committed by ..."),
# and whose subject that of their object act ("Canberra announced sanctions")
DOING_VERBS = {
    "announce",
    "begin",
    "carry",
    "commit",
    "conduct",
    "direct",
    "execute",
    "fight",
    "hold",
    "impose",
    "intensify",
    "launch",
    "lay",
    "lead",
    "make",
    "mount",
    "order",
    "organise",
    "organize",
    "perpetrate",
    "plan",
    "plant",
    "push",
    "reimpose",
    "resume",
    "stage",
    "start",
    "undertake",
    "wage",
}
COMMANDING_VERBS = {"direct", "lead", "order", "organise", "organize", "plan"}  # their subject has it done
# verbs whose object act comes from its "from" phrase to their subject: "receive support from Turkey"
RECEIVING_VERBS = {"receive", "get", "obtain", "gain", "secure"}
POSTED_VERBS = {"deploy", "station", "position", "garrison"}  # "US troops are deployed in Manbij": they deploy
MEMBER_VERBS = {"comprise", "include", "consist", "compose", "contain"}  # "a team comprising police officers"
DYING_VERBS = {"die", "perish"}  # their subject suffers the act: "soldiers died in an Israeli raid"
# prepositions whose object may name what caused a death: "killed in a Turkish air strike", "during a raid"
CAUSE_PREPS = {"in", "during", "after", "amid", "under", "from"}
SPORT_VERBS = {"beat", "defeat", "win", "lose", "draw", "thrash", "edge", "rout", "tie", "hold"}


def _chain(tok: Token) -> list[Token]:
    """The verb and the verbs it controls through infinitive complements."""
    out = [tok]
    for child in tok.children:
        if child.dep_ == "xcomp" and child.pos_ in {"VERB", "AUX"}:
            out.extend(_chain(child))
    return out


def _phrase(tok: Token) -> list[Token]:
    """Tokens after the verb that belong to its phrase: objects, particles, PPs, complements."""
    out: list[Token] = []

    def walk(t: Token) -> None:
        for child in t.children:
            if child.dep_ in CLAUSE_DEPS or (child.dep_ == "conj" and child.pos_ in {"VERB", "AUX"}):
                continue
            if child.dep_ == "acl" and child.head is not tok and child.tag_ == "VBN":
                continue
            if child.i > tok.i:
                out.append(child)
            walk(child)

    walk(tok)
    return sorted(out, key=lambda t: t.i)


def _words(tokens: list[Token]) -> list[tuple[str, str]]:
    return [(t.lower_, t.lemma_.lower()) for t in tokens]


def _object_gap(clause: Token) -> bool:
    """True for a relative clause whose object is the noun it qualifies ("the strike Trump
    ordered", not "the accusation that Britain directed the attack"), its subject a name or a
    noun, not "that" or "which"."""
    relative = {"WDT", "WP"}  # "that", "which": the noun itself
    return (
        clause.dep_ == "relcl"
        and not any(c.dep_ in {"dobj", "nsubjpass"} and c.tag_ not in relative for c in clause.children)
        and not any(c.dep_ == "nsubj" and c.tag_ in relative for c in clause.children)
    )


def _receiver(tok: Token) -> Token | None:
    """The object of a receiving verb an act noun is, itself or as a conjunct ("receive
    logistical support and funding"), or None."""
    node = tok
    while node.dep_ == "conj" and node.head is not node:
        node = node.head
    if node.dep_ == "dobj" and node.head.lemma_.lower() in RECEIVING_VERBS:
        return node
    return None


class EventCoder:
    """Codes the events of a Document whose actors stage has run."""

    name = "events"
    reads: tuple[str, ...] = ("sentences", "scratch.mention_at", "scratch.np_actors", "scratch.dyad")
    writes: tuple[str, ...] = ("events", "scratch.uncoded", "scratch.candidates", "scratch.work")

    def __init__(self, nlp, score_all_sentences: bool = False) -> None:
        """`score_all_sentences`: also offer candidates that can never become events (no
        actor), so that `parley eval` can read a type for every labelled sentence."""
        self.score_all_sentences = score_all_sentences
        self.lexicon = verb_lexicon()
        self.judging = judging_verbs()
        self.discards = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.discards.add("DISCARD", list(nlp.tokenizer.pipe(discards())))

    def __call__(self, doc: Document) -> None:
        discarded = {
            (offset, sdoc[start].sent.start) for offset, sdoc in doc.chunks for _, start, _ in self.discards(sdoc)
        }
        for sent in doc.sentences:
            if (sent.offset, sent.span.start) not in discarded:
                doc.events.extend(self._sentence(doc, sent))

    def _match(self, tok: Token) -> Match | None:
        if tok.pos_ != "VERB" or _no_act(tok):
            return None
        lemma = tok.lemma_.lower()
        particle = next((c.lower_ for c in tok.children if c.dep_ == "prt"), None)
        subject = _own_subject(tok)
        before = _words(list(subject.subtree)) if subject is not None else []
        after = _words(_phrase(tok))
        if any(c.dep_ in {"dobj", "nsubjpass"} for c in tok.children):
            after.insert(0, (OBJECT, OBJECT))
        for key in ([f"{lemma}_{particle}"] if particle else []) + [lemma]:
            if self.lexicon.knows(key):
                return self.lexicon.match(key, before, after)
        return None

    def _sentence(self, doc: Document, sent: Sentence) -> list[Event]:
        # "the US-backed militia": a standing stance the detector may still take for an act, no rule's event
        matches = {tok.i: m for tok in sent.span if hyphen_agent(tok) is None and (m := self._match(tok)) is not None}
        emitted: set[int] = set()
        events = []
        for tok in sorted((t for t in sent.span if t.i in matches), key=lambda t: len(list(t.ancestors))):
            m = matches[tok.i]
            if tok.dep_ in {"xcomp", "ccomp"} and tok.head.i in emitted:
                continue  # the content of the governing event ("agreed to talk", "demanded that X leave")
            info = lookup(m.rule.cameo)
            if info.plover_type is None:
                continue  # statements (CAMEO 01) are not emitted
            if tok.lemma_.lower() in SPORT_VERBS and SCORE.search(sent.text):
                continue  # a sports result ("beat Chelsea 3-1")
            event = self._event(doc, sent, tok, m)
            if event is not None:
                emitted.add(tok.i)
                events.append(event)
        if not events:
            candidates = [
                c
                for v in self._main_verbs(sent)
                if (c := self._event(doc, sent, v, None, require_actor=False)) is not None
            ]
            for c in candidates:
                if self._statement(doc.scratch.of(c).verb_token):
                    c.actors = []  # "X said ...": a statement is no event; typed for `parley eval` only
            candidate = next((c for c in candidates if c.actors), None)
            if candidate is None and self.score_all_sentences and candidates:
                candidate = candidates[0]
            if candidate is not None:
                doc.scratch.uncoded.append(candidate)
        taken = {e.trigger_start for e in events} | {c.trigger_start for c in doc.scratch.uncoded}
        doc.scratch.candidates += [
            c
            for tok in sent.span
            if tok.pos_ in CANDIDATE_POS and sent.offset + tok.idx not in taken
            if not _no_act(tok)
            if (c := self._candidate(doc, sent, tok)) is not None
        ]
        events.sort(key=lambda e: e.trigger_start)
        return events

    def _candidate(self, doc: Document, sent: Sentence, tok: Token) -> Event | None:
        """An uncoded event for the detector: a verb with the parties its parse gives, or a
        noun ("airstrikes", "talks") with those its own phrase names ("US airstrikes") and
        its object ("on Raqqa")."""
        if tok.pos_ == "VERB":
            return self._event(doc, sent, tok, None, require_actor=False)
        # "the attack by Syria"; "a series of airstrikes by Russian jets": the "by" of the counted act's word;
        # "massacres have been committed by the Turks": of the passive verb it is the subject of
        counted = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "of" else tok
        done = tok.head if tok.dep_ == "nsubjpass" and tok.head.lemma_.lower() in DOING_VERBS else counted
        # "has been under siege for years by the Assad government": the "by" of the verb it is under
        held = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "under" else tok
        # "the atrocities committed by Isis", "the strike Trump ordered": the "by" or the subject of a
        # participle or clause that tells who did the act
        doings = [c for c in tok.children if c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in DOING_VERBS]
        agents = [
            a
            for by in prep_objects(tok, {"by"})
            or prep_objects(counted, {"by"})
            or prep_objects(done, {"by"})
            or prep_objects(held, {"by"})
            or [o for d in doings for o in prep_objects(d, {"by"})]
            # (a name before the clause's verb may be parsed as its compound: its subject all the same)
            or [s for d in doings if _object_gap(d) for s in d.lefts if s.dep_ in {"nsubj", "compound"}]
            for a in self._actors_of(doc, sent, by)
            if a.code
        ]
        receiver = _receiver(tok)
        if receiver is not None and not agents:  # "receive support and funding from Turkey": Turkey gives
            givers = [o for g in [tok, *tok.conjuncts, receiver.head] for o in prep_objects(g, {"from"})]
            agents = [a for o in givers for a in self._actors_of(doc, sent, o) if a.code]
        agents = agents or self._owners(doc, sent, tok)
        charged = _charged(tok)
        agents = agents or [a for a in self._actors_of(doc, sent, charged) if a.code]  # "accused Russia of the bombing"
        # "Canberra announced sanctions": who does the verb the act is the object of (`_done_object`)
        doer = _own_subject(tok.head) if _done_object(tok) else None
        agents = agents or [a for a in self._actors_of(doc, sent, doer) if a.code]
        actors = agents or [a for a in self._actors_of(doc, sent, tok) if a.code]
        # "Putin's siege of Aleppo": where the act has its agent, its "of" phrase is the patient
        objects = prep_objects(tok, NOUN_OBJECT_PREPS | ({"of"} if agents else set()))
        recipients = [a for o in objects for a in self._actors_of(doc, sent, o) if a.code]
        if receiver is not None and agents and not recipients:  # who receives it is its target
            takers = [c for c in receiver.head.children if c.dep_ == "nsubj"]
            recipients = [a for t in takers for a in self._actors_of(doc, sent, t) if a.code]
        between = any(p.dep_ == "prep" and p.lower_ == "between" for p in tok.children)
        joint = not actors and between and len({a.country or a.code for a in recipients}) > 1
        if joint:
            actors, recipients = recipients, []  # "talks between Iran and the US": all of them act
        governing = tok.head if tok.head.pos_ in {"VERB", "AUX"} else tok  # "could impose sanctions"
        others = [r for r in recipients if r not in actors]
        event = _uncoded(doc, sent, tok, actors, others, bool(recipients) and not joint, self._modality(governing))
        work = doc.scratch.of(event)
        work.agent = bool(agents)
        judge = self._judge(tok)
        work.bystanders = [a for a in self._actors_of(doc, sent, judge) if not any(a is b for b in agents)]
        return event

    def _judge(self, tok: Token) -> Token | None:
        """The subject of a verb that tells of, asks for or judges an act noun as its object
        rather than does it ("Britain condemned the attack", "called for talks", "accused Russia
        of the bombing"; judging_verbs.tsv): not the act's agent."""
        node = tok
        while node.dep_ in {"compound", "conj", "appos"} and node.head is not node:
            node = node.head
        if node.dep_ == "pobj" and node.head.lower_ in JUDGED_PREPS:
            node = node.head
        verb = node.head.head if node.head.dep_ == "dobj" and node.dep_ == "prep" else node.head
        if node.dep_ not in {"dobj", "prep"} or verb is tok:
            return None
        if verb.pos_ == "NOUN":  # "called for an investigation into the strike": the investigation's judge
            return self._judge(verb)
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in self.judging | FEELING_VERBS:
            return None
        return _own_subject(verb)

    def _owners(self, doc: Document, sent: Sentence, tok: Token) -> list[Actor]:
        """The coded agent an act noun's own words name before it: its possessor ("Putin's
        siege", "his bombing"), a state's name or adjective ("US airstrikes", "the Russian
        air blitz") or an armed body of a state ("regime airstrikes", "coalition airstrikes"),
        as a reader takes the agent of a nominal act."""
        found: list[Actor] = []
        for child in tok.lefts:
            if child.dep_ == "poss" or (child.dep_ in {"compound", "amod", "nmod"} and child.pos_ != "NOUN"):
                mention = doc.scratch.mention_at.get(sent.offset + child.idx)
                named = self._actors_of(doc, sent, child) or ([mention] if mention else [])
                found += [a for a in named if a.code and a not in found and not opposed(doc.text, a.start)]
            elif child.dep_ == "compound" and child.pos_ == "NOUN":  # "regime airstrikes", not "hospital attacks"
                named = self._actors_of(doc, sent, child)
                # a body that bears arms, or a state's body named again without its sector ("coalition airstrikes")
                armed = [a for a in named if a.country and (not a.sector or a.sector in ARMED_SECTORS)]
                found += [a for a in armed if a not in found]
        return found

    def _harm_agents(self, doc: Document, sent: Sentence, word: Token, hops: int) -> list[Actor]:
        """The coded agent of the harmful act a word names, itself or through at most `hops` "of"
        phrases ("a series of airstrikes by Russian jets", "days of Turkey's offensive"): the
        act's "by" agent (or its count's), its owner, the leader or backer its hyphen names, or
        whom it was fought with ("clashes with US forces"). Who does the act does what it does:
        kills, frees, displaces."""
        harms = harm_nouns()
        noun = word
        while not {noun.lemma_.lower(), noun.lower_} & harms and hops > 0:
            noun = next(iter(prep_objects(noun, {"of"})), noun)
            hops -= 1
        if not {noun.lemma_.lower(), noun.lower_} & harms:
            return []
        acts = [noun, *(c for c in noun.children if c.dep_ == "conj")]  # "airstrikes and shelling by forces ..."
        bys = [by for act in dict.fromkeys([*acts, word]) for by in prep_objects(act, {"by"})]
        for found in (
            [a for by in bys for a in self._agent(doc, sent, by)],
            self._owners(doc, sent, noun),
            [a for c in noun.children if (h := hyphen_agent(c)) is not None for a in self._actors_of(doc, sent, h)],
            [a for w in prep_objects(noun, {"with"}) for a in self._actors_of(doc, sent, w)],
        ):
            if coded := [a for a in found if a.code]:
                return coded
        return []

    def _causers(self, doc: Document, sent: Sentence, tok: Token) -> list[Actor]:
        """The coded agent of the harmful act in which a death or a passive's act happened ("died
        in an Israeli raid", "were killed in clashes with US forces", "killed in the first days of
        Turkey's offensive", "freed from Turkish custody")."""
        return next(
            (found for noun in prep_objects(tok, CAUSE_PREPS) if (found := self._harm_agents(doc, sent, noun, 2))), []
        )

    def _main_verbs(self, sent: Sentence) -> list[Token]:
        """Verbs that may carry a sentence no rule coded, best first: what a reporting or
        intent verb introduces ("said that X attacked ...", "began an investigation"),
        then that verb itself, whose subject is at least the speaker."""
        root = sent.span.root
        if root.pos_ != "VERB":  # "Russia is willing to withdraw ..."
            root = next((t for t in root.subtree if t.pos_ == "VERB" and t.dep_ in {"xcomp", "ccomp"}), None)
        chain: list[Token] = []
        verb = root
        while verb is not None and len(chain) < 4:
            chain.append(verb)
            if not self._carrier(verb):
                break
            verb = next((c for c in verb.children if c.dep_ in {"ccomp", "xcomp"} and c.pos_ == "VERB"), None)
        return chain[::-1]

    def _carrier(self, verb: Token) -> bool:
        """A verb that only carries another: a statement ("say", CAMEO 01), a verb with no
        code of its own ("plan", "begin") or "going to" and "need to", whose complement may be
        the event."""
        return self.lexicon.default(verb.lemma_.lower()) is None or self._statement(verb) or _gives_way(verb)

    def _statement(self, verb: Token) -> bool:
        """A verb whose own code is a statement (CAMEO 01): no event by itself."""
        m = self.lexicon.default(verb.lemma_.lower())
        return m is not None and m.rule.cameo.startswith("01")

    def _actors_of(self, doc: Document, sent: Sentence, tok: Token | None) -> list[Actor]:
        if tok is None:
            return []
        return list(doc.scratch.np_actors.get(sent.offset + tok.idx, []))

    def _agent(self, doc: Document, sent: Sentence, by: Token) -> list[Actor]:
        """The parties a "by" agent names; a group the phrase says is made up of a coded body is
        that body ("arrested by a team comprising personnel of Godhra police": India's police)."""
        found = self._actors_of(doc, sent, by)
        if not found or any(not a.plain for a in found):
            return found
        for verb in (c for c in by.children if c.dep_ == "acl" and c.lemma_.lower() in MEMBER_VERBS):
            for member in [c for c in verb.children if c.dep_ == "dobj"] + prep_objects(verb, {"of"}):
                coded = [a for a in self._actors_of(doc, sent, member) if a.code]
                if coded:
                    return coded
        return found

    def _subject(self, tok: Token) -> tuple[Token | None, bool]:
        """(subject token, passive?) for a verb, following control and coordination."""
        subject = _own_subject(tok)
        if subject is not None:
            return subject, subject.dep_ == "nsubjpass"
        if tok.dep_ == "xcomp":
            if tok.head.lemma_.lower() in OBJECT_CONTROL:
                obj = next((c for c in tok.head.children if c.dep_ == "dobj"), None)
                if obj is not None:
                    return obj, False
            # "X is expected to attack": X acts; "X is believed to have been killed": X suffers it
            return self._subject(tok.head)[0], any(c.dep_ == "auxpass" for c in tok.children)
        if tok.dep_ == "acomp":  # "X is due to meet", "X is ready to talk"
            return self._subject(tok.head)
        if tok.dep_ == "conj" and tok.head.pos_ in {"VERB", "AUX"}:
            shared = self._subject(tok.head)
            if shared[0] is not None and _disagrees(tok, shared[0]) and tok.head.dep_ == "ccomp":
                # "states have accepted that Assad has survived ... and are preparing": the parse
                # joins the conjunct to the wrong clause, and its verb's number says which
                return self._subject(tok.head.head)
            return shared
        if tok.dep_ == "advcl" and tok.tag_ == "VBG":
            return self._subject(tok.head)
        if hyphen_agent(tok) is not None:  # "the US-backed militia": the militia is backed
            return tok.head, True
        charged = _charged(tok)
        if charged is not None:  # "accused the regime of using chemical weapons": the regime uses them
            return charged, False
        if tok.dep_ == "pcomp" and tok.head.lower_ == "from" and (obj := _kept_from(tok.head)) is not None:
            return obj, False  # "prevented Turkey from invading": Turkey would invade
        if tok.dep_ == "pcomp" and tok.head.lower_ in MANNER_PREPS and tok.head.head.pos_ in {"VERB", "AUX"}:
            # "by attacking the Kurds, Erdoğan challenged ...": he attacks
            return self._subject(tok.head.head)[0], False
        if tok.dep_ == "acl" and tok.head.pos_ in {"NOUN", "PROPN"}:
            by = any(c.dep_ == "agent" for c in tok.children)
            if tok.tag_ == "VBN" and (by or tok.head.dep_ != "ROOT"):
                return tok.head, True  # "hospitals targeted by Russian warplanes": the hospitals suffer it
            if tok.tag_ in {"VBD", "VBG"} or tok.head.dep_ == "ROOT":
                # "troops advancing on ..."; a verbless parse of "students protested in ..."
                return tok.head, False
        # "on the brink of being overrun by Turkish-backed rebels": a passive with no subject
        return None, any(c.dep_ == "auxpass" for c in tok.children)

    def _recipients(self, doc: Document, sent: Sentence, tok: Token, root: str) -> tuple[list[Actor], bool]:
        """(recipients, explicit?): named or coded objects and prepositional objects are
        explicit; failing those, the subject of a complement clause ("demanded that Russia
        ..."), the first coded actor inside the verb phrase ("staffing of the embassy in
        Russia"), and last an uncoded object ("killed a priest")."""
        chain = _chain(tok)
        plain_object: list[Actor] = []
        for verb in chain:
            children = list(verb.children)
            for child in children:
                if child.dep_ in {"dobj", "dative"}:
                    found = self._actors_of(doc, sent, child)
                    if found and not all(a.plain for a in found):
                        return found, True
                    plain_object = plain_object or found
            preps = [c for c in children if c.dep_ == "prep"]
            for prep in RECIPIENT_PREPS:  # "talks with X", "aid to X": named or coded actors only
                for child in preps:
                    if child.lower_ == prep:
                        for obj in child.children:
                            found = (
                                [
                                    a
                                    for a in self._actors_of(doc, sent, obj)
                                    if not a.plain and (prep not in TOPIC_PREPS or a.country or a.why == "unknown name")
                                ]
                                if obj.dep_ == "pobj"
                                else []
                            )
                            if found:
                                return found, True
        for child in tok.children:
            if child.dep_ == "ccomp":
                subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
                found = [a for a in self._actors_of(doc, sent, subject) if not a.plain]
                if found:
                    return found, False
        place_tokens = {
            t.i
            for verb in chain
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ in WHERE_PREPS
            for t in c.subtree
        }
        if in_class(root, "violent"):
            place_tokens = set()  # "bombed targets in Lebanon": the place is what was hit
        # "fighting alongside Kurdish forces": who acts beside the agent is no target
        place_tokens |= {t.i for c in tok.subtree if c.dep_ == "prep" and c.lower_ in BESIDE_PREPS for t in c.subtree}
        first = None
        for t in _phrase(tok):
            if t.i in place_tokens or (t.dep_ == "poss" and t.pos_ == "PRON"):
                continue  # a place; a possessive pronoun ("stopped its help for the rebels") owns, not suffers
            found = [a for a in self._actors_of(doc, sent, t) if not a.plain]
            if any(a.country for a in found):
                return [a for a in found if a.country], False
            first = first or found
        if first:
            return first, False
        return plain_object, False  # "killed a priest": an uncoded object is still the target

    def _event(
        self, doc: Document, sent: Sentence, tok: Token, m: Match | None, require_actor: bool = True
    ) -> Event | None:
        """The event a verb expresses; `m` None makes an uncoded candidate for the classifier."""
        subject, passive = self._subject(tok)
        explicit = False
        lemma = tok.lemma_.lower()
        dying = not passive and lemma in DYING_VERBS
        if passive or dying:
            backer = hyphen_agent(tok)  # "the US-backed militia"
            # "were targeted, expelled and killed by Isis": a passive's conjuncts share its agent
            shared = [o for c in tok.conjuncts if c.tag_ == "VBN" for o in prep_objects(c, {"by"})]
            agents = prep_objects(tok, {"by"}) or ([backer] if backer is not None else []) or shared or _stray_by(tok)
            actors = [a for by in agents for a in self._agent(doc, sent, by)] or self._causers(doc, sent, tok)
            recipients = self._actors_of(doc, sent, subject)
            passive = True
        else:
            actors = self._actors_of(doc, sent, subject)
            if subject is not None and not any(a.code for a in actors):
                actors = self._harm_agents(doc, sent, subject, 1) or actors  # "airstrikes by Russian jets killed ..."
            recipients, explicit = self._recipients(doc, sent, tok, lookup(m.rule.cameo).root if m else "")
        posted = passive and not actors and lemma in POSTED_VERBS and not dying
        if posted:  # the force posted is who mobilises, as a reader codes it
            actors, recipients, passive = recipients, [], False
        implied = passive and not actors and m is not None and in_class(m.rule.cameo or "", "joint")
        if implied and doc.scratch.dyad:
            # "the issue of the properties was discussed", "steps had been agreed": an agentless
            # joint act in an article about two parties is theirs; its subject is the topic
            actors = self._implied_parties(doc, sent.offset + tok.idx)
            recipients, passive = [], False
        reversed_roles = m is not None and m.rule.reversed_roles and not dying  # "die in raid": already the raid's
        if reversed_roles:
            actors, recipients = recipients, actors
        # "ten soldiers died": a death, by whoever; "two men were nabbed": an arrest by the police
        # (`stages.dyads`). A sentence or charge with no agent is left to the detector, which types
        # it as readers do (SANCTION, ACCUSE), where the verb rules code an arrest (COERCE)
        unsaid = passive and m is not None and implied_sector(tok) == "COP"
        if not actors and require_actor and not dying and not unsaid:
            return None
        # "Putin said Russia would ...": a state is no target of its own act; another body of it is
        # ("Iraqi Kurds repelled Iraqi soldiers", "the regime killed civilians")
        recipients = [r for r in recipients if not any(_same_body(a, r) for a in actors)]
        event = _uncoded(doc, sent, tok, actors, recipients, passive or explicit, self._modality(tok))
        work = doc.scratch.of(event)
        # a coded "by" agent, or a coded active subject ("said government troops had taken ..."):
        # the parse named who acted, and the span tagger does not overrule it
        # a rule that reverses the roles ("received aid from the US") names its agent by the object
        # so does the noun an active participle hangs on ("Russian forces backing Assad")
        active = subject is not None and (subject.dep_ == "nsubj" or (tok.dep_ == "acl" and subject == tok.head))
        # the parties an agreement or a meeting with no agent implies stand too, where the tagger
        # reads the speaker ("the Russian side said that joint steps had been agreed": both did)
        together = implied and m is not None and in_class(m.rule.cameo or "", "together")
        named_agent = explicit if reversed_roles else passive or posted or active or together
        work.agent = named_agent and any(a.code for a in actors)
        # "has been appalled at": the subject of a verb of feeling is who feels, not who suffers an act
        work.patient = passive and not reversed_roles and lemma not in FEELING_VERBS
        if m is not None:
            event.recode(m.rule.cameo, work.directed)
            event.confidence = self._confidence(m, actors, event.recipients)
            event.pattern = m.rule.describe()
        return event

    @staticmethod
    def _implied_parties(doc: Document, before: int) -> list[Actor]:
        """The article's two parties, each as its latest mention before an offset: the
        evidence for an actor the sentence leaves implicit."""
        parties = []
        for party in doc.scratch.dyad:
            mention = max(
                (m for m in doc.mentions if m.country == party.country and m.end <= before),
                key=lambda m: m.start,
                default=None,
            )
            if mention is not None:
                parties.append(replace(mention, why=f"implied by an agentless joint act: {mention.why}"))
        return parties if len(parties) == len(doc.scratch.dyad) else []

    @staticmethod
    def _modality(tok: Token) -> tuple[bool, str]:
        """(negated, status) from auxiliaries and markers of the verb and the verbs governing it."""
        verbs = _verb_chain(tok)
        negated = any(c.dep_ == "neg" or c.lower_ in {"never"} for v in verbs for c in v.children) or any(
            v.lemma_.lower() in FAILED_HEADS for v in verbs[1:]
        )
        aux = {c.lower_ for v in verbs for c in v.children if c.dep_ in {"aux", "auxpass"}}
        marks = {c.lower_ for v in verbs for c in v.children if c.dep_ == "mark"}
        if aux & HYPOTHETICAL_AUX or marks & {"if", "unless"}:
            status = "hypothetical"
        elif aux & FUTURE_AUX or any(v.lemma_.lower() in FUTURE_HEADS or _going_to(v) for v in verbs[1:]):
            status = "future"
        else:
            status = "factual"
        return negated, status

    @staticmethod
    def _confidence(m: Match, actors: list[Actor], recipients: list[Actor]) -> float:
        """An uncalibrated score for the patterns alone (the classify stage replaces it with
        a calibrated one): specific patterns and coded actors raise it."""
        score = 0.5 + 0.1 * min(m.matched, 2)
        if any(a.country for a in actors):
            score += 0.1
        if recipients:
            score += 0.1
        return min(score, 0.95)


def _own_subject(tok: Token) -> Token | None:
    """The subject a word's own clause gives it, active or passive; None where it has none."""
    return next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)


def _disagrees(verb: Token, subject: Token) -> bool:
    """A finite verb (or its auxiliary) in the present whose number is not its subject's:
    "are" after a singular name, "has" after a plural noun."""
    words = [verb, *(c for c in verb.children if c.dep_ in {"aux", "auxpass"})]
    finite = next((t for t in words if t.tag_ in {"VBZ", "VBP"}), None)
    if finite is None or subject.tag_ not in {"NN", "NNS", "NNP", "NNPS"}:
        return False
    return (finite.tag_ == "VBZ") == (subject.tag_ in {"NNS", "NNPS"})


def _kept_from(tok: Token) -> Token | None:
    """Who a "from" phrase's act is kept from: the object of the verb it hangs on, where that
    is a party's name, a pronoun or a named body ("prevented Turkey from invading", "barred
    them from entering"), not a thing."""
    verb = tok.head
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < tok.i), None)
    if obj is not None and (obj.pos_ in {"PROPN", "PRON"} or obj.ent_type_ in PARTY_ENTITIES):
        return obj
    return None


def _going_to(tok: Token) -> bool:
    """ "Is going to withdraw": "going" is the future's auxiliary, no journey and no act."""
    return tok.lower_ == "going" and _to_verb(tok)


def _gives_way(tok: Token) -> bool:
    """ "Going to" and "need to" ("we need to talk", "first need to capture the town"): no act
    of their own, the infinitive's is the one told ("we need support" still asks)."""
    return _going_to(tok) or (tok.lemma_.lower() == "need" and _to_verb(tok))


def _no_act(tok: Token) -> bool:
    """A word that reports no act of its own, for the verb rules and the detector alike."""
    return _gives_way(tok) or _conditional(tok) or _participle_noun(tok)


def _participle_noun(tok: Token) -> bool:
    """A past participle standing for whom it was done to ("the accused were remanded", "a
    case against the accused", "the injured"): a person, no act."""
    return tok.tag_ == "VBN" and (
        tok.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"} or any(c.dep_ == "det" for c in tok.children)
    )


def _conditional(tok: Token) -> bool:
    """Whether a verb's clause is one that "if", "unless" or "whether" opens ("if the Turks
    attack", "asked whether Labour would back intervention", "if they try to escape"): a
    condition or a question, no act reported. Nouns in such a clause may name acts told
    elsewhere ("if the ceasefire holds") and stay."""
    # "if they try to escape": the mark is on "try", which "escape" hangs on
    return tok.pos_ == "VERB" and any(_condition_mark(c) for v in _verb_chain(tok) for c in v.children)


def _verb_chain(tok: Token) -> list[Token]:
    """A verb and the verbs it hangs on as their complement or conjunct ("agreed to talk",
    "try to escape"), whose auxiliaries and markers are its own."""
    verbs = [tok]
    while tok.dep_ in {"xcomp", "conj"} and tok.head is not tok:
        tok = tok.head
        verbs.append(tok)
    return verbs


def _condition_mark(tok: Token) -> bool:
    """ "If", "unless" or "whether" opening a clause; not "even if" or "as if", which concede
    or compare."""
    before = tok.nbor(-1).lower_ if tok.i > 0 else ""
    return tok.dep_ == "mark" and tok.lower_ in CONDITION_MARKS and before not in {"even", "as"}


def _to_verb(tok: Token) -> bool:
    """Whether a verb takes a "to" infinitive as its complement."""
    return any(
        c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in tok.children
    )


def _same_body(a: Actor, b: Actor) -> bool:
    """Whether two coded parties may be one: one state, and one sector or a state named bare, where
    the body's own words name that state ("Ankara ... arming rebel groups": rebels the article's
    state was only guessed for are not Turkey's)."""
    if not a.country or a.country != b.country:
        return False
    return a.sector == b.sector or (not (a.sector and b.sector) and not (a.local or b.local))


def _done_object(tok: Token) -> bool:
    """An act named as what a verb of doing does ("carried out airstrikes", "announced
    sanctions"): the verb's subject is its agent. Who orders, plans or leads an act is not who
    does it as a reader codes it ("Trump ordered a strike": the US military's)."""
    verb = tok.head.lemma_.lower()
    return tok.dep_ == "dobj" and tok.head.pos_ == "VERB" and verb in DOING_VERBS and verb not in COMMANDING_VERBS


def _charged(tok: Token) -> Token | None:
    """Whom an act in "of" or "for" after a verb's object is charged to: "accused Russia of
    bombing hospitals", "praised Turkey for hosting refugees" (the object acts); also where the
    act lies deeper in that phrase, in words with no subject of their own ("accused the Kremlin
    of being behind the poisoning", "of being reckless in mounting an attack"). Who "was
    behind" an act did it."""
    node = tok.head if tok.dep_ == "compound" else tok  # "of bombing hospitals", parsed as a compound
    for _ in range(CHARGE_HOPS):
        if node.dep_ in {"pobj", "pcomp"} and node.head.lower_ in {"of", "for"}:
            break
        behind = node.dep_ == "pobj" and node.head.lower_ == "behind" and node.head.head.lemma_ == "be"
        if behind and (subject := _own_subject(node.head.head)) is not None:
            return subject  # "the regime was behind the attack"
        if node.dep_ not in CHARGE_PATH or _own_subject(node.head) is not None:
            return None
        if node.dep_ == "dobj" and node.head.lemma_.lower() not in DOING_VERBS:
            return None  # "of bombing hospitals": the hospitals are bombed, not an act of their own
        node = node.head
    else:
        return None
    governor = node.head.head
    if governor.lemma_.lower() in RESPONSIBLE and node.head.lower_ == "for":
        # "the regime is responsible for the attack", "Isis claimed responsibility for the bombing"
        clause = governor.head if governor.dep_ in {"acomp", "dobj", "attr"} else governor
        return _own_subject(clause)
    if governor.dep_ == "dobj" and governor.head.pos_ == "VERB" and governor.i < node.head.i:
        return governor  # the "of" phrase hangs on the object
    if governor.pos_ == "VERB":
        return next((c for c in governor.children if c.dep_ == "dobj" and c.i < node.head.i), None)
    return None


def _uncoded(
    doc: Document,
    sent: Sentence,
    tok: Token,
    actors: list[Actor],
    recipients: list[Actor],
    directed: bool,
    modality: tuple[bool, str],
) -> Event:
    """An event on a trigger word with its parties and modality (negated, status), not yet typed."""
    negated, status = modality
    event = Event(
        doc_id=doc.id,
        sentence_index=sent.index,
        sentence=sent.text,
        trigger_text=tok.text,
        trigger_start=sent.offset + tok.idx,
        trigger_end=sent.offset + tok.idx + len(tok),
        cameo="",
        event_type="",
        mode=None,
        contexts=[],
        goldstein=0.0,
        quad_class=0,
        actors=actors,
        recipients=recipients,
        negated=negated,
        status=status,
    )
    work = doc.scratch.of(event)
    work.verb_token, work.directed = tok, directed
    return event


def _stray_by(verb: Token) -> list[Token]:
    """A passive's agent that the parse hung on a word of the verb's own phrase ("abducted from
    her home by Jaysh al-Islam", "captured at the start of this year by the SDF", "killed in
    contravention of humanitarian law by the regime", "described as alarming by Russia's
    envoy"); a phrase of another time or purpose names another act ("captured after the
    retreat by Isis", "sent for analysis by the OPCW")."""
    phrases = [c for c in verb.children if c.dep_ == "prep" and c.lower_ not in OTHER_ACT_PREPS]
    # "described as 'very alarming' by Russia's envoy": the "by" on the word of an "as" phrase
    words = [w for p in phrases for w in p.children if w.dep_ in {"pobj", "pcomp"}]
    return [by for word in words for by in prep_objects(word, {"by"})]
