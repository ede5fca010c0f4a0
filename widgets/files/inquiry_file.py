"""The inquiry file: the whole inquiry as JSON, lossless and versioned.

This is what saves a Binder session: the group downloads it, and uploads it later to carry
on. The file looks like::

    {"format": "hidden-insights-inquiry", "version": 1, "exported_at": "2026-03-31T14:02:00+00:00",
     "inquiry": {... Inquiry.to_dict() ...}}

Each item (a unit, a practice, a history entry…) is on its own line, so the file is easy to
read and to compare. Numbers that are not finite (NaN, infinity) are written as ``null``.
Loading checks every part and raises :class:`~widgets.files.FileProblem` with a plain
message that says where the problem is ("Unit 14: 'outcome' must be a number, not 'abc'.").
A file from a newer version of the kit is refused with a message that says so.
:func:`inquiry_from_dict` is the same check for any dict shaped like ``Inquiry.to_dict()``
(the workbook reader uses it too).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from widgets.files import FileProblem, as_bytes, check_size, quote
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
    Practice,
    PracticeCheck,
    ProgressEntry,
    Reflection,
    Unit,
)

FORMAT = "hidden-insights-inquiry"
VERSION = 1

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
}

#: Fields a file must have for each kind of item (those without a default in the model).
_REQUIRED: dict[type, tuple[str, ...]] = {
    Person: ("name",), Unit: ("unit_id",), ExceptionDecision: ("unit_id",),
    Practice: ("what",), PracticeCheck: ("unit_id", "practice_id"), Action: ("what",),
    ProgressEntry: ("date",), Reflection: ("step", "principle"), AnalysisRun: ("method",),
    HistoryEntry: ("at", "by", "part", "change"),
}

#: The lists of an inquiry: key -> (item class, what one item is called in a message).
PARTS: dict[str, tuple[type, str]] = {
    "group": (Person, "Person"),
    "units": (Unit, "Unit"),
    "exceptions": (ExceptionDecision, "Exception"),
    "practices": (Practice, "Practice"),
    "practice_checks": (PracticeCheck, "Practice check"),
    "actions": (Action, "Action"),
    "progress": (ProgressEntry, "Progress entry"),
    "reflections": (Reflection, "Reflection"),
    "analysis_runs": (AnalysisRun, "Analysis run"),
    "history": (HistoryEntry, "History entry"),
}

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


def dumps(inquiry: Inquiry) -> str:
    """The inquiry file as text: JSON with one line per item (easy to read and to compare),
    non-ASCII text kept as it is."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now(),
        "inquiry": inquiry.to_dict(),
    }
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


def to_bytes(inquiry: Inquiry) -> bytes:
    """The inquiry file as UTF-8 bytes, ready to download."""
    try:
        return dumps(inquiry).encode("utf-8")
    except UnicodeEncodeError:
        raise FileProblem(
            "The inquiry holds text with a broken character, so it cannot be saved."
        ) from None


def from_bytes(data: bytes) -> Inquiry:
    """An inquiry from the bytes of an inquiry file (UTF-8; a BOM or UTF-16 is accepted)."""
    from widgets.files import MAX_INQUIRY_BYTES

    data = as_bytes(data)
    check_size(data, MAX_INQUIRY_BYTES)
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("The file is not an inquiry file: its text cannot be read.") from None
    return loads(text)


def loads(text: str) -> Inquiry:
    """An inquiry from the text of an inquiry file, checked part by part."""
    if not isinstance(text, str) or not text.strip():
        raise FileProblem("The file is empty.")
    try:
        document = json.loads(
            text,
            parse_constant=lambda _name: None,  # NaN / Infinity become "no value"
            parse_float=lambda s: _finite(float(s)),
        )
    except json.JSONDecodeError as error:
        raise FileProblem(
            "The inquiry file is damaged or incomplete "
            f"(the text breaks off at line {error.lineno}, column {error.colno})."
        ) from None
    except (RecursionError, ValueError):
        raise FileProblem("The inquiry file is damaged: it is not valid JSON.") from None
    return _from_document(document)


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
    sheet and row). Text that is not valid Unicode, unit ids that are empty or used twice
    and circumstances with reserved names are refused too, so a loaded inquiry can always be
    stored.
    """
    locate = locate or _default_locate
    if not isinstance(data, dict):
        raise FileProblem("The inquiry in the file is not readable (it is not a set of parts).")
    _check_unicode(data)
    kwargs: dict[str, Any] = {}
    for key in _TOP_TEXT:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise FileProblem(f"The inquiry's {key!r} must be text.")
        kwargs[key] = value
    if not kwargs["title"].strip():
        raise FileProblem("The inquiry has no title.")
    for key, cls, label in (("issue", Issue, "The issue"), ("measure", Measure, "The measure")):
        if key not in data:
            raise FileProblem(f"The inquiry file has no {key} part.")
        kwargs[key] = _item(cls, data[key], label)
    columns = data.get("context_columns")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise FileProblem("The list of circumstances ('context_columns') must be a list of text.")
    for name in columns:
        if name in UNIT_FIELDS:
            raise FileProblem(f"A circumstance cannot be called {quote(name)}.")
    if len(set(columns)) != len(columns):
        raise FileProblem("Two circumstances have the same name.")
    kwargs["context_columns"] = list(columns)
    for part, (cls, _label) in PARTS.items():
        if part not in data:
            raise FileProblem(f"The inquiry file has no {part.replace('_', ' ')} part.")
        items = data[part]
        if not isinstance(items, list):
            raise FileProblem(f"The {part.replace('_', ' ')} part must be a list.")
        kwargs[part] = [_item(cls, item, locate(part, n)) for n, item in enumerate(items)]
    _check_units(kwargs["units"], locate)
    return Inquiry(**kwargs)


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
        return value
    if kind == "opt_text":
        if value is not None and not isinstance(value, str):
            raise FileProblem(f"{where} must be text.")
        return value
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
            return int(value)
        return value
    if kind == "texts":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise FileProblem(f"{where} must be a list of text.")
        return list(value)
    if kind == "json":
        if not isinstance(value, dict):
            raise FileProblem(f"{where} must be a set of named values.")
        return value
    if kind == "context":
        if not isinstance(value, dict):
            raise FileProblem(f"{where} must be a set of named values.")
        for k, v in value.items():
            if not isinstance(k, str):
                raise FileProblem(f"{where}: every circumstance needs a name.")
            if v is not None and not isinstance(v, str | int | float):
                raise FileProblem(f"{where}: {quote(k)} must be text or a number.")
        return dict(value)
    raise AssertionError(kind)  # pragma: no cover - a bug in _SPECS


def _check_units(units: list[Unit], locate: Locate) -> None:
    seen: dict[str, int] = {}
    for n, unit in enumerate(units):
        if not unit.unit_id.strip():
            raise FileProblem(f"{locate('units', n)}: the id is empty; every unit needs an id.")
        if unit.unit_id in seen:
            raise FileProblem(
                f"{locate('units', n)}: the id {quote(unit.unit_id)} is used twice "
                f"(also in {locate('units', seen[unit.unit_id])})."
            )
        seen[unit.unit_id] = n


def _check_unicode(data: dict[str, Any]) -> None:
    # Unpaired surrogates ("\ud800" in JSON) cannot be stored or saved again.
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise FileProblem(
            "The inquiry file holds text with a broken character; it cannot be loaded."
        ) from None
    except (TypeError, ValueError):
        raise FileProblem("The inquiry file holds a value that cannot be loaded.") from None
