"""Time stage: the event's own date, resolved against the publication date.

A date expression attached to the event's verb wins, then any date in the sentence;
otherwise the publication date (date_source "publication"). Without a publication date
only expressions that carry their own year are resolved; today's date is never used.
An event dated more than a year before publication is historical.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from spacy.tokens import Span

from ..document import Document, Event

YEAR_RANGE = re.compile(r"\b((?:1[89]|20)\d\d)\s*[-–—/]\s*((?:1[89]|20)?\d\d)\b")
HAS_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
PRECISION = {"day": "day", "time": "day", "week": "day", "month": "month", "year": "year"}
HISTORICAL_AFTER = dt.timedelta(days=365)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
BARE_WEEKDAY = re.compile(r"^(?:on |last |this |next )?(" + "|".join(WEEKDAYS) + r")$", re.I)


def _weekday(text: str, base: dt.date, prefer: str) -> dt.date | None:
    """A bare weekday in news means the nearest such day, the publication day itself included."""
    m = BARE_WEEKDAY.match(text)
    if not m:
        return None
    wanted = WEEKDAYS.index(m.group(1).lower())
    word = text.split()[0].lower()
    if prefer == "future" or word == "next":
        days = (wanted - base.weekday()) % 7 or (7 if word == "next" else 0)
        return base + dt.timedelta(days=days)
    days = (base.weekday() - wanted) % 7 or (7 if word == "last" else 0)
    return base - dt.timedelta(days=days)


@lru_cache(maxsize=64)
def _parser(base: dt.date | None, prefer: str):
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": prefer, "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def resolve(expression: str, base: dt.date | None, prefer: str = "past"
            ) -> tuple[dt.date, dt.date | None, str] | None:
    """(date, end_date, precision) for a date expression, or None when it names no date."""
    text = expression.strip()
    m = YEAR_RANGE.search(text)
    if m:
        first, last = m.group(1), m.group(2)
        if len(last) == 2:
            last = first[:2] + last
        if int(last) > int(first):
            return dt.date(int(first), 1, 1), dt.date(int(last), 12, 31), "year"
    if base is None and not HAS_YEAR.search(text):
        return None
    if base is not None and (day := _weekday(text, base, prefer)):
        return day, None, "day"
    text = re.sub(r"^(on|in|since|by|from|during)\s+", "", text, flags=re.I)
    data = _parser(base, prefer).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    date, precision = data.date_obj.date(), PRECISION.get(data.period or "day", "day")
    if precision == "year":
        date = date.replace(month=1, day=1)
    elif precision == "month":
        date = date.replace(day=1)
    return date, None, precision


class EventDater:
    """Sets date, end_date, date_precision, date_source and historical status on events."""

    def __call__(self, doc: Document) -> None:
        for event in doc.events:
            self._date(doc, event)

    @staticmethod
    def _candidates(event: Event) -> list[Span]:
        tok = event.verb_token
        sent = tok.sent
        dates = [e for e in sent.ents if e.label_ == "DATE"]
        if not dates:
            return []
        under_verb = {t.i for t in tok.subtree}
        attached = [e for e in dates if any(t.i in under_verb for t in e)]
        return attached + [e for e in dates if e not in attached]

    def _date(self, doc: Document, event: Event) -> None:
        prefer = "future" if event.status == "future" else "past"
        for ent in self._candidates(event):
            found = resolve(ent.text, doc.date, prefer)
            if found:
                event.date, event.end_date, event.date_precision = found
                event.date_source = "text"
                break
        else:
            event.date = doc.date
            event.date_precision = "day" if doc.date else None
            event.date_source = "publication" if doc.date else None
        if (doc.date and event.date_source == "text" and event.status == "factual"
                and (event.end_date or event.date) < doc.date - HISTORICAL_AFTER):
            event.status = "historical"
