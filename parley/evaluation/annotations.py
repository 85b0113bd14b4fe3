"""Hand-read labels of whole articles, stored as character offsets into the articles.

Readers write what `ANNOTATION_GUIDE.md` asks for: each event with its sentence, trigger
and party texts copied from the article. The project may not ship article text, so
`convert` turns a reading into offsets (sentence, trigger and party spans) plus a short
fingerprint of the words they cover, and `load` joins the offsets back to the articles by
id, checking that every span still covers the words the reader chose.

Stored line: {"id", "date", "sha1" (of the article text), "events": [{"sentence_start",
"sentence_end", "trigger_start", "trigger_end", "type", "negated", "status", "joint",
"date", "place", "place_country", "source", "target", "check"}]} where a party is
{"start", "end", "country", "sector"} or null and `check` fingerprints the event's spans.
A key whose value is its default (false, null) is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..nlp.document import PLOVER_TYPES, STATUSES

SECTORS = {"GOV", "MIL", "COP", "JUD", "REB", "OPP", "CVL", "MED", "BUS", "EDU", "HLH", "REF", "IGO", "NGO"}
PARTY_COUNTRY = re.compile(r"[A-Z]{3}")  # ISO 3166 alpha-3, or IGO / NGO
GOLD_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
DEFAULTS = {
    "negated": False,
    "joint": False,
    "date": None,
    "place": None,
    "place_country": None,
    "source": None,
    "target": None,
}  # left out of a stored event when they hold these
PARTY_DEFAULTS = {"country": None, "sector": None}


class LabelError(ValueError):
    """A label that does not fit its article or the guide: the message names where and why."""


@dataclass(frozen=True)
class Party:
    """A party of a gold event: its span in the article and its country and sector."""

    start: int
    end: int
    country: str | None
    sector: str | None


@dataclass(frozen=True)
class GoldEvent:
    """One hand-read event, as offsets into its article."""

    sentence_start: int
    sentence_end: int
    trigger_start: int
    trigger_end: int
    type: str
    negated: bool
    status: str
    joint: bool
    date: str | None
    place: str | None
    place_country: str | None
    source: Party | None
    target: Party | None


@dataclass(frozen=True)
class Article:
    """A labelled article: its text (from the articles file) and its gold events."""

    id: str
    text: str
    date: dt.date | None
    events: tuple[GoldEvent, ...]


def _records(path: Path, what: str, keys: tuple[str, ...]) -> Iterator[tuple[str, dict]]:
    """("path:line", object) for each non-blank line of a JSON Lines file; a line that is not
    a JSON object with `keys` is a LabelError saying it is not `what`."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                record = json.loads(line)
            except ValueError as e:
                raise LabelError(f"{where}: not valid JSON ({e})") from None
            if not isinstance(record, dict) or any(k not in record for k in keys):
                raise LabelError(f"{where}: not {what}")
            yield where, record


def read_articles(path: Path) -> dict[str, dict]:
    """Articles of a JSON Lines corpus by id: {"id", "text", "date"?, ...}."""
    return {str(r["id"]): r for _, r in _records(path, "an article record with an id", ("id",))}


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _fingerprint(text: str, event: dict) -> str:
    """Eight hex digits over the words each span of an event covers: a shifted offset shows."""
    spans = [(event["sentence_start"], event["sentence_end"]), (event["trigger_start"], event["trigger_end"])]
    spans += [(p["start"], p["end"]) for p in (event.get("source"), event.get("target")) if p]
    return _sha1("\x1f".join(text[a:b] for a, b in spans))[:8]


# --- from a reading (the guide's format) to offsets -------------------------------------------


def _find_party(text: str, words: str, sentence: tuple[int, int], where: str) -> tuple[int, int]:
    """The party's words inside its sentence, else the nearest mention before it, else after."""
    a, b = sentence
    at = text.find(words, a, b)
    if at < 0:
        at = text.rfind(words, 0, a)
    if at < 0:
        at = text.find(words, b)
    if at < 0:
        raise LabelError(f"{where}: party text {words!r} is not in the article")
    return at, at + len(words)


def _convert_party(text: str, party, sentence: tuple[int, int], where: str) -> dict | None:
    if party is None:
        return None
    if not isinstance(party, dict) or not isinstance(party.get("text"), str) or not party["text"]:
        raise LabelError(f'{where}: a party must be null or have a non-empty "text"')
    start, end = _find_party(text, party["text"], sentence, where)
    return {"start": start, "end": end, "country": party.get("country"), "sector": party.get("sector")}


def _convert_event(text: str, event: dict, cursor: int, where: str) -> dict:
    sentence = event.get("sentence")
    if not isinstance(sentence, str) or not sentence.strip():
        raise LabelError(f"{where}: no sentence")
    start = text.find(sentence, cursor)
    if start < 0:
        start = text.find(sentence)
    if start < 0:
        raise LabelError(f"{where}: sentence is not in the article: {sentence[:60]!r}")
    end = start + len(sentence)
    trigger = event.get("trigger") or ""
    at = text.find(trigger, start, end) if trigger else -1
    if at < 0:
        lowered = sentence.lower().find(trigger.lower()) if trigger else -1
        if lowered < 0:
            raise LabelError(f"{where}: trigger {trigger!r} is not in its sentence")
        at = start + lowered
    out = {
        "sentence_start": start,
        "sentence_end": end,
        "trigger_start": at,
        "trigger_end": at + len(trigger),
        **{k: event.get(k) for k in ("type", "negated", "status")},
        "joint": bool(event.get("joint")),
        **{k: event.get(k) for k in ("date", "place", "place_country")},
        "source": _convert_party(text, event.get("source"), (start, end), f"{where} source"),
        "target": _convert_party(text, event.get("target"), (start, end), f"{where} target"),
    }
    out["check"] = _fingerprint(text, out)
    _validate(text, out, where)
    return _compact(out)


def _compact(event: dict) -> dict:
    """The stored form: keys that hold their default are left out."""
    out = {k: v for k, v in event.items() if k not in DEFAULTS or v != DEFAULTS[k]}
    for role in ("source", "target"):
        if out.get(role):
            out[role] = {k: v for k, v in out[role].items() if k not in PARTY_DEFAULTS or v is not None}
    return out


def _expand(event: dict) -> dict:
    """A stored event with its left-out keys back."""
    out = DEFAULTS | event
    for role in ("source", "target"):
        if isinstance(out[role], dict):
            out[role] = PARTY_DEFAULTS | out[role]
    return out


def convert(readings: Path, articles: Path) -> Iterator[dict]:
    """Stored label lines from a reader's file in the guide's format (exact sentence strings)."""
    corpus = read_articles(articles)
    for where, reading in _records(readings, "a reading with an id", ("id",)):
        doc_id = str(reading["id"])
        if doc_id not in corpus:
            raise LabelError(f"{where}: no article {doc_id!r} in {articles}")
        text = corpus[doc_id]["text"]
        events, cursor = [], 0
        for i, event in enumerate(reading.get("events") or []):
            events.append(_convert_event(text, event, cursor, f"{where} event {i + 1}"))
            cursor = events[-1]["sentence_start"]
        events.sort(key=lambda e: (e["sentence_start"], e["trigger_start"]))
        yield {"id": doc_id, "date": corpus[doc_id].get("date"), "sha1": _sha1(text), "events": events}


# --- loading stored labels -----------------------------------------------------------------


def _validate(text: str, e: dict, where: str) -> None:
    """Offsets in range and nested, fields as the guide defines them; else LabelError."""
    n = len(text)
    if not (0 <= e.get("sentence_start", -1) < e.get("sentence_end", -1) <= n):
        raise LabelError(
            f"{where}: sentence offsets {e.get('sentence_start')}-{e.get('sentence_end')} "
            f"do not fit an article of {n} characters"
        )
    if not (e["sentence_start"] <= e.get("trigger_start", -1) < e.get("trigger_end", -1) <= e["sentence_end"]):
        raise LabelError(
            f"{where}: trigger offsets {e.get('trigger_start')}-{e.get('trigger_end')} lie outside "
            f"the sentence {e['sentence_start']}-{e['sentence_end']}"
        )
    if e.get("type") not in PLOVER_TYPES:
        raise LabelError(f"{where}: type {e.get('type')!r} is not one of PLOVER's 16")
    if e.get("status") not in STATUSES:
        raise LabelError(f"{where}: status {e.get('status')!r} is not one of {', '.join(STATUSES)}")
    if not isinstance(e.get("negated"), bool):
        raise LabelError(f"{where}: negated must be true or false")
    if e.get("date") is not None and not GOLD_DATE.fullmatch(str(e["date"])):
        raise LabelError(f"{where}: date {e['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    for role in ("source", "target"):
        p = e.get(role)
        if p is None:
            continue
        if not isinstance(p, dict):
            raise LabelError(f"{where}: {role} must be an object or null")
        if not (0 <= p.get("start", -1) < p.get("end", -1) <= n):
            raise LabelError(f"{where}: {role} offsets {p.get('start')}-{p.get('end')} do not fit the article")
        if p.get("country") is not None and not PARTY_COUNTRY.fullmatch(str(p["country"])):
            raise LabelError(f"{where}: {role} country {p['country']!r} is not an ISO alpha-3 code, IGO or NGO")
        if p.get("sector") is not None and p["sector"] not in SECTORS:
            raise LabelError(f"{where}: {role} sector {p['sector']!r} is not one of the guide's sectors")


def _party(p: dict | None) -> Party | None:
    return None if p is None else Party(p["start"], p["end"], p.get("country"), p.get("sector"))


def _gold_event(e: dict) -> GoldEvent:
    return GoldEvent(
        e["sentence_start"],
        e["sentence_end"],
        e["trigger_start"],
        e["trigger_end"],
        e["type"],
        e["negated"],
        e["status"],
        bool(e.get("joint")),
        e.get("date"),
        e.get("place"),
        e.get("place_country"),
        _party(e.get("source")),
        _party(e.get("target")),
    )


def load(labels: Path, articles: Path) -> dict[str, Article]:
    """Labelled articles by id, their offsets joined to the articles' text and checked: an
    unknown id, a changed article, an offset out of range or covering other words than the
    reader's is a LabelError naming the line and event."""
    corpus = read_articles(articles)
    out: dict[str, Article] = {}
    for where, record in _records(labels, "a label record with an id and events", ("id", "events")):
        doc_id, events = str(record["id"]), record["events"]
        if doc_id not in corpus:
            raise LabelError(f"{where}: no article {doc_id!r} in {articles}")
        if doc_id in out:
            raise LabelError(f"{where}: article {doc_id!r} is labelled twice")
        text = corpus[doc_id]["text"]
        if record.get("sha1") not in (None, _sha1(text)):
            raise LabelError(f"{where}: article {doc_id!r} in {articles} is not the text these labels were read on")
        gold = []
        for i, e in enumerate(events if isinstance(events, list) else [None]):
            at = f"{where} event {i + 1}"
            if not isinstance(e, dict):
                raise LabelError(f"{at}: not an object")
            e = _expand(e)
            _validate(text, e, at)
            if e.get("check") != _fingerprint(text, e):
                raise LabelError(
                    f"{at}: its offsets cover other words than the reader's (fingerprint "
                    f"{e.get('check')!r}); the labels or the article changed"
                )
            gold.append(_gold_event(e))
        date = corpus[doc_id].get("date")
        out[doc_id] = Article(doc_id, text, dt.date.fromisoformat(date) if date else None, tuple(gold))
    return out
