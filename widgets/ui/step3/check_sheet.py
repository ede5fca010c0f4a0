"""Check sheets: the practice-check grid as a spreadsheet to fill in, and read back.

A check sheet has one row per unit, its id in the first column (or in one headed "unit id"
or "id"), then one column per practice headed with the practice's words (or "practice 3"),
holding yes, no or blank. Reading goes through ``widgets.files.data_import.read_table`` (any
common CSV or an XLSX); a file with any problem gives a plain message and no checks at all.
No widgets here.
"""

from __future__ import annotations

import csv
import io
import math
import re

from widgets.errors import PersonError
from widgets.model import Practice, PracticeCheck

YES_WORDS = frozenset({"yes", "y", "true", "1", "1.0", "x", "✓", "✔"})
NO_WORDS = frozenset({"no", "n", "false", "0", "0.0"})
UNKNOWN_WORDS = frozenset({"", "nan", "none", "?", "not known", "unknown", "don't know",
                           "dont know", "dk", "n/a", "na", "-"})
MAX_LISTED = 5


class ChecksFileProblem(PersonError, ValueError):
    """A check sheet that cannot be read; the message says where (nothing was stored)."""


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _listed(items: list[str]) -> str:
    shown = ", ".join(f"“{x}”" for x in items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _answer(value: object) -> str | None:
    """yes / no / unknown for a cell of a check sheet, or None when it is none of those."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = _norm(value)
    if text in YES_WORDS:
        return "yes"
    if text in NO_WORDS:
        return "no"
    if text in UNKNOWN_WORDS:
        return "unknown"
    return None


def _practice_for(column: str, practices: list[Practice]) -> Practice | None:
    """The practice a column heading names: its words, or "practice 3" / "P3" / "3"."""
    from widgets.files.spreadsheet_safety import restore

    for name in (column, restore(column)):
        wanted = _norm(name)
        for p in practices:
            if _norm(p.what) == wanted:
                return p
    match = re.fullmatch(r"(?:practice\s*|p\s*)?(\d+)", _norm(column))
    if match:
        for p in practices:
            if p.id == int(match.group(1)):
                return p
    return None


def read_checks(data: bytes, filename: str, unit_ids: list[str],
                practices: list[Practice]) -> list[PracticeCheck]:
    """The answers in a check sheet (CSV or XLSX): one row per unit, its id in the first
    column (or one called "unit id" / "id"), then one column per practice headed with the
    practice's words (or "practice 3"), holding yes, no or blank.

    Raises a person-facing error naming unknown units or practices and bad cells; a file
    with any problem gives no checks at all.
    """
    from widgets.files.data_import import read_table
    from widgets.files.spreadsheet_safety import restore

    if not practices:
        raise ChecksFileProblem("Add the practices first: the file's columns must match them.")
    frame = read_table(data, filename).frame
    columns = [str(c) for c in frame.columns]
    id_names = {"unit id", "unit_id", "unit", "id"}
    id_col = next((c for c in columns if _norm(c) in id_names), columns[0])
    matched: dict[str, Practice] = {}
    unknown_columns = []
    for c in columns:
        if c == id_col:
            continue
        p = _practice_for(c, practices)
        if p is None:
            unknown_columns.append(c)
        elif p.id in {q.id for q in matched.values()}:
            raise ChecksFileProblem(f"Two columns name the practice “{p.what}”.")
        else:
            matched[c] = p
    if unknown_columns:
        raise ChecksFileProblem(
            f"These columns do not match any practice: {_listed(unknown_columns)}. Head each "
            "column with the practice's words as listed above (or “practice 1”, “practice 2”"
            "…). Nothing was stored.")
    if not matched:
        raise ChecksFileProblem("The file has no column for any practice. Nothing was stored.")
    known = set(unit_ids)
    checks: list[PracticeCheck] = []
    seen: dict[str, object] = {}
    unknown_units: list[str] = []
    for row, record in zip(frame.index, frame.to_dict("records"), strict=True):
        raw = record[id_col]
        if _answer(raw) == "unknown" and _norm(raw) in ("", "nan", "none"):
            continue  # a row without an id: a blank line at the end
        unit = str(raw).strip()
        if isinstance(raw, float) and raw.is_integer():
            unit = str(int(raw))
        if unit not in known and restore(unit) in known:
            unit = restore(unit)
        if unit not in known:
            unknown_units.append(unit)
            continue
        if unit in seen:
            raise ChecksFileProblem(f"“{unit}” is in the file twice (rows {seen[unit]} and "
                                    f"{row}). Nothing was stored.")
        seen[unit] = row
        for c, p in matched.items():
            value = _answer(record[c])
            if value is None:
                raise ChecksFileProblem(
                    f"Row {row}, column “{c}”: “{record[c]}” is not yes, no or blank. "
                    "Nothing was stored.")
            checks.append(PracticeCheck(unit, p.id, value))
    if unknown_units:
        raise ChecksFileProblem(f"These units are not in the data: {_listed(unknown_units)}. "
                                "Use the ids of step 1. Nothing was stored.")
    if not checks:
        raise ChecksFileProblem("The file has no rows of answers. Nothing was stored.")
    return checks


def check_sheet_csv(unit_name: str, unit_ids: list[str], practices: list[Practice],
                    values: dict[tuple[str, int], str]) -> bytes:
    """A check sheet as CSV bytes (UTF-8 with a BOM, for spreadsheet programs): the units in
    the order given, one column per practice, and the answers so far (``values`` maps
    ``(unit_id, practice_id)`` to yes / no / unknown). Text a spreadsheet could run as a
    formula is neutralised (a leading ``'``, removed again when the sheet is read)."""
    from widgets.files.spreadsheet_safety import neutralise

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(f"{unit_name} id")] + [neutralise(p.what) for p in practices])
    for unit in unit_ids:
        answers = [values.get((unit, p.id), "unknown") for p in practices]
        writer.writerow([neutralise(unit)] + ["" if a == "unknown" else a for a in answers])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
