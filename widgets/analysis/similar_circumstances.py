"""Best in similar circumstances: compare each unit only with units in the same situation.

Units are grouped by the chosen circumstance columns (text values are categories; numeric
columns are cut into quantile bands, e.g. "income 1,200–1,800"). Within each group:

- rule ``"z"``: the z-score of the outcome, (value − group mean) / group standard deviation
  (sample SD), signed so that positive is better; flagged when z ≥ ``threshold``. The 2 SD
  default is the typical cut-off of the Data-Powered Positive Deviance handbook (UNDP
  Accelerator Labs & GIZ, 2021).
- rule ``"iqr"``: Tukey's fences; flagged beyond Q3 + 1.5·IQR (higher is better) or below
  Q1 − 1.5·IQR (lower is better). Tukey JW, *Exploratory Data Analysis*, 1977. Less moved
  by a few extreme values than the z-score.
- yes/no outcomes: a z-score of a 0/1 value only restates the group's share, so both rules
  use the share instead: a unit with the good outcome is flagged when, in its group, the good
  outcome is rare (share of good outcomes ≤ ``rare_share``, default 0.3). Its score is the
  z-score with the group's share p, (1 − p)/√(p(1 − p)), so rarer successes rank higher.

Finding those who succeed against the odds among peers with the same resources is the core
idea of Positive Deviance (Pascale, Sternin & Sternin, *The Power of Positive Deviance*,
2010). Groups smaller than ``min_group`` are shown with a warning and nobody in them is
flagged: with a handful of units a "best" one is mostly chance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.analysis.baseline import fmt_number, fmt_numbers, predicate
from widgets.analysis.method_result import (
    MethodResult,
    Prepared,
    build_table,
    json_ready,
    prepare,
)
from widgets.model import Measure, ModelError
from widgets.words import agree, count_words, per_cent

_AMBIGUOUS = {"yes", "no", "true", "false", "y", "n", "0", "1", "none", "other", "unknown"}


def _text_label(column: str, value: object) -> str:
    text = str(value)
    # A bare "yes" or "3" says nothing without its column; a word like "social housing" does.
    if text.strip().lower() in _AMBIGUOUS or text.replace(".", "", 1).strip().isdigit():
        return f"{column}: {text}"
    return text


def _column_codes(prep: Prepared, column: str, bands: int) -> tuple[np.ndarray, list[str]]:
    """Integer codes (0..k-1) and a label per code for one circumstance column."""
    values = prep.columns[column]
    if not prep.numeric[column]:
        return values, [_text_label(column, u) for u in prep.uniques[column]]
    # A few distinct numbers (1, 2, 3 children) are used as they are; a sample answers
    # "more than `bands` values?" quickly for big tables.
    sample = np.unique(values[:20_000])
    distinct = np.unique(values) if len(sample) <= bands else sample
    if len(distinct) <= bands:
        codes = np.searchsorted(distinct, values).astype("int64")
        return codes, [f"{column} {fmt_number(v)}" for v in distinct]
    # Quantile bands, right-closed like pandas.qcut: a value on an edge goes to the lower band.
    edges = np.unique(np.quantile(values, np.linspace(0, 1, bands + 1)))
    codes = np.zeros(len(values), dtype="int64")
    for edge in edges[1:-1]:  # a few comparisons beat a binary search per value
        codes += values > edge
    labels = [f"{column} {fmt_number(edges[i])}–{fmt_number(edges[i + 1])}"
              for i in range(len(edges) - 1)]
    return codes, labels


def make_groups(prep: Prepared, bands: int = 3) -> tuple[np.ndarray, list[str]]:
    """Group code per kept unit and the plain label of each group ("low income, social
    housing"). Groups are ordered by their circumstances (text values alphabetically, bands
    from low to high)."""
    n = len(prep.y)
    if not prep.circumstances:
        return np.zeros(n, dtype="int64"), ["everyone"]
    per_col = [_column_codes(prep, c, bands) for c in prep.circumstances]
    sizes = [len(labels) for _, labels in per_col]
    if math.prod(sizes) <= max(4 * n, 1 << 16):
        # Mixed-radix number of the column codes; only the combinations that occur become
        # groups (bincount + a lookup table: no hashing, no sorting of a million rows).
        combined = per_col[0][0]
        for (codes, _), k in zip(per_col[1:], sizes[1:], strict=True):
            combined = combined * k + codes
        used = np.flatnonzero(np.bincount(combined, minlength=math.prod(sizes)))
        lookup = np.full(math.prod(sizes), -1, dtype="int64")
        lookup[used] = np.arange(len(used))
        group = lookup[combined]
        parts = []
        rest = used.copy()
        for k in reversed(sizes):
            parts.append(rest % k)
            rest = rest // k
        parts.reverse()
        labels = [", ".join(per_col[c][1][parts[c][g]] for c in range(len(per_col)))
                  for g in range(len(used))]
        return group, labels
    # Very many combinations: number them by first appearance instead.
    combined = per_col[0][0]
    for codes, labels in per_col[1:]:
        combined = combined * len(labels) + codes
        combined = pd.factorize(combined)[0].astype("int64")  # keep the numbers small
    group = pd.factorize(combined)[0].astype("int64")
    # Codes number groups in order of first appearance, so the running maximum steps up by
    # one exactly at each group's first unit.
    first = np.flatnonzero(np.diff(np.maximum.accumulate(group), prepend=-1) > 0)
    labels = [", ".join(lab[codes[i]] for codes, lab in per_col) for i in first]
    return group, labels


def best_in_similar_circumstances(frame: pd.DataFrame, measure: Measure,
                                  circumstances: Sequence[str], threshold: float = 2.0,
                                  rule: str = "z", bands: int = 3, min_group: int = 5,
                                  iqr_factor: float = 1.5,
                                  rare_share: float = 0.3) -> MethodResult:
    """Flag units far better than others in the same circumstances.

    What it does: groups the units by ``circumstances`` (numeric columns in ``bands``
    quantile bands) and, within each group, flags those whose outcome stands out on the good
    side: z-score ≥ ``threshold`` (``rule="z"``), or beyond the quartile fence
    ``iqr_factor``·IQR (``rule="iqr"``). For yes/no outcomes it flags units with the good
    outcome in groups where it is rare (share ≤ ``rare_share``).

    Assumptions: units in a group really are in similar circumstances; the outcome is
    measured the same way for all; groups have at least ``min_group`` units (smaller groups
    are not flagged). Note that in a group of n units no z-score can exceed (n−1)/√n, so
    with the 2 SD default nobody in a group of 5 or fewer can be flagged (a warning says so).

    Sources: Data-Powered Positive Deviance handbook (2021) for the 2 SD cut-off; Tukey
    (1977) for the quartile rule; Pascale, Sternin & Sternin (2010) for the idea.

    Result columns besides the common ones: ``group_size``. ``expected`` is the group's mean
    (z rule), median (quartile rule) or share of yes answers (yes/no).
    """
    if rule not in ("z", "iqr"):
        raise ModelError("The rule must be 'z' (standard deviations) or 'iqr' (quartiles).")
    _check_number(threshold, "The threshold", low=0.0)
    _check_number(iqr_factor, "The quartile factor", low=0.0)
    _check_number(rare_share, "The share that counts as rare", low=0.0, high=1.0)
    if isinstance(bands, bool) or not isinstance(bands, (int, np.integer)) or not 2 <= bands <= 10:
        raise ModelError("The number of bands must be a whole number from 2 to 10.")
    if isinstance(min_group, bool) or not isinstance(min_group, (int, np.integer)) \
            or min_group < 2:
        raise ModelError("The smallest group must be a whole number of at least 2.")

    prep = prepare(frame, measure, circumstances, need_circumstances=True)
    unit, units = prep.unit, prep.units
    group, labels = make_groups(prep, int(bands))
    n_groups = len(labels)
    y = prep.y
    is_rate = measure.kind == "rate"
    per = 1
    if is_rate:
        # Rates are compared, not raw event counts, shown per 100 (or per 1,000 when rare).
        y = prep.y / prep.population
        per = 100 if prep.y.sum() / prep.population.sum() >= 0.01 else 1000
    sign = prep.sign
    size = np.bincount(group, minlength=n_groups)
    big = size >= min_group
    warnings = list(prep.warnings)
    notes: list[str] = []
    small = ~big
    if small.any():
        k_units = int(size[small].sum())
        alone = int((size == 1).sum())
        text = (f"{int(small.sum()):,} of {n_groups:,} groups of similar circumstances have "
                f"fewer than {min_group} {units} ({count_words(k_units, unit)} in all); they "
                "are shown but nobody in them is flagged.")
        if alone:
            text += (f" {count_words(alone, unit).capitalize()} {'is' if alone == 1 else 'are'}"
                     " alone in their circumstances, with no one to compare with.")
        if not big.any():
            text += " Try fewer circumstances or fewer bands."
        warnings.append(text)

    mean = np.bincount(group, weights=y, minlength=n_groups) / np.maximum(size, 1)
    dev = y - mean[group]
    yes_no = measure.kind == "yes_no"
    extra = {"group_size": size[group].astype("float64")}
    if is_rate:
        extra["rate"] = y
        notes.append(f"Rates (events out of the population) are compared as they are: small "
                     f"{units} vary more by chance, which the funnel method allows for.")
    settings: dict = {
        "circumstances": prep.circumstances, "rule": rule, "threshold": threshold,
        "bands": int(bands), "min_group": int(min_group), "groups": n_groups,
        "better": measure.better,
    }

    if yes_no:
        good = y == 1.0 if sign > 0 else y == 0.0
        share = np.bincount(group, weights=good.astype("float64"), minlength=n_groups) \
            / np.maximum(size, 1)
        sd = np.sqrt(share * (1 - share))
        s_unit = share[group]
        sd_unit = sd[group]
        with np.errstate(divide="ignore", invalid="ignore"):
            score = np.where(sd_unit > 0, (good - s_unit) / sd_unit, 0.0)
        flagged = good & (s_unit <= rare_share) & big[group]
        expected = mean[group]
        settings.update(rule_used="rare share", rare_share=rare_share)
        rare = per_cent(fmt_number(rare_share * 100))
        notes.append(f"For yes/no answers, {units} with the good answer are flagged where, "
                     f"among those in similar circumstances, {rare} or fewer have it.")
    elif rule == "z":
        ss = np.bincount(group, weights=dev * dev, minlength=n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            sd = np.sqrt(ss / (size - 1))
            sd_unit = sd[group]
            score = np.where(sd_unit > 0, sign * dev / sd_unit, 0.0)
        score = np.where(size[group] > 1, score, np.nan)
        flagged = (score >= threshold) & big[group]
        expected = mean[group]
        reachable = (size - 1) / np.sqrt(np.maximum(size, 1)) >= threshold
        stuck = big & ~reachable
        if stuck.any():
            largest = int(size[stuck].max())
            warnings.append(f"In {int(stuck.sum()):,} groups of {largest} {units} or fewer "
                            f"nobody can be {fmt_number(threshold)} standard deviations from "
                            "the rest; try fewer circumstances, fewer bands or the quartile "
                            "rule.")
        settings["rule_used"] = "z-score"
    else:
        # One grouped quantile call sorts once for all three quantiles.
        quart = pd.Series(y).groupby(group, sort=True).quantile([0.25, 0.5, 0.75]).unstack()
        quart = quart.reindex(range(n_groups))
        q1, med, q3 = (quart[q].to_numpy(dtype="float64") for q in (0.25, 0.5, 0.75))
        iqr = q3 - q1
        iqr_unit = iqr[group]
        with np.errstate(divide="ignore", invalid="ignore"):
            beyond = (y - q3[group]) if sign > 0 else (q1[group] - y)
            score = np.where(iqr_unit > 0, beyond / iqr_unit, np.nan)
        flagged = (score > iqr_factor) & big[group]
        flagged &= iqr_unit > 0
        expected = med[group]
        flat = big & (iqr == 0)
        if flat.any():
            warnings.append(f"In {int(flat.sum()):,} groups most {units} have the same value, "
                            "so the quartile rule cannot pick anyone out there.")
        settings.update(rule_used="quartiles", iqr_factor=iqr_factor)

    if is_rate:  # expected events for the unit's population, like the other methods
        expected = expected * prep.population
    per_words = f" per {per:,}" if is_rate else ""
    # Explanations: one shared sentence per group for units not flagged (cheap for a
    # million rows), a sentence of its own only for each flagged unit.
    per_group = []
    for g in range(n_groups):
        label = labels[g]
        if not big[g]:
            per_group.append(f"Only {count_words(int(size[g]), unit)} in these circumstances "
                             f"({label}): too few to compare.")
        elif yes_no:
            per_group.append(f"Not flagged; {per_cent(fmt_number(share[g] * 100))} of the "
                             f"{int(size[g]):,} {units} in similar circumstances ({label}) "
                             "had the good outcome.")
        else:
            per_group.append(f"Within the usual range for the {int(size[g]):,} {units} in "
                             f"similar circumstances ({label}); their average is "
                             f"{fmt_number(mean[g] * per)}{per_words}.")
    explanation = np.asarray(per_group, dtype=object)[group]
    what = predicate(measure)
    idx = np.flatnonzero(flagged)
    side = "above" if sign > 0 else "below"
    tails: dict[int, str] = {}

    def tail(g: int) -> str:
        # The part of a flagged unit's sentence that only depends on its group.
        if g not in tails:
            label, k = labels[g], int(size[g])
            if yes_no:
                others = int(round(k * (1 - share[g])))
                tails[g] = (f", although in similar circumstances ({label}) {others} of {k} "
                            + ("did not." if sign > 0 else f"{agree(what, others)}."))
            elif rule == "z":
                tails[g] = (f", well {side} the average of {fmt_number(mean[g] * per)}"
                            f"{per_words} for the {k} {units} in similar circumstances "
                            f"({label}); score ")
            else:
                tails[g] = (f", far {side} the usual range of the {k} {units} in similar "
                            f"circumstances ({label}), whose middle half lies between "
                            f"{fmt_number(q1[g] * per)} and {fmt_number(q3[g] * per)}{per_words}.")
        return tails[g]

    if len(idx):
        ids = prep.ids_of(idx)
        groups = group[idx].tolist()
        ends = {g: tail(g) for g in set(groups)}
        shown = [v + per_words for v in fmt_numbers(y[idx] * per)] if is_rate \
            else fmt_numbers(y[idx])
        if yes_no:
            head = what if sign > 0 else f"not “{what}”"
            texts = [f"{u}: {head}{ends[g]}" for u, g in zip(ids, groups, strict=True)]
        elif rule == "z":
            texts = [f"{u}: {v}{ends[g]}{z:.1f}." for u, v, g, z in
                     zip(ids, shown, groups, score[idx].tolist(), strict=True)]
        else:
            texts = [f"{u}: {v}{ends[g]}" for u, v, g in
                     zip(ids, shown, groups, strict=True)]
        explanation[idx] = np.asarray(texts, dtype=object)
    settings["flagged"] = int(flagged.sum())
    table = build_table(
        prep, score=score, expected=expected, flagged=flagged, explanation=explanation,
        group=pd.Categorical.from_codes(group, categories=pd.Index(labels, dtype=object))
        if len(set(labels)) == len(labels) else _dedupe(group, labels),
        extra=extra,
    )
    method = "group-z" if rule == "z" else "group-iqr"
    return MethodResult(method, table, warnings, json_ready(settings), notes)


def _dedupe(group: np.ndarray, labels: list[str]) -> pd.Categorical:
    # Two bands can share a label when numbers round alike; keep them apart visibly.
    seen: dict[str, int] = {}
    unique = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        unique.append(lab if seen[lab] == 1 else f"{lab} ({seen[lab]})")
    return pd.Categorical.from_codes(group, categories=pd.Index(unique, dtype=object))


def _check_number(value: float, name: str, low: float | None = None,
                  high: float | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
            or math.isnan(float(value)):
        raise ModelError(f"{name} must be a number.")
    if low is not None and value <= low:
        raise ModelError(f"{name} must be more than {fmt_number(low)}.")
    if high is not None and value > high:
        raise ModelError(f"{name} must be at most {fmt_number(high)}.")

