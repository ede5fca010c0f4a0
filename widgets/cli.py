"""``hidden-insights`` (or ``python -m widgets``): the kit from a terminal.

Each subcommand is one small function registered with :func:`subcommand`; another module
adds its own the same way and is listed in :data:`EXTRA_MODULES` (or imported before
:func:`main` runs)::

    from widgets.cli import CliError, open_cli_store, subcommand

    def _arguments(parser):
        parser.add_argument("slug")

    @subcommand("report", "write the report of an inquiry", _arguments)
    def report(args) -> int:
        ...
        return 0

A person's mistake (a wrong slug, a missing or unreadable file, a bad option) ends with exit
status 2 and one line on stderr (``hidden-insights: error: ...``), never a traceback.
Anything unexpected ends with status 1 and one line; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from widgets.model import MEASURE_KINDS, ModelError

PROG = "hidden-insights"

#: Modules imported before the command line is parsed, so that their subcommands register.
#: A module that is not installed (yet) is skipped.
EXTRA_MODULES: tuple[str, ...] = ("widgets.report", "widgets.cli_exceptions", "widgets.hub",
                                   "widgets.room.cli")


class CliError(Exception):
    """A person's mistake found by the command line itself (exit status 2)."""


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


# ---------------------------------------------------------------------- errors and output


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line, like every other error."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageError(f"{message} (see {self.prog} --help)")


class _UsageError(Exception):
    pass


def _person_mistakes() -> tuple[type[BaseException], ...]:
    """Exception types that mean "the person asked for something that cannot be done"."""
    from widgets.store import DataFolderProblem, NotFound
    from widgets.store.migrations import SchemaTooNew

    kinds: list[type[BaseException]] = [CliError, _UsageError, ModelError, NotFound,
                                        SchemaTooNew, DataFolderProblem]
    try:
        from widgets.files import FileProblem
    except ImportError:  # the files module is optional for the commands that do not use it
        pass
    else:
        kinds.append(FileProblem)
    return tuple(kinds)


def _database_problem(exc: Exception) -> Exception:
    """A database error that means a full, read-only or failing data folder, as the plain
    DataFolderProblem (the store maps its own; this catches any that reach here raw)."""
    from widgets.store import data_folder_problem

    return data_folder_problem(exc, os_errors=False) or exc


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


#: Bidirectional overrides and isolates: they could make a terminal line read backwards.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(value: object) -> str:
    """Text safe to print on a terminal: control characters (escape codes, new lines) and
    bidirectional overrides that a stored title might hold are shown as ``?``; everything
    else (accents, right-to-left letters, emoji) is kept exactly."""
    return "".join("?" if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS else ch
                   for ch in str(value))


def _fail(message: str) -> None:
    print(f"{PROG}: error: {_one_line(message)}", file=sys.stderr)


# ---------------------------------------------------------------------- shared helpers


def open_cli_store():
    """The store in the data folder (``HIDDEN_INSIGHTS_DATA``, default ``./data``)."""
    from widgets.store import open_store

    return open_store()


def read_file(path: str) -> bytes:
    """The bytes of a file a person named, or a plain :class:`CliError`."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise CliError(f"there is no file {path!r}") from None
    except IsADirectoryError:
        raise CliError(f"{path!r} is a folder, not a file") from None
    except PermissionError:
        raise CliError(f"not allowed to read {path!r}") from None
    except OSError as e:
        raise CliError(f"cannot read {path!r}: {e.strerror or e}") from None


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to a file a person named, or raise a plain :class:`CliError`."""
    try:
        Path(path).write_bytes(data)
    except FileNotFoundError:
        raise CliError(f"cannot write {path!r}: the folder does not exist") from None
    except IsADirectoryError:
        raise CliError(f"{path!r} is a folder, not a file") from None
    except PermissionError:
        raise CliError(f"not allowed to write {path!r}") from None
    except OSError as e:
        raise CliError(f"cannot write {path!r}: {e.strerror or e}") from None


def _short_time(stamp: str | None) -> str:
    """'2024-10-10T18:46:00.000000+00:00' -> '2024-10-10 18:46' (UTC, as stored)."""
    if not stamp:
        return "-"
    return stamp[:16].replace("T", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[printable(c) for c in header]] + [[printable(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in cells)


# ---------------------------------------------------------------------- subcommands


@subcommand("list", "list the inquiries in the data folder")
def cmd_list(args: argparse.Namespace) -> int:
    """Slug, title, last change and what each inquiry holds."""
    store = open_cli_store()
    try:
        items = store.list_inquiries()
    finally:
        store.close()
    if not items:
        print(f"No inquiries yet. Start one with: {PROG} new TITLE "
              f"(or {PROG} example grub-hub)")
        return 0
    rows = [
        (i.slug, i.title, _short_time(i.updated_at), i.people, i.units,
         f"{i.confirmed_exceptions}/{i.candidate_exceptions}", i.practices, i.actions,
         i.progress)
        for i in items
    ]
    print(_table(("slug", "title", "last change (UTC)", "people", "units",
                  "exceptions confirmed/candidates", "practices", "actions", "progress"),
                 rows))
    return 0


def _new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", nargs="+", help="the burning issue in a few words")


@subcommand("new", "start a new, empty inquiry (prints its slug)", _new_arguments)
def cmd_new(args: argparse.Namespace) -> int:
    store = open_cli_store()
    try:
        slug = store.create_inquiry(" ".join(args.title), by=args.by)
    finally:
        store.close()
    print(slug)
    return 0


def _example_arguments(parser: argparse.ArgumentParser) -> None:
    from widgets.examples import EXAMPLES

    parser.add_argument("name", help="one of: " + ", ".join(EXAMPLES))


@subcommand("example", "store an illustrative example inquiry (prints its slug)",
            _example_arguments)
def cmd_example(args: argparse.Namespace) -> int:
    from widgets.examples import build

    inquiry = build(args.name)  # an unknown name is a ModelError listing the names
    store = open_cli_store()
    try:
        slug = store.save_inquiry(inquiry, by=args.by)
    finally:
        store.close()
    print(slug)
    return 0


def add_column_options(parser: argparse.ArgumentParser, *, id_help: str,
                       population_help: str, context_help: str) -> None:
    """The options that map a data file's columns (--sheet, --id, --outcome, --population,
    --context), shared by every subcommand that reads a data file."""
    parser.add_argument("--sheet", help="the sheet to read from a workbook")
    parser.add_argument("--id", dest="id_column", metavar="COL", help=id_help)
    parser.add_argument("--outcome", metavar="COL", help="the column with the outcome")
    parser.add_argument("--population", metavar="COL", help=population_help)
    parser.add_argument("--context", metavar="COL", nargs="+", action="extend",
                        help=context_help)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the inquiry to put the data in")
    parser.add_argument("file", help="a .csv or .xlsx file, one row per unit")
    add_column_options(
        parser, id_help="the column with each unit's id",
        population_help="the column with the population (for a rate)",
        context_help="the columns with the circumstances (instead of the suggested)")
    parser.add_argument("--kind", choices=list(MEASURE_KINDS),
                        help="the kind of measure, if the inquiry's is not right yet "
                             "(a new inquiry's is yes_no); it is saved with the data")
    parser.add_argument("--yes", action="store_true",
                        help="replace the units the inquiry already has")


@subcommand("import-data", "import units from a CSV or XLSX file into an inquiry",
            _import_arguments)
def cmd_import_data(args: argparse.Namespace) -> int:
    """Read the table, show a preview and the column mapping, and store the units.

    The command line cannot ask before storing, so it stores straight away and says what it
    did; it only refuses to replace existing units without ``--yes``.
    """
    from dataclasses import replace

    from widgets.files import FileProblem
    from widgets.files.data_import import (
        looks_like_names,
        read_table,
        suggest_mapping,
        to_frame,
    )

    store = open_cli_store()
    try:
        inquiry = store.get(args.slug, include_units=False)
        held = store.summary(args.slug).units
        if held and not args.yes:
            raise CliError(f"{args.slug!r} already has {held:,} units; "
                           "add --yes to replace them")
        data = read_file(args.file)
        preview = read_table(data, Path(args.file).name, sheet=args.sheet)
        # The outcome is guessed from the measure's wording and kind; names are never ids.
        measure = replace(inquiry.measure, kind=args.kind or inquiry.measure.kind)
        mapping = suggest_mapping(preview.frame, measure)
        overrides = {"unit_id": args.id_column, "outcome": args.outcome,
                     "population": args.population}
        overrides = {k: v for k, v in overrides.items() if v is not None}
        columns = [str(c) for c in preview.columns]
        for column in [*overrides.values(), *(args.context or [])]:
            _check_column(column, columns)
        # What the person names wins over the suggestion: a column they chose for one part
        # is taken out of any other part the suggestion gave it.
        chosen = set(overrides.values())
        for field_name in ("unit_id", "population", "private_name"):
            if field_name not in overrides and getattr(mapping, field_name) in chosen:
                mapping = replace(mapping, **{field_name: None})
        mapping = replace(mapping, **overrides)
        if args.context is not None:
            mapping = replace(mapping, context=list(args.context))
        else:
            mapping = replace(mapping, context=[c for c in mapping.context if c not in chosen])
        kind = args.kind or inquiry.measure.kind
        try:
            unit = " ".join(inquiry.measure.unit_name.split()) or "unit"
            frame = to_frame(preview, mapping, kind, pseudonym_prefix=unit[:1].upper() + unit[1:])
        except FileProblem as e:
            raise CliError(f"{e} The measure of {args.slug!r} is {MEASURE_KINDS[kind]}; "
                           "choose another kind with --kind if that is wrong.") from None
        print(f"Preview of {printable(Path(args.file).name)} "
              f"({len(preview.frame):,} rows read):")
        # Real names never reach the terminal: their columns are left out of the preview.
        hidden = [c for c in preview.columns if c != mapping.unit_id and (
            c == mapping.private_name or looks_like_names(preview.frame[c], c))]
        shown = preview.head(5).drop(columns=hidden)
        if len(shown.columns):
            for line in shown.to_string(index=False).splitlines():
                print(printable(line))
        if hidden:
            print("  (not shown, real names stay private: "
                  + ", ".join(printable(c) for c in hidden) + ")")
        print("Columns used:")
        print(f"  unit id:        {printable(mapping.unit_id or '(none: numbered units)')}")
        print(f"  outcome:        {printable(mapping.outcome)}")
        if mapping.population:
            print(f"  population:     {printable(mapping.population)}")
        if mapping.private_name:
            print(f"  private name:   {printable(mapping.private_name)} (kept private, "
                  "not shown)")
        print("  circumstances:  " + (", ".join(printable(c) for c in mapping.context)
                                       or "(none)"))
        for note in [*(preview.notes or []), *frame.attrs.get("notes", [])]:
            print(f"Note: {printable(note)}")
        # A new kind and the units are stored in one action: both, or (a full disk) neither.
        new_kind = kind if kind != inquiry.measure.kind else None
        store.replace_units_frame(args.slug, frame, by=args.by, source=Path(args.file).name,
                                  kind=new_kind)
    finally:
        store.close()
    if new_kind:
        print(f"The measure is now: {MEASURE_KINDS[kind]}.")
    print(f"Stored {len(frame):,} units in {args.slug}.")
    return 0


def _check_column(column: str, columns: list[str]) -> None:
    if column not in columns:
        raise CliError(f"there is no column {column!r}; the columns are: "
                       + ", ".join(repr(c) for c in columns))


def _passphrase_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=f"{what}: the passphrase is the first line of FILE ('-': read "
                             "it from standard input); never on the command line, where it "
                             "would stay in the shell's history")


def read_passphrase(path: str | None) -> str | None:
    """The passphrase from ``--passphrase-file`` (its first line), or None when not given."""
    if path is None:
        return None
    if path == "-":
        text = sys.stdin.readline()
    else:
        try:
            text = read_file(path).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CliError(f"cannot read the passphrase in {path!r}: it is not text") from None
    passphrase = text.splitlines()[0] if text.strip() else ""
    if not passphrase:
        raise CliError(f"there is no passphrase in {path!r} (it is empty)")
    return passphrase


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the inquiry to export")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="FILE.json or FILE.json.gz (inquiry file, .gz compressed) or "
                             "FILE.xlsx (workbook)")
    parser.add_argument("--include-private", action="store_true",
                        help="keep the units' real names in the file, in clear")
    _passphrase_option(parser, "keep the real names in an inquiry file, locked with a "
                               "passphrase")


@subcommand("export", "write an inquiry to an inquiry file (.json, .json.gz) or a workbook "
            "(.xlsx)", _export_arguments)
def cmd_export(args: argparse.Namespace) -> int:
    name = Path(args.output).name.lower()
    if not name.endswith((".json", ".json.gz", ".xlsx")):
        raise CliError(f"cannot export to {args.output!r}: the file name must end in "
                       ".json or .json.gz (inquiry file) or .xlsx (workbook)")
    if args.passphrase_file is not None and args.include_private:
        raise CliError("choose one: --include-private (real names in clear) or "
                       "--passphrase-file (real names locked)")
    if args.passphrase_file is not None and name.endswith(".xlsx"):
        raise CliError("a workbook cannot lock the real names; export to .json with "
                       "--passphrase-file instead")
    passphrase = read_passphrase(args.passphrase_file)
    store = open_cli_store()
    try:
        inquiry = store.get(args.slug)
        if name.endswith(".xlsx"):
            from widgets.files import workbook

            data = workbook.to_bytes(inquiry, include_private=args.include_private)
        else:
            from widgets.files import inquiry_file

            data = inquiry_file.to_bytes(inquiry, include_private=args.include_private,
                                         passphrase=passphrase,
                                         compress=name.endswith(".gz"))
            problem = inquiry_file.load_problem(inquiry)
            if problem:
                print(f"warning: this file will not load again as it is: {printable(problem)}",
                      file=sys.stderr)
        write_file(args.output, data)
        store.mark_downloaded(args.slug)
    finally:
        store.close()
    print(f"Wrote {printable(args.output)} ({len(data):,} bytes).")
    return 0


def _load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="an inquiry file (.json, .json.gz) or workbook (.xlsx)")
    parser.add_argument("--as", dest="as_slug", metavar="SLUG",
                        help="the slug to store it under (made unique if taken)")
    _passphrase_option(parser, "open the real names locked in the file")


@subcommand("load", "store an inquiry from a .json, .json.gz or .xlsx file (prints its slug)",
            _load_arguments)
def cmd_load(args: argparse.Namespace) -> int:
    from widgets.files import read_inquiry

    passphrase = read_passphrase(args.passphrase_file)
    data = read_file(args.file)
    loaded = read_inquiry(data, Path(args.file).name)
    if passphrase is not None:
        if loaded.locked is None:
            print("note: this file has no locked real names; the passphrase was not needed",
                  file=sys.stderr)
        loaded.unlock(passphrase)  # a wrong passphrase: one line, exit 2, nothing stored
    elif loaded.locked is not None:
        print("note: the real names in this file are locked with a passphrase and were left "
              "out; give --passphrase-file to keep them", file=sys.stderr)
    store = open_cli_store()
    try:
        slug = store.save_inquiry(loaded.inquiry, slug=args.as_slug, by=args.by)
    finally:
        store.close()
    if args.as_slug and slug != args.as_slug:
        print(f"note: {args.as_slug!r} was taken or not a valid slug; stored as {slug!r}",
              file=sys.stderr)
    print(slug)
    return 0


def _app_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8866, help="the port (default 8866)")
    parser.add_argument("--no-browser", action="store_true",
                        help="do not open a browser window")


@subcommand("app", "start the app (Voila) on this computer", _app_arguments)
def cmd_app(args: argparse.Namespace) -> int:
    """Replace this process with Voila serving the kit (binds to 127.0.0.1)."""
    try:
        from widgets.app import voila_command, voila_env
    except ImportError:
        raise CliError("the app is not available in this installation") from None
    from widgets.paths import DATA_ENV, data_dir

    if not 0 < args.port < 65536:
        raise CliError(f"the port must be between 1 and 65535, not {args.port}")
    app = importlib.import_module("widgets.app")
    # Voila's own message for a busy port does not say what to do: check first.
    if hasattr(app, "port_in_use") and app.port_in_use(args.port):
        raise CliError(app.busy_port_message(args.port, "cli"))
    command = voila_command(port=args.port, open_browser=not args.no_browser)
    env = dict(os.environ)
    env.update(voila_env())
    # The kernels start in the notebooks folder; pin the data folder this command uses.
    env.setdefault(DATA_ENV, str(data_dir().resolve()))
    try:
        from widgets.app import start_url
    except ImportError:
        print("Starting: " + " ".join(command), flush=True)
    else:
        print(f"Hidden Insights: open {start_url(args.port)}  (Ctrl+C to stop)", flush=True)
    try:
        os.execvpe(command[0], command, env)
    except FileNotFoundError:
        raise CliError(f"cannot start {command[0]!r}: it is not installed") from None
    return 0  # only reached when execvpe is replaced (tests)


# ---------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    for module in EXTRA_MODULES:
        try:
            __import__(module)
        except ImportError:
            pass
    common = _Parser(add_help=False)
    # SUPPRESS: a sub-parser must not reset what was given before the subcommand.
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the full traceback when something goes wrong")
    common.add_argument("--by", metavar="NAME", default=argparse.SUPPRESS,
                        help="who makes the change (for the history; default 'command line')")
    parser = _Parser(prog=PROG, parents=[common],
                     description="The Hidden Insights kit from a terminal. Data folder: "
                                 "$HIDDEN_INSIGHTS_DATA (default ./data).")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                       parser_class=_Parser)
    for sub in SUBCOMMANDS.values():
        p = subparsers.add_parser(sub.name, help=sub.help, description=sub.help,
                                  parents=[common])
        sub.add_arguments(p)
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
        _fail("interrupted")
        return 130
    except BrokenPipeError:  # output piped into `head`: not an error
        return 0
    except Exception as e:
        e = _database_problem(e)
        if isinstance(e, _person_mistakes()):
            if debug:
                traceback.print_exc()
            _fail(str(e) or type(e).__name__)
            return 2
        if debug:
            traceback.print_exc()
        _fail(f"something unexpected went wrong ({type(e).__name__}: {_one_line(str(e))[:200]})"
              "; run with --debug for details")
        return 1
