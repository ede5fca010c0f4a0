"""Reading a CSV file into a :class:`~widgets.files.data_import.table.Preview`.

Values may be separated by commas, semicolons, tabs or bars (found from the file's start);
decimal commas ("1,5" in a file separated by semicolons) are converted. The header record is
read whole, however long, and its width is checked against ``MAX_COLUMNS`` before any name is
looked at. Reading uses pandas' C parser on the UTF-8 bytes that
:func:`~widgets.files.data_import.encodings.decode` gives.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from typing import TYPE_CHECKING

from widgets.files import FileProblem
from widgets.files.data_import.encodings import decode
from widgets.files.data_import.mapping import suggest_mapping
from widgets.files.data_import.table import (
    MAX_COLUMNS,
    MISSING_WORDS,
    Preview,
    clean_names,
    drop_empty,
    is_blank,
    too_wide,
)

if TYPE_CHECKING:  # pandas is imported where it is used (page load speed)
    import pandas as pd

#: Cells read as "no value" when reading a CSV (besides empty cells).
NA_TEXTS = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A"]

_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)"}
_SAMPLE_BYTES = 32 * 1024
_SAMPLE_ROWS = 200
_SNIFF_CHARS = 8 * 1024

_DECIMAL_COMMA_RE = r"^[+-]?(?:\d+|\d{1,3}(?:\.\d{3})+),\d+$"
_PLAIN_INT_RE = re.compile(r"^[+-]?\d+$")
_DOT_DECIMAL_RE = re.compile(r"^[+-]?\d*\.\d+$")
_KEEP_AS_TEXT_RE = re.compile(r"^(?:0\d+|\+\d+|\d{16,})$")  # 007, +44…, long numbers


def read_csv(data: bytes, name: str) -> Preview:
    import pandas as pd

    body, encoding, notes = decode(data)
    # Leading blank lines are skipped but counted, so row numbers match the file.
    blank = re.match(rb"(?:[ \t]*(?:\r\n|\n|\r))*", body)
    cut = blank.end() if blank else 0
    skipped = len(re.findall(rb"\r\n|\n|\r", body[:cut]))
    body = body[cut:]
    if is_blank(body):
        raise FileProblem("The file is empty.")
    header_row = skipped + 1
    sniff_text = _text(body[:_SAMPLE_BYTES])
    delimiter = _sniff_delimiter(sniff_text[:_SNIFF_CHARS],
                                 truncated=len(sniff_text) > _SNIFF_CHARS
                                 or len(body) > _SAMPLE_BYTES)
    # The whole header, however long; its width is checked before any name is looked at.
    header, header_end = _header(body, delimiter, header_row)
    if len(header) > MAX_COLUMNS:
        raise FileProblem(too_wide(len(header)))
    sample_bytes = body[:header_end + _SAMPLE_BYTES]
    records = _sample_records(_text(sample_bytes), delimiter,
                              truncated=len(body) > len(sample_bytes))
    names, name_notes = clean_names(records[0] if records else [])
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
        frame = parse(body)  # decode gave valid UTF-8
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
    frame = drop_empty(frame, names)
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
