"""Checking every value of a mapped table before it is stored, and giving the units frame.

:func:`to_frame` checks the mapping, the ids (one clean form, no repeats), the outcome and
population (numbers, or yes/no answers in the group's own words) and the per-kind rules of
:func:`check_outcomes` (the model's ``outcomes_misfit``, which the store applies too;
inquiry files use it as well). Every problem is a
:class:`~widgets.files.FileProblem` naming the row, as a spreadsheet shows it, and the column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from widgets.files import FileProblem, quote
from widgets.files.data_import.table import MISSING_WORDS, ColumnMapping, Preview, as_text
from widgets.files.spreadsheet_safety import cell_text
from widgets.model import (
    MEASURE_KINDS,
    UNIT_FIELDS,
    clean_unit_ids,
    first_repeat,
    outcomes_misfit,
)
from widgets.words import NO_WORDS, YES_WORDS, answer_key

if TYPE_CHECKING:  # pandas and numpy are imported where they are used (page load speed)
    import numpy as np
    import pandas as pd


def to_frame(preview: Preview, mapping: ColumnMapping, measure_kind: str,
             pseudonym_prefix: str = "Unit") -> pd.DataFrame:
    """The units table for ``Store.replace_units_frame``, after checking every value.

    Columns: ``unit_id`` (text; pseudonyms "<prefix> 1", "<prefix> 2"… when no id column is
    mapped), ``outcome`` (float64; yes/no answers become 1/0, in the words of the mapping's
    ``outcome_words`` too), ``population`` (float64, or all missing), ``private_name``
    (only when mapped), then each circumstance (float64 when every value is a number, else
    text). A circumstance whose name the kit uses itself is
    renamed "<name> (circumstance)". Notes on what was converted are in ``frame.attrs["notes"]``.
    """
    import numpy as np
    import pandas as pd

    if measure_kind not in MEASURE_KINDS:
        raise FileProblem("Choose the kind of measure first (yes/no, count, score or rate).")
    _check_mapping(preview, mapping, measure_kind)
    frame = preview.frame
    rows = np.asarray(frame.index)
    notes: list[str] = []
    n = len(frame)
    out: dict[str, Any] = {}
    if mapping.unit_id is None:
        prefix = " ".join(str(pseudonym_prefix or "").split()) or "Unit"
        out["unit_id"] = _pseudonyms(prefix, n)
    else:
        out["unit_id"] = _ids(frame[mapping.unit_id], mapping.unit_id, rows)
    decimal_comma = preview.decimal_comma
    if measure_kind == "yes_no":
        outcome = _yes_no(frame[mapping.outcome], mapping.outcome, rows, notes,
                          mapping.outcome_words)
    else:
        outcome = _numbers(frame[mapping.outcome], mapping.outcome, rows, decimal_comma)
    if mapping.population is not None:
        population = _numbers(frame[mapping.population], mapping.population, rows,
                              decimal_comma)
    else:
        population = np.full(n, np.nan)
    _check_kind(measure_kind, outcome, population, mapping, rows)
    out["outcome"] = outcome
    out["population"] = population
    if mapping.private_name is not None:
        out["private_name"] = _texts(frame[mapping.private_name])
    taken = set(out) | set(UNIT_FIELDS) | set(mapping.context)
    for c in mapping.context:
        target = c
        if c in UNIT_FIELDS:
            target = f"{c} (circumstance)"
            k = 2
            while target in taken:
                target = f"{c} (circumstance {k})"
                k += 1
            taken.add(target)
            notes.append(f"The column {quote(c)} is kept as the circumstance {quote(target)}.")
        out[target] = _circumstance(frame[c], c, rows, decimal_comma)
    result = pd.DataFrame({k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
                           for k, v in out.items()})
    result.attrs["notes"] = notes
    return result


def _check_mapping(preview: Preview, mapping: ColumnMapping, measure_kind: str) -> None:
    if not isinstance(mapping.outcome, str) or not mapping.outcome:
        raise FileProblem("Choose the column that holds the outcome.")
    roles = [("the id", mapping.unit_id), ("the outcome", mapping.outcome),
             ("the population", mapping.population), ("the real names", mapping.private_name)]
    roles += [("a circumstance", c) for c in (mapping.context or [])]
    known = set(preview.frame.columns)
    chosen: dict[str, str] = {}
    for role, column in roles:
        if column is None:
            continue
        if not isinstance(column, str) or column not in known:
            raise FileProblem(f"There is no column called {quote(column)} in the file.")
        if column in chosen:
            raise FileProblem(
                f"The column {quote(column)} is chosen twice ({chosen[column]} and {role})."
            )
        chosen[column] = role
    words = mapping.outcome_words
    if not isinstance(words, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, bool)) for k, v in words.items()):
        raise FileProblem("Say for each answer whether it means yes, no or not known.")
    if measure_kind == "rate" and mapping.population is None:
        raise FileProblem(
            "A rate needs a population column: choose the column that says how many "
            "could have had the event in each unit."
        )


def _where(rows: np.ndarray, pos: int, column: str | None = None) -> str:
    place = f"Row {int(rows[pos])}"
    return f"{place}, column {quote(column)}" if column else place


def _first(mask: np.ndarray) -> int:
    import numpy as np

    return int(np.flatnonzero(mask)[0])


def _pseudonyms(prefix: str, n: int) -> pd.Series:
    import numpy as np
    import pandas as pd

    numbers = pd.Series(np.arange(1, n + 1)).astype("str")
    return (prefix + " ") + numbers


def _ids(series: pd.Series, column: str, rows: np.ndarray) -> pd.Series:
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        series = series.map(cell_text)
    if pd.api.types.is_integer_dtype(series):
        ids = series.astype("str")
    elif pd.api.types.is_float_dtype(series):
        missing = series.isna().to_numpy()
        if missing.any():
            pos = _first(missing)
            raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                              "needs an id.")
        ids = pd.Series([cell_text(v) for v in series.tolist()], dtype="str")
    else:
        text = series if pd.api.types.is_string_dtype(series) and series.dtype != object else (
            series.map(lambda v: v if v is None or isinstance(v, str) or v != v
                       else cell_text(v)).astype("str"))
        missing = text.isna().to_numpy()
        if missing.any():
            pos = _first(missing)
            raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                              "needs an id.")
        ids = text
    # One rule for ids everywhere (widgets.model.clean_unit_id): "Family\u00a01" is kept as
    # "Family 1", and ids that only look different ("Ｆamily 1") are refused as the same.
    ids, keys = clean_unit_ids(ids.reset_index(drop=True))
    empty = (ids == "").to_numpy()
    if empty.any():
        pos = _first(empty)
        raise FileProblem(f"{_where(rows, pos, column)}: the id is empty; every unit "
                          "needs an id.")
    if _all_different(keys):
        return ids
    repeat = first_repeat(keys)
    if repeat:
        pos, earlier = repeat
        value, other = ids.iloc[pos], ids.iloc[earlier]
        if value == other:
            raise FileProblem(
                f"{_where(rows, pos, column)}: the id {quote(value)} is used twice "
                f"(also in row {int(rows[earlier])}); each unit needs its own id."
            )
        raise FileProblem(
            f"{_where(rows, pos, column)}: the id {quote(value)} looks the same as "
            f"{quote(other)} in row {int(rows[earlier])}; each unit needs its own id."
        )
    return ids


def _all_different(ids: pd.Series) -> bool:
    """True when no id is used twice. Ids in sorted order (the usual case) are checked by
    one vectorised comparison with their neighbours; otherwise by hashing."""
    if len(ids) > 1:
        try:
            import pyarrow as pa
            import pyarrow.compute as pc

            values = pa.array(ids.array) if hasattr(ids.array, "__arrow_array__") else None
            if values is not None and pc.all(pc.less(values[:-1], values[1:])).as_py():
                return True
        except (ImportError, TypeError, ValueError, pa.ArrowException):
            pass
    return bool(ids.is_unique)


def _normalise_numbers(text: pd.Series, decimal_comma: bool) -> pd.Series:
    """Text of numbers as Python reads them: 1.234,5 -> 1234.5 (decimal commas) or
    1,234.5 -> 1234.5 (thousands commas)."""
    if decimal_comma:
        has_comma = text.str.contains(",", regex=False, na=False)
        if has_comma.any():
            fixed = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            text = text.where(~has_comma, fixed)
        return text
    grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", na=False)
    if grouped.any():
        text = text.where(~grouped, text.str.replace(",", "", regex=False))
    return text


def _try_numbers(series: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, mask of values that are not numbers) for a text column (missing -> NaN)."""
    import numpy as np
    import pandas as pd

    text = as_text(series).str.strip()
    lower = text.str.lower()
    missing = (text.isna() | lower.isin(MISSING_WORDS)).to_numpy()
    cleaned = _normalise_numbers(text, decimal_comma)
    numbers = pd.to_numeric(cleaned.where(~missing), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    bad = ~missing & ~np.isfinite(numbers)
    return numbers, bad


def _numbers(series: pd.Series, column: str, rows: np.ndarray, decimal_comma: bool) -> np.ndarray:
    """A column as float64 numbers (missing = NaN); anything else raises a FileProblem."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isinf(numbers)
    elif pd.api.types.is_bool_dtype(series):
        bad = np.ones(len(series), dtype=bool)
        numbers = np.full(len(series), np.nan)
    else:
        numbers, bad = _try_numbers(series, decimal_comma)
    if bad.any():
        pos = _first(bad)
        value = series.iloc[pos]
        hint = ""
        if isinstance(value, str) and value.lstrip().startswith("="):
            hint = " (it is a formula: paste the values instead)"
        raise FileProblem(f"{_where(rows, pos, column)}: {quote(value)} is not a number{hint}.")
    return numbers


def _yes_no(series: pd.Series, column: str, rows: np.ndarray, notes: list[str],
            words: dict[str, bool | None] | None = None) -> np.ndarray:
    """A column of yes/no answers as 1.0/0.0 (missing = NaN). ``words`` are the group's own
    answers and what each means (True yes, False no, None not known)."""
    import numpy as np
    import pandas as pd

    words = {answer_key(k): v for k, v in (words or {}).items()}
    if pd.api.types.is_bool_dtype(series) and not words:
        return series.to_numpy(dtype="float64")
    if pd.api.types.is_numeric_dtype(series) and not words:
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isnan(numbers) & (numbers != 0) & (numbers != 1)
    else:
        # Decide once per different answer (a column has few), then spread to the rows.
        codes, uniques = pd.factorize(as_text(series))
        meanings = []
        for value in uniques.tolist():
            key = answer_key(value)
            meaning = words[key] if key in words else (
                True if key in YES_WORDS else False if key in NO_WORDS
                else None if key in MISSING_WORDS else "bad")
            meanings.append(meaning)
        meanings.append(None)  # code -1: an empty cell
        numbers = np.array([1.0 if m is True else 0.0 if m is False else np.nan
                            for m in meanings])[codes]
        answered = np.array([isinstance(m, bool) for m in meanings])[codes]
        bad = np.array([m == "bad" for m in meanings])[codes]
        if answered.any():
            notes.append(f"Yes/no answers in {quote(column)} were read as 1 (yes) and 0 (no).")
    if bad.any():
        pos = _first(bad)
        raise FileProblem(f"{_where(rows, pos, column)}: {quote(series.iloc[pos])} is not "
                          "yes or no (use 1/0 or yes/no).")
    return numbers


def check_outcomes(kind: str, outcome: np.ndarray, population: np.ndarray, rows: np.ndarray,
                   *, complete: bool = True) -> None:
    """Refuse outcomes and populations that do not fit a measure of ``kind`` (FileProblem
    naming the row): the rules of :func:`widgets.model.outcomes_misfit` (yes/no outcomes
    other than 1 and 0, counts below 0, populations below 0, rates with more events than
    their population). ``complete``: a rate also needs a population above 0 for every unit
    (an import does; a saved inquiry may still lack some).

    Imports and inquiry files (``inquiry_file``) both use it; the store applies the same
    rules to everything else that writes units.
    """
    _check_kind(kind, outcome, population, ColumnMapping(None, "outcome", "population"), rows,
                complete=complete)


def _check_kind(kind: str, outcome: np.ndarray, population: np.ndarray,
                mapping: ColumnMapping, rows: np.ndarray, *, complete: bool = True) -> None:
    # A bad value refuses the whole file, as a word in a number column does: a file is
    # corrected and uploaded again, never stored with rows quietly left out.
    found = outcomes_misfit(kind, outcome, population, complete=complete)
    if found is not None:
        pos, part, reason = found
        column = {"outcome": mapping.outcome, "population": mapping.population}.get(part or "")
        raise FileProblem(f"{_where(rows, pos, column)}: {reason}")


def _texts(series: pd.Series) -> pd.Series:
    return as_text(series).reset_index(drop=True)


def _circumstance(series: pd.Series, column: str, rows: np.ndarray,
                  decimal_comma: bool) -> pd.Series | np.ndarray:
    """float64 when every value is a number, else the text exactly as in the file."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return _texts(series)
    if pd.api.types.is_numeric_dtype(series):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        infinite = np.isinf(numbers)
        if infinite.any():
            pos = _first(infinite)
            raise FileProblem(f"{_where(rows, pos, column)}: {quote(series.iloc[pos])} is "
                              "not a number.")
        return numbers
    text = as_text(series)
    present = text.dropna()
    if present.empty:
        return np.full(len(series), np.nan)
    # Most text columns give themselves away in the first few values: no full conversion.
    for value in present.iloc[:20]:
        word = value.strip().lower()
        if word in MISSING_WORDS:
            continue
        if not _looks_numeric(word, decimal_comma):
            return text.reset_index(drop=True)
    numbers, bad = _try_numbers(text, decimal_comma)
    if bad.any():
        return text.reset_index(drop=True)
    return numbers


def _looks_numeric(word: str, decimal_comma: bool) -> bool:
    if decimal_comma:
        word = word.replace(".", "").replace(",", ".")
    else:
        word = word.replace(",", "")
    try:
        float(word)
    except ValueError:
        return False
    return word not in ("inf", "-inf", "+inf", "infinity", "-infinity", "nan")
