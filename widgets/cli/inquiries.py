"""The commands about inquiries in the data folder: ``list``, ``new``, ``example``,
``import-data`` (units from a CSV or XLSX file), ``export`` and ``load`` (inquiry files and
workbooks)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from widgets import cli  # the store is opened through the package, so a test can replace it
from widgets.cli import subcommand
from widgets.cli.common import (
    PROG,
    CliError,
    add_column_options,
    check_column,
    passphrase_option,
    printable,
    read_file,
    read_passphrase,
    short_time,
    table,
    write_file,
)
from widgets.model import MEASURE_KINDS


@subcommand("list", "list the inquiries in the data folder")
def cmd_list(args: argparse.Namespace) -> int:
    """Slug, title, last change and what each inquiry holds."""
    store = cli.open_cli_store()
    try:
        items = store.list_inquiries()
    finally:
        store.close()
    if not items:
        print(f"No inquiries yet. Start one with: {PROG} new TITLE "
              f"(or {PROG} example grub-hub)")
        return 0
    rows = [
        (i.slug, i.title, short_time(i.updated_at), i.people, i.units,
         f"{i.confirmed_exceptions}/{i.candidate_exceptions}", i.practices, i.actions,
         i.progress)
        for i in items
    ]
    print(table(("slug", "title", "last change (UTC)", "people", "units",
                  "exceptions confirmed/candidates", "practices", "actions", "progress"),
                 rows))
    return 0


def _new_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", nargs="+", help="the burning issue in a few words")


@subcommand("new", "start a new, empty inquiry (prints its slug)", _new_arguments)
def cmd_new(args: argparse.Namespace) -> int:
    store = cli.open_cli_store()
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
    store = cli.open_cli_store()
    try:
        slug = store.save_inquiry(inquiry, by=args.by)
    finally:
        store.close()
    print(slug)
    return 0


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

    store = cli.open_cli_store()
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
            check_column(column, columns)
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


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the inquiry to export")
    parser.add_argument("-o", "--output", required=True, metavar="FILE",
                        help="FILE.json or FILE.json.gz (inquiry file, .gz compressed) or "
                             "FILE.xlsx (workbook)")
    parser.add_argument("--include-private", action="store_true",
                        help="keep the units' real names in the file, in clear")
    passphrase_option(parser, "keep the real names in an inquiry file, locked with a "
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
    store = cli.open_cli_store()
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
    passphrase_option(parser, "open the real names locked in the file")


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
    store = cli.open_cli_store()
    try:
        slug = store.save_inquiry(loaded.inquiry, slug=args.as_slug, by=args.by)
    finally:
        store.close()
    if args.as_slug and slug != args.as_slug:
        print(f"note: {args.as_slug!r} was taken or not a valid slug; stored as {slug!r}",
              file=sys.stderr)
    print(slug)
    return 0
