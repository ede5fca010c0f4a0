"""Plain words for screens, messages and the report: the one plural rule of the kit, and the
one list of words that mean yes or no.

Standard library only, so screens can use it while the page loads.
"""

from __future__ import annotations

import unicodedata

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


# Yes/no answers as people type them, in the languages groups most often use: English,
# German, Dutch, the Nordic languages, French, Spanish, Italian, Portuguese, Polish, Turkish.
# Compared after trimming, in lower case (see :func:`yes_no_word`). "na" is not here: it
# means "no value" in a spreadsheet.
YES_WORDS = frozenset({
    "yes", "y", "true", "1", "1.0",
    "ja", "j", "wahr", "oui", "vrai", "si", "sí", "sì", "vero", "verdadero", "sim",
    "verdadeiro", "tak", "evet",
})
NO_WORDS = frozenset({
    "no", "n", "false", "0", "0.0",
    "nein", "falsch", "nee", "nej", "non", "faux", "falso", "não", "nao", "nie", "hayır",
    "hayir",
})


def answer_key(text: str) -> str:
    """An answer as it is compared: trimmed, one composed form of each accent, lower case
    ("  Sí " and "SÍ" typed with a separate accent mark both give "sí")."""
    return unicodedata.normalize("NFC", str(text).strip()).lower()


def yes_no_word(text: str) -> bool | None:
    """True for a word that means yes (yes, ja, oui, sí, 1…), False for one that means no,
    None for anything else (including an empty cell)."""
    key = answer_key(text)
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    return None
