"""Analyses of the stored events, printed as tables or written as CSV: `parley dyad` (a pair's
events per period, and charts), `parley alerts` (spikes and turns), `parley network` (who acts
towards whom), `parley agenda` (the issues between two countries)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..corpus.printable import printable
from ..corpus.table import Table
from . import tables
from .common import Subcommands, add_db_option, add_filter_options, count_arg, filters_from, guarded

if TYPE_CHECKING:
    import pandas as pd

PERIODS = ("day", "week", "month", "quarter", "year")


def add_dyad(sub: Subcommands) -> None:
    """`parley dyad COUNTRY [OTHER]`, `parley dyad A-B [C-D ...]`"""
    p = sub.add_parser(
        "dyad",
        help="events between two countries per period",
        description="Count the events between two countries or organisations (or of one with "
        "anyone, or of several dyads: USA-RUS USA-CHN) per day, week, month, quarter or year: "
        "by quad class and PLOVER type, with Goldstein sums and means, the cooperation balance "
        "and the documents published. By default only factual, not negated events dated within "
        "the documents' coverage count; the series covers exactly --since..--until; a period "
        "without documents is a gap, one with documents but no events zeros with no mean.",
    )
    p.add_argument(
        "parties",
        metavar="PARTY",
        nargs="+",
        help="a country or organisation (USA, Russia, UN) and the other (default: anyone); or dyads A-B",
    )
    p.add_argument("--by", choices=PERIODS, default="week", help="period (default: week)")
    add_filter_options(p, paging=False, parties=False)
    p.add_argument("--directed", action="store_true", help="only events of COUNTRY towards OTHER")
    p.add_argument("--csv", metavar="FILE", help="write the table as CSV to FILE (- for standard output)")
    p.add_argument("--svg", metavar="FILE", help="also draw the series as an SVG chart in FILE")
    p.add_argument("--png", metavar="FILE", help="also draw the series as a PNG chart in FILE")
    p.set_defaults(func=cmd_dyad)


def add_panel(sub: Subcommands) -> None:
    """`parley panel`"""
    p = sub.add_parser(
        "panel",
        help="the country-period panel: events by quad class, Goldstein sum and mean",
        description="One row per country and period (balanced: every country with an event, "
        "every period from --since to --until), as ICEWS users build it: events by quad "
        "class, Goldstein sum and mean, documents published. Events count as in parley dyad.",
    )
    p.add_argument("--by", choices=PERIODS, default="month", help="period (default: month)")
    p.add_argument(
        "--role",
        choices=("any", "actor", "recipient"),
        default="any",
        help="count a country as actor, recipient or either",
    )
    add_filter_options(p, paging=False)
    p.add_argument("--csv", metavar="FILE", help="write the panel as CSV to FILE (- for standard output)")
    p.set_defaults(func=cmd_panel)


def add_alerts(sub: Subcommands) -> None:
    """`parley alerts`"""
    p = sub.add_parser(
        "alerts",
        help="spikes and turns in the relations of every pair of countries",
        description="Find the periods in which a pair of countries had far more events than "
        "in its trailing window (spike), or turned from cooperation to conflict "
        "or back (turn).",
    )
    p.add_argument("--by", choices=PERIODS, default="week", help="period (default: week)")
    p.add_argument("--window", type=count_arg, default=8, help="trailing periods compared with (default: 8)")
    p.add_argument(
        "--threshold",
        type=float,
        default=3.0,
        help="standard deviations above the trailing mean that make a spike (default: 3)",
    )
    p.add_argument("--min-events", type=count_arg, default=3, help="events a period needs (default: 3)")
    _window_options(p)
    p.set_defaults(func=cmd_alerts)


def add_network(sub: Subcommands) -> None:
    """`parley network`"""
    p = sub.add_parser(
        "network",
        help="who acts towards whom: directed, signed edges between countries",
        description="One edge per directed pair of countries: events, Goldstein sum and "
        "mean, sign (+1 cooperative, -1 conflictual), cooperation and conflict "
        "counts.",
    )
    p.add_argument("--min-events", type=count_arg, default=1, help="leave out edges with fewer events")
    _window_options(p)
    p.set_defaults(func=cmd_network)


def add_agenda(sub: Subcommands) -> None:
    """`parley agenda COUNTRY OTHER`"""
    p = sub.add_parser(
        "agenda",
        help="the issues between two countries and where each stands",
        description="List every issue named by the events between two countries, with its "
        "status (open, agreed, rejected, stalled) and its history: who raised, "
        "proposed, demanded, agreed or rejected what, when, and the evidence.",
    )
    p.add_argument("a", metavar="COUNTRY", help="a country code such as USA")
    p.add_argument("b", metavar="OTHER", help="the other country")
    add_db_option(p)
    p.add_argument("--csv", metavar="FILE", help="write the issues as CSV to FILE (- for standard output)")
    p.add_argument("--json", action="store_true", help="print JSON Lines, one issue a line")
    p.set_defaults(func=cmd_agenda)


def _window_options(p: argparse.ArgumentParser) -> None:
    """The options the analyses share: the database, the filters (dates among them) and a CSV file."""
    add_filter_options(p, paging=False)
    p.add_argument("--csv", metavar="FILE", help="write the table as CSV to FILE (- for standard output)")


def _analysed(args: argparse.Namespace, job: Callable[[], pd.DataFrame | Table]) -> int:
    """Run `job()`, which returns a DataFrame or a plain Table (printed without pandas), then
    print it (or write --csv); errors are one line."""

    def run() -> None:
        result = job()
        if args.csv and isinstance(result, Table):
            tables.write_csv(result, args.csv)
        elif args.csv:
            _write_csv(result, args.csv)
        if args.csv != "-":
            (getattr(args, "show", None) or (tables.print_table if isinstance(result, Table) else _table))(result)

    return guarded(run, args.csv)


def _table(frame: pd.DataFrame) -> None:
    print(printable(frame.to_string(index=False, float_format="{:.3f}".format), "\n") if len(frame) else "(none)")


def _write_csv(frame: pd.DataFrame, path: str) -> None:
    """The frame as CSV, lists and dicts as JSON text, to a file or (for -) standard output."""
    import json

    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, (list, dict))).any():
            out[column] = out[column].map(lambda v: json.dumps(v, ensure_ascii=False))
    out.to_csv(sys.stdout if path == "-" else path, index=False, date_format="%Y-%m-%d")


def cmd_dyad(args: argparse.Namespace) -> int:
    """Counted and printed without pandas (a fresh `parley dyad` answers in well under a
    second); the charts alone import it."""
    from ..api import dyad_series, many_series

    def job() -> Table:
        filters = filters_from(args)
        dyads = _dyads(args.parties)
        if dyads is None:
            a, b = args.parties[0], (args.parties[1] if len(args.parties) > 1 else None)
            table = dyad_series(a, b, by=args.by, directed=args.directed, filters=filters, db=args.db, as_frame=False)
            arrow = "->" if args.directed else "-"
            title = f"{a}{arrow}{b or 'all'} events per {args.by}"
        else:
            table = many_series(dyads, by=args.by, filters=filters, db=args.db, as_frame=False)
            title = f"{', '.join(dyads)} events per {args.by}"
        if args.svg or args.png:
            from ..corpus.analysis.common import frame

            charted = frame(table)
            if args.svg:
                from ..corpus.analysis.svg import series_svg

                Path(args.svg).write_text(series_svg(charted, title), encoding="utf-8")
            if args.png:
                from ..corpus.analysis.png import series_png

                series_png(charted, title, args.png)
        return table

    return _analysed(args, job)


def _dyads(parties: list[str]) -> list[str] | None:
    """The dyads of `parley dyad A-B C-D` (None for `parley dyad A [B]`); more than two plain
    parties, or a mix, is a usage error."""
    from ..corpus.query import Filters

    def dyad(value: str) -> str | None:
        try:
            return Filters(dyad=value).dyad if "-" in value else None  # type: ignore[return-value]
        except ValueError:
            return None

    found = [dyad(p) for p in parties]
    if all(found):
        return found  # type: ignore[return-value]
    if len(parties) > 2 or any(found):
        raise ValueError(f"give one or two parties (USA RUS), or dyads (USA-RUS USA-CHN), not {' '.join(parties)}")
    return None


def cmd_panel(args: argparse.Namespace) -> int:
    from ..api import panel

    return _analysed(args, lambda: panel(by=args.by, role=args.role, filters=filters_from(args), db=args.db))


def cmd_alerts(args: argparse.Namespace) -> int:
    from ..api import alerts

    return _analysed(
        args,
        lambda: alerts(
            by=args.by,
            window=args.window,
            threshold=args.threshold,
            min_events=args.min_events,
            filters=filters_from(args),
            db=args.db,
        ),
    )


def cmd_network(args: argparse.Namespace) -> int:
    from ..api import network

    return _analysed(
        args, lambda: network(min_events=args.min_events, filters=filters_from(args), db=args.db, as_frame=False)
    )


def cmd_agenda(args: argparse.Namespace) -> int:
    from ..api import agenda

    args.show = _agenda_json if args.json else _agenda_table
    return _analysed(args, lambda: agenda(args.a, args.b, db=args.db, as_frame=False))


def _day(value: dt.date | None) -> str:
    """A date as YYYY-MM-DD, or - when missing."""
    return "-" if value is None else value.isoformat()


def _agenda_table(table: Table) -> None:
    """One line per issue, then its history indented: date, stance, by whom, trigger."""
    if not table.rows:
        print("(none)")
        return
    issues = table.records()
    width = max(len("issue"), *(len(i["issue"]) for i in issues))
    print(f"{'issue':<{width}}  {'status':<8} {'first':<10} {'last':<10} raised by")
    for row in issues:
        print(
            f"{row['issue']:<{width}}  {row['status']:<8} {_day(row['first_date']):<10} {_day(row['last_date']):<10} "
            f"{', '.join(row['raised_by']) or '-'}"
        )
        for e in row["history"]:
            by = "+".join(e["by"]) or "-"
            print(f"    {e['date'] or '-':<10} {e['stance']:<10} {by:<8} {printable(e['trigger'])}")


def _agenda_json(table: Table) -> None:
    import json

    for row in table.records():
        row["first_date"], row["last_date"] = _day(row["first_date"]), _day(row["last_date"])
        print(json.dumps(row, ensure_ascii=False))
