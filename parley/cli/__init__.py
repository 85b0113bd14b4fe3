"""The `parley` command, one module per command group: coding (code, actors), storing (ingest, recode),
querying (events, export), analysing (dyad, alerts, network, agenda), evaluating (eval, labels,
train) and serving (serve); common holds what they share. Exit status: 0 all inputs coded, 1 some
input failed, 2 usage error, 3 the database could not be opened or written, 4 the Dask cluster
could not be reached or a task failed on it; 130 interrupted, 143 terminated."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ..nlp.vocab import VocabError
from . import analysing, coding, evaluating, querying, serving, storing
from .common import EXIT_CLUSTER, EXIT_DATABASE, EXIT_INPUT_FAILED, EXIT_OK, EXIT_USAGE
from .serving import serve_config

__all__ = [
    "EXIT_CLUSTER",
    "EXIT_DATABASE",
    "EXIT_INPUT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Terminated",
    "build_parser",
    "main",
    "serve_config",
]

# the subcommands in the order `parley --help` lists them
COMMANDS = (
    coding.add_code,
    storing.add_ingest,
    storing.add_recode,
    querying.add_events,
    querying.add_export,
    analysing.add_dyad,
    analysing.add_panel,
    analysing.add_alerts,
    analysing.add_network,
    analysing.add_agenda,
    coding.add_actors,
    evaluating.add_eval,
    evaluating.add_labels,
    evaluating.add_train,
    serving.add_serve,
)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand; each sets `func`, the function that runs it."""
    parser = argparse.ArgumentParser(prog="parley", description="Political event data from news articles.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so it unwinds as on Ctrl-C: open transactions roll back."""


@contextmanager
def _terminable() -> Iterator[list[int]]:
    """While a command runs in the main thread, SIGTERM raises Terminated and is noted in the list
    yielded (a database may report it as a plain interrupt); the old handler comes back after."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Run `parley ARGV` (default: the command line) and return its exit status."""
    args = build_parser().parse_args(argv)
    received: list[int] = []
    try:
        with _terminable() as received:
            return args.func(args)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (Terminated, or a statement DuckDB stopped for it)
        if received:
            print("parley: terminated", file=sys.stderr)
            return 128 + signal.SIGTERM
        print("parley: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error of ours
        return EXIT_OK
    except VocabError as e:  # a row of the user's own tables (PARLEY_VOCAB_DIR) that cannot be read
        print(f"parley: {e}", file=sys.stderr)
        return EXIT_USAGE
