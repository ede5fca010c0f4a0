"""The result every method returns, and the checks every method makes first.

The bottom of the analysis package's one-way chain: the method modules
(:mod:`~widgets.analysis.group_choice`, :mod:`~widgets.analysis.similar_circumstances`,
:mod:`~widgets.analysis.better_than_expected`, :mod:`~widgets.analysis.funnel`) and
:mod:`~widgets.analysis.agreement` import from here, and the registry
(:mod:`widgets.analysis.positive_exceptions`) imports the method modules. Nothing here imports
a method or the registry.

- :class:`MethodResult` what one method found (one row per unit);
- :func:`prepare` the shared checks, giving a :class:`Prepared`: the units a method can use,
  with plain reasons for those left out;
- :func:`build_table` the result table over every input row from arrays over the kept rows;
- :func:`empty_result` a result that flags nobody and says why;
- :func:`json_ready` settings as plain JSON values for the evidence trail.

Bad choices raise :class:`widgets.model.ModelError` with a plain message; problems that still
leave a usable answer are listed in ``MethodResult.warnings``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from widgets.analysis.baseline import fmt_number
from widgets.analysis.methods import METHODS
from widgets.model import DIRECTIONS, MEASURE_KINDS, UNIT_FIELDS, AnalysisRun, Measure, ModelError
from widgets.words import count_words, plural

#: Columns every result table starts with.
RESULT_COLUMNS = ("unit_id", "score", "expected", "flagged", "explanation", "group")


@dataclass
class MethodResult:
    """What one method found.

    ``table`` has one row per unit of the input, in input order, with the columns
    ``unit_id``, ``score`` (higher = better, whatever the measure's direction), ``expected``
    (the value the method expected for the unit on the outcome's scale; NaN where none),
    ``flagged`` (bool: a candidate positive exception), ``explanation`` (plain text),
    ``group`` (the circumstances group label, or missing) and ``outcome``; some methods add
    columns (see their docstrings). Units left out (no outcome…) are kept with NaN score,
    ``flagged`` False and an explanation saying why.

    ``warnings`` are plain sentences for the facilitator about problems with the data or the
    choice; ``notes`` are plain sentences about how the method was applied (e.g. "Limits from
    the exact binomial distribution"). ``settings`` is JSON-ready and goes into the evidence
    trail (:meth:`as_analysis_run`).
    """

    method: str
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The method's title for people."""
        return METHODS.get(self.method, (self.method, ""))[0]

    @property
    def flagged_ids(self) -> list[str]:
        """Ids of the flagged units, best score first (input order for ties)."""
        flagged = self.flagged_table()
        return [str(u) for u in flagged["unit_id"]]

    def flagged_table(self) -> pd.DataFrame:
        """Only the flagged rows, best score first."""
        rows = self.table[self.table["flagged"].to_numpy(dtype=bool)]
        return rows.sort_values("score", ascending=False, kind="stable", na_position="last")

    def as_analysis_run(self, by: str = "", at: str = "") -> AnalysisRun:
        """The evidence-trail record of this run (for ``Store.record_analysis``)."""
        return AnalysisRun(method=self.method, settings=dict(self.settings),
                           flagged=self.flagged_ids, at=at, by=by)


# --------------------------------------------------------------------------- shared checks


@dataclass
class Prepared:
    """The units a method can use, after the shared checks.

    ``keep`` marks usable rows of the input. ``y`` and ``population`` hold only those rows,
    and so does ``columns``: per usable circumstance, integer codes (text; the values are in
    ``uniques``, sorted) or float values (numbers). ``y_all`` is the outcome of every input
    row. ``sign`` is +1 when higher is better, -1 when lower is. ``reasons`` maps a row
    position of the input to the plain reason it was left out.
    """

    frame: pd.DataFrame
    keep: np.ndarray
    y_all: np.ndarray
    y: np.ndarray
    population: np.ndarray | None
    sign: int
    circumstances: list[str]
    numeric: dict[str, bool]
    columns: dict[str, np.ndarray]
    uniques: dict[str, list[Any]]
    reasons: list[tuple[np.ndarray, str]]
    warnings: list[str]
    unit: str

    @property
    def units(self) -> str:
        """The unit name in the plural ("families")."""
        return plural(self.unit)

    @property
    def all_kept(self) -> bool:
        """True when no input row was left out."""
        return bool(self.keep.all())

    def ids_of(self, positions: np.ndarray) -> list[str]:
        """Unit ids (as text) of kept rows at ``positions`` (positions among kept rows)."""
        rows = np.asarray(positions) if self.all_kept else np.flatnonzero(self.keep)[positions]
        picked = self.frame["unit_id"].array.take(rows).tolist()
        return [u if isinstance(u, str) else str(u) for u in picked]


def check_measure(measure: Measure) -> None:
    """Raise :class:`ModelError` unless the measure's kind and direction are usable."""
    if measure is None:
        raise ModelError("Define the measure first (step 1).")
    if measure.kind not in MEASURE_KINDS:
        raise ModelError("Choose the kind of measure first (step 1).")
    if measure.better not in DIRECTIONS:
        raise ModelError("Choose which direction is better for the measure first (step 1).")


def is_numeric_column(values: pd.Series) -> bool:
    """True for a circumstance holding numbers (banded or used as is); text is a category."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return False
    if pd.api.types.is_numeric_dtype(values.dtype):
        return True
    if values.dtype == object:
        kind = pd.api.types.infer_dtype(values, skipna=True)
        return kind in ("integer", "floating", "mixed-integer-float", "decimal")
    return False


def outcome_values(frame: pd.DataFrame, unit: str = "unit") -> np.ndarray:
    """The outcome column as floats (NaN where missing); text raises a plain ModelError."""
    raw = frame["outcome"]
    if pd.api.types.is_bool_dtype(raw.dtype):
        y = raw.astype("float64").to_numpy()
    elif pd.api.types.is_numeric_dtype(raw.dtype):
        y = raw.to_numpy(dtype="float64", na_value=np.nan)
    else:
        conv = pd.to_numeric(raw, errors="coerce")
        bad = conv.isna().to_numpy() & raw.notna().to_numpy()
        if bad.any():
            example = raw[bad].iloc[0]
            raise ModelError(f"The outcome must be a number for every {unit}, but one value "
                             f"is {str(example)!r}. Choose a column with numbers.")
        y = conv.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(y).any():
        y = np.where(np.isinf(y), np.nan, y)
    return y


def prepare(frame: pd.DataFrame, measure: Measure, circumstances: Sequence[str] | None = None,
            *, need_circumstances: bool = False, need_population: bool = False,
            share_population: bool = False) -> Prepared:
    """The shared checks every method makes, with plain messages.

    Raises :class:`ModelError` for choices that cannot work (unknown column, text outcome,
    no outcomes at all, no usable circumstance when one is needed). Leaves out, with a
    warning, units with no outcome, no population (rates) or a missing circumstance, and
    ignores, with a warning, circumstances that have one value for everyone.
    ``share_population`` requires events ≤ population (binomial methods).
    """
    check_measure(measure)
    if not isinstance(frame, pd.DataFrame):
        raise ModelError("There is no data to analyse yet.")
    unit = (measure.unit_name or "unit").strip() or "unit"
    units = plural(unit)
    for col in ("unit_id", "outcome"):
        if col not in frame.columns:
            raise ModelError(f"The data has no {col.replace('_', ' ')} column.")
    if len(frame) == 0:
        raise ModelError(f"There are no {units} in the data yet.")
    chosen = list(dict.fromkeys(str(c) for c in (circumstances or [])))
    for col in chosen:
        if col in UNIT_FIELDS:
            raise ModelError(f"{col.replace('_', ' ')!r} is not a circumstance; choose one of "
                             "the other columns.")
        if col not in frame.columns:
            raise ModelError(f"There is no column called {col!r}.")

    y_all = outcome_values(frame, unit)
    warnings: list[str] = []
    reasons: list[tuple[np.ndarray, str]] = []
    no_outcome = np.isnan(y_all)
    keep = ~no_outcome
    if not keep.any():
        raise ModelError(f"No {unit} has an outcome yet, so there is nothing to compare.")
    if no_outcome.any():
        k = int(no_outcome.sum())
        warnings.append(f"{count_words(k, unit).capitalize()} {_has(k)} no outcome and "
                        f"{_was(k)} left out.")
        reasons.append((no_outcome, "No outcome yet, so left out."))

    present = y_all[keep]
    if measure.kind == "yes_no" and not ((present == 0.0) | (present == 1.0)).all():
        bad = present[(present != 0.0) & (present != 1.0)][0]
        raise ModelError(f"A yes/no outcome must be 1 (yes) or 0 (no), but one value is "
                         f"{bad:g}.")
    if measure.kind in ("count", "rate") and (present < 0).any():
        raise ModelError("A count cannot be negative, but some outcomes are below 0.")

    pop_all = None
    if measure.kind == "rate" or need_population:
        if "population" not in frame.columns:
            raise ModelError(f"A rate needs a population for each {unit}; the data has no "
                             "population column.")
        pop_all = pd.to_numeric(frame["population"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
        bad_pop = keep & ~(pop_all > 0)
        if bad_pop.any():
            k = int(bad_pop.sum())
            warnings.append(f"{count_words(k, unit).capitalize()} {_has(k)} no population "
                            f"(or 0) and {_was(k)} left out.")
            reasons.append((bad_pop, "No population, so left out."))
            keep = keep & ~bad_pop
        if not keep.any():
            raise ModelError(f"No {unit} has both an outcome and a population yet.")
        if share_population:
            over = keep & (y_all > pop_all)
            if over.any():
                i = int(np.flatnonzero(over)[0])
                raise ModelError(f"{frame['unit_id'].iloc[i]} has more events "
                                 f"({y_all[i]:g}) than its population ({pop_all[i]:g}); "
                                 "events must be out of the population.")

    numeric: dict[str, bool] = {}
    raw_columns: dict[str, np.ndarray] = {}
    uniques: dict[str, list[Any]] = {}
    usable: list[str] = []
    for col in chosen:
        values = frame[col]
        is_num = is_numeric_column(values)
        if is_num:
            x = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64",
                                                                na_value=np.nan)
            col_missing = np.isnan(x)
            seen = x[keep & ~col_missing]
            distinct = 0 if len(seen) == 0 else (1 if seen.min() == seen.max() else 2)
            example = seen[0] if len(seen) else None
        else:
            codes, found = pd.factorize(values, sort=True)
            x = codes.astype("int64")
            col_missing = x < 0
            seen_codes = x[keep & ~col_missing]
            distinct = 0 if len(seen_codes) == 0 else int(
                np.count_nonzero(np.bincount(seen_codes, minlength=len(found))))
            example = found[seen_codes[0]] if len(seen_codes) else None
        if distinct <= 1:
            shown = f" ({fmt_value(example)})" if distinct == 1 else ""
            warnings.append(f"Every {unit} has the same {col!r}{shown}, so it cannot tell "
                            "them apart and was ignored.")
            continue
        numeric[col] = is_num
        usable.append(col)
        raw_columns[col] = x
        if not is_num:
            uniques[col] = list(found)
        miss = keep & col_missing
        if miss.any():
            k = int(miss.sum())
            warnings.append(f"{count_words(k, unit).capitalize()} {_has(k)} no value for "
                            f"{col!r} and {_was(k)} left out.")
            reasons.append((miss, f"No value for {col!r}, so left out."))
            keep = keep & ~col_missing
    if need_circumstances and not usable:
        if chosen:
            raise ModelError("None of the chosen circumstances tells the "
                             f"{units} apart; choose another one.")
        raise ModelError("Choose at least one circumstance, so that each "
                         f"{unit} is compared with others in a similar situation.")
    if not keep.any():
        raise ModelError(f"No {unit} has values for everything chosen; choose other "
                         "circumstances.")
    all_kept = bool(keep.all())
    columns = {c: (v if all_kept else v[keep]) for c, v in raw_columns.items()}
    return Prepared(
        frame=frame, keep=keep, y_all=y_all, y=y_all if all_kept else y_all[keep],
        population=None if pop_all is None else (pop_all if all_kept else pop_all[keep]),
        sign=1 if measure.better == "higher" else -1,
        circumstances=usable, numeric=numeric, columns=columns, uniques=uniques,
        reasons=reasons, warnings=warnings, unit=unit,
    )


def fmt_value(value: Any) -> str:
    """A circumstance value for a sentence (numbers without needless decimals)."""
    if isinstance(value, (float, np.floating)):
        return fmt_number(float(value))
    return str(value)


def _has(k: int) -> str:
    return "has" if k == 1 else "have"


def _was(k: int) -> str:
    return "was" if k == 1 else "were"


def build_table(prep: Prepared, *, score: np.ndarray, expected: np.ndarray | None,
                flagged: np.ndarray, explanation: np.ndarray,
                group: pd.Categorical | None = None,
                extra: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """The result table over all input rows, from arrays over the kept rows.

    Left-out rows get NaN scores, ``flagged`` False and their reason as explanation.
    Explanations stay an object column (no conversion of a million strings).
    """
    n_all = len(prep.frame)
    keep = prep.keep
    all_kept = prep.all_kept

    def spread(values: np.ndarray | None, fill=np.nan, dtype="float64") -> np.ndarray:
        if values is None:
            return np.full(n_all, fill, dtype=dtype)
        if all_kept:
            arr = np.asarray(values, dtype=dtype)
            # Arrays read from the input frame are read-only views: the table gets its own.
            return arr if arr.flags.writeable else arr.copy()
        out = np.full(n_all, fill, dtype=dtype)
        out[keep] = values
        return out

    expl = np.asarray(explanation, dtype=object)
    if not all_kept:
        full = np.full(n_all, None, dtype=object)
        for mask, reason in prep.reasons:  # later reasons only apply to rows still kept
            full[mask & (full == None)] = reason  # noqa: E711  (elementwise test)
        full[keep] = expl
        expl = full
    columns: dict[str, Any] = {
        # Same dtype as the input's id column (no re-inference of a million strings).
        "unit_id": pd.Series(prep.frame["unit_id"].array, copy=False,
                             dtype=prep.frame["unit_id"].dtype),
        "score": spread(score),
        "expected": spread(expected),
        "flagged": spread(flagged, False, bool),
        "explanation": pd.Series(expl, dtype=object),
    }
    if group is not None:
        codes = group.codes if all_kept else spread(group.codes, -1, "int64")
        columns["group"] = pd.Categorical.from_codes(codes, dtype=group.dtype)
    else:
        columns["group"] = pd.Series(np.full(n_all, None, dtype=object), dtype=object)
    columns["outcome"] = prep.y_all if prep.y_all.flags.writeable else prep.y_all.copy()
    for name, values in (extra or {}).items():
        arr = np.asarray(values)
        columns[name] = spread(arr, np.nan if arr.dtype.kind == "f" else None,
                               arr.dtype if arr.dtype.kind == "f" else object)
    table = pd.DataFrame(columns, copy=False)
    table.index = prep.frame.index
    return table


def empty_result(frame: pd.DataFrame, method: str, message: str,
                 settings: dict[str, Any] | None = None) -> MethodResult:
    """A result that flags nobody and explains why, for methods that do not apply."""
    n = len(frame)
    ids = frame["unit_id"].to_numpy() if "unit_id" in frame.columns else np.arange(1, n + 1)
    outcome = (pd.to_numeric(frame["outcome"], errors="coerce").to_numpy(dtype="float64",
                                                                        na_value=np.nan)
               if "outcome" in frame.columns else np.full(n, np.nan))
    table = pd.DataFrame({
        "unit_id": ids,
        "score": np.full(n, np.nan),
        "expected": np.full(n, np.nan),
        "flagged": np.zeros(n, dtype=bool),
        "explanation": pd.Series(np.full(n, message, dtype=object), dtype=object),
        "group": pd.Series(np.full(n, None, dtype=object), dtype=object),
        "outcome": outcome,
    })
    return MethodResult(method, table, [message], dict(settings or {}))


def json_ready(value: Any) -> Any:
    """Settings as plain JSON values (numpy numbers become Python numbers, NaN None)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value
