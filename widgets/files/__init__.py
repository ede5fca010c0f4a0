"""Files in and out: the inquiry file (.json), the workbook (.xlsx) and data imports (CSV/XLSX).

Everything a person uploads is untrusted: files are read from bytes in memory (an uploaded
file name is only ever shown, never used as a path), and every problem with a file becomes a
:class:`FileProblem` with one plain line that says what is wrong and where.

The submodules import openpyxl and pandas inside their functions, so importing this package
is cheap.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

from widgets.errors import PersonError

if TYPE_CHECKING:
    from widgets.files.inquiry_file import Loaded
    from widgets.model import Inquiry

#: The largest data file (CSV or XLSX) the kit reads: 10 MB.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The largest inquiry file uploaded in the browser or read as a workbook (.xlsx): larger,
#: because a saved inquiry with tens of thousands of units must always load again. The kit
#: writes big inquiry files gzip-compressed (.json.gz) so they fit; a plain .json read from
#: disk (the command line) may be as large as ``inquiry_file.MAX_TEXT_BYTES``.
MAX_INQUIRY_BYTES = 50 * 1024 * 1024
#: The most an .xlsx may unpack to (guards against "zip bombs").
MAX_UNPACKED_BYTES = 400 * 1024 * 1024

_MESSAGE_LIMIT = 199


class FileProblem(PersonError, ValueError):
    """A file cannot be read; the message is one plain line for a person.

    For example: ``Row 14, column 'outcome': 'abc' is not a number.`` The message is forced
    onto one line and kept under 200 characters, whatever the caller passes.
    """

    def __init__(self, message: str):
        text = " ".join(str(message).split())
        if len(text) > _MESSAGE_LIMIT:
            text = text[: _MESSAGE_LIMIT - 1] + "…"
        super().__init__(text)

    @property
    def message(self) -> str:
        """The plain message."""
        return str(self)


def quote(value: object, limit: int = 40) -> str:
    """A value as it is shown inside a message: in quotes, on one line, cut if long."""
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split()) if text.strip() else text
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def size_text(n_bytes: int) -> str:
    """A file size in megabytes for messages ("20.0 MB")."""
    return f"{n_bytes / (1024 * 1024):.1f} MB"


def check_size(data: bytes, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Raise :class:`FileProblem` when ``data`` is larger than ``limit``."""
    if len(data) > limit:
        largest = f"{limit / (1024 * 1024):g} MB"
        raise FileProblem(
            f"The file is {size_text(len(data))}; the largest file the kit reads is {largest}."
        )


def as_bytes(data: object) -> bytes:
    """The uploaded content as bytes (ipywidgets gives bytes or a memoryview)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise FileProblem("No file was received. Choose the file again.")


def sniff_kind(data: bytes) -> str:
    """What a file is, from its first bytes (never from its name).

    One of ``"xlsx"``, ``"zip"`` (a zip that is no workbook), ``"ods"``, ``"xls"`` (old
    Excel), ``"pdf"``, ``"image"``, ``"binary"``, ``"damaged-zip"`` or ``"text"``.
    """
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names or any(
                    n.lower() == "xl/workbook.xml" for n in names
                ):
                    return "xlsx"
                if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                    return "ods"
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            return "damaged-zip"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"BM", b"RIFF", b"II*\x00",
                        b"MM\x00*")):
        return "image"
    return "text"


def not_a_table_message(kind: str) -> str | None:
    """The plain message for a file kind that is no table at all (``None`` if it may be one)."""
    return {
        "zip": "This is a zip file, not an Excel workbook (.xlsx).",
        "damaged-zip": "This Excel file is damaged or incomplete. Save it again and retry.",
        "ods": "This is an OpenDocument spreadsheet (.ods). Save it as .xlsx or CSV first.",
        "xls": "This is an old Excel file (.xls). Save it as .xlsx or CSV first.",
        "pdf": "This is a PDF document, not a table. Choose a CSV or Excel (.xlsx) file.",
        "image": "This is a picture, not a table. Choose a CSV or Excel (.xlsx) file.",
        "binary": "This file is not a table. Choose a CSV or Excel (.xlsx) file.",
    }.get(kind)


#: What to choose instead, for the controls that want an inquiry file, not a table.
CHOOSE_INQUIRY = ("Choose an inquiry file (.json) or a workbook (.xlsx) downloaded from the "
                  "kit.")


def not_an_inquiry_message(kind: str) -> str:
    """The plain message for a file kind that is no inquiry file (a picture, a PDF…)."""
    if kind == "damaged-zip":
        return not_a_table_message(kind) or "This file is damaged or incomplete."
    what = {
        "zip": "a zip file", "ods": "an OpenDocument spreadsheet (.ods)",
        "xls": "an old Excel file (.xls)", "pdf": "a PDF document", "image": "a picture",
    }.get(kind)
    return (f"This is {what}, not an inquiry file. " if what else
            "This is not an inquiry file. ") + CHOOSE_INQUIRY


def check_unpacked_size(data: bytes) -> None:
    """Refuse an .xlsx that would unpack to far more than any real workbook (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileProblem(not_a_table_message("damaged-zip")) from None
    if total > MAX_UNPACKED_BYTES:
        raise FileProblem("This workbook unpacks to far more data than the kit can read.")


def read_inquiry(data: bytes, filename: str = "") -> Loaded:
    """An uploaded inquiry file, read and checked: the kit's ``.json`` (plain or
    gzip-compressed, ``.json.gz``) or ``.xlsx`` workbook. Real names locked with a passphrase
    stay locked (``Loaded.unlock(passphrase)`` opens them).

    The kind is decided from the content, not the name; ``filename`` is only used to give a
    better message. Raises :class:`FileProblem` with a plain message for anything else.
    """
    from widgets.files import inquiry_file, workbook

    data = as_bytes(data)
    if inquiry_file.is_compressed(data):
        return inquiry_file.read(data)
    if not data.strip():
        raise FileProblem("The file is empty.")
    kind = sniff_kind(data)
    if kind == "xlsx":
        check_size(data, MAX_INQUIRY_BYTES)
        return inquiry_file.Loaded(workbook.from_bytes(data))
    if kind != "text":
        raise FileProblem(not_an_inquiry_message(kind))
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    name = str(filename or "").lower()
    if start in (b"{", b"[") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return inquiry_file.read(data)  # plain JSON: the limit follows the data (MAX_TEXT_BYTES)
    if name.endswith((".csv", ".tsv", ".txt")):
        raise FileProblem(
            "This looks like a data table, not an inquiry file. Import it as data in step 1."
        )
    raise FileProblem(not_an_inquiry_message("text"))


def load_inquiry(data: bytes, filename: str = "", passphrase: str | None = None) -> Inquiry:
    """An inquiry from an uploaded inquiry file (see :func:`read_inquiry`). Real names locked
    in the file are opened with ``passphrase`` (a wrong one raises ``WrongPassphrase``);
    without one they are left out."""
    loaded = read_inquiry(data, filename)
    if passphrase is not None:
        loaded.unlock(passphrase)
    return loaded.inquiry
