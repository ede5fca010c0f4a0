"""Importing units data from a CSV or Excel file, in two steps, before anything is stored.

1. :func:`read_table` reads the file into a :class:`Preview`: the whole table, its columns,
   what was noticed on the way ("Read as Windows-1252", "Decimal commas converted") and a
   suggested :class:`ColumnMapping` (which column is the id, the outcome, the population,
   the circumstances).
2. The group checks the preview and the mapping; :func:`to_frame` then checks every value
   and gives the units DataFrame that ``Store.replace_units_frame`` stores.

CSV files may use commas, semicolons, tabs or bars; UTF-8 (with or without BOM), UTF-16 (with
a BOM, or recognisably without) or Windows-1252; decimal commas ("1,5" in a file separated by
semicolons). Excel files: any sheet (the first with data unless one is chosen). Text is kept
exactly as it is in the file: a cell that holds a formula or HTML is just text, never run.

Reading uses pandas' C parser on the bytes, and the checks are vectorised, so importing a big
file costs about as much as reading it with pandas. Every problem raises
:class:`~widgets.files.FileProblem` naming the row (as a spreadsheet shows it: the header is
row 1) and the column.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from widgets.files import (
    MAX_UPLOAD_BYTES,
    FileProblem,
    as_bytes,
    check_size,
    check_unpacked_size,
    not_a_table_message,
    quote,
    sniff_kind,
)
from widgets.files.spreadsheet_safety import cell_text
from widgets.model import MEASURE_KINDS, UNIT_FIELDS

if TYPE_CHECKING:  # pandas and numpy are imported where they are used (page load speed)
    import numpy as np
    import pandas as pd

#: Cells read as "no value" when reading a CSV (besides empty cells).
NA_TEXTS = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A"]
#: Texts that mean "no value" in a column of numbers (compared in lower case).
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "..", "#n/a"})
YES_WORDS = frozenset({"yes", "y", "true", "1", "1.0"})
NO_WORDS = frozenset({"no", "n", "false", "0", "0.0"})

_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)"}
_SAMPLE_BYTES = 32 * 1024
_SAMPLE_ROWS = 200
_SNIFF_CHARS = 8 * 1024

_DECIMAL_COMMA_RE = r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+),\d+$"
_PLAIN_INT_RE = re.compile(r"^[+-]?\d+$")
_DOT_DECIMAL_RE = re.compile(r"^[+-]?\d*\.\d+$")
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_KEEP_AS_TEXT_RE = re.compile(r"^(?:0\d+|\+\d+|\d{16,})$")  # 007, +44…, long numbers

# Column names that suggest a role (compared after lower-casing, "_" for anything else).
_ID_NAMES = {"id", "unit_id", "unitid", "code", "ref", "reference", "key", "pseudonym",
             "identifier"}
# Names that may be an id or a circumstance: an id only if every value is different.
_MAYBE_ID_NAMES = {"unit", "family", "household", "pupil", "school", "ward", "area", "person",
                   "name_code"}
_OUTCOME_NAMES = {"outcome", "result", "score", "value", "events", "event", "count",
                  "yes_no", "measure", "target", "y", "outcome_value"}
_POPULATION_NAMES = {"population", "pop", "denominator", "out_of", "total", "base", "n",
                     "population_size", "eligible"}
_PRIVATE_NAMES = {"name", "names", "full_name", "real_name", "surname", "first_name",
                  "family_name", "contact", "contact_name", "private_name"}


@dataclass
class ColumnMapping:
    """Which column of the file plays which part in the units table.

    ``unit_id=None`` means "no id column": units get pseudonyms ("Unit 1", "Unit 2", …).
    """

    unit_id: str | None
    outcome: str
    population: str | None = None
    private_name: str | None = None
    context: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """A table read from a file, before anything is stored.

    ``frame`` holds every column as read; its index is the row number as a spreadsheet shows
    it (the header is row 1), which is what messages refer to.
    """

    frame: pd.DataFrame
    columns: list[str]
    suggested: ColumnMapping
    notes: list[str]
    kind: str
    filename: str = ""
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    decimal_comma: bool = False

    @property
    def rows(self) -> int:
        """How many rows of data."""
        return len(self.frame)

    def head(self, n: int = 10) -> pd.DataFrame:
        """The first ``n`` rows, for showing a preview."""
        return self.frame.head(n)


# ---------------------------------------------------------------------- step 1: read


def read_table(data: bytes, filename: str = "", sheet: str | None = None) -> Preview:
    """Read a CSV or XLSX file (bytes) into a :class:`Preview`.

    The kind of file is decided from its content. ``sheet`` chooses a sheet of a workbook
    (default: the first sheet with data). ``filename`` is only shown, never opened.
    """
    data = as_bytes(data)
    check_size(data, MAX_UPLOAD_BYTES)
    name = _display_name(filename)
    if _is_blank(data):
        raise FileProblem("The file is empty.")
    kind = sniff_kind(data)
    if kind == "xlsx":
        return _read_xlsx(data, name, sheet)
    message = not_a_table_message(kind)
    if message:
        raise FileProblem(message)
    return _read_csv(data, name)


def _is_blank(data: bytes) -> bool:
    # Look at the start first: stripping a whole big file just to find it is not blank costs.
    return not data[:4096].strip() and not data.strip()


def _display_name(filename: Any) -> str:
    # Only ever shown: keep the last part and drop anything that is not printable.
    text = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text if ch.isprintable())[:120]


def _decode(data: bytes) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes without a BOM, the encoding's name and notes."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], "UTF-8 with BOM", []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblem("The file says it is UTF-16 text but cannot be read as it.") from None
        return text.encode("utf-8"), "UTF-16", ["Read as UTF-16 text."]
    head = data[:4096]
    if b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        for codec, nulls, other, label in (("utf-16-le", odd, even, "little-endian"),
                                           ("utf-16-be", even, odd, "big-endian")):
            if nulls.count(0) >= 0.6 * len(nulls) and other.count(0) <= 0.05 * len(other):
                try:
                    text = data.decode(codec)
                except UnicodeDecodeError:
                    break
                return text.encode("utf-8"), "UTF-16", [
                    f"Read as UTF-16 text ({label}, without a byte order mark)."]
        raise FileProblem(not_a_table_message("binary"))
    if len(_CONTROL_BYTES_RE.findall(head)) > max(2, len(head) // 100):
        raise FileProblem(not_a_table_message("binary"))
    if data.isascii():
        return data, "UTF-8", []
    sample = codecs.getincrementaldecoder("utf-8")()
    try:
        sample.decode(data[:_SAMPLE_BYTES], final=len(data) <= _SAMPLE_BYTES)
        return data, "UTF-8", []  # pandas checks the rest while it reads
    except UnicodeDecodeError:
        return _windows_1252(data)


def _windows_1252(data: bytes) -> tuple[bytes, str, list[str]]:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem(
            "The text in this file cannot be read (it is not UTF-8, UTF-16 or Windows-1252). "
            "Save it as 'CSV UTF-8' and try again."
        ) from None
    return text.encode("utf-8"), "Windows-1252", [
        "Read as Windows-1252 text (the file is not UTF-8); check that accented letters "
        "look right."]


def _read_csv(data: bytes, name: str) -> Preview:
    import pandas as pd

    body, encoding, notes = _decode(data)
    # Leading blank lines are skipped but counted, so row numbers match the file.
    blank = re.match(rb"(?:[ \t]*(?:\r\n|\n|\r))*", body)
    cut = blank.end() if blank else 0
    skipped = len(re.findall(rb"\r\n|\n|\r", body[:cut]))
    body = body[cut:]
    if _is_blank(body):
        raise FileProblem("The file is empty.")
    sample_bytes = body[:_SAMPLE_BYTES]
    sample_text = codecs.getincrementaldecoder("utf-8")("replace").decode(sample_bytes)
    delimiter = _sniff_delimiter(sample_text[:_SNIFF_CHARS],
                                 truncated=len(sample_text) > _SNIFF_CHARS
                                 or len(body) > _SAMPLE_BYTES)
    records = _sample_records(sample_text, delimiter, truncated=len(body) > _SAMPLE_BYTES)
    header_row = skipped + 1
    names, name_notes = _clean_names(records[0] if records else [])
    notes += name_notes
    if len(records) > 1 and not any(any(v.strip() for v in r) for r in records[1:]):
        raise FileProblem("The file has column names but no rows of data.")
    for offset, record in enumerate(records[1:], start=1):
        if len(record) > len(names) and any(v.strip() for v in record[len(names):]):
            raise FileProblem(_ragged(header_row + offset, len(record), len(names)))
    decimal_comma = delimiter != "," and _has_decimal_commas(records[1:], len(names))
    keep_text = _text_columns(records[1:], names)
    if delimiter != ",":
        notes.insert(0, f"Values separated by {_DELIMITER_NAMES[delimiter]}.")

    def parse(raw: bytes) -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                io.BytesIO(raw), sep=delimiter, header=0, names=names, index_col=False,
                dtype=dict.fromkeys(keep_text, "str") or None, keep_default_na=False,
                na_values=NA_TEXTS, skip_blank_lines=False, encoding="utf-8",
                encoding_errors="strict", decimal="," if decimal_comma else ".",
                quotechar='"', engine="c", low_memory=False,
            )

    try:
        try:
            frame = parse(body)
        except UnicodeDecodeError:
            # Valid UTF-8 at the start, not further on: the file is Windows-1252 after all.
            source = data[3:] if data.startswith(codecs.BOM_UTF8) else data
            body, encoding, enc_notes = _windows_1252(source)
            body = body[cut:]  # the blank lines before the header are the same bytes
            notes += enc_notes
            frame = parse(body)
    except pd.errors.ParserError as error:
        raise FileProblem(_parser_message(str(error), header_row, len(names))) from None
    except pd.errors.ParserWarning:
        raise FileProblem(
            f"Some rows have more values than the first row has column names ({len(names)})."
        ) from None
    except pd.errors.EmptyDataError:
        raise FileProblem("The file has no rows of data.") from None
    except (ValueError, OverflowError, MemoryError):
        raise FileProblem("The file cannot be read as a table.") from None
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame))
    frame = _drop_empty(frame, names)
    if decimal_comma:
        notes.append("Decimal commas converted: 1,5 was read as 1.5.")
    return Preview(
        frame=frame, columns=list(frame.columns), suggested=suggest_mapping(frame),
        notes=notes, kind="csv", filename=name, encoding=encoding, delimiter=delimiter,
        decimal_comma=decimal_comma,
    )


def _sample_records(text: str, delimiter: str, truncated: bool) -> list[list[str]]:
    records = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            records.append(record)
            if len(records) > _SAMPLE_ROWS:
                break
    except csv.Error:
        pass  # pandas gives the precise message later
    if truncated and len(records) > 1 and len(records) <= _SAMPLE_ROWS:
        records.pop()  # the last one may be cut in half
    return [r for r in records if r and any(v != "" for v in r)] or records[:1]


def _sniff_delimiter(text: str, truncated: bool) -> str:
    best, best_score = ",", (0.0, 1)
    for delimiter in _DELIMITERS:
        records = [r for r in _sample_records(text, delimiter, truncated) if r]
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        body = records[1:] or records
        consistent = sum(len(r) == width for r in body) / len(body)
        score = (round(consistent, 2), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _clean_names(raw: list[Any]) -> tuple[list[str], list[str]]:
    """Column names from a header row: trimmed, unique, and a name for empty ones."""
    names: list[str] = []
    notes: list[str] = []
    seen: set[str] = set()
    for i, value in enumerate(raw):
        text = "" if value is None else cell_text(value)
        text = " ".join(text.split())
        if not text:
            text = f"Column {_letter(i)}"
        base, k = text, 2
        while text in seen:
            text = f"{base} ({k})"
            k += 1
        if text != base:
            notes.append(f"Two columns are called {quote(base)}; the second is shown as "
                         f"{quote(text)}.")
        seen.add(text)
        names.append(text)
    if not names:
        names = ["Column A"]
    return names, notes


def _has_decimal_commas(records: list[list[str]], width: int) -> bool:
    pattern = re.compile(_DECIMAL_COMMA_RE)
    found = False
    for col in range(width):
        values = [r[col].strip() for r in records if col < len(r) and r[col].strip()]
        values = [v for v in values if v.lower() not in MISSING_WORDS]
        if not values:
            continue
        if any(_DOT_DECIMAL_RE.match(v) for v in values) and all(
            _DOT_DECIMAL_RE.match(v) or _PLAIN_INT_RE.match(v) for v in values
        ):
            return False  # a column of numbers with decimal points: keep points
        if all(pattern.match(v) or _PLAIN_INT_RE.match(v) for v in values) and any(
            "," in v for v in values
        ):
            found = True
    return found


def _text_columns(records: list[list[str]], names: list[str]) -> list[str]:
    """Columns to keep as text although they hold digits (007, +44…, very long numbers)."""
    keep = []
    for col, name in enumerate(names):
        if any(col < len(r) and _KEEP_AS_TEXT_RE.match(r[col].strip()) for r in records):
            keep.append(name)
    return keep


def _ragged(row: int, values: int, width: int) -> str:
    columns = "1 column" if width == 1 else f"{width} columns"
    return f"Row {row} has {values} values but the first row names only {columns}."


def _parser_message(message: str, header_row: int, width: int) -> str:
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if found:
        row = int(found.group(2)) + header_row - 1
        return _ragged(row, int(found.group(3)), width)
    found = re.search(r"EOF inside string starting at row (\d+)", message)
    if found:
        row = int(found.group(1)) + header_row
        return f"Row {row}: a quotation mark (\") is opened but never closed."
    return "The file cannot be read as a table: its rows are not laid out consistently."


def _drop_empty(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Remove rows with no values at all, and unnamed columns with no values."""
    empty_cols = [c for c in frame.columns
                  if c.startswith("Column ") and frame[c].isna().all()]
    if empty_cols and len(empty_cols) < len(frame.columns):
        frame = frame.drop(columns=empty_cols)
    if frame.isna().all(axis=1).any():
        frame = frame.dropna(how="all")
    if frame.empty:
        raise FileProblem("The file has column names but no rows of data.")
    return frame


# ---------------------------------------------------------------------- Excel


def _read_xlsx(data: bytes, name: str, sheet: str | None) -> Preview:
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
    names, notes = _clean_names(list(header) + [None] * (width - len(header)))
    columns = {}
    for col, column_name in enumerate(names):
        columns[column_name] = _xlsx_column([values[col] if col < len(values) else None
                                             for _, values in rows])
    # Build on the columns' own positions, then label rows with their spreadsheet numbers
    # (passing index= here would align by label and shift or drop rows).
    frame = pd.DataFrame(columns)
    frame.index = pd.Index([n for n, _ in rows])
    frame = _drop_empty(frame, names)
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


# ---------------------------------------------------------------------- suggestions


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def suggest_mapping(frame: pd.DataFrame) -> ColumnMapping:
    """A first guess at the mapping, from column names and contents (the group can change it).

    The id is a column called like "id"/"code", or like "family"/"ward" (or a first text
    column) whose values are all different; the outcome a column called like "outcome",
    "result" or "score", or else the first column of numbers (or yes/no answers); the
    population a column called like "population"/"out of"; a column called "name" is kept
    as real names (private), never as a circumstance. Every other column with any values is
    a circumstance.
    """
    import pandas as pd

    columns = [str(c) for c in frame.columns]
    sample = frame.head(2000)
    norm = {c: _norm(c) for c in columns}
    used: set[str] = set()

    def numeric(c: str) -> bool:
        return pd.api.types.is_numeric_dtype(sample[c]) and not pd.api.types.is_bool_dtype(
            sample[c])

    def unique_ids(c: str) -> bool:
        values = sample[c]
        return bool(values.notna().all() and values.is_unique)

    def yes_no(c: str) -> bool:
        values = sample[c].dropna()
        if pd.api.types.is_bool_dtype(sample[c]):
            return True
        if values.empty or numeric(c):
            return False
        words = set(values.astype(str).str.strip().str.lower().unique()[:50])
        return bool(words) and words <= (YES_WORDS | NO_WORDS)

    private = next((c for c in columns if norm[c] in _PRIVATE_NAMES), None)
    if private:
        used.add(private)
    # A column called "id" is the id even with repeats: the group then sees which repeat.
    unit_id = next((c for c in columns if c not in used and (
        norm[c] in _ID_NAMES or norm[c].endswith("_id") or norm[c].startswith("id_"))), None)
    unit_id = unit_id or next((c for c in columns if c not in used
                               and norm[c] in _MAYBE_ID_NAMES and unique_ids(c)), None)
    if unit_id is None and columns and columns[0] not in used and not numeric(columns[0]) \
            and not yes_no(columns[0]) and unique_ids(columns[0]) and len(columns) > 1:
        unit_id = columns[0]
    if unit_id:
        used.add(unit_id)
    population = next((c for c in columns if c not in used and numeric(c) and (
        norm[c] in _POPULATION_NAMES or "population" in norm[c])), None)
    if population:
        used.add(population)
    outcome = (
        next((c for c in columns if c not in used and norm[c] in _OUTCOME_NAMES
              and (numeric(c) or yes_no(c))), None)
        # a column called "outcome" with a stray word in it is still the outcome: the group
        # then sees which row to fix
        or next((c for c in columns if c not in used and norm[c] in _OUTCOME_NAMES), None)
        or next((c for c in columns if c not in used and (numeric(c) or yes_no(c))), None)
        or next((c for c in columns if c not in used), None)
    )
    if outcome is None:  # a single column, taken as the id: use it as the outcome instead
        outcome, unit_id = unit_id or (columns[0] if columns else ""), None
    used.add(outcome)
    context = [c for c in columns if c not in used and frame[c].notna().any()]
    return ColumnMapping(unit_id=unit_id, outcome=outcome, population=population,
                         private_name=private, context=context)


# ---------------------------------------------------------------------- step 2: check


def to_frame(preview: Preview, mapping: ColumnMapping, measure_kind: str,
             pseudonym_prefix: str = "Unit") -> pd.DataFrame:
    """The units table for ``Store.replace_units_frame``, after checking every value.

    Columns: ``unit_id`` (text; pseudonyms "<prefix> 1", "<prefix> 2"… when no id column is
    mapped), ``outcome`` (float64; yes/no answers become 1/0), ``population`` (float64, or
    all missing), ``private_name`` (only when mapped), then each circumstance (float64 when
    every value is a number, else text). A circumstance whose name the kit uses itself is
    renamed "<name> (circumstance)". Notes on what was converted are in ``frame.attrs["notes"]``.
    """
    import numpy as np
    import pandas as pd

    if measure_kind not in MEASURE_KINDS:
        raise FileProblem("Choose the kind of measure first (yes/no, count, score or rate).")
    _check_mapping(preview, mapping, measure_kind)
    frame = preview.frame
    rows = np.asarray(frame.index)
    notes: list[str] = []
    n = len(frame)
    out: dict[str, Any] = {}
    if mapping.unit_id is None:
        prefix = " ".join(str(pseudonym_prefix or "").split()) or "Unit"
        out["unit_id"] = _pseudonyms(prefix, n)
    else:
        out["unit_id"] = _ids(frame[mapping.unit_id], mapping.unit_id, rows)
    decimal_comma = preview.decimal_comma
    if measure_kind == "yes_no":
        outcome = _yes_no(frame[mapping.outcome], mapping.outcome, rows, notes)
    else:
        outcome = _numbers(frame[mapping.outcome], mapping.outcome, rows, decimal_comma)
    if mapping.population is not None:
        population = _numbers(frame[mapping.population], mapping.population, rows,
                              decimal_comma)
    else:
        population = np.full(n, np.nan)
    _check_kind(measure_kind, outcome, population, mapping, rows)
    out["outcome"] = outcome
    out["population"] = population
    if mapping.private_name is not None:
        out["private_name"] = _texts(frame[mapping.private_name])
    taken = set(out) | set(UNIT_FIELDS) | set(mapping.context)
    for c in mapping.context:
        target = c
        if c in UNIT_FIELDS:
            target = f"{c} (circumstance)"
            k = 2
            while target in taken:
                target = f"{c} (circumstance {k})"
                k += 1
            taken.add(target)
            notes.append(f"The column {quote(c)} is kept as the circumstance {quote(target)}.")
        out[target] = _circumstance(frame[c], c, rows, decimal_comma)
    result = pd.DataFrame({k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
                           for k, v in out.items()})
    result.attrs["notes"] = notes
    return result


def _check_mapping(preview: Preview, mapping: ColumnMapping, measure_kind: str) -> None:
    if not isinstance(mapping.outcome, str) or not mapping.outcome:
        raise FileProblem("Choose the column that holds the outcome.")
    roles = [("the id", mapping.unit_id), ("the outcome", mapping.outcome),
             ("the population", mapping.population), ("the real names", mapping.private_name)]
    roles += [("a circumstance", c) for c in (mapping.context or [])]
    known = set(preview.frame.columns)
    chosen: dict[str, str] = {}
    for role, column in roles:
        if column is None:
            continue
        if not isinstance(column, str) or column not in known:
            raise FileProblem(f"There is no column called {quote(column)} in the file.")
        if column in chosen:
            raise FileProblem(
                f"The column {quote(column)} is chosen twice ({chosen[column]} and {role})."
            )
        chosen[column] = role
    if measure_kind == "rate" and mapping.population is None:
        raise FileProblem(
            "A rate needs a population column: choose the column that says how many "
            "could have had the event in each unit."
        )


def _where(rows: np.ndarray, pos: int, column: str | None = None) -> str:
    place = f"Row {int(rows[pos])}"
    return f"{place}, column {quote(column)}" if column else place


def _first(mask: np.ndarray) -> int:
    import numpy as np

    return int(np.flatnonzero(mask)[0])


def _pseudonyms(prefix: str, n: int) -> pd.Series:
    import numpy as np
    import pandas as pd

    numbers = pd.Series(np.arange(1, n + 1)).astype("str")
    return (prefix + " ") + numbers


def _ids(series: pd.Series, column: str, rows: np.ndarray) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        series = series.map(cell_text)
    if pd.api.types.is_integer_dtype(series):
        ids = series.astype("str")
    elif pd.api.types.is_float_dtype(series):
        missing = series.isna().to_numpy()
        if missing.any():
            pos = _first(missing)
            raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                              "needs an id.")
        ids = pd.Series([cell_text(v) for v in series.tolist()], dtype="str")
    else:
        text = series if pd.api.types.is_string_dtype(series) and series.dtype != object else (
            series.map(lambda v: v if v is None or isinstance(v, str) or v != v
                       else cell_text(v)).astype("str"))
        ids = text.str.strip()
        empty = (ids.isna() | (ids == "")).to_numpy()
        if empty.any():
            pos = _first(empty)
            raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                              "needs an id.")
    ids = ids.reset_index(drop=True)
    if _all_different(ids):
        return ids
    duplicated = ids.duplicated().to_numpy()
    if duplicated.any():
        pos = _first(duplicated)
        value = ids.iloc[pos]
        earlier = _first((ids == value).to_numpy())
        raise FileProblem(
            f"{_where(rows, pos, column)}: the id {quote(value)} is used twice "
            f"(also in row {int(rows[earlier])}); each unit needs its own id."
        )
    return ids


def _all_different(ids: pd.Series) -> bool:
    """True when no id is used twice. Ids in sorted order (the usual case) are checked by
    one vectorised comparison with their neighbours; otherwise by hashing."""
    if len(ids) > 1:
        try:
            import pyarrow as pa
            import pyarrow.compute as pc

            values = pa.array(ids.array) if hasattr(ids.array, "__arrow_array__") else None
            if values is not None and pc.all(pc.less(values[:-1], values[1:])).as_py():
                return True
        except (ImportError, TypeError, ValueError, pa.ArrowException):
            pass
    return bool(ids.is_unique)


def _normalise_numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
    """Text of numbers as Python reads them: 1.234,5 -> 1234.5 (decimal commas) or
    1,234.5 -> 1234.5 (thousands commas)."""
    if decimal_comma:
        has_comma = text.str.contains(",", regex=False, na=False)
        if has_comma.any():
            fixed = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            text = text.where(~has_comma, fixed)
        return text
    grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", na=False)
    if grouped.any():
        text = text.where(~grouped, text.str.replace(",", "", regex=False))
    return text


def _as_text(series: pd.Series) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_string_dtype(series) and series.dtype != object:
        return series
    return series.map(
        lambda v: v if v is None or isinstance(v, str) or (isinstance(v, float) and v != v)
        else cell_text(v)
    ).astype("str")


def _try_numbers(series: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, mask of values that are not numbers) for a text column (missing -> NaN)."""
    import numpy as np
    import pandas as pd

    text = _as_text(series).str.strip()
    lower = text.str.lower()
    missing = (text.isna() | lower.isin(MISSING_WORDS)).to_numpy()
    cleaned = _normalise_numbers(text, decimal_comma)
    numbers = pd.to_numeric(cleaned.where(~missing), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    bad = ~missing & ~np.isfinite(numbers)
    return numbers, bad


def _numbers(series: pd.Series, column: str, rows: np.ndarray, decimal_comma: bool) -> np.ndarray:
    """A column as float64 numbers (missing = NaN); anything else raises a FileProblem."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isinf(numbers)
    elif pd.api.types.is_bool_dtype(series):
        bad = np.ones(len(series), dtype=bool)
        numbers = np.full(len(series), np.nan)
    else:
        numbers, bad = _try_numbers(series, decimal_comma)
    if bad.any():
        pos = _first(bad)
        value = series.iloc[pos]
        hint = ""
        if isinstance(value, str) and value.lstrip().startswith("="):
            hint = " (it is a formula: paste the values instead)"
        raise FileProblem(f"{_where(rows, pos, column)}: {quote(value)} is not a number{hint}.")
    return numbers


def _yes_no(series: pd.Series, column: str, rows: np.ndarray, notes: list[str]) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype="float64")
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isnan(numbers) & (numbers != 0) & (numbers != 1)
    else:
        text = _as_text(series).str.strip()
        lower = text.str.lower()
        yes = lower.isin(YES_WORDS).to_numpy()
        no = lower.isin(NO_WORDS).to_numpy()
        missing = (text.isna() | lower.isin(MISSING_WORDS)).to_numpy() & ~yes & ~no
        numbers = np.where(yes, 1.0, np.where(no, 0.0, np.nan))
        bad = ~(yes | no | missing)
        if (yes | no).any():
            notes.append(f"Yes/no answers in {quote(column)} were read as 1 (yes) and 0 (no).")
    if bad.any():
        pos = _first(bad)
        raise FileProblem(f"{_where(rows, pos, column)}: {quote(series.iloc[pos])} is not "
                          "yes or no (use 1/0 or yes/no).")
    return numbers


def check_outcomes(kind: str, outcome: np.ndarray, population: np.ndarray, rows: np.ndarray,
                   *, complete: bool = True) -> None:
    """Refuse outcomes and populations that do not fit a measure of ``kind`` (FileProblem
    naming the row): yes/no outcomes other than 1 and 0, counts below 0, populations below 0,
    rates with more events than their population. ``complete``: a rate also needs a
    population above 0 for every unit (an import does; a saved inquiry may still lack some).

    The one copy of these rules: imports and inquiry files (``inquiry_file``) both use it.
    """
    import pandas as pd

    if kind == "yes_no":
        _yes_no(pd.Series(outcome, dtype="float64"), "outcome", rows, [])
    _check_kind(kind, outcome, population, ColumnMapping(None, "outcome", "population"), rows,
                complete=complete)


def _check_kind(kind: str, outcome: np.ndarray, population: np.ndarray,
                mapping: ColumnMapping, rows: np.ndarray, *, complete: bool = True) -> None:
    import numpy as np

    with np.errstate(invalid="ignore"):
        below = population < 0
        if below.any():
            pos = _first(below)
            raise FileProblem(f"{_where(rows, pos, mapping.population)}: "
                              f"{quote(population[pos])} is below 0; a population cannot be "
                              "negative.")
        if kind in ("count", "rate"):
            negative = outcome < 0
            if negative.any():
                pos = _first(negative)
                raise FileProblem(f"{_where(rows, pos, mapping.outcome)}: "
                                  f"{quote(outcome[pos])} is below 0; a count cannot be "
                                  "negative.")
        if kind == "rate" and complete:
            missing = np.isnan(population)
            if missing.any():
                pos = _first(missing)
                raise FileProblem(f"{_where(rows, pos, mapping.population)}: the population "
                                  "is empty; a rate needs it for every unit.")
            not_positive = population <= 0
            if not_positive.any():
                pos = _first(not_positive)
                raise FileProblem(f"{_where(rows, pos, mapping.population)}: the population "
                                  f"must be more than 0, not {quote(population[pos])}.")
        if kind == "rate":
            too_many = outcome > population
            if too_many.any():
                pos = _first(too_many)
                raise FileProblem(
                    f"{_where(rows, pos)}: {quote(outcome[pos])} events out of a population "
                    f"of {quote(population[pos])}; there cannot be more events than that."
                )


def _texts(series: pd.Series) -> pd.Series:
    return _as_text(series).reset_index(drop=True)


def _circumstance(series: pd.Series, column: str, rows: np.ndarray,
                  decimal_comma: bool) -> pd.Series | np.ndarray:
    """float64 when every value is a number, else the text exactly as in the file."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return _texts(series)
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        infinite = np.isinf(numbers)
        if infinite.any():
            pos = _first(infinite)
            raise FileProblem(f"{_where(rows, pos, column)}: {quote(series.iloc[pos])} is "
                              "not a number.")
        return numbers
    text = _as_text(series)
    present = text.dropna()
    if present.empty:
        return np.full(len(series), np.nan)
    # Most text columns give themselves away in the first few values: no full conversion.
    for value in present.iloc[:20]:
        word = value.strip().lower()
        if word in MISSING_WORDS:
            continue
        if not _looks_numeric(word, decimal_comma):
            return text.reset_index(drop=True)
    numbers, bad = _try_numbers(text, decimal_comma)
    if bad.any():
        return text.reset_index(drop=True)
    return numbers


def _looks_numeric(word: str, decimal_comma: bool) -> bool:
    if decimal_comma:
        word = word.replace(".", "").replace(",", ".")
    else:
        word = word.replace(",", "")
    try:
        float(word)
    except ValueError:
        return False
    return word not in ("inf", "-inf", "+inf", "infinity", "-infinity", "nan")
