"""The front door of an import: :func:`read_table` decides from a file's content (never its
name) which reader reads it, and refuses files that are no table with a plain message."""

from __future__ import annotations

from typing import Any

from widgets.files import (
    MAX_UPLOAD_BYTES,
    FileProblem,
    as_bytes,
    check_size,
    not_a_table_message,
    sniff_kind,
)
from widgets.files.data_import.csv_reader import read_csv
from widgets.files.data_import.table import Preview, is_blank
from widgets.files.data_import.xlsx_reader import read_xlsx


def read_table(data: bytes, filename: str = "", sheet: str | None = None) -> Preview:
    """Read a CSV or XLSX file (bytes) into a :class:`Preview`.

    The kind of file is decided from its content. ``sheet`` chooses a sheet of a workbook
    (default: the first sheet with data). ``filename`` is only shown, never opened.
    """
    data = as_bytes(data)
    check_size(data, MAX_UPLOAD_BYTES)
    name = _display_name(filename)
    if is_blank(data):
        raise FileProblem("The file is empty.")
    kind = sniff_kind(data)
    if kind == "xlsx":
        return read_xlsx(data, name, sheet)
    message = not_a_table_message(kind) or _other_file_message(data)
    if message:
        raise FileProblem(message)
    return read_csv(data, name)


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


def _display_name(filename: Any) -> str:
    # Only ever shown: keep the last part and drop anything that is not printable.
    text = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in text if ch.isprintable())[:120]
