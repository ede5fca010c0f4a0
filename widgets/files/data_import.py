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
"""

from __future__ import annotations

import bisect
import codecs
import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Callable
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
from widgets.model import MEASURE_KINDS, UNIT_FIELDS, Measure, clean_unit_ids, first_repeat
from widgets.words import NO_WORDS, YES_WORDS, answer_key

if TYPE_CHECKING:  # pandas and numpy are imported where they are used (page load speed)
    import numpy as np
    import pandas as pd

#: Cells read as "no value" when reading a CSV (besides empty cells).
NA_TEXTS = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A"]
#: Texts that mean "no value" in a column of numbers (compared in lower case).
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "..", "#n/a"})

_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)"}
_SAMPLE_BYTES = 32 * 1024
#: The most columns a data file may have. Far more than a units table needs; above it a
#: file is refused before its names are read (100,000 columns once took minutes).
MAX_COLUMNS = 1_000
#: Lines named one by one in a note about lines in another encoding.
_LINES_NAMED = 3
_SAMPLE_ROWS = 200
_SNIFF_CHARS = 8 * 1024

_DECIMAL_COMMA_RE = r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+),\d+$"
_PLAIN_INT_RE = re.compile(r"^[+-]?\d+$")
_DOT_DECIMAL_RE = re.compile(r"^[+-]?\d*\.\d+$")
_CONTROL_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Line ends as the reader sees them; bytes that are not UTF-8 (escaped as lone surrogates);
# a letter that only UTF-8 can have written (neither ASCII nor an escaped byte).
_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_ESCAPED_RE = re.compile("[\udc80-\udcff]+")
_UTF8_LETTER_RE = re.compile("[^\x00-\x7f\udc80-\udcff]")
_LINE_BREAK_BYTES_RE = re.compile(rb"\r\n|\r|\n")
#: Lines of one encoding counted before deciding which encoding most of a file is in.
_ENOUGH_LINES = 1_000
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
    ``outcome_words`` says what the outcome column's own answers mean, for a yes/no
    measure: ``{"klar": True, "nö": False, "weiß nicht": None}`` (None: not known);
    compared trimmed and ignoring case. Answers it does not list are read as usual
    (yes/no, ja/nein, oui/non, 1/0…). ``guesses`` (only in a suggested mapping) says in
    plain words why parts were guessed, for the group to check.
    """

    unit_id: str | None
    outcome: str
    population: str | None = None
    private_name: str | None = None
    context: list[str] = field(default_factory=list)
    outcome_words: dict[str, bool | None] = field(default_factory=dict)
    guesses: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


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
    message = not_a_table_message(kind) or _other_file_message(data)
    if message:
        raise FileProblem(message)
    return _read_csv(data, name)


#: An inquiry file put where a table is wanted ("Row 10 has 5 values…" said nothing useful).
INQUIRY_NOT_TABLE = ("This is an inquiry file, not a table of data. Open it on the start "
                     "page, under “Carry on from a file”.")


def _other_file_message(data: bytes) -> str | None:
    """The plain message for a text file that is no table: the kit's own inquiry file
    (plain or .json.gz) or a web page. ``None`` if it may be a table."""
    from widgets.files.inquiry_file import FORMAT, is_compressed

    if is_compressed(data):
        import zlib

        try:  # only the start: enough to see the format's name
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:4096], 2048)
        except zlib.error:
            return None
        return INQUIRY_NOT_TABLE if FORMAT.encode() in head else None
    start = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] == b"{" and FORMAT.encode() in start:
        return INQUIRY_NOT_TABLE
    if start[:15].lower().startswith((b"<!doctype html", b"<html")):
        return ("This is a web page (HTML), not a table. Save the table as CSV or Excel "
                "(.xlsx) and choose that file.")
    return None


def _is_blank(data: bytes) -> bool:
    # Look at the start first: stripping a whole big file just to find it is not blank costs.
    return not data[:4096].strip() and not data.strip()


def _display_name(filename: Any) -> str:
    # Only ever shown: keep the last part and drop anything that is not printable.
    text = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text if ch.isprintable())[:120]


def _decode(data: bytes) -> tuple[bytes, str, list[str]]:
    """The file as UTF-8 bytes without a BOM, the encoding's name and notes.

    The bytes returned are always valid UTF-8. A file with lines in both UTF-8 and
    Windows-1252 (two files pasted together) has each line read in its own encoding, and a
    note names the lines that differ from most; a file with no UTF-8 text at all is read as
    Windows-1252.
    """
    if data.startswith(codecs.BOM_UTF8):
        if _is_utf8(data):
            return data[3:], "UTF-8 with BOM", []
        body, _, notes = _mixed_lines(data[3:], declared=True)  # never None when declared
        return body, "UTF-8 with BOM", notes
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
    if data.isascii() or _is_utf8(data):
        return data, "UTF-8", []
    return _mixed_lines(data, declared=False) or _windows_1252(data)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_lines(data: bytes, declared: bool) -> tuple[bytes, str, list[str]] | None:
    """A file that is not all UTF-8 read line by line: each line with bytes that are not
    UTF-8 as Windows-1252, every other line as UTF-8; its encoding's name (that of most
    lines, or UTF-8 when the file ``declared`` it with a BOM) and a note naming the lines in
    the other one. None when no line holds UTF-8 beyond ASCII: the file is Windows-1252."""
    # Bytes that are not UTF-8 become lone surrogates (U+DC80..U+DCFF), found in one pass.
    text = data.decode("utf-8", "surrogateescape")
    starts = [0] + [m.end() for m in _LINE_BREAK_RE.finditer(text)]
    # Only the lines in the less used encoding are listed in full (they are few).
    utf8 = _lines_with(_UTF8_LETTER_RE, text, starts, _ENOUGH_LINES)
    if not utf8 and not declared:
        return None
    other = _lines_with(_ESCAPED_RE, text, starts, _ENOUGH_LINES)
    if len(utf8) == len(other) == _ENOUGH_LINES:
        utf8 = _lines_with(_UTF8_LETTER_RE, text, starts)
        other = _lines_with(_ESCAPED_RE, text, starts)
    if declared or len(utf8) >= len(other):
        if len(other) == _ENOUGH_LINES:
            other = _lines_with(_ESCAPED_RE, text, starts)
        body = _join_lines(text, starts, other, in_1252=True)
        return body, "UTF-8", [_lines_note(other, "not UTF-8", "Windows-1252")]
    body = _join_lines(text, starts, utf8, in_1252=False)
    return body, "Windows-1252", [_lines_note(utf8, "not Windows-1252", "UTF-8")]


def _lines_with(pattern: re.Pattern, text: str, starts: list[int],
                most: int | None = None) -> list[int]:
    """The lines (numbered from 0) where ``pattern`` is found, up to ``most`` of them; one
    search per such line. A UTF-8 letter counts only on a line without bytes that are not
    UTF-8 (that line is Windows-1252)."""
    lines: list[int] = []
    pos = 0
    while (most is None or len(lines) < most) and (
            found := pattern.search(text, pos)) is not None:
        line = bisect.bisect_right(starts, found.start()) - 1
        end = starts[line + 1] if line + 1 < len(starts) else len(text)
        if pattern is _ESCAPED_RE or not _ESCAPED_RE.search(text, starts[line], end):
            lines.append(line)
        pos = end
    return lines


def _join_lines(text: str, starts: list[int], lines: list[int], in_1252: bool) -> bytes:
    """The file as UTF-8: ``lines`` read as Windows-1252 (``in_1252``) and the rest as UTF-8,
    or ``lines`` as UTF-8 and the rest as Windows-1252."""
    parts, done = [], 0

    def windows_1252(begin: int, end: int) -> str:
        raw = text[begin:end].encode("utf-8", "surrogateescape")  # the bytes of the file
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as error:
            line = bisect.bisect_right(starts, begin) + len(
                _LINE_BREAK_BYTES_RE.findall(raw, 0, error.start))
            raise FileProblem(
                f"Line {line:,} of the file cannot be read: it is neither UTF-8 nor "
                "Windows-1252. Save the file as 'CSV UTF-8' and try again."
            ) from None

    for line in lines:
        begin, end = starts[line], (starts[line + 1] if line + 1 < len(starts) else len(text))
        if in_1252:
            parts += [text[done:begin], windows_1252(begin, end)]
        else:
            parts += [windows_1252(done, begin), text[begin:end]]
        done = end
    parts.append(windows_1252(done, len(text)) if not in_1252 else text[done:])
    return "".join(parts).encode("utf-8")


def _lines_note(lines: list[int], unlike: str, read_as: str) -> str:
    named = [f"{n + 1:,}" for n in lines[:_LINES_NAMED]]
    if len(lines) == 1:
        return (f"Line {named[0]} is {unlike} like the rest of the file; it was read as "
                f"{read_as}: check that its accented letters look right.")
    more = len(lines) - len(named)
    listed = (", ".join(named) + f" and {more:,} more" if more
              else ", ".join(named[:-1]) + " and " + named[-1])
    return (f"Lines {listed} are {unlike} like the rest of the file; they were read as "
            f"{read_as}: check that their accented letters look right.")


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
    header_row = skipped + 1
    sniff_text = _text(body[:_SAMPLE_BYTES])
    delimiter = _sniff_delimiter(sniff_text[:_SNIFF_CHARS],
                                 truncated=len(sniff_text) > _SNIFF_CHARS
                                 or len(body) > _SAMPLE_BYTES)
    # The whole header, however long; its width is checked before any name is looked at.
    header, header_end = _header(body, delimiter, header_row)
    if len(header) > MAX_COLUMNS:
        raise FileProblem(_too_wide(len(header)))
    sample_bytes = body[:header_end + _SAMPLE_BYTES]
    records = _sample_records(_text(sample_bytes), delimiter,
                              truncated=len(body) > len(sample_bytes))
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
        frame = parse(body)  # _decode gave valid UTF-8
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


def _text(data: bytes) -> str:
    """The start of a file as text (a character cut in half at the end is left out)."""
    return codecs.getincrementaldecoder("utf-8")("replace").decode(data)


def _header(body: bytes, delimiter: str, header_row: int) -> tuple[list[str], int]:
    """The first record of the file (the column names, however long the line) and the byte
    where it ends. Reads a growing start of the file, so a short header costs little."""
    size = _SAMPLE_BYTES
    while True:
        chunk = body[:size]
        text = _text(chunk)
        stream = io.StringIO(text, newline="")
        try:
            record = next(csv.reader(stream, delimiter=delimiter), [])
        except csv.Error:  # a name over 128 KB: a quote left open swallows the file
            raise FileProblem(
                f"Row {header_row}: a column name is far too long, or a quotation mark (\") "
                "is opened but never closed."
            ) from None
        end = stream.tell()
        # The record is whole once the reader stopped before the end of what it was given.
        if end < len(text) or len(chunk) == len(body):
            return record, len(text[:end].encode("utf-8"))
        size *= 4


def _too_wide(width: int) -> str:
    return (f"The file has {width:,} columns; the kit reads at most {MAX_COLUMNS:,}. Keep only "
            "the columns the group needs, and try again.")


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
    """Column names from a header row: trimmed, unique, and a name for empty ones.

    A repeated name gets a number ("score (2)"); one note per repeated name. Linear in the
    number of columns: each name remembers the next number to try.
    """
    if len(raw) > MAX_COLUMNS:  # the readers check first; this keeps the rule in one place
        raise FileProblem(_too_wide(len(raw)))
    names: list[str] = []
    seen: set[str] = set()
    next_number: dict[str, int] = {}
    renamed: dict[str, list[str]] = {}
    for i, value in enumerate(raw):
        text = "" if value is None else cell_text(value)
        text = " ".join(text.split())
        if not text:
            text = f"Column {_letter(i)}"
        base = text
        if text in seen:
            k = next_number.get(base, 2)
            while f"{base} ({k})" in seen:
                k += 1
            text = f"{base} ({k})"
            next_number[base] = k + 1
            renamed.setdefault(base, []).append(text)
        seen.add(text)
        names.append(text)
    if not names:
        names = ["Column A"]
    return names, _renamed_notes(renamed)


def _renamed_notes(renamed: dict[str, list[str]]) -> list[str]:
    notes = []
    for base, shown in list(renamed.items())[:5]:
        if len(shown) == 1:
            notes.append(f"Two columns are called {quote(base)}; the second is shown as "
                         f"{quote(shown[0])}.")
        else:
            notes.append(f"{len(shown) + 1} columns are called {quote(base)}; the others are "
                         f"shown as {quote(shown[0])}, {quote(shown[1])} and so on.")
    if len(renamed) > 5:
        notes.append(f"{len(renamed) - 5} more names are used for more than one column; "
                     "they are numbered the same way.")
    return notes


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
    columns = "1 column" if width == 1 else f"{width:,} columns"
    return f"Row {row} has {values:,} values but the first row names only {columns}."


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
        if len(values) > MAX_COLUMNS:  # before reading on: a sheet may be 16,384 wide
            if header is None:
                raise FileProblem(_too_wide(len(values)))
            raise FileProblem(
                f"Row {number} has a value in column {_letter(len(values) - 1)}, beyond the "
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


# ---------------------------------------------------------------------- suggestions

# Words in a column's name that say it holds people's names (after _plain: lower case, no
# accents), in the languages groups most often use. "family" or "pupil" with codes in it
# (F01, P17) is an id; with names in it, it is names.
_NAME_WORDS = frozenset({
    "name", "names", "fullname", "firstname", "forename", "forenames", "givenname",
    "surname", "lastname", "familyname", "realname", "contact", "pupil", "pupils",
    "student", "students", "child", "children", "kid", "kids", "person", "people",
    "parent", "parents", "carer", "mother", "father", "mum", "dad", "family", "families",
    "client", "clients", "resident", "residents", "participant", "member", "patient",
    "learner", "schuler", "schueler", "schulerin", "schuelerin", "kind", "kinder",
    "familie", "eltern", "vorname", "nachname", "nom", "prenom", "eleve", "enfant",
    "famille", "nombre", "apellido", "apellidos", "alumno", "alumna", "nino", "nina",
    "familia", "nome", "cognome", "alunno", "alunna", "aluno", "crianca", "leerling",
    "naam", "voornaam", "achternaam", "uczen", "imie", "nazwisko", "ogrenci", "isim",
})
# Words that make a name-like heading something else: "pupil id", "school name".
_NOT_NAME_WORDS = frozenset({
    "id", "code", "ref", "reference", "key", "number", "no", "nr", "num", "pseudonym",
    "school", "ward", "area", "estate", "street", "road", "district", "town", "city",
    "village", "region", "borough", "county", "place", "location", "neighbourhood",
    "neighborhood", "site", "centre", "center", "club", "group", "team", "class",
    "organisation", "organization", "service", "project", "hamlet", "schule", "ort",
    "stadt", "ecole", "escuela",
})
# A value made of words of letters only: "Anna", "Jürgen Groß", "O'Brien", "Müller, Anna".
_NAME_VALUE_RE = r"^[^\W\d_]+(?:(?:[ '’.\-]+|, )[^\W\d_]+)*\.?$"
# Words of a measure or a column name that say nothing about what is measured.
_QUIET_WORDS = frozenset({
    "a", "an", "the", "of", "who", "whose", "which", "that", "this", "these", "those",
    "with", "without", "in", "on", "at", "for", "to", "from", "by", "and", "or", "not",
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "having", "do",
    "does", "did", "get", "gets", "got", "their", "they", "them", "it", "its", "his", "her",
    "our", "your", "each", "every", "any", "per", "than", "more", "less", "how", "many",
    "much", "number", "share", "percent", "rate", "count", "yes", "no", "whether", "if",
})
_STEMS = {"children": "child", "people": "person", "men": "man", "women": "woman"}
#: At most this many different answers are offered in "Which values mean yes?".
MAX_ANSWERS = 12


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _plain(name: str) -> str:
    """A column name without case and accents, "_" for anything else ("Schüler" ->
    "schuler")."""
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _stem(word: str) -> str:
    """A light stem, so that "plans", "plan" and "meals", "meal" meet."""
    word = _STEMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", str(text)).casefold())
    return {_stem(w) for w in words if len(w) > 1 and w not in _QUIET_WORDS}


def _overlap(wanted: set[str], words: set[str]) -> int:
    """How many of ``wanted`` appear in ``words`` (the same stem, or one starting the other:
    "attend" and "attendance")."""
    def meets(a: str, b: str) -> bool:
        short, long = sorted((a, b), key=len)
        return a == b or (len(short) >= 5 and long.startswith(short))

    return sum(any(meets(w, v) for v in words) for w in wanted)


def _present_text(series: pd.Series) -> pd.Series:
    """The values of a column as trimmed text, without empty cells and "n/a"-like words."""
    text = _as_text(series).dropna().str.strip()
    return text[~text.str.lower().isin(MISSING_WORDS)]


def _answer_keys(series: pd.Series) -> pd.Series:
    return _present_text(series).str.normalize("NFC").str.lower()


def looks_like_names(series: pd.Series, column: str) -> bool:
    """True when a column seems to hold people's names, which must never become ids.

    A column called like "name" or "surname" always does. A column called like "pupil",
    "Schüler" or "family" does when its values are words of letters (no digits) and mostly
    different. Any other column does when nearly every value is a different name of two or
    more capitalised words ("Anna Müller"), unless its name says it is a place.
    """
    import pandas as pd

    if _norm(column) in _PRIVATE_NAMES:
        return True
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    present = _present_text(series.head(2000))
    if present.empty:
        return False
    letters = present.str.fullmatch(_NAME_VALUE_RE).mean()
    distinct = present.nunique() / len(present)
    words = set(_plain(column).split("_"))
    if words & _NOT_NAME_WORDS:
        return False
    if words & _NAME_WORDS:
        return bool(letters >= 0.9 and distinct >= 0.5)
    split = present.str.split()
    full = split.map(lambda ws: len(ws) >= 2 and all(w[:1].isupper() for w in ws
                                                      if w[:1].isalpha())).mean()
    return bool(len(present) >= 2 and letters >= 0.9 and distinct >= 0.9 and full >= 0.6)


def answer_values(series: pd.Series, limit: int = MAX_ANSWERS) -> list[tuple[str, int]] | None:
    """The different answers in a column (trimmed; "Ja" and "ja" are one), each with how
    many rows give it, most common first; empty cells are left out. None when there are
    more than ``limit`` different answers (then the column is not yes/no answers)."""
    # Count the different values first, then tidy only those: a column has few of them.
    counts = series.value_counts(sort=False, dropna=True)
    if len(counts) > 50 * limit:
        return None
    merged: dict[str, list] = {}  # key -> [text as first written, rows]
    for value, n in zip(counts.index.tolist(), counts.to_numpy().tolist(), strict=True):
        text = cell_text(value).strip()
        if text.lower() in MISSING_WORDS:
            continue
        entry = merged.setdefault(answer_key(text), [text, 0])
        entry[1] += int(n)
    if len(merged) > limit:
        return None
    return sorted(((text, n) for text, n in merged.values()), key=lambda tn: -tn[1])


def _fit(kind: str | None, series: pd.Series) -> int:
    """How well a column's values fit a measure of ``kind``: 2 well, 1 perhaps, 0 not.
    Without a kind, numbers and yes/no answers fit."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return 2 if kind in (None, "yes_no") else 0
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        numbers = numbers[~np.isnan(numbers)]
        if numbers.size == 0:
            return 0
        if kind == "yes_no":
            return 2 if np.isin(numbers, (0.0, 1.0)).all() else 0
        if kind in ("count", "rate"):
            whole = (numbers >= 0).all() and (kind == "rate" or (numbers % 1 == 0).all())
            return 2 if whole else 1
        return 2
    keys = _answer_keys(series).unique()[:50]
    if len(keys) == 0 or kind not in (None, "yes_no"):
        return 0
    if all(k in YES_WORDS or k in NO_WORDS for k in keys):
        return 2
    # Two or three answers in words we do not know ("klar", "nee"): yes/no, perhaps.
    return 1 if kind == "yes_no" and len(keys) <= 3 else 0


_FITS = {"yes_no": "it holds yes/no answers", "count": "it holds counts",
         "score": "it holds numbers", "rate": "it holds numbers of events"}


def suggest_mapping(frame: pd.DataFrame, measure: Measure | None = None) -> ColumnMapping:
    """A first guess at the mapping, from column names and contents (the group can change it).

    * A column that looks like people's names (:func:`looks_like_names`) is never the id
      nor a circumstance: the first one is kept as real names (private), and units get
      pseudonyms unless another column is an id.
    * The id is a column called like "id"/"code", or like "family"/"ward" (or a first text
      column) whose values are all different.
    * The outcome: with the ``measure`` known, the column whose name is most like what is
      measured ("has a plan" for "Pupils who have a plan") and whose values fit the kind of
      measure; else one called like "outcome", "result" or "score"; else the first column
      whose values fit (numbers, or yes/no answers).
    * The population a column called like "population"/"out of".
    * Every other column with any values is a circumstance.

    ``guesses`` of the result says, in plain words, why the outcome and the real names were
    chosen, for the group to check.
    """
    import pandas as pd

    columns = [str(c) for c in frame.columns]
    sample = frame.head(2000)
    norm = {c: _norm(c) for c in columns}
    kind = measure.kind if measure is not None and measure.kind in MEASURE_KINDS else None
    used: set[str] = set()
    guesses: dict[str, str] = {}

    def numeric(c: str) -> bool:
        return pd.api.types.is_numeric_dtype(sample[c]) and not pd.api.types.is_bool_dtype(
            sample[c])

    def unique_ids(c: str) -> bool:
        values = sample[c]
        return bool(values.notna().all() and values.is_unique)

    names = [c for c in columns if looks_like_names(sample[c], c)]
    private = names[0] if names else None
    used.update(names)  # names are never ids nor circumstances
    if private:
        guesses["private_name"] = (f"{quote(private)} looks like people's names, so it is "
                                   "kept as real names (private), never as ids.")
    if len(names) > 1:
        rest = ", ".join(quote(c) for c in names[1:])
        guesses["left_out"] = (f"{rest} also look{'s' if len(names) == 2 else ''} like "
                               "names: left out, not imported.")
    # A column called "id" is the id even with repeats: the group then sees which repeat.
    unit_id = next((c for c in columns if c not in used and (
        norm[c] in _ID_NAMES or norm[c].endswith("_id") or norm[c].startswith("id_"))), None)
    unit_id = unit_id or next((c for c in columns if c not in used
                               and norm[c] in _MAYBE_ID_NAMES and unique_ids(c)), None)
    if unit_id is None and columns and columns[0] not in used and not numeric(columns[0]) \
            and _fit(None, sample[columns[0]]) == 0 and unique_ids(columns[0]) \
            and len(columns) > 1:
        unit_id = columns[0]
    if unit_id:
        used.add(unit_id)
    population = next((c for c in columns if c not in used and numeric(c) and (
        norm[c] in _POPULATION_NAMES or "population" in norm[c])), None)
    if population:
        used.add(population)
    outcome, why = _guess_outcome([c for c in columns if c not in used], sample, measure,
                                  kind, norm)
    if outcome is None:  # every column is taken: the id (or the names) must be the outcome
        outcome = unit_id or (columns[0] if columns else "")
        unit_id = None if outcome == unit_id else unit_id
        if outcome == private:
            private, guesses = None, {}
        why = "it is the only column"
    if outcome:
        guesses["outcome"] = f"We guessed the outcome is {quote(outcome)}: {why}. Check it."
    used.add(outcome)
    context = [c for c in columns if c not in used and frame[c].notna().any()]
    return ColumnMapping(unit_id=unit_id, outcome=outcome, population=population,
                         private_name=private, context=context, guesses=guesses)


def _guess_outcome(candidates: list[str], sample: pd.DataFrame, measure: Measure | None,
                   kind: str | None, norm: dict[str, str]) -> tuple[str | None, str]:
    """The column most likely to be the outcome, and why (words to show)."""
    if not candidates:
        return None, ""
    wanted: set[str] = set()
    if measure is not None:
        wanted = _content_words(measure.what) - _content_words(measure.unit_name)
    best, best_key = None, None
    for position, c in enumerate(candidates):
        overlap = _overlap(wanted, _content_words(c)) if wanted else 0
        fit = _fit(kind, sample[c])
        named = norm[c] in _OUTCOME_NAMES
        # The order of the tiers: like the measure and fitting; called "outcome" and
        # fitting; called "outcome" (a stray word: the group then sees which row to fix);
        # like the measure; fitting well; fitting perhaps; anything.
        tier = (0 if overlap and fit else 1 if named and fit else 2 if named
                else 3 if overlap else 4 if fit == 2 else 5 if fit == 1 else 6)
        key = (tier, -overlap, -fit, position)
        if best_key is None or key < best_key:
            best, best_key = c, key
    tier, fit = best_key[0], -best_key[2]
    values = _FITS.get(kind or "", "it holds numbers or yes/no answers")
    if fit == 1 and kind == "yes_no":
        values = "its answers may mean yes or no"
    what = " ".join(measure.what.split()) if measure is not None else ""
    like = f"its name is like the measure ({quote(what, 60)})" if what else ""
    if tier == 0:
        why = f"{like} and {values}"
    elif tier in (1, 2):
        why = "its name says so"
    elif tier == 3:
        why = f"{like}, but check its values"
    elif tier == 4:
        why = (f"it is the first column that {values.removeprefix('it ')}"
               + (" (no column's name is like the measure)" if wanted else ""))
    elif tier == 5:
        why = "its answers may mean yes or no"
    else:
        why = "no column's name or values fit the measure, so this is only a first guess"
    return best, why


# ---------------------------------------------------------------------- step 2: check


def to_frame(preview: Preview, mapping: ColumnMapping, measure_kind: str,
             pseudonym_prefix: str = "Unit") -> pd.DataFrame:
    """The units table for ``Store.replace_units_frame``, after checking every value.

    Columns: ``unit_id`` (text; pseudonyms "<prefix> 1", "<prefix> 2"… when no id column is
    mapped), ``outcome`` (float64; yes/no answers become 1/0, in the words of the mapping's
    ``outcome_words`` too), ``population`` (float64, or all missing), ``private_name``
    (only when mapped), then each circumstance (float64 when every value is a number, else
    text). A circumstance whose name the kit uses itself is
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
        outcome = _yes_no(frame[mapping.outcome], mapping.outcome, rows, notes,
                          mapping.outcome_words)
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
    words = mapping.outcome_words
    if not isinstance(words, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, bool)) for k, v in words.items()):
        raise FileProblem("Say for each answer whether it means yes, no or not known.")
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
        missing = text.isna().to_numpy()
        if missing.any():
            pos = _first(missing)
            raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                              "needs an id.")
        ids = text
    # One rule for ids everywhere (widgets.model.clean_unit_id): "Family\u00a01" is kept as
    # "Family 1", and ids that only look different ("Ｆamily 1") are refused as the same.
    ids, keys = clean_unit_ids(ids.reset_index(drop=True))
    empty = (ids == "").to_numpy()
    if empty.any():
        pos = _first(empty)
        raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                          "needs an id.")
    if _all_different(keys):
        return ids
    repeat = first_repeat(keys)
    if repeat:
        pos, earlier = repeat
        value, other = ids.iloc[pos], ids.iloc[earlier]
        if value == other:
            raise FileProblem(
                f"{_where(rows, pos, column)}: the id {quote(value)} is used twice "
                f"(also in row {int(rows[earlier])}); each unit needs its own id."
            )
        raise FileProblem(
            f"{_where(rows, pos, column)}: the id {quote(value)} looks the same as "
            f"{quote(other)} in row {int(rows[earlier])}; each unit needs its own id."
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


def _yes_no(series: pd.Series, column: str, rows: np.ndarray, notes: list[str],
            words: dict[str, bool | None] | None = None) -> np.ndarray:
    """A column of yes/no answers as 1.0/0.0 (missing = NaN). ``words`` are the group's own
    answers and what each means (True yes, False no, None not known)."""
    import numpy as np
    import pandas as pd

    words = {answer_key(k): v for k, v in (words or {}).items()}
    if pd.api.types.is_bool_dtype(series) and not words:
        return series.to_numpy(dtype="float64")
    if pd.api.types.is_numeric_dtype(series) and not words:
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isnan(numbers) & (numbers != 0) & (numbers != 1)
    else:
        # Decide once per different answer (a column has few), then spread to the rows.
        codes, uniques = pd.factorize(_as_text(series))
        meanings = []
        for value in uniques.tolist():
            key = answer_key(value)
            meaning = words[key] if key in words else (
                True if key in YES_WORDS else False if key in NO_WORDS
                else None if key in MISSING_WORDS else "bad")
            meanings.append(meaning)
        meanings.append(None)  # code -1: an empty cell
        numbers = np.array([1.0 if m is True else 0.0 if m is False else np.nan
                            for m in meanings])[codes]
        answered = np.array([isinstance(m, bool) for m in meanings])[codes]
        bad = np.array([m == "bad" for m in meanings])[codes]
        if answered.any():
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
        _refuse_first(population < 0, rows, mapping.population, lambda pos: (
            f": {quote(population[pos])} is below 0; a population cannot be negative."))
        if kind in ("count", "rate"):
            _refuse_first(outcome < 0, rows, mapping.outcome, lambda pos: (
                f": {quote(outcome[pos])} is below 0; a count cannot be negative."))
        if kind == "rate" and complete:
            _refuse_first(np.isnan(population), rows, mapping.population, lambda pos: (
                ": the population is empty; a rate needs it for every unit."))
            _refuse_first(population <= 0, rows, mapping.population, lambda pos: (
                f": the population must be more than 0, not {quote(population[pos])}."))
        if kind == "rate":
            _refuse_first(outcome > population, rows, None, lambda pos: (
                f": {quote(outcome[pos])} events out of a population of "
                f"{quote(population[pos])}; there cannot be more events than that."))


def _refuse_first(mask: np.ndarray, rows: np.ndarray, column: str | None,
                  words: Callable[[int], str]) -> None:
    """Refuse the first row where ``mask`` is true: its place, then ``words(position)``."""
    if mask.any():
        pos = _first(mask)
        raise FileProblem(f"{_where(rows, pos, column)}{words(pos)}")


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
