"""Text in spreadsheet cells: never a formula, and always read back exactly.

Two reversible layers turn a piece of text into what is written in a workbook cell:

1. **Formula neutralising** (OWASP "CSV injection" guidance). Text that starts with ``=``,
   ``+``, ``-``, ``@``, a tab or a carriage return could be run as a formula by a spreadsheet
   program, so a single quote ``'`` is put in front of it. To keep the mapping reversible, text
   that already starts with ``'`` gets one more ``'``, and so do the spreadsheet error words
   (``#N/A``, ``#REF!``…, which openpyxl would otherwise store as error cells). In a cell
   that may be empty (a real name, a circumstance), an empty text is written as a lone ``'``
   so that it stays different from a missing value. Reading removes exactly one leading ``'``.

2. **Characters a workbook cannot hold.** XML (inside every .xlsx) cannot carry most control
   characters, U+FFFE/U+FFFF or unpaired surrogates, and it turns a carriage return into a
   line feed. These are written with the Office convention ``_xHHHH_`` (Excel shows the real
   character). An underscore that would otherwise be read as the start of such an escape is
   written as ``_x005F_`` (the escaped underscore), so any text survives.

``to_cell(text)`` applies 1 then 2; ``from_cell(value)`` undoes 2 then 1, and
``from_cell(to_cell(t)) == t`` for every string ``t``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

#: First characters that make a spreadsheet program treat a cell as a formula (OWASP), plus
#: the quote itself so that the added quote can always be taken off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

#: Texts that openpyxl and spreadsheet programs treat as error values, not text.
ERROR_WORDS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)

# Characters XML 1.0 cannot carry, plus CR (an XML parser turns it into LF).
_BAD = "\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_ESCAPE_RE = re.compile(f"_(?=x[0-9A-Fa-f]{{4}}(?:_|[{_BAD}]))|[{_BAD}]")
_UNESCAPE_RE = re.compile("_x([0-9A-Fa-f]{4})_")


def needs_quote(text: str) -> bool:
    """True when ``text`` would be read as a formula or an error value by a spreadsheet."""
    return text.startswith(FORMULA_STARTS) or text in ERROR_WORDS


def neutralise(text: str) -> str:
    """Put a ``'`` in front of text a spreadsheet program could evaluate (reversible)."""
    return "'" + text if needs_quote(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: remove one leading ``'``."""
    return text[1:] if text.startswith("'") else text


def _escape_one(match: re.Match) -> str:
    char = match.group(0)
    if char == "_":
        return "_x005F_"
    return f"_x{ord(char):04X}_"


def escape_xml(text: str) -> str:
    """Write characters XML cannot hold as ``_xHHHH_`` (reversible, Office convention)."""
    return _ESCAPE_RE.sub(_escape_one, text)


def unescape_xml(text: str) -> str:
    """Undo :func:`escape_xml`."""
    if "_x" not in text:
        return text
    return _UNESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)


def to_cell(text: str | None, *, nullable: bool = False) -> str | None:
    """What to write in a cell for ``text`` (``None`` writes an empty cell).

    With ``nullable=True`` an empty text is written as ``'`` so it reads back as ``""``
    rather than ``None``; otherwise an empty text is an empty cell.
    """
    if text is None:
        return None
    if text == "":
        return "'" if nullable else None
    return escape_xml(neutralise(text))


def from_cell(value: str | None) -> str | None:
    """The text a cell written by :func:`to_cell` stands for (``None`` for an empty cell)."""
    if value is None:
        return None
    return restore(unescape_xml(value))


def cell_text(value: Any) -> str:
    """A cell value a person may have typed a number or date into, as text (numbers without
    a needless ".0", dates as 2026-03-31, booleans as a spreadsheet shows them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
