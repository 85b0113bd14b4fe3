"""Classify stage: which words report an act, and of which PLOVER type.

The verb patterns find events, their triggers and a fine CAMEO code; the events stage also
offers every other verb and noun as a candidate. The classifier (parley.nlp.models) reads
each sentence with one trigger marked, plus the pattern's type, and gives a calibrated
probability for each type. With the shipped event detector (`models/detector.py`), that is
one reading per sentence, and the detector decides every candidate from the encoder's
states at its word, the sentence's probabilities and what the rules and parse say of it:
an event of the likeliest type where that type has at least the detector's threshold (the
rule's own type needs only `agreed`), no event otherwise (a rule's event too); a type no
word reaches alone but the words left undecided reach together stands on the likeliest of
them (`_decide`). A rule's type and fine code stand where the detector agrees; two words of
one act give one event (`_one_per_act`); the main event takes the span tagger's parties from
the sentence's reading (tagged only where the detector finds an event), every other detected
event the rules gave no coded actor from a reading of its own.

Without a detector (a classifier trained on other data reads another encoder), the
classifier's rules decide:

- the pattern's type (and its specific CAMEO code) stays when the classifier gives it at
  least KEEP_PATTERN probability, or half its favourite's: where the classifier hesitates
  the trigger's own pattern decides. Otherwise the classifier's type wins and the event
  takes that type's default code (for YIELD, the verb's own 08x code if its rules have
  one, else CONCEDE's). On 5-fold cross-validation of the development data this rule
  loses nothing against the classifier alone (accuracy 0.875 either way);
- the classifier was trained on one label per sentence (and, as measured, takes little
  notice of the marked trigger), so in a sentence with several coded events its type is
  given to one of them (the holder); the others keep their pattern's type, with the
  pattern's measured accuracy (PATTERN_PRIOR) as confidence;
- a negated event keeps its pattern's type too: the classifier reads "have not reached an
  agreement" as a rejection, while PLOVER codes it as AGREE with the negation mode;
- `confidence` is otherwise the classifier's calibrated probability of the chosen type;
- a sentence no pattern coded offers its main verb as an uncoded candidate; it becomes
  an event when it has an actor and the classifier is at least MIN_UNCODED confident,
  and otherwise stays, typed, in `doc.scratch.uncoded` (which `parley eval` reads);
- in the same encoder pass the span tagger (parley.nlp.models.tagger) marks the source and
  target of the sentence's event; the event that takes the sentence's type takes those
  spans, coded by the actor tables, where the tagger found them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations

import numpy as np
from spacy.tokens import Token

from ..document import Actor, Document, Event
from ..models.classifier import EventClassifier, mark, softmax
from ..models.detector import NONE, TYPES, EventDetector, candidate_view, detect, marked
from ..models.labels import LABELS, to_label
from ..models.tagger import Reading, SpanTagger, read, spans_of
from ..models.threads import one_thread
from ..ontology import in_class, plover_defaults
from ..parties import TOLL_VERBS, code_span, implied_sector, prep_objects
from ..vocab.verbs import verb_lexicon
from .actors import REPORTED_DEPS, saying_verb
from .dyads import names_state, overlap
from .events import FAILED_HEADS

MIN_UNCODED = 0.6
KEEP_PATTERN = 0.15  # absolute ...
KEEP_PATTERN_SHARE = 0.5  # ... or relative to the classifier's favourite
# "killed by a drone strike", "shelled with artillery fire", "wounded in an attack", "took them
# into custody": the object names the act its head does (not "after an attack", "against the
# offensive": another act)
SAME_ACT_PREPOSITIONS = {"by", "with", "in", "during", "through", "via", "into"}
OWN_SUBJECT = {"nsubj", "nsubjpass"}  # a conjunct with its own subject is a clause of its own
# what a meeting, an agreement or a joint venture is about ("talks on the return of Russian
# property"), unlike whom a sanction, a strike or a bet is on ("a strategic bet on Turkey"); for
# those types no object of these is a party, where the events stage's TOPIC_PREPS, for every act,
# keeps one that names a state or a person ("sanctions on Russia")
TOPIC_PREPOSITIONS = frozenset({"on", "over", "about", "regarding", "concerning"})
TOPICAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# how often a pattern's type is right on the development data (parley's own rules, PETRARCH's):
# the calibrated confidence of an event whose type only the pattern knows
PATTERN_PRIOR = {True: 0.78, False: 0.59}


@dataclass(frozen=True)
class Decision:
    """The detector's reading of one candidate: the type of its event (an index of TYPES),
    and whether, where the rules gave it no coded party, the tagger reads its parties."""

    type: int
    tagged: bool  # its type reached the threshold, alone or with the sentence's other words


@dataclass
class Batch:
    """A batch of documents made ready for the classifier (see `prepare`)."""

    docs: list[Document]
    groups: list[tuple[Document, list[Event]]]  # the events of one sentence, or one uncoded candidate
    mains: list[Event]  # per group, the event whose trigger the classifier sees
    readings: list[Reading]
    pools: list[list[Event]] = field(default_factory=list)  # with a detector: every candidate of the sentence
    views: list[list[tuple[int, list[float]]]] = field(default_factory=list)  # per pool: reading offset, view
    # per pool: each candidate's reading of its own (`_own_reading`), or None
    own: list[list[Reading | None]] = field(default_factory=list)
    # per pool: whether each candidate is a rule's coercion by the police (`_police_act`)
    police: list[list[bool]] = field(default_factory=list)

    def portable(self) -> Batch:
        """What `EventClassifierStage.predict` reads, without the documents and their parse
        (for a worker process: `parley.nlp.classify_workers`)."""
        return Batch([], [], self.mains, self.readings, self.pools, self.views, self.own, self.police)


def _topics(verb: Token, offset: int) -> list[tuple[int, int]]:
    """The text spans a meeting or an agreement is about: the objects of its topic prepositions,
    or of its object's ("held talks about Syria"). What a meeting is about is no party to it."""
    heads = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
    return [
        (offset + o.left_edge.idx, offset + o.right_edge.idx + len(o.right_edge))
        for head in heads
        for o in prep_objects(head, TOPIC_PREPOSITIONS)
    ]


def _speakers(verb: Token, offset: int) -> list[tuple[int, int]]:
    """The text span of whoever says the words an act is reported in: the subject of the verb
    of saying whose reported clause holds the trigger, up to its head noun ("Erdoğan's office",
    not "Ms Begum, who married a Dutch fighter"). The reporter is no target of the act."""
    saying = saying_verb(verb, REPORTED_DEPS)
    return [
        (offset + s.left_edge.idx, offset + s.idx + len(s))
        for s in (saying.children if saying is not None else ())
        if s.dep_ == "nsubj"
    ]


def _depth(doc: Document, event: Event) -> int:
    """How deep the trigger sits in its sentence's parse: the main verb has depth 0."""
    return sum(1 for _ in doc.scratch.of(event).verb_token.ancestors)


def _one_per_act(doc: Document, events: list[Event]) -> list[Event]:
    """Events of one sentence less those that repeat an event of the same type on a word
    next to its trigger in the parse: its head or a dependent, not a conjunct ("met X and met
    Y" are two acts), or the object of a preposition of means or occasion on it ("killed by a
    drone strike", "pounding the towns with artillery fire"). Words so joined, also through
    each other ("launched" - "strikes" - "air"), are one act. The word a means hangs on stands
    for it (and takes the parties of the act's other words where its own words name none); else
    the better-attested event, by the roles it has a coded party in (source, target), then
    confidence. What an attack killed or wounded, told in a clause of its own, is its toll
    (`_toll`, `_chained`): one act with the nearest attack before it, which stands for it
    and takes the victims as its targets where it names none; a toll that is no event of its own
    still lends its victims to the act it tells of (`_victims`). A "failed" whose complement is
    an event is that event's negation, not an act of its own."""

    def attested(e: Event) -> tuple[int, float]:  # roles filled: two recipients of one state attest no more than one
        return any(a.code for a in e.actors) + any(a.code for a in e.recipients), e.confidence

    def means(a: Token, b: Token) -> bool:  # a names the means or occasion of b ("killed by a bomb")
        return a.dep_ == "pobj" and a.head.head == b and a.head.lower_ in SAME_ACT_PREPOSITIONS

    def joined(a: Token, b: Token) -> bool:  # one governs the other, not as a conjunct, or is its means
        return (a.head == b and a.dep_ != "conj") or (b.head == a and b.dep_ != "conj") or means(a, b) or means(b, a)

    def failed(e: Event) -> bool:  # "failed to reach an agreement": the act is the (negated) complement
        token = doc.scratch.of(e).verb_token
        return token.lemma_.lower() in FAILED_HEADS and any(
            doc.scratch.of(o).verb_token.head == token and doc.scratch.of(o).verb_token.dep_ == "xcomp" for o in events
        )

    events = [e for e in events if not failed(e)]
    token = {id(e): doc.scratch.of(e).verb_token for e in events}
    a_means = {
        id(e) for e in events for o in events if o.event_type == e.event_type and means(token[id(e)], token[id(o)])
    }
    tolls = {id(e) for e in events if token[id(e)].lemma_.lower() in TOLL_VERBS}
    events.sort(key=lambda e: (id(e) not in a_means, id(e) not in tolls, *attested(e)), reverse=True)
    act = list(range(len(events)))  # each event's act: the index of the event standing for it

    def find(i: int) -> int:
        while act[i] != i:
            i = act[i]
        return i

    for i, j in combinations(range(len(events)), 2):
        if events[i].event_type == events[j].event_type and (
            joined(a := token[id(events[i])], b := token[id(events[j])]) or _chained(a, b) or _chained(b, a)
        ):
            act[max(find(i), find(j))] = min(find(i), find(j))  # the one first in order stands for both
    for i, event in enumerate(events):  # a toll is of the nearest attack before it that it can tell of
        if id(event) not in tolls:
            continue
        toll = token[id(event)]
        told = [
            j
            for j, other in enumerate(events)
            if other is not event and other.event_type == event.event_type and _toll(toll, token[id(other)])
        ]
        if told:
            j = min(told, key=lambda j: (token[id(events[j])].i > toll.i, abs(token[id(events[j])].i - toll.i)))
            act[max(find(i), find(j))] = min(find(i), find(j))
    for i, event in enumerate(events):  # a side its words leave empty, its act's other words may fill
        kept = events[find(i)]
        if kept is not event and not kept.actors and any(a.code for a in event.actors):
            kept.actors = event.actors  # "killed during a US-led attack": the attack's
        if kept is not event and not kept.recipients and any(a.code for a in event.recipients):
            kept.recipients = event.recipients  # "airstrikes ... killed 13 civilians": whom the toll names
    acts = [e for i, e in enumerate(events) if find(i) == i]
    for event in acts:  # a toll that is no event of its own still names whom the attack hit
        if not event.recipients:
            event.recipients = _victims(doc, event)
    return acts


def _victims(doc: Document, event: Event) -> list[Actor]:
    """Whom the toll of an attack names where its words gave no event of their own ("two
    waves of airstrikes killed at least 13 civilians": the civilians are the strikes' targets)."""
    token = doc.scratch.of(event).verb_token
    offset = doc.sentences[event.sentence_index].offset
    for h in token.sent:
        victims = next((c for c in h.children if c.dep_ == "dobj"), None) if _toll(h, token) else None
        if victims is not None:
            return code_span(
                doc, offset + victims.left_edge.idx, offset + victims.right_edge.idx + len(victims.right_edge)
            )
    return []


def _police_act(doc: Document, event: Event) -> bool:
    """Whether the verb rules found an arrest, a charge, a seizure or another coercion (CAMEO
    17) by the police, named or implied by an agentless police verb ("was booked for
    cheating": `stages.dyads` names the police): COERCE by PLOVER's definition, however the
    detector, which learnt from war reporting with few police in it, reads the words."""
    if not event.cameo.startswith("17"):
        return False
    if event.actors:
        return any(a.sector == "COP" for a in event.actors)
    work = doc.scratch.of(event)
    return work.patient and implied_sector(work.verb_token) == "COP"


def _owns(word: Token, deps: set[str]) -> bool:
    """Whether a word has a dependent of one of these kinds."""
    return any(c.dep_ in deps for c in word.children)


def _chained(a: Token, b: Token) -> bool:
    """Whether a is a conjunct of b that tells the same attack's toll ("killing four and wounding
    ten", "killed dozens, wounded hundreds"), not a clause with a subject of its own. Other
    conjuncts are acts of their own, as readers list them ("rounded up, shot or beheaded",
    "arrested ... and remains detained")."""
    tolls = a.lemma_.lower() in TOLL_VERBS and b.lemma_.lower() in TOLL_VERBS
    return tolls and a.dep_ == "conj" and a.head == b and not _owns(a, OWN_SUBJECT)


def _toll(h: Token, b: Token) -> bool:
    """Whether h tells the toll of the attack on word b: in a relative clause on b's phrase ("an
    attack on Douma, which killed 75"), in a participle clause beside it ("renewed their
    bombardment, killing four"), or with b, or a count of it, as its subject ("two waves of
    airstrikes killed 13")."""
    if h.lemma_.lower() not in TOLL_VERBS:
        return False
    subject = next((c for c in h.children if c.dep_ == "nsubj"), None)
    for _ in range(4):  # the subject, or up to three "of" phrases below it: "two waves of airstrikes"
        if subject is None:
            break
        if subject == b:
            return True
        subject = next((o for p in subject.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children), None)
    while h.dep_ == "conj":  # "killing four and wounding ten"
        h = h.head
    if h.dep_ in {"relcl", "acl"}:
        word = h.head
        while word != b and word.dep_ in {"pobj", "prep", "compound", "appos"}:
            word = word.head
        return word == b
    if h.dep_ == "advcl" and h.tag_ == "VBG" and not _owns(h, OWN_SUBJECT):
        return b in h.head.subtree and b not in h.subtree
    return False


def prepare(docs: list[Document], mark_trigger: bool = True, detect: bool = False) -> Batch:
    """What the classifier reads: one reading per sentence with coded events (its main
    trigger marked), one per uncoded candidate. With `detect`, one reading per sentence with
    any candidate, and every candidate's place in it and view for the detector. Reads the
    parse: call it where parsing happens, not beside it."""
    if detect:
        return _prepare_pools(docs, mark_trigger)
    groups: list[tuple[Document, list[Event]]] = []
    for doc in docs:
        by_sentence: dict[int, list[Event]] = defaultdict(list)
        for event in doc.events:
            by_sentence[event.sentence_index].append(event)
        groups += [(doc, events) for events in by_sentence.values()]
        groups += [(doc, [event]) for event in doc.scratch.uncoded]
    mains = [min(events, key=lambda e, d=doc: _depth(d, e)) for doc, events in groups]
    readings = [_reading(doc, main, mark_trigger) for (doc, _), main in zip(groups, mains)]
    return Batch(docs, groups, mains, readings)


def _prepare_pools(docs: list[Document], mark_trigger: bool) -> Batch:
    batch = Batch(docs, [], [], [])
    for doc in docs:
        pools: dict[int, list[Event]] = defaultdict(list)
        for event in [*doc.events, *doc.scratch.uncoded, *doc.scratch.candidates]:
            pools[event.sentence_index].append(event)
        for index in sorted(pools):
            pool = pools[index]
            events = [e for e in pool if e.cameo]
            main = min(events or pool, key=partial(_depth, doc))
            reading = _reading(doc, main, mark_trigger)
            sentence = doc.sentences[index]
            start = sentence.start
            batch.groups.append((doc, events))
            batch.mains.append(main)
            batch.readings.append(reading)
            batch.pools.append(pool)
            batch.own.append([reading if e is main else _own_reading(doc, e, mark_trigger) for e in pool])
            batch.police.append([_police_act(doc, e) for e in pool])
            typed = {doc.scratch.of(e).verb_token.i: e.event_type for e in events}  # the rules' acts by word
            batch.views.append(
                [
                    (
                        marked(e.trigger_start - start, reading.trigger),
                        candidate_view(
                            e,
                            token,
                            e is main,
                            sentence.text[: sentence.offset + token.idx - start],
                            _governor(token, typed),
                            frozenset(typed[c.i] for c in _below(token) if c.i in typed),
                        ),
                    )
                    for e in pool
                    for token in [doc.scratch.of(e).verb_token]
                ]
            )
    return batch


def _governor(token: Token, typed: dict[int, str]) -> str | None:
    """The type of the nearest typed candidate above a candidate in the parse, passing over
    the conjunct it is coordinated with ("accused X and launched an offensive": two acts
    side by side, neither inside the other)."""
    while token.head.i != token.i:
        if token.dep_ != "conj" and token.head.i in typed:
            return typed[token.head.i]
        token = token.head
    return None


def _below(token: Token) -> list[Token]:
    """A candidate's dependents but its conjuncts, and those of its prepositions ("launched
    an offensive", "took part in talks")."""
    return [d for c in token.children if c.dep_ != "conj" for d in (c, *(c.children if c.dep_ == "prep" else ()))]


def _own_reading(doc: Document, event: Event, mark_trigger: bool) -> Reading | None:
    """A reading of its own for a candidate the rules gave no coded actor, for the tagger to
    find its parties (a noun's often sit outside its phrase: "Turkey launched an offensive")."""
    if any(a.code for a in event.actors):
        return None
    return _reading(doc, event, mark_trigger)


def _reading(doc: Document, event: Event, mark_trigger: bool) -> Reading:
    sentence_start = doc.sentences[event.sentence_index].start
    trigger = (event.trigger_start - sentence_start, event.trigger_end - sentence_start)
    text = mark(event.sentence, *trigger) if mark_trigger else event.sentence
    return Reading(text, to_label(event.event_type) if event.cameo else "NONE", trigger if mark_trigger else None)


class EventClassifierStage:
    """Types the events of a batch of documents in one batched classifier pass."""

    name = "classify"
    reads: tuple[str, ...] = ("events", "scratch.uncoded", "scratch.candidates", "scratch.work", "scratch.np_actors")
    writes: tuple[str, ...] = (
        "event.cameo",
        "event.event_type",
        "event.actors",
        "event.recipients",
        "event.confidence",
        "events",
        "scratch.work",
    )

    def __init__(
        self,
        model: EventClassifier | None = None,
        tagger: SpanTagger | None | bool = True,
        detector: EventDetector | None | bool = True,
    ) -> None:
        """`tagger`: True for the shipped span tagger (with the shipped classifier only:
        it reads that encoder), or a SpanTagger, or None. `parties.code_span` codes the spans
        it finds from the actors stage's noun phrases. `detector`: likewise, the event
        detector that decides which candidates are events, or None for the classifier's rules."""
        shipped = model is None
        with one_thread():  # the same weights, built without waiting on busy cores
            self.model = model.for_inference() if model else EventClassifier.for_coding()
            self.detector: EventDetector | None = (
                (EventDetector.load() if shipped else None) if detector is True else (detector or None)
            )
            self.tagger: SpanTagger | None = (
                (SpanTagger.load() if shipped else None) if tagger is True else (tagger or None)
            )
            if self.tagger is not None:
                self.tagger.eval()
        self.temperature = self.model.config.temperature
        self.defaults = plover_defaults()
        self.lexicon = verb_lexicon()

    def pipe(self, docs: list[Document]) -> None:
        """Type the events of a batch of documents (prepare, predict, apply in turn)."""
        batch = self.prepare(docs)
        self.apply(batch, self.predict(batch))

    def prepare(self, docs: list[Document]) -> Batch:
        return prepare(docs, self.model.config.mark_trigger, detect=self.detector is not None)

    def predict(self, batch: Batch) -> tuple[np.ndarray, list, list]:
        """Calibrated probabilities, one row per reading, and the tagger's spans. Touches
        only the models and the readings, so it may run in a thread while the next batch
        is parsed. Read without padding (`parley.nlp.models.tagger.read`): a sentence's result
        is the same whatever it is batched with, so a cluster codes what one process does.
        With a detector, its probabilities for each candidate of each reading, and the
        tagger's spans for each candidate it makes an event of: the sentence's main one from
        the reading above, each other one the rules gave no coded actor from a reading of
        its own, with its trigger marked."""
        if not batch.readings:
            return np.zeros((0, len(LABELS)), dtype=np.float32), [], []
        if self.detector is None:
            raw, spans, _ = read(self.model, self.tagger, batch.readings)
            return softmax(raw, self.temperature), spans, []
        detector = self.detector
        raw, _, pieces = read(self.model, None, batch.readings, pieces_of=detector.config.layers)
        probs = softmax(raw, self.temperature)
        detected = detect(detector, pieces, probs, batch.views)
        each: list[list] = [[None] * len(pool) for pool in batch.pools]
        if self.tagger is None:
            return probs, each, detected
        mains, own = [], []
        for j, (pool, q) in enumerate(zip(batch.pools, detected)):
            for k, (event, decision) in enumerate(zip(pool, self._decide(pool, q, batch.police[j]))):
                if decision is None:
                    continue  # no event: its parties are never asked for
                if event is batch.mains[j]:
                    mains.append((j, k))
                elif batch.own[j][k] is not None and decision.tagged:
                    own.append((j, k))
        if self.tagger.config.layers == detector.config.layers:
            found = spans_of(self.tagger, [pieces[j] for j, _ in mains], [batch.readings[j] for j, _ in mains])
        else:
            found = read(self.model, self.tagger, [batch.readings[j] for j, _ in mains])[1]
        found += read(self.model, self.tagger, [r for j, k in own if (r := batch.own[j][k]) is not None])[1]
        for (j, k), f in zip([*mains, *own], found):
            each[j][k] = f
        return probs, each, detected

    @staticmethod
    def split(batch: Batch, parts: int) -> list[Batch]:
        """The batch cut into `parts` batches of consecutive readings, to predict apart: each
        reading's prediction is the same whatever it is read with (see `predict`)."""
        cuts = [len(batch.readings) * i // parts for i in range(parts + 1)]
        b = batch
        return [
            Batch(
                b.docs,
                b.groups[i:j],
                b.mains[i:j],
                b.readings[i:j],
                b.pools[i:j],
                b.views[i:j],
                b.own[i:j],
                b.police[i:j],
            )
            for i, j in zip(cuts, cuts[1:])
        ]

    @staticmethod
    def joined(predictions: list[tuple[np.ndarray, list, list]]) -> tuple[np.ndarray, list, list]:
        """The predictions of a split batch's parts, in order, as one (`split`)."""
        probs, spans, detected = zip(*predictions)
        return np.concatenate(probs), [s for part in spans for s in part], [d for part in detected for d in part]

    def apply(self, batch: Batch, predicted: tuple[np.ndarray, list, list]) -> None:
        """Decide each event's type and confidence from the probabilities, and its actors
        from the tagger's spans."""
        probs, spans, detected = predicted
        if detected:
            for group, main, pool, p, found, q, police in zip(
                batch.groups, batch.mains, batch.pools, probs, spans, detected, batch.police
            ):
                self._detect(group[0], main, pool, p, found, q, police)
            for doc in batch.docs:
                doc.events.sort(key=lambda e: e.trigger_start)
            return
        for (doc, events), main, p, found in zip(batch.groups, batch.mains, probs, spans or [None] * len(probs)):
            work = doc.scratch.of(main)
            if not main.cameo:
                work.sentence_label = LABELS[int(p.argmax())]
                main.pattern = "classifier (no verb rule)"
                work.main = True
                self._retype(doc, main, p)
                if found:
                    self._set_actors(doc, main, found)
                if main.actors and main.confidence >= MIN_UNCODED:
                    doc.events.append(main)
                    doc.scratch.uncoded.remove(main)
                continue
            holder = self._holder(events, main, p)
            doc.scratch.of(holder).main = True
            if found:
                self._set_actors(doc, holder, found)
            for event in events:
                doc.scratch.of(event).sentence_label = LABELS[int(p.argmax())]
                own = float(p[LABELS.index(to_label(event.event_type))])
                if event is not holder or event.negated:
                    event.confidence = PATTERN_PRIOR[event.pattern.startswith("parley")]
                elif own >= KEEP_PATTERN or own >= KEEP_PATTERN_SHARE * float(p.max()):
                    event.confidence = own
                else:
                    event.pattern = f"{event.pattern}; type by classifier"
                    self._retype(doc, event, p)
        for doc in batch.docs:
            doc.events.sort(key=lambda e: e.trigger_start)

    def _detect(
        self,
        doc: Document,
        main: Event,
        pool: list[Event],
        p: np.ndarray,
        found: list,
        q: np.ndarray,
        police: list[bool],
    ) -> None:
        """The detector's decisions (`_decide`) made events: a candidate it gives no type is
        none (a rule's event is dropped); a rule's type stands where the detector agrees with
        it, with the rule's fine CAMEO code; each event takes the parties the tagger read for
        it. Two words of one act ("carried out airstrikes", "airstrikes killed") give one event."""
        label = LABELS[int(p.argmax())]
        rules = {id(e) for e in pool if e.cameo}  # the rules' events, already among the document's
        kept = []
        for event, row, spans, decision in zip(pool, q, found, self._decide(pool, q, police)):
            work = doc.scratch.of(event)
            work.sentence_label = label
            if decision is None:
                continue
            if event.event_type != TYPES[decision.type]:
                event.pattern = f"{event.pattern}; type by detector" if event.pattern else "detector"
                event.recode(self.defaults[TYPES[decision.type]], work.directed)
            event.confidence = float(row[decision.type])
            work.main = event is main
            if spans:
                self._set_actors(doc, event, spans)
            kept.append(event)
        chosen = {id(e) for e in _one_per_act(doc, kept)}
        doc.events[:] = [e for e in doc.events if id(e) not in rules or id(e) in chosen]
        doc.events += [e for e in pool if id(e) in chosen and id(e) not in rules]
        doc.scratch.uncoded[:] = [e for e in doc.scratch.uncoded if id(e) not in chosen]

    def _decide(self, pool: list[Event], q: np.ndarray, police: list[bool] | None = None) -> list[Decision | None]:
        """The detector's decision on each candidate of a sentence (None: no event). Each
        candidate alone first (`_kept_type`; a negated rule's event keeps its type where the
        detector reads the negation as a rejection: PLOVER codes "did not agree" as AGREE with
        the negation mode); then a type the words left share: where none of them reaches the
        threshold for a type but together they make it likely (1 - Π(1 - p) at least the
        threshold), the likeliest of them, given at least `spread`, stands for it. A reader,
        and the scorer, ask whether the sentence reports the type; the detector learnt which
        one word a reader marked, and where two words could be that word it splits its belief
        between them. A word given another type is no such word: its act is coded. A rule's
        coercion by the police (`police`: `_police_act`) stands as the rule typed it."""
        assert self.detector is not None
        config = self.detector.config
        decided: list[Decision | None] = []
        for event, row, by_police in zip(pool, q, police or [False] * len(pool)):
            best = TYPES.index(event.event_type) if by_police else self._kept_type(event, row)
            if best is None:
                decided.append(None)
                continue
            tagged = bool(row[best] >= config.threshold)
            if event.negated and event.cameo and TYPES[best] == "REJECT":
                best = TYPES.index(event.event_type)  # "have not reached an agreement": AGREE, negated
            decided.append(Decision(best, tagged))
        have = {d.type for d in decided if d is not None}
        undecided = [k for k, d in enumerate(decided) if d is None]
        for t in range(NONE):
            if t in have or not undecided:
                continue
            column = q[undecided, t]
            if 1 - np.prod(1 - column) < config.threshold:
                continue
            best = int(column.argmax())
            if column[best] >= config.spread:
                decided[undecided[best]] = Decision(t, True)
                undecided.pop(best)
        return decided

    def _kept_type(self, event: Event, row: np.ndarray) -> int | None:
        """The detector's type for a candidate (an index of TYPES), None for no event: its
        likeliest type where that has at least the threshold (`agreed` where it is the verb
        rules' type too), else the rule's type where that has `agreed`."""
        assert self.detector is not None
        config = self.detector.config
        best = int(row[:NONE].argmax())
        if row[best] >= (config.agreed if event.event_type == TYPES[best] else config.threshold):
            return best
        ruled = TYPES.index(event.event_type) if event.cameo and event.event_type in TYPES else None
        return ruled if ruled is not None and row[ruled] >= config.agreed else None

    @staticmethod
    def _holder(events: list[Event], main: Event, p: np.ndarray) -> Event:
        """The event of a sentence that the sentence's type describes: the one whose pattern
        agrees with the classifier's type, else the sentence's main event."""
        label = LABELS[int(p.argmax())]
        return next((e for e in events if to_label(e.event_type) == label), main)

    def _retype(self, doc: Document, event: Event, p: np.ndarray) -> None:
        best = int(p.argmax())
        label = LABELS[best]
        work = doc.scratch.of(event)
        event.recode(self.defaults[label] if label != "YIELD" else self._yield_code(work.verb_token), work.directed)
        event.confidence = float(p[best])

    def _set_actors(self, doc: Document, event: Event, spans: dict[str, list[tuple[int, int]]]) -> None:
        """Take the tagger's source and target where it found them; the verb rules' where
        it did not, except a target that is a plain noun phrase: where the tagger, which reads
        the whole sentence, sees no target, the rules' object is mostly a thing ("agreed to
        postpone a protest"). A named target makes the event directed, never reciprocal.
        A source the parse names, a coded subject or a "by" agent, stays: the tagger learnt one
        event a sentence and often reads the speaker as the source of the act reported
        ("X said government troops had taken the town": the troops took it)."""
        start = doc.sentences[event.sentence_index].start
        places = not in_class(event.cameo_root, "joint")  # talks "in Brussels": a venue, not a party

        def coded(role: str) -> list[Actor]:
            out: list[Actor] = []
            for s, e in spans.get(role, []):
                # two spans may reach one party ("Japan" brings its conjunct "the United States")
                out += [a for a in code_span(doc, start + s, start + e, places) if not any(overlap(a, o) for o in out)]
            return out

        actors, recipients = coded("S"), coded("T")
        work = doc.scratch.of(event)
        offset = doc.sentences[event.sentence_index].offset
        # no target: who reports the act ("police arrested two journalists, Erdoğan's office said")
        # or what a meeting is about ("the upcoming meetings, especially on the return of ...")
        no_party = _speakers(work.verb_token, offset)
        if event.event_type in TOPICAL_TYPES:
            no_party += _topics(work.verb_token, offset)
        if no_party:

            def party(r: Actor) -> bool:
                return not any(s <= r.start and r.end <= e for s, e in no_party)

            recipients = [r for r in recipients if party(r)]
            if not event.reciprocal:  # a joint act's targets are its actors, a speaker among them stays
                event.recipients = [r for r in event.recipients if party(r)]
        agent = work.agent
        if agent:
            actors = []  # the parse named the source (its subject, or "by X"), which stays
        if work.patient:  # "two soldiers were killed": who suffered it did not do it
            # people, bodies and a state named as the subject suffer it ("Iran has been accused by
            # its enemies"); "Israeli missiles were fired", "the US plan was passed" name a state's act
            subject = next((c for c in work.verb_token.children if c.dep_ == "nsubjpass"), None)
            named = subject is not None and subject.pos_ == "PROPN"
            patients = [r for r in event.recipients if r.sector or (named and names_state(r))]
            actors = [a for a in actors if not any(overlap(a, r) for r in patients)]
            if patients:
                recipients = []  # and stays the target ("killed in Idlib": not the town)
        actors = [a for a in actors if not any(overlap(a, b) for b in work.bystanders)]
        own = {a.country for a in actors or event.actors if a.country}
        if len({r.country for r in recipients}) > 1:  # "flights between the two countries": the other one
            recipients = [r for r in recipients if r.country not in own]
        if event.reciprocal and recipients and all(any(overlap(a, r) for a in event.actors) for r in recipients):
            return  # the tagger split a joint subject ("France and Germany held talks"): it stays joint
        # a party read as both: the target where the sentence names other actors ("the United
        # Nations criticised the United States"), else the actor (the parse's "by X" agent)
        acting = actors or event.actors
        clash = [a for a in acting if any(overlap(a, r) for r in recipients)]
        if clash and len(clash) < len(acting) and not agent:
            actors = [a for a in acting if a not in clash]
        else:
            recipients = [r for r in recipients if not any(overlap(r, a) for a in acting)]
        if actors and not recipients and not event.reciprocal:  # the rules' object stays the target
            objects = [r for r in event.recipients if not r.plain]
            actors = [a for a in actors if not any(overlap(a, r) for r in objects)] or actors
        if actors:
            event.actors = actors
        if recipients:
            event.recipients, event.reciprocal = recipients, False
            work.directed = True
        elif not event.reciprocal:  # no target read: the rules' plain noun phrase ("ended the strike") is none
            event.recipients = [r for r in event.recipients if not r.plain]
        elif actors and event.reciprocal:
            event.recipients, event.reciprocal = [], False
            event.recode(event.cameo, work.directed)  # reciprocity follows the new actors

    def _yield_code(self, verb) -> str:
        """The CAMEO code for an event retyped YIELD: its trigger verb's own 08x code if its
        rules have one (release, withdraw ...: RETREAT), else CONCEDE's."""
        rules = self.lexicon.rules.get(verb.lemma_.lower(), ())
        own = next((r.cameo for r in rules if r.cameo and r.cameo.startswith("08")), None)
        return own or self.defaults["CONCEDE"]
