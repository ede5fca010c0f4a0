"""The workbook: the whole inquiry as an .xlsx that people can open in a spreadsheet program.

One sheet per part of the inquiry (About, Issue, Group, Measure, Units, Exceptions, Practices,
Practice checks, Actions, Progress, Reflections, Analysis runs, History, Notes, Votes), each
with a header row that stays in view, readable column widths, and the kit's field names as
column names so the workbook can be loaded back. ``from_bytes(to_bytes(x)) == x`` for every inquiry:

* Text goes through :mod:`widgets.files.spreadsheet_safety`: anything a spreadsheet program
  could run as a formula gets a leading ``'`` (and so does text that already starts with
  ``'``), characters a workbook cannot hold are written as ``_xHHHH_``; loading undoes both.
* Numbers stay numbers, written with all their digits (openpyxl alone keeps only 16).
* Lists (methods, leads, from_units, flagged) and settings/detail are JSON text in one cell.
* A cell holds at most 32,767 characters; longer text continues on a "Long text" sheet.
* Real names (``Unit.private_name``) are left out unless ``include_private=True``.
* The Units sheet has one column per circumstance in ``inquiry.context_columns``; a unit's
  value for a circumstance not in that list is not written (the store never has any).
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

from widgets.files import (
    MAX_INQUIRY_BYTES,
    FileProblem,
    as_bytes,
    check_size,
    check_unpacked_size,
    not_a_table_message,
    quote,
    sniff_kind,
)
from widgets.files.inquiry_file import inquiry_from_dict, now
from widgets.files.spreadsheet_safety import cell_text, from_cell, neutralise, restore, to_cell
from widgets.model import Inquiry

FORMAT = "hidden-insights-workbook"
#: 2 added the "Notes" and "Votes" sheets (a version 1 workbook loads without them).
VERSION = 2

ABOUT = "About"
UNITS = "Units"
LONG_TEXT = "Long text"

#: Sheets laid out as "field | value" rows: sheet -> (inquiry key, fields).
FIELD_SHEETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Issue": ("issue", ("statement", "affects", "why_it_matters", "wider_effects")),
    "Measure": ("measure", ("what", "unit_name", "kind", "better", "source", "baseline_date")),
}

# Column kinds: text, opt_text, float?, int?, int, list (JSON), dict (JSON), value (scalar).
#: Sheets laid out as tables: sheet -> (inquiry key, [(column, kind)]).
TABLE_SHEETS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "Group": ("group", (("id", "int?"), ("name", "text"), ("role", "text"))),
    "Exceptions": ("exceptions", (
        ("unit_id", "text"), ("status", "text"), ("methods", "list"), ("score", "float?"),
        ("note", "text"), ("decided_by", "text"), ("decided_at", "text"))),
    "Practices": ("practices", (
        ("id", "int?"), ("what", "text"), ("how", "text"), ("why", "text"),
        ("accessible", "text"), ("from_units", "list"))),
    "Practice checks": ("practice_checks", (
        ("unit_id", "text"), ("practice_id", "int"), ("value", "text"))),
    "Actions": ("actions", (
        ("id", "int?"), ("what", "text"), ("leads", "list"), ("when", "text"),
        ("publicity", "text"), ("professional_terms", "text"))),
    "Progress": ("progress", (
        ("id", "int?"), ("date", "text"), ("outcome", "float?"), ("attendance", "int?"),
        ("people_helped", "int?"), ("note", "text"))),
    "Reflections": ("reflections", (("step", "int"), ("principle", "text"), ("note", "text"))),
    "Analysis runs": ("analysis_runs", (
        ("id", "int?"), ("method", "text"), ("settings", "dict"), ("flagged", "list"),
        ("at", "text"), ("by", "text"))),
    "History": ("history", (
        ("id", "int?"), ("at", "text"), ("by", "text"), ("part", "text"), ("change", "text"),
        ("detail", "dict"))),
    "Notes": ("notes", (
        ("id", "int?"), ("step", "int"), ("text", "text"), ("by", "text"), ("at", "text"),
        ("source", "text"))),
    "Votes": ("polls", (
        ("id", "int?"), ("question", "text"), ("choices", "list"), ("counts", "list"),
        ("opened_at", "text"), ("closed_at", "text"), ("results_shown", "bool"),
        ("step", "int?"))),
}

#: Every sheet, in the order they appear.
SHEETS = ("About", "Issue", "Group", "Measure", "Units", "Exceptions", "Practices",
          "Practice checks", "Actions", "Progress", "Reflections", "Analysis runs", "History",
          "Notes", "Votes")
#: Sheets a workbook of an older version does not have (their parts load empty).
_NEWER_SHEETS = ("Notes", "Votes")

UNIT_COLUMNS = ("unit_id", "outcome", "population")
_ABOUT_TEXT = ("title", "slug", "created_at", "updated_at")

#: Excel's limit for one cell; longer text continues on the "Long text" sheet.
CELL_LIMIT = 32_767
_CHUNK = 32_000
_WIDTH_SAMPLE = 60
_NOTE = ("Text that starts with = + - @ or ' has an extra ' in front, so that spreadsheet "
         "programs never run it as a formula. The kit takes it off again when it loads this "
         "workbook. Lists are written as JSON text.")


# ---------------------------------------------------------------------- writing


class _SheetWriter:
    """Rows for one sheet, with cell-size overflow and column widths worked out on the way."""

    def __init__(self, book, title: str, header: list[str | None]):
        self.book = book
        self.title = title
        self.header = header
        self.rows: list[list[Any]] = []
        self.long: list[tuple[str, str, list[str]]] = []

    def add(self, row: list[Any]) -> None:
        for col, value in enumerate(row):
            if isinstance(value, str) and len(value) > CELL_LIMIT:
                chunks = [value[i:i + _CHUNK] for i in range(0, len(value), _CHUNK)]
                row[col] = chunks[0]
                coordinate = f"{_letter(col)}{len(self.rows) + 2}"
                self.long.append((self.title, coordinate, chunks[1:]))
        self.rows.append(row)

    def write(self, wrap_last: bool = False) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font

        ws = self.book.create_sheet(self.title)
        widths = [len(h or "") + 2 for h in self.header]
        for row in self.rows[:_WIDTH_SAMPLE]:
            for col, value in enumerate(row):
                if value is not None and col < len(widths):
                    first_line = str(value).split("\n", 1)[0]
                    widths[col] = max(widths[col], len(first_line) + 2)
        for col, width in enumerate(widths):
            ws.column_dimensions[_letter(col)].width = min(max(width, 8), 60)
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header_cells = []
        for name in self.header:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        wrap = Alignment(wrap_text=True, vertical="top")
        for row in self.rows:
            cells = [_number_cell(ws, v) if _is_number(v) else v for v in row]
            if wrap_last and cells and isinstance(cells[-1], str):
                cell = WriteOnlyCell(ws, value=cells[-1])
                cell.alignment = wrap
                cells[-1] = cell
            ws.append(cells)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col + 1)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number_cell(ws, value: int | float):
    """A numeric cell that reads back as exactly this number, of the same type.

    openpyxl writes numbers with "%.16g", which can drop the 17th digit and writes 1.0 as
    "1" (read back as an int). When that would change the value, the cell's text is set to
    ``repr`` (still a number cell, type "n").
    """
    if isinstance(value, float):
        text = repr(value)
        if f"{value:.16g}" == text:  # what openpyxl would write
            return value
    else:
        if abs(value) < 10**15:
            return value
        text = str(value)
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell._value = text  # written verbatim as <v>text</v>
    return cell


def _text(value: str | None) -> str | None:
    return to_cell(value if value is not None else "")


def _json_text(value: Any) -> str | None:
    return to_cell(json.dumps(value, ensure_ascii=False, allow_nan=False))


def _scalar(value: Any) -> Any:
    """A circumstance value: numbers stay numbers, text is made safe, empty text stays ''."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    return to_cell(str(value), nullable=True)


def _cell(value: Any, kind: str) -> Any:
    if kind == "text":
        return _text(value)
    if kind == "opt_text":
        return to_cell(value, nullable=True)
    if kind in ("float?", "int?", "int"):
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        if kind == "float?" and float(value).is_integer() and abs(value) < 10**15 and (
            value != 0 or math.copysign(1, value) > 0
        ):
            return int(value)  # read back as a float anyway; "1" is the shortest exact form
        return value
    if kind in ("list", "dict"):
        return _json_text(value)
    if kind == "bool":
        return bool(value)
    return _scalar(value)


def to_bytes(inquiry: Inquiry, include_private: bool = False) -> bytes:
    """The inquiry as an .xlsx workbook (bytes), one sheet per part.

    Real names of units are left out unless ``include_private`` is True.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    writers: list[tuple[_SheetWriter, bool]] = []

    about = _SheetWriter(book, ABOUT, ["field", "value"])
    about.add(["format", FORMAT])
    about.add(["version", VERSION])
    about.add(["exported_at", now()])
    for key in _ABOUT_TEXT:
        about.add([key, _text(getattr(inquiry, key))])
    about.add(["real_names", "included" if include_private else "left out"])
    about.add(["note", _NOTE])
    writers.append((about, True))

    for title in SHEETS[1:]:
        if title in FIELD_SHEETS:
            key, names = FIELD_SHEETS[title]
            part = getattr(inquiry, key)
            sheet = _SheetWriter(book, title, ["field", "value"])
            for name in names:
                sheet.add([name, _text(getattr(part, name))])
            writers.append((sheet, True))
        elif title == UNITS:
            writers.append((_units_writer(book, inquiry, include_private), False))
        else:
            key, columns = TABLE_SHEETS[title]
            sheet = _SheetWriter(book, title, [c for c, _ in columns])
            for item in getattr(inquiry, key):
                sheet.add([_cell(getattr(item, c), kind) for c, kind in columns])
            writers.append((sheet, False))

    long_rows = [entry for sheet, _ in writers for entry in sheet.long]
    for sheet, wrap in writers:
        sheet.write(wrap_last=wrap)
    if long_rows:
        sheet = _SheetWriter(book, LONG_TEXT, ["sheet", "cell", "part", "text"])
        for title, coordinate, chunks in long_rows:
            for n, chunk in enumerate(chunks, start=2):
                sheet.rows.append([title, coordinate, n, neutralise(chunk)])
        sheet.write()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _units_writer(book, inquiry: Inquiry, include_private: bool) -> _SheetWriter:
    columns = list(inquiry.context_columns)
    header = list(UNIT_COLUMNS) + (["private_name"] if include_private else [])
    header += [to_cell(c, nullable=True) for c in columns]
    sheet = _SheetWriter(book, UNITS, header)
    for unit in inquiry.units:
        row = [_text(unit.unit_id), _cell(unit.outcome, "float?"), _cell(unit.population, "float?")]
        if include_private:
            row.append(to_cell(unit.private_name, nullable=True))
        context = unit.context
        row.extend(_scalar(context.get(c)) for c in columns)
        sheet.add(row)
    return sheet


# ---------------------------------------------------------------------- reading


def from_bytes(data: bytes) -> Inquiry:
    """An inquiry from a workbook made by :func:`to_bytes` (and perhaps edited by a person).

    Raises :class:`~widgets.files.FileProblem` naming the sheet, row and column of anything
    that cannot be read.
    """
    data = as_bytes(data)
    check_size(data, MAX_INQUIRY_BYTES)
    kind = sniff_kind(data)
    if kind != "xlsx":
        raise FileProblem(not_a_table_message(kind) or "This is not an Excel workbook (.xlsx).")
    check_unpacked_size(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged files
        raise FileProblem("This workbook cannot be read; it may be damaged.") from None
    try:
        return _read_book(book)
    except FileProblem:
        raise
    except Exception:  # a damaged part inside the zip shows up only while reading
        raise FileProblem("This workbook cannot be read; it may be damaged.") from None
    finally:
        book.close()


class _Sheet:
    """The rows of one sheet with their row numbers, and the header mapped to positions."""

    def __init__(self, book, title: str, long_text: dict[tuple[str, str], str]):
        ws = book[title]
        ws.reset_dimensions()  # some programs write a wrong size; read what is really there
        self.title = title
        self.rows: list[tuple[int, list[Any]]] = []
        more: dict[int, list[tuple[int, str]]] = {}
        for (sheet, coordinate), rest in long_text.items():
            if sheet == title:
                col, row = _split_coordinate(coordinate)
                more.setdefault(row, []).append((col, rest))
        header: list[Any] | None = None
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            values = list(values)
            for col, rest in more.get(number, ()):
                if col < len(values) and isinstance(values[col], str):
                    values[col] += rest
            if header is None:
                if any(v is not None for v in values):
                    header = values
                continue
            if any(v is not None and v != "" for v in values):
                self.rows.append((number, values))
        self.header = header or []

    def where(self, row: int, column: str | None = None) -> str:
        place = f"Sheet '{self.title}', row {row}"
        return f"{place}, column '{column}'" if column else place

    def columns(self, needed: tuple[str, ...]) -> dict[str, int]:
        names = [from_cell(cell_text(h)) if h is not None else None for h in self.header]
        positions: dict[str, int] = {}
        for i, name in enumerate(names):
            if name is not None and name not in positions:
                positions[name] = i
        for name in needed:
            if name not in positions:
                raise FileProblem(f"The sheet '{self.title}' has no column '{name}'.")
        return positions


def _split_coordinate(coordinate: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(coordinate)
    return column_index_from_string(letters) - 1, row


#: Where a cell is: (sheet, row, column), turned into words only when there is a problem.
Place = tuple[str, int, str] | str


def _place(where: Place) -> str:
    if isinstance(where, tuple):
        title, row, column = where
        return f"Sheet '{title}', row {row}, column '{column}'"
    return where


def _read(value: Any, kind: str, where: Place) -> Any:
    if kind == "text":
        return "" if value is None else from_cell(cell_text(value))
    if kind == "opt_text":
        return None if value is None else from_cell(cell_text(value))
    if kind in ("float?", "int?", "int"):
        return _read_number(value, kind, where)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if value is None or str(value).strip().casefold() in ("", "false", "no", "0"):
            return False
        if str(value).strip().casefold() in ("true", "yes", "1"):
            return True
        raise FileProblem(f"{_place(where)}: {quote(value)} is not TRUE or FALSE.")
    if kind in ("list", "dict"):
        if value is None or (isinstance(value, str) and not value.strip()):
            return [] if kind == "list" else {}
        text = from_cell(cell_text(value))
        try:
            parsed = json.loads(text, parse_constant=lambda _name: None)
        except (ValueError, RecursionError):
            parsed = None
        wanted = list if kind == "list" else dict
        if not isinstance(parsed, wanted):
            what = "a list like [\"a\", \"b\"]" if kind == "list" else "JSON like {\"a\": 1}"
            raise FileProblem(f"{_place(where)}: {quote(text)} is not {what}.")
        return parsed
    # A circumstance: text, a number or empty.
    if value is None or isinstance(value, bool) or _is_number(value):
        return value
    if isinstance(value, str):
        return from_cell(value)
    return cell_text(value)


def _read_number(value: Any, kind: str, where: Place) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        if kind == "int":
            raise FileProblem(f"{_place(where)}: a number is needed here.")
        return None
    number = value
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise FileProblem(f"{_place(where)}: {quote(value)} is not a number.") from None
    if isinstance(number, bool) or not _is_number(number) or not math.isfinite(number):
        raise FileProblem(f"{_place(where)}: {quote(value)} is not a number.")
    if kind == "float?":
        return float(number)
    if isinstance(number, float):
        if not number.is_integer():
            raise FileProblem(f"{_place(where)}: {quote(value)} is not a whole number.")
        return int(number)
    return number


def _read_book(book) -> Inquiry:
    titles = list(book.sheetnames)
    if ABOUT not in titles:
        raise FileProblem(
            "This workbook was not made by the kit (it has no 'About' sheet). "
            "To import data, use the data import in step 1."
        )
    long_text = _read_long_text(book) if LONG_TEXT in titles else {}
    about = _read_fields(_Sheet(book, ABOUT, long_text))
    if about.get("format") != FORMAT:
        raise FileProblem("This workbook was not made by the kit (the 'About' sheet says so).")
    try:
        version = int(float(about.get("version", "")))
    except ValueError:
        raise FileProblem("The 'About' sheet has no valid version number.") from None
    if version > VERSION:
        raise FileProblem(
            f"This workbook was made by a newer version of the kit (file version {version}; "
            f"this kit reads version {VERSION}). Update the kit to open it."
        )
    for title in SHEETS:
        if title not in titles and title not in _NEWER_SHEETS:
            raise FileProblem(f"The workbook has no '{title}' sheet; it cannot be loaded.")

    data: dict[str, Any] = {key: about.get(key, "") for key in _ABOUT_TEXT}
    rows: dict[str, tuple[_Sheet, list[int]]] = {}
    for title, (key, names) in FIELD_SHEETS.items():
        fields = _read_fields(_Sheet(book, title, long_text))
        data[key] = {name: fields.get(name, "") for name in names}
    units_sheet = _Sheet(book, UNITS, long_text)
    data["units"], data["context_columns"] = _read_units(units_sheet)
    rows["units"] = (units_sheet, [n for n, _ in units_sheet.rows])
    for title, (key, columns) in TABLE_SHEETS.items():
        if title not in titles:  # a sheet a version 1 workbook does not have
            continue
        sheet = _Sheet(book, title, long_text)
        positions = sheet.columns(tuple(c for c, _ in columns))
        items = []
        for number, values in sheet.rows:
            item = {}
            for name, kind in columns:
                value = _at(values, positions[name])
                item[name] = _read(value, kind, (title, number, name))
            items.append(item)
        data[key] = items
        rows[key] = (sheet, [n for n, _ in sheet.rows])

    def locate(part: str, index: int) -> str:
        sheet, numbers = rows[part]
        return sheet.where(numbers[index])

    return inquiry_from_dict(data, locate)


def _at(values: list[Any], pos: int) -> Any:
    return values[pos] if pos < len(values) else None


def _read_fields(sheet: _Sheet) -> dict[str, str]:
    positions = sheet.columns(("field", "value"))
    out: dict[str, str] = {}
    for _number, values in sheet.rows:
        field = _at(values, positions["field"])
        if field is None:
            continue
        out[from_cell(cell_text(field))] = _read(_at(values, positions["value"]), "text", "")
    return out


def _read_units(sheet: _Sheet) -> tuple[list[dict[str, Any]], list[str]]:
    positions = sheet.columns(UNIT_COLUMNS)
    has_private = "private_name" in positions
    fixed = set(UNIT_COLUMNS) | {"private_name"}
    context: list[tuple[str, int]] = []
    seen: set[str] = set()
    for i, header in enumerate(sheet.header):
        if header is None:
            continue
        name = from_cell(cell_text(header))
        if name in fixed and positions.get(name) == i:
            continue
        if name in seen or name in fixed:
            raise FileProblem(f"The sheet '{UNITS}' has two columns called {quote(name)}.")
        seen.add(name)
        context.append((name, i))

    at = _at
    units = []
    for number, values in sheet.rows:
        unit = {
            "unit_id": _read(at(values, positions["unit_id"]), "text",
                             (UNITS, number, "unit_id")),
            "outcome": _read(at(values, positions["outcome"]), "float?",
                             (UNITS, number, "outcome")),
            "population": _read(at(values, positions["population"]), "float?",
                                (UNITS, number, "population")),
            "private_name": (_read(at(values, positions["private_name"]), "opt_text", "")
                             if has_private else None),
            "context": {name: _read(at(values, pos), "value", (UNITS, number, name))
                        for name, pos in context},
        }
        units.append(unit)
    return units, [name for name, _ in context]


def _read_long_text(book) -> dict[tuple[str, str], str]:
    sheet = _Sheet(book, LONG_TEXT, {})
    positions = sheet.columns(("sheet", "cell", "part", "text"))
    pieces: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for number, values in sheet.rows:
        def at(name: str, values: list[Any] = values) -> Any:
            return _at(values, positions[name])

        part = _read_number(at("part"), "int", (LONG_TEXT, number, "part"))
        key = (cell_text(at("sheet") or ""), cell_text(at("cell") or ""))
        pieces.setdefault(key, []).append((part, restore(cell_text(at("text") or ""))))
    out: dict[tuple[str, str], str] = {}
    for key, parts in pieces.items():
        try:
            _split_coordinate(key[1])
        except Exception:
            raise FileProblem(f"The '{LONG_TEXT}' sheet names a cell {quote(key[1])} "
                              "that does not exist.") from None
        out[key] = "".join(text for _, text in sorted(parts))
    return out
