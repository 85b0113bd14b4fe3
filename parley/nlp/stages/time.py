"""Time stage: the event's own date, resolved against the publication date.

Date expressions are found in the event's sentence by `parley.nlp.dates`. One in the event
verb's own clause wins, then one in a clause that governs it ("On Monday, X said Y
attacked ..."); a date in another clause ("properties that were confiscated in 2016")
is not the event's. A day that opens the sentence ("On Friday, ...", "As the navy manoeuvred on
Friday, ...") dates all of it; a participle clause ("..., spearheaded by its allies on Saturday")
and a clause of "as", "when" or "while" ("fired on them as they tried to flee on Wednesday")
the act they hang on; an infinitive ("ordered a pause to begin on Tuesday") looks ahead. Days
counted from a day move the act that far: from the sentence's own day ("killed a day earlier"),
or from the governing clause's or the report's ("came a day after Turkey said", "the previous
night's airstrike").

Without a day of its own the event takes the day of the scene: the latest recent day (within
SCENE_DAYS before publication) the main clause of an earlier sentence told, whether or not an act
was coded there ("On 27 February the delegations met ... The parties agreed ..."; date_source
"context"). A day inside a clause ("the regime was responsible for Saturday's attack") is that
act's, not the scene's. Acts told before any such day (the lead) take the first one told in the
next LEAD_SENTENCES sentences. Else the publication date (date_source "publication"); without a
publication date the event stays undated: today's date is never used. An act the article names or
points to again ("the Douma attack", "the attack") takes the day it gave that act; one dated only
to a week or month ("last week's attack") the day it gave an act of its type in it.
A dated event after publication is future; one begun over a year before it is historical.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from .. import dates
from ..casing import calendar_cased
from ..dates import DateMention, Resolved
from ..document import Document, Event
from ..parties import PLACE_NE, act_names
from ..vocab import judging_verbs
from .actors import SPEECH_VERBS

HISTORICAL_AFTER = dt.timedelta(days=365)
SCENE_DAYS = dt.timedelta(days=14)  # how far before publication a day may set the scene of later events
LEAD_SENTENCES = 4  # how far ahead the day of an act told before any day is looked for (the lead's)
POSSESSIVE = ("'s", "’s")
SHIFTS = {"earlier": -1, "before": -1, "later": 1, "after": 1}  # "a day earlier": one day before
UNIT_DAYS = {"day": 1, "night": 1, "week": 7}
COUNTS = {  # "a day", "three days": how many
    "a": 1, "an": 1, "one": 1, "the": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
# heads of clauses that carry their own time; a participle ("a boat carrying migrants on
# the 14th") shares its governor's clause; an infinitive ("agreed to meet on Monday") has its own
WILL = {"will", "shall", "'ll", "’ll", "wo"}  # auxiliaries of a clause to come ("wo": "won't")
CLAUSE_HEADS = {"ROOT", "ccomp", "xcomp", "advcl", "relcl", "conj", "csubj", "csubjpass", "parataxis"}
SIMULTANEOUS = {"as", "when", "while"}  # marks of a clause that happens at the time of its governor


class EventDater:
    """Sets date, end_date, date_precision, date_source and future/historical status on events."""

    name = "time"
    reads: tuple[str, ...] = ("events", "date", "scratch.work", "scratch.caseless")
    writes: tuple[str, ...] = (
        "event.date",
        "event.end_date",
        "event.date_precision",
        "event.date_source",
        "event.status",
    )

    def __call__(self, doc: Document) -> None:
        # each sentence's date expressions, read once: for the scene's days and for its events' own
        read = calendar_cased if doc.scratch.caseless else str  # "on sunday" in a text without capitals
        found = {s.index: dates.find(read(s.span.text)) for s in doc.sentences if s.span is not None}
        told = self._told_days(doc, found)
        scene: Event | None = None  # the latest event dated by its own sentence to a recent day: where the scene is
        for event in doc.events:
            self._date(doc, event, doc.scratch.of(event).verb_token.sent, found[event.sentence_index])
            if event.date_source == "text":
                scene = event if event.date_precision == "day" and _recent(doc, event.date) else scene
            elif event.date_source == "publication" and event.status != "future":  # "will boycott the summit"
                self._carry(doc, event, told, scene)
        self._named_again(doc, self._named_days(doc, found))

    @staticmethod
    def _carry(doc: Document, event: Event, told: dict[int, Resolved], scene: Event | None) -> None:
        """An act without a day of its own takes the scene's: the day an earlier sentence told last
        (for the lead's act, the first the next LEAD_SENTENCES tell), and the scene event's place."""
        last = max((i for i in told if i < event.sentence_index), default=None)
        if last is None:  # the lead's act, dated by the sentences that tell it in full
            ahead = event.sentence_index + LEAD_SENTENCES
            last = min((i for i in told if event.sentence_index < i <= ahead), default=None)
        if last is not None:
            day = told[last]
            event.date, event.end_date, event.date_precision = day.date, day.end_date, day.precision
            event.date_source = "context"
        if scene is not None and scene.sentence_index < event.sentence_index:
            doc.scratch.of(event).scene = scene

    @staticmethod
    def _told_days(doc: Document, found: dict[int, list[DateMention]]) -> dict[int, Resolved]:
        """Sentence index -> the recent day the sentence tells of what it reports ("Diplomats met
        on 27 February ..., the State Department said on Friday": the 27th), else the day its
        main clause tells ("For a moment on Tuesday, X was able to forget the war"), whether or
        not an event was coded there: the day of the scene for later events. A day in another
        clause ("the regime was responsible for Saturday's attack") is that act's, not the scene's."""
        out: dict[int, Resolved] = {}
        for sentence in doc.sentences:
            sent = sentence.span
            if sent is None:
                continue
            ranked = []
            for m in found[sentence.index]:
                span = sent.char_span(m.start, m.end, alignment_mode="expand")
                if span is None:
                    continue
                clause = _sentence_clause(_clause(span.root)) if m.start > 0 else sent.root
                if clause.i == sent.root.i:
                    ranked.append((1, m))
                elif _reported(clause) and not sent.text.startswith(POSSESSIVE, m.end):
                    ranked.append((0, m))
            for _, m in sorted(ranked, key=lambda r: (r[0], r[1].start)):
                day = dates.resolve(m.text, doc.date, "past")
                if day is not None and day.precision == "day" and _recent(doc, day.date):
                    out[sentence.index] = day
                    break
        return out

    @staticmethod
    def _named_days(doc: Document, found: dict[int, list[DateMention]]) -> dict[str, Resolved]:
        """Place name -> the earliest day the article gives a thing that a place names, event or
        not ("an incident in Salisbury on 4 March 2018"): the day of acts named by it later ("the
        Salisbury attack") that no act of their type told before dates."""
        out: dict[str, Resolved] = {}
        for sentence in doc.sentences:
            sent = sentence.span
            for m in found.get(sentence.index, []) if sent is not None else []:
                span = sent.char_span(m.start, m.end, alignment_mode="expand")
                nouns = _named_before(span) if span is not None else []
                day = dates.resolve(m.text, doc.date, "past") if nouns else None
                if day is None or day.precision != "day" or doc.date is None or day.date > doc.date:
                    continue
                for name in {n for noun in nouns for n in _place_names(noun)}:
                    if name not in out or day.date < out[name].date:
                        out[name] = day
        return out

    @staticmethod
    def _named_again(doc: Document, named_days: dict[str, Resolved]) -> None:
        """An act the article names again ("the Douma attack", after "a chemical attack on Douma
        on 7 April") takes the day the article gave it, wherever in the article that was, over
        the publication date and the scene's day; of several days given, the earliest (later
        ones are mostly of reactions to it); a day after publication is not taken. An act it
        points back to ("the attack", "carried out the attack") or dates only to a week or month
        ("last week's attack") takes the day of the latest act of its type it dated before."""
        dated: dict[tuple[str, str], Event] = {}  # the earliest day the article gives an act of a type and name
        for event in doc.events:
            if _own_day(event):
                for name in act_names(doc.scratch.of(event).verb_token):
                    known = dated.get((event.event_type, name))
                    if known is None or (known.date is not None and event.date is not None and event.date < known.date):
                        dated[(event.event_type, name)] = event
        latest: dict[str, Event] = {}  # the latest act of a type the article dated so far
        for event in doc.events:
            tok = doc.scratch.of(event).verb_token
            if _own_day(event):
                latest[event.event_type] = event
            told = _told_before(event, tok, dated, latest)
            if told is not None and told is not event:
                event.date, event.end_date, event.date_precision = told.date, told.end_date, told.date_precision
                event.date_source = "context"
            elif told is None and event.date_source in {"publication", "context"} and tok.pos_ == "NOUN":
                day = next((named_days[n] for n in sorted(act_names(tok)) if n in named_days), None)
                if day is not None:  # "the Salisbury attack", after "an incident in Salisbury on 4 March"
                    event.date, event.end_date, event.date_precision = day.date, day.end_date, day.precision
                    event.date_source = "context"

    @staticmethod
    def _ranked(verb: Token, sent: Span, mentions: list[DateMention]) -> list[tuple[DateMention, bool, bool]]:
        """(mention, past only, to come) for the mentions that may date the event: those of its own
        clause, then of a clause governing it ("On Monday, X said Y attacked ..."), then of a
        coordinated clause, then of its infinitive complement if they lie in the past or the
        event is itself to come ("ordered the troops to leave last year", "will debate a bill to
        bring forward elections on Thursday"; but "agreed to meet next week" is not dated next week).
        A possessive ("next week's summit") comes after the others at its rank. A date in a
        clause of its own ("properties that were confiscated in 2016") does not date the event.
        A day that opens the sentence dates all of it, however the parse hangs it. "To come":
        the mention's clause is ("will start work on Saturday")."""
        own = _clause(verb)
        if _judged(verb, own):  # "investigators today condemned the use of chemical weapons": not today's use
            mentions = [m for m in mentions if _within(sent, m, verb)]
        governing = [own.i, *(t.i for t in own.ancestors if _is_clause(t))]
        coordinated = {t.i for t in [*own.children, own.head] if t.dep_ == "conj" or own.dep_ == "conj"} - {own.i}
        ranked = []
        for m in mentions:
            span = sent.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            # "On Friday, ...": the whole sentence's
            clause = _sentence_clause(_clause(span.root)) if m.start > 0 else sent.root
            if clause.i in governing:
                rank = governing.index(clause.i)
            elif clause.i in coordinated:
                rank = len(governing)
            elif _participle(clause) and clause.head.i == own.i == verb.i:
                rank = len(governing)  # "launched an offensive, spearheaded by its allies, on Saturday"
            elif _simultaneous(clause, own):
                rank = len(governing)  # "fired on them as they tried to flee on Wednesday"
            elif clause.dep_ == "xcomp" and clause.head.i == own.i:
                rank = len(governing) + 1
            elif m.start == 0:
                rank = len(governing)  # "On Friday, ..." where the parse did not make it the root's
            else:
                continue
            to_come = any(c.dep_ == "aux" and c.lower_ in WILL for c in clause.children)
            ranked.append((rank, sent.text.startswith(POSSESSIVE, m.end), m.start, m, rank > len(governing), to_come))
        return [(m, past_only, to_come) for *_, m, past_only, to_come in sorted(ranked, key=lambda r: r[:3])]

    def _date(self, doc: Document, event: Event, sent: Span, mentions: list[DateMention]) -> None:
        verb = doc.scratch.of(event).verb_token
        for mention, past_only, to_come in self._ranked(verb, sent, mentions):
            # an infinitive points ahead of its governor: "ordered a pause to begin on Tuesday" is next Tuesday's
            looks_ahead = past_only or to_come or event.status == "future" or dates.future_expression(mention.text)
            prefer = "future" if looks_ahead else "past"
            found = dates.resolve(mention.text, doc.date, prefer)
            ahead = doc.date is None or found is not None and found.date > doc.date
            if found and not (past_only and ahead and event.status != "future"):
                self._set(doc, event, found)
                break
        else:
            event.date = doc.date
            event.date_precision = "day" if doc.date else None
            event.date_source = "publication" if doc.date else None
        days, governed = _days_apart(verb)
        # "killed a day earlier" (than the sentence's Thursday) counts from a day the text gives;
        # "came a day after Turkey said" from the governing clause's, the publication day's too
        # ("ten days earlier" alone counts from a day some earlier sentence gave, unknown here)
        if days and event.date_precision == "day" and event.date and (event.date_source == "text" or governed):
            self._set(doc, event, Resolved(event.date + dt.timedelta(days=days), None, "day"))

    @staticmethod
    def _set(doc: Document, event: Event, found: Resolved) -> None:
        event.date, event.end_date, event.date_precision = found.date, found.end_date, found.precision
        event.date_source = "text"
        if doc.date is None or event.status != "factual":
            return
        if found.date > doc.date:
            event.status = "future"
        elif doc.date - found.date > HISTORICAL_AFTER:  # not found.date < ...: no overflow before year 1
            event.status = "historical"


def _is_clause(tok: Token) -> bool:
    """A clause with its own time; an infinitival relative ("a bill to bring forward the
    elections on Thursday") shares its governor's."""
    infinitival_relative = tok.dep_ == "relcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
    return tok.pos_ in {"VERB", "AUX"} and tok.dep_ in CLAUSE_HEADS and not infinitival_relative


def _recent(doc: Document, day: dt.date | None) -> bool:
    """A day that may set the scene: at most SCENE_DAYS before publication."""
    return doc.date is not None and day is not None and dt.timedelta(0) <= doc.date - day <= SCENE_DAYS


def _own_day(event: Event) -> bool:
    """Dated to a day by its own sentence, not to come."""
    own = event.date_source == "text" and event.date_precision == "day"
    return own and event.status != "future" and event.date is not None


def _told_before(
    event: Event, tok: Token, dated: dict[tuple[str, str], Event], latest: dict[str, Event]
) -> Event | None:
    """The act told before that this one names or points back to, whose day it takes (see
    `EventDater._named_again`), or None."""
    if event.date_source == "text":  # "last week's chemical attack": the day given an act of its type that week
        known = latest.get(event.event_type) if event.date_precision in {"week", "month"} else None
        if known is None or known.date is None or event.date is None or event.date_precision is None:
            return None
        return known if event.date <= known.date <= _period_end(event.date, event.date_precision) else None
    if event.date_source not in {"publication", "context"}:
        return None
    if tok.pos_ == "NOUN":
        names = sorted(act_names(tok))
        named = next((dated[(event.event_type, n)] for n in names if (event.event_type, n) in dated), None)
        # "the attack": the act told last; "the Salisbury attack" is its own
        return named or (latest.get(event.event_type) if not names and _definite(tok) else None)
    # "carried out the attack"
    pointed = any(c.dep_ == "dobj" and c.pos_ == "NOUN" and _definite(c) for c in tok.children)
    return latest.get(event.event_type) if pointed else None


def _period_end(start: dt.date, precision: str) -> dt.date:
    """The last day of the week or month that begins on `start`."""
    if precision == "week":
        return start + dt.timedelta(days=6)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _definite(tok: Token) -> bool:
    """A noun that points back to an act told before: "the attack", "the explosion"."""
    return any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in tok.children)


def _sentence_clause(clause: Token) -> Token:
    """A clause that opens the sentence before its main verb tells the time of the whole ("As the
    navy manoeuvred on Friday, other nations took positions"; "Speaking as the airstrikes got
    under way on Saturday, Mattis sounded ..."): the main clause stands for it."""
    sent, head = clause.sent, clause
    if clause.dep_ == "advcl" and clause.left_edge.i == sent.start:
        return sent.root
    while head.dep_ == "advcl" and head.i < sent.root.i:
        head = _clause(head.head)
    return sent.root if head.i == sent.root.i and clause.i < sent.root.i else clause


def _simultaneous(clause: Token, own: Token) -> bool:
    """A clause of "as", "when" or "while" under the event's own clause, or an infinitive in one
    ("fired on them as they tried to flee on Wednesday"): what it tells happened at the time of
    the act, so its day is the act's."""
    while clause.dep_ == "xcomp" and clause.head.i != own.i:
        clause = _clause(clause.head)
    return (
        clause.dep_ == "advcl"
        and clause.head.i == own.i
        and any(c.dep_ in {"mark", "advmod"} and c.lower_ in SIMULTANEOUS for c in clause.children)
    )


def _reported(clause: Token) -> bool:
    """A clause the sentence's main verb reports ("Diplomats met in Istanbul, the State
    Department said"), or one joined to it by "and"."""
    root = clause.sent.root
    if clause.dep_ == "conj" and clause.head.i != root.i:
        clause = clause.head
    return clause.dep_ in {"ccomp", "parataxis"} and clause.head.i == root.i and root.lemma_.lower() in SPEECH_VERBS


def _judged(act: Token, clause: Token) -> bool:
    """An act named as what a clause's verb judges, asks for or tells of ("condemned the use of
    chemical weapons", "called for an inquiry into the attack"): that clause's day is the judging's."""
    return act.pos_ == "NOUN" and act.i != clause.i and clause.lemma_.lower() in judging_verbs()


def _within(sent: Span, mention: DateMention, act: Token) -> bool:
    """Whether a date mention lies inside an act noun's own phrase ("the attack on Saturday")."""
    words = list(act.subtree)
    start, end = sent.start_char + mention.start, sent.start_char + mention.end
    return words[0].idx <= start and end <= words[-1].idx + len(words[-1])


def _place_names(noun: Token) -> set[str]:
    """The names of places among a noun's names ("an incident in Salisbury"): a person's or a
    body's name ("Trump's threats") tells no one day."""
    return act_names(noun) & {t.lower_ for t in noun.subtree if t.ent_type_ in PLACE_NE}


def _named_before(mention: Span) -> list[Token]:
    """The nouns a day may belong to: the one the parse hangs it on, and the one right before
    its preposition, where the parse hung it on the verb ("requested help over an incident in
    Salisbury on 4 March": the incident's day)."""
    hung = next((t for t in mention.root.ancestors if t.pos_ == "NOUN"), None)
    doc, start = mention.doc, mention.start
    before = doc[start - 2] if start >= 2 and doc[start - 1].pos_ == "ADP" else None
    while before is not None and before.pos_ == "PROPN" and before.dep_ == "pobj" and before.head.dep_ == "prep":
        before = before.head.head  # "an incident in Salisbury": the incident
    return [t for t in (hung, before) if t is not None and t.pos_ == "NOUN"]


def _participle(tok: Token) -> bool:
    """A participle clause with no subject of its own ("..., killing 20 people on Saturday"):
    its time is its governor's."""
    return (
        tok.dep_ == "advcl" and tok.tag_ in {"VBN", "VBG"} and not any(c.dep_.startswith("nsubj") for c in tok.children)
    )


def _days_apart(verb: Token) -> tuple[int, bool]:
    """How many days an act lies after (negative: before) the day its sentence tells: "killed a
    day earlier" -1, "two weeks later" 14, "the previous night's airstrike" -1; "spoke three
    days after" -3 (the clause "after" opens lies before its governor's day), and whether the
    days count from the governing clause or the report's day (0 for none)."""
    for child in verb.children:
        if child.dep_ == "advmod" and child.lower_ in SHIFTS:  # "a day earlier", "two weeks later"
            count = next((n for c in child.children if c.dep_ == "npadvmod" and (n := _counted(c))), 0)
            return count * SHIFTS[child.lower_], False
        if child.dep_ == "mark" and child.lower_ in SHIFTS:  # "three days after Trump spoke"
            # the count hangs on "after", on the clause's verb or on the verb the clause depends on
            around = [child, verb, verb.head] if verb.head is not verb else [child, verb]
            by = [c for t in around for c in t.children if c.dep_ == "npadvmod" and c.i < child.i]
            count = next((n for c in by if (n := _counted(c))), 0)
            return -count * SHIFTS[child.lower_], True
        if child.dep_ in {"poss", "compound", "npadvmod"} and any(
            a.lower_ in {"previous", "preceding"} for a in child.children if a.dep_ == "amod"
        ):  # "the previous night's airstrike"
            return (-1 if child.lemma_.lower() in {"day", "night"} else 0), True  # before the report's day
    return 0, False


def _counted(unit: Token) -> int:
    """Days in "a day", "three days", "two weeks", "the night before" (0 for other words)."""
    size = UNIT_DAYS.get(unit.lemma_.lower(), 0)
    if not size:
        return 0
    number = next((c for c in unit.children if c.dep_ in {"nummod", "det"}), None)
    if number is None:
        return 0
    n = COUNTS.get(number.lower_) or (int(number.text) if number.text.isdigit() else 0)
    return n * size


def _clause(tok: Token) -> Token:
    """The head of the clause a token belongs to (the sentence root if nothing nearer)."""
    return next((t for t in [tok, *tok.ancestors] if _is_clause(t)), tok.sent.root)
