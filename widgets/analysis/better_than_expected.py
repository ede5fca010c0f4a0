"""Better than expected: units that did much better than their circumstances predict.

A regression of the outcome on the circumstance columns gives each unit an expected value;
units whose standardised Pearson residual is beyond ``threshold`` on the good side are flagged
("expected to struggle, but did not"). The model follows the kind of measure:

- score: linear regression (ordinary least squares);
- yes/no: logistic regression;
- rate (events out of a population): binomial regression on events / population;
- count: Poisson regression.

These are generalised linear models (McCullagh P, Nelder JA, *Generalized Linear Models*,
2nd ed., 1989), fitted with statsmodels (``OLS`` and ``GLM``; Seabold S, Perktold J,
"statsmodels: econometric and statistical modeling with Python", 2010), imported only when
the method runs (see ``_fit``). The standardised Pearson residual is
(observed − expected) / √(φ·V(expected)·(1 − h)), with V the variance function, h the
leverage (hat value) and φ the dispersion (McCullagh & Nelder §12.5; Agresti A,
*Categorical Data Analysis*, 3rd ed., 2013, §6.2); it is computed here from the fitted
values, which is cheaper than statsmodels' influence tables on a million units.
For rates and counts φ is estimated from the Pearson statistic when the data vary more than
chance alone would give (quasi-likelihood), so overdispersed data do not flag half the
units. Residual-based selection of positive deviants is one of the approaches of the
Data-Powered Positive Deviance handbook (2021).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.analysis.baseline import fmt_number, predicate
from widgets.analysis.method_result import (
    MethodResult,
    Prepared,
    build_table,
    json_ready,
    prepare,
)
from widgets.model import Measure, ModelError
from widgets.words import percent

#: Most model columns (after turning text into yes/no columns) the method accepts.
MAX_COLUMNS = 200
#: Rows per block when multiplying the n×p design matrix (bounds temporary memory).
CHUNK = 65_536
#: Most Newton (or IRLS) iterations before giving up with a warning.
MAX_ITERATIONS = 50


def design_matrix(prep: Prepared) -> tuple[np.ndarray, list[str]]:
    """The regression's columns: a constant, numeric circumstances standardised (mean 0,
    SD 1; only for numerical stability, expected values do not change), and one 0/1 column
    per text value except the most common one (the reference). Filled in place: one n×p
    array, no intermediate copies."""
    n = len(prep.y)
    plan: list[tuple[str, list[int], int]] = []  # column, levels shown, reference level
    names = ["constant"]
    for col in prep.circumstances:
        if prep.numeric[col]:
            plan.append((col, [], -1))
            names.append(col)
            continue
        uniques = prep.uniques[col]
        counts = np.bincount(prep.columns[col], minlength=len(uniques))
        present = np.flatnonzero(counts)
        if len(names) + len(present) - 1 > MAX_COLUMNS:
            raise ModelError(f"{col!r} has {len(present):,} different values: too many for "
                             "this method. Use 'best in similar circumstances' or group the "
                             "values first.")
        reference = int(counts.argmax())
        others = [int(k) for k in present if k != reference]
        plan.append((col, others, reference))
        names += [f"{col}={uniques[k]}" for k in others]
    X = np.zeros((n, len(names)))
    X[:, 0] = 1.0
    at = 1
    for col, others, reference in plan:
        values = prep.columns[col]
        if reference < 0:
            sd = values.std()
            X[:, at] = (values - values.mean()) / (sd if sd > 0 else 1.0)
            at += 1
            continue
        column_of = np.full(len(prep.uniques[col]), -1)
        column_of[others] = np.arange(at, at + len(others))
        target = column_of[values]
        rows = np.flatnonzero(target >= 0)
        X[rows, target[rows]] = 1.0
        at += len(others)
    return X, names


def single_thread_blas():
    """Limit BLAS to one thread while fitting, when threadpoolctl is installed.

    The matrices here are tall and thin (many units, few columns): one thread is as quick,
    and on a shared 1–2 core server (Binder) multi-threaded OpenBLAS competing with other
    kernels was measured 5–15× slower.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it BLAS keeps its default threads
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def better_than_expected(frame: pd.DataFrame, measure: Measure, circumstances: Sequence[str],
                         threshold: float = 2.0, overdispersion: bool = True) -> MethodResult:
    """Flag units whose outcome is much better than their circumstances would predict.

    What it does: fits the outcome on the circumstances (text columns as categories, numbers
    as they are) with the model that suits the measure (linear, logistic, binomial or Poisson
    regression), gives each unit its expected value, and flags units whose standardised
    Pearson residual is ≥ ``threshold`` on the good side.

    Assumptions: the circumstances are the ones that matter and act roughly in a straight
    line on the model's scale; units are independent. For yes/no outcomes a residual of 2
    means the unit had the good outcome although its expected chance was below about 0.2
    (1/(1+2²)); that is the intended "expected to struggle, but did not". With
    ``overdispersion`` (default) rates and counts that vary more than chance allows get their
    residuals scaled down by the estimated dispersion.

    Problems that leave no trustworthy model (perfect separation, circumstances that repeat
    each other, no convergence) give a plain warning, never an exception.

    Sources: McCullagh & Nelder (1989); Agresti (2013); Data-Powered Positive Deviance
    handbook (2021). Extra result column: ``residual`` (the raw standardised residual, not
    signed by direction).
    """
    with single_thread_blas():
        return _better_than_expected(frame, measure, circumstances, threshold, overdispersion)


def _better_than_expected(frame: pd.DataFrame, measure: Measure, circumstances: Sequence[str],
                          threshold: float, overdispersion: bool) -> MethodResult:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)) \
            or not threshold > 0:
        raise ModelError("The threshold must be a number above 0.")
    kind = measure.kind if measure is not None else ""
    prep = prepare(frame, measure, circumstances, need_circumstances=True,
                   share_population=(kind == "rate"))
    units = prep.units
    X, names = design_matrix(prep)
    n, p = X.shape
    if n <= p + 1:
        raise ModelError(f"There are only {n:,} {units} for {p - 1} things to allow for; "
                         "choose fewer circumstances.")
    warnings = list(prep.warnings)
    notes: list[str] = []
    settings: dict = {"circumstances": prep.circumstances, "threshold": threshold,
                      "better": measure.better, "columns": names,
                      "overdispersion": bool(overdispersion)}
    y = prep.y
    pop = prep.population

    # Columns that follow from others are found on the small p×p cross-product (much
    # cheaper than on the n×p matrix) and left out of the fit: the expected values are the
    # same (same span), and the fit is never singular.
    independent = _independent_columns(_crossprod(X, np.ones(n)))
    rank = len(independent)
    if rank < p:
        warnings.append("Some circumstances say the same thing as others (one follows from "
                        "another), so the model could only use part of them.")
        X = X[:, independent]

    try:
        mu, observed, weight, var, model_name = _fit(kind, X, y, pop, warnings)
    except _FitFailed as problem:
        return _unfitted(prep, str(problem), warnings, settings)
    settings["model"] = model_name
    notes.append(f"Expected values from a {model_name} on the chosen circumstances.")

    # Leverage: h_i = w_i · x_i (XᵀWX)⁻¹ x_iᵀ; pinv copes with repeated columns.
    inv = np.linalg.pinv(_crossprod(X, weight))
    h = np.empty(n)
    for lo in range(0, n, CHUNK):
        block = X[lo:lo + CHUNK]
        h[lo:lo + CHUNK] = weight[lo:lo + CHUNK] * np.einsum("ij,ij->i", block @ inv, block)
    h = np.clip(h, 0.0, 1.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = (observed - mu) / np.sqrt(var)
    df = max(n - rank, 1)
    phi = 1.0
    if kind == "score":
        phi = float(np.sum((y - mu) ** 2) / df)
    elif kind in ("rate", "count"):
        chi2 = float(np.nansum(pearson ** 2) / df)
        settings["dispersion"] = round(chi2, 4)
        if overdispersion and chi2 > 1:
            phi = chi2
            notes.append(f"The {units} vary more than chance alone would give (dispersion "
                         f"{chi2:.1f}), so the differences were scaled down to allow for it.")
    if phi <= 0:
        return _unfitted(prep, "every outcome is exactly as expected, so nobody stands out",
                         warnings, settings)
    with np.errstate(divide="ignore", invalid="ignore"):
        residual = pearson / np.sqrt(phi * (1 - h))
    residual = np.where(np.isfinite(residual), residual, np.nan)
    score = prep.sign * residual
    flagged = np.nan_to_num(score, nan=-np.inf) >= threshold

    expected = mu * pop if kind == "rate" else mu
    # Shared sentences gathered by code (no million-row string array), then one sentence of
    # its own for each flagged unit.
    messages = np.asarray([
        "About as expected from the circumstances.",
        "Better than expected from the circumstances, but not by enough to stand out.",
        "Worse than expected from the circumstances.",
        "Too unusual for the model to judge.",
    ], dtype=object)
    state = np.zeros(n, dtype="int64")
    state[score >= 1] = 1
    state[score <= -1] = 2
    state[np.isnan(score)] = 3
    generic = messages[state]
    what = predicate(measure)
    # "Expected to struggle" only when the model expected worse than the overall average;
    # otherwise the honest words are "much better than expected".
    typical = float(np.mean(mu))
    flagged_at = np.flatnonzero(flagged)
    for i, uid in zip(flagged_at, prep.ids_of(flagged_at), strict=True):
        struggled = prep.sign * (mu[i] - typical) < 0
        if kind == "yes_no":
            did = what if prep.sign > 0 else f"not “{what}”"
            chance = "expected chance" if prep.sign > 0 else f"expected chance of “{what}”"
            shown, actual = f"{chance} {percent(mu[i])}", did
        elif kind == "rate":
            shown = f"expected {fmt_number(expected[i])} of {fmt_number(pop[i])}"
            actual = f"actual {fmt_number(y[i])}"
        else:
            shown, actual = f"expected {fmt_number(expected[i])}", f"actual {fmt_number(y[i])}"
        if struggled:
            sep = " — " if kind == "yes_no" else " ("
            end = "." if kind == "yes_no" else ")."
            generic[i] = f"{uid}: expected to struggle ({shown}), but did not{sep}{actual}{end}"
        else:
            generic[i] = f"{uid}: did much better than expected ({shown}; {actual})."
    settings["flagged"] = int(flagged.sum())
    table = build_table(prep, score=score, expected=expected, flagged=flagged,
                        explanation=generic, extra={"residual": residual})
    return MethodResult("expected", table, warnings, json_ready(settings), notes)


class _FitFailed(Exception):
    """The model could not be fitted; the message is plain words."""


def _crossprod(X: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """XᵀWX in row blocks (memory stays at one block, not another n×p array)."""
    out = np.zeros((X.shape[1], X.shape[1]))
    for lo in range(0, len(X), CHUNK):
        block = X[lo:lo + CHUNK]
        out += block.T @ (block * weight[lo:lo + CHUNK, None])
    return out


def _independent_columns(gram: np.ndarray, tolerance: float = 1e-10) -> list[int]:
    """Positions of columns that do not follow from earlier ones, from the cross-product
    XᵀX: a column is kept when the part of it that earlier kept columns cannot explain
    is more than ``tolerance`` of its squared length (a pivoted Cholesky in column order,
    so the constant and the first-named circumstances are the ones kept)."""
    kept: list[int] = []
    for j in range(gram.shape[0]):
        length = gram[j, j]
        if length <= 0:
            continue
        if kept:
            g = gram[np.ix_(kept, kept)]
            c = gram[kept, j]
            try:
                length = length - c @ np.linalg.solve(g, c)
            except np.linalg.LinAlgError:
                continue
        if length > tolerance * gram[j, j]:
            kept.append(j)
    return kept


def _fit(kind: str, X: np.ndarray, y: np.ndarray, pop: np.ndarray | None,
         warnings: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """Fit the model for ``kind`` with statsmodels (imported here: it is only needed when
    the method runs) and add plain sentences to ``warnings`` for what went wrong.

    Scores use ``OLS`` (least squares, statsmodels' default pseudo-inverse). Yes/no, rates
    (as events and non-events per unit) and counts use ``GLM`` with the Binomial or Poisson
    family and their canonical links (logit, log), fitted by Newton's method with the
    expected information (Fisher scoring) started at the overall rate or mean: for canonical
    links that is the same algorithm as the IRLS that ``GLM.fit()`` uses by default
    (McCullagh & Nelder 1989 §2.5), but it keeps one n×p matrix instead of a least squares
    solve and a pseudo-inverse of one per step. Measured on a million units (17 columns):
    the default IRLS took 13–21 s and ~3 GB, this 1–3 s and ~0.45 GB including the design
    matrix. If Newton's method gives no finite answer, the default IRLS is tried once
    (:func:`_fit_glm`).

    ``X`` must have independent columns (see :func:`_independent_columns`). Returns the
    expected and observed values on the response scale (a share for yes/no and rates), the
    working weights for the leverage, the variance of each observation (φ = 1) and the
    model's plain name.
    """
    import warnings as python_warnings

    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    n = len(y)
    if kind == "score":
        name = "linear regression"
    elif kind == "yes_no":
        name = "logistic regression"
        if y.min() == y.max():
            raise _FitFailed("every unit has the same answer, so there is nothing to explain")
    elif kind == "rate":
        name = "binomial regression"
        if not y.any() or np.array_equal(y, pop):
            raise _FitFailed("every unit has the same share (" +
                             ("none" if not y.any() else "all") +
                             " of its population), so there is nothing to explain")
    else:
        name = "Poisson regression"
        if not y.any():
            raise _FitFailed("every count is 0, so there is nothing to explain")
    binomial = kind in ("yes_no", "rate")

    with python_warnings.catch_warnings(record=True) as caught:
        # Every statsmodels warning is recorded here and turned into plain words below.
        python_warnings.simplefilter("always")
        try:
            with np.errstate(all="ignore"):
                if kind == "score":
                    mu = np.asarray(OLS(y, X, hasconst=True).fit().fittedvalues, dtype="float64")
                    converged = True
                else:
                    if kind == "yes_no":
                        endog, family, overall = y, families.Binomial(), y.mean()
                    elif kind == "rate":
                        # The (events, non-events) form: GLM weighs each unit by its size.
                        endog = np.column_stack([y, pop - y])
                        family, overall = families.Binomial(), y.sum() / pop.sum()
                    else:
                        endog, family, overall = y, families.Poisson(), y.mean()
                    start = np.zeros(X.shape[1])
                    start[0] = (np.log(overall / (1 - overall)) if binomial
                                else np.log(overall))  # column 0 is the constant
                    fitted = _fit_glm(GLM, endog, X, family, start)
                    mu = np.asarray(fitted.fittedvalues, dtype="float64")
                    retvals = getattr(fitted, "mle_retvals", None) or {}
                    converged = bool(retvals.get("converged", getattr(fitted, "converged",
                                                                      True)))
        except PerfectSeparationError as problem:
            raise _FitFailed("some circumstances predict the outcome perfectly, so there is "
                             "no trustworthy model") from problem
        except np.linalg.LinAlgError as problem:
            raise _FitFailed("some circumstances say the same thing as others, so there is "
                             "no trustworthy model; choose fewer circumstances") from problem
        except (ValueError, FloatingPointError, OverflowError) as problem:
            raise _FitFailed("the circumstances could not be turned into expected "
                             "values") from problem
    categories = {type(w.message) for w in caught}
    if not np.all(np.isfinite(mu)):
        raise _FitFailed("the circumstances could not be turned into expected values")
    if kind == "score":
        ones = np.ones(n)
        return mu, y, ones, ones, name

    separated = any(issubclass(c, PerfectSeparationWarning) for c in categories) or (
        binomial and bool(((mu < 1e-8) | (mu > 1 - 1e-8)).any()))
    if separated:
        warnings.append("Some circumstances predict the outcome perfectly (for example "
                        "everyone in one group has the same answer), so the expected values "
                        "for those units are not reliable.")
    elif not converged or any(issubclass(c, ConvergenceWarning) for c in categories):
        warnings.append("The model did not settle on an answer, so expected values may be "
                        "off; try fewer circumstances.")
    if binomial:
        trials = pop if kind == "rate" else np.ones(n)
        observed = y / trials if kind == "rate" else y
        mu = np.clip(mu, 1e-8, 1 - 1e-8)
        return mu, observed, trials * mu * (1 - mu), mu * (1 - mu) / trials, name
    mu = np.maximum(mu, 1e-12)
    return mu, y, mu, mu, name


def _fit_glm(GLM, endog: np.ndarray, X: np.ndarray, family, start: np.ndarray):
    """A statsmodels GLM fitted by Newton's method from ``start``; if that gives no finite
    answer, once more by statsmodels' default IRLS (slower and heavier, but it starts from
    each unit's own value)."""
    try:
        # Newton with the expected information is Fisher scoring, i.e. IRLS; for these
        # canonical links it equals the observed information, and is cheaper to compute.
        fitted = GLM(endog, X, family=family, hasconst=True).fit(
            method="newton", start_params=start, max_start_irls=0, maxiter=MAX_ITERATIONS,
            optim_hessian="eim", cov_type="eim")
        if np.all(np.isfinite(fitted.params)):
            return fitted
    except np.linalg.LinAlgError:
        pass
    return GLM(endog, X, family=family, hasconst=True).fit(maxiter=MAX_ITERATIONS)


def _unfitted(prep: Prepared, reason: str, warnings: list[str], settings: dict) -> MethodResult:
    message = f"No one was flagged: {reason}."
    warnings = warnings + [message[:1].upper() + message[1:]]
    n = len(prep.y)
    settings["flagged"] = 0
    table = build_table(prep, score=np.full(n, np.nan), expected=np.full(n, np.nan),
                        flagged=np.zeros(n, dtype=bool),
                        explanation=np.full(n, message, dtype=object),
                        extra={"residual": np.full(n, np.nan)})
    return MethodResult("expected", table, warnings, json_ready(settings))


__all__ = ["better_than_expected", "design_matrix"]
