"""Date expressions in news English: found in a sentence and resolved against a base date.

A small grammar of the forms news uses ("on 27 February", "March 3, 2024", "last Tuesday",
"two weeks ago", "earlier this month", "in 2016-2018", "between May and July", "from 3 to 5
March", "on the 14th"), each resolved to (date, end_date, precision). The conventions:
an expression without a year means the latest such day or month not after the base for a
past event, the next one on or after it for a future event; week expressions mean that
week's Monday; month and year expressions their first day. Without a base date only
expressions that carry their own year resolve: today's date is never used.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a few": 3,
    "several": 3,
}
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14}
SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

# Month names are matched capitalised only: "may" is a modal verb, "march" a verb.
MONTH = (
    r"(?-i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
YEAR = r"(?:1[89]|20)\d\d"
DASH = r"\s*[-–—]\s*"
WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
COUNT = r"(?:\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
PART = r"(?:early|mid|late)"
NEAR_AHEAD = dt.timedelta(days=31)  # a day given without a year this near after the base is that day, not a year before
PREP = r"(?:in|since|during|until|by|through|of)"  # a bare month or year is a date only after one

# Alternatives in order of preference: ranges before single dates, longer forms first.
FORMS: list[tuple[str, str]] = [
    ("iso_day", r"(?P<y1>(?:19|20)\d\d)-(?P<mn>0[1-9]|1[0-2])-(?P<d1>0[1-9]|[12]\d|3[01])"),
    (
        "days_across_months",
        (
            rf"(?:from |between )?(?P<d1>{DAY}) (?P<m1>{MONTH})(?: (?P<y1>{YEAR}))?"
            rf"(?: to | and |{DASH})(?P<d2>{DAY}) (?P<m2>{MONTH})(?:,? (?P<y2>{YEAR}))?"
        ),
    ),
    (
        "days_across_months_us",
        (
            rf"(?:from |between )?(?P<m1>{MONTH}) (?P<d1>{DAY})(?:, (?P<y1>{YEAR}))?"
            rf"(?: to | and |{DASH})(?P<m2>{MONTH}) (?P<d2>{DAY})(?:, (?P<y2>{YEAR}))?"
        ),
    ),
    (
        "days_in_month",
        (
            rf"(?:from |between )?(?P<d1>{DAY})(?: to | and |{DASH})(?P<d2>{DAY}) (?P<m1>{MONTH})"
            rf"(?:,? (?P<y1>{YEAR}))?"
        ),
    ),
    (
        "days_in_month_us",
        (
            rf"(?:from |between )?(?P<m1>{MONTH}) (?P<d1>{DAY})(?: to | and |{DASH})(?P<d2>{DAY})"
            rf"(?:, (?P<y1>{YEAR}))?"
        ),
    ),
    (
        "months",
        (
            rf"(?:from |between )(?P<m1>{MONTH})(?: (?P<y1>{YEAR}))?(?: to | and )(?P<m2>{MONTH})"
            rf"(?: (?P<y2>{YEAR}))?"
        ),
    ),
    (
        "years",
        (
            rf"(?:(?:from |between )(?P<y1>{YEAR})(?: to | and )(?P<y2>{YEAR})"
            rf"|(?:{PREP} )?(?P<y3>{YEAR}){DASH}(?P<y4>{YEAR}|\d\d)\b(?!-))"
        ),
    ),
    ("day", rf"(?:(?P<d1>{DAY}) (?P<m1>{MONTH})|(?P<m2>{MONTH}) (?P<d2>{DAY})\b)(?:,? (?P<y1>{YEAR}))?"),
    (
        "month",
        (
            rf"(?:{PREP} (?:{PART}[- ])?|{PART}[- ])(?P<m1>{MONTH})(?:,? (?P<y1>{YEAR}))?"
            rf"|(?P<m2>{MONTH}),? (?P<y2>{YEAR})"
        ),
    ),
    ("year", rf"(?:{PREP} (?:{PART}[- ])?|{PART}[- ])(?P<y1>{YEAR})"),
    ("decade", r"(?:in |during )?the (?P<y1>(?:1[89]|20)\d0)s"),
    (
        "season",
        (
            rf"(?:(?P<rel>last|this|next|in the) (?P<season>spring|summer|autumn|fall|winter)"
            rf"(?: of (?P<y1>{YEAR}))?)"
        ),
    ),
    ("weekend", r"(?:(?P<rel>last|next|this|over the|at the) )?weekend"),
    ("month_rel", rf"(?P<rel>last|next|this) (?P<m1>{MONTH})"),
    (
        "weekday",
        (
            rf"(?:(?P<rel>last|next|this|on) )?(?P<wd>{WEEKDAY})"
            rf"(?:(?: and| or) {WEEKDAY})*(?:,? (?:of )?(?P<week>last|next|this) week\b)?"
        ),
    ),
    ("nth", r"on the (?P<d1>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)"),
    ("ago", rf"(?P<n>{COUNT}) (?P<unit>day|week|fortnight|month|year|decade)s? ago"),
    (
        "period",
        (
            r"(?:(?:earlier|later|late|early) |(?:at )?the (?:end|start|beginning) of )?"
            r"(?P<rel>this|last|next|past) (?P<unit>week|month|year)"
        ),
    ),
    (
        "day_word",
        (
            r"the day (?P<dir>before yesterday|after tomorrow)|(?:earlier |later )?today"
            r"|yesterday|tomorrow|tonight|last night|this (?:morning|afternoon|evening)"
        ),
    ),
]
# One scanner over all forms (their inner groups made anonymous: names repeat across forms),
# and each form alone to read its groups. "last year's election" is found but ranked last.
GRAMMAR = re.compile(
    "|".join(rf"(?P<{name}>\b(?:{re.sub(r'[(][?]P<[a-z0-9]+>', '(?:', pattern)}))" for name, pattern in FORMS),
    re.IGNORECASE,
)
FORM_RE = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in FORMS}
BARE_YEAR = re.compile(YEAR)
LEADING_PREP = re.compile(r"^(?:on|in|since|during|from|by|until|through) (?=[A-Z0-9])")
FUTURE_WORDS = re.compile(r"\b(?:next|tomorrow|tonight|later)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text, with its character offsets."""

    start: int
    end: int
    text: str
    form: str


@dataclass(frozen=True)
class Resolved:
    date: dt.date
    end_date: dt.date | None
    precision: str  # day, week, month or year


def find(text: str) -> list[DateMention]:
    """Every date expression in a text, longest first at each position, left to right."""
    return [DateMention(m.start(), m.end(), m.group(0), m.lastgroup or "") for m in GRAMMAR.finditer(text)]


def resolve(expression: str, base: dt.date | None, prefer: str = "past") -> Resolved | None:
    """The date an expression names; `prefer` ("past" or "future") settles expressions
    without a year or direction. None when it names no date or needs a missing base."""
    text = expression.strip()
    if BARE_YEAR.fullmatch(text):
        return Resolved(dt.date(int(text), 1, 1), None, "year")
    for candidate in dict.fromkeys((text, LEADING_PREP.sub("", text))):
        for name, pattern in FORM_RE.items():
            m = pattern.fullmatch(candidate)
            if m:
                try:
                    return RESOLVERS[name](m, base, prefer)
                except (ValueError, OverflowError):  # 31 February and the like, or past year 9999
                    return None
    return None


def future_expression(expression: str) -> bool:
    """Whether the words themselves point ahead ("next week", "tomorrow", "later today")."""
    return bool(FUTURE_WORDS.search(expression))


def _month(word: str) -> int:
    return MONTHS.index(word[:3].lower()) + 1


def _day(word: str) -> int:
    return int(re.match(r"\d+", word).group(0))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _ym(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def _shift_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _year_of(month: int, day: int, base: dt.date | None, prefer: str, near: bool = False) -> int | None:
    """The year of a day of the year given without one: the latest not after the base
    (past), unless a day (`near`) falls within the coming weeks ("a deadline of 10 September"
    in an article of 7 September: the days just ahead, not those of a year before), or the
    first on or after it (future)."""
    if base is None:
        return None
    candidate = dt.date(base.year, month, min(day, calendar.monthrange(base.year, month)[1]))
    if prefer == "future":
        return base.year + (candidate < base)
    return base.year - (candidate > base + (NEAR_AHEAD if near else dt.timedelta(0)))


def _days_across(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    m1, m2 = _month(m["m1"]), _month(m["m2"])
    d1, d2 = _day(m["d1"]), _day(m["d2"])
    y2 = int(m["y2"]) if m["y2"] else None
    y1 = int(m["y1"]) if m["y1"] else (y2 - (m1 > m2) if y2 else _year_of(m1, d1, base, prefer, near=True))
    if y1 is None:
        return None
    y2 = y2 or y1 + (m2 < m1)
    return Resolved(dt.date(y1, m1, d1), dt.date(y2, m2, d2), "day")


def _days_in_month(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    month, d1, d2 = _month(m["m1"]), _day(m["d1"]), _day(m["d2"])
    year = int(m["y1"]) if m["y1"] else _year_of(month, d1, base, prefer, near=True)
    if year is None or d2 <= d1:
        return None
    return Resolved(dt.date(year, month, d1), dt.date(year, month, d2), "day")


def _months(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    m1, m2 = _month(m["m1"]), _month(m["m2"])
    y2 = int(m["y2"]) if m["y2"] else None
    y1 = int(m["y1"]) if m["y1"] else (y2 - (m1 > m2) if y2 else _year_of(m1, 1, base, prefer))
    if y1 is None:
        return None
    y2 = y2 or y1 + (m2 < m1)
    return Resolved(dt.date(y1, m1, 1), _month_end(y2, m2), "month")


def _years(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    first, last = m["y1"] or m["y3"], m["y2"] or m["y4"]
    if len(last) == 2:
        last = first[:2] + last
    if int(last) <= int(first):
        return None
    return Resolved(dt.date(int(first), 1, 1), dt.date(int(last), 12, 31), "year")


def _iso_day(m: re.Match, base: dt.date | None, prefer: str) -> Resolved:
    return Resolved(dt.date(int(m["y1"]), int(m["mn"]), int(m["d1"])), None, "day")


def _single_day(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    month, day = _month(m["m1"] or m["m2"]), _day(m["d1"] or m["d2"])
    year = int(m["y1"]) if m["y1"] else _year_of(month, day, base, prefer, near=True)
    return Resolved(dt.date(year, month, day), None, "day") if year is not None else None


def _single_month(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    month, given = _month(m["m1"] or m["m2"]), m["y1"] or m["y2"]
    year = int(given) if given else _year_of(month, 1, base, prefer)
    return Resolved(dt.date(year, month, 1), None, "month") if year is not None else None


def _single_year(m: re.Match, base: dt.date | None, prefer: str) -> Resolved:
    return Resolved(dt.date(int(m["y1"]), 1, 1), None, "year")


def _decade(m: re.Match, base: dt.date | None, prefer: str) -> Resolved:
    first = int(m["y1"])
    return Resolved(dt.date(first, 1, 1), dt.date(first + 9, 12, 31), "year")


def _season(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    """A northern-hemisphere season: three months from its first (winter from December).
    "last summer" is the latest one over before the base, "next summer" the first to begin
    after it; "this summer" as a month without a year."""
    first, rel = SEASON_START[m["season"].lower()], (m["rel"] or "").lower()

    def span(year: int) -> Resolved:
        start = dt.date(year, first, 1)
        return Resolved(start, _month_end(*_ym(_shift_months(start, 2))), "month")

    if m["y1"]:
        return span(int(m["y1"]))
    if base is None:
        return None
    if rel == "last":
        return next(span(y) for y in range(base.year, base.year - 3, -1) if span(y).end_date < base)
    if rel == "next":
        return next(span(y) for y in range(base.year, base.year + 3) if span(y).date > base)
    return span(_year_of(first, 1, base, prefer))


def _weekend(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    """The Saturday and Sunday of the weekend meant: the last one, or the next for a future event."""
    if base is None:
        return None
    rel = (m["rel"] or "").lower()
    if rel == "next" or (prefer == "future" and rel != "last"):
        saturday = base + dt.timedelta(days=(5 - base.weekday()) % 7 or (7 if rel == "next" else 0))
    else:
        saturday = base - dt.timedelta(days=(base.weekday() - 5) % 7 or (7 if rel == "last" else 0))
    return Resolved(saturday, saturday + dt.timedelta(days=1), "day")


def _month_rel(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    """ "last July" is the latest July before this month, "next March" the first after it."""
    if base is None:
        return None
    month, rel = _month(m["m1"]), m["rel"].lower()
    if rel == "this":
        return Resolved(dt.date(base.year, month, 1), None, "month")
    year = base.year - (month >= base.month) if rel == "last" else base.year + (month <= base.month)
    return Resolved(dt.date(year, month, 1), None, "month")


def _weekday(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    """A bare weekday is the nearest such day, the base day itself included; "last" and
    "next" exclude it. "Thursday next week" (and "on Thursday and Friday next week": the
    first of them) is that day of the week named."""
    if base is None:
        return None
    wanted, rel = WEEKDAYS.index(m["wd"].lower()), (m["rel"] or "").lower()
    if m["week"]:
        step = {"last": -7, "this": 0, "next": 7}[m["week"].lower()]
        return Resolved(_monday(base) + dt.timedelta(days=step + wanted), None, "day")
    if rel == "next" or (prefer == "future" and rel != "last"):
        days = (wanted - base.weekday()) % 7 or (7 if rel == "next" else 0)
        return Resolved(base + dt.timedelta(days=days), None, "day")
    days = (base.weekday() - wanted) % 7 or (7 if rel == "last" else 0)
    return Resolved(base - dt.timedelta(days=days), None, "day")


def _nth(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    """ "On the 14th": that day of the base month, else of the month before (after, for a
    future event)."""
    if base is None:
        return None
    day = int(m["d1"])
    month_start = base.replace(day=1)
    if prefer == "future" and day < base.day:
        month_start = _shift_months(base, 1)
    elif prefer != "future" and day > base.day:
        month_start = _shift_months(base, -1)
    if day > calendar.monthrange(month_start.year, month_start.month)[1]:
        return None
    return Resolved(month_start.replace(day=day), None, "day")


def _ago(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    if base is None:
        return None
    word, unit = m["n"].lower(), m["unit"].lower()
    n = int(word) if word.isdigit() else NUMBERS[word]
    if unit in UNIT_DAYS:
        return Resolved(base - dt.timedelta(days=n * UNIT_DAYS[unit]), None, "day")
    if unit == "month":
        return Resolved(_shift_months(base, -n), None, "month")
    years = n * (10 if unit == "decade" else 1)
    return Resolved(dt.date(base.year - years, 1, 1), None, "year")


def _period(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    """ "last week", "earlier this month", "late last year": the period's first day."""
    if base is None:
        return None
    step = {"this": 0, "past": 0, "last": -1, "next": 1}[m["rel"].lower()]
    unit = m["unit"].lower()
    if unit == "week":
        return Resolved(_monday(base) + dt.timedelta(weeks=step), None, "week")
    if unit == "month":
        return Resolved(_shift_months(base, step), None, "month")
    return Resolved(dt.date(base.year + step, 1, 1), None, "year")


def _day_word(m: re.Match, base: dt.date | None, prefer: str) -> Resolved | None:
    if base is None:
        return None
    text = m.group(0).lower()
    offset = (
        -2
        if "before yesterday" in text
        else 2
        if "after tomorrow" in text
        else (-1 if text in {"yesterday", "last night"} else 1 if text == "tomorrow" else 0)
    )
    return Resolved(base + dt.timedelta(days=offset), None, "day")


RESOLVERS = {
    "days_across_months": _days_across,
    "days_across_months_us": _days_across,
    "days_in_month": _days_in_month,
    "days_in_month_us": _days_in_month,
    "months": _months,
    "years": _years,
    "iso_day": _iso_day,
    "day": _single_day,
    "month": _single_month,
    "year": _single_year,
    "decade": _decade,
    "season": _season,
    "weekend": _weekend,
    "month_rel": _month_rel,
    "weekday": _weekday,
    "nth": _nth,
    "ago": _ago,
    "period": _period,
    "day_word": _day_word,
}
