"""The `parley` command. Exit status: 0 all inputs coded, 1 some input failed, 2 usage error."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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

    p = sub.add_parser("actors", help="show how the actors of a text are coded, and why",
                       description="Code the actor phrases of a text and show, for each, the code "
                                   "it gets and the table entry that gave it.")
    p.add_argument("text", help="the text (or - to read standard input)")
    p.add_argument("--date", type=_date, help="the article's date (YYYY-MM-DD): who held an office then")
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    p.set_defaults(func=cmd_actors)

    p = sub.add_parser("eval", help="score the coder on labelled sentences",
                       description="Score the coder on labelled files: PLOVER CSV (text, event_type, "
                                   "source_text, target_text), quad TSV (text, quad) or BIO actor spans "
                                   "(*.bio: token and S/T tag a line).")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    p.add_argument("--folds", type=int, default=0, help="K>1: retrain the classifier and span tagger on "
                                                        "K-1 folds of the files given for each held-out fold")
    p.add_argument("--device", default="cpu", help="torch device for --folds training (cpu, cuda)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="train the event classifier",
                       description="Train the event classifier's adapters and head on "
                                   "plover_events_train.csv and write the weights and their card.")
    p.add_argument("--data", type=Path, default=Path("../shared/data"), help="directory of the training data")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: the package's weights)")
    p.add_argument("--folds", type=int, default=5, help="cross-validate first (scores and calibration); "
                                                        "0 to skip")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda)")
    p.add_argument("--spans", action="store_true", help="train the span tagger (source and target) on the "
                                                        "classifier's encoder instead; also reads "
                                                        "actor_spans_train.bio")
    p.set_defaults(func=cmd_train)
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


def cmd_actors(args: argparse.Namespace) -> int:
    import json

    from .api import actors

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
        phrase = r["text"] if len(r["text"]) <= width else r["text"][:width - 1] + "…"
        print(f"{phrase:<{width}}  {r['code'] or '-':<9} {(r['name'] or '-')[:24]:<24} {r['why']}")
    return EXIT_OK


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from .evaluate import evaluate_all

    missing = [p for p in args.files if not p.is_file()]
    for path in missing:
        print(f"parley: {path}: no such file", file=sys.stderr)
    files = [p for p in args.files if p.is_file()]
    for report in evaluate_all(files, folds=args.folds, device=args.device, log=_log) if files else []:
        print(json.dumps(report.summary()) if args.json else report.text() + "\n")
    return EXIT_INPUT_FAILED if missing else EXIT_OK


def cmd_train(args: argparse.Namespace) -> int:
    from .learn.model import WEIGHTS
    from .learn.train import train_and_save

    if not (args.data / "plover_events_train.csv").is_file():
        print(f"parley: {args.data}: no plover_events_train.csv there", file=sys.stderr)
        return EXIT_INPUT_FAILED
    if args.spans:
        from .learn.spans import train_and_save_tagger

        if not (args.data / "actor_spans_train.bio").is_file():
            print(f"parley: {args.data}: no actor_spans_train.bio there", file=sys.stderr)
            return EXIT_INPUT_FAILED
        train_and_save_tagger(args.data, args.out or WEIGHTS, folds=args.folds, log=_log)
        return EXIT_OK
    train_and_save(args.data, args.out or WEIGHTS, folds=args.folds, device=args.device, log=_log)
    return EXIT_OK


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
