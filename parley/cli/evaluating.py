"""Measuring and training the coder: `parley eval` scores it on labelled sentences or whole
articles, `parley labels` converts and checks hand-read labels, `parley train` trains the event
classifier (or the span tagger)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE, Subcommands


def add_eval(sub: Subcommands) -> None:
    """`parley eval FILE...`, or `--articles` with `--gold` or `--agree`"""
    p = sub.add_parser(
        "eval",
        help="score the coder on labelled sentences or whole articles",
        description="Score the events `parley code` emits. Labelled sentence files: PLOVER "
        "CSV (text, event_type, source_text, target_text), quad TSV (text, quad) or "
        "BIO actor spans (*.bio: token and S/T tag a line). Whole articles: "
        "--articles ARTICLES.jsonl --gold LABELS.jsonl; two readings of the same "
        "articles against each other: --articles ARTICLES.jsonl --agree A.jsonl B.jsonl.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", type=Path)
    p.add_argument(
        "--articles",
        type=Path,
        metavar="ARTICLES.jsonl",
        help="the articles the labels were read on (JSON Lines: id, text, date)",
    )
    p.add_argument("--gold", type=Path, metavar="LABELS.jsonl", help="hand-read labels of --articles to score against")
    p.add_argument(
        "--agree",
        type=Path,
        nargs=2,
        metavar=("A.jsonl", "B.jsonl"),
        help="score two readings of --articles against each other",
    )
    p.add_argument(
        "--errors",
        type=int,
        default=0,
        metavar="N",
        help="with --gold or --agree: print the N sentences with the most misses and extras",
    )
    p.add_argument(
        "--folds",
        type=int,
        default=0,
        help="K>1: sentence files: retrain the classifier and span "
        "tagger on K-1 folds of the files given for each held-out "
        "fold; --gold: split the articles by article",
    )
    p.add_argument(
        "--diagnostic",
        action="store_true",
        help="sentence files: also print the classifier's type for every sentence's main verb "
        "(diagnostic figures, beside the product's)",
    )
    p.add_argument(
        "--detector",
        nargs=2,
        type=Path,
        metavar=("ARTICLES", "LABELS"),
        help="sentence files with --folds: retrain the event detector for each fold on these hand-read "
        "articles and the fold's PLOVER sentences, so the folds run the pipeline parley code runs",
    )
    p.add_argument(
        "--lower-case",
        action="store_true",
        help="with --gold: code each article in small letters, as a careless scraper gives news",
    )
    p.add_argument("--device", default="cpu", help="torch device for --folds training (cpu, cuda)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_eval)


def add_labels(sub: Subcommands) -> None:
    """`parley labels convert|check FILE... --articles ARTICLES.jsonl`"""
    p = sub.add_parser(
        "labels",
        help="convert and check hand-read labels of whole articles",
        description="convert: readings in the annotation guide's format (sentences and "
        "texts copied from the articles) to the stored format (offsets, no article "
        "text), printed as JSON Lines; check: load stored labels against the articles.",
    )
    p.add_argument("action", choices=["convert", "check"])
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="readings (convert) or stored labels (check)")
    p.add_argument(
        "--articles", type=Path, required=True, metavar="ARTICLES.jsonl", help="the articles the labels were read on"
    )
    p.set_defaults(func=cmd_labels)


def add_train(sub: Subcommands) -> None:
    """`parley train`"""
    p = sub.add_parser(
        "train",
        help="train the event classifier",
        description="Train the event classifier's adapters and head on "
        "plover_events_train.csv and write the weights and their card.",
    )
    p.add_argument("--data", type=Path, default=Path("../shared/data"), help="directory of the training data")
    p.add_argument("--out", type=Path, default=None, help="output directory (default: the package's weights)")
    p.add_argument("--folds", type=int, default=5, help="cross-validate first (scores and calibration); 0 to skip")
    p.add_argument("--device", default="cpu", help="torch device (cpu, cuda)")
    p.add_argument(
        "--spans",
        action="store_true",
        help="train the span tagger (source and target) on the "
        "classifier's encoder instead; also reads "
        "actor_spans_train.bio",
    )
    p.add_argument(
        "--detector",
        nargs=2,
        type=Path,
        metavar=("ARTICLES", "LABELS"),
        help="train the event detector instead, on hand-read whole articles (a JSON Lines corpus and "
        "its labels, such as data/annotations/guardian_dev.jsonl) and the --data directory's "
        "plover_events_train.csv; score it with parley eval --articles --folds",
    )
    p.add_argument(
        "--encoder",
        nargs=2,
        type=Path,
        metavar=("ARTICLES", "LABELS"),
        help="tune the encoder's top layers on hand-read whole articles instead, then train the "
        "classifier's head, the span tagger and the event detector again on them (the --data "
        "directory's sentence sets too); about 20 minutes on two CPU cores",
    )
    p.add_argument(
        "--mix",
        type=float,
        default=1.0,
        metavar="SHARE",
        help="with --encoder: the share of the layers' change kept, from 0 to 1 (weight-space "
        "ensembling; eval --articles --folds tunes each fold with the saved share)",
    )
    p.set_defaults(func=cmd_train)


def _log(message: str) -> None:
    """Progress of scoring and training, on stderr as it happens."""
    print(message, file=sys.stderr, flush=True)


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    articles_mode = bool(args.gold or args.agree)
    if articles_mode == bool(args.files) or articles_mode != bool(args.articles):
        print("parley: eval takes labelled sentence files, or --articles with --gold or --agree", file=sys.stderr)
        return EXIT_USAGE
    if articles_mode:
        return _eval_articles(args)
    if args.detector and args.folds < 2:
        print("parley: eval --detector retrains the detector per fold: give --folds K (K > 1)", file=sys.stderr)
        return EXIT_USAGE
    from ..evaluation.annotations import LabelError
    from ..evaluation.sentences import evaluate_all

    missing = [p for p in [*args.files, *(args.detector or [])] if not p.is_file()]
    for path in missing:
        print(f"parley: {path}: no such file", file=sys.stderr)
    files = [p for p in args.files if p.is_file()]
    if args.detector and missing:
        return EXIT_INPUT_FAILED
    if args.folds > 1 and not args.detector and files:
        _log("parley: the folds run without an event detector; --detector ARTICLES LABELS retrains one per fold")
    try:
        reports = (
            evaluate_all(
                files,
                folds=args.folds,
                device=args.device,
                log=_log,
                diagnostic=args.diagnostic,
                detector=(args.detector[0], args.detector[1]) if args.detector else None,
            )
            if files
            else []
        )
    except LabelError as e:
        print(f"parley: {_reason(e)}", file=sys.stderr)
        return EXIT_INPUT_FAILED
    for report in reports:
        print(json.dumps(report.summary()) if args.json else report.text() + "\n")
    return EXIT_INPUT_FAILED if missing else EXIT_OK


def _eval_articles(args: argparse.Namespace) -> int:
    """`parley eval --articles A --gold L` (or `--agree A B`): whole-article scores."""
    import json

    from ..evaluation.annotations import LabelError
    from ..evaluation.articles import agreement, evaluate_articles

    paths = [args.articles, *(args.agree or [args.gold])]
    missing = [p for p in paths if not p.is_file()]
    for path in missing:
        print(f"parley: {path}: no such file", file=sys.stderr)
    if missing:
        return EXIT_INPUT_FAILED
    try:
        report = (
            agreement(args.agree[0], args.agree[1], args.articles)
            if args.agree
            else evaluate_articles(args.articles, args.gold, folds=args.folds, lower=args.lower_case)
        )
    except (LabelError, OSError) as e:
        print(f"parley: {_reason(e)}", file=sys.stderr)
        return EXIT_INPUT_FAILED
    print(json.dumps(report.summary()) if args.json else report.text())
    if args.errors:
        print("\n" + report.errors(args.errors), file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def cmd_labels(args: argparse.Namespace) -> int:
    import json

    from ..evaluation.annotations import LabelError, convert, load

    try:
        if args.action == "check":
            for path in args.files:
                labelled = load(path, args.articles)
                events = sum(len(a.events) for a in labelled.values())
                print(f"{path}: {len(labelled)} articles, {events} events; every offset checks")
            return EXIT_OK
        seen: set[str] = set()
        for path in args.files:
            for line in convert(path, args.articles):
                if line["id"] in seen:
                    raise LabelError(f"{path}: article {line['id']!r} is read twice")
                seen.add(line["id"])
                print(json.dumps(line, ensure_ascii=False))
    except (LabelError, OSError) as e:
        print(f"parley: {_reason(e)}", file=sys.stderr)
        return EXIT_INPUT_FAILED
    return EXIT_OK


def _reason(e: Exception) -> str:
    """One line for a label error, or for a file that could not be read."""
    if isinstance(e, OSError):
        return f"{e.filename}: {e.strerror}" if e.filename else str(e)
    return str(e)


def cmd_train(args: argparse.Namespace) -> int:
    from ..nlp.models.classifier import WEIGHTS
    from ..training.train import train_and_save

    if args.mix != 1.0 and not (args.encoder and 0 < args.mix <= 1):
        print(f"parley: --mix {args.mix}: give --encoder and a share above 0 and at most 1", file=sys.stderr)
        return EXIT_USAGE
    if args.detector or args.encoder:
        from ..evaluation.annotations import LabelError
        from ..training.detector import train_detector
        from ..training.encoder import EncoderConfig, train_tuned

        needed = ("plover_events_train.csv", "actor_spans_train.bio")
        if args.encoder and (missing := [f for f in needed if not (args.data / f).is_file()]):
            print(f"parley: {args.data}: no {missing[0]} there", file=sys.stderr)
            return EXIT_INPUT_FAILED
        try:
            articles, labels = args.encoder or args.detector
            if args.encoder:
                config = EncoderConfig(mix=args.mix)
                train_tuned(articles, labels, args.data, args.out or WEIGHTS, args.folds, config, log=_log)
            else:
                train_detector(
                    articles, labels, args.out or WEIGHTS, sentences=args.data / "plover_events_train.csv", log=_log
                )
        except (LabelError, OSError) as e:
            print(f"parley: {e}", file=sys.stderr)
            return EXIT_INPUT_FAILED
        return EXIT_OK
    if not (args.data / "plover_events_train.csv").is_file():
        print(f"parley: {args.data}: no plover_events_train.csv there", file=sys.stderr)
        return EXIT_INPUT_FAILED
    if args.spans:
        from ..training.spans import train_and_save_tagger

        if not (args.data / "actor_spans_train.bio").is_file():
            print(f"parley: {args.data}: no actor_spans_train.bio there", file=sys.stderr)
            return EXIT_INPUT_FAILED
        train_and_save_tagger(args.data, args.out or WEIGHTS, folds=args.folds, log=_log)
        return EXIT_OK
    train_and_save(args.data, args.out or WEIGHTS, folds=args.folds, device=args.device, log=_log)
    return EXIT_OK
