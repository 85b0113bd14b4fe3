"""spaCy's attribute ruler and lemmatizer in one pass, remembered per word, tag and label.

In en_core_web_sm these two components set each token's coarse POS, morphology and lemma
from its tag, and take a fifth of spaCy's time: the ruler matches 179 patterns against
every token, the lemmatizer looks each token up again. Almost all of the patterns look at
one token alone (its tag, dependency label and lower-case form), so a token's outcome
depends only on (word, tag, label): it is computed once by spaCy's own matcher and
lemmatizer and then reused. Patterns over several tokens ("gon na", "there is") still
run through spaCy's matcher on every document. The result is the same as the two
components' (a test compares every token of real articles).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, MorphAnalysis, Token
from spacy.tokens._retokenize import set_token_attrs

from ..memo import Generations

RULER, LEMMATIZER = "attribute_ruler", "lemmatizer"
# what a one-token pattern may test for its outcome to follow from (word, tag, label)
WORD_KEYS = frozenset(
    {
        "ORTH",
        "TEXT",
        "LOWER",
        "SHAPE",
        "PREFIX",
        "SUFFIX",
        "LENGTH",
        "IS_ALPHA",
        "IS_ASCII",
        "IS_DIGIT",
        "IS_LOWER",
        "IS_UPPER",
        "IS_TITLE",
        "IS_PUNCT",
        "IS_SPACE",
        "IS_STOP",
        "LIKE_NUM",
        "LIKE_URL",
        "LIKE_EMAIL",
        "TAG",
        "DEP",
    }
)
WORD_FORMS = frozenset({"ORTH", "LOWER", "NORM", "PREFIX", "SUFFIX", "SHAPE"})  # what a model may read to run first
GENERATION = 30_000  # outcomes per cache generation: at most two are kept, about 25 MiB


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the two components give a token with no pattern over several tokens on it."""

    pos: int
    morph: MorphAnalysis
    lemma: str  # a string, not a hash: a word's lemma may leave the string store with a memory zone
    tag: int
    dep: int


class TokenAttributes:
    """Sets POS, morphology and lemma as `nlp`'s attribute ruler and lemmatizer would, faster."""

    def __init__(self, nlp: Language) -> None:
        self.ruler = nlp.get_pipe(RULER)
        self.lemmatizer = nlp.get_pipe(LEMMATIZER)
        self.vocab = nlp.vocab
        self.phrases = Matcher(nlp.vocab)  # the rules over several tokens
        for number, rule in enumerate(self.ruler.patterns):
            longer = [pattern for pattern in rule["patterns"] if len(pattern) > 1]
            if longer:
                self.phrases.add(str(number), longer)
        self.outcomes: Generations[tuple[int, int, int], Outcome] = Generations(GENERATION)  # (word, tag, label)

    @staticmethod
    def applies(nlp: Language) -> bool:
        """Whether this class can stand in for `nlp`'s ruler and lemmatizer: they run one after the other,
        the lemmatizer by rule, the one-token patterns test only (word, tag, label), and nothing after them
        but the entity recogniser (whose model reads only word forms), so running this last changes nothing."""
        names = nlp.pipe_names
        if RULER not in names or LEMMATIZER not in names or names.index(LEMMATIZER) != names.index(RULER) + 1:
            return False
        if names[names.index(LEMMATIZER) + 1 :] not in ([], ["ner"]) or (
            "ner" in names and not _reads_forms(nlp, "ner")
        ):
            return False
        lemmatizer = nlp.get_pipe(LEMMATIZER)
        if getattr(lemmatizer, "mode", None) != "rule" or lemmatizer.overwrite:
            return False
        return all(
            set(token) <= WORD_KEYS
            for rule in nlp.get_pipe(RULER).patterns
            for pattern in rule["patterns"]
            if len(pattern) == 1
            for token in pattern
        )

    def __call__(self, doc: Doc) -> Doc:
        phrases = self._phrase_rules(doc)
        outcomes = self.outcomes
        for token in doc:
            if token.i in phrases or token.lemma:
                self._set(token, self._rules(token) + phrases.get(token.i, ()))
                continue
            key = (token.orth, token.tag, token.dep)
            outcome = outcomes.get(key)
            if outcome is None:
                outcome = self._outcome(token)
                outcomes.put(key, outcome)
            token.pos = outcome.pos
            token.morph = outcome.morph
            token.lemma_ = outcome.lemma
            if token.tag != outcome.tag:
                token.tag = outcome.tag
            if token.dep != outcome.dep:
                token.dep = outcome.dep
        return doc

    def _phrase_rules(self, doc: Doc) -> dict[int, tuple[int, ...]]:
        """Token index -> the numbers of the rules over several tokens that set it."""
        found: dict[int, tuple[int, ...]] = {}
        for match_id, start, end in self.phrases(doc, allow_missing=True):
            number = int(self.vocab.strings[match_id])
            target = doc[start:end][self.ruler.indices[number]].i
            found[target] = (*found.get(target, ()), number)
        return found

    def _rules(self, token: Token) -> tuple[int, ...]:
        """The ruler's one-token rules that match `token`, by spaCy's own matcher."""
        matches = self.ruler.matcher(token.doc[token.i : token.i + 1], allow_missing=True)
        return tuple({int(self.vocab.strings[match_id]) for match_id, start, end in matches if end - start == 1})

    def _set(self, token: Token, rules: tuple[int, ...]) -> None:
        """Apply `rules` in the ruler's order (a later rule wins), then lemmatize as the lemmatizer does."""
        for number in sorted(rules):
            set_token_attrs(token, self.ruler.attrs[number])
        if token.lemma == 0:
            token.lemma_ = self.lemmatizer.lemmatize(token)[0]

    def _outcome(self, token: Token) -> Outcome:
        self._set(token, self._rules(token))
        return Outcome(token.pos, token.morph, token.lemma_, token.tag, token.dep)


def _reads_forms(nlp: Language, name: str) -> bool:
    """Whether component `name`'s model sees only word forms, or listens to a tok2vec that runs first."""
    tok2vec = nlp.config["components"][name].get("model", {}).get("tok2vec", {})
    if "Listener" in tok2vec.get("@architectures", ""):
        return True
    return set(tok2vec.get("embed", {}).get("attrs", ["?"])) <= WORD_FORMS
