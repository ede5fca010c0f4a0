"""The inquiry file: the whole inquiry as JSON, lossless and versioned.

This is what saves a Binder session: the group downloads it, and uploads it later to carry
on. The file looks like::

    {"format": "hidden-insights-inquiry", "version": 2, "exported_at": "2026-03-31T14:02:00+00:00",
     "inquiry": {... Inquiry.to_dict() ...}}

Each item (a unit, a practice, a history entry…) is on its own line, so the file is easy to
read and to compare. Numbers that are not finite (NaN, infinity) are written as ``null``.
Loading checks every part and raises :class:`~widgets.files.FileProblem` with a plain
message that says where the problem is ("Unit 14: 'outcome' must be a number, not 'abc'.").
A file from a newer version of the kit is refused with a message that says so. Version 2
added the notes on the steps and the room's votes (``notes``, ``polls``); a version 1 file
has neither and loads with none.
:func:`inquiry_from_dict` is the same check for any dict shaped like ``Inquiry.to_dict()``
(the workbook reader uses it too).

Real names (``Unit.private_name``) are left out of the file unless asked: in clear with
``include_private=True`` (the command line's ``--include-private``), or locked with a
passphrase (:mod:`widgets.files.private_names`), so a Binder session can be carried on in
full without the names showing in the file.

What the kit writes it reads back: a large file is written gzip-compressed (``.json.gz``),
and the reader takes plain or compressed files up to :data:`MAX_TEXT_BYTES` of JSON. Every
file is checked against :data:`LIMITS` (what the rest of the kit can work with) and against
the rules an import follows, so that a file that loads can also be analysed, reported and
saved again. Each refusal is one plain line that names what is wrong.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from widgets.files import FileProblem, as_bytes, check_size, quote, size_text
from widgets.model import (
    ACCESSIBILITY,
    CHECK_VALUES,
    DIRECTIONS,
    EXCEPTION_STATUSES,
    MEASURE_KINDS,
    PRINCIPLES,
    ROLES,
    STEPS,
    UNIT_FIELDS,
    Action,
    AnalysisRun,
    ExceptionDecision,
    HistoryEntry,
    Inquiry,
    Issue,
    Measure,
    Person,
    Poll,
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
    StepNote,
    Unit,
)

FORMAT = "hidden-insights-inquiry"
VERSION = 2

#: The most of each part a file may hold: what the rest of the kit (the screens, the analysis,
#: the report, the workbook) can work with. A file beyond them is refused on load, so that a
#: loaded inquiry never fails later. ``units`` follows the data the kit analyses (a million
#: and more); ``context_columns`` stays well inside a workbook's 16,384 columns.
LIMITS: dict[str, int] = {
    "group": 1_000,
    "context_columns": 1_000,
    "units": 2_000_000,
    "exceptions": 2_000_000,
    "practices": 1_000,
    "practice_checks": 2_000_000,
    "actions": 1_000,
    "progress": 10_000,
    "reflections": len(STEPS) * len(PRINCIPLES),
    "analysis_runs": 10_000,
    "history": 1_000_000,
    "notes": 100_000,
    "polls": 10_000,
}
#: Longest text in one field: five times what the store lets a person type in one field
#: (imported cells and history lines may be longer than that).
MAX_TEXT = 100_000
#: Deepest nesting of the free-form values (analysis settings, history details); the kit
#: writes at most a few levels.
MAX_DEPTH = 16
#: Ids and whole numbers must fit the database's 64-bit integers.
MAX_INT = 2**63 - 1
#: The most JSON text the kit reads from one inquiry file (plain or once decompressed): room
#: for the largest units table above, while a file cannot fill the memory.
MAX_TEXT_BYTES = 1024 * 1024 * 1024
#: Files with more JSON than this are written gzip-compressed (``.json.gz``): a big table
#: compresses about tenfold, so it can be downloaded and uploaded in the browser.
COMPRESS_ABOVE = 8 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"

# Field kinds: "text" (str), "float?" / "int?" (number or None), "int" (whole number),
# "texts" (list of str), "json" (dict of any JSON), "context" (dict of str -> scalar),
# "opt_text" (str or None), or a dict of allowed choices.
_SPECS: dict[type, dict[str, Any]] = {
    Issue: {"statement": "text", "affects": "text", "why_it_matters": "text",
            "wider_effects": "text"},
    Person: {"name": "text", "role": ROLES, "id": "int?"},
    Measure: {"what": "text", "unit_name": "text", "kind": MEASURE_KINDS, "better": DIRECTIONS,
              "source": "text", "baseline_date": "text"},
    Unit: {"unit_id": "text", "outcome": "float?", "population": "float?",
           "private_name": "opt_text", "context": "context"},
    ExceptionDecision: {"unit_id": "text", "status": EXCEPTION_STATUSES, "methods": "texts",
                        "score": "float?", "note": "text", "decided_by": "text",
                        "decided_at": "text"},
    Practice: {"what": "text", "how": "text", "why": "text", "accessible": ACCESSIBILITY,
               "from_units": "texts", "id": "int?"},
    PracticeCheck: {"unit_id": "text", "practice_id": "int", "value": CHECK_VALUES},
    Action: {"what": "text", "leads": "texts", "when": "text", "publicity": "text",
             "professional_terms": "text", "id": "int?"},
    ProgressEntry: {"date": "text", "outcome": "float?", "attendance": "int?",
                    "people_helped": "int?", "note": "text", "id": "int?"},
    Reflection: {"step": STEPS, "principle": PRINCIPLES, "note": "text"},
    AnalysisRun: {"method": "text", "settings": "json", "flagged": "texts", "at": "text",
                  "by": "text", "id": "int?"},
    HistoryEntry: {"at": "text", "by": "text", "part": "text", "change": "text",
                   "detail": "json", "id": "int?"},
    StepNote: {"step": STEPS, "text": "text", "by": "text", "at": "text", "source": "text",
               "id": "int?"},
    Poll: {"question": "text", "choices": "texts", "counts": "counts", "opened_at": "text",
           "closed_at": "text", "results_shown": "bool", "step": "step?", "id": "int?"},
}

#: Fields a file must have for each kind of item (those without a default in the model).
_REQUIRED: dict[type, tuple[str, ...]] = {
    Person: ("name",), Unit: ("unit_id",), ExceptionDecision: ("unit_id",),
    Practice: ("what",), PracticeCheck: ("unit_id", "practice_id"), Action: ("what",),
    ProgressEntry: ("date",), Reflection: ("step", "principle"), AnalysisRun: ("method",),
    HistoryEntry: ("at", "by", "part", "change"), StepNote: ("step", "text"),
    Poll: ("question",),
}

#: The lists of an inquiry: key -> (item class, what one item is called in a message).
PARTS: dict[str, tuple[type, str]] = {
    "group": (Person, "Person"),
    "units": (Unit, "Unit"),
    "exceptions": (ExceptionDecision, "Decision"),
    "practices": (Practice, "Practice"),
    "practice_checks": (PracticeCheck, "Practice check"),
    "actions": (Action, "Action"),
    "progress": (ProgressEntry, "Progress entry"),
    "reflections": (Reflection, "Reflection"),
    "analysis_runs": (AnalysisRun, "Analysis run"),
    "history": (HistoryEntry, "History entry"),
    "notes": (StepNote, "Note"),
    "polls": (Poll, "Vote"),
}

#: Parts a file of an older version does not have (they load empty).
_NEWER_PARTS = {"notes": 2, "polls": 2}

_TOP_TEXT = ("title", "slug", "created_at", "updated_at")

#: ``locate(part, index)`` says where item ``index`` of ``part`` is, for messages.
Locate = Callable[[str, int], str]


def _default_locate(part: str, index: int) -> str:
    return f"{PARTS[part][1]} {index + 1}"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _clean(value: Any) -> Any:
    """A copy with NaN/infinity replaced by None and tuples as lists (JSON-safe)."""
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def now() -> str:
    """The current time, ISO format in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def dumps(inquiry: Inquiry, *, include_private: bool = False,
          passphrase: str | None = None) -> str:
    """The inquiry file as text: JSON with one line per item (easy to read and to compare),
    non-ASCII text kept as it is.

    Real names are left out, unless ``passphrase`` is given (they are then locked with it in
    ``"private_names"``, and not in clear anywhere) or ``include_private`` is True (in clear).
    """
    data = inquiry.to_dict()
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now(),
        "inquiry": data,
    }
    names = {u["unit_id"]: u["private_name"] for u in data["units"]
             if u.get("private_name") is not None}
    if passphrase is not None or not include_private:
        for unit in data["units"]:
            unit["private_name"] = None
    if passphrase is not None:
        from widgets.files import private_names

        document["private_names"] = private_names.lock(names, passphrase)
    try:
        return _layout(document)
    except ValueError:  # NaN or infinity somewhere: write those as null
        return _layout(_clean(document))
    except TypeError:
        raise FileProblem("The inquiry holds a value that cannot be saved in a file.") from None


def _layout(document: dict[str, Any]) -> str:
    # json.dumps(indent=...) runs in pure Python; writing each item compactly with the C
    # encoder and adding the line breaks here is many times faster for big tables.
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    inquiry = document["inquiry"]
    parts = []
    for key, value in inquiry.items():
        if isinstance(value, list) and value:
            items = ",\n".join("   " + dump(item) for item in value)
            parts.append(f"  {dump(key)}: [\n{items}\n  ]")
        else:
            parts.append(f"  {dump(key)}: {dump(value)}")
    head = ",\n".join(f" {dump(k)}: {dump(v)}" for k, v in document.items() if k != "inquiry")
    return "{\n" + head + ',\n "inquiry": {\n' + ",\n".join(parts) + "\n }\n}\n"


def to_bytes(inquiry: Inquiry, *, include_private: bool = False,
             passphrase: str | None = None, compress: bool | None = None) -> bytes:
    """The inquiry file as bytes, ready to download: UTF-8 JSON, gzip-compressed when
    ``compress`` is True, or (None) when the JSON is larger than :data:`COMPRESS_ABOVE`.
    Real names follow :func:`dumps`. :func:`suffix` tells the file name's ending."""
    try:
        data = dumps(inquiry, include_private=include_private,
                     passphrase=passphrase).encode("utf-8")
    except UnicodeEncodeError:
        raise FileProblem(
            "The inquiry holds text with a broken character, so it cannot be saved."
        ) from None
    if compress or (compress is None and len(data) > COMPRESS_ABOVE):
        # mtime=0: the same inquiry gives the same bytes.
        return gzip.compress(data, compresslevel=6, mtime=0)
    return data


def is_compressed(data: bytes) -> bool:
    """True for a gzip-compressed inquiry file."""
    return bytes(data[:2]) == GZIP_MAGIC


def suffix(data: bytes) -> str:
    """The file name ending for inquiry-file bytes: ``.json.gz`` or ``.json``."""
    return ".json.gz" if is_compressed(data) else ".json"


@dataclass
class Loaded:
    """An inquiry read from a file, and its real names if they are locked with a passphrase
    (``locked``: the box for :func:`widgets.files.private_names.unlock`, or None)."""

    inquiry: Inquiry
    locked: dict[str, Any] | None = None

    def unlock(self, passphrase: str) -> int:
        """Put the locked real names back into the units; returns how many units got one.

        Raises :class:`~widgets.files.private_names.WrongPassphrase` (and changes nothing)
        when the passphrase does not open them.
        """
        from widgets.files import private_names

        if self.locked is None:
            return 0
        names = private_names.unlock(self.locked, passphrase)
        found = [(unit, names[unit.unit_id]) for unit in self.inquiry.units
                 if unit.unit_id in names]
        for _unit, name in found:  # all checked before any is set: nothing half done
            _text(name, "A real name")
        for unit, name in found:
            unit.private_name = name
        self.locked = None
        return len(found)


def read(data: bytes, *, limit: int | None = None) -> Loaded:
    """An inquiry file's bytes (plain or gzip-compressed JSON; UTF-8, a BOM or UTF-16),
    checked, with its locked real names (if any) still locked. ``limit``: the most JSON
    text to read (default :data:`MAX_TEXT_BYTES`)."""
    limit = MAX_TEXT_BYTES if limit is None else limit
    data = as_bytes(data)
    if is_compressed(data):
        data = _gunzip(data, limit)
    else:
        check_size(data, limit)
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("The file is not an inquiry file: its text cannot be read.") from None
    return _read_text(text)


def from_bytes(data: bytes, *, passphrase: str | None = None) -> Inquiry:
    """An inquiry from the bytes of an inquiry file (see :func:`read`). Locked real names are
    opened with ``passphrase``; without one they are left out."""
    loaded = read(data)
    if passphrase is not None:
        loaded.unlock(passphrase)
    return loaded.inquiry


def loads(text: str, *, passphrase: str | None = None) -> Inquiry:
    """An inquiry from the text of an inquiry file, checked part by part."""
    loaded = _read_text(text)
    if passphrase is not None:
        loaded.unlock(passphrase)
    return loaded.inquiry


_GUNZIP_CHUNK = 4 * 1024 * 1024


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress piece by piece, stopping as soon as the text passes ``limit`` (a small file
    that would unpack to gigabytes, a "zip bomb", is refused without filling the memory)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    total = 0
    pending = data
    try:
        while True:
            piece = inflater.decompress(pending, _GUNZIP_CHUNK)
            total += len(piece)
            if total > limit:
                raise FileProblem(
                    "This compressed inquiry file unpacks to more than "
                    f"{size_text(limit)}, more than the kit reads.")
            parts.append(piece)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not piece and not pending):
                break
    except zlib.error:
        raise FileProblem("This compressed inquiry file is damaged.") from None
    if not inflater.eof:
        raise FileProblem("This compressed inquiry file is incomplete (it breaks off).")
    return b"".join(parts)


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A JSON object that names a field twice: json would keep the last one without a word.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _read_text(text: str) -> Loaded:
    if not isinstance(text, str) or not text.strip():
        raise FileProblem("The file is empty.")
    try:
        document = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=lambda _name: None,  # NaN / Infinity become "no value"
            parse_float=lambda s: _finite(float(s)),
        )
    except _DuplicateKey as dup:
        raise FileProblem(
            f"The inquiry file names {quote(dup.key)} twice in one place, so it is not clear "
            "which value to keep; it was changed outside the kit."
        ) from None
    except json.JSONDecodeError as error:
        raise FileProblem(
            "The inquiry file is damaged or incomplete "
            f"(the text breaks off at line {error.lineno}, column {error.colno})."
        ) from None
    except (RecursionError, ValueError):
        raise FileProblem("The inquiry file is damaged: it is not valid JSON.") from None
    inquiry = _from_document(document)
    locked = document.get("private_names")
    if locked is not None and not isinstance(locked, dict):
        raise FileProblem("The locked real names in this file are damaged; they cannot be "
                          "opened.")
    return Loaded(inquiry, locked)


def _from_document(document: Any) -> Inquiry:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise FileProblem("This is not a Hidden Insights inquiry file.")
    version = document.get("version")
    if isinstance(version, float) and version.is_integer():
        version = int(version)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FileProblem("The inquiry file has no valid version number.")
    if version > VERSION:
        raise FileProblem(
            f"This inquiry file was made by a newer version of the kit (file version {version}; "
            f"this kit reads version {VERSION}). Update the kit to open it."
        )
    if "inquiry" not in document:
        raise FileProblem("The inquiry file has no inquiry in it.")
    return inquiry_from_dict(document["inquiry"])


def inquiry_from_dict(data: Any, locate: Locate | None = None) -> Inquiry:
    """An :class:`Inquiry` from a dict shaped like ``Inquiry.to_dict()``, after checking it.

    Every part must be present and of the right type; unknown keys are ignored. Raises
    :class:`FileProblem` naming the part and item (``locate`` can name it differently, e.g. a
    sheet and row). Refused too, so that a loaded inquiry can always be stored, analysed,
    reported and saved again: text that is not valid Unicode or holds NUL characters, text
    longer than :data:`MAX_TEXT`, more items than :data:`LIMITS`, values nested deeper than
    :data:`MAX_DEPTH`, whole numbers beyond 64 bits, unit ids that are empty or used twice,
    circumstances with reserved names, outcomes and populations that break the rules of an
    import (``data_import.check_outcomes``), decisions and practice checks about units or
    practices that are not in the file, and the same decision or check twice.
    """
    locate = locate or _default_locate
    if not isinstance(data, dict):
        raise FileProblem("The inquiry in the file is not readable (it is not a set of parts).")
    kwargs: dict[str, Any] = {}
    for key in _TOP_TEXT:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise FileProblem(f"The inquiry's {key!r} must be text.")
        kwargs[key] = _text(value, f"The inquiry's {key!r}", limit=200 if key == "title"
                            else MAX_TEXT)
    if not kwargs["title"].strip():
        raise FileProblem("The inquiry has no title.")
    for key, cls, label in (("issue", Issue, "The issue"), ("measure", Measure, "The measure")):
        if key not in data:
            raise FileProblem(f"The inquiry file has no {key} part.")
        kwargs[key] = _item(cls, data[key], label)
    columns = data.get("context_columns")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise FileProblem("The list of circumstances ('context_columns') must be a list of text.")
    _check_count("context_columns", len(columns))
    for name in columns:
        _text(name, f"The circumstance {quote(name)}", limit=200)
        if name in UNIT_FIELDS:
            raise FileProblem(f"A circumstance cannot be called {quote(name)}.")
    if len(set(columns)) != len(columns):
        raise FileProblem("Two circumstances have the same name.")
    kwargs["context_columns"] = list(columns)
    for part, (cls, _label) in PARTS.items():
        if part not in data and part in _NEWER_PARTS:
            kwargs[part] = []
            continue
        if part not in data:
            raise FileProblem(f"The inquiry file has no {part.replace('_', ' ')} part.")
        items = data[part]
        if not isinstance(items, list):
            raise FileProblem(f"The {part.replace('_', ' ')} part must be a list.")
        _check_count(part, len(items))
        kwargs[part] = [_item(cls, item, locate(part, n)) for n, item in enumerate(items)]
    _check_unicode(data)
    inquiry = Inquiry(**kwargs)
    _check_units(inquiry, locate)
    _check_references(inquiry, locate)
    return inquiry


#: How a part is named in a message about its size.
_PART_WORDS = {"group": "people in the group", "context_columns": "circumstances",
               "practice_checks": "practice checks", "analysis_runs": "analysis runs",
               "history": "history entries", "progress": "progress entries",
               "exceptions": "decisions about positive exceptions"}


def _check_count(part: str, count: int) -> None:
    limit = LIMITS[part]
    if count > limit:
        words = _PART_WORDS.get(part, part.replace("_", " "))
        raise FileProblem(f"The file holds {count:,} {words}; the kit works with at most "
                          f"{limit:,}.")


def _text(value: str, where: str, limit: int = MAX_TEXT) -> str:
    if "\x00" in value:
        raise FileProblem(f"{where} holds a NUL character (\\u0000), which cannot be stored.")
    if len(value) > limit:
        raise FileProblem(f"{where} is too long ({len(value):,} characters; at most "
                          f"{limit:,}).")
    return value


def _whole(value: int, where: str) -> int:
    if not -MAX_INT <= value <= MAX_INT:
        raise FileProblem(f"{where} is too large a number ({quote(value, 24)}).")
    return value


def _check_json(value: Any, where: str) -> None:
    """Free-form values (settings, details): not nested too deep, text and numbers that fit.
    Iterative, so a file nested thousands of levels deep is refused, not a crash."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise FileProblem(f"{where} is nested more than {MAX_DEPTH} levels deep; the "
                                  "kit never writes that.")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
            if isinstance(item, dict):
                for key in item:
                    _text(key, where)
        elif isinstance(item, str):
            _text(item, where)
        elif isinstance(item, int) and not isinstance(item, bool):
            _whole(item, where)


def _item(cls: type, data: Any, where: str):
    if not isinstance(data, dict):
        raise FileProblem(f"{where} is not readable (it is not a set of fields).")
    spec = _SPECS[cls]
    for key in _REQUIRED.get(cls, ()):
        if key not in data:
            raise FileProblem(f"{where} has no {key!r}.")
    values = {}
    for key, kind in spec.items():
        if key in data:
            values[key] = _value(data[key], kind, f"{where}: {key!r}")
    return cls(**values)


def _value(value: Any, kind: Any, where: str) -> Any:
    if isinstance(kind, dict):
        if isinstance(value, bool) or not isinstance(value, str | int | float) or (
            value not in kind
        ):
            choices = ", ".join(str(k) for k in kind)
            raise FileProblem(f"{where} must be one of {choices}, not {quote(value)}.")
        return next(k for k in kind if k == value)  # the key itself (1, not 1.0)
    if kind == "text":
        if not isinstance(value, str):
            raise FileProblem(f"{where} must be text.")
        return _text(value, where)
    if kind == "opt_text":
        if value is not None and not isinstance(value, str):
            raise FileProblem(f"{where} must be text.")
        return value if value is None else _text(value, where)
    if kind in ("float?", "int?", "int"):
        if value is None and kind != "int":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            what = "a whole number" if kind != "float?" else "a number"
            raise FileProblem(f"{where} must be {what}, not {quote(value)}.")
        if kind == "float?":
            try:
                return _finite(float(value))
            except OverflowError:
                raise FileProblem(f"{where} is too large a number.") from None
        if isinstance(value, float):
            if not value.is_integer():
                raise FileProblem(f"{where} must be a whole number, not {quote(value)}.")
            value = int(value)
        return _whole(value, where)
    if kind == "texts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FileProblem(f"{where} must be a list of text.")
        if len(value) > LIMITS["units"]:
            raise FileProblem(f"{where} is too long a list ({len(value):,} items).")
        return [_text(v, where) for v in value]
    if kind == "bool":
        if not isinstance(value, bool):
            raise FileProblem(f"{where} must be true or false, not {quote(value)}.")
        return value
    if kind == "step?":
        if value is None:
            return None
        return _value(value, STEPS, where)
    if kind == "counts":
        if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_INT
                for v in value):
            raise FileProblem(f"{where} must be a list of whole numbers of votes.")
        return list(value)
    if kind == "json":
        if not isinstance(value, dict):
            raise FileProblem(f"{where} must be a set of named values.")
        _check_json(value, where)
        return value
    if kind == "context":
        if not isinstance(value, dict):
            raise FileProblem(f"{where} must be a set of named values.")
        if len(value) > LIMITS["context_columns"]:
            raise FileProblem(f"{where} names {len(value):,} circumstances; the kit works "
                              f"with at most {LIMITS['context_columns']:,}.")
        for k, v in value.items():
            if not isinstance(k, str):
                raise FileProblem(f"{where}: every circumstance needs a name.")
            if isinstance(v, str):
                if "\x00" in v or len(v) > MAX_TEXT:  # the place is only worked out for a message
                    _text(v, f"{where}: {quote(k)}")
            elif v is not None and not isinstance(v, int | float):
                raise FileProblem(f"{where}: {quote(k)} must be text or a number.")
        return dict(value)
    raise AssertionError(kind)  # pragma: no cover - a bug in _SPECS


def _check_units(inquiry: Inquiry, locate: Locate) -> None:
    units = inquiry.units
    seen: dict[str, int] = {}
    for n, unit in enumerate(units):
        if not unit.unit_id.strip():
            raise FileProblem(f"{locate('units', n)}: the id is empty; every unit needs an id.")
        if len(unit.unit_id) > 200:
            raise FileProblem(f"{locate('units', n)}: the id is too long (at most 200 "
                              "characters).")
        if unit.unit_id in seen:
            raise FileProblem(
                f"{locate('units', n)}: the id {quote(unit.unit_id)} is used twice "
                f"(also in {locate('units', seen[unit.unit_id])})."
            )
        seen[unit.unit_id] = n
    if not units:
        return
    import numpy as np

    from widgets.files.data_import import check_outcomes

    def numbers(values: list) -> np.ndarray:
        return np.array([math.nan if v is None else v for v in values], dtype="float64")

    outcome = numbers([u.outcome for u in units])
    population = numbers([u.population for u in units])
    rows = np.arange(1, len(units) + 1)
    try:
        # The rules of an import; a saved rate may still lack some populations (step 1
        # lets the group enter them later), so those are not required here.
        check_outcomes(inquiry.measure.kind, outcome, population, rows, complete=False)
    except FileProblem as problem:
        text = str(problem)
        row = text.split(",", 1)[0].split(":", 1)[0]  # "Row 14"
        number = int(row.split()[1]) if row.startswith("Row ") else 0
        if number:
            text = locate("units", number - 1) + text[len(row):]
        kind = {"yes_no": "yes/no", "count": "a count", "rate": "a rate"}.get(
            inquiry.measure.kind, inquiry.measure.kind)
        raise FileProblem(f"{text} The measure is {kind}.") from None


def load_problem(inquiry: Inquiry) -> str | None:
    """Why a file of this inquiry would be refused on load, or None when it loads back.

    The store now refuses outcomes that do not fit the kind of measure (and a new kind the
    stored outcomes do not fit), but a database written by an older version may still hold
    such outcomes, and a file may not. Telling the group when they download lets them fix
    it while the session still runs.
    """
    try:
        for part in PARTS:
            _check_count(part, len(getattr(inquiry, part)))
        _check_count("context_columns", len(inquiry.context_columns))
        _check_units(inquiry, _default_locate)
        _check_references(inquiry, _default_locate)
    except FileProblem as problem:
        return str(problem)
    return None


def _check_references(inquiry: Inquiry, locate: Locate) -> None:
    """Decisions and practice checks must be about units and practices in the file, once."""
    ids = {u.unit_id for u in inquiry.units}
    decided: set[str] = set()
    for n, decision in enumerate(inquiry.exceptions):
        where = locate("exceptions", n)
        if decision.unit_id not in ids:
            raise FileProblem(f"{where} is about {quote(decision.unit_id)}, a unit that is not "
                              "in the data.")
        if decision.unit_id in decided:
            raise FileProblem(f"{where}: {quote(decision.unit_id)} has two decisions; there "
                              "can be only one.")
        decided.add(decision.unit_id)
    numbers: set[int] = set()
    for n, practice in enumerate(inquiry.practices):
        number = practice.id if practice.id else n + 1  # as the store numbers them
        if number in numbers:
            raise FileProblem(f"{locate('practices', n)}: two practices have the number "
                              f"{number}.")
        numbers.add(number)
    checked: set[tuple[str, int]] = set()
    for n, check in enumerate(inquiry.practice_checks):
        where = locate("practice_checks", n)
        if check.unit_id not in ids:
            raise FileProblem(f"{where} is about {quote(check.unit_id)}, a unit that is not "
                              "in the data.")
        if check.practice_id not in numbers:
            raise FileProblem(f"{where} is about practice number {check.practice_id}, which "
                              "is not in the file.")
        key = (check.unit_id, check.practice_id)
        if key in checked:
            raise FileProblem(f"{where}: {quote(check.unit_id)} is checked twice for practice "
                              f"number {check.practice_id}.")
        checked.add(key)
    reflected: set[tuple[int, str]] = set()
    for n, reflection in enumerate(inquiry.reflections):
        key = (reflection.step, reflection.principle)
        if key in reflected:
            raise FileProblem(f"{locate('reflections', n)}: there are two notes for step "
                              f"{reflection.step} and {quote(reflection.principle)}.")
        reflected.add(key)


def _check_unicode(data: dict[str, Any]) -> None:
    # Unpaired surrogates ("\ud800" in JSON) cannot be stored or saved again.
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise FileProblem(
            "The inquiry file holds text with a broken character; it cannot be loaded."
        ) from None
    except (TypeError, ValueError, RecursionError):
        raise FileProblem("The inquiry file holds a value that cannot be loaded.") from None
