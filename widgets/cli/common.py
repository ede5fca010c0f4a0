"""What every command family shares: one-line errors, text safe for a terminal, the files a
person names, a passphrase file, and the options that map a data file's columns."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from widgets.model import ModelError

PROG = "hidden-insights"


class CliError(Exception):
    """A person's mistake found by the command line itself (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line, like every other error."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


class UsageError(Exception):
    pass


def person_mistakes() -> tuple[type[BaseException], ...]:
    """Exception types that mean "the person asked for something that cannot be done"."""
    from widgets.store import DataFolderProblem, NotFound
    from widgets.store.migrations import SchemaTooNew

    kinds: list[type[BaseException]] = [CliError, UsageError, ModelError, NotFound,
                                        SchemaTooNew, DataFolderProblem]
    try:
        from widgets.files import FileProblem
    except ImportError:  # the files module is optional for the commands that do not use it
        pass
    else:
        kinds.append(FileProblem)
    return tuple(kinds)


def database_problem(exc: Exception) -> Exception:
    """A database error that means a full, read-only or failing data folder, as the plain
    DataFolderProblem (the store maps its own; this catches any that reach here raw)."""
    from widgets.store import data_folder_problem

    return data_folder_problem(exc, os_errors=False) or exc


def one_line(text: str) -> str:
    return " ".join(str(text).split())


#: Bidirectional overrides and isolates: they could make a terminal line read backwards.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(value: object) -> str:
    """Text safe to print on a terminal: control characters (escape codes, new lines) and
    bidirectional overrides that a stored title might hold are shown as ``?``; everything
    else (accents, right-to-left letters, emoji) is kept exactly."""
    return "".join("?" if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS else ch
                   for ch in str(value))


def fail(message: str) -> None:
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)


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


def short_time(stamp: str | None) -> str:
    """'2024-10-10T18:46:00.000000+00:00' -> '2024-10-10 18:46' (UTC, as stored)."""
    if not stamp:
        return "-"
    return stamp[:16].replace("T", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[printable(c) for c in header]] + [[printable(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in cells)


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


def check_column(column: str, columns: list[str]) -> None:
    if column not in columns:
        raise CliError(f"there is no column {column!r}; the columns are: "
                       + ", ".join(repr(c) for c in columns))


def passphrase_option(parser: argparse.ArgumentParser, what: str) -> None:
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
