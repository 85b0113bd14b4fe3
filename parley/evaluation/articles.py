"""`parley eval --articles`: score the events `parley code` emits for whole articles
against hand-read labels (`parley.evaluation.annotations`), and two readings against each other.

The articles are read and coded on the path `parley code --input jsonl` takes (the JSON
Lines reader, then the default pipeline); every emitted event counts. An emitted event
matches an unmatched gold event of the same sentence and the same PLOVER type. Two events
are in the same sentence when either one's trigger lies inside the other's sentence, so a
sentence split differently by the coder and by the reader still meets. Figures:

- typed-event precision, recall and F1, overall and per type, and the most frequent
  confusions (gold -> emitted; `none` for an event in a sentence with no gold event,
  `missed` for a gold event nothing in its sentence stood for);
- the share of emitted events in sentences with no gold event, and sentence-level
  detection recall (gold sentences with at least one emitted event);
- on matched pairs: the gold source's (recipient's) country and sector among the emitted
  event's actors' (recipients'), where the gold names that party; the date where the gold
  gives a day; the place's country and name where the gold names a place; negation and
  status.

With folds > 1 the labelled articles are split by article; each fold is coded by a coder
trained on the other folds' articles (`fold_pipeline`): what the shipped coder learns from
whole articles is learned again without the held-out ones.
"""

from __future__ import annotations

import random
import statistics
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..nlp.document import PLOVER_TYPES, Actor, Document, Event
from ..nlp.vocab import STATELESS
from .annotations import Article, GoldEvent, LabelError, Party, load

DATE_FORMS = {"month": 7, "year": 4}  # an emitted date of this precision is compared on its first n characters


@dataclass(frozen=True)
class Scored:
    """One event as the scorer compares it, emitted by parley or read by hand."""

    doc_id: str
    sentence: tuple[int, int]
    trigger: tuple[int, int]
    type: str
    source_countries: frozenset[str | None]
    source_sectors: frozenset[str | None]
    target_countries: frozenset[str | None]
    target_sectors: frozenset[str | None]
    date: str | None
    place: str | None
    place_country: str | None
    negated: bool
    status: str
    label: str  # how error listings show it

    def same_sentence(self, other: Scored) -> bool:
        return (
            self.sentence[0] <= other.trigger[0] < self.sentence[1]
            or other.sentence[0] <= self.trigger[0] < other.sentence[1]
        )


def _party_label(text: str, party: Party | None) -> str:
    if party is None:
        return "-"
    return f"{text[party.start : party.end]!r} {party.country or '-'}/{party.sector or '-'}"


def from_gold(article: Article, e: GoldEvent) -> Scored:
    def sets(p: Party | None) -> tuple[frozenset, frozenset]:
        return (frozenset(), frozenset()) if p is None else (frozenset([p.country]), frozenset([p.sector]))

    (sc, ss), (tc, ts) = sets(e.source), sets(e.target)
    trigger = article.text[e.trigger_start : e.trigger_end]
    label = (
        f"{'not ' if e.negated else ''}{e.type} {_party_label(article.text, e.source)} -> "
        f"{_party_label(article.text, e.target)} [{trigger}]"
    )
    return Scored(
        article.id,
        (e.sentence_start, e.sentence_end),
        (e.trigger_start, e.trigger_end),
        e.type,
        sc,
        ss,
        tc,
        ts,
        e.date,
        e.place,
        e.place_country,
        e.negated,
        e.status,
        label,
    )


def _emitted_date(event: Event) -> str | None:
    if event.date is None:
        return None
    return event.date.isoformat()[: DATE_FORMS.get(event.date_precision or "day", 10)]


def _sector(actor: Actor) -> str | None:
    """The guide gives an organisation its kind (IGO, NGO) as sector, where parley's code
    names the body ("IGOUNO": the UN) or nothing."""
    return actor.country if actor.country in STATELESS else actor.sector


def from_event(doc: Document, event: Event, shift: int = 0) -> Scored:
    """An emitted event; `shift` moves the document's offsets onto the labelled text's
    (the reader strips the text it codes)."""
    sent = doc.sentences[event.sentence_index]
    parties = " ".join(f"{a.text!r} {a.code or '-'}" for a in event.actors) or "-"
    others = " ".join(f"{a.text!r} {a.code or '-'}" for a in event.recipients) or "-"
    label = f"{'not ' if event.negated else ''}{event.event_type} {parties} -> {others} [{event.trigger_text}]"
    loc = event.location
    return Scored(
        doc.id,
        (sent.start + shift, sent.end + shift),
        (event.trigger_start + shift, event.trigger_end + shift),
        event.event_type,
        frozenset(a.country for a in event.actors),
        frozenset(map(_sector, event.actors)),
        frozenset(a.country for a in event.recipients),
        frozenset(map(_sector, event.recipients)),
        _emitted_date(event),
        loc.name if loc else None,
        loc.country if loc else None,
        event.negated,
        event.status,
        label,
    )


@dataclass
class Pairing:
    """The scorer's reading of one article: its events, matched pairs, misses and extras."""

    gold: list[Scored]
    emitted: list[Scored]
    text: str = ""  # the article's text, for error listings
    matched: list[tuple[Scored, Scored]] = field(default_factory=list)  # (gold, emitted)
    missed: list[Scored] = field(default_factory=list)
    extra: list[Scored] = field(default_factory=list)

    def outside(self) -> list[Scored]:
        """Emitted events in sentences where the gold has no event at all."""
        return [e for e in self.emitted if not any(g.same_sentence(e) for g in self.gold)]

    def gold_sentences(self) -> list[Scored]:
        """One gold event for each sentence the gold has events in."""
        firsts: dict[tuple[int, int], Scored] = {}
        for g in self.gold:
            firsts.setdefault(g.sentence, g)
        return list(firsts.values())


def _parties_agree(gold: Scored, emitted: Scored) -> int:
    """How many of the gold event's source and target countries the emitted event names."""
    return sum(
        bool(g) and next(iter(g)) in e
        for g, e in (
            (gold.source_countries, emitted.source_countries),
            (gold.target_countries, emitted.target_countries),
        )
    )


def pair(gold: list[Scored], emitted: list[Scored], text: str = "") -> Pairing:
    """Match each emitted event, in text order, to the unmatched gold event of its sentence
    and type whose trigger is nearest; of gold events with one trigger (one act by several
    parties, one event per pair), the one whose parties the emitted event names."""
    out, free = Pairing(gold, emitted, text), list(gold)
    for e in sorted(emitted, key=lambda e: e.trigger):
        candidates = [g for g in free if g.type == e.type and g.same_sentence(e)]
        if candidates:
            g = min(candidates, key=lambda g: (abs(g.trigger[0] - e.trigger[0]), -_parties_agree(g, e)))
            free.remove(g)
            out.matched.append((g, e))
        else:
            out.extra.append(e)
    out.missed = free
    return out


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _norm(name: str | None) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()
    return "".join(c for c in text if c.isalnum())


@dataclass
class ArticleReport:
    """Every figure of one scoring run over a set of labelled articles."""

    source: str
    pairings: list[Pairing] = field(default_factory=list)
    folds: list[dict] = field(default_factory=list)

    def add(self, article: Article, emitted: list[Scored]) -> None:
        """Score one article's emitted events against its gold ones."""
        self.pairings.append(pair([from_gold(article, e) for e in article.events], emitted, article.text))

    @property
    def articles(self) -> int:
        return len(self.pairings)

    @property
    def gold(self) -> list[Scored]:
        return [g for p in self.pairings for g in p.gold]

    @property
    def emitted(self) -> list[Scored]:
        return [e for p in self.pairings for e in p.emitted]

    @property
    def matched(self) -> list[tuple[Scored, Scored]]:
        return [m for p in self.pairings for m in p.matched]

    def _detected_sentences(self) -> tuple[int, int]:
        """(gold sentences with an emitted event in them, gold sentences)."""
        found = total = 0
        for p in self.pairings:
            sentences = p.gold_sentences()
            total += len(sentences)
            found += sum(any(g.same_sentence(e) for e in p.emitted) for g in sentences)
        return found, total

    def confusions(self) -> Counter:
        """gold type -> emitted type for unmatched events of one sentence, `none` and `missed` for the rest."""
        out: Counter = Counter()
        for p in self.pairings:
            missed = list(p.missed)
            for e in p.extra:
                g = next((g for g in missed if g.same_sentence(e)), None)
                if g is not None:
                    missed.remove(g)
                    out[(g.type, e.type)] += 1
                elif any(g.same_sentence(e) for g, _ in p.matched):
                    out[("extra", e.type)] += 1  # a second event where the gold has only the one matched
                else:
                    out[("none", e.type)] += 1
            for g in missed:
                out[(g.type, "missed")] += 1
        return out

    def agreement(self) -> dict[str, float | None]:
        """Agreement of the parties, date, place, negation and status on matched pairs."""
        tallies: dict[str, list[bool]] = {
            k: []
            for k in (
                "source_country",
                "source_sector",
                "recipient_country",
                "recipient_sector",
                "date",
                "place_country",
                "place_name",
                "place_unsaid",
                "negated",
                "status",
            )
        }
        for g, e in self.matched:
            if g.source_countries:
                tallies["source_country"].append(next(iter(g.source_countries)) in e.source_countries)
                tallies["source_sector"].append(next(iter(g.source_sectors)) in e.source_sectors)
            if g.target_countries:
                tallies["recipient_country"].append(next(iter(g.target_countries)) in e.target_countries)
                tallies["recipient_sector"].append(next(iter(g.target_sectors)) in e.target_sectors)
            if g.date and len(g.date) == 10:
                tallies["date"].append(e.date == g.date)
            if g.place:
                tallies["place_country"].append(e.place_country == g.place_country)
                tallies["place_name"].append(bool(e.place) and _norm(e.place) == _norm(g.place))
            else:  # a place the reader does not see said: a mislocation no agreement above counts
                tallies["place_unsaid"].append(e.place is None)
            tallies["negated"].append(e.negated == g.negated)
            tallies["status"].append(e.status == g.status)
        return {k: _ratio(sum(v), len(v)) for k, v in tallies.items()} | {f"{k}_n": len(v) for k, v in tallies.items()}

    def per_type(self) -> list[dict]:
        gold, emitted = Counter(g.type for g in self.gold), Counter(e.type for e in self.emitted)
        hits = Counter(g.type for g, _ in self.matched)
        rows = []
        for t in PLOVER_TYPES:
            if gold[t] or emitted[t]:
                p, r = (hits[t] / emitted[t] if emitted[t] else 0.0), (hits[t] / gold[t] if gold[t] else 0.0)
                rows.append(
                    {
                        "type": t,
                        "precision": round(p, 4),
                        "recall": round(r, 4),
                        "f1": round(_f1(p, r), 4),
                        "gold": gold[t],
                        "emitted": emitted[t],
                    }
                )
        return rows

    def summary(self) -> dict:
        n_match = len(self.matched)
        p = n_match / len(self.emitted) if self.emitted else 0.0
        r = n_match / len(self.gold) if self.gold else 0.0
        found, sentences = self._detected_sentences()
        out = {
            "source": self.source,
            "articles": self.articles,
            "gold_events": len(self.gold),
            "emitted_events": len(self.emitted),
            "matched": n_match,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(_f1(p, r), 4),
            "outside_gold_sentences": _ratio(sum(len(p.outside()) for p in self.pairings), len(self.emitted)),
            "sentence_detection_recall": _ratio(found, sentences),
            "gold_sentences": sentences,
            "agreement": self.agreement(),
            "per_type": self.per_type(),
            "confusions": [{"gold": g, "emitted": e, "n": n} for (g, e), n in self.confusions().most_common(12)],
        }
        if self.folds:
            f1s = [f["f1"] for f in self.folds]
            out["folds"] = self.folds
            out["fold_f1_mean"], out["fold_f1_sd"] = round(statistics.mean(f1s), 4), round(statistics.pstdev(f1s), 4)
        return out

    def text(self) -> str:
        s = self.summary()
        a = s["agreement"]

        def pct(key: str) -> str:
            return "-" if a[key] is None else f"{a[key]:.3f} (n={a[key + '_n']})"

        lines = [
            f"source: {s['source']}",
            f"articles: {s['articles']}",
            f"gold events: {s['gold_events']}   emitted: {s['emitted_events']}   matched: {s['matched']}",
            f"typed-event precision {s['precision']:.3f}  recall {s['recall']:.3f}  F1 {s['f1']:.3f}",
            f"emitted events in sentences with no gold event: {_show(s['outside_gold_sentences'])}",
            f"sentence detection recall: {_show(s['sentence_detection_recall'])} "
            f"({s['gold_sentences']} gold sentences)",
            "on matched events:",
            f"  source country {pct('source_country')}   sector {pct('source_sector')}",
            f"  recipient country {pct('recipient_country')}   sector {pct('recipient_sector')}",
            f"  date (gold gives a day) {pct('date')}",
            f"  place country {pct('place_country')}   name {pct('place_name')}",
            f"  no place where the reader gives none {pct('place_unsaid')}",
            f"  negation {pct('negated')}   status {pct('status')}",
        ]
        if self.folds:
            by_fold = " ".join(format(f["f1"], ".3f") for f in self.folds)
            lines.append(f"by fold: F1 {by_fold} (mean {s['fold_f1_mean']:.3f}, sd {s['fold_f1_sd']:.3f})")
        lines += ["", f"{'type':<10} {'prec':>6} {'rec':>6} {'f1':>6} {'gold':>5} {'emit':>5}"]
        lines += [
            f"{r['type']:<10} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} {r['gold']:5d} {r['emitted']:5d}"
            for r in s["per_type"]
        ]
        lines += [
            "",
            "most frequent confusions (gold -> emitted): "
            + ", ".join(f"{c['gold']}->{c['emitted']} {c['n']}" for c in s["confusions"]),
        ]
        return "\n".join(lines)

    def errors(self, n: int) -> str:
        """The n sentences with the most misses and extras, gold beside emitted."""
        units: list[tuple[int, str, tuple[int, int], list[str], str]] = []
        for p in self.pairings:
            rows: list[tuple[Scored, str]] = (
                [(g, "  ok gold  ") for g, _ in p.matched]
                + [(g, "  missed   ") for g in p.missed]
                + [(e, "  extra    ") for e in p.extra]
            )
            groups: list[list[tuple[Scored, str]]] = []
            for row in sorted(rows, key=lambda r: r[0].sentence):
                home = next((grp for grp in groups if any(row[0].same_sentence(o) for o, _ in grp)), None)
                if home is None:
                    groups.append([row])
                else:
                    home.append(row)
            for grp in groups:
                wrong = sum(tag != "  ok gold  " for _, tag in grp)
                if wrong:
                    first = grp[0][0]
                    units.append((wrong, first.doc_id, first.sentence, [tag + ev.label for ev, tag in grp], p.text))
        units.sort(key=lambda u: (-u[0], u[1], u[2]))
        out: list[str] = []
        for wrong, doc_id, (a, b), shown, text in units[:n]:
            sentence = " ".join(text[a:b].split())
            out += [f"{doc_id} [{a}:{b}] {wrong} wrong: {sentence[:300]}", *shown, ""]
        return "\n".join(out)


def _show(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _coded(
    articles: Path, wanted: dict[str, Article], pipeline, lower: bool = False
) -> Iterator[tuple[Article, list[Scored]]]:
    """Each labelled article coded on `parley code`'s path, with its emitted events; `lower`:
    as a scraper without capitals would give it (`lower_case`)."""
    from ..corpus.sources import Failure, ReadOptions, documents

    failures: list[str] = []

    def labelled() -> Iterable[Document]:
        for item in documents([str(articles)], ReadOptions("jsonl")):
            if isinstance(item, Failure):
                failures.append(f"{item.source}: {item.reason}")
            elif item.id in wanted:
                if lower:
                    item.text = lower_case(item.text)
                yield item

    coded = set()
    for doc in pipeline(labelled()):
        article = replace(wanted[doc.id], text=lower_case(wanted[doc.id].text)) if lower else wanted[doc.id]
        coded.add(doc.id)
        shift = article.text.find(doc.text) if doc.text != article.text else 0
        yield article, [from_event(doc, e, shift) for e in doc.events]
    if len(coded) < len(wanted):
        missing = ", ".join(sorted(set(wanted) - coded)[:5])
        raise LabelError(f"{articles}: labelled articles not coded ({missing}); " + "; ".join(failures[:3]))


def split_by_article(ids: list[str], folds: int, seed: int = 13) -> list[list[str]]:
    """Article ids dealt into `folds` folds after a seeded shuffle."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    return [order[f::folds] for f in range(folds)]


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fold_pipeline(train: list[Article], held_out: Collection[str] = ()):
    """The coder for held-out articles: without folds (no `train` articles) the shipped one,
    else the shipped one trained again on the `train` articles (and the labelled sentences and
    the project's own articles but those `held_out`, as the shipped one is) only: its event
    detector, and where the shipped encoder's top layers were tuned on articles, those layers
    and all that reads them."""
    from ..nlp.models import tuned_layers
    from ..nlp.models.classifier import WEIGHTS
    from ..nlp.pipeline import default_pipeline
    from ..training.detector import detector_pipeline
    from ..training.encoder import tuned_pipeline

    if not train:
        return default_pipeline()
    if (WEIGHTS / tuned_layers.FILE).is_file():
        return tuned_pipeline(train, held_out, log=_log)
    return detector_pipeline(train, held_out, log=_log)


def lower_case(text: str) -> str:
    """The text in small letters, each letter as long as before, so that the labels' offsets
    still hold (the rare letter whose small form is longer stays as it is)."""
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


def evaluate_articles(
    articles: Path,
    labels: Path,
    folds: int = 0,
    pipeline=None,
    lower: bool = False,
    retrain: Callable[[list[Article], Collection[str]], Any] = fold_pipeline,
) -> ArticleReport:
    """Score the events coded for the labelled articles of `articles` against `labels`;
    `lower`: each article coded in small letters, as a careless scraper gives news. With
    `folds`, each fold is coded by `retrain` on the other folds' articles: the shipped coder's
    own training (`fold_pipeline`), or another (`training.detector.detector_pipeline` retrains
    the event detector alone: about 2 minutes a fold of the 173 articles, where the encoder's
    tuned layers and all that reads them take about 11). `retrain` is also given the ids of
    every article scored, which the project's own articles it learns from leave out."""
    gold = load(labels, articles)
    report = ArticleReport(str(labels))
    for f, held in enumerate(split_by_article(list(gold), folds) if folds > 1 else [list(gold)]):
        held_out = set(held)
        train = [a for k, a in gold.items() if k not in held_out]
        part = ArticleReport(f"fold {f + 1}")
        coder = pipeline or retrain(train, frozenset(gold))
        for article, emitted in _coded(articles, {k: gold[k] for k in held}, coder, lower):
            part.add(article, emitted)
        report.pairings += part.pairings
        if folds > 1:
            s = part.summary()
            report.folds.append(
                {k: s[k] for k in ("articles", "gold_events", "emitted_events", "precision", "recall", "f1")}
            )
    return report


def agreement(first: Path, second: Path, articles: Path) -> ArticleReport:
    """Two readings scored against each other on the articles both labelled: the first as
    gold, the second as if emitted (F1 is symmetric; precision and recall swap)."""
    a, b = load(first, articles), load(second, articles)
    report = ArticleReport(f"{first} vs {second}")
    for doc_id in sorted(set(a) & set(b)):
        report.add(a[doc_id], [from_gold(b[doc_id], e) for e in b[doc_id].events])
    return report
