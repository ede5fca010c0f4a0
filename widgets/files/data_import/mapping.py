"""Which column is which: a first guess at the mapping from names and contents.

:func:`suggest_mapping` guesses the id, the outcome (by the measure's words and the kind of
values), the population, the real names and the circumstances; :func:`looks_like_names`
keeps people's names from ever becoming ids; :func:`answer_values` lists a column's answers
for "Which values mean yes?".
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from widgets.files import quote
from widgets.files.data_import.table import MISSING_WORDS, ColumnMapping, as_text
from widgets.files.spreadsheet_safety import cell_text
from widgets.model import MEASURE_KINDS, Measure
from widgets.words import NO_WORDS, YES_WORDS, answer_key

if TYPE_CHECKING:  # pandas is imported where it is used (page load speed)
    import pandas as pd

# Column names that suggest a role (compared after lower-casing, "_" for anything else).
_ID_NAMES = {"id", "unit_id", "unitid", "code", "ref", "reference", "key", "pseudonym",
             "identifier"}
# Names that may be an id or a circumstance: an id only if every value is different.
_MAYBE_ID_NAMES = {"unit", "family", "household", "pupil", "school", "ward", "area", "person",
                   "name_code"}
_OUTCOME_NAMES = {"outcome", "result", "score", "value", "events", "event", "count",
                  "yes_no", "measure", "target", "y", "outcome_value"}
_POPULATION_NAMES = {"population", "pop", "denominator", "out_of", "total", "base", "n",
                     "population_size", "eligible"}
_PRIVATE_NAMES = {"name", "names", "full_name", "real_name", "surname", "first_name",
                  "family_name", "contact", "contact_name", "private_name"}

# Words in a column's name that say it holds people's names (after _plain: lower case, no
# accents), in the languages groups most often use. "family" or "pupil" with codes in it
# (F01, P17) is an id; with names in it, it is names.
_NAME_WORDS = frozenset({
    "name", "names", "fullname", "firstname", "forename", "forenames", "givenname",
    "surname", "lastname", "familyname", "realname", "contact", "pupil", "pupils",
    "student", "students", "child", "children", "kid", "kids", "person", "people",
    "parent", "parents", "carer", "mother", "father", "mum", "dad", "family", "families",
    "client", "clients", "resident", "residents", "participant", "member", "patient",
    "learner", "schuler", "schueler", "schulerin", "schuelerin", "kind", "kinder",
    "familie", "eltern", "vorname", "nachname", "nom", "prenom", "eleve", "enfant",
    "famille", "nombre", "apellido", "apellidos", "alumno", "alumna", "nino", "nina",
    "familia", "nome", "cognome", "alunno", "alunna", "aluno", "crianca", "leerling",
    "naam", "voornaam", "achternaam", "uczen", "imie", "nazwisko", "ogrenci", "isim",
})
# Words that make a name-like heading something else: "pupil id", "school name".
_NOT_NAME_WORDS = frozenset({
    "id", "code", "ref", "reference", "key", "number", "no", "nr", "num", "pseudonym",
    "school", "ward", "area", "estate", "street", "road", "district", "town", "city",
    "village", "region", "borough", "county", "place", "location", "neighbourhood",
    "neighborhood", "site", "centre", "center", "club", "group", "team", "class",
    "organisation", "organization", "service", "project", "hamlet", "schule", "ort",
    "stadt", "ecole", "escuela",
})
# A value made of words of letters only: "Anna", "Jürgen Groß", "O'Brien", "Müller, Anna".
_NAME_VALUE_RE = r"^[^\W\d_]+(?:(?:[ '’.\-]+|, )[^\W\d_]+)*\.?$"
# Words of a measure or a column name that say nothing about what is measured.
_QUIET_WORDS = frozenset({
    "a", "an", "the", "of", "who", "whose", "which", "that", "this", "these", "those",
    "with", "without", "in", "on", "at", "for", "to", "from", "by", "and", "or", "not",
    "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "having", "do",
    "does", "did", "get", "gets", "got", "their", "they", "them", "it", "its", "his", "her",
    "our", "your", "each", "every", "any", "per", "than", "more", "less", "how", "many",
    "much", "number", "share", "percent", "rate", "count", "yes", "no", "whether", "if",
})
_STEMS = {"children": "child", "people": "person", "men": "man", "women": "woman"}
#: At most this many different answers are offered in "Which values mean yes?".
MAX_ANSWERS = 12


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _plain(name: str) -> str:
    """A column name without case and accents, "_" for anything else ("Schüler" ->
    "schuler")."""
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _stem(word: str) -> str:
    """A light stem, so that "plans", "plan" and "meals", "meal" meet."""
    word = _STEMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", str(text)).casefold())
    return {_stem(w) for w in words if len(w) > 1 and w not in _QUIET_WORDS}


def _overlap(wanted: set[str], words: set[str]) -> int:
    """How many of ``wanted`` appear in ``words`` (the same stem, or one starting the other:
    "attend" and "attendance")."""
    def meets(a: str, b: str) -> bool:
        short, long = sorted((a, b), key=len)
        return a == b or (len(short) >= 5 and long.startswith(short))

    return sum(any(meets(w, v) for v in words) for w in wanted)


def _present_text(series: pd.Series) -> pd.Series:
    """The values of a column as trimmed text, without empty cells and "n/a"-like words."""
    text = as_text(series).dropna().str.strip()
    return text[~text.str.lower().isin(MISSING_WORDS)]


def _answer_keys(series: pd.Series) -> pd.Series:
    return _present_text(series).str.normalize("NFC").str.lower()


def looks_like_names(series: pd.Series, column: str) -> bool:
    """True when a column seems to hold people's names, which must never become ids.

    A column called like "name" or "surname" always does. A column called like "pupil",
    "Schüler" or "family" does when its values are words of letters (no digits) and mostly
    different. Any other column does when nearly every value is a different name of two or
    more capitalised words ("Anna Müller"), unless its name says it is a place.
    """
    import pandas as pd

    if _norm(column) in _PRIVATE_NAMES:
        return True
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return False
    present = _present_text(series.head(2000))
    if present.empty:
        return False
    letters = present.str.fullmatch(_NAME_VALUE_RE).mean()
    distinct = present.nunique() / len(present)
    words = set(_plain(column).split("_"))
    if words & _NOT_NAME_WORDS:
        return False
    if words & _NAME_WORDS:
        return bool(letters >= 0.9 and distinct >= 0.5)
    split = present.str.split()
    full = split.map(lambda ws: len(ws) >= 2 and all(w[:1].isupper() for w in ws
                                                      if w[:1].isalpha())).mean()
    return bool(len(present) >= 2 and letters >= 0.9 and distinct >= 0.9 and full >= 0.6)


def answer_values(series: pd.Series, limit: int = MAX_ANSWERS) -> list[tuple[str, int]] | None:
    """The different answers in a column (trimmed; "Ja" and "ja" are one), each with how
    many rows give it, most common first; empty cells are left out. None when there are
    more than ``limit`` different answers (then the column is not yes/no answers)."""
    # Count the different values first, then tidy only those: a column has few of them.
    counts = series.value_counts(sort=False, dropna=True)
    if len(counts) > 50 * limit:
        return None
    merged: dict[str, list] = {}  # key -> [text as first written, rows]
    for value, n in zip(counts.index.tolist(), counts.to_numpy().tolist(), strict=True):
        text = cell_text(value).strip()
        if text.lower() in MISSING_WORDS:
            continue
        entry = merged.setdefault(answer_key(text), [text, 0])
        entry[1] += int(n)
    if len(merged) > limit:
        return None
    return sorted(((text, n) for text, n in merged.values()), key=lambda tn: -tn[1])


def _fit(kind: str | None, series: pd.Series) -> int:
    """How well a column's values fit a measure of ``kind``: 2 well, 1 perhaps, 0 not.
    Without a kind, numbers and yes/no answers fit."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return 2 if kind in (None, "yes_no") else 0
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        numbers = numbers[~np.isnan(numbers)]
        if numbers.size == 0:
            return 0
        if kind == "yes_no":
            return 2 if np.isin(numbers, (0.0, 1.0)).all() else 0
        if kind in ("count", "rate"):
            whole = (numbers >= 0).all() and (kind == "rate" or (numbers % 1 == 0).all())
            return 2 if whole else 1
        return 2
    keys = _answer_keys(series).unique()[:50]
    if len(keys) == 0 or kind not in (None, "yes_no"):
        return 0
    if all(k in YES_WORDS or k in NO_WORDS for k in keys):
        return 2
    # Two or three answers in words we do not know ("klar", "nee"): yes/no, perhaps.
    return 1 if kind == "yes_no" and len(keys) <= 3 else 0


_FITS = {"yes_no": "it holds yes/no answers", "count": "it holds counts",
         "score": "it holds numbers", "rate": "it holds numbers of events"}


def suggest_mapping(frame: pd.DataFrame, measure: Measure | None = None) -> ColumnMapping:
    """A first guess at the mapping, from column names and contents (the group can change it).

    * A column that looks like people's names (:func:`looks_like_names`) is never the id
      nor a circumstance: the first one is kept as real names (private), and units get
      pseudonyms unless another column is an id.
    * The id is a column called like "id"/"code", or like "family"/"ward" (or a first text
      column) whose values are all different.
    * The outcome: with the ``measure`` known, the column whose name is most like what is
      measured ("has a plan" for "Pupils who have a plan") and whose values fit the kind of
      measure; else one called like "outcome", "result" or "score"; else the first column
      whose values fit (numbers, or yes/no answers).
    * The population a column called like "population"/"out of".
    * Every other column with any values is a circumstance.

    ``guesses`` of the result says, in plain words, why the outcome and the real names were
    chosen, for the group to check.
    """
    import pandas as pd

    columns = [str(c) for c in frame.columns]
    sample = frame.head(2000)
    norm = {c: _norm(c) for c in columns}
    kind = measure.kind if measure is not None and measure.kind in MEASURE_KINDS else None
    used: set[str] = set()
    guesses: dict[str, str] = {}

    def numeric(c: str) -> bool:
        return pd.api.types.is_numeric_dtype(sample[c]) and not pd.api.types.is_bool_dtype(
            sample[c])

    def unique_ids(c: str) -> bool:
        values = sample[c]
        return bool(values.notna().all() and values.is_unique)

    names = [c for c in columns if looks_like_names(sample[c], c)]
    private = names[0] if names else None
    used.update(names)  # names are never ids nor circumstances
    if private:
        guesses["private_name"] = (f"{quote(private)} looks like people's names, so it is "
                                   "kept as real names (private), never as ids.")
    if len(names) > 1:
        rest = ", ".join(quote(c) for c in names[1:])
        guesses["left_out"] = (f"{rest} also look{'s' if len(names) == 2 else ''} like "
                               "names: left out, not imported.")
    # A column called "id" is the id even with repeats: the group then sees which repeat.
    unit_id = next((c for c in columns if c not in used and (
        norm[c] in _ID_NAMES or norm[c].endswith("_id") or norm[c].startswith("id_"))), None)
    unit_id = unit_id or next((c for c in columns if c not in used
                               and norm[c] in _MAYBE_ID_NAMES and unique_ids(c)), None)
    if unit_id is None and columns and columns[0] not in used and not numeric(columns[0]) \
            and _fit(None, sample[columns[0]]) == 0 and unique_ids(columns[0]) \
            and len(columns) > 1:
        unit_id = columns[0]
    if unit_id:
        used.add(unit_id)
    population = next((c for c in columns if c not in used and numeric(c) and (
        norm[c] in _POPULATION_NAMES or "population" in norm[c])), None)
    if population:
        used.add(population)
    outcome, why = _guess_outcome([c for c in columns if c not in used], sample, measure,
                                  kind, norm)
    if outcome is None:  # every column is taken: the id (or the names) must be the outcome
        outcome = unit_id or (columns[0] if columns else "")
        unit_id = None if outcome == unit_id else unit_id
        if outcome == private:
            private, guesses = None, {}
        why = "it is the only column"
    if outcome:
        guesses["outcome"] = f"We guessed the outcome is {quote(outcome)}: {why}. Check it."
    used.add(outcome)
    context = [c for c in columns if c not in used and frame[c].notna().any()]
    return ColumnMapping(unit_id=unit_id, outcome=outcome, population=population,
                         private_name=private, context=context, guesses=guesses)


def _guess_outcome(candidates: list[str], sample: pd.DataFrame, measure: Measure | None,
                   kind: str | None, norm: dict[str, str]) -> tuple[str | None, str]:
    """The column most likely to be the outcome, and why (words to show)."""
    if not candidates:
        return None, ""
    wanted: set[str] = set()
    if measure is not None:
        wanted = _content_words(measure.what) - _content_words(measure.unit_name)
    best, best_key = None, None
    for position, c in enumerate(candidates):
        overlap = _overlap(wanted, _content_words(c)) if wanted else 0
        fit = _fit(kind, sample[c])
        named = norm[c] in _OUTCOME_NAMES
        # The order of the tiers: like the measure and fitting; called "outcome" and
        # fitting; called "outcome" (a stray word: the group then sees which row to fix);
        # like the measure; fitting well; fitting perhaps; anything.
        tier = (0 if overlap and fit else 1 if named and fit else 2 if named
                else 3 if overlap else 4 if fit == 2 else 5 if fit == 1 else 6)
        key = (tier, -overlap, -fit, position)
        if best_key is None or key < best_key:
            best, best_key = c, key
    tier, fit = best_key[0], -best_key[2]
    values = _FITS.get(kind or "", "it holds numbers or yes/no answers")
    if fit == 1 and kind == "yes_no":
        values = "its answers may mean yes or no"
    what = " ".join(measure.what.split()) if measure is not None else ""
    like = f"its name is like the measure ({quote(what, 60)})" if what else ""
    if tier == 0:
        why = f"{like} and {values}"
    elif tier in (1, 2):
        why = "its name says so"
    elif tier == 3:
        why = f"{like}, but check its values"
    elif tier == 4:
        why = (f"it is the first column that {values.removeprefix('it ')}"
               + (" (no column's name is like the measure)" if wanted else ""))
    elif tier == 5:
        why = "its answers may mean yes or no"
    else:
        why = "no column's name or values fit the measure, so this is only a first guess"
    return best, why
