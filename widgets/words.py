"""Plain English for screens, messages and the report: the one plural rule of the kit.

Standard library only, so screens can use it while the page loads.
"""

from __future__ import annotations

_IRREGULAR = {"child": "children", "person": "people", "man": "men", "woman": "women",
              "foot": "feet", "mouse": "mice"}


def plural(word: str, count: int | None = None) -> str:
    """Simple English plural of a unit name (family -> families, child -> children).

    With ``count`` given, the singular is returned when ``count == 1``. Only the last word of
    a phrase is changed ("young person" -> "young people").
    """
    word = (word or "unit").strip() or "unit"
    if count == 1:
        return word
    head, _, last = word.rpartition(" ")
    lower = last.lower()
    if lower in _IRREGULAR:
        new = _IRREGULAR[lower]
        new = new.capitalize() if last[:1].isupper() else new
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        new = last[:-1] + "ies"
    elif lower.endswith(("s", "x", "z", "ch", "sh")):
        new = last + "es"
    else:
        new = last + "s"
    return f"{head} {new}" if head else new
