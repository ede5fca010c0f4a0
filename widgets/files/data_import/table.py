"""What an import reads a file into, and the rules both readers (CSV and XLSX) share.

:class:`Preview` is the table as read; :class:`ColumnMapping` says which column plays which
part. Both readers name columns the same way (:func:`clean_names`: trimmed, unique, at most
:data:`MAX_COLUMNS`) and drop empty rows the same way (:func:`drop_empty`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from widgets.files import FileProblem, quote
from widgets.files.spreadsheet_safety import cell_text

if TYPE_CHECKING:  # pandas is imported where it is used (page load speed)
    import pandas as pd

#: Texts that mean "no value" in a column of numbers (compared in lower case).
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "--", "..", "#n/a"})

#: The most columns a data file may have. Far more than a units table needs; above it a
#: file is refused before its names are read (100,000 columns once took minutes).
MAX_COLUMNS = 1_000


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


def is_blank(data: bytes) -> bool:
    # Look at the start first: stripping a whole big file just to find it is not blank costs.
    return not data[:4096].strip() and not data.strip()


def too_wide(width: int) -> str:
    return (f"The file has {width:,} columns; the kit reads at most {MAX_COLUMNS:,}. Keep only "
            "the columns the group needs, and try again.")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean_names(raw: list[Any]) -> tuple[list[str], list[str]]:
    """Column names from a header row: trimmed, unique, and a name for empty ones.

    A repeated name gets a number ("score (2)"); one note per repeated name. Linear in the
    number of columns: each name remembers the next number to try.
    """
    if len(raw) > MAX_COLUMNS:  # the readers check first; this keeps the rule in one place
        raise FileProblem(too_wide(len(raw)))
    names: list[str] = []
    seen: set[str] = set()
    next_number: dict[str, int] = {}
    renamed: dict[str, list[str]] = {}
    for i, value in enumerate(raw):
        text = "" if value is None else cell_text(value)
        text = " ".join(text.split())
        if not text:
            text = f"Column {column_letter(i)}"
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


def drop_empty(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
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


def as_text(series: pd.Series) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_string_dtype(series) and series.dtype != object:
        return series
    return series.map(
        lambda v: v if v is None or isinstance(v, str) or (isinstance(v, float) and v != v)
        else cell_text(v)
    ).astype("str")
