"""``hidden-insights`` (or ``python -m widgets``): the kit from a terminal.

This package is the command line's frame: the parser, the dispatch and the one rule for
errors. The commands themselves live in command modules, one per family:

* ``widgets.cli.inquiries`` — ``list``, ``new``, ``example``, ``import-data``, ``export``,
  ``load``;
* ``widgets.cli.app`` — ``app`` (Voila on this computer);
* ``widgets.cli.exceptions`` — ``exceptions`` (the analysis methods on an inquiry or a file);
* ``widgets.report`` — ``report``; ``widgets.hub`` — ``hub`` (teams on a shared server);
  ``widgets.room.cli`` — ``room``.

Adding a family is one module plus one line in :data:`COMMAND_MODULES`. A command module
registers each command with :func:`subcommand` when it is imported::

       from widgets.cli import CliError, open_cli_store, subcommand

       def _arguments(parser):
           parser.add_argument("slug")

       @subcommand("report", "write the report of an inquiry", _arguments)
       def report(args) -> int:
           ...
           return 0

A command may have sub-commands of its own (``room open|close|list``): its argument
function adds them. The command and its sub-commands get ``--debug`` and ``--by NAME``
(``args.by``, for the history) and the errors below. Shared helpers (reading and writing
a file a person names, a passphrase file, :func:`printable` text, the column options) are
in ``widgets.cli.common`` and exported here.

A person's mistake (a wrong slug, a missing or unreadable file, a bad option) ends with exit
status 2 and one line on stderr (``hidden-insights: error: ...``), never a traceback.
Anything unexpected ends with status 1 and one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from widgets.cli.common import (
    PROG,
    CliError,
    Parser,
    add_column_options,
    database_problem,
    fail,
    one_line,
    person_mistakes,
    printable,
    read_file,
    read_passphrase,
    write_file,
)

__all__ = ["COMMAND_MODULES", "PROG", "SUBCOMMANDS", "CliError", "Subcommand",
           "add_column_options", "build_parser", "main", "open_cli_store", "printable",
           "read_file", "read_passphrase", "subcommand", "write_file"]

#: The command modules, in the order their commands are listed in ``--help``: each is
#: imported when the command line is parsed. A module that is not installed (yet) is skipped.
COMMAND_MODULES: tuple[str, ...] = (
    "widgets.cli.inquiries",
    "widgets.cli.app",
    "widgets.report",
    "widgets.cli.exceptions",
    "widgets.hub",
    "widgets.room.cli",
)


@dataclass
class Subcommand:
    """One subcommand: its name, one-line help, how to add its arguments, what it runs."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int | None]


#: Every registered subcommand, by name, in the order they were registered.
SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str, help: str,
               add_arguments: Callable[[argparse.ArgumentParser], None] | None = None):
    """Decorator: register ``run(args) -> int | None`` as subcommand ``name``."""

    def register(run: Callable[[argparse.Namespace], int | None]):
        SUBCOMMANDS[name] = Subcommand(name, help, add_arguments or (lambda _p: None), run)
        return run

    return register


def open_cli_store():
    """The store in the data folder (``HIDDEN_INSIGHTS_DATA``, default ``./data``)."""
    from widgets.store import open_store

    return open_store()


# ---------------------------------------------------------------------- parser and dispatch


def _command_modules() -> list:
    """The command modules that are installed, imported (which registers their commands)."""
    import importlib

    modules = []
    for name in COMMAND_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            pass
    return modules


def _common_options(parser: argparse.ArgumentParser) -> None:
    """``--debug`` and ``--by`` on ``parser`` and on any sub-commands it has (so they work
    before or after a subcommand's name), unless it has its own."""
    # SUPPRESS: a sub-parser must not reset what was given before the subcommand.
    options = (
        (("--debug",), {"action": "store_true", "default": argparse.SUPPRESS,
                        "help": "show the full traceback when something goes wrong"}),
        (("--by",), {"metavar": "NAME", "default": argparse.SUPPRESS,
                     "help": "who makes the change (for the history; default 'command line')"}),
    )
    for flags, settings in options:
        try:
            parser.add_argument(*flags, **settings)
        except argparse.ArgumentError:  # a command module's parser defines it already
            pass
    # A command's own sub-commands ("room open …") take them after their name too.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                _common_options(sub)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command of every command module."""
    _command_modules()
    common = Parser(add_help=False)
    _common_options(common)
    parser = Parser(prog=PROG, parents=[common],
                    description="The Hidden Insights kit from a terminal. Data folder: "
                                "$HIDDEN_INSIGHTS_DATA (default ./data).")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                       parser_class=Parser)
    for sub in SUBCOMMANDS.values():
        p = subparsers.add_parser(sub.name, help=sub.help, description=sub.help,
                                  parents=[common])
        sub.add_arguments(p)
        _common_options(p)
        p.set_defaults(_run=sub.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 unexpected, 2 a mistake)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        debug = getattr(args, "debug", False)
        if not hasattr(args, "by"):
            args.by = "command line"
        return int(args._run(args) or 0)
    except SystemExit as e:  # --help, or a subcommand that exits on purpose
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0
    except Exception as e:
        e = database_problem(e)
        if isinstance(e, person_mistakes()):
            if debug:
                traceback.print_exc()
            fail(str(e) or type(e).__name__)
            return 2
        if debug:
            traceback.print_exc()
        fail(f"something unexpected went wrong ({type(e).__name__}: {one_line(str(e))[:200]})"
             "; run with --debug for details")
        return 1
