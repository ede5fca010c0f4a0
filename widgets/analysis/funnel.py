"""Rates with small numbers: the funnel plot's control limits.

Each unit has ``outcome`` events out of ``population``. Its rate is compared with the overall
rate p0 = all events / all population, using control limits that widen as the population
shrinks (a funnel), so a small unit is not singled out by chance. Source: Spiegelhalter DJ,
"Funnel plots for comparing institutional performance", Stat Med 2005;24:1185–1202.

- Exact limits (default): from the binomial distribution of events in a unit of that size,
  with Spiegelhalter's interpolation between whole numbers of events (2005, appendix): for
  the probability q, r = the smallest count with P(X ≤ r) ≥ q, and the limit is
  (r − α)/n with α = (P(X ≤ r) − q) / P(X = r). Example: with p0 = 7.4 % a unit with 0 of 47
  has P(X = 0) = 0.926⁴⁷ ≈ 0.027 > 0.025, so its lower 95 % limit is below 0 and 0 of 47 is
  not beyond it; 0 of 200 is.
- Normal approximation (``exact=False``): p0 ± z·√(p0(1 − p0)/n).
- Overdispersion (optional): when units differ more than chance allows, a multiplicative
  factor φ is estimated from the z-scores winsorised at the 10th and 90th percentiles,
  φ = mean(z²) (Spiegelhalter 2005, over-dispersion section), and, when above 1, the limits'
  distance from p0 is multiplied by √φ (for exact limits too, a pragmatic extension) and
  scores are divided by √φ.

The limits are two-sided; 95 % and 99.8 % are the conventional pair (about 2 and 3 SD).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.analysis.baseline import fmt_number, fmt_numbers
from widgets.analysis.method_result import (
    MethodResult,
    build_table,
    empty_result,
    json_ready,
    prepare,
)
from widgets.model import Measure, ModelError
from widgets.words import per_cent, plural

#: Winsorising share on each side for the overdispersion factor (Spiegelhalter 2005).
WINSOR = 0.10


def limit_columns(level: float) -> tuple[str, str]:
    """Names of the lower and upper limit columns for a level: 0.95 -> ("lower_95",
    "upper_95"), 0.998 -> ("lower_99_8", "upper_99_8")."""
    tag = f"{level * 100:g}".replace(".", "_")
    return f"lower_{tag}", f"upper_{tag}"


def level_words(level: float) -> str:
    """0.95 -> "95 %", 0.998 -> "99.8 %"."""
    return per_cent(level * 100)


def _exact_bound(prob: float, n: np.ndarray, p0: float) -> np.ndarray:
    """Spiegelhalter's interpolated binomial quantile divided by n, for each n."""
    from scipy.stats import binom

    r = binom.ppf(prob, n, p0)
    f_r = binom.cdf(r, n, p0)
    f_below = binom.cdf(r - 1, n, p0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(f_r > f_below, (f_r - prob) / (f_r - f_below), 0.0)
    return (r - alpha) / n


def funnel_limits(p0: float, population: np.ndarray | Sequence[float], level: float,
                  exact: bool = True, phi: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits (as shares, clipped to 0–1) for each population.

    ``level`` is two-sided (0.95 -> 2.5 % in each tail). ``exact`` uses the binomial
    distribution with interpolation (populations must be whole numbers), otherwise the normal
    approximation. ``phi`` > 1 widens the limits by √φ around ``p0``.
    """
    from scipy.stats import norm

    n = np.asarray(population, dtype="float64")
    tail = (1 - level) / 2
    if exact:
        # Compute once per distinct population: many units share a size.
        sizes, inverse = np.unique(n, return_inverse=True)
        low = _exact_bound(tail, sizes, p0)[inverse]
        high = _exact_bound(1 - tail, sizes, p0)[inverse]
        if phi > 1:
            root = math.sqrt(phi)
            low, high = p0 + root * (low - p0), p0 + root * (high - p0)
    else:
        z = float(norm.ppf(1 - tail))
        half = z * np.sqrt(phi * p0 * (1 - p0) / n)
        low, high = p0 - half, p0 + half
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)


def funnel_curve(p0: float, max_population: float, levels: Sequence[float] = (0.95, 0.998),
                 exact: bool = True, phi: float = 1.0, points: int = 200,
                 min_population: float = 1) -> pd.DataFrame:
    """The funnel's outline for a plot: columns population, level, lower, upper (shares),
    at ``points`` populations spread evenly on a log scale between the two sizes."""
    top = max(float(max_population), float(min_population) + 1)
    sizes = np.unique(np.round(np.geomspace(max(min_population, 1), top, points)))
    frames = []
    for level in levels:
        low, high = funnel_limits(p0, sizes, level, exact, phi)
        frames.append(pd.DataFrame({"population": sizes, "level": level,
                                    "lower": low, "upper": high}))
    return pd.concat(frames, ignore_index=True)


def overdispersion_factor(z: np.ndarray, winsor: float = WINSOR) -> float:
    """φ = mean of the squared z-scores after winsorising ``winsor`` in each tail."""
    z = z[np.isfinite(z)]
    if len(z) == 0:
        return 1.0
    lo, hi = np.quantile(z, [winsor, 1 - winsor])
    zw = np.clip(z, lo, hi)
    return float(np.mean(zw * zw))


def funnel(frame: pd.DataFrame, measure: Measure, limits: Sequence[float] = (0.95, 0.998),
           exact: bool = True, overdispersion: bool = False,
           flag_at: float | None = None) -> MethodResult:
    """Flag units whose rate is beyond the funnel's control limit on the good side.

    What it does: computes each unit's rate (events / population), the overall rate p0 and,
    for each level in ``limits``, the control limits for a unit of that size (exact binomial
    by default, normal approximation with ``exact=False``, optionally widened for
    overdispersion). A unit is flagged when its rate is strictly beyond the ``flag_at`` limit
    (default: the smallest level, 95 %) in the good direction. ``score`` is the z-score
    (rate − p0)/√(p0(1 − p0)/n), signed so that positive is better (divided by √φ when
    overdispersion is allowed for).

    Assumptions: events in a unit are independent with a common chance (binomial); every
    unit is compared with one overall rate, so differences in circumstances are not allowed
    for (use 'better than expected' for that). A unit with 0 events out of a small population
    is not flagged unless 0 really is beyond its limit.

    Source: Spiegelhalter 2005, Stat Med 24:1185. Only for rate measures: other kinds return
    a result with no flags and a plain warning.

    Extra result columns: ``population``, ``rate``, ``lower_<level>`` / ``upper_<level>``
    for each level (see :func:`limit_columns`), ``beyond`` (the widest level whose limit the
    unit passes on the good side, NaN when none). ``expected`` is p0 × population (events).
    """
    if measure is not None and measure.kind != "rate":
        unit = plural(measure.unit_name or "unit", 1)
        return empty_result(
            frame, "funnel",
            f"The funnel needs a rate: a number of events out of a population for each "
            f"{unit}. Choose another method, or make the measure a rate in step 1.",
            {"limits": list(limits)})
    levels = _check_levels(limits)
    if flag_at is None:
        flag_at = levels[0]
    if not any(math.isclose(flag_at, lv) for lv in levels):
        raise ModelError(f"The limit that flags must be one of "
                         f"{', '.join(level_words(lv) for lv in levels)}.")
    prep = prepare(frame, measure, [], need_population=True, share_population=True)
    units = prep.units
    y, n = prep.y, prep.population
    p0 = float(y.sum() / n.sum())
    warnings = list(prep.warnings)
    notes: list[str] = []
    settings = {"limits": levels, "flag_at": flag_at, "exact": bool(exact),
                "overdispersion": bool(overdispersion), "better": measure.better,
                "overall_rate": p0}
    rate = y / n
    if p0 <= 0 or p0 >= 1:
        what = "no events at all" if p0 <= 0 else "events for everyone"
        warnings.append(f"There are {what}, so no one can stand out.")
        settings["flagged"] = 0
        m = len(y)
        table = build_table(prep, score=np.zeros(m), expected=p0 * n,
                            flagged=np.zeros(m, dtype=bool),
                            explanation=np.full(m, f"There are {what}.", dtype=object),
                            extra={"population": n, "rate": rate})
        return MethodResult("funnel", table, warnings, json_ready(settings), notes)

    use_exact = bool(exact)
    if use_exact and not np.all(n == np.round(n)):
        use_exact = False
        notes.append("Some populations are not whole numbers, so the limits use the normal "
                     "approximation instead of the exact binomial distribution.")
    settings["exact_used"] = use_exact
    notes.append("Limits from the exact binomial distribution." if use_exact
                 else "Limits from the normal approximation to the binomial distribution.")

    z = (rate - p0) / np.sqrt(p0 * (1 - p0) / n)
    phi = 1.0
    if overdispersion:
        phi_hat = overdispersion_factor(z)
        settings["dispersion"] = phi_hat
        if phi_hat > 1:
            phi = phi_hat
            notes.append(f"The {units} differ more than chance alone would give (factor "
                         f"{phi_hat:.2f}), so the limits were widened to allow for it.")
        else:
            notes.append(f"The {units} differ no more than chance would give, so the limits "
                         "were not widened.")
    settings["phi"] = phi
    score = prep.sign * z / math.sqrt(phi)

    extra: dict[str, np.ndarray] = {"population": n, "rate": rate}
    beyond = np.full(len(y), np.nan)
    worse = np.full(len(y), np.nan)
    flagged = np.zeros(len(y), dtype=bool)
    for level in levels:  # ascending, so wider levels overwrite narrower ones
        low, high = funnel_limits(p0, n, level, use_exact, phi)
        lo_name, hi_name = limit_columns(level)
        extra[lo_name], extra[hi_name] = low, high
        good = rate > high if prep.sign > 0 else rate < low
        bad = rate < low if prep.sign > 0 else rate > high
        beyond[good] = level
        worse[bad] = level
        if math.isclose(level, flag_at):
            flagged = good
    extra["beyond"] = beyond

    per = 100 if p0 >= 0.01 else 1000
    # One shared sentence per situation (a small lookup gathered by code: cheap for a
    # million rows); a sentence of its own only for each flagged unit.
    messages = ["Within the limits: the difference from the overall rate could be chance."]
    state = np.zeros(len(y), dtype="int64")
    for level in levels:
        messages.append(f"Beyond the {level_words(level)} limit on the worse side: worse "
                        "than chance alone would explain.")
        state[worse == level] = len(messages) - 1
        messages.append(f"Beyond the {level_words(level)} limit on the good side, but not "
                        "the limit chosen to flag.")
        state[(beyond == level) & ~flagged] = len(messages) - 1
    generic = np.asarray(messages, dtype=object)[state]
    idx = np.flatnonzero(flagged)
    if len(idx):
        side = "above" if prep.sign > 0 else "below"
        ends = {lv: (" limit of ", f" for this size; the overall rate is "
                     f"{fmt_number(p0 * per)} per {per:,}.") for lv in levels}
        limit = np.full(len(idx), np.nan)
        for level in levels:
            at = beyond[idx] == level
            lo_name, hi_name = limit_columns(level)
            limit[at] = (extra[hi_name] if prep.sign > 0 else extra[lo_name])[idx][at]
        words = {lv: f"), {side} the {level_words(lv)}" for lv in levels}
        texts = [f"{u}: {r} per {per:,} ({e} of {m}{words[lv]}{ends[lv][0]}{lim}{ends[lv][1]}"
                 for u, r, e, m, lv, lim in zip(
                     prep.ids_of(idx), fmt_numbers(rate[idx] * per), fmt_numbers(y[idx]),
                     fmt_numbers(n[idx]), beyond[idx].tolist(), fmt_numbers(limit * per),
                     strict=True)]
        generic[idx] = np.asarray(texts, dtype=object)
    settings["flagged"] = int(flagged.sum())
    table = build_table(prep, score=score, expected=p0 * n, flagged=flagged,
                        explanation=generic, extra=extra)
    return MethodResult("funnel", table, warnings, json_ready(settings), notes)


def _check_levels(limits: Sequence[float]) -> list[float]:
    try:
        levels = sorted({float(v) for v in limits})
    except (TypeError, ValueError):
        raise ModelError("The limits must be numbers such as 0.95 and 0.998.") from None
    if not levels or any(not 0.5 <= v < 1 for v in levels):
        raise ModelError("The limits must be between 0.5 and 1, such as 0.95 and 0.998.")
    return levels
