"""Plain words for screens, messages and the report: the one plural rule of the kit, the
one verb-agreement rule, the one way to write a percentage, and the one list of words that
mean yes or no.

Standard library only, so screens can use it while the page loads.
"""

from __future__ import annotations

import math
import re
import unicodedata

#: Between a number and its "%" (or unit): the two never break across lines.
NBSP = "\u00a0"
#: " %" as the kit writes it ("58 %"), with a no-break space.
PERCENT = NBSP + "%"

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


def unit_words(unit_name: str | None) -> tuple[str, str]:
    """The unit's name for one and for many: ("family", "families"); ("unit", "units")
    when there is no name."""
    name = (unit_name or "").strip() or "unit"
    return name, plural(name)


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


def count_words(count: int, unit_name: str) -> str:
    """"1 family", "2 families", "1,200 households"."""
    return f"{count:,} {plural(unit_name, count)}"


# ---------------------------------------------------------------------- verb agreement

#: Third-person verbs whose plural is not the word without its "s".
_VERBS = {"has": "have", "is": "are", "was": "were", "does": "do", "doesn't": "don't",
          "isn't": "aren't", "wasn't": "weren't", "hasn't": "haven't", "says": "say"}
#: Words that may come before the verb ("always eats together") and stay as they are.
_BEFORE_VERB = {"always", "never", "often", "usually", "still", "sometimes", "also",
                "already", "rarely", "regularly", "now", "not", "mostly", "really"}
#: Words that end in "s" but are not a verb in the third person ("this", "plus").
_NOT_VERBS = {"this", "his", "its", "us", "plus", "less", "across", "towards", "as",
              "perhaps", "always", "sometimes", "yes", "thus"}


def agree(phrase: str, count: int | None) -> str:
    """``phrase`` (words that finish "the family …": "has a plan", "eats together") made to
    agree with ``count`` units: "35 of 60 pupils have a plan", "1 of 60 pupils has a plan".

    The kit's one verb-agreement rule. The measure's words are written for one unit, so
    only the plural needs a change, and only of the first verb: has/have, is/are, was/were,
    does/do (and their "n't" forms), and simple "-s" endings (eats -> eat, watches ->
    watch, tries -> try, goes -> go). Words before the verb such as "always" or "never"
    stay. Anything else (past tense "stayed together", "can", "will") needs no change and
    is left as it is.
    """
    text = phrase or ""
    if count == 1 or not text.strip():
        return text
    words = text.split(" ")
    for i, word in enumerate(words):
        lower = word.lower()
        if lower in _BEFORE_VERB:
            continue
        if not lower:
            continue
        new = _plural_verb(lower)
        if new != lower:
            words[i] = new.capitalize() if word[:1].isupper() else new
        break
    return " ".join(words)


def _plural_verb(word: str) -> str:
    if word in _VERBS:
        return _VERBS[word]
    if word in _NOT_VERBS or not word.isalpha() or len(word) < 3 or not word.endswith("s") \
            or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"  # tries -> try (but dies -> die, below)
    if word.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return word[:-2]  # watches -> watch, goes -> go
    return word[:-1]  # eats -> eat, stays -> stay, uses -> use


#: The plural verbs of ``_VERBS`` back to the form for one unit ("have" -> "has").
_SINGULAR_VERBS = {plural_form: one for one, plural_form in _VERBS.items()}
#: Words after "who"/"that" that need no "-s" for one unit: modals and common past tenses.
_NO_S = {"can", "could", "will", "would", "should", "shall", "may", "might", "must",
         "got", "had", "did", "went", "came", "made", "took", "kept", "left", "felt",
         "found", "ate", "saw", "gave", "knew", "met", "ran", "read", "said", "sat",
         "told", "thought", "won", "wrote", "spent", "put", "cut", "let", "set"}


def singular(phrase: str, relative: bool = False) -> str:
    """``phrase`` written for many units ("have a plan") made to fit one: "has a plan".

    The inverse of :func:`agree`, for a measure the group wrote in the plural ("Pupils who
    have a plan"). Only the first verb changes. have/are/were/do (and their "n't" forms)
    always; any other verb only when ``relative`` says a "who"/"that" came just before it
    (so it must be a verb): "eat together" -> "eats together", past tenses ("stayed"),
    modals ("can") and words already ending in "s" stay. Words such as "always" before
    the verb stay.
    """
    words = (phrase or "").split(" ")
    for i, word in enumerate(words):
        lower = word.lower()
        if not lower or lower in _BEFORE_VERB:
            continue
        if lower in _SINGULAR_VERBS:
            new = _SINGULAR_VERBS[lower]
        elif (relative and lower.isalpha() and lower not in _NO_S and not lower.endswith("ed")
              and not lower.endswith("s")):
            if lower.endswith(("sh", "ch", "x", "z", "o")):
                new = lower + "es"  # watch -> watches, go -> goes
            elif lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
                new = lower[:-1] + "ies"  # try -> tries
            else:
                new = lower + "s"  # eat -> eats
        else:
            break
        words[i] = new.capitalize() if word[:1].isupper() else new
        break
    return " ".join(words)


# ---------------------------------------------------------------------- order of ids


def id_order(unit_id: str) -> tuple:
    """A sort key that puts "Pupil 2" before "Pupil 10" (numbers in an id compared as
    numbers, letters without regard to case), the order a person expects."""
    parts = re.split(r"(\d+)", str(unit_id).casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


# ---------------------------------------------------------------------- percentages


def percent(share: float | None, digits: int | None = None) -> str:
    """A share (0–1) as a percentage the kit's way: "58 %" with a no-break space, so the
    number and its sign never part at the end of a line. Whole per cent by default, one
    decimal for shares under 1 % ("0.4 %"); ``digits`` fixes the decimals. "–" for no
    value."""
    if share is None or isinstance(share, bool):
        return "–"
    try:
        pct = float(share) * 100
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(pct):
        return "–"
    if digits is None:
        digits = 1 if pct != 0 and abs(pct) < 1 else 0
    text = f"{pct:.{digits}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return text + PERCENT


def share_words(doing: int, known: int) -> str:
    """"3 of 4 (75 %)": how many of those who answered do something; "not known" when no
    one answered."""
    if not known:
        return "not known"
    return f"{int(doing):,} of {int(known):,} ({percent(int(doing) / int(known), 0)})"


def per_cent(value: float | str) -> str:
    """A number already in per cent ("95", 99.8) with its "%": "95 %" (no-break space)."""
    return f"{value}{PERCENT}" if isinstance(value, str) else f"{float(value):g}{PERCENT}"
