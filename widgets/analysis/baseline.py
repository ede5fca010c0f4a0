"""The baseline: how big the problem is now, in one plain sentence with an honest range.

Intervals:

- yes/no and rates (events out of a population): the Wilson score interval
  (Wilson EB, "Probable inference, the law of succession, and statistical inference",
  J Am Stat Assoc 1927;22:209-212), recommended over the simple Wald interval by
  Newcombe RG, "Two-sided confidence intervals for the single proportion: comparison of seven
  methods", Stat Med 1998;17:857-872. It behaves well for small groups and for shares near
  0 % or 100 %. When a rate has more events than its population (several events per person)
  a share makes no sense, so the exact Poisson interval for the rate is used instead
  (Garwood F, Biometrika 1936;28:437-442).
- scores and counts: the mean with a 95 % Student t interval (the usual interval for a
  mean), plus the median (scores) or the total (counts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from widgets.model import MEASURE_KINDS, Measure, ModelError
from widgets.words import agree, count_words, percent, plural, singular

#: Largest number of units the quick tally accepts (a tally is counted by hand).
MAX_TALLY = 100_000


def fmt_number(value: float, digits: int = 3) -> str:
    """A number for people: thousands separators, no needless decimals.

    Whole numbers and numbers of 100 or more are shown without decimals; smaller ones with
    up to ``digits`` significant digits (1.25, 0.213).
    """
    if value is None:
        return "–"
    value = float(value)
    if not math.isfinite(value):
        return "–"
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    text = f"{value:,.{digits}g}"
    if "e" in text:  # tiny numbers: fixed notation reads better than 1e-05
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text


def fmt_numbers(values: np.ndarray) -> list[str]:
    """:func:`fmt_number` for many values at once (quicker for long arrays)."""
    arr = np.asarray(values, dtype="float64")
    whole = (arr == np.round(arr)) | (np.abs(arr) >= 100)
    out = [f"{v:,.0f}" if w else f"{v:,.3g}" for v, w in zip(arr.tolist(), whole.tolist(),
                                                              strict=True)]
    for i in np.flatnonzero(~np.isfinite(arr) | ((np.abs(arr) < 1e-4) & ~whole)):
        out[i] = fmt_number(float(arr[i]))
    return out


def fmt_percent(share: float) -> str:
    """A share (0–1) as a rounded percentage, "30 %" (or "0.4 %" for small shares), with a
    no-break space: :func:`widgets.words.percent`."""
    return percent(share)


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a share: ``successes`` out of ``n``.

    Wilson 1927 (J Am Stat Assoc 22:209); Newcombe 1998 (Stat Med 17:857) method 3.
    Returns ``(low, high)`` as shares between 0 and 1; ``(nan, nan)`` when ``n`` is 0.
    Raises :class:`ModelError` when the numbers cannot be a share.
    """
    from scipy.stats import norm

    if not 0 < confidence < 1:
        raise ModelError("The confidence level must be between 0 and 1 (for example 0.95).")
    if n < 0 or successes < 0 or successes > n:
        raise ModelError(f"{fmt_number(successes)} out of {fmt_number(n)} is not possible: "
                         "the count must be between 0 and the total.")
    if n == 0:
        return (math.nan, math.nan)
    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def poisson_rate_interval(events: float, exposure: float,
                          confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood 1936) interval for a rate: ``events`` per unit of ``exposure``."""
    from scipy.stats import chi2

    alpha = 1 - confidence
    low = 0.0 if events == 0 else chi2.ppf(alpha / 2, 2 * events) / 2
    high = chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2
    return (float(low) / exposure, float(high) / exposure)


def mean_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """Student t interval for a mean; ``(nan, nan)`` with fewer than two values."""
    from scipy.stats import t

    n = len(values)
    if n < 2:
        return (math.nan, math.nan)
    mean = float(np.mean(values))
    se = float(np.std(values, ddof=1)) / math.sqrt(n)
    half = float(t.ppf(0.5 + confidence / 2, n - 1)) * se
    return (mean - half, mean + half)


def predicate(measure: Measure) -> str:
    """The end of a sentence about one unit, from ``measure.what``.

    ``what`` is read as finishing "the family …": "the family stayed together" and
    "stayed together" both give "stayed together". A leading "the/a <unit name>" is dropped.
    A measure written in the plural ("Pupils who have a plan") is read for one pupil: "has
    a plan" (the units' word, then "who"/"that"/"which", are dropped; words.singular).
    """
    what = (measure.what or "").strip().rstrip(".")
    if not what:
        return "said yes"
    words = what.split()
    unit_words = (measure.unit_name or "").lower().split()
    lowered = [w.lower() for w in words]
    start = 1 if lowered and lowered[0] in ("the", "a", "an", "each", "every") else 0
    size = len(unit_words)
    names = {" ".join(unit_words), plural(" ".join(unit_words)).lower()}
    if size and " ".join(lowered[start:start + size]) in names and len(words) > start + size:
        rest = words[start + size:]
        if " ".join(lowered[start:start + size]) == " ".join(unit_words):
            return " ".join(rest)  # written for one unit already
        relative = rest[0].lower() in ("who", "that", "which") and len(rest) > 1
        return singular(" ".join(rest[1:] if relative else rest), relative)
    return what


@dataclass
class Baseline:
    """The baseline of a measure, ready to show.

    ``value``, ``low`` and ``high`` are on the measure's own scale: a share between 0 and 1
    (yes/no), the mean per unit (score, count) or events per head of population (rate).
    ``per`` says how to show shares and rates (100 = per cent / per 100, 1000 = per 1,000);
    it is ``None`` for scores and counts. ``n`` counts units with a value, ``missing`` those
    without. ``total`` is the number of yes answers (yes/no), the sum (count) or the events
    (rate); ``population`` is the summed population (rate); ``median`` is for scores and
    counts.
    """

    kind: str
    n: int
    missing: int
    value: float
    low: float
    high: float
    per: int | None
    sentence: str
    total: float | None = None
    population: float | None = None
    median: float | None = None
    confidence: float = 0.95

    def scaled(self) -> tuple[float, float, float]:
        """``(value, low, high)`` multiplied by ``per`` (e.g. 30, 20, 43 for a 30 % share)."""
        factor = self.per or 1
        return (self.value * factor, self.low * factor, self.high * factor)


def _outcomes(frame: pd.DataFrame, measure: Measure) -> tuple[pd.Series, int]:
    if "outcome" not in frame.columns:
        raise ModelError("The data has no outcome column yet.")
    raw = frame["outcome"]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        example = raw[bad].iloc[0]
        raise ModelError(f"The outcome must be a number, but one value is {str(example)!r}.")
    values = values.astype("float64")
    missing = int(values.isna().sum())
    return values.dropna(), missing


def baseline_summary(frame: pd.DataFrame, measure: Measure,
                     confidence: float = 0.95) -> Baseline:
    """The baseline of ``measure`` over the units in ``frame``, with a plain sentence.

    yes/no: "18 of 60 families (30 %, likely between 20 % and 43 %) stayed together."
    score: the mean with a t interval and the median. count: the mean per unit with a t
    interval and the total. rate: the overall rate (all events / all population) per 100 or
    per 1,000 with a Wilson interval. Units with no outcome are counted and mentioned, never
    guessed. Raises :class:`ModelError` with a plain message when there is nothing to sum up.
    """
    if measure.kind not in MEASURE_KINDS:
        raise ModelError("Choose the kind of measure first.")
    unit = measure.unit_name or "unit"
    values, missing = _outcomes(frame, measure)
    what = (measure.what or "").strip().rstrip(".")
    if measure.kind == "rate":
        if "population" not in frame.columns:
            raise ModelError("A rate needs a population for each "
                             f"{unit}; the data has no population column.")
        pop = pd.to_numeric(frame["population"], errors="coerce").astype("float64")
        usable = frame["outcome"].notna() & pop.notna() & (pop > 0)
        values = pd.to_numeric(frame.loc[usable, "outcome"], errors="coerce").astype("float64")
        pop = pop[usable]
        missing = len(frame) - int(usable.sum())
    n = len(values)
    if n == 0:
        raise ModelError(f"No {unit} has a value yet, so there is no baseline.")
    missing_text = ""
    if missing:
        verb = "has" if missing == 1 else "have"
        missing_text = f" {count_words(missing, unit).capitalize()} {verb} no value yet."

    if measure.kind == "yes_no":
        if not values.isin([0.0, 1.0]).all():
            raise ModelError("A yes/no outcome must be 1 (yes) or 0 (no) for every "
                             f"{unit}.")
        yes = float(values.sum())
        low, high = wilson_interval(yes, n, confidence)
        share = yes / n
        # "35 of 60 pupils … have a plan": the verb agrees with the count (words.agree).
        sentence = (f"{yes:,.0f} of {count_words(n, unit)} ({fmt_percent(share)}, likely "
                    f"between {fmt_percent(low)} and {fmt_percent(high)}) "
                    f"{agree(predicate(measure), int(yes))}.")
        return Baseline("yes_no", n, missing, share, low, high, 100, sentence + missing_text,
                        total=yes, confidence=confidence)

    if measure.kind == "rate":
        events = float(values.sum())
        population = float(pop.sum())
        if (values < 0).any():
            raise ModelError("A number of events cannot be negative.")
        rate = events / population
        if events <= population:
            low, high = wilson_interval(events, population, confidence)
        else:  # several events per head: a share makes no sense, use a Poisson rate
            low, high = poisson_rate_interval(events, population, confidence)
        per = 100 if rate >= 0.01 else 1000
        label = what or "events"
        sentence = (f"{fmt_number(events)} {label} out of a population of "
                    f"{fmt_number(population)} across {count_words(n, unit)}: "
                    f"{fmt_number(rate * per)} per {per:,} (likely between "
                    f"{fmt_number(low * per)} and {fmt_number(high * per)}).")
        return Baseline("rate", n, missing, rate, low, high, per, sentence + missing_text,
                        total=events, population=population, confidence=confidence)

    arr = values.to_numpy()
    mean = float(arr.mean())
    low, high = mean_interval(arr, confidence)
    median = float(np.median(arr))
    interval = (f" (likely between {fmt_number(low)} and {fmt_number(high)})"
                if not math.isnan(low) else "")
    if measure.kind == "score":
        label = what or "score"
        sentence = (f"The average {label} was {fmt_number(mean)}{interval}, median "
                    f"{fmt_number(median)}, across {count_words(n, unit)}.")
        return Baseline("score", n, missing, mean, low, high, None, sentence + missing_text,
                        median=median, confidence=confidence)
    total = float(arr.sum())
    label = what or "events"
    sentence = (f"On average {fmt_number(mean)} {label} per {unit}{interval}; "
                f"{fmt_number(total)} in total across {count_words(n, unit)}.")
    return Baseline("count", n, missing, mean, low, high, None, sentence + missing_text,
                    total=total, median=median, confidence=confidence)


def tally_frame(yes: int, total: int, unit_name: str) -> pd.DataFrame:
    """A units table for the quick tally: ``yes`` units with outcome 1, then the rest with 0.

    Units get pseudonyms ("Family 1", "Family 2", …) and no circumstances. Raises
    :class:`ModelError` unless ``0 <= yes <= total <= 100000`` (whole numbers).
    """
    for name, value in (("yes", yes), ("total", total)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            if isinstance(value, float) and value.is_integer():
                continue
            raise ModelError(f"The {'number of yes answers' if name == 'yes' else 'total'} "
                             "must be a whole number.")
    yes, total = int(yes), int(total)
    if total <= 0:
        raise ModelError("The total must be at least 1.")
    if total > MAX_TALLY:
        raise ModelError(f"A quick tally can hold at most {MAX_TALLY:,} units; "
                         "import a file instead.")
    if yes < 0 or yes > total:
        raise ModelError(f"The number of yes answers must be between 0 and {total:,}.")
    name = (unit_name or "unit").strip() or "unit"
    label = name[:1].upper() + name[1:]
    outcome = np.zeros(total, dtype="float64")
    outcome[:yes] = 1.0
    return pd.DataFrame({
        "unit_id": [f"{label} {i}" for i in range(1, total + 1)],
        "outcome": outcome,
        "population": np.full(total, np.nan),
    })
