"""The `parley` command. Exit status: 0 all inputs coded, 1 some input failed, 2 usage error."""

from __future__ import annotations

import argparse
import sys

from .output import FORMATS, Writer
from .sources import DEFAULT_MAX_BYTES, Failure, InputError, parse_date

EXIT_OK, EXIT_INPUT_FAILED, EXIT_USAGE = 0, 1, 2


def _date(value: str):
    try:
        return parse_date(value)
    except InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive number of bytes: {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Political event data from news articles.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    p = sub.add_parser("code", help="code articles and print their events",
                       description="Code news articles (files, directories, '-' for standard input, "
                                   "JSON Lines corpora) and print the events in them.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="a file, a directory, or - for standard input")
    p.add_argument("--date", type=_date, help="publication date (YYYY-MM-DD) of text inputs; "
                                              "the default for JSON Lines records without one")
    p.add_argument("--input", dest="input_format", choices=("auto", "text", "jsonl"), default="auto",
                   help="input format (auto: *.jsonl and *.ndjson are JSON Lines, the rest text)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    p.add_argument("--max-bytes", type=_positive, default=DEFAULT_MAX_BYTES,
                   help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})")
    p.set_defaults(func=cmd_code)
    return parser


def cmd_code(args: argparse.Namespace) -> int:
    from .api import code_inputs  # heavy imports only once the arguments are valid

    failures: list[Failure] = []

    def report(failure: Failure) -> None:
        failures.append(failure)
        print(f"parley: {failure}", file=sys.stderr, flush=True)

    writer = Writer(sys.stdout, args.format)
    for doc in code_inputs(args.inputs, input_format=args.input_format, date=args.date,
                           max_bytes=args.max_bytes, on_error=report):
        writer.write(doc)
    writer.close()
    return EXIT_INPUT_FAILED if failures else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("parley: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error of ours
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
