"""What a person gives the store, checked before it is stored: text (never too long, no
NUL), a choice among the kit's options, a number; and the store's timestamps and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from widgets.model import ModelError, person_text

#: Longest text a person can store in one field (a very long paste is cut with a message).
MAX_TEXT = 20_000


#: Whole numbers are stored as 32-bit integers (PostgreSQL's ``integer``; SQLite allows more).
MAX_INTEGER = 2**31 - 1


def now() -> str:
    """The current time as an ISO string in UTC (microseconds keep edits ordered)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def checked_text(value: Any, label: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """Untrusted text from a person: must be a string, is stored exactly as given
    (:func:`widgets.model.person_text`)."""
    return person_text(value, label, limit, required=required)


def checked_choice(value: Any, choices: dict, label: str) -> str:
    if value not in choices:
        raise ModelError(f"{label}: choose one of {', '.join(choices.values())}.")
    return value


def checked_number(value: Any, label: str, *, integer: bool = False) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ModelError(f"{label} must be a number.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"{label} must be a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ModelError(f"{label} must be a number.")
    if integer:
        if number != int(number):
            raise ModelError(f"{label} must be a whole number.")
        if abs(number) > MAX_INTEGER:
            raise ModelError(f"{label} is too large (at most {MAX_INTEGER:,}).")
        return int(number)
    return number


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
