"""Issues stage: what each event is about, and the PLOVER contexts that follow.

Issue phrases (vocab.issues) are matched case-insensitively over the parse, once per chunk.
A match is dropped inside one of its issue's exclude phrases, where its row's required
words are missing from the document, where one of the issue's `unless` phrases occurs in
it, and inside a longer match ("lifting of sanctions" is sanctions relief, not sanctions);
on the same words a match whose document condition held wins ("real estate" in an article
about embassies is diplomatic property, not the housing market). "These areas" and the like
stand for the issues of the sentences before, in the same paragraph if they have any.

An event takes the issues found in its verb's subtree (less the subtrees of the sentence's
other events), or else those of its whole sentence. Its contexts are those of its CAMEO
code, of its issues, and of its parties: governments of two countries consulting, agreeing
or supporting each other act in a diplomatic context, armed forces using or threatening
force in a military one, intelligence services in an intelligence one, courts in a legal one.
"""

from __future__ import annotations

from spacy.matcher import PhraseMatcher
from spacy.tokens import Token

from .. import phrases
from ..document import Document, Event
from ..vocab.issues import issues

ANAPHORS = {"these", "those", "such"}
ANAPHORIC_NOUNS = {"areas", "issues", "matters", "questions", "topics", "subjects", "points", "fields"}
DIPLOMATIC_TYPES = {"CONSULT", "AGREE", "SUPPORT"}
STATE_SECTORS = {None, "GOV"}  # a country's code alone stands for its state
# a party of this sector gives the event this context (for these event types; None: any)
SECTOR_CONTEXTS: dict[str, tuple[str, set[str] | None]] = {
    "MIL": ("military", {"ASSAULT", "MOBILIZE", "COERCE", "THREATEN"}),
    "SPY": ("intelligence", None),
    "JUD": ("legal", None),
}

Hit = tuple[int, int, str]  # (start token, end token, issue id), chunk-relative


class IssueFinder:
    """Sets `issues` on each event of a Document and adds the contexts they and its parties imply."""

    name = "issues"
    reads: tuple[str, ...] = ("events", "sentences", "scratch.work")
    writes: tuple[str, ...] = ("event.issues",)

    def __init__(self, nlp) -> None:
        self.table = issues()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.keys: dict[
            int, tuple[str, frozenset[str] | None]
        ] = {}  # match key -> (issue, required words; None: exclude)
        rules: list[tuple[str, list[str], tuple[str, frozenset[str] | None]]] = []  # (match key, phrases, value)
        for issue in self.table.values():
            for k, group in enumerate(issue.groups):
                rules.append((f"{issue.id}#{k}", list(group.phrases), (issue.id, group.requires)))
            if issue.exclude:
                rules.append((f"{issue.id}~", list(issue.exclude), (issue.id, None)))
        split = iter(phrases.tokens(nlp, [p for _, listed, _ in rules for p in listed], "issues"))
        for key, listed, value in rules:
            self.matcher.add(key, phrases.keywords(nlp, [next(split) for _ in listed], "LOWER"))
            self.keys[nlp.vocab.strings[key]] = value
        self.unless = {i.id: [f" {self._words(nlp, p)} " for p in i.unless] for i in self.table.values() if i.unless}

    @staticmethod
    def _words(nlp, phrase: str) -> str:
        return " ".join(t.lower_ for t in nlp.make_doc(phrase))

    def __call__(self, doc: Document) -> None:
        if not doc.events:
            return
        found = self._find(doc)
        for event in doc.events:
            hits = found.get(event.sentence_index, [])
            own = self._region(event, doc)
            inside = [h for h in hits if own is not None and h[0] in own]
            event.issues = list(dict.fromkeys(h[2] for h in sorted(inside or hits, key=lambda h: h[:2])))
            contexts = [
                *event.contexts,
                *(c for i in event.issues for c in self.table[i].contexts),
                *self._party_contexts(event),
            ]
            event.contexts = list(dict.fromkeys(contexts))

    def document_issues(self, doc: Document) -> list[str]:
        """Every issue a parsed document names, in order: what `parley eval` scores."""
        found = self._find(doc)
        return list(dict.fromkeys(h[2] for i in sorted(found) for h in found[i]))

    def _find(self, doc: Document) -> dict[int, list[Hit]]:
        """Sentence index -> issue matches that survive excludes, document conditions and longer matches."""
        sentence_at = {(s.offset, s.span.start): s.index for s in doc.sentences}
        words: set[str] | None = None
        text = ""
        found: dict[int, list[Hit]] = {}
        for offset, sdoc in doc.chunks:
            excluded: dict[str, list[tuple[int, int]]] = {}
            candidates: list[tuple[int, int, str, bool]] = []
            for key, start, end in self.matcher(sdoc):
                issue, requires = self.keys[key]
                if requires is None:
                    excluded.setdefault(issue, []).append((start, end))
                    continue
                if requires or issue in self.unless:
                    if words is None:
                        words = {t.lower_ for _, d in doc.chunks for t in d}
                        text = " " + " ".join(t.lower_ for _, d in doc.chunks for t in d) + " "
                    if requires and not requires & words:
                        continue
                    if any(p in text for p in self.unless.get(issue, ())):
                        continue
                candidates.append((start, end, issue, bool(requires)))
            kept = [c for c in candidates if not any(s <= c[0] and c[1] <= e for s, e in excluded.get(c[2], ()))]
            for start, end, issue, _ in (c for c in kept if not any(_covers(o, c) for o in kept)):
                index = sentence_at.get((offset, sdoc[start].sent.start))
                if index is not None:
                    found.setdefault(index, []).append((start, end, issue))
        for hits in found.values():
            hits.sort()
        self._anaphora(doc, found)
        return found

    @staticmethod
    def _anaphora(doc: Document, found: dict[int, list[Hit]]) -> None:
        """ "These areas", "such issues": the issues of the paragraph's earlier sentences, else
        of the latest one with any."""
        for sent in doc.sentences:
            nouns = [
                t.head
                for t in sent.span
                if t.lower_ in ANAPHORS and t.dep_ in {"det", "amod", "predet"} and t.head.lower_ in ANAPHORIC_NOUNS
            ]
            earlier = _antecedents(doc, found, sent.index) if nouns else []
            if earlier:
                found.setdefault(sent.index, []).extend((n.i, n.i + 1, issue) for n in nouns for issue in earlier)

    @staticmethod
    def _region(event: Event, doc: Document) -> set[int] | None:
        """Token indices of the event's verb subtree, less the subtrees of the sentence's other events."""
        verb: Token | None = doc.scratch.of(event).verb_token
        if verb is None:
            return None
        region = {t.i for t in verb.subtree}
        for other in doc.events:
            o = doc.scratch.of(other).verb_token
            if other.sentence_index == event.sentence_index and o is not None and o.i != verb.i and o.i in region:
                region -= {t.i for t in o.subtree}
        return region

    @staticmethod
    def _party_contexts(event: Event) -> list[str]:
        """Contexts the event's parties imply: two states in verbal cooperation, armed forces, spies, courts."""
        parties = event.actors + event.recipients
        out = []
        states = {a.country for a in parties if a.country and a.sector in STATE_SECTORS}
        if (
            event.event_type in DIPLOMATIC_TYPES
            and len(states) >= 2
            and all(a.sector in STATE_SECTORS for a in parties if a.country)
        ):
            out.append("diplomatic")
        for a in parties:
            context, types = SECTOR_CONTEXTS.get(a.sector or "", (None, None))
            if context and (types is None or event.event_type in types):
                out.append(context)
        return out


def _antecedents(doc: Document, found: dict[int, list[Hit]], index: int) -> list[str]:
    """Issues of the sentences before `index` in its paragraph, else of the nearest earlier sentence with any."""
    out: list[str] = []
    same_paragraph = True
    for j in range(index - 1, -1, -1):
        same_paragraph = same_paragraph and "\n" not in doc.text[doc.sentences[j].end : doc.sentences[j + 1].start]
        hits = [h[2] for h in found.get(j, [])]
        if same_paragraph:
            out = hits + out
        elif out or hits:
            return list(dict.fromkeys(out or hits))
    return list(dict.fromkeys(out))


def _covers(outer: tuple[int, int, str, bool], inner: tuple[int, int, str, bool]) -> bool:
    """A longer match holds the inner one; on the same words a match whose document condition held wins."""
    if not (outer[0] <= inner[0] and inner[1] <= outer[1]):
        return False
    if (outer[0], outer[1]) != (inner[0], inner[1]):
        return True
    return outer[3] and not inner[3]
