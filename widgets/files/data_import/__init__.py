"""Importing units data from a CSV or Excel file, in two steps, before anything is stored.

1. :func:`read_table` reads the file into a :class:`Preview`: the whole table, its columns,
   what was noticed on the way ("Read as Windows-1252", "Decimal commas converted") and a
   suggested :class:`ColumnMapping` (which column is the id, the outcome, the population,
   the circumstances).
2. The group checks the preview and the mapping; :func:`to_frame` then checks every value
   and gives the units DataFrame that ``Store.replace_units_frame`` stores.

CSV files may use commas, semicolons, tabs or bars; UTF-8 (with or without BOM), UTF-16 (with
a BOM, or recognisably without) or Windows-1252 (a UTF-8 file with a few Windows-1252 lines
pasted in has those lines read as such, and a note names them); decimal commas ("1,5" in a
file separated by semicolons). Excel files: any sheet (the first with data unless one is
chosen). At most :data:`MAX_COLUMNS` columns; the header is read whole, however long. Text is
kept exactly as it is in the file: a cell that holds a formula or HTML is just text, never
run. Unit ids are the exception: they are kept in the kit's one clean form
(:func:`widgets.model.clean_unit_id`), and two that look the same are refused.

Reading uses pandas' C parser on the bytes, and the checks are vectorised, so importing a big
file costs about as much as reading it with pandas. Every problem raises
:class:`~widgets.files.FileProblem` naming the row (as a spreadsheet shows it: the header is
row 1) and the column.

Where each part lives (every caller imports from this package, not from its modules):

* ``reading`` — :func:`read_table`, which reader a file goes to, files that are no table;
* ``encodings`` — a CSV's text as UTF-8 (UTF-8, UTF-16, Windows-1252, mixed lines);
* ``csv_reader`` — delimiters, the header record, decimal commas, pandas' parser;
* ``xlsx_reader`` — a sheet of a workbook;
* ``table`` — :class:`Preview`, :class:`ColumnMapping`, column names, ``MAX_COLUMNS``;
* ``mapping`` — :func:`suggest_mapping`, :func:`looks_like_names`, :func:`answer_values`;
* ``checks`` — :func:`to_frame` and the per-kind rules (:func:`check_outcomes`).
"""

from widgets.files.data_import.checks import check_outcomes, to_frame
from widgets.files.data_import.csv_reader import NA_TEXTS
from widgets.files.data_import.mapping import (
    MAX_ANSWERS,
    answer_values,
    looks_like_names,
    suggest_mapping,
)
from widgets.files.data_import.reading import INQUIRY_NOT_TABLE, read_table
from widgets.files.data_import.table import MAX_COLUMNS, MISSING_WORDS, ColumnMapping, Preview

__all__ = [
    "INQUIRY_NOT_TABLE", "MAX_ANSWERS", "MAX_COLUMNS", "MISSING_WORDS", "NA_TEXTS",
    "ColumnMapping", "Preview", "answer_values", "check_outcomes", "looks_like_names",
    "read_table", "suggest_mapping", "to_frame",
]
