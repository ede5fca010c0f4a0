"""``hidden-insights exceptions``: find positive exceptions from a terminal (for researchers).

On an inquiry in the data folder::

    hidden-insights exceptions grub-hub --method expected
    hidden-insights exceptions grub-hub --method group-z --context "income band" housing

or on a plain CSV/XLSX file, one row per unit::

    hidden-insights exceptions --data units.csv --id unit_id --outcome outcome \\
        --context "income band" housing --better higher --method group-iqr

It prints the flagged units with their scores, best first, as a readable table, with the
method's warnings beneath. With ``--json`` it prints a JSON list with one object for *every*
unit, ``{"id", "score", "expected", "flagged", "explanation"}`` (``flagged`` true or false;
``null`` where a method has no value), so a script can use the whole result. Nothing is
stored: the group records its candidates and decisions in the app (step 2).

The methods are the app's own (``widgets.analysis.positive_exceptions.run_method``), so the
same data and settings give the same flags. ``--threshold`` means: standard deviations for
``group-z`` and ``expected`` (default 2), the quartile factor for ``group-iqr`` (default
1.5), and for ``funnel`` the limit in standard deviations (2 = the 95 % limit, the default;
3 = the 99.8 % limit; other values the matching two-sided level).

On a file the kind of measure is inferred unless ``--kind`` says it: a population column
makes it a rate; outcomes that are all 0/1 (or yes/no) make it yes/no; anything else is a
score (say ``--kind count`` for counts). The circumstances default to every other column
that holds values; on an inquiry, to its circumstances.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from widgets import cli  # the store is opened through the package, so a test can replace it
from widgets.cli import subcommand
from widgets.cli.common import CliError, add_column_options, check_column, printable, read_file
from widgets.model import DIRECTIONS, MEASURE_KINDS, Measure

#: Methods the command line offers ("group-choice" needs a group, not a terminal).
CLI_METHODS = ("group-z", "group-iqr", "expected", "funnel")

#: Conventional funnel limits and the standard deviations they are known by.
FUNNEL_LEVELS = {2.0: 0.95, 3.0: 0.998}


EPILOG = """\
--threshold: standard deviations for group-z and expected (default 2); the
quartile factor for group-iqr (default 1.5); for funnel the limit in standard
deviations (2 = the 95 % limit, the default; 3 = the 99.8 % limit).

On a file the kind is inferred unless --kind says it: a population column makes
it a rate; outcomes all 0/1 (or yes/no) make it yes/no; anything else a score.
The circumstances default to every other column with values (on an inquiry, to
its circumstances).

Prints the flagged units, best first. With --json: a JSON list with one object
per unit, flagged or not: {"id", "score", "expected", "flagged", "explanation"}.
Nothing is stored."""


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("slug", nargs="?", help="the inquiry to look in (or use --data)")
    parser.add_argument("--method", required=True, metavar="NAME",
                        help="one of: " + ", ".join(CLI_METHODS))
    parser.add_argument("--data", metavar="FILE", help="a .csv or .xlsx file, one row per unit")
    add_column_options(
        parser, id_help="the column with each unit's id (default: the one suggested)",
        population_help="the column with the population (makes it a rate)",
        context_help="the circumstances to compare on (default: all)")
    parser.add_argument("--better", choices=sorted(DIRECTIONS),
                        help="which way the outcome is better (needed with --data)")
    parser.add_argument("--kind", choices=list(MEASURE_KINDS),
                        help="the kind of measure (default: inferred from the outcome)")
    parser.add_argument("--unit", default="unit", metavar="WORD",
                        help="what one row is, for the messages (default 'unit')")
    parser.add_argument("--what", default="", metavar="TEXT",
                        help="what a yes means, for the explanations (e.g. 'stayed together')")
    parser.add_argument("--threshold", type=float, metavar="Z",
                        help="how far from the rest a unit must be (see below)")
    parser.add_argument("--json", action="store_true",
                        help="print every unit as JSON (id, score, expected, flagged)")


def infer_kind(values, has_population: bool) -> str:
    """The kind of measure an outcome column suggests: rate with a population, yes/no when
    every value is 0/1 or a yes/no word, otherwise a score."""
    import pandas as pd

    from widgets.files.data_import import MISSING_WORDS
    from widgets.words import NO_WORDS, YES_WORDS

    if has_population:
        return "rate"
    present = values.dropna()
    if pd.api.types.is_bool_dtype(values.dtype):
        return "yes_no"
    if pd.api.types.is_numeric_dtype(values.dtype):
        return "yes_no" if len(present) and present.isin([0, 1]).all() else "score"
    words = present.astype(str).str.strip().str.lower()
    words = words[~words.isin(MISSING_WORDS)]
    if len(words) and words.isin(set(YES_WORDS) | set(NO_WORDS) | {"0", "1", "0.0", "1.0"}).all():
        return "yes_no"
    return "score"


def method_settings(method: str, threshold: float | None,
                    circumstances: list[str]) -> dict[str, Any]:
    """Keyword settings for ``run_method`` from the command line's options."""
    if method not in CLI_METHODS:
        raise CliError(f"there is no method {method!r}; choose one of: "
                       + ", ".join(CLI_METHODS))
    if threshold is not None and (math.isnan(threshold) or threshold <= 0):
        raise CliError("the threshold must be a number above 0")
    if method == "funnel":
        if threshold is None:
            return {}
        level = FUNNEL_LEVELS.get(round(threshold, 6))
        if level is None:
            from scipy.stats import norm

            level = round(float(2 * norm.cdf(threshold) - 1), 6)
            if not 0.5 <= level < 1:
                raise CliError("for the funnel the threshold must be between 0.7 and 5 "
                               "standard deviations")
        return {"limits": sorted({0.95, 0.998, level}), "flag_at": level}
    settings: dict[str, Any] = {"circumstances": list(circumstances)}
    if threshold is not None:
        settings["iqr_factor" if method == "group-iqr" else "threshold"] = threshold
    return settings


def from_file(args: argparse.Namespace):
    """(units frame, measure, circumstances) from ``--data`` and the column options."""
    from widgets.files.data_import import looks_like_names, read_table, to_frame

    if args.outcome is None:
        raise CliError("say which column holds the outcome: --outcome COL")
    if args.better is None:
        raise CliError("say which way the outcome is better: --better higher or --better lower")
    data = read_file(args.data)
    preview = read_table(data, Path(args.data).name, sheet=args.sheet)
    columns = [str(c) for c in preview.columns]
    for column in (args.id_column, args.outcome, args.population, *(args.context or [])):
        if column is not None:
            check_column(column, columns)
    id_column = args.id_column if args.id_column is not None else preview.suggested.unit_id
    if args.context is not None:
        context = list(dict.fromkeys(args.context))
    else:
        taken = {id_column, args.outcome, args.population}
        # An empty column (such as an exported table's unused population) compares nobody;
        # real names are nobody's circumstance, and never reach the terminal.
        context = [c for c in columns if c not in taken and preview.frame[c].notna().any()
                   and not looks_like_names(preview.frame[c], c)]
    kind = args.kind or infer_kind(preview.frame[args.outcome], args.population is not None)
    mapping = replace(preview.suggested, unit_id=id_column, outcome=args.outcome,
                      population=args.population, private_name=None, context=context)
    unit = " ".join(str(args.unit or "").split()) or "unit"
    frame = to_frame(preview, mapping, kind, pseudonym_prefix=unit[:1].upper() + unit[1:])
    # to_frame renames a circumstance that shares a name with a fixed column.
    circumstances = [c for c in frame.columns
                     if c not in ("unit_id", "outcome", "population", "private_name")]
    measure = Measure(what=args.what, unit_name=args.unit, kind=kind, better=args.better)
    return frame, measure, circumstances


def from_store(args: argparse.Namespace):
    """(units frame, measure, circumstances) from the inquiry ``args.slug``."""
    for option in ("id_column", "outcome", "population", "better", "kind", "sheet", "what"):
        if getattr(args, option) not in (None, ""):
            name = {"id_column": "id"}.get(option, option)
            raise CliError(f"--{name} is only for --data; an inquiry has its own measure")
    store = cli.open_cli_store()
    try:
        inquiry = store.get(args.slug, include_units=False)
        frame = store.units_frame(args.slug, include_private=False)
    finally:
        store.close()
    circumstances = list(inquiry.context_columns)
    if args.context is not None:
        for column in args.context:
            if column not in circumstances:
                raise CliError(f"{args.slug!r} has no circumstance {column!r}; it has: "
                               + (", ".join(repr(c) for c in circumstances) or "none"))
        circumstances = list(dict.fromkeys(args.context))
    return frame, inquiry.measure, circumstances


def _value(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _text(v: float | None) -> str:
    from widgets.analysis.baseline import fmt_number

    return "-" if v is None else fmt_number(v)


def json_rows(result) -> list[dict[str, Any]]:
    """One plain object per unit (input order): id, score, expected, flagged, explanation."""
    t = result.table
    return [{"id": str(uid), "score": _value(s), "expected": _value(e), "flagged": bool(f),
             "explanation": str(x)}
            for uid, s, e, f, x in zip(t["unit_id"], t["score"], t["expected"], t["flagged"],
                                       t["explanation"], strict=True)]


def table_text(result, unit_name: str) -> str:
    """The flagged units, best first, as aligned columns, with a heading line."""
    from widgets.analysis.baseline import plural

    flagged = result.flagged_table()
    n = len(result.table)
    k = len(flagged)
    head = (f"{result.title}: {k:,} of {n:,} {plural(unit_name, n)} flagged as "
            "possible positive exceptions.")
    if not k:
        return head
    rows = [["id", "score", "expected", "why"]]
    for uid, s, e, x in zip(flagged["unit_id"], flagged["score"], flagged["expected"],
                            flagged["explanation"], strict=True):
        score = _value(s)
        rows.append([str(uid), "-" if score is None else f"{score:.2f}", _text(_value(e)),
                     str(x)])
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join([*(r[i].ljust(widths[i]) for i in range(3)), r[3]]).rstrip()
             for r in rows]
    return head + "\n" + "\n".join(lines)


@subcommand("exceptions", "find possible positive exceptions in an inquiry or a data file",
            _arguments)
def cmd_exceptions(args: argparse.Namespace) -> int:
    """Run one method and print the flagged units (or every unit as JSON)."""
    import sys

    from widgets.analysis.positive_exceptions import run_method

    if (args.slug is None) == (args.data is None):
        raise CliError("give an inquiry SLUG or --data FILE (one of them)")
    if args.method not in CLI_METHODS:
        raise CliError(f"there is no method {args.method!r}; choose one of: "
                       + ", ".join(CLI_METHODS))
    frame, measure, circumstances = from_file(args) if args.data else from_store(args)
    if args.method == "funnel" and measure.kind != "rate":
        raise CliError("the funnel needs a rate (events out of a population): give "
                       "--population COL, or choose another method")
    settings = method_settings(args.method, args.threshold, circumstances)
    result = run_method(args.method, frame, measure, **settings)
    unit_name = args.unit if args.data else (measure.unit_name or "unit")
    if args.json:
        rows = json_rows(result)
        print("[" + ",\n ".join(json.dumps(r, ensure_ascii=False) for r in rows) + "]")
        for w in result.warnings:
            print(f"warning: {printable(w)}", file=sys.stderr)
        return 0
    print(table_text(result, unit_name))
    for w in result.warnings:
        print(f"Warning: {printable(w)}")
    for n in result.notes:
        print(f"Note: {printable(n)}")
    return 0
