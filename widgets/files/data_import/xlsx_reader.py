"""Reading a sheet of an Excel workbook (.xlsx) into a
:class:`~widgets.files.data_import.table.Preview`: the chosen sheet, or the first with data.

Cells are read as values, never as formulas run; a row wider than ``MAX_COLUMNS`` is refused
before the sheet is read on (a sheet may be 16,384 columns wide).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from widgets.files import FileProblem, check_unpacked_size, quote
from widgets.files.data_import.mapping import suggest_mapping
from widgets.files.data_import.table import (
    MAX_COLUMNS,
    Preview,
    clean_names,
    column_letter,
    drop_empty,
    too_wide,
)
from widgets.files.spreadsheet_safety import cell_text

if TYPE_CHECKING:  # pandas is imported where it is used (page load speed)
    import pandas as pd


def read_xlsx(data: bytes, name: str, sheet: str | None) -> Preview:
    import pandas as pd

    check_unpacked_size(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise FileProblem("This Excel file cannot be read; it may be damaged.") from None
    try:
        sheets = [ws.title for ws in book.worksheets]
        if sheet is not None and sheet not in sheets:
            raise FileProblem(f"The workbook has no sheet called {quote(sheet)}.")
        for title in [sheet] if sheet is not None else sheets:
            table = _sheet_rows(book[title])
            if table is not None:
                break
            if sheet is not None:
                raise FileProblem(f"The sheet {quote(sheet)} is empty.")
        else:
            raise FileProblem("The workbook has no data: every sheet is empty.")
    except FileProblem:
        raise
    except Exception:
        raise FileProblem("This Excel file cannot be read; it may be damaged.") from None
    finally:
        book.close()
    header_row, header, rows = table
    if not rows:
        raise FileProblem(f"The sheet {quote(title)} has column names but no rows of data.")
    width = max([len(header)] + [len(values) for _, values in rows])
    names, notes = clean_names(list(header) + [None] * (width - len(header)))
    columns = {}
    for col, column_name in enumerate(names):
        columns[column_name] = _xlsx_column([values[col] if col < len(values) else None
                                             for _, values in rows])
    # Build on the columns' own positions, then label rows with their spreadsheet numbers
    # (passing index= here would align by label and shift or drop rows).
    frame = pd.DataFrame(columns)
    frame.index = pd.Index([n for n, _ in rows])
    frame = drop_empty(frame, names)
    if len(sheets) > 1:
        notes.insert(0, f"Read the sheet {quote(title)} ({len(sheets)} sheets in the file).")
    return Preview(
        frame=frame, columns=list(frame.columns), suggested=suggest_mapping(frame),
        notes=notes, kind="xlsx", filename=name, sheets=sheets, sheet=title,
    )


def _sheet_rows(ws) -> tuple[int, list[Any], list[tuple[int, list[Any]]]] | None:
    """(header row number, header values, [(row number, values)]) or None if empty."""
    ws.reset_dimensions()  # some programs write a wrong size; read what is really there
    header_row, header = 0, None
    rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
        if not any(_filled(v) for v in values):
            continue
        values = list(values)
        while values and not _filled(values[-1]):
            values.pop()
        if len(values) > MAX_COLUMNS:  # before reading on: a sheet may be 16,384 wide
            if header is None:
                raise FileProblem(too_wide(len(values)))
            raise FileProblem(
                f"Row {number} has a value in column {column_letter(len(values) - 1)}, beyond the "
                f"{MAX_COLUMNS:,} columns the kit reads; move or delete it, and try again.")
        if header is None:
            header_row, header = number, values
        else:
            rows.append((number, values))
    if header is None:
        return None
    return header_row, header, rows


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _xlsx_column(values: list[Any]) -> pd.Series:
    import numpy as np
    import pandas as pd

    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        if len(present) == len(values):
            return pd.Series(values, dtype="int64")
        return pd.Series([np.nan if v is None or v == "" else v for v in values],
                         dtype="float64")
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pd.Series([np.nan if v is None or v == "" else v for v in values],
                         dtype="float64")
    return pd.Series([None if v is None or v == "" else cell_text(v) for v in values],
                     dtype="str")
