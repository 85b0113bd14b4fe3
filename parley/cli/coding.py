"""Coding without storing: `parley code` prints the events of articles, `parley actors` shows how
the actor phrases of a text are coded and why."""

from __future__ import annotations

import argparse
import sys

from ..corpus.printable import printable
from ..corpus.readers.base import Failure
from ..output import OUTPUT_FORMATS, Writer
from .common import (
    EXIT_INPUT_FAILED,
    EXIT_OK,
    Subcommands,
    add_input_options,
    add_max_bytes_option,
    date_arg,
    read_options,
    say,
)


def add_code(sub: Subcommands) -> None:
    """`parley code INPUT...`"""
    p = sub.add_parser(
        "code",
        help="code articles and print their events",
        description="Code news articles (files, directories, URLs, HTML pages, RSS/Atom feeds, "
        "JSON Lines corpora, '-' for standard input) and print the events in them.",
    )
    add_input_options(p, "publication date (YYYY-MM-DD) of text inputs; the default for JSON Lines records without one")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="table", help="output format (default: table)")
    add_max_bytes_option(p)
    p.set_defaults(func=cmd_code)


def add_actors(sub: Subcommands) -> None:
    """`parley actors TEXT`"""
    p = sub.add_parser(
        "actors",
        help="show how the actors of a text are coded, and why",
        description="Code the actor phrases of a text and show, for each, the code "
        "it gets and the table entry that gave it.",
    )
    p.add_argument("text", help="the text (or - to read standard input)")
    p.add_argument("--date", type=date_arg, help="the article's date (YYYY-MM-DD): who held an office then")
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    p.set_defaults(func=cmd_actors)


def cmd_code(args: argparse.Namespace) -> int:
    from ..api import code_inputs  # heavy imports only once the arguments are valid

    failures: list[Failure] = []

    def report(failure: Failure) -> None:
        failures.append(failure)
        say(failure)

    writer = Writer(sys.stdout, args.format)
    for doc in code_inputs(args.inputs, read=read_options(args), on_error=report):
        writer.write(doc)
    writer.close()
    return EXIT_INPUT_FAILED if failures else EXIT_OK


def cmd_actors(args: argparse.Namespace) -> int:
    import json

    from ..api import actors

    try:
        text = sys.stdin.buffer.read().decode("utf-8") if args.text == "-" else args.text
    except UnicodeDecodeError as e:
        print(f"parley: -: not UTF-8 text ({e.reason} at byte {e.start})", file=sys.stderr)
        return EXIT_INPUT_FAILED
    rows = actors(text, date=args.date)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return EXIT_OK
    width = min(max((len(r["text"]) for r in rows), default=6), 48)
    print(f"{'phrase':<{width}}  {'code':<9} {'name':<24} why")
    for r in rows:
        text = printable(r["text"])
        phrase = text if len(text) <= width else text[: width - 1] + "…"
        name, why = printable(r["name"] or "-"), printable(str(r["why"]))
        print(f"{phrase:<{width}}  {r['code'] or '-':<9} {name[:24]:<24} {why}")
    return EXIT_OK
