"""Plain words for screens, messages and the report: the one plural rule of the kit
(:func:`plural`, :func:`unit_words`, :func:`count_words`), the one verb-agreement rule, the
one way to write a percentage, and the one list of words that mean yes or no.

Standard library only, so screens can use it while the page loads.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata

#: Between a number and its "%" (or unit): the two never break across lines.
NBSP = "\u00a0"
#: " %" as the kit writes it ("58 %"), with a no-break space.
PERCENT = NBSP + "%"

# ---------------------------------------------------------------------- nouns

#: Plurals that are not the word with "s" or "es".
_IRREGULAR = {"child": "children", "person": "people", "man": "men", "woman": "women",
              "foot": "feet", "tooth": "teeth", "goose": "geese", "mouse": "mice",
              "louse": "lice", "ox": "oxen", "criterion": "criteria",
              "phenomenon": "phenomena"}
_IRREGULAR_BACK = {many: one for one, many in _IRREGULAR.items()}
#: Endings of compound nouns with an irregular plural ("grandchild", "chairwoman",
#: "fisherman"), the longest first.
_COMPOUNDS = ("children", "child", "people", "person", "women", "woman", "men", "man")
#: Words ending in "man" or "men" that are not compounds of "man".
_NOT_MAN = {"human", "german", "roman", "norman", "shaman", "talisman", "caiman", "cayman",
            "ottoman", "walkman", "oman", "omen", "amen", "abdomen", "specimen", "regimen",
            "semen", "yemen", "hymen", "stamen", "acumen", "gravamen"}
#: The same for one and for many.
_SAME = {"sheep", "fish", "deer", "moose", "bison", "series", "species", "aircraft",
         "spacecraft", "staff", "offspring", "police", "cattle", "personnel", "salmon",
         "trout", "swine", "means", "news", "headquarters", "crossroads", "data",
         "information", "equipment", "livestock", "poultry", "corps"}
#: Words for one that end in "s" as they are (they take "es").
_ONE_WITH_S = {"gas", "lens", "atlas", "bias", "canvas", "alias", "chaos", "iris", "plus",
               "thermos", "cosmos", "pancreas", "christmas"}
#: Words for one ending in "use" whose plural "-uses" looks like "bus" -> "buses".
_USE = {"use", "abuse", "excuse", "fuse", "muse", "refuse", "misuse", "reuse", "accuse"}
_VES = {"wife": "wives", "life": "lives", "knife": "knives", "wolf": "wolves",
        "leaf": "leaves", "half": "halves", "calf": "calves", "shelf": "shelves",
        "loaf": "loaves", "thief": "thieves", "self": "selves", "elf": "elves",
        "sheaf": "sheaves", "scarf": "scarves", "hoof": "hooves"}
_VES_BACK = {many: one for one, many in _VES.items()}
#: Words ending in "o" that take "es" (the others take "s": photos, videos, radios).
_OES = {"hero", "potato", "tomato", "echo", "veto", "torpedo", "embargo"}
#: Words for one ending in "ie" (their plural ends in "ies" as "family" -> "families" does).
_IE = {"cookie", "movie", "pie", "tie", "lie", "die", "rookie", "zombie", "calorie",
       "prairie", "hippie", "selfie", "smoothie", "auntie", "brownie", "goalie", "budgie",
       "hoodie", "genie", "veggie"}
#: Plurals of words ending in "sis" that do not end in "yses" ("analyses").
_SES = {"crises", "oases", "diagnoses", "prognoses", "synopses", "neuroses", "psychoses",
        "theses", "hypotheses", "syntheses", "parentheses", "emphases"}
#: Words ending in a "ch" said as "k": they take "s".
_CH_K = {"stomach", "epoch", "monarch", "patriarch", "matriarch", "oligarch", "tech", "loch",
         "eunuch"}


def plural(word: str, count: int | None = None) -> str:
    """The plural of a unit name: the kit's one plural rule.

    family -> families, child -> children, person -> people, woman -> women, baby ->
    babies, mouse -> mice, box -> boxes, bus -> buses, wife -> wives; a word that has no
    plural of its own stays (staff, sheep, species). A name already in the plural stays as
    it is (pupils, young people, families); so does a word that is not English
    (letters beyond a–z: "Schüler", "élève") and a name without letters. Only the last
    word of a phrase changes ("young person" -> "young people"; "head of household" ->
    "heads of household"; "family (household)" -> "families (household)"), and the
    word keeps its capitals ("Child" -> "Children", "FAMILY" -> "FAMILIES", "GP" ->
    "GPs").

    With ``count`` given, the name for one is returned when ``count == 1``.
    """
    text = (word or "unit").strip() or "unit"
    if count == 1:
        return _phrase(text, _one_word)
    return _phrase(text, _many_word)


def unit_words(unit_name: str | None) -> tuple[str, str]:
    """The unit's name for one and for many: ("family", "families"); ("pupil", "pupils")
    also when the group wrote "pupils"; ("unit", "units") when there is no name."""
    name = (unit_name or "").strip() or "unit"
    return _phrase(name, _one_word), _phrase(name, _many_word)


def _phrase(text: str, change) -> str:
    """``text`` with ``change`` applied to the word that carries the number."""
    bracket = re.fullmatch(r"(.*\S)(\s*\([^()]*\))", text)  # "family (household)"
    if bracket:
        return _phrase(bracket.group(1), change) + bracket.group(2)
    head, of, tail = text.partition(" of ")
    if of and head.strip() and tail.strip() and " " not in tail.strip():
        return _phrase(head, change) + of + tail  # "heads of household"
    before, space, last = text.rpartition(" ")
    return before + space + change(last)


def _changes(word: str) -> bool:
    """True for an English word (letters a–z); other words are left as they are."""
    return word.isascii() and any(c.isalpha() for c in word)


@functools.lru_cache(maxsize=1024)
def _many_word(word: str) -> str:
    if not _changes(word):
        return word
    one = _one_word(word)
    if 1 < len(one) <= 4 and one.isupper() and one.isalpha():
        return one + "s"  # an abbreviation: GPs, NGOs
    lower = one.lower()
    return _recase(one, lower, _many_lower(lower))


@functools.lru_cache(maxsize=1024)
def _one_word(word: str) -> str:
    if not _changes(word):
        return word
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        return word[:-1]  # GPs
    lower = word.lower()
    return _recase(word, lower, _one_lower(lower))


def _recase(original: str, lower: str, new: str) -> str:
    """``new`` (lower case) with the capitals of ``original``."""
    if original == lower:
        return new
    if original.isupper() and len(original) > 1:
        return new.upper()
    same = 0
    while same < min(len(lower), len(new)) and lower[same] == new[same]:
        same += 1
    out = original[:same] + new[same:]
    return out[:1].upper() + out[1:] if original[:1].isupper() else out


def _many_lower(one: str) -> str:
    if one in _SAME:
        return one
    if one in _IRREGULAR:
        return _IRREGULAR[one]
    for end in ("child", "person", "woman", "man"):
        if one.endswith(end) and not (end == "man" and one in _NOT_MAN):
            return one[:-len(end)] + _IRREGULAR[end]
    if one in _VES:
        return _VES[one]
    if one.endswith(("wife", "knife")):
        return one[:-2] + "ves"
    if one in _OES:
        return one + "es"
    if one.endswith("y") and len(one) > 1 and one[-2] not in "aeiou":
        return one[:-1] + "ies"
    if one.endswith("sis"):
        return one[:-2] + "es"  # analysis -> analyses
    if one.endswith("quiz"):
        return one + "zes"
    if one in _CH_K:
        return one + "s"
    if one.endswith(("s", "x", "z", "ch", "sh")):
        return one + "es"
    return one + "s"


def _one_lower(word: str) -> str:
    """The word for one from ``word`` (lower case), which may already be the word for one."""
    if word in _SAME or word in _ONE_WITH_S or word in _IRREGULAR:
        return word
    if word in _IRREGULAR_BACK:
        return _IRREGULAR_BACK[word]
    for end in _COMPOUNDS:
        if word.endswith(end):
            if end in ("men", "man") and word in _NOT_MAN:
                break
            return word[:-len(end)] + _IRREGULAR_BACK.get(end, end)
    if word in _VES_BACK:
        return _VES_BACK[word]
    if word.endswith(("wives", "knives")):
        return word[:-3] + "fe"
    if word.endswith("oes") and word[:-2] in _OES:
        return word[:-2]
    if word.endswith("ies") and len(word) > 3:
        return word[:-1] if word[:-1] in _IE else word[:-3] + "y"
    if word.endswith("quizzes"):
        return word[:-3]
    if word.endswith("yses") or word in _SES:
        return word[:-2] + "is"  # analyses, theses, crises
    if word.endswith("es"):
        stem = word[:-2]
        if stem in _ONE_WITH_S or stem.endswith(("ss", "x", "z", "ch", "sh")):
            return stem
        if stem.endswith("us") and len(stem) > 2 and stem[-3] not in "aeiou" \
                and stem + "e" not in _USE:
            return stem  # buses, campuses (but houses, causes: below)
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


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


def count_words(count: int, one: str, many: str | None = None) -> str:
    """"1 family", "2 families", "1,200 households": ``count`` and the unit's name for one
    or for many (:func:`unit_words`; ``many`` when the caller has its own word)."""
    one_word, many_word = unit_words(one)
    return f"{count:,} {one_word if count == 1 else (many or many_word)}"


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
