"""The ``codetrainer`` command line.

``codetrainer`` with no subcommand (or with pack paths) starts the trainer TUI; the
subcommands are small, scriptable tools. Each subcommand lives in its own module under
:mod:`codetrainer.commands` exposing ``register(subparsers)``; those modules import
their heavy dependencies inside ``run`` so that ``--help``, ``--version`` and
``validate`` never import Textual.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from codetrainer import __version__

if TYPE_CHECKING:  # argparse is imported when a parser is built (not for plain `codetrainer`)
    import argparse

__all__ = ["build_parser", "main"]

# Module names under codetrainer.commands, in the order --help lists them.
COMMAND_MODULES = (
    "run",
    "validate",
    "schema",
    "lookup",
    "grade",
    "codesets",
    "progress",
    "classroom",
    "serve",
    "drill",
    "billing",
)


def build_parser() -> argparse.ArgumentParser:
    import argparse

    # argparse exits with 2 on usage errors, as the CLI contract asks.
    parser = argparse.ArgumentParser(
        prog="codetrainer",
        description=(
            "Practise medical coding: read a patient note, answer with ICD-10-CM, CPT and "
            "HCPCS codes, modifiers, units and pointers, and get field-by-field feedback. "
            "Run without a command to start the trainer."
        ),
        epilog="Run 'codetrainer COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"codetrainer {__version__}")
    add_store_option(parser, top_level=True)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"codetrainer.commands.{name}")
        except ModuleNotFoundError:  # a command still being built
            continue
        module.register(subparsers)
    return parser


def add_store_option(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """``--store URL``: the progress store to use (see :mod:`codetrainer.core.stores`)."""
    import argparse

    parser.add_argument(
        "--store",
        metavar="URL",
        # A subcommand's default must not overwrite a --store given before the command.
        default=None if top_level else argparse.SUPPRESS,
        help="progress store: a PostgreSQL URL (postgresql://...) or an SQLite file "
        "(default: $CODETRAINER_STORE, else your own progress file)",
    )


def _split_store(args_list: list[str]) -> tuple[list[str], list[str]]:
    """Leading ``--store URL`` / ``--store=URL`` apart from the rest of the command line."""
    if args_list[:1] == ["--store"] and len(args_list) >= 2:
        return args_list[:2], args_list[2:]
    if args_list and args_list[0].startswith("--store="):
        return args_list[:1], args_list[1:]
    return [], args_list


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:  # plain `codetrainer`: start the trainer without building the parser
        from codetrainer.commands.run import start

        try:
            return start([])
        except KeyboardInterrupt:
            return 130
    parser = build_parser()
    known = _command_names(parser)
    lead, rest = _split_store(args_list)
    # `codetrainer` and `codetrainer PACK.yaml ...` start the trainer.
    if not rest or (rest[0] not in known and not rest[0].startswith("-")):
        rest = ["run", *rest]
    args = parser.parse_args([*lead, *rest])
    store = getattr(args, "store", None)
    if store:
        # Every part of the program (and the processes `serve` starts) reads it from here.
        os.environ["CODETRAINER_STORE"] = store
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        result: int = handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return result


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
