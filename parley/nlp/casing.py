"""Texts written or scraped without capitals ("gujarat police arrested two men in surat on
sunday"): how to tell one, and its capitals put back for the parser.

spaCy's tagger and entity recogniser read capitals: in a lower-cased text they miss places,
people, days and sentence starts, and the stages after them miss the parties, places and
dates those carry. `truecased` gives the parser the same text with capitals where an edited
one would have them: sentence starts, "I", days and months, and the names the project's tables
know (countries, peoples, regions, cities, people, organisations; acronyms such as "NATO" in
upper case). A single word that is also an English word ("reading", "bath", "may") keeps its
small letter unless it names a state, a people, a city of a million or, being only a noun, a
body of the actor tables ("kremlin"); "us" is the United States only where the words around
it say so. Only letters' case changes, so every offset into the text stays valid.
"""

from __future__ import annotations

import re
from functools import lru_cache

WORD = re.compile(r"[^\W\d_]+")
# a sentence's first letter: the text's, or one after a full stop or a line break (past quotes)
SENTENCE_START = re.compile(r"(?:^|[.!?][\"'”’)\]]*\s+|\n\s*)[\"'“‘(\[]*([^\W\d_])")
DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
MONTHS = {
    "january",
    "february",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "apr",
    "aug",
    "sept",
    "oct",
    "nov",
    "dec",
}
NUMBER_MONTHS = {"march", "may"}  # months only beside a number ("on may 5", "5 march"): else words
BIG_CITY = 1_000_000  # a city this size is named in news more often than the word it shares
TOWN = 50_000  # a place this size is named by its other spellings too ("raqqa" for Ar Raqqah)
LONGEST_NAME = 4  # words
HONORIFICS = {"mr", "mrs", "ms", "dr"}  # the next word is a name
NAME_PARTICLES = {"of", "the", "and", "for", "de", "du", "des", "la", "le", "van", "von", "der", "da", "di"}
TITLE_WORDS = 2  # `title_cased`: the words of four letters or more a headline has, at least
# the words of four letters or more some title-case styles keep small: prepositions, conjunctions,
# pronouns and auxiliaries ("Meets with", "Attacks this Week", "if they Publicize")
TITLE_SMALL = frozenset(
    "with within without from into onto over upon amid than that this these those they them their there "
    "then when where which what while after about under above below between across against during "
    "before since until through toward towards will would could should have been were does also".split()
)
# table names that are everyday words in lower case ("car": the Central African Republic)
EVERYDAY = {"car", "valley", "reunion", "kiwi", "jersey", "congress"}


def lower_cased(text: str) -> bool:
    """True for a text written (or scraped) without capitals: under one letter in 200 upper case.
    The parse asks it once per document (`Scratch.caseless`), for the stages after it."""
    letters = sum(c.isalpha() for c in text)
    return letters >= 40 and sum(c.isupper() for c in text) * 200 < letters


def title_cased(text: str, nlp) -> bool:
    """True for a line set in title case or capitals, as headlines are ("Poland Releases Three
    Labor Activists"): at least TITLE_WORDS words of four letters or more after the first, all
    capitalised but prepositions and conjunctions some styles keep small ("Meets with"), and one
    of them an English word that is no name, day or month. A sentence of prose has small words
    of its own ("The Government of India has agreed to set up National Centre ..."), and a short
    one may have nothing but names beside them ("He met Ahmed Shaheen on Monday."). spaCy reads
    a headline's capitals as names; the parse reads the line with its small letters back
    (`truecased` of it in lower case). `nlp`: the spaCy model (its word lists)."""
    words = [w for w in WORD.findall(text)[1:] if len(w) >= 4 and w not in TITLE_SMALL]
    if len(words) < TITLE_WORDS or not all(w[0].isupper() for w in words):
        return False
    names = _tables(nlp)[0]
    english = _english_words(nlp)[0]
    return any(
        _stems(w) & english and w not in names and w not in DAYS and w not in MONTHS
        for w in (word.lower() for word in words)
    )


def _stems(word: str) -> set[str]:
    """The word and what it may inflect (the word lists hold lemmas): "makes", "denounced", "talks"."""
    stems = {word}
    for suffix, ends in (("s", ("",)), ("es", ("",)), ("ies", ("y",)), ("ed", ("", "e")), ("ing", ("", "e"))):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stems.update(word[: -len(suffix)] + end for end in ends)
    return stems


def truecased(text: str, nlp) -> str:
    """The text with the capitals an edited text would have (see the module's docstring), of
    the same length; `nlp`: the spaCy model, whose lemmatizer tables say which words are English."""
    names, acronyms, stop = _tables(nlp)
    chars = list(text)

    def capitalise(start: int, end: int, whole: bool = False) -> None:
        for i in range(start, end):
            if whole or i == start or not chars[i - 1].isalpha():
                chars[i] = chars[i].upper()

    words = [(m.start(), m.end(), m.group().lower()) for m in WORD.finditer(text)]
    named: set[str] = set()  # surnames of full names met so far ("donald trump ... trump said")
    i = 0
    while i < len(words):
        start, end, word = words[i]
        for n in range(min(LONGEST_NAME, len(words) - i), 0, -1):
            span = words[i : i + n]
            if all(text[a[1] : b[0]] in {" ", "-"} for a, b in zip(span, span[1:])):
                phrase = " ".join(w for _, _, w in span)
                if phrase in names:
                    for k, (a, b, w) in enumerate(span):  # "US Secretary of State"
                        if w in acronyms or w == "us":
                            capitalise(a, b, whole=True)
                        elif k == 0 or w not in NAME_PARTICLES:
                            capitalise(a, b)
                    if n > 1 and span[-1][2] not in stop:
                        named.add(span[-1][2])
                    i += n
                    break
        else:
            if word in acronyms or (word == "us" and the_us(text, start, end, nlp)):
                capitalise(start, end, whole=True)
            elif word == "i" or word in named:
                capitalise(start, end)
            elif word in HONORIFICS and i + 1 < len(words) and text[end : words[i + 1][0]] in {" ", ". "}:
                capitalise(start, end)
                capitalise(*words[i + 1][:2])  # "mr trump"
                i += 1
            i += 1
    for m in SENTENCE_START.finditer(text):
        chars[m.start(1)] = chars[m.start(1)].upper()
    return calendar_cased("".join(chars))


def the_us(text: str, start: int, end: int, nlp=None) -> bool:
    """Whether a lower-case "us" is the United States: "the us", "us-led", "us's", "us
    officials" (an agent word after it) and, given the spaCy model, "us airstrikes", "us
    policy" (a noun or adjective after it); not the pronoun ("told us", "let us fight")."""
    from .vocab import agents

    after = text[end : end + 30]
    if text[max(0, start - 4) : start] == "the " or after[:1] == "-" or after[:2] in {"'s", "’s"}:
        return True
    following = WORD.match(after[1:]) if after[:1] == " " else None
    if following is None or text[max(0, start - 4) : start] == "let ":
        return False
    word = following.group().lower()
    forms = {word, word.removesuffix("s"), word.removesuffix("es"), word.removesuffix("ies") + "y"}
    if any(agents().code(w) for w in forms if len(w) > 2):
        return True
    if nlp is None:
        return False
    nouns, adjectives, _ = _word_lists(nlp)
    return word not in nlp.Defaults.stop_words and bool(forms & (nouns | adjectives))


def calendar_cased(text: str) -> str:
    """The text with days and months capitalised, as the date grammar (`parley.nlp.dates`)
    reads them; "may" and "march" only beside a number ("on may 5"). Of the same length."""

    def cased(m: re.Match) -> str:
        word = m.group().lower()
        known = word in DAYS or word in MONTHS or (word in NUMBER_MONTHS and _by_number(text, m.start(), m.end()))
        return m.group().capitalize() if known else m.group()

    return WORD.sub(cased, text)


def _by_number(text: str, start: int, end: int) -> bool:
    """Whether a digit stands just before or after the word ("on may 5", "5 march 2019")."""
    return bool(re.match(r"\s+\d", text[end : end + 3]) or re.search(r"\d\s+$", text[max(0, start - 3) : start]))


@lru_cache(maxsize=1)
def _tables(nlp) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Lower-case names to capitalise word by word, lower-case acronyms to write in capitals,
    and spaCy's stop words ("may" of "theresa may" is no name on its own)."""
    from .gazetteer import gazetteer
    from .vocab import actor_phrases, named_actors, people, read_table, split

    english, nouns = _english_words(nlp)
    names: set[str] = set()
    acronyms: set[str] = set()
    always: set[str] = set()  # states, peoples, regions and big cities: capitalised even where words too
    for r in read_table("countries.tsv"):
        for form in [r["name"], *split(r["aliases"]), *split(r["adjectives"])]:
            (acronyms if form.isupper() else always).add(form.lower())
    for r in read_table("peoples.tsv"):
        always.update(split(r["forms"]))
    for r in read_table("regions.tsv"):
        always.update(n for n in [r["name"], *split(r["aliases"])] if "." not in n)
    for key, cities in gazetteer().cities.items():  # a city's own name, or another of a town's
        if any(primary and c.population >= BIG_CITY for c, primary in cities):
            always.add(key)
        elif any(primary or c.population >= TOWN for c, primary in cities):
            names.add(key)  # "raqqa", "douma" (GeoNames: Ar Raqqah, Dūmā)
    # people and the organisations of parley's tables: a full name ("theresa may", "human rights
    # watch") is a name whatever its words; a single word only where it is no English word
    for name in [*people(), *actor_phrases()]:
        if name.isupper() and name.isalpha() and len(name) >= 2:
            acronyms.add(name.lower())
        elif not name.isupper():
            (always if len(_words(name).split()) > 1 else names).add(name)
    # a single word of the actor tables that WordNet has only as a noun is its name ("kremlin",
    # "pentagon", "hezbollah", "damascus"), unless it is an everyday word
    always.update(w for n in actor_phrases() if (w := _words(n)) in nouns and w not in EVERYDAY)
    names.update(named_actors())  # PETRARCH's, some of them phrases of words ("we will win")
    always = {_words(n) for n in always}
    common = english - always  # "new delhi": "new" is a word, "delhi" a big city
    kept = {n for n in map(_words, names) if not all(w in common for w in n.split())} | always
    # "UN", "NATO", "FBI": WordNet lists them as nouns, unlike the words "us", "who" or "car"
    words = (english - nouns) | EVERYDAY
    acronyms = {a for a in acronyms if a.isalpha() and a not in words}
    return frozenset(kept - {""}), frozenset(acronyms), frozenset(nlp.Defaults.stop_words)


def _words(name: str) -> str:
    """A table's name as `truecased` compares it: lower-case words, no leading "the", hyphens as spaces."""
    words = name.lower().replace("-", " ").split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


@lru_cache(maxsize=1)
def _word_lists(nlp) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The English words of spaCy's lemmatizer (its word lists, from WordNet, without phrases):
    its nouns, its adjectives, and every other word (verbs, adverbs, its exceptions and spaCy's
    stop words). WordNet lists some names too ("mumbai", "nato"), which `_tables` lets through
    for states, peoples, regions, big cities and acronyms."""
    lookups = nlp.get_pipe("lemmatizer").lookups
    index = lookups.get_table("lemma_index")
    lists = sorted(({w for w in index[pos] if "_" not in w} for pos in index.keys()), key=len, reverse=True)
    nouns, adjectives = lists[0], lists[1]  # by length: nouns, adjectives, verbs, adverbs
    other = set(nlp.Defaults.stop_words).union(*lists[2:])
    for entries in lookups.get_table("lemma_exc").values():
        other.update(entries)
    return frozenset(nouns), frozenset(adjectives), frozenset(other)


@lru_cache(maxsize=1)
def _english_words(nlp) -> tuple[frozenset[str], frozenset[str]]:
    """Lower-case English words, and those of them that are only nouns (`_word_lists`)."""
    nouns, adjectives, other = _word_lists(nlp)
    return nouns | adjectives | other, nouns - adjectives - other


def in_letters(parsed, text: str):
    """A spaCy Doc of `text` with the annotations of `parsed`, a parse of `truecased(text)`:
    tags, lemmas, the dependency parse (and so the sentences) and entities, while every token's
    text is the article's own."""
    from spacy.tokens import Doc

    return Doc(
        parsed.vocab,
        words=[text[t.idx : t.idx + len(t)] for t in parsed],
        spaces=[bool(t.whitespace_) for t in parsed],
        tags=[t.tag_ for t in parsed],
        pos=[t.pos_ for t in parsed],
        morphs=[str(t.morph) for t in parsed],
        lemmas=[t.lemma_ for t in parsed],
        heads=[t.head.i for t in parsed],
        deps=[t.dep_ for t in parsed],
        ents=[f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O" for t in parsed],
    )
